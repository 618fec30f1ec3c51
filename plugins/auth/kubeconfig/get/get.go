// Package get implements `kubectl tko auth kubeconfig get`: a login
// kubeconfig for the management cluster or one of its workload clusters.
package get

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// Options holds the flags and state of `auth kubeconfig get`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams

	Cluster     string // "" for the management cluster itself
	ExportFile  string
	Merge       bool
	CheckIssuer bool
	Request     kc.LoginRequest
	Issuer      string
	IssuerCA    string

	pinnipedFlags []string         // those set, which a vSphere login refuses
	now           func() time.Time // the clock sessions are judged by
}

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams}
	cmd := &cobra.Command{
		Use:   "get [CLUSTER] [--export-file FILE | --merge] [--validate]",
		Short: "Write a kubeconfig that logs in through Pinniped, for a workload cluster or the management cluster",
		Long: cmdutil.LongDesc(`
			Build a kubeconfig whose user logs in with 'kubectl tko auth login'; it holds
			no credential. The issuer and its CA come from the management cluster's
			kube-public/pinniped-info (as TKG publishes it; --issuer and
			--issuer-ca-bundle-data override them). The target cluster (CLUSTER, a
			workload cluster of the management cluster in -n; without it, the
			management cluster itself) is asked for its Pinniped Concierge: with a
			working CredentialIssuer strategy (TokenCredentialRequest API or
			impersonation proxy) the login trades the token for a cluster credential
			with the JWTAuthenticator that trusts the issuer, and asks the Supervisor for
			a token of that authenticator's audience. Without a Concierge the ID token
			goes to the API server directly, whose own JWT authentication
			(AuthenticationConfiguration) must trust the issuer.

			The kubeconfig goes to standard output, or to --export-file (mode 0600), or is
			merged into the kubeconfig in use (--merge). --validate first fetches the
			issuer's discovery document with the CA, so a wrong issuer or CA is found now
			rather than at the first kubectl command.

			On a context written by 'kubectl tko auth login --vsphere' (a vSphere with
			Tanzu Supervisor), CLUSTER is a TanzuKubernetesCluster of the vSphere
			namespace in -n (or the context's): the live Supervisor session is exchanged
			at the Supervisor's /wcp/login for the guest cluster's, which names its API
			server and CA, and the kubeconfig's user logs in with vSphere SSO as the
			login's own contexts do. No password is asked while the Supervisor session
			lasts; after it, KUBECTL_VSPHERE_PASSWORD or the terminal gives it.`),
		Example: cmdutil.Examples(`
			# Log in to a workload cluster as yourself
			kubectl tko auth kubeconfig get wc-prod-1 -n prod --merge

			# The management cluster, checked against the issuer, into a file
			kubectl tko auth kubeconfig get --validate --export-file ~/.kube/tkg-mgmt.yaml

			# A TanzuKubernetesCluster, from a vSphere namespace's context
			kubectl tko auth kubeconfig get tkc-1 --context vsphere-team-a --merge

			# LDAP users of the Supervisor, without a browser
			kubectl tko auth kubeconfig get wc-prod-1 --upstream-identity-provider-flow cli_password`),
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	fl := cmd.Flags()
	fl.StringVar(&o.ExportFile, "export-file", "", "Write the kubeconfig to this file (mode 0600) instead of standard output.")
	fl.BoolVar(&o.Merge, "merge", false, "Merge into the kubeconfig in use and switch to the new context.")
	fl.BoolVar(&o.CheckIssuer, "validate", false, "Check the issuer's discovery document with its CA before writing.")
	fl.StringVar(&o.Issuer, "issuer", "", "Issuer URL, instead of pinniped-info's.")
	fl.StringVar(&o.IssuerCA, "issuer-ca-bundle-data", "", "Base64-encoded PEM CA bundle of the issuer, instead of pinniped-info's.")
	fl.StringVar(&o.Request.ClientID, "client-id", kc.DefaultClientID, "OIDC client ID the login uses.")
	fl.StringSliceVar(&o.Request.Scopes, "scopes", nil, "OIDC scopes (default: openid,offline_access,email,groups, plus pinniped:request-audience,username with an audience).")
	fl.StringVar(&o.Request.RequestAudience, "request-audience", "", "Audience to exchange the token for (default: the JWTAuthenticator's, with the Concierge).")
	fl.BoolVar(&o.Request.NoConcierge, "no-concierge", false, "Present the ID token to the API server directly, even if a Concierge is there.")
	fl.StringVar(&o.Request.UpstreamName, "upstream-identity-provider-name", "", "The Supervisor's upstream identity provider to log in with.")
	fl.StringVar(&o.Request.UpstreamType, "upstream-identity-provider-type", "", "Its type: oidc, ldap, activedirectory or github.")
	fl.StringVar(&o.Request.UpstreamFlow, "upstream-identity-provider-flow", "", "Login flow: browser_authcode or cli_password.")
	fl.BoolVar(&o.Request.SkipBrowser, "skip-browser", false, "The login prints its URL instead of opening a browser.")
	fl.StringVar(&o.Request.Command, "login-command", "", "Run the auth plugin binary (name or path, e.g. kubectl-tko-auth) as the exec plugin instead of 'kubectl tko auth login': faster on every call, tied to how the plugins were installed.")
	_ = cmd.MarkFlagFilename("export-file", "yaml", "yml")
	cmdutil.CompleteValues(cmd, "upstream-identity-provider-flow", oidc.FlowBrowser, oidc.FlowPassword)
	return cmd
}

