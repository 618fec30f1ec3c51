// Package explain turns any error into the one line shown to the user and
// the process exit code, by the error's type: the typed errors of package
// errs, client-go's API and connection errors, and kubeconfig errors. It is
// the one place where errors meet words and exit codes; it has no
// command-line code, so reports that list failures (a fleet row, an audit
// skip) word them the same way. What needs no Kubernetes library lives in
// explain/base, which the umbrella uses alone.
package explain

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain/base"
)

// Exit codes shared by every kubectl tko plugin (docs/exit-codes.md).
const (
	ExitOK          = base.ExitOK
	ExitFailure     = base.ExitFailure
	ExitUsage       = base.ExitUsage
	ExitNotFound    = base.ExitNotFound
	ExitTimeout     = base.ExitTimeout
	ExitInterrupted = base.ExitInterrupted
	ExitUnreachable = base.ExitUnreachable
	ExitForbidden   = base.ExitForbidden
)

// SilentError carries an exit code for a failure the command has already
// reported in its output (an audit with FAIL rows, a failed fleet target).
type SilentError = base.SilentError

// Failure is exit 1 for a failure the output has already shown (an audit
// FAIL, a failed fleet target under --strict): the one way to say it.
func Failure() error { return base.Failure() }

// KubeconfigError is a kubeconfig that cannot be loaded.
type KubeconfigError struct{ Err error }

func (e *KubeconfigError) Error() string { return "loading kubeconfig: " + e.Err.Error() }
func (e *KubeconfigError) Unwrap() error { return e.Err }

// Message is Explain's line alone, for reports that show a failure in a row.
func Message(err error) string {
	msg, _ := Explain(err)
	return msg
}

// Explain turns any error into the single line shown to the user and the
// process exit code. Multi-line errors (a controller's error, a list of
// problems) keep their lines, indented under the first.
func Explain(err error) (string, int) { return base.Explain(err, kubernetes) }

// kubernetes words the errors of kubeconfigs, connections (TLS, network)
// and API servers.
func kubernetes(err error) (string, int, bool) {
	var (
		kubecfg   *KubeconfigError
		noMatch   *meta.NoKindMatchError
		noRes     *meta.NoResourceMatchError
		pathErr   *os.PathError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		alert     tls.AlertError
		record    tls.RecordHeaderError
		dnsErr    *net.DNSError
		urlErr    *url.Error
		managed   *errs.ManagedError
	)
	switch {
	case errors.As(err, &noMatch), errors.As(err, &noRes):
		return fmt.Sprintf("%v: the API group is not served by this cluster; is the right CRD installed and the right --context selected?", err), ExitNotFound, true
	case clientcmd.IsEmptyConfig(err) || errors.Is(err, clientcmd.ErrEmptyConfig):
		return "no kubeconfig found: set KUBECONFIG or pass --kubeconfig (kubectl config view shows what is in use)", ExitUnreachable, true
	case clientcmd.IsContextNotFound(err):
		return fmt.Sprintf("context %q not found in the kubeconfig: list the contexts with 'kubectl config get-contexts' and pass one with --context", contextName(err)), ExitNotFound, true
	case clientcmd.IsConfigurationInvalid(err):
		return fmt.Sprintf("the kubeconfig is invalid: %s; fix it or pass another with --kubeconfig", base.FirstLine(err)), ExitUnreachable, true
	case errors.As(err, &kubecfg) && errors.As(err, &pathErr):
		return fmt.Sprintf("cannot read the kubeconfig %s: %v; check --kubeconfig or KUBECONFIG", pathErr.Path, pathErr.Err), ExitUnreachable, true
	case errors.As(err, &kubecfg):
		return fmt.Sprintf("the kubeconfig cannot be read (%s): fix the file or pass another with --kubeconfig", kubeconfigReason(kubecfg.Err)), ExitUnreachable, true
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify), errors.As(err, &alert), errors.As(err, &record):
		return fmt.Sprintf("TLS verification of the API server failed (%s): fix certificate-authority-data in the kubeconfig, or pass --certificate-authority", tlsReason(err)), ExitUnreachable, true
	case apierrors.IsUnauthorized(err):
		return "the API server rejected the credentials (401 Unauthorized): log in again or fix the user in the kubeconfig (kubectl tko auth whoami shows who you are)", ExitUnreachable, true
	case apierrors.IsForbidden(err):
		return forbiddenMessage(err), ExitForbidden, true
	case apierrors.IsNotFound(err):
		return fmt.Sprintf("%s: check the name and the namespace (-n, or -A to look everywhere)", statusMessage(err)), ExitNotFound, true
	case apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) || errors.Is(err, context.DeadlineExceeded) || isClientTimeout(err):
		return fmt.Sprintf("the API server did not answer in time (%s): retry, or raise --request-timeout", host(err)), ExitTimeout, true
	case errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dnsErr) || isNoRoute(err):
		return fmt.Sprintf("cannot reach the Kubernetes API server %s: %s; is the cluster running and is --context/--server right?", host(err), netReason(err)), ExitUnreachable, true
	case errors.As(err, &urlErr):
		return fmt.Sprintf("request to the Kubernetes API server %s failed: %v; is the cluster running and is --context/--server right?", host(err), urlErr.Err), ExitUnreachable, true
	case apierrors.IsInvalid(err) || apierrors.IsBadRequest(err):
		return fmt.Sprintf("the API server refused the object: %s", statusMessage(err)), ExitUsage, true
	case errors.As(err, &managed):
		return managedMessage(managed), ExitFailure, true
	case isApplyConflict(err):
		return fmt.Sprintf("fields this apply sets are managed by %s (%s); rerunning cannot succeed: change them through that manager",
			conflictManagers(err), conflictFields(err)), ExitFailure, true
	case apierrors.IsAlreadyExists(err):
		return fmt.Sprintf("%s: pick another name or delete the existing one first", statusMessage(err)), ExitFailure, true
	case apierrors.IsConflict(err):
		return fmt.Sprintf("%s: the object changed while we worked on it; rerun the command", statusMessage(err)), ExitFailure, true
	}
	return "", 0, false
}

