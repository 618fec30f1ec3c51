package lb

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"
)

// A far cluster costs Read one round trip for its independent reads: each
// request here is held until all five are in flight at once. (The fake
// dynamic client serves one request at a time, so a server plays the
// cluster.)
func TestReadAsksAtOnce(t *testing.T) {
	var (
		mu       sync.Mutex
		inFlight int
		all      = make(chan struct{})
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		if inFlight == readsAtOnce {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-time.After(5 * time.Second):
			t.Errorf("%s waited alone: the reads run one after another", r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/"+AKOStatefulSet) || strings.HasSuffix(r.URL.Path, "/"+KubeVIPConfigMap) {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"apiVersion":"v1","kind":"Status","status":"Failure","reason":"NotFound","code":404}`)
			return
		}
		fmt.Fprint(w, `{"apiVersion":"v1","kind":"List","metadata":{},"items":[]}`)
	}))
	defer srv.Close()
	dyn, err := dynamic.NewForConfig(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Read(context.Background(), dyn, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.AKO.Installed || c.KubeVIP != nil || len(c.Services) != 0 {
		t.Errorf("an empty cluster read as %+v", c)
	}
}

// AKO's Events are asked for before it is known whether AKO runs: where it
// does not, what RBAC hides of them is no one's concern.
func TestReadDropsAKOEventsWithoutAKO(t *testing.T) {
	gvrs := map[schema.GroupVersionResource]string{services: "ServiceList", events: "EventList", configMaps: "ConfigMapList", statefulSets: "StatefulSetList", packageInstalls: "PackageInstallList"}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), gvrs)
	dyn.PrependReactor("list", "events", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "events"}, "", nil)
	})
	c, err := Read(context.Background(), dyn, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Unchecked) != 0 {
		t.Errorf("unchecked %q, want nothing: AKO does not run", c.Unchecked)
	}
}
