package common

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
)

// PasswordEnv holds the vSphere password for scripts, as for kubectl vsphere.
const PasswordEnv = "KUBECTL_VSPHERE_PASSWORD"

// VSphereHTTP is how the vSphere commands reach a Supervisor: kubectl's
// --insecure-skip-tls-verify, --certificate-authority and --request-timeout.
func VSphereHTTP(f *cli.Factory) (vsphere.HTTPOptions, string, error) {
	o := vsphere.HTTPOptions{Insecure: f.Overrides.ClusterInfo.InsecureSkipTLSVerify, UserAgent: rest.DefaultKubernetesUserAgent()}
	caFile := f.Overrides.ClusterInfo.CertificateAuthority
	if caFile != "" {
		if o.Insecure {
			return o, "", cmdutil.FlagErrorf("--certificate-authority and --insecure-skip-tls-verify cannot be used together")
		}
		abs, err := filepath.Abs(caFile)
		if err != nil {
			return o, "", cmdutil.Usagef("--certificate-authority %s: %v", caFile, err)
		}
		if o.CAData, err = os.ReadFile(abs); err != nil {
			return o, "", cmdutil.Usagef("--certificate-authority %s: %v", caFile, err)
		}
		caFile = abs
	}
	if t := f.Overrides.Timeout; t != "" && t != "0" {
		d, err := parseTimeout(t)
		if err != nil {
			return o, "", cmdutil.Usagef("--request-timeout %q is not a duration such as 30s", t)
		}
		o.Timeout = d
	}
	return o, caFile, nil
}

// parseTimeout reads --request-timeout as kubectl does: a duration, or a
// bare number of seconds.
func parseTimeout(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		err = errors.New("negative")
	}
	return d, err
}

// VSpherePassword is the password of user: KUBECTL_VSPHERE_PASSWORD, else a
// prompt on the terminal (never echoed). ok is false when neither is there.
func VSpherePassword(streams genericiooptions.IOStreams, user string) (string, bool, error) {
	if p := os.Getenv(PasswordEnv); p != "" {
		return p, true, nil
	}
	if !cmdutil.IsTerminal(streams.In) {
		return "", false, nil
	}
	p, err := PromptPassword(streams, bufio.NewReader(streams.In), fmt.Sprintf("Password for %s: ", user))
	return p, err == nil, err
}

// NoPassword is the error of a login with nobody to give the password.
func NoPassword() error {
	return cmdutil.Usagef("no password for the vSphere login: set %s, or run the command on a terminal to be asked", PasswordEnv)
}

// LoginCommand is the command line that logs in to a vSphere login again.
func LoginCommand(l kc.VSphereLogin) string {
	s := "kubectl tko auth login --vsphere --server " + l.Server + " --vsphere-username " + l.User
	if l.GuestName != "" {
		s += " --tanzu-kubernetes-cluster-namespace " + l.GuestNamespace + " --tanzu-kubernetes-cluster-name " + l.GuestName
	}
	if l.Insecure {
		s += " --insecure-skip-tls-verify"
	}
	if l.CAFile != "" {
		s += " --certificate-authority " + l.CAFile
	}
	return s
}

