package posture

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

var (
	namespacesGVR          = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	podsGVR                = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	serviceAccountsGVR     = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	networkPoliciesGVR     = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}
	clusterRolesGVR        = rbacv1.SchemeGroupVersion.WithResource("clusterroles")
	clusterRoleBindingsGVR = rbacv1.SchemeGroupVersion.WithResource("clusterrolebindings")
	rolesGVR               = rbacv1.SchemeGroupVersion.WithResource("roles")
	roleBindingsGVR        = rbacv1.SchemeGroupVersion.WithResource("rolebindings")
)

// ProbeTimeout bounds each unauthenticated request.
const ProbeTimeout = 10 * time.Second

// Collect reads what the checks need from a cluster. What cannot be read
// (Forbidden, say) is recorded in Errors and only its checks are left
// unchecked; Secrets are never read.
func Collect(ctx context.Context, cfg *rest.Config) (Snapshot, error) {
	r, err := kube.NewREST(cfg)
	if err != nil {
		return Snapshot{}, err
	}
	s := Snapshot{Errors: map[string]string{}}
	var first error
	fail := func(src string, err error) {
		if err != nil {
			s.Errors[src] = explain.Message(err)
			if first == nil {
				first = err
			}
		}
	}
	all := metav1.ListOptions{}
	var e error
	s.Namespaces, e = kube.List[Namespace](ctx, r, namespacesGVR, "", all)
	fail(SrcNamespaces, e)
	s.Pods, e = kube.List[Pod](ctx, r, podsGVR, "", all)
	fail(SrcPods, e)
	s.ServiceAccounts, e = kube.List[ServiceAccount](ctx, r, serviceAccountsGVR, "", all)
	fail(SrcSAs, e)
	s.NetworkPolicies, e = kube.List[NetworkPolicy](ctx, r, networkPoliciesGVR, "", all)
	fail(SrcNetpols, e)
	rbacErr := func() error {
		var err error
		if s.ClusterRoles, err = kube.List[rbacv1.ClusterRole](ctx, r, clusterRolesGVR, "", all); err != nil {
			return err
		}
		if s.ClusterRoleBindings, err = kube.List[rbacv1.ClusterRoleBinding](ctx, r, clusterRoleBindingsGVR, "", all); err != nil {
			return err
		}
		if s.Roles, err = kube.List[rbacv1.Role](ctx, r, rolesGVR, "", all); err != nil {
			return err
		}
		s.RoleBindings, err = kube.List[rbacv1.RoleBinding](ctx, r, roleBindingsGVR, "", all)
		return err
	}()
	fail(SrcRBAC, rbacErr)
	if ctx.Err() != nil {
		return s, context.Cause(ctx)
	}
	if len(s.Errors) == 5 {
		// Nothing could be read (no rights, no server): the cluster failed,
		// with the error's own exit code, rather than a report of nothing.
		return s, first
	}
	s.Registries, e = registries(ctx, cfg)
	fail(SrcPolicies, e)
	s.Anonymous, e = ProbeAnonymous(ctx, cfg)
	fail(SrcAnonymous, e)
	return s, nil
}

// ProbeAnonymous sends /version and a namespaced list of pods to the API
// server without credentials: same host and CA as cfg, nothing else.
func ProbeAnonymous(ctx context.Context, cfg *rest.Config) (Anonymous, error) {
	anon := rest.AnonymousClientConfig(cfg)
	anon.Timeout = ProbeTimeout
	client, err := rest.HTTPClientFor(anon)
	if err != nil {
		return Anonymous{}, fmt.Errorf("building an anonymous client: %w", err)
	}
	host := strings.TrimSuffix(anon.Host, "/")
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	get := func(path string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, host+path, nil)
		if err != nil {
			return 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, fmt.Errorf("probing %s without credentials: %w", path, err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode, nil
	}
	var a Anonymous
	code, err := get("/version")
	if err != nil {
		return a, err
	}
	// 401 is anonymous authentication switched off; 403 is authenticated
	// as system:anonymous and denied.
	a.Authenticated = code != http.StatusUnauthorized
	if code, err = get("/api/v1/namespaces/default/pods?limit=1"); err != nil {
		return a, err
	}
	a.CanList = code == http.StatusOK
	a.Authenticated = a.Authenticated || code != http.StatusUnauthorized
	return a, nil
}

// registries reads the image-registry policies applied to the cluster
// (their records) that have an allow list.
func registries(ctx context.Context, cfg *rest.Config) ([]RegistryPolicy, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	records, err := policy.Records(ctx, dyn)
	if err != nil {
		return nil, err
	}
	var out []RegistryPolicy
	for _, r := range records {
		if r.Policy.Spec.Type == policy.TypeImageRegistry && len(r.Policy.Spec.Parameters.Allow) > 0 {
			out = append(out, RegistryPolicy{Name: r.Policy.Name(), Allow: r.Policy.Spec.Parameters.Allow, Namespaces: r.Namespaces})
		}
	}
	return out, nil
}
