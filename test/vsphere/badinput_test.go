package vsphere

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	vs "github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// Each refused login is one line with its documented exit code (2 usage,
// 6 cannot connect), and leaves the kubeconfig and the cache as they were.
func TestLoginBadInput(t *testing.T) {
	t.Parallel()
	e, caFile := newEnv(t)
	// The user's existing kubeconfig (the admin's), which must not change.
	e.Kubeconfig = e.Home + "/.kube/config"
	kubeconfig, err := os.ReadFile(e.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	notSupervisor := httptest.NewTLSServer(http.NotFoundHandler())
	defer notSupervisor.Close()
	closed := closedPort(t)

	r := login(e, "--certificate-authority", caFile).Env(common.PasswordEnv+"=not-the-password").ExitCode(6).
		OneLineError("the Supervisor rejected the user name or password ("+devopsUser+" at "+vcenter.Server+")",
			"check --vsphere-username and the password ("+common.PasswordEnv+" in scripts)")
	if strings.Contains(r.Stderr, "not-the-password") {
		t.Fatal("the error shows the password")
	}
	withPassword(e.Kubectl("tko", "auth", "login", "--vsphere", "--server", strings.TrimPrefix(notSupervisor.URL, "https://"),
		"--vsphere-username", devopsUser, "--insecure-skip-tls-verify")).ExitCode(6).
		OneLineError("is not a vSphere with Tanzu Supervisor (GET /wcp/loginbanner answered 404, not 200)", "pass the Supervisor's control plane address with --server")
	withPassword(e.Kubectl("tko", "auth", "login", "--vsphere", "--server", closed, "--vsphere-username", devopsUser, "--certificate-authority", caFile)).
		ExitCode(6).OneLineError("cannot reach the Supervisor https://"+closed, "connection refused", "is --server right and the Supervisor up?")
	withPassword(login(e)).ExitCode(6).
		OneLineError("TLS verification of the Supervisor https://"+vcenter.Server+" failed", "pass its CA with --certificate-authority FILE, or --insecure-skip-tls-verify")
	login(e, "--certificate-authority", caFile).ExitCode(2).
		OneLineError("no password for the vSphere login: set " + common.PasswordEnv + ", or run the command on a terminal to be asked")

	unchanged(t, e.Kubeconfig, kubeconfig)
	unchanged(t, sessionsFile(e), nil)
}

// closedPort is an address of the Supervisor's loopback where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(vcenter.Addr, "0"))
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// An expired session, with no password and no terminal: kubectl fails with
// our one line naming the login command; with the password it logs in again.
func TestExpiredSession(t *testing.T) {
	t.Parallel()
	e, caFile := newEnv(t)
	withPassword(login(e, "--certificate-authority", caFile)).Success()
	store := &vs.Store{Path: sessionsFile(e)}
	list, err := store.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("sessions %+v: %v", list, err)
	}
	old := list[0]
	expired := old
	expired.Expiry = time.Now().Add(-time.Minute).Truncate(time.Second)
	if err := store.Put(&expired); err != nil {
		t.Fatal(err)
	}
	r := e.Kubectl("--context", teamA, "get", "tanzukubernetesclusters").ExitCode(1)
	ourLine(t, r, "error: the vSphere session of "+devopsUser+" at "+vcenter.Server+" expired at "+
		expired.Expiry.UTC().Format(time.RFC3339)+"; "+loginCommand(caFile))

	withPassword(e.Kubectl("--context", teamA, "get", "tanzukubernetesclusters")).Success().StdoutContains("tkc-prod-1")
	renewed := sessions(t, e)
	if len(renewed) != 1 || !renewed[0].Expiry.After(time.Now().Add(sessionLife-time.Hour)) || renewed[0].Token == old.Token && renewed[0].Expiry.Equal(expired.Expiry) {
		t.Fatalf("the session was not renewed: %+v", renewed)
	}
	assertMode600(t, sessionsFile(e))
}
