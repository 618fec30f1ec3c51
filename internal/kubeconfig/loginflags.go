package kubeconfig

import (
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pinniped"
)

// LoginFlags are the arguments of `kubectl tko auth login` as a
// kubeconfig's exec entry carries them: every flag `pinniped login oidc`
// and `tanzu pinniped-auth login` receive in the kubeconfigs they write, so
// that such a kubeconfig works with the command swapped. AddFlags reads
// them and Args writes them, through the one flag set, so the two cannot
// drift apart.
type LoginFlags struct {
	Issuer                  string
	ClientID                string
	Scopes                  []string
	CABundle                []string // files
	CABundleData            []string // base64 PEM
	IssuerCABundleData      string   // older spelling of --ca-bundle-data
	RequestAudience         string
	SessionCache            string
	CredentialCache         string
	SkipBrowser             bool
	SkipListen              bool
	ListenPort              int
	DebugSessionCache       bool
	EnableConcierge         bool
	ConciergeSuffix         string
	ConciergeAuthType       string
	ConciergeAuthName       string
	ConciergeEndpoint       string
	ConciergeCABundleData   string
	ConciergeImpersonation  bool
	ConciergeNamespace      string
	UpstreamName            string
	UpstreamType            string
	UpstreamFlow            string
	CallbackTimeoutDuration string
}

// defaultScopes are Pinniped's.
var defaultScopes = []string{"offline_access", "openid", "pinniped:request-audience", "username", "groups"}

// AddFlags registers the login flags, with their defaults in l.
func (l *LoginFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&l.Issuer, "issuer", "", "OpenID Connect issuer URL (a Pinniped Supervisor FederationDomain or another provider).")
	fs.StringVar(&l.ClientID, "client-id", DefaultClientID, "OpenID Connect client ID.")
	fs.StringSliceVar(&l.Scopes, "scopes", defaultScopes, "OpenID Connect scopes to request.")
	fs.StringSliceVar(&l.CABundle, "ca-bundle", nil, "PEM file(s) of CAs the issuer's certificate chains to.")
	fs.StringSliceVar(&l.CABundleData, "ca-bundle-data", nil, "Base64-encoded PEM CA bundle(s) of the issuer.")
	fs.StringVar(&l.IssuerCABundleData, "issuer-ca-bundle-data", "", "Same as --ca-bundle-data (older spelling).")
	fs.StringVar(&l.RequestAudience, "request-audience", "", "Exchange the token for one of this audience (RFC 8693, Pinniped Supervisor).")
	fs.StringVar(&l.SessionCache, "session-cache", "", "Session cache file (default: the user config directory's tko/sessions.json).")
	fs.StringVar(&l.CredentialCache, "credential-cache", "", "Credential cache file (default: next to the session cache).")
	fs.BoolVar(&l.SkipBrowser, "skip-browser", false, "Print the login URL instead of opening a browser.")
	fs.BoolVar(&l.SkipListen, "skip-listen", false, "Accepted for compatibility with pinniped; the localhost callback is always used.")
	fs.IntVar(&l.ListenPort, "listen-port", 0, "Port of the localhost login callback (0: any free port).")
	fs.BoolVar(&l.DebugSessionCache, "debug-session-cache", false, "Accepted for compatibility with pinniped; ignored (the cache is never printed).")
	fs.BoolVar(&l.EnableConcierge, "enable-concierge", false, "Trade the token for a cluster credential with the Pinniped Concierge (TokenCredentialRequest).")
	fs.StringVar(&l.ConciergeSuffix, "concierge-api-group-suffix", pinniped.DefaultAPIGroupSuffix, "API group suffix of the Concierge.")
	fs.StringVar(&l.ConciergeAuthType, "concierge-authenticator-type", "", "Concierge authenticator type: jwt or webhook.")
	fs.StringVar(&l.ConciergeAuthName, "concierge-authenticator-name", "", "Concierge authenticator name.")
	fs.StringVar(&l.ConciergeEndpoint, "concierge-endpoint", "", "API endpoint of the Concierge (the cluster, or its impersonation proxy).")
	fs.StringVar(&l.ConciergeCABundleData, "concierge-ca-bundle-data", "", "Base64-encoded PEM CA bundle of the Concierge endpoint.")
	fs.BoolVar(&l.ConciergeImpersonation, "concierge-use-impersonation-proxy", false, "Accepted for compatibility with pinniped (the endpoint says where to go).")
	fs.StringVar(&l.ConciergeNamespace, "concierge-namespace", "", "Accepted for compatibility with older pinniped kubeconfigs; ignored.")
	fs.StringVar(&l.UpstreamName, "upstream-identity-provider-name", "", "The Supervisor's upstream identity provider to log in with.")
	fs.StringVar(&l.UpstreamType, "upstream-identity-provider-type", "", "Its type: oidc, ldap, activedirectory or github.")
	fs.StringVar(&l.UpstreamFlow, "upstream-identity-provider-flow", "", "Login flow: browser_authcode or cli_password.")
	fs.StringVar(&l.CallbackTimeoutDuration, "callback-timeout", "5m", "How long a browser login waits for its callback.")
	for _, n := range []string{"skip-listen", "debug-session-cache", "concierge-use-impersonation-proxy", "concierge-namespace", "issuer-ca-bundle-data"} {
		_ = fs.MarkHidden(n)
	}
}

