package explain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestExplain(t *testing.T) {
	gr := schema.GroupResource{Group: "cluster.x-k8s.io", Resource: "clusters"}
	applyConflict := apierrors.NewApplyConflict([]metav1.StatusCause{
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "tanzu-cli" using cluster.x-k8s.io/v1beta1`, Field: ".spec.topology.version"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "capi-topology"`, Field: ".spec.topology.variables"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "tanzu-cli" using cluster.x-k8s.io/v1beta1`, Field: ".spec.paused"},
	}, "Apply failed with 3 conflicts: conflicts with \"capi-topology\":\n- .spec.topology.variables")
	refused := &url.Error{Op: "Get", URL: "https://10.1.2.3:6443/api", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	tests := []struct {
		name string
		err  error
		code int
		want []string
	}{
		{"invalid", errs.Invalidf("missing NAME"), ExitUsage, []string{"missing NAME"}},
		{"input", &errs.InputError{File: "c.yaml", Line: 7, Field: "spec.topology", Err: errors.New("bad")}, ExitUsage, []string{"c.yaml:7: spec.topology: bad"}},
		{"stdin input", &errs.InputError{File: "-", Line: 2, Err: errors.New("bad")}, ExitUsage, []string{"<stdin>:2: bad"}},
		{"not found", fmt.Errorf("getting: %w", &errs.NotFoundError{Kind: "cluster", Name: "a", Namespace: "b", Hint: "list them"}), ExitNotFound, []string{`cluster "a" not found in namespace "b": list them`}},
		{"not served", &errs.NotServedError{Group: "cluster.x-k8s.io", Hint: "is it a TKG management cluster?"}, ExitNotFound, []string{"this cluster does not serve cluster.x-k8s.io: is it a TKG management cluster?"}},
		{"api not found", apierrors.NewNotFound(gr, "x"), ExitNotFound, []string{`clusters.cluster.x-k8s.io "x" not found`, "-n"}},
		{"forbidden", apierrors.NewForbidden(gr, "", errors.New(`User "bob" cannot delete resource "clusters" in API group "cluster.x-k8s.io" in the namespace "prod"`)), ExitForbidden,
			[]string{`user "bob" may not delete clusters.cluster.x-k8s.io in namespace "prod"`, "kubectl auth can-i delete clusters.cluster.x-k8s.io -n prod"}},
		{"forbidden, another way", fmt.Errorf("listing: %w", &errs.ForbiddenError{Instead: "name one of yours", Err: apierrors.NewForbidden(schema.GroupResource{Resource: "namespaces"}, "",
			errors.New(`User "bob" cannot list resource "namespaces" in API group "" at the cluster scope`))}), ExitForbidden,
			[]string{`forbidden: user "bob" may not list namespaces; name one of yours`}},
		{"unauthorized", apierrors.NewUnauthorized("no"), ExitUnreachable, []string{"401"}},
		{"refused", refused, ExitUnreachable, []string{"https://10.1.2.3:6443", "connection refused"}},
		{"timeout", &url.Error{Op: "Get", URL: "https://h:6443/x", Err: context.DeadlineExceeded}, ExitTimeout, []string{"did not answer in time", "--request-timeout"}},
		{"wait timeout", &errs.TimeoutError{What: "x", Timeout: "5s", Last: "1/3 ready"}, ExitTimeout, []string{"timed out after 5s waiting for x (last seen: 1/3 ready)"}},
		{"interrupted", fmt.Errorf("%w: %w", errs.ErrInterrupted, context.Canceled), ExitInterrupted, []string{"interrupted"}},
		{"interrupted step", fmt.Errorf("%w: %w", errs.ErrInterrupted, &errs.StepError{Where: "backup b goes on in Velero", Err: context.Canceled}), ExitInterrupted, []string{"backup b goes on in Velero: interrupted"}},
		{"concurrent write", fmt.Errorf("updating: %w", apierrors.NewConflict(gr, "x", errors.New("the object has been modified"))), ExitFailure,
			[]string{`clusters.cluster.x-k8s.io "x"`, "the object changed while we worked on it; rerun the command"}},
		{"apply conflict", fmt.Errorf("applying: %w", applyConflict), ExitFailure,
			[]string{`managed by "tanzu-cli", "capi-topology" (.spec.topology.version, .spec.topology.variables, .spec.paused); rerunning cannot succeed`}},
		{"managed", fmt.Errorf("creating: %w", &errs.ManagedError{Kind: "cluster", Name: "wc-1", Namespace: "ns", Hint: "pick another name", Err: applyConflict}), ExitFailure,
			[]string{`cluster "wc-1" in namespace "ns" already exists and is managed by "tanzu-cli", "capi-topology": pick another name`}},
		{"silent", &SilentError{Code: 1}, ExitFailure, nil},
		{"multi-line", errors.New("first\nsecond"), ExitFailure, []string{"first; second"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, code := Explain(tt.err)
			if code != tt.code {
				t.Errorf("code %d, want %d (%s)", code, tt.code, msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message has several lines: %q", msg)
			}
			if tt.want == nil && msg != "" {
				t.Errorf("want no message, got %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}
