package reliability

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// holdingProxy stands between a command and the real API server on
// loopback: it passes every request, but holds the n-th change (PATCH or
// DELETE) that is not a dry run until the command gives up on it (Ctrl-C),
// and never forwards it. A multi-object apply is caught between two of its objects, for
// real, with no hook in the product.
type holdingProxy struct {
	Kubeconfig string        // a kubeconfig that goes through the proxy
	Held       chan struct{} // closed when the write is held
}

func newHoldingProxy(t *testing.T, n int) *holdingProxy {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", suite.CP.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	transport, err := rest.TransportFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(cfg.Host)
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	forward.Transport = transport
	p := &holdingProxy{Held: make(chan struct{})}
	var mu sync.Mutex
	writes := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodPatch || r.Method == http.MethodDelete) && r.URL.Query().Get("dryRun") == "" {
			mu.Lock()
			writes++
			hold := writes == n
			mu.Unlock()
			if hold {
				// Read the body first: only then does the server notice the
				// client going away.
				_, _ = io.Copy(io.Discard, r.Body)
				close(p.Held)
				<-r.Context().Done()
				return
			}
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	// The proxy holds the admin's credentials; the command talks plain
	// HTTP to it.
	raw, err := clientcmd.LoadFromFile(suite.CP.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range raw.Clusters {
		c.Server, c.CertificateAuthorityData, c.CertificateAuthority = srv.URL, nil, ""
	}
	for name := range raw.AuthInfos {
		raw.AuthInfos[name] = &clientcmdapi.AuthInfo{}
	}
	p.Kubeconfig = filepath.Join(t.TempDir(), "through-proxy")
	if err := clientcmd.WriteToFile(*raw, p.Kubeconfig); err != nil {
		t.Fatal(err)
	}
	return p
}
