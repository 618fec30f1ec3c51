package kubeconfig

import (
	"io"

	"github.com/spf13/pflag"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// VSphereLogin is a login to a vSphere with Tanzu Supervisor as a
// kubeconfig user's exec entry carries it: `kubectl tko auth login
// --vsphere` with the flags of `kubectl vsphere login`. The kubeconfig
// holds no token; the command prints one from its session cache.
type VSphereLogin struct {
	Server         string // the Supervisor's address, as given to --server
	User           string
	GuestNamespace string // with GuestName: a TanzuKubernetesCluster
	GuestName      string
	Insecure       bool   // --insecure-skip-tls-verify
	CAFile         string // --certificate-authority, an absolute path
	Command        string // see Login.Command
}

// Args renders the login as `auth login` arguments.
func (l VSphereLogin) Args() []string {
	args := []string{"--vsphere", "--server=" + l.Server, "--vsphere-username=" + l.User}
	if l.GuestName != "" {
		args = append(args, "--tanzu-kubernetes-cluster-namespace="+l.GuestNamespace, "--tanzu-kubernetes-cluster-name="+l.GuestName)
	}
	if l.Insecure {
		args = append(args, "--insecure-skip-tls-verify")
	}
	if l.CAFile != "" {
		args = append(args, "--certificate-authority="+l.CAFile)
	}
	return args
}

// VSphereFlags registers the vSphere flags of `auth login` that are not
// kubectl's own (--server, --insecure-skip-tls-verify and
// --certificate-authority are).
func VSphereFlags(fs *pflag.FlagSet, l *VSphereLogin, enabled *bool) {
	fs.BoolVar(enabled, "vsphere", false, "Log in to a vSphere with Tanzu Supervisor (--server) with vSphere SSO, as 'kubectl vsphere login' does.")
	fs.StringVarP(&l.User, "vsphere-username", "u", "", "vSphere SSO user name, e.g. administrator@vsphere.local (with --vsphere).")
	fs.StringVar(&l.GuestNamespace, "tanzu-kubernetes-cluster-namespace", "", "vSphere namespace of the TanzuKubernetesCluster to log in to (with --vsphere).")
	fs.StringVar(&l.GuestName, "tanzu-kubernetes-cluster-name", "", "TanzuKubernetesCluster to log in to (with --vsphere).")
}

// ParseVSphereLogin reads a vSphere login from an exec entry's arguments
// (after the `auth login` words); ok is false for any other login.
func ParseVSphereLogin(args []string) (VSphereLogin, bool) {
	var l VSphereLogin
	enabled := false
	fs := pflag.NewFlagSet("login", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	VSphereFlags(fs, &l, &enabled)
	fs.StringVarP(&l.Server, "server", "s", "", "")
	fs.BoolVar(&l.Insecure, "insecure-skip-tls-verify", false, "")
	fs.StringVar(&l.CAFile, "certificate-authority", "", "")
	if err := fs.Parse(args); err != nil || !enabled || l.Server == "" {
		return VSphereLogin{}, false
	}
	return l, true
}

// VSphereUser reads the vSphere login of a kubeconfig user, if it is one.
func VSphereUser(u *clientcmdapi.AuthInfo) (VSphereLogin, bool) {
	if u == nil {
		return VSphereLogin{}, false
	}
	args, cmd, ok := LoginArgs(u.Exec)
	if !ok || cmd != LoginTKO {
		return VSphereLogin{}, false
	}
	return ParseVSphereLogin(args)
}

// Exec is the user's exec entry.
func (l VSphereLogin) Exec() *clientcmdapi.ExecConfig {
	command, args := "kubectl", append([]string{"tko", "auth", "login"}, l.Args()...)
	if l.Command != "" {
		command, args = l.Command, append([]string{"login"}, l.Args()...)
	}
	return &clientcmdapi.ExecConfig{
		APIVersion:      "client.authentication.k8s.io/v1",
		Command:         command,
		Args:            args,
		InstallHint:     "kubectl tko auth is needed to log in: kubectl krew install tko tko-auth",
		InteractiveMode: clientcmdapi.IfAvailableExecInteractiveMode,
	}
}

// VSphereContext is one context a vSphere login writes.
type VSphereContext struct {
	Name      string // the context's name
	Namespace string // the vSphere namespace, for a namespace's context
	Cluster   string // the cluster entry's name: the API server's address
	Server    *clientcmdapi.Cluster
	Login     VSphereLogin
}

// VSphereConfig builds the kubeconfig entries of a vSphere login, named as
// `kubectl vsphere login` names them: cluster entries after the API
// server's address, users wcp:ADDRESS:USER, contexts after the Supervisor's
// address, each vSphere namespace and the guest cluster. current is the
// context to switch to. No entry holds a token.
func VSphereConfig(contexts []VSphereContext, current string) *clientcmdapi.Config {
	out := clientcmdapi.NewConfig()
	for _, c := range contexts {
		user := "wcp:" + c.Cluster + ":" + c.Login.User
		out.Clusters[c.Cluster] = c.Server.DeepCopy()
		out.AuthInfos[user] = &clientcmdapi.AuthInfo{Exec: c.Login.Exec()}
		out.Contexts[c.Name] = &clientcmdapi.Context{Cluster: c.Cluster, AuthInfo: user, Namespace: c.Namespace}
	}
	out.CurrentContext = current
	return out
}
