// Package login implements `kubectl tko auth login`: the client-go exec
// credential plugin of Pinniped-style kubeconfigs, and with --vsphere the
// login to a vSphere with Tanzu Supervisor (by hand, it writes the
// kubeconfig; run by kubectl, it prints the session's ExecCredential).
package login

import (
	"context"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// Options holds the flags and state of `auth login`.
type Options struct {
	Factory  *cli.Factory
	Streams  genericiooptions.IOStreams
	Login    common.LoginFlags
	ExecInfo *oidc.ExecInfo
	Config   oidc.Config
	Timeout  time.Duration
	// Getenv reads KUBERNETES_EXEC_INFO (tests replace it).
	Getenv func(string) string

	VSphere bool
	vsphere vsphereLogin
}

// NewCmd returns the login command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "login --issuer URL [flags] | login --vsphere --server SUPERVISOR -u USER [flags]",
		Short: "Log in to a vSphere with Tanzu Supervisor, or print an ExecCredential as the exec plugin of Pinniped and vSphere kubeconfigs",
		Long: cmdutil.LongDesc(`
			kubectl runs this command for a kubeconfig user whose exec plugin it is (as
			written by 'kubectl tko auth kubeconfig get'); you do not run it yourself. It
			prints an ExecCredential (client.authentication.k8s.io/v1, or v1beta1 when
			KUBERNETES_EXEC_INFO asks) with a token and its expiry on standard output,
			and nothing else there.

			A credential still valid in the credential cache is printed at once, with no
			network call. Otherwise the session's ID token is used, refreshed with its
			refresh token when expired, and only when that fails does a new login start:
			in a browser (authorization code with PKCE, callback on 127.0.0.1; the URL is
			printed on standard error when no browser can be opened, or with
			--skip-browser), or with --upstream-identity-provider-flow cli_password by
			username and password (PINNIPED_USERNAME and PINNIPED_PASSWORD, or a prompt
			on the terminal). With --request-audience the token is exchanged for one of
			the cluster's audience (RFC 8693, Pinniped Supervisor); with
			--enable-concierge it is traded for a cluster credential with the Pinniped
			Concierge's TokenCredentialRequest.

			Every flag that 'pinniped login oidc' and 'tanzu pinniped-auth login' receive
			in the kubeconfigs they write is accepted, so such a kubeconfig works with
			the command swapped ('kubectl tko auth kubeconfig convert' does that).
			Caches are files of mode 0600 under the user config directory (tko/); tokens
			and passwords are never printed on standard error or logged.

			With --vsphere it logs in to a vSphere with Tanzu Supervisor with the flags of
			'kubectl vsphere login' (--server, --vsphere-username/-u,
			--tanzu-kubernetes-cluster-namespace and -name, --insecure-skip-tls-verify),
			the password from KUBECTL_VSPHERE_PASSWORD or a prompt on the terminal. It
			checks the server is a Supervisor (GET /wcp/loginbanner), trades the
			credentials for a session at /wcp/login, and merges into the kubeconfig
			(--kubeconfig, else KUBECONFIG's first file or ~/.kube/config; mode 0600) one
			context for the Supervisor (named after --server), one per vSphere namespace
			you may use (a Namespace you can list where you may list
			tanzukubernetesclusters.run.tanzu.vmware.com; default, kube-*, vmware-system-*
			and svc-* are the Supervisor's own) and, when asked, one for the
			TanzuKubernetesCluster, then switches to the guest cluster's context or else
			the Supervisor's. The kubeconfig holds no token: its users run this command,
			which prints the cached session until it expires, then logs in again with
			KUBECTL_VSPHERE_PASSWORD or a prompt on the terminal, or says how to log in
			again (exit 6). A Supervisor fronted by Pinniped (kube-public/pinniped-info)
			gets a Pinniped login kubeconfig instead, and no password is asked.`),
		Example: cmdutil.Examples(`
			# In a kubeconfig user (what 'auth kubeconfig get' writes)
			#   exec:
			#     apiVersion: client.authentication.k8s.io/v1
			#     command: kubectl
			#     args: [tko, auth, login, --issuer=https://dex.example.com, --client-id=pinniped-cli,
			#            --scopes=openid,email,groups,offline_access, --ca-bundle-data=LS0t...]
			#     provideClusterInfo: true

			# Log in without a browser, for scripts
			PINNIPED_USERNAME=alice PINNIPED_PASSWORD=... kubectl get pods

			# Log in to a vSphere with Tanzu Supervisor and a TanzuKubernetesCluster
			kubectl tko auth login --vsphere --server 10.0.0.5 -u devops@vsphere.local \
			  --tanzu-kubernetes-cluster-namespace team-a --tanzu-kubernetes-cluster-name tkc-1

			# The same from a script
			KUBECTL_VSPHERE_PASSWORD=... kubectl tko auth login --vsphere --server 10.0.0.5 -u devops@vsphere.local`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Login.AddFlags(cmd.Flags())
	kc.VSphereFlags(cmd.Flags(), &o.vsphere.Login, &o.VSphere)
	return cmd
}

// Complete reads KUBERNETES_EXEC_INFO and the timeout.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, _ []string) error {
	info, err := oidc.ParseExecInfo(o.Getenv("KUBERNETES_EXEC_INFO"))
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}
	o.ExecInfo = info
	d, err := time.ParseDuration(o.Login.CallbackTimeoutDuration)
	if err != nil || d <= 0 {
		return cmdutil.Usagef("--callback-timeout %q is not a positive duration such as 5m", o.Login.CallbackTimeoutDuration)
	}
	o.Timeout = d
	return nil
}

