package kubeconfig

import (
	"context"
	"encoding/base64"
	"fmt"

	"k8s.io/client-go/dynamic"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pinniped"
)

// DefaultClientID is the public OIDC client of Pinniped logins.
const DefaultClientID = "pinniped-cli"

// DefaultAuthenticator is the JWTAuthenticator TKG creates on its clusters.
const DefaultAuthenticator = "tkg-jwt-authenticator"

// Login says how a login kubeconfig's user logs in: the arguments of
// `kubectl tko auth login`, which are those of `pinniped login oidc`.
type Login struct {
	Issuer          string
	IssuerCA        string // base64 PEM, as pinniped-info carries it
	ClientID        string
	Scopes          []string
	RequestAudience string
	UpstreamName    string
	UpstreamType    string
	UpstreamFlow    string
	SkipBrowser     bool

	// Command runs the login: "" is `kubectl tko auth login` (found through
	// kubectl's plugin dispatch, however the plugins were installed); the
	// name or path of the auth plugin binary runs `<it> login` directly,
	// which saves kubectl's and kubectl-tko's start-up on every call.
	Command string

	// Concierge, when set, trades the token for a cluster credential.
	Concierge *ConciergeLogin
}

// ConciergeLogin are the --concierge-* arguments.
type ConciergeLogin struct {
	APIGroupSuffix    string
	AuthenticatorType string
	AuthenticatorName string
	Endpoint          string
	CAData            []byte // PEM
}

// Args renders the login arguments (after `kubectl tko auth login`).
func (l Login) Args() []string { return l.Flags().Args() }

// Flags are the login as the flags of `kubectl tko auth login`.
func (l Login) Flags() LoginFlags {
	f := NewLoginFlags()
	f.Issuer, f.ClientID, f.Scopes = l.Issuer, orDefault(l.ClientID, DefaultClientID), l.Scopes
	if l.IssuerCA != "" {
		f.CABundleData = []string{l.IssuerCA}
	}
	f.RequestAudience, f.SkipBrowser = l.RequestAudience, l.SkipBrowser
	f.UpstreamName, f.UpstreamType, f.UpstreamFlow = l.UpstreamName, l.UpstreamType, l.UpstreamFlow
	if c := l.Concierge; c != nil {
		f.EnableConcierge = true
		f.ConciergeSuffix = orDefault(c.APIGroupSuffix, pinniped.DefaultAPIGroupSuffix)
		f.ConciergeAuthType = orDefault(c.AuthenticatorType, "jwt")
		f.ConciergeAuthName, f.ConciergeEndpoint = c.AuthenticatorName, c.Endpoint
		f.ConciergeCABundleData = base64.StdEncoding.EncodeToString(c.CAData)
	}
	return f
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// LoginConfig builds a kubeconfig for cluster whose user logs in with
// `kubectl tko auth login`: user <name>-pinniped, context <name>@<name>.
// It holds no credential.
func LoginConfig(name string, cluster *clientcmdapi.Cluster, l Login) *clientcmdapi.Config {
	out := clientcmdapi.NewConfig()
	user, ctxName := name+"-pinniped", name+"@"+name
	out.Clusters[name] = cluster.DeepCopy()
	command, args := "kubectl", append([]string{"tko", "auth", "login"}, l.Args()...)
	if l.Command != "" {
		command, args = l.Command, append([]string{"login"}, l.Args()...)
	}
	out.AuthInfos[user] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		APIVersion:         "client.authentication.k8s.io/v1",
		Command:            command,
		Args:               args,
		InstallHint:        "kubectl tko auth is needed to log in: kubectl krew install tko tko-auth",
		InteractiveMode:    clientcmdapi.IfAvailableExecInteractiveMode,
		ProvideClusterInfo: true,
	}}
	out.Contexts[ctxName] = &clientcmdapi.Context{Cluster: name, AuthInfo: user}
	out.CurrentContext = ctxName
	return out
}

// LoginRequest is what `kubeconfig get` asks for; empty fields take the
// defaults discovered from the clusters.
type LoginRequest struct {
	ClientID        string
	Scopes          []string
	RequestAudience string // "" discovers it (the JWTAuthenticator's audience, with the Concierge)
	NoConcierge     bool
	UpstreamName    string
	UpstreamType    string
	UpstreamFlow    string
	SkipBrowser     bool
	Command         string // see Login.Command
}

// LoginPlan is the discovered login of one cluster.
type LoginPlan struct {
	Login     Login
	Concierge *pinniped.Concierge // nil: the cluster has no Concierge
	Notes     []string            // what was decided and why, for stderr
}

