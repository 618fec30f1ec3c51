package promapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

func TestProxyRefusals(t *testing.T) {
	status := func(code int, reason metav1.StatusReason, msg string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"` + msg + `","reason":"` + string(reason) + `","code":` + strconv.Itoa(code) + `}`))
		}
	}
	for _, c := range []struct {
		handler http.HandlerFunc
		check   func(error) bool
	}{
		{status(404, metav1.StatusReasonNotFound, `services \"prometheus-server\" not found`), func(err error) bool {
			var ni *observe.NotInstalledError
			return errors.As(err, &ni) && ni.Class() == errs.ClassNotFound && strings.Contains(ni.Error(), "not found")
		}},
		{status(503, metav1.StatusReasonServiceUnavailable, `no endpoints available for service \"prometheus-server\"`), func(err error) bool {
			var ni *observe.NotInstalledError
			return errors.As(err, &ni)
		}},
		{status(403, metav1.StatusReasonForbidden, `services \"prometheus-server:80\" is forbidden: User \"u\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"tanzu-system-monitoring\"`), apierrors.IsForbidden},
		{func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}`))
		}, func(err error) bool {
			var q *observe.QueryError
			return errors.As(err, &q) && q.Msg == "1:5: parse error: unclosed left parenthesis"
		}},
	} {
		srv := httptest.NewServer(c.handler)
		ep, err := observe.ThroughProxy(&rest.Config{Host: srv.URL}, observe.Prometheus, observe.PrometheusService)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := NewPromClient(ep)
		_, err = p.Query(context.Background(), "sum(up", time.Time{}, 0)
		if !c.check(err) {
			t.Errorf("%T %v", err, err)
		}
		srv.Close()
	}
	ep, _ := observe.Direct(observe.Prometheus, "http://127.0.0.1:1")
	p, _ := NewPromClient(ep)
	var down *observe.UnreachableError
	if _, err := p.Query(context.Background(), "up", time.Time{}, 0); !errors.As(err, &down) || down.Class() != errs.ClassUnreachable {
		t.Errorf("unreachable URL: %T %v", err, err)
	}
	if _, err := observe.Direct(observe.Prometheus, "localhost:9090"); err == nil {
		t.Error("a URL without scheme was taken")
	}
}
