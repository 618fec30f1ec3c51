// Package whoami implements `kubectl tko auth whoami`: who the cluster
// says you are, and how this kubeconfig authenticates.
package whoami

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	authnv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// Options holds the flags of `auth whoami`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
}

// Result is what whoami reports (also its -o json|yaml shape).
type Result struct {
	Context        string              `json:"context,omitempty"`
	Server         string              `json:"server,omitempty"`
	Authentication string              `json:"authentication"`
	Username       string              `json:"username"`
	UID            string              `json:"uid,omitempty"`
	Groups         []string            `json:"groups,omitempty"`
	Extra          map[string][]string `json:"extra,omitempty"`
}

// NewCmd returns the whoami command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "whoami [-o json|yaml]",
		Short: "Show who the cluster says you are and how the kubeconfig authenticates",
		Long: cmdutil.LongDesc(`
			Ask the API server who it takes you for (a SelfSubjectReview,
			authentication.k8s.io/v1): username, UID, groups and extra attributes after
			its claim mappings and prefixes (Pinniped users usually appear with the
			prefix of the authenticator, e.g. oidc:alice@example.com). Also says how the
			kubeconfig authenticates: client certificate, token, or which exec plugin and
			issuer. Running it logs you in when the kubeconfig's login needs it.`),
		Example: cmdutil.Examples(`
			kubectl tko auth whoami
			kubectl tko auth whoami --context wc-1@wc-1 -o yaml`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete has nothing to read before the connection.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run asks the API server.
func (o *Options) Run(ctx context.Context) error {
	res := Result{}
	raw, err := o.Factory.RawConfig()
	if err != nil {
		return err
	}
	res.Context = raw.CurrentContext
	if c := o.Factory.Context(); c != "" {
		res.Context = c
	}
	user := ""
	if kctx := raw.Contexts[res.Context]; kctx != nil {
		user = kctx.AuthInfo
		if cl := raw.Clusters[kctx.Cluster]; cl != nil {
			res.Server = cl.Server
		}
	}
	if u := o.Factory.Overrides.Context.AuthInfo; u != "" {
		user = u
	}
	res.Authentication = Describe(raw.AuthInfos[user], o.Factory)
	cfg, err := o.Factory.RESTConfig()
	if err != nil {
		return err
	}
	res.Server = cfg.Host
	cs, err := kube.NewREST(cfg)
	if err != nil {
		return err
	}
	review, err := kube.Create[authnv1.SelfSubjectReview](ctx, cs, selfSubjectReviews, "", &authnv1.SelfSubjectReview{})
	if apierrors.IsUnauthorized(err) {
		if why := o.rejected(); why != nil {
			return why
		}
	}
	if err != nil {
		return common.Word(err)
	}
	ui := review.Status.UserInfo
	res.Username, res.UID, res.Groups = ui.Username, ui.UID, ui.Groups
	if len(ui.Extra) > 0 {
		res.Extra = map[string][]string{}
		for k, v := range ui.Extra {
			res.Extra[k] = v
		}
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, res)
	}
	var extra []string
	for k, v := range res.Extra {
		extra = append(extra, k+"="+strings.Join(v, ","))
	}
	sort.Strings(extra)
	return common.PrintFields(o.Streams.Out, [][2]string{
		{"Username", res.Username}, {"UID", res.UID}, {"Groups", strings.Join(res.Groups, ", ")},
		{"Extra", strings.Join(extra, "; ")}, {"Context", res.Context}, {"Server", res.Server},
		{"Authentication", res.Authentication},
	})
}

