package vsphere

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	authzv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// TKCs is the resource a vSphere namespace's users list to use it.
var TKCs = schema.GroupResource{Group: "run.tanzu.vmware.com", Resource: "tanzukubernetesclusters"}

var (
	namespaces = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	accessRevs = schema.GroupVersionResource{Group: "authorization.k8s.io", Version: "v1", Resource: "selfsubjectaccessreviews"}
)

// RESTConfig is a connection to the Supervisor's API server as the
// session's user, with the same trust as the login.
func RESTConfig(server Server, s *Session, o HTTPOptions) *rest.Config {
	// The factory's rate: client-go's default 5 QPS makes discovery of a
	// Supervisor's many groups take seconds.
	return &rest.Config{Host: server.APIServer(), BearerToken: s.Token, UserAgent: o.UserAgent, Timeout: o.Timeout,
		TLSClientConfig: rest.TLSClientConfig{Insecure: o.Insecure, CAData: o.CAData}, QPS: 50, Burst: 100}
}

// systemNamespace tells the Supervisor's own namespaces, which are never
// vSphere namespaces, even for an administrator who may list anything.
func systemNamespace(name string) bool {
	return name == "default" || strings.HasPrefix(name, "kube-") || strings.HasPrefix(name, "vmware-system-") || strings.HasPrefix(name, "svc-")
}

// Namespaces returns the vSphere namespaces the session's user may use:
// the Namespaces the user can list, less the Supervisor's own (default,
// kube-*, vmware-system-*, svc-*), where a SelfSubjectAccessReview allows
// listing tanzukubernetesclusters.run.tanzu.vmware.com. ok is false when
// the user may not list Namespaces at all.
func Namespaces(ctx context.Context, cfg *rest.Config) (names []string, ok bool, err error) {
	r, err := kube.NewREST(cfg)
	if err != nil {
		return nil, false, err
	}
	all, err := kube.List[namespace](ctx, r, namespaces, "", metav1.ListOptions{})
	if apierrors.IsForbidden(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("listing the vSphere namespaces: %w", err)
	}
	for _, ns := range all {
		if systemNamespace(ns.Name) {
			continue
		}
		review := &authzv1.SelfSubjectAccessReview{
			TypeMeta: metav1.TypeMeta{APIVersion: "authorization.k8s.io/v1", Kind: "SelfSubjectAccessReview"},
			Spec: authzv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authzv1.ResourceAttributes{
				Namespace: ns.Name, Verb: "list", Group: TKCs.Group, Resource: TKCs.Resource}},
		}
		got, err := kube.Create[authzv1.SelfSubjectAccessReview](ctx, r, accessRevs, "", review)
		if err != nil {
			return nil, true, fmt.Errorf("asking whether namespace %s may be used: %w", ns.Name, err)
		}
		if got.Status.Allowed {
			names = append(names, ns.Name)
		}
	}
	sort.Strings(names)
	return names, true, nil
}

// CheckGuest looks the TanzuKubernetesCluster up as the session's user:
// a GuestNotFoundError when the Supervisor says it does not exist. When
// the user may not read it, or the Supervisor does not serve the kind,
// nothing is said: the login itself will tell.
func CheckGuest(ctx context.Context, cfg *rest.Config, g Guest) error {
	disc, err := kube.NewDiscovery(cfg)
	if err != nil {
		return err
	}
	gvr, _, found, err := disc.ResourceFor(TKCs)
	if err != nil || !found {
		return nil //nolint:nilerr // discovery problems are the login's to report
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	_, err = dyn.Resource(gvr).Namespace(g.Namespace).Get(ctx, g.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return &GuestNotFoundError{Guest: g}
	}
	return nil
}

// PinnipedInfo is what a Supervisor fronted by Pinniped (vSphere 8 U1+)
// publishes in kube-public/pinniped-info.
type PinnipedInfo struct {
	Issuer   string
	CABundle string // base64 PEM
}

// Pinniped reads kube-public/pinniped-info anonymously from the
// Supervisor's API server, as the tanzu CLI does to tell a Supervisor
// behind Pinniped from one of vSphere SSO. ok is false for the latter
// (no such ConfigMap, or none readable without credentials).
func Pinniped(ctx context.Context, hc *http.Client, server Server) (PinnipedInfo, bool, error) {
	u := server.APIServer() + "/api/v1/namespaces/kube-public/configmaps/pinniped-info"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, http.NoBody)
	if err != nil {
		return PinnipedInfo{}, false, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return PinnipedInfo{}, false, connectError(server.APIServer(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return PinnipedInfo{}, false, nil
	}
	var cm configMap
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || json.Unmarshal(raw, &cm) != nil || cm.Data["issuer"] == "" {
		return PinnipedInfo{}, false, nil //nolint:nilerr // an unreadable ConfigMap is no Pinniped set-up
	}
	ca := cm.Data["issuer_ca_bundle_data"]
	if _, err := base64.StdEncoding.DecodeString(ca); err != nil {
		ca = base64.StdEncoding.EncodeToString([]byte(ca))
	}
	return PinnipedInfo{Issuer: cm.Data["issuer"], CABundle: ca}, true, nil
}

// namespace and configMap are the fields read of those objects: decoding
// into k8s.io/api/core/v1's types would link (and initialise at every
// start of the auth plugin) every core type for two of them.
type namespace struct {
	metav1.ObjectMeta `json:"metadata"`
}

type configMap struct {
	Data map[string]string `json:"data"`
}