// isApplyConflict tells a server-side apply's conflict over field ownership,
// which no retry resolves, from a concurrent write's (optimistic lock).
func isApplyConflict(err error) bool {
	return apierrors.IsConflict(err) && apierrors.HasStatusCause(err, metav1.CauseTypeFieldManagerConflict)
}

func managedMessage(e *errs.ManagedError) string {
	msg := fmt.Sprintf("%s %q", e.Kind, e.Name)
	if e.Namespace != "" {
		msg += fmt.Sprintf(" in namespace %q", e.Namespace)
	}
	msg += " already exists and is managed by " + conflictManagers(e.Err)
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// conflictManagers names the managers of an apply conflict's causes, each
// "conflict with \"NAME\" ...", quoted: `"a"`, `"a", "b"`.
func conflictManagers(err error) string {
	var names []string
	for _, c := range conflictCauses(err) {
		rest := strings.TrimPrefix(c.Message, "conflict with ")
		name, qerr := strconv.QuotedPrefix(rest)
		if qerr != nil {
			name = strconv.Quote(rest)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "another field manager"
	}
	return strings.Join(names, ", ")
}

func conflictFields(err error) string {
	var fields []string
	for _, c := range conflictCauses(err) {
		fields = append(fields, c.Field)
	}
	return strings.Join(fields, ", ")
}

func conflictCauses(err error) []metav1.StatusCause {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var causes []metav1.StatusCause
	for _, c := range status.Status().Details.Causes {
		if c.Type == metav1.CauseTypeFieldManagerConflict {
			causes = append(causes, c)
		}
	}
	return causes
}

var forbiddenRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`User "([^"]*)" cannot (\S+) resource "([^"]*)" in API group "([^"]*)"(?: in the namespace "([^"]*)")?`)
})

func statusMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Message != "" {
		return status.Status().Message
	}
	return base.FirstLine(err)
}

func forbiddenMessage(err error) string {
	msg := statusMessage(err)
	m := forbiddenRE().FindStringSubmatch(msg)
	var other *errs.ForbiddenError
	if errors.As(err, &other) {
		if m != nil {
			msg = fmt.Sprintf("user %q may not %s %s", m[1], m[2], m[3])
			if m[4] != "" {
				msg += "." + m[4]
			}
		}
		return fmt.Sprintf("forbidden: %s; %s", msg, other.Instead)
	}
	if m == nil {
		return fmt.Sprintf("forbidden: %s; ask a cluster administrator for access or use --as with an allowed user", msg)
	}
	user, verb, resource, group, ns := m[1], m[2], m[3], m[4], m[5]
	if group != "" {
		resource += "." + group
	}
	where, canI := "at cluster scope", ""
	if ns != "" {
		where = fmt.Sprintf("in namespace %q", ns)
		canI = " -n " + ns
	}
	return fmt.Sprintf("forbidden: user %q may not %s %s %s; ask a cluster administrator for a Role that allows it (check with: kubectl auth can-i %s %s%s)",
		user, verb, resource, where, verb, resource, canI)
}

func kubeconfigReason(err error) string {
	s := base.FirstLine(err)
	if i := strings.Index(s, "error loading config file"); i >= 0 {
		s = s[i+len("error loading config file"):]
	}
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ":"))
}

func contextName(err error) string {
	s := base.FirstLine(err)
	if i := strings.LastIndex(s, "specified context: "); i >= 0 {
		return strings.TrimSpace(s[i+len("specified context: "):])
	}
	if m := regexp.MustCompile(`context "([^"]+)" does not exist`).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return s
}

func isClientTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isNoRoute(err error) bool {
	return errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.ECONNRESET)
}

func host(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	return "(from the kubeconfig)"
}

func netReason(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("host %q does not resolve", dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return base.FirstLine(err)
}

func tlsReason(err error) string {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
	)
	switch {
	case errors.As(err, &unknownCA):
		return "certificate signed by an unknown authority"
	case errors.As(err, &hostname):
		return hostname.Error()
	}
	s := base.FirstLine(err)
	if i := strings.Index(s, "x509: "); i >= 0 {
		return s[i:]
	}
	if i := strings.Index(s, "tls: "); i >= 0 {
		return s[i:]
	}
	return s
}
