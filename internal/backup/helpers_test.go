package backup_test

import (
	"fmt"
	"os"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func writeFile(name, text string) error { return os.WriteFile(name, []byte(text), 0o600) }

func toString(v any) string { return fmt.Sprint(v) }

func metav1ListOptions() metav1.ListOptions { return metav1.ListOptions{} }
