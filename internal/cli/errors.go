package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/tools/clientcmd"
)

// UsageError is input the command refuses (exit code 2). When ShowHelp is
// set, the mistake is in the flags or arguments themselves, and the error
// is followed by a pointer to --help; refusals of values (an even control
// plane, a downgrade) are one line only.
type UsageError struct {
	Msg      string
	ShowHelp bool
}

func (e *UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError for a refused value.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// FlagErrorf builds a UsageError for misused flags or arguments.
func FlagErrorf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...), ShowHelp: true}
}

// InputError is a problem in a file or stream the user gave us.
type InputError struct {
	File  string // "-" for stdin
	Line  int    // 0 when unknown
	Field string // path of the offending field, if known
	Err   error
}

func (e *InputError) Error() string {
	var b strings.Builder
	name := e.File
	if name == "-" || name == "" {
		name = "<stdin>"
	}
	b.WriteString(name)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// NotFoundError names a missing object and how to find the right one.
type NotFoundError struct {
	Kind, Name, Namespace string
	Hint                  string // e.g. "list them with 'kubectl tko cluster list -A'"
}

func (e *NotFoundError) Error() string {
	where := ""
	if e.Namespace != "" {
		where = fmt.Sprintf(" in namespace %q", e.Namespace)
	}
	msg := fmt.Sprintf("%s %q not found%s", e.Kind, e.Name, where)
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// NotServedError says the cluster does not serve an API group a command needs.
type NotServedError struct {
	Group string
	Hint  string // e.g. "is it a TKG management cluster?"
}

func (e *NotServedError) Error() string {
	msg := fmt.Sprintf("this cluster does not serve %s", e.Group)
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

// SilentError carries an exit code for a failure the command has already
// reported in its output (an audit with FAIL rows, a failed fleet target).
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// TimeoutError is returned by waits whose --timeout ran out.
type TimeoutError struct {
	What    string
	Timeout string
	Last    string // the last state seen, to tell the user where it stopped
}

func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("timed out after %s waiting for %s", e.Timeout, e.What)
	if e.Last != "" {
		msg += " (last seen: " + e.Last + ")"
	}
	return msg + "; raise --timeout or inspect it with describe"
}

// DetailedError is a failure whose detail must reach the user whole (a
// controller's multi-line error message): Explain prints the summary, then
// the detail indented on the following lines.
type DetailedError struct {
	Summary string
	Detail  string
}

func (e *DetailedError) Error() string { return e.Summary + ": " + e.Detail }

// ErrInterrupted marks a run cancelled by a signal.
var ErrInterrupted = errors.New("interrupted")

var forbiddenRE = regexp.MustCompile(`User "([^"]*)" cannot (\S+) resource "([^"]*)" in API group "([^"]*)"(?: in the namespace "([^"]*)")?`)

// Explain turns any error into the single line shown to the user and the
// process exit code. It is the one place where errors meet exit codes.
func Explain(err error) (string, int) {
	if err == nil {
		return "", ExitOK
	}
	var (
		usage     *UsageError
		input     *InputError
		notFound  *NotFoundError
		notServed *NotServedError
		silent    *SilentError
		detailed  *DetailedError
		timeout   *TimeoutError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		noMatch   *meta.NoKindMatchError
		noRes     *meta.NoResourceMatchError
		dnsErr    *net.DNSError
		urlErr    *url.Error
		pathErr   *os.PathError
	)
	switch {
	case errors.As(err, &silent):
		return "", silent.Code
	case errors.Is(err, ErrInterrupted) || errors.Is(err, context.Canceled):
		return "interrupted: nothing further was changed; rerun the command to continue", ExitInterrupted
	case errors.As(err, &usage):
		return usage.Msg, ExitUsage
	case errors.As(err, &detailed):
		return detailed.Summary + ":\n  " + strings.ReplaceAll(strings.TrimSpace(detailed.Detail), "\n", "\n  "), ExitFailure
	case errors.As(err, &input):
		return "invalid input: " + input.Error(), ExitUsage
	case errors.As(err, &notFound):
		return notFound.Error(), ExitNotFound
	case errors.As(err, &notServed):
		return notServed.Error(), ExitNotFound
	case errors.As(err, &noMatch), errors.As(err, &noRes):
		return fmt.Sprintf("%v: the API group is not served by this cluster; is the right CRD installed and the right --context selected?", err), ExitNotFound
	case errors.As(err, &timeout):
		return timeout.Error(), ExitTimeout
	case clientcmd.IsEmptyConfig(err) || errors.Is(err, clientcmd.ErrEmptyConfig):
		return "no kubeconfig found: set KUBECONFIG or pass --kubeconfig (kubectl config view shows what is in use)", ExitUnreachable
	case isContextNotFound(err):
		return fmt.Sprintf("context %q not found in the kubeconfig: list the contexts with 'kubectl config get-contexts' and pass one with --context", contextName(err)), ExitNotFound
	case strings.Contains(err.Error(), "error loading config file"):
		return fmt.Sprintf("the kubeconfig cannot be read (%s): fix the file or pass another with --kubeconfig", kubeconfigReason(err)), ExitUnreachable
	case clientcmd.IsConfigurationInvalid(err):
		return fmt.Sprintf("the kubeconfig is invalid: %s; fix it or pass another with --kubeconfig", firstLine(err)), ExitUnreachable
	case errors.As(err, &pathErr) && strings.Contains(strings.ToLower(err.Error()), "kubeconfig"):
		return fmt.Sprintf("cannot read the kubeconfig %s: %v; check --kubeconfig or KUBECONFIG", pathErr.Path, pathErr.Err), ExitUnreachable
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls: "):
		return fmt.Sprintf("TLS verification of the API server failed (%s): fix certificate-authority-data in the kubeconfig, or pass --certificate-authority", tlsReason(err)), ExitUnreachable
	case apierrors.IsUnauthorized(err):
		return "the API server rejected the credentials (401 Unauthorized): log in again or fix the user in the kubeconfig (kubectl tko auth whoami shows who you are)", ExitUnreachable
	case apierrors.IsForbidden(err):
		return forbiddenMessage(err), ExitForbidden
	case apierrors.IsNotFound(err):
		return fmt.Sprintf("%s: check the name and the namespace (-n, or -A to look everywhere)", statusMessage(err)), ExitNotFound
	case apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) || errors.Is(err, context.DeadlineExceeded) || isClientTimeout(err):
		return fmt.Sprintf("the API server did not answer in time (%s): retry, or raise --request-timeout", host(err)), ExitTimeout
	case utilnet.IsConnectionRefused(err) || errors.As(err, &dnsErr) || isNoRoute(err):
		return fmt.Sprintf("cannot reach the Kubernetes API server %s: %s; is the cluster running and is --context/--server right?", host(err), netReason(err)), ExitUnreachable
	case errors.As(err, &urlErr):
		return fmt.Sprintf("request to the Kubernetes API server %s failed: %v; is the cluster running and is --context/--server right?", host(err), urlErr.Err), ExitUnreachable
	case apierrors.IsInvalid(err) || apierrors.IsBadRequest(err):
		return fmt.Sprintf("the API server refused the object: %s", statusMessage(err)), ExitUsage
	case apierrors.IsAlreadyExists(err):
		return fmt.Sprintf("%s: pick another name or delete the existing one first", statusMessage(err)), ExitFailure
	case apierrors.IsConflict(err):
		return fmt.Sprintf("%s: the object changed while we worked on it; rerun the command", statusMessage(err)), ExitFailure
	}
	return firstLine(err), ExitFailure
}

func statusMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Message != "" {
		return status.Status().Message
	}
	return firstLine(err)
}

