package backup_test

import (
	"fmt"
	"os"
)

func writeFile(name, text string) error { return os.WriteFile(name, []byte(text), 0o600) }

func toString(v any) string { return fmt.Sprint(v) }
