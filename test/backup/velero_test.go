package backup

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// bucketHas lists the files the store holds under a prefix.
func bucketHas(t *testing.T, s harness.Store, prefix string) []string {
	t.Helper()
	var files []string
	root := filepath.Join(s.Dir, harness.VeleroBucket, prefix)
	_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, strings.TrimPrefix(p, root+"/"))
		}
		return nil
	})
	return files
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// caFile writes a self-signed CA certificate (PEM) with the given common
// name, as an on-premises store's CA.
func caFile(t *testing.T, cn string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// newestCompleted names the Completed backup in Velero's namespace that
// completed last.
func newestCompleted(t *testing.T) string {
	t.Helper()
	list, err := suite.Dyn.Resource(backup.Backups).Namespace("velero").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	newest, at := "", time.Time{}
	for i := range list.Items {
		b, err := backup.Parse[backup.Backup](&list.Items[i])
		if err != nil {
			t.Fatal(err)
		}
		if c := b.Status.CompletionTimestamp; b.Status.Phase == backup.PhaseCompleted && c != nil && c.After(at) {
			newest, at = b.Name, c.Time
		}
	}
	return newest
}

// settledScheduledBackup waits until every backup a schedule started has
// ended (Velero's phase is final) and returns the newest, by creation.
func settledScheduledBackup(t *testing.T, schedule string, deadline time.Time) *unstructured.Unstructured {
	t.Helper()
	for {
		list, err := suite.Dyn.Resource(backup.Backups).Namespace("velero").List(context.Background(), metav1.ListOptions{LabelSelector: backup.LabelSchedule + "=" + schedule})
		if err != nil {
			t.Fatal(err)
		}
		var newest *unstructured.Unstructured
		settled := true
		for i := range list.Items {
			item := &list.Items[i]
			settled = settled && backup.OutcomeOf(item).Done()
			if newest == nil || newest.GetCreationTimestamp().Time.Before(item.GetCreationTimestamp().Time) {
				newest = item
			}
		}
		if settled && newest != nil {
			return newest
		}
		if time.Now().After(deadline) {
			t.Fatalf("backups of schedule %s still running at the deadline", schedule)
		}
		time.Sleep(time.Second)
	}
}
