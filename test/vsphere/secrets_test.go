package vsphere

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vs "github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// At the highest verbosity, the password is in no output and no file of
// the user's HOME; the session token is in no output and not in the
// kubeconfig, only in the 0600 cache.
func TestNoSecretAtAnyVerbosity(t *testing.T) {
	t.Parallel()
	e, caFile := newEnv(t)
	var results []*harness.Result
	keep := func(r *harness.Result) *harness.Result { results = append(results, r); return r }
	keep(withPassword(login(e, "--certificate-authority", caFile, "-v=10")).Success())
	keep(withPassword(login(e, "--certificate-authority", caFile, "--tanzu-kubernetes-cluster-namespace", teamA,
		"--tanzu-kubernetes-cluster-name", "tkc-dev-1", "-v=10")).Success())
	keep(withPassword(e.Kubectl("--v=10", "--context", teamA, "get", "tanzukubernetesclusters")).Success())
	keep(withPassword(e.Kubectl("--v=10", "--context", "tkc-dev-1", "auth", "whoami")).Success()).StdoutContains(usernamePrefix + devopsUser)
	// An expired session renewed by the exec entry with the password.
	store := &vs.Store{Path: sessionsFile(e)}
	list, err := store.List()
	if err != nil || len(list) != 2 {
		t.Fatalf("sessions %+v: %v", list, err)
	}
	for i := range list {
		list[i].Expiry = time.Now().Add(-time.Minute)
		if err := store.Put(&list[i]); err != nil {
			t.Fatal(err)
		}
	}
	keep(withPassword(e.Kubectl("--v=10", "--context", "tkc-dev-1", "get", "tanzukubernetesclusters")).Success())
	keep(e.Kubectl("tko", "auth", "logout", "--vsphere", "--dry-run", "-v=10").Success())

	assertMode600(t, sessionsFile(e))
	assertMode600(t, e.Kubeconfig)
	var tokens []string
	for _, s := range append(list, sessions(t, e)...) {
		tokens = append(tokens, s.Token)
	}
	for _, r := range results {
		for _, secret := range append([]string{devopsPassword}, tokens...) {
			if strings.Contains(r.Stdout+r.Stderr, secret) {
				t.Fatalf("%s shows a secret (%s...)", r.Line(), secret[:8])
			}
		}
	}
	// -v=10 was on: each logged its requests (ours with the token masked).
	if !strings.Contains(results[0].Stderr, "Authorization: Bearer <masked>") || !strings.Contains(results[2].Stderr, `"Request" curlCommand=`) {
		t.Fatalf("no request was logged at -v=10:\n%s\n%s", results[0].Stderr, results[2].Stderr)
	}
	raw, _ := os.ReadFile(e.Kubeconfig)
	for _, tok := range tokens {
		if strings.Contains(string(raw), tok) {
			t.Fatal("the kubeconfig holds a session token")
		}
	}
	files := 0
	err = filepath.WalkDir(e.Home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err == nil && bytes.Contains(data, []byte(devopsPassword)) {
			t.Errorf("%s holds the password", path)
		}
		return err
	})
	if err != nil || files < 3 {
		t.Fatalf("walked %d files of %s: %v", files, e.Home, err)
	}
}