func forbiddenMessage(err error) string {
	msg := statusMessage(err)
	m := forbiddenRE.FindStringSubmatch(msg)
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

func isContextNotFound(err error) bool {
	s := err.Error()
	return strings.Contains(s, "context was not found for specified context") ||
		(strings.Contains(s, "context") && strings.Contains(s, "does not exist"))
}

func isClientTimeout(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "Client.Timeout exceeded") || strings.Contains(s, "i/o timeout") || strings.Contains(s, "TLS handshake timeout")
}

func isNoRoute(err error) bool {
	s := err.Error()
	return strings.Contains(s, "no route to host") || strings.Contains(s, "network is unreachable") || strings.Contains(s, "connection reset by peer")
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
	case utilnet.IsConnectionRefused(err):
		return "connection refused"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return firstLine(err)
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
	s := firstLine(err)
	if i := strings.Index(s, "x509: "); i >= 0 {
		return s[i:]
	}
	if i := strings.Index(s, "tls: "); i >= 0 {
		return s[i:]
	}
	return s
}

// firstLine keeps messages to one line: multi-line server errors and
// aggregated errors are joined with "; ".
func firstLine(err error) string {
	s := strings.TrimSpace(err.Error())
	s = strings.ReplaceAll(s, "\r", "")
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "; ")
}

func kubeconfigReason(err error) string {
	s := firstLine(err)
	if i := strings.Index(s, "error loading config file"); i >= 0 {
		s = s[i+len("error loading config file"):]
	}
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ":"))
}

func contextName(err error) string {
	s := firstLine(err)
	if i := strings.LastIndex(s, "specified context: "); i >= 0 {
		return strings.TrimSpace(s[i+len("specified context: "):])
	}
	if m := regexp.MustCompile(`context "([^"]+)" does not exist`).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return s
}
