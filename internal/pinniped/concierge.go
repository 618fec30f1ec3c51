package pinniped

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// The Concierge's strategies and frontends, as CredentialIssuer status reports them.
const (
	FrontendTokenCredentialRequestAPI = "TokenCredentialRequestAPI"
	FrontendImpersonationProxy        = "ImpersonationProxy"
	StrategySuccess                   = "Success"
)

// Strategy is one entry of a CredentialIssuer's status.strategies.
type Strategy struct {
	Type     string `json:"type"`
	Status   string `json:"status"`
	Reason   string `json:"reason,omitempty"`
	Message  string `json:"message,omitempty"`
	Frontend string `json:"frontend,omitempty"`
	Endpoint string `json:"endpoint,omitempty"` // the impersonation proxy, or the API server
	CAData   []byte `json:"-"`
}

// JWTAuthenticator is what a login kubeconfig needs of one.
type JWTAuthenticator struct {
	Name     string `json:"name"`
	Issuer   string `json:"issuer"`
	Audience string `json:"audience"`
	Phase    string `json:"phase,omitempty"`
}

// Concierge is what a cluster's Pinniped Concierge offers a client.
type Concierge struct {
	APIGroupSuffix string             `json:"apiGroupSuffix"`
	Strategies     []Strategy         `json:"strategies"`
	Authenticators []JWTAuthenticator `json:"authenticators"`
	// LoginServed says the cluster itself serves login.concierge.<suffix>.
	LoginServed bool `json:"loginServed"`
}

// Usable returns the strategy a client should use: a successful
// TokenCredentialRequest API served by the cluster, else a successful
// impersonation proxy; ok=false when neither.
func (c *Concierge) Usable() (Strategy, bool) {
	for _, s := range c.Strategies {
		if s.Status == StrategySuccess && s.Frontend == FrontendTokenCredentialRequestAPI && c.LoginServed {
			return s, true
		}
	}
	for _, s := range c.Strategies {
		if s.Status == StrategySuccess && s.Frontend == FrontendImpersonationProxy && s.Endpoint != "" {
			return s, true
		}
	}
	return Strategy{}, false
}

// AuthenticatorFor picks the JWTAuthenticator trusting issuer, else the
// one named fallback, else the only one.
func (c *Concierge) AuthenticatorFor(issuer, fallback string) (JWTAuthenticator, bool) {
	for _, a := range c.Authenticators {
		if strings.TrimSuffix(a.Issuer, "/") == strings.TrimSuffix(issuer, "/") {
			return a, true
		}
	}
	for _, a := range c.Authenticators {
		if a.Name == fallback {
			return a, true
		}
	}
	if len(c.Authenticators) == 1 {
		return c.Authenticators[0], true
	}
	return JWTAuthenticator{}, false
}

// ReadConcierge reads a cluster's CredentialIssuers and JWTAuthenticators.
// A cluster without the Concierge's API groups returns nil.
func ReadConcierge(ctx context.Context, disc *kube.Discovery, dyn dynamic.Interface) (*Concierge, error) {
	groups, err := disc.ServerGroups()
	if err != nil {
		return nil, fmt.Errorf("listing the API groups: %w", err)
	}
	served := map[string]bool{}
	suffix := ""
	for _, g := range groups.Groups {
		served[g.Name] = true
		if s, ok := strings.CutPrefix(g.Name, "config.concierge."); ok {
			suffix = s
		}
	}
	if suffix == "" {
		return nil, nil
	}
	c := &Concierge{APIGroupSuffix: suffix, LoginServed: served[Group("login.concierge", suffix)]}
	issuers, err := dyn.Resource(schema.GroupVersionResource{Group: Group("config.concierge", suffix), Version: "v1alpha1", Resource: "credentialissuers"}).
		List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing CredentialIssuers: %w", err)
	}
	for _, ci := range issuers.Items {
		c.Strategies = append(c.Strategies, strategies(ci)...)
	}
	if served[Group("authentication.concierge", suffix)] {
		auths, err := dyn.Resource(schema.GroupVersionResource{Group: Group("authentication.concierge", suffix), Version: "v1alpha1", Resource: "jwtauthenticators"}).
			List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing JWTAuthenticators: %w", err)
		}
		for _, a := range auths.Items {
			j := JWTAuthenticator{Name: a.GetName()}
			j.Issuer, _, _ = unstructured.NestedString(a.Object, "spec", "issuer")
			j.Audience, _, _ = unstructured.NestedString(a.Object, "spec", "audience")
			j.Phase, _, _ = unstructured.NestedString(a.Object, "status", "phase")
			c.Authenticators = append(c.Authenticators, j)
		}
		sort.Slice(c.Authenticators, func(i, j int) bool { return c.Authenticators[i].Name < c.Authenticators[j].Name })
	}
	return c, nil
}

func strategies(ci unstructured.Unstructured) []Strategy {
	list, _, _ := unstructured.NestedSlice(ci.Object, "status", "strategies")
	var out []Strategy
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		s := Strategy{}
		s.Type, _, _ = unstructured.NestedString(m, "type")
		s.Status, _, _ = unstructured.NestedString(m, "status")
		s.Reason, _, _ = unstructured.NestedString(m, "reason")
		s.Message, _, _ = unstructured.NestedString(m, "message")
		s.Frontend, _, _ = unstructured.NestedString(m, "frontend", "type")
		var ca string
		switch s.Frontend {
		case FrontendTokenCredentialRequestAPI:
			s.Endpoint, _, _ = unstructured.NestedString(m, "frontend", "tokenCredentialRequestInfo", "server")
			ca, _, _ = unstructured.NestedString(m, "frontend", "tokenCredentialRequestInfo", "certificateAuthorityData")
		case FrontendImpersonationProxy:
			s.Endpoint, _, _ = unstructured.NestedString(m, "frontend", "impersonationProxyInfo", "endpoint")
			ca, _, _ = unstructured.NestedString(m, "frontend", "impersonationProxyInfo", "certificateAuthorityData")
		}
		if ca != "" {
			s.CAData, _ = base64.StdEncoding.DecodeString(ca)
		}
		out = append(out, s)
	}
	return out
}
