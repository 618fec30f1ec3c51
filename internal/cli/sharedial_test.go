package cli

import (
	"net/http"
	"sync"
	"testing"

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
	srv, conns := kubetest.SlowServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}`))
	}))
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
