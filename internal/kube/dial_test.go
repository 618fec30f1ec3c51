package kube

import (
	"net/http"
	"sync"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube/kubetest"
)

// TestDialGateOneHandshake: requests sent at once to a new HTTP/2 server
// share one TLS connection instead of each dialing its own.
func TestDialGateOneHandshake(t *testing.T) {
	for _, c := range []struct {
		name  string
		gated bool
	}{{"gated", true}, {"ungated", false}} {
		t.Run(c.name, func(t *testing.T) {
			srv, conns := kubetest.SlowServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("{}")) }))
			cfg := &rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
			// Not shared with other tests through client-go's transport cache.
			cfg.Proxy = http.ProxyFromEnvironment
			if c.gated {
				cfg.Wrap((&DialGate{}).Wrap)
			}
			r, err := NewREST(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range 8 {
				wg.Go(func() {
					<-start
					if _, err := r.client.Get().AbsPath("/x").DoRaw(t.Context()); err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			if got := conns.Load(); c.gated && got != 1 || !c.gated && got < 2 {
				t.Errorf("%d connections", got)
			}
		})
	}
}