// Complete reads the argument.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	if len(args) == 1 {
		o.Cluster = args[0]
	}
	for _, name := range pinnipedOnly {
		if cmd.Flags().Changed(name) {
			o.pinnipedFlags = append(o.pinnipedFlags, name)
		}
	}
	if o.now == nil {
		o.now = time.Now
	}
	return nil
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	if o.Merge && o.ExportFile != "" {
		return cmdutil.FlagErrorf("--merge and --export-file cannot be used together")
	}
	switch o.Request.UpstreamFlow {
	case "", oidc.FlowBrowser, oidc.FlowPassword:
	default:
		return cmdutil.Usagef("--upstream-identity-provider-flow %q is neither %s nor %s", o.Request.UpstreamFlow, oidc.FlowBrowser, oidc.FlowPassword)
	}
	if o.Issuer != "" && !strings.HasPrefix(o.Issuer, "https://") {
		return cmdutil.Usagef("--issuer %s must be an https URL", o.Issuer)
	}
	if _, err := oidc.DecodeCABundle(o.IssuerCA); err != nil {
		return cmdutil.Usagef("--issuer-ca-bundle-data: %v", err)
	}
	return nil
}

// Run discovers, builds and delivers the kubeconfig.
func (o *Options) Run(ctx context.Context) error {
	if l, ok := common.CurrentVSphereLogin(o.Factory); ok {
		return o.runVSphere(ctx, l)
	}
	mgmt, err := o.Factory.Connect()
	if err != nil {
		return err
	}
	info, ok, err := kc.ReadPinnipedInfo(ctx, mgmt.Dynamic)
	if err != nil {
		return err
	}
	if o.Issuer != "" {
		info.Issuer, info.IssuerCABase, ok = o.Issuer, o.IssuerCA, true
		if info.Concierge == "" {
			info.Concierge = kc.DefaultAuthenticator
		}
	}
	if !ok {
		return cmdutil.Usagef("this management cluster has no identity management (no issuer in kube-public/pinniped-info): pass --issuer, or use 'kubectl tko cluster kubeconfig get --admin'")
	}
	target, err := o.target(ctx, mgmt)
	if err != nil {
		return err
	}
	cfg, plan, err := kc.GetLogin(ctx, info, target, o.Request)
	if err != nil {
		return err
	}
	name := target.Name
	for _, n := range plan.Notes {
		fmt.Fprintf(o.Streams.ErrOut, "%s: %s\n", name, n)
	}
	if o.CheckIssuer {
		if err := o.validateIssuer(ctx, plan); err != nil {
			return err
		}
	}
	return o.deliver(name, cfg)
}

// target resolves the cluster the kubeconfig is for, and connects to it.
func (o *Options) target(ctx context.Context, mgmt *kube.Clients) (kc.LoginTarget, error) {
	if o.Cluster != "" {
		admin, err := kc.Admin(ctx, mgmt.Dynamic, mgmt.Namespace, o.Cluster)
		if err != nil {
			return kc.LoginTarget{}, err
		}
		cluster, _, err := kc.Current(admin)
		if err != nil {
			return kc.LoginTarget{}, err
		}
		clients, err := fleet.Connect(ctx, mgmt.Dynamic, mgmt.Namespace, o.Cluster, nil)
		if err != nil {
			return kc.LoginTarget{}, err
		}
		return kc.LoginTarget{Name: o.Cluster, Cluster: cluster, Clients: clients}, nil
	}
	raw, err := o.Factory.RawConfig()
	if err != nil {
		return kc.LoginTarget{}, err
	}
	ctxName := raw.CurrentContext
	if c := o.Factory.Context(); c != "" {
		ctxName = c
	}
	kctx := raw.Contexts[ctxName]
	if kctx == nil || raw.Clusters[kctx.Cluster] == nil {
		return kc.LoginTarget{}, cmdutil.Usagef("the kubeconfig context %q names no cluster", ctxName)
	}
	cluster := raw.Clusters[kctx.Cluster].DeepCopy()
	cluster.Server = mgmt.Config.Host
	if len(cluster.CertificateAuthorityData) == 0 {
		// The login kubeconfig must stand alone: inline the CA file.
		if err := rest.LoadTLSFiles(mgmt.Config); err != nil {
			return kc.LoginTarget{}, err
		}
		cluster.CertificateAuthorityData, cluster.CertificateAuthority = mgmt.Config.CAData, ""
	}
	return kc.LoginTarget{Name: kctx.Cluster, Cluster: cluster, Clients: mgmt}, nil
}

func (o *Options) validateIssuer(ctx context.Context, plan *kc.LoginPlan) error {
	ca, err := oidc.DecodeCABundle(plan.Login.IssuerCA)
	if err != nil {
		return cmdutil.Usagef("the issuer CA bundle: %v", err)
	}
	client, err := oidc.NewClient(oidc.Config{Issuer: plan.Login.Issuer, CABundle: ca}, &oidc.Store{}, oidc.Interaction{})
	if err != nil {
		return common.Word(err)
	}
	d, err := client.Discovery(ctx)
	if err != nil {
		return common.Word(err)
	}
	kind := "an OpenID provider"
	if d.Supervisor != nil {
		kind = "a Pinniped Supervisor"
	}
	fmt.Fprintf(o.Streams.ErrOut, "issuer %s: discovery document valid with the given CA (%s)\n", plan.Login.Issuer, kind)
	return nil
}

func (o *Options) deliver(name string, cfg *clientcmdapi.Config) error {
	dest := kc.Destination{ExportFile: o.ExportFile}
	if o.Merge {
		dest.MergeInto = o.Factory.KubeconfigPath()
	}
	msg, err := kc.Deliver(cfg, name, dest, o.Streams.Out)
	if msg != "" {
		fmt.Fprintln(o.Streams.ErrOut, msg)
	}
	return err
}
