package reliability

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
)

// Fault is a broken way to reach the cluster: a kubeconfig (and flags)
// that lead into it, the exit code every command must give and what its
// one error line must say.
type Fault struct {
	Name       string
	Kubeconfig string
	Flags      []string
	Code       int
	Says       string
}

// faults builds every connection fault on loopback. The caller closes the
// listeners with t.Cleanup.
func faults(t *testing.T) []Fault {
	t.Helper()
	dir := t.TempDir()
	base, err := clientcmd.LoadFromFile(suite.CP.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, mutate func(*clientcmdapi.Config)) string {
		cfg := base.DeepCopy()
		mutate(cfg)
		p := filepath.Join(dir, name)
		if err := clientcmd.WriteToFile(*cfg, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	server := func(url string) func(*clientcmdapi.Config) {
		return func(c *clientcmdapi.Config) {
			for _, cl := range c.Clusters {
				cl.Server = url
			}
		}
	}

	// Closed: a port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	l.Close()

	// Silent: accepts the connection and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		silent.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		held.Wait()
	})

	// Another CA: a TLS server whose certificate the kubeconfig's CA did not sign.
	other := httptest.NewUnstartedServer(http.NotFoundHandler())
	other.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	other.Config.ErrorLog = log.New(io.Discard, "", 0) // every handshake fails, by design
	other.StartTLS()
	t.Cleanup(other.Close)

	return []Fault{
		{Name: "unreachable", Kubeconfig: write("closed", server(closed)), Code: explain.ExitUnreachable, Says: "cannot reach the Kubernetes API server"},
		{Name: "silent server", Kubeconfig: write("silent", server("https://"+silent.Addr().String())), Flags: []string{"--request-timeout", "1s"}, Code: explain.ExitTimeout, Says: "did not answer in time"},
		{Name: "wrong CA", Kubeconfig: write("wrong-ca", server(other.URL)), Code: explain.ExitUnreachable, Says: "TLS verification of the API server failed"},
		{Name: "bad token", Kubeconfig: write("bad-token", func(c *clientcmdapi.Config) {
			for _, u := range c.AuthInfos {
				u.Token, u.ClientCertificateData, u.ClientKeyData = "not-a-valid-token", nil, nil
			}
		}), Code: explain.ExitUnreachable, Says: "401 Unauthorized"},
		{Name: "no rights", Kubeconfig: write("viewer", func(c *clientcmdapi.Config) { c.CurrentContext = localcp.ViewerContext }), Code: explain.ExitForbidden, Says: "forbidden: user \"tko-viewer\" may not"},
		{Name: "empty kubeconfig", Kubeconfig: emptyFile(t, dir), Code: explain.ExitUnreachable, Says: "no kubeconfig found"},
		{Name: "missing current context", Kubeconfig: write("no-context", func(c *clientcmdapi.Config) { c.CurrentContext = "gone" }), Code: explain.ExitNotFound, Says: `context "gone" not found`},
	}
}

func emptyFile(t *testing.T, dir string) string {
	p := filepath.Join(dir, "empty")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAPIServerGoneDuringWait: the API server stops in the middle of a
// --wait and comes back on the same etcd. The wait ends at its timeout
// naming what it waited for; after the restart a rerun converges and
// nothing was duplicated.
func TestAPIServerGoneDuringWait(t *testing.T) {
	e := suite.New(t)
	before := versions(t)
	cmd := e.Plugin("kubectl-tko-cluster", "scale", "wc-prod-1", "--node-pool", "md-1", "--worker", "6", "--wait", "--timeout", "6s")
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(1500 * time.Millisecond)
		suite.CP.StopAPIServer()
	}()
	r := cmd.Run()
	<-done
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := suite.CP.RestartAPIServer(ctx); err != nil {
		t.Fatalf("restarting the API server: %v", err)
	}
	check(t, r, explain.ExitTimeout, "waiting for cluster default/wc-prod-1 to become Available")
	rerun := e.Plugin("kubectl-tko-cluster", "scale", "wc-prod-1", "--node-pool", "md-1", "--worker", "6").Run()
	figure.cases.Add(1)
	if rerun.Code != 0 || rerun.Stdout != "cluster.cluster.x-k8s.io/wc-prod-1 unchanged\n" {
		figure.failures.Add(1)
		t.Errorf("a rerun after the restart does not converge: %s%s", rerun.Stdout, rerun.Stderr)
	}
	after := versions(t)
	if len(after) != len(before) {
		figure.leakedObjects.Add(int64(len(after) - len(before)))
		t.Errorf("clusters before %d, after %d", len(before), len(after))
	}
}