// WordVSphere turns the vSphere library's typed errors into one line
// naming the cause and the fix; other errors pass through.
func WordVSphere(err error, l kc.VSphereLogin) error {
	var (
		rejected *vsphere.RejectedError
		notSup   *vsphere.NotSupervisorError
		guest    *vsphere.GuestNotFoundError
		conn     *vsphere.ConnectError
		expired  *vsphere.SessionExpiredError
	)
	switch {
	case errors.As(err, &rejected):
		return &Error{fmt.Sprintf("the Supervisor rejected the user name or password (%s at %s): check --vsphere-username and the password (%s in scripts)", rejected.User, rejected.Server, PasswordEnv), errs.ClassUnreachable}
	case errors.As(err, &notSup):
		return &Error{notSup.Error() + ": pass the Supervisor's control plane address with --server", errs.ClassUnreachable}
	case errors.As(err, &guest):
		return &Error{fmt.Sprintf("%s: check --tanzu-kubernetes-cluster-name and --tanzu-kubernetes-cluster-namespace (kubectl get tanzukubernetesclusters -n %s --context %s)", guest.Error(), guest.Guest.Namespace, guest.Guest.Namespace), errs.ClassNotFound}
	case errors.As(err, &conn) && conn.TLS:
		return &Error{fmt.Sprintf("TLS verification of the Supervisor %s failed (%s): pass its CA with --certificate-authority FILE, or --insecure-skip-tls-verify", conn.URL, tlsReason(conn.Err)), errs.ClassUnreachable}
	case errors.As(err, &conn) && isTimeout(conn.Err):
		return &Error{fmt.Sprintf("the Supervisor %s did not answer in time: retry, or raise --request-timeout", conn.URL), errs.ClassTimeout}
	case errors.As(err, &conn):
		return &Error{fmt.Sprintf("cannot reach the Supervisor %s (%s): is --server right and the Supervisor up?", conn.URL, netReason(conn.Err)), errs.ClassUnreachable}
	case errors.As(err, &expired):
		return &Error{fmt.Sprintf("%s; log in again: %s", expired.Error(), LoginCommand(l)), errs.ClassUnreachable}
	}
	return err
}

// isTimeout tells a server that accepted the connection and did not
// answer within --request-timeout from one that cannot be reached.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// VSphereLine describes a vSphere session in a status line.
func VSphereLine(s vsphere.Session, now time.Time) string {
	parts := []string{"server " + s.Server, "user " + s.User}
	if s.Guest != nil {
		parts = append(parts, "guest cluster "+s.Guest.String())
	}
	return strings.Join(parts, ", ") + ": " + s.State(now)
}

// GuestContext is the context of a guest cluster: its API server with the
// CA the Supervisor gave, its user logging in for that guest cluster.
func GuestContext(l kc.VSphereLogin, guest *vsphere.Session) kc.VSphereContext {
	cluster := &clientcmdapi.Cluster{Server: vsphere.GuestAPIServer(guest.GuestServer), CertificateAuthorityData: []byte(guest.GuestCA)}
	if guest.GuestCA == "" {
		cluster.InsecureSkipTLSVerify = l.Insecure
	}
	l.GuestNamespace, l.GuestName = guest.Guest.Namespace, guest.Guest.Name
	return kc.VSphereContext{Name: guest.Guest.Name, Namespace: guest.Guest.Namespace, Cluster: guest.GuestServer, Server: cluster, Login: l}
}

// CurrentVSphereLogin is the vSphere login of the context in use; ok is
// false when the context logs in some other way (or is not there).
func CurrentVSphereLogin(f *cli.Factory) (l kc.VSphereLogin, ok bool) {
	u, _, _, err := CurrentUser(f)
	if err != nil {
		return kc.VSphereLogin{}, false
	}
	return kc.VSphereUser(u)
}

// LoginHTTP is how a kubeconfig's vSphere login reaches its Supervisor:
// the trust it was written with, and kubectl's --request-timeout.
func LoginHTTP(f *cli.Factory, l kc.VSphereLogin) (vsphere.HTTPOptions, error) {
	o, _, err := VSphereHTTP(f)
	if err != nil {
		return o, err
	}
	o.Insecure = o.Insecure || l.Insecure
	if l.CAFile != "" && len(o.CAData) == 0 && !o.Insecure {
		if o.CAData, err = os.ReadFile(l.CAFile); err != nil {
			return o, cmdutil.Usagef("the Supervisor's CA file %s of the kubeconfig: %v: log in again with %s", l.CAFile, err, LoginCommand(l))
		}
	}
	return o, nil
}

// PrintVSphereNotices says on w what the session cache did about its file.
func PrintVSphereNotices(w io.Writer, store *vsphere.Store) {
	for _, n := range store.Notices {
		fmt.Fprintf(w, "warning: %s\n", n)
	}
	store.Notices = nil
}

// SupervisorCluster is the kubeconfig cluster of a Supervisor's API server,
// trusted as its login was.
func SupervisorCluster(server vsphere.Server, o vsphere.HTTPOptions) *clientcmdapi.Cluster {
	return &clientcmdapi.Cluster{Server: server.APIServer(), CertificateAuthorityData: o.CAData, InsecureSkipTLSVerify: o.Insecure}
}
