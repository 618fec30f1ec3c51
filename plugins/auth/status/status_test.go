package status_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

// TestStatusVSphere lists the cached vSphere sessions with their expiry,
// never a token.
func TestStatusVSphere(t *testing.T) {
	home := t.TempDir()
	store := &vsphere.Store{Path: filepath.Join(home, ".config", "tko", vsphere.SessionsFile)}
	live := time.Now().Add(9 * time.Hour).Truncate(time.Second).UTC()
	gone := time.Now().Add(-5 * time.Hour).Truncate(time.Second).UTC()
	if err := store.Put(
		&vsphere.Session{Server: "10.0.0.5", User: "devops@vsphere.local", Token: "secret-supervisor-token", Expiry: live},
		&vsphere.Session{Server: "10.0.0.5", User: "devops@vsphere.local", Token: "secret-guest-token", Expiry: gone,
			Guest: &vsphere.Guest{Namespace: "vsphere-team-a", Name: "tkc-1"}, GuestServer: "10.0.0.9"},
		&vsphere.Session{Server: "wcp.example.com", User: "ops@vsphere.local", Token: "secret-other-token", Expiry: live},
	); err != nil {
		t.Fatal(err)
	}
	run := func(args string) clitest.Result {
		return clitest.Cmd{Plugin: auth.Plugin(), Home: home}.Run(t, clitest.Args(args)...)
	}
	r := run("status --vsphere")
	for _, want := range []string{
		"SUPERVISOR\tUSER\tCLUSTER\tEXPIRES\tSTATE\n",
		"10.0.0.5\tdevops@vsphere.local\t(Supervisor)\t" + live.Format(time.RFC3339) + "\tvalid for 8h",
		"10.0.0.5\tdevops@vsphere.local\tvsphere-team-a/tkc-1\t" + gone.Format(time.RFC3339) + "\texpired 5h",
		"wcp.example.com\tops@vsphere.local\t(Supervisor)\t",
	} {
		if r.Code != 0 || !strings.Contains(r.Stdout, want) {
			t.Fatalf("want %q: %s", want, r)
		}
	}
	if strings.Contains(r.Stdout+r.Stderr, "secret-") || strings.Contains(r.Stderr, "warning") {
		t.Fatalf("a token or a warning: %s", r)
	}
	r = run("status --vsphere --server https://10.0.0.5 -o json")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"tanzuKubernetesCluster": {`) || !strings.Contains(r.Stdout, `"expired": true`) ||
		strings.Contains(r.Stdout, "wcp.example.com") || strings.Contains(r.Stdout, "secret-") {
		t.Fatalf("json: %s", r)
	}
	if r := run("status --vsphere --server other.example.com"); r.Code != 0 || r.Stdout != "" || !strings.Contains(r.Stderr, "no vSphere session of other.example.com: log in with") {
		t.Fatalf("none: %s", r)
	}
	if r := run("status --vsphere --all-workload-clusters"); r.Code != 2 || !strings.Contains(r.Stderr, "--all-workload-clusters check the Pinniped set-up") {
		t.Fatalf("doctor flag: %s", r)
	}
	if r := run("status --vsphere -o table"); r.Code != 2 {
		t.Fatalf("bad output: %s", r)
	}
}