// rejected names the issuer and audience of the token the API server
// refused, when this context logs in with OIDC: the usual cause is an
// authenticator that trusts another issuer or audience.
func (o *Options) rejected() error {
	if l, ok := common.CurrentVSphereLogin(o.Factory); ok {
		return &common.Error{Cls: errs.ClassUnreachable, Msg: fmt.Sprintf(
			"the API server rejected the vSphere session of %s at %s (401 Unauthorized): the session was ended on vCenter or the Supervisor no longer trusts it; log in again: %s",
			l.User, l.Server, common.LoginCommand(l))}
	}
	l, _, err := common.CurrentLogin(o.Factory)
	if err != nil {
		return nil
	}
	cfg, err := l.Config()
	if err != nil {
		return nil
	}
	store, err := l.Store()
	if err != nil {
		return nil
	}
	sess, err := store.Session(cfg.SessionKey())
	if err != nil || sess == nil {
		return nil
	}
	token := sess.IDToken
	if cfg.RequestAudience != "" && sess.ClusterToken != "" {
		token = sess.ClusterToken
	}
	c, err := oidc.DecodeClaims(token)
	if err != nil {
		return nil
	}
	return &common.Error{Cls: errs.ClassUnreachable, Msg: fmt.Sprintf(
		"the API server rejected the token (401 Unauthorized) of issuer %s for audience %s: the cluster's JWT authentication (JWTAuthenticator, or the API server's AuthenticationConfiguration) must trust that issuer and audience; check with 'kubectl tko auth doctor', or get a fresh kubeconfig with 'kubectl tko auth kubeconfig get'",
		c.Issuer, strings.Join(c.Audience, ","))}
}

// Describe says how a kubeconfig user authenticates, without any secret.
func Describe(u *clientcmdapi.AuthInfo, f *cli.Factory) string {
	var how string
	switch {
	case f != nil && f.Overrides.AuthInfo.Token != "":
		how = "bearer token (--token)"
	case u == nil:
		how = "none (anonymous)"
	case u.Exec != nil:
		how = describeExec(u.Exec)
	case u.AuthProvider != nil:
		how = "auth provider " + u.AuthProvider.Name
	case len(u.ClientCertificateData) > 0 || u.ClientCertificate != "":
		how = "client certificate"
	case u.Token != "" || u.TokenFile != "":
		how = "bearer token"
	case u.Username != "":
		how = "basic authentication"
	default:
		how = "none (anonymous)"
	}
	if f != nil && f.Overrides.AuthInfo.Impersonate != "" {
		how += ", impersonating " + f.Overrides.AuthInfo.Impersonate
	}
	return how
}

func describeExec(e *clientcmdapi.ExecConfig) string {
	args, cmd, ok := kc.LoginArgs(e)
	if !ok {
		return "exec plugin " + filepath.Base(e.Command)
	}
	if l, ok := kc.ParseVSphereLogin(args); ok {
		return describeVSphere(cmd, l, time.Now())
	}
	l, err := common.ParseLoginArgs(args)
	if err != nil || l.Issuer == "" {
		return "exec plugin " + cmd
	}
	s := fmt.Sprintf("exec plugin %s (issuer %s, client %s", cmd, l.Issuer, l.ClientID)
	if l.EnableConcierge {
		s += ", Concierge " + l.ConciergeAuthName
	}
	if l.RequestAudience != "" {
		s += ", audience " + l.RequestAudience
	}
	return s + ")"
}

// describeVSphere names the vSphere SSO login and its cached session's
// expiry (never the token).
func describeVSphere(cmd string, l kc.VSphereLogin, now time.Time) string {
	s := fmt.Sprintf("exec plugin %s (vSphere SSO user %s at Supervisor %s", cmd, l.User, l.Server)
	var guest *vsphere.Guest
	if l.GuestName != "" {
		guest = &vsphere.Guest{Namespace: l.GuestNamespace, Name: l.GuestName}
		s += ", guest cluster " + guest.String()
	}
	state := "no session cached"
	if server, err := vsphere.ParseServer(l.Server); err == nil {
		if store, err := vsphere.NewStore(""); err == nil {
			if sess, err := store.Get(server.String(), l.User, guest); err == nil && sess != nil {
				state = "session " + sess.State(now)
			}
		}
	}
	return s + "; " + state + ")"
}

// selfSubjectReviews is where a user asks the API server who it says they are.
var selfSubjectReviews = schema.GroupVersionResource{Group: "authentication.k8s.io", Version: "v1", Resource: "selfsubjectreviews"}