// PlanLogin decides how users of a cluster log in: the issuer from
// pinniped-info, and the Concierge of the target cluster when it offers a
// working strategy; otherwise the ID token goes to the API server directly
// (whose own JWT authentication must trust the issuer).
func PlanLogin(ctx context.Context, info PinnipedInfo, cluster *clientcmdapi.Cluster, disc *kube.Discovery, dyn dynamic.Interface, req LoginRequest) (*LoginPlan, error) {
	plan := &LoginPlan{Login: Login{Issuer: info.Issuer, IssuerCA: info.IssuerCABase, ClientID: orDefault(req.ClientID, DefaultClientID),
		RequestAudience: req.RequestAudience, UpstreamName: req.UpstreamName, UpstreamType: req.UpstreamType,
		UpstreamFlow: req.UpstreamFlow, SkipBrowser: req.SkipBrowser, Command: req.Command}}
	if !req.NoConcierge {
		c, err := pinniped.ReadConcierge(ctx, disc, dyn)
		if err != nil {
			return nil, fmt.Errorf("reading the Pinniped Concierge: %w", err)
		}
		plan.Concierge = c
		if c != nil {
			if s, ok := c.Usable(); ok {
				auth, found := c.AuthenticatorFor(info.Issuer, orDefault(info.Concierge, DefaultAuthenticator))
				if !found {
					auth = JWTAuthenticatorFallback(info)
				}
				endpoint, ca := s.Endpoint, s.CAData
				if endpoint == "" {
					endpoint, ca = cluster.Server, cluster.CertificateAuthorityData
				}
				plan.Login.Concierge = &ConciergeLogin{APIGroupSuffix: c.APIGroupSuffix, AuthenticatorType: "jwt",
					AuthenticatorName: auth.Name, Endpoint: endpoint, CAData: ca}
				if plan.Login.RequestAudience == "" && auth.Audience != "" && auth.Audience != plan.Login.ClientID {
					plan.Login.RequestAudience = auth.Audience
				}
				plan.Notes = append(plan.Notes, fmt.Sprintf("the Pinniped Concierge (%s, JWTAuthenticator %s) trades the token for a cluster credential", s.Frontend, auth.Name))
			} else {
				plan.Notes = append(plan.Notes, "the Pinniped Concierge has no working strategy (see kubectl tko auth doctor): the ID token goes to the API server directly")
			}
		}
	}
	if plan.Login.Concierge == nil && plan.Concierge == nil && !req.NoConcierge {
		plan.Notes = append(plan.Notes, "no Pinniped Concierge on this cluster: the ID token goes to the API server directly, whose JWT authentication must trust "+info.Issuer)
	}
	plan.Login.Scopes = req.Scopes
	if len(plan.Login.Scopes) == 0 {
		plan.Login.Scopes = []string{"openid", "offline_access", "email", "groups"}
		if plan.Login.RequestAudience != "" {
			plan.Login.Scopes = append(plan.Login.Scopes, "pinniped:request-audience", "username")
		}
	}
	return plan, nil
}

// JWTAuthenticatorFallback is the authenticator TKG names when none is found.
func JWTAuthenticatorFallback(info PinnipedInfo) pinniped.JWTAuthenticator {
	return pinniped.JWTAuthenticator{Name: orDefault(info.Concierge, DefaultAuthenticator)}
}

// LoginTarget is the cluster a login kubeconfig is for.
type LoginTarget struct {
	Name    string                // names the kubeconfig's cluster, user (<name>-pinniped) and context (<name>@<name>)
	Cluster *clientcmdapi.Cluster // server and CA, as the kubeconfig will hold them
	Clients *kube.Clients         // a connection to it, to read its Concierge
}

// GetLogin is the one implementation behind `auth kubeconfig get` and
// `cluster kubeconfig get`: it asks the target for its Concierge, plans the
// login and builds the kubeconfig. info is the management cluster's
// pinniped-info (ReadPinnipedInfo).
func GetLogin(ctx context.Context, info PinnipedInfo, t LoginTarget, req LoginRequest) (*clientcmdapi.Config, *LoginPlan, error) {
	disc, err := kube.NewDiscovery(t.Clients.Config)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to %s: %w", t.Name, err)
	}
	plan, err := PlanLogin(ctx, info, t.Cluster, disc, t.Clients.Dynamic, req)
	if err != nil {
		return nil, nil, err
	}
	return LoginConfig(t.Name, t.Cluster, plan.Login), plan, nil
}
