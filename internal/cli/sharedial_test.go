package cli

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube/kubetest"
)

// TestShareDialOneConnection: the workload clients of two contexts that
// reach one server, each reading four things at once before any
// connection is up, dial and handshake one connection between them.
func TestShareDialOneConnection(t *testing.T) {
	t.Setenv("KUBECONFIG", t.TempDir()+"/none")
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}`))
	}))
	srv.EnableHTTP2 = true
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	// A slow handshake, so that every request is sent before the first
	// connection exists, whatever the machine's load.
	srv.Listener = kubetest.SlowHandshakes(srv.Listener, 300*time.Millisecond)
	srv.StartTLS()
	defer srv.Close()
	f := NewFactory()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, ctx := range []string{"a", "b"} {
		cfg := &rest.Config{Host: srv.URL, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
		f.ForContext(ctx).ShareDial(cfg)
		dyn, err := kube.NewDynamic(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			wg.Go(func() {
				<-start
				cms := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace("default")
				if _, err := cms.Get(t.Context(), "x", metav1.GetOptions{}); err != nil {
					t.Error(err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	if got := conns.Load(); got != 1 {
		t.Errorf("%d connections, want 1", got)
	}
}