// Validate checks the flags; run by hand on a terminal it explains what
// the command is for.
func (o *Options) Validate() error {
	if o.VSphere {
		return o.validateVSphere()
	}
	if o.vsphere.Login.User != "" || o.vsphere.Login.GuestName != "" || o.vsphere.Login.GuestNamespace != "" {
		return cmdutil.FlagErrorf("--vsphere-username and --tanzu-kubernetes-cluster-* need --vsphere")
	}
	if o.ExecInfo == nil && cmdutil.IsTerminal(o.Streams.Out) {
		return cmdutil.Usagef("kubectl tko auth login is the credential plugin kubectl runs for a kubeconfig user; it is not meant to be run by hand: get a kubeconfig with 'kubectl tko auth kubeconfig get', then run any kubectl command ('kubectl tko auth whoami' shows who you are)")
	}
	if err := o.Login.Validate(); err != nil {
		return err
	}
	cfg, err := o.Login.Config()
	if err != nil {
		return err
	}
	cfg.CallbackTimeout = o.Timeout
	o.Config = cfg
	return nil
}

// Run prints the ExecCredential: from the cache when possible, else after a login.
func (o *Options) Run(ctx context.Context) error {
	if o.VSphere {
		return o.runVSphere(ctx)
	}
	store, err := o.Login.Store()
	if err != nil {
		return err
	}
	defer common.PrintNotices(o.Streams.ErrOut, store)
	var cluster *oidc.ClusterInfo
	if o.ExecInfo != nil {
		cluster = o.ExecInfo.Spec.Cluster
	}
	cred, err := oidc.CachedCredential(store, &o.Config, cluster, time.Now())
	if err != nil {
		return common.Word(err)
	}
	if cred == nil {
		client, err := oidc.NewClient(o.Config, store, oidc.Interaction{
			Credentials: common.Credentials(o.Streams),
			OpenBrowser: oidc.OpenBrowser,
			Notify:      o.Streams.ErrOut,
		})
		if err != nil {
			return common.Word(err)
		}
		if cred, err = client.Credential(ctx, cluster); err != nil {
			return common.Word(err)
		}
	}
	out, err := oidc.ExecCredential(o.ExecInfo, cred)
	if err != nil {
		return err
	}
	_, err = o.Streams.Out.Write(append(out, '\n'))
	return err
}