// NewLoginFlags returns the flags at their defaults.
func NewLoginFlags() LoginFlags {
	var l LoginFlags
	l.AddFlags(pflag.NewFlagSet("login", pflag.ContinueOnError))
	return l
}

// ParseLoginFlags reads the login flags from a kubeconfig exec entry's
// arguments (after the `auth login` words); flags it does not know are
// passed over, as a newer pinniped may write some.
func ParseLoginFlags(args []string) (*LoginFlags, error) {
	l := &LoginFlags{}
	fs := pflag.NewFlagSet("login", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	l.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return l, nil
}

// When Args writes a flag.
const (
	always        = iota
	withConcierge // with --enable-concierge
	whenChanged   // when not at its default
)

// written is the order Args writes flags in, the one kubeconfigs have
// always had; flags not named here follow when changed.
var written = []struct {
	name string
	when int
}{
	{"issuer", always}, {"client-id", always}, {"scopes", always},
	{"ca-bundle-data", whenChanged}, {"request-audience", whenChanged}, {"enable-concierge", whenChanged},
	{"concierge-api-group-suffix", withConcierge}, {"concierge-authenticator-type", withConcierge},
	{"concierge-authenticator-name", withConcierge}, {"concierge-endpoint", withConcierge}, {"concierge-ca-bundle-data", withConcierge},
	{"upstream-identity-provider-name", whenChanged}, {"upstream-identity-provider-type", whenChanged},
	{"upstream-identity-provider-flow", whenChanged}, {"skip-browser", whenChanged},
}

// Args renders the flags as `auth login` arguments: "--flag value" pairs,
// a bool flag alone when true.
func (l LoginFlags) Args() []string {
	v := &LoginFlags{}
	fs := pflag.NewFlagSet("login", pflag.ContinueOnError)
	v.AddFlags(fs)
	*v = l // the flag set now reads l's values
	var args []string
	add := func(f *pflag.Flag, when int) {
		changed := f.Value.String() != f.DefValue
		switch {
		case when == withConcierge && !l.EnableConcierge, when == whenChanged && !changed:
			return
		case f.Value.Type() == "bool":
			if f.Value.String() == "true" {
				args = append(args, "--"+f.Name)
			}
			return
		}
		value := f.Value.String()
		if s, ok := f.Value.(pflag.SliceValue); ok {
			value = strings.Join(s.GetSlice(), ",")
		}
		args = append(args, "--"+f.Name, value)
	}
	named := map[string]bool{}
	for _, w := range written {
		named[w.name] = true
		add(fs.Lookup(w.name), w.when)
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if !named[f.Name] {
			add(f, whenChanged)
		}
	})
	return args
}
