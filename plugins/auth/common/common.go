// Package common holds what the auth commands share: the login flags that
// kubeconfigs pass to `auth login` (so claims and logout find the same
// session), the wording of the oidc library's errors, and the prompt.
package common

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pinniped"
)

// LoginFlags are the arguments of `auth login` (kubeconfig.LoginFlags,
// which also writes them into kubeconfigs) with what the auth commands do
// with them: check them, make the login library's configuration of them,
// and open the caches they name.
type LoginFlags struct{ kc.LoginFlags }

// Validate checks the flags before anything is read or sent.
func (l *LoginFlags) Validate() error {
	if l.Issuer == "" {
		return cmdutil.FlagErrorf("--issuer is required")
	}
	if !strings.HasPrefix(l.Issuer, "https://") {
		return cmdutil.Usagef("--issuer %s must be an https URL", l.Issuer)
	}
	switch l.UpstreamFlow {
	case "", oidc.FlowBrowser, oidc.FlowPassword:
	default:
		return cmdutil.Usagef("--upstream-identity-provider-flow %q is neither %s nor %s", l.UpstreamFlow, oidc.FlowBrowser, oidc.FlowPassword)
	}
	if l.EnableConcierge {
		if l.ConciergeEndpoint == "" || l.ConciergeAuthName == "" {
			return cmdutil.FlagErrorf("--enable-concierge needs --concierge-endpoint and --concierge-authenticator-name")
		}
		if t := strings.ToLower(l.ConciergeAuthType); t != "jwt" && t != "webhook" {
			return cmdutil.Usagef("--concierge-authenticator-type %q is neither jwt nor webhook", l.ConciergeAuthType)
		}
	}
	return nil
}

// Config turns the flags into the library's login configuration.
func (l *LoginFlags) Config() (oidc.Config, error) {
	cfg := oidc.Config{Issuer: l.Issuer, ClientID: l.ClientID, Scopes: l.Scopes, RequestAudience: l.RequestAudience,
		UpstreamName: l.UpstreamName, UpstreamType: l.UpstreamType, UpstreamFlow: l.UpstreamFlow,
		SkipBrowser: l.SkipBrowser, ListenPort: l.ListenPort}
	var bundle []byte
	for _, f := range l.CABundle {
		raw, err := os.ReadFile(f)
		if err != nil {
			return cfg, cmdutil.Usagef("--ca-bundle %s: %v", f, err)
		}
		bundle = append(append(bundle, raw...), '\n')
	}
	data := l.CABundleData
	if l.IssuerCABundleData != "" {
		data = append(data, l.IssuerCABundleData)
	}
	for _, d := range data {
		raw, err := oidc.DecodeCABundle(d)
		if err != nil {
			return cfg, cmdutil.Usagef("--ca-bundle-data: %v", err)
		}
		bundle = append(append(bundle, raw...), '\n')
	}
	cfg.CABundle = bundle
	if l.EnableConcierge {
		ca, err := oidc.DecodeCABundle(l.ConciergeCABundleData)
		if err != nil {
			return cfg, cmdutil.Usagef("--concierge-ca-bundle-data: %v", err)
		}
		cfg.Concierge = oidc.Concierge{Enabled: true, APIGroupSuffix: l.ConciergeSuffix, Endpoint: l.ConciergeEndpoint, CABundle: ca,
			Authenticator: pinniped.Authenticator{Type: l.ConciergeAuthType, Name: l.ConciergeAuthName}}
	}
	return cfg, nil
}

// Store opens the caches the flags name.
func (l *LoginFlags) Store() (*oidc.Store, error) {
	store, err := oidc.NewStore("")
	if err != nil {
		return nil, err
	}
	if l.SessionCache != "" {
		store.SessionsPath = l.SessionCache
		store.CredentialsPath = filepath.Join(filepath.Dir(l.SessionCache), oidc.CredentialsFile)
	}
	if l.CredentialCache != "" {
		store.CredentialsPath = l.CredentialCache
	}
	return store, nil
}

// ParseLoginArgs reads the login flags from a kubeconfig exec entry's
// arguments (after the `auth login` words).
func ParseLoginArgs(args []string) (*LoginFlags, error) {
	l, err := kc.ParseLoginFlags(args)
	if err != nil {
		return nil, err
	}
	return &LoginFlags{*l}, nil
}

// CurrentUser is the kubeconfig user of the context in use (--context and
// --user heeded), with the user's and the context's names.
func CurrentUser(f *cli.Factory) (u *clientcmdapi.AuthInfo, user, context string, err error) {
	raw, err := f.RawConfig()
	if err != nil {
		return nil, "", "", err
	}
	name := raw.CurrentContext
	if f.Context() != "" {
		name = f.Context()
	}
	ctx, ok := raw.Contexts[name]
	if !ok {
		return nil, "", name, &errs.NotFoundError{Kind: "context", Name: name, Hint: "list the contexts with 'kubectl config get-contexts'"}
	}
	user = ctx.AuthInfo
	if f.Overrides.Context.AuthInfo != "" {
		user = f.Overrides.Context.AuthInfo
	}
	return raw.AuthInfos[user], user, name, nil
}

// CurrentLogin reads the login flags of the kubeconfig context in use.
func CurrentLogin(f *cli.Factory) (*LoginFlags, string, error) {
	u, user, name, err := CurrentUser(f)
	if err != nil {
		return nil, name, err
	}
	args, _, ok := kc.LoginArgs(authExec(u))
	if !ok {
		return nil, name, cmdutil.Usagef("the user %q of context %s does not log in through Pinniped or kubectl tko auth login: get such a kubeconfig with 'kubectl tko auth kubeconfig get'", user, name)
	}
	l, err := ParseLoginArgs(args)
	if err != nil {
		return nil, name, cmdutil.Usagef("the login arguments of user %q: %v", user, err)
	}
	return l, name, nil
}

func authExec(u *clientcmdapi.AuthInfo) *clientcmdapi.ExecConfig {
	if u == nil {
		return nil
	}
	return u.Exec
}

// Error is an oidc failure worded for the user, with its exit class.
type Error struct {
	Msg string
	Cls errs.Class
}

func (e *Error) Error() string     { return e.Msg }
func (e *Error) Class() errs.Class { return e.Cls }

// Word turns the login library's typed errors into one line naming the
// cause and the fix; other errors pass through.
func Word(err error) error {
	var (
		issuer    *oidc.IssuerError
		login     *oidc.LoginError
		concierge *oidc.ConciergeError
		timeout   *oidc.CallbackTimeoutError
		mode      *oidc.CacheModeError
	)
	switch {
	case errors.As(err, &issuer):
		switch issuer.Problem {
		case oidc.ProblemUnreachable:
			return &Error{fmt.Sprintf("cannot reach the OIDC issuer %s (%v): is the issuer up and --issuer right?", issuer.Issuer, netReason(issuer.Err)), errs.ClassUnreachable}
		case oidc.ProblemCA:
			return &Error{fmt.Sprintf("TLS verification of the OIDC issuer %s failed (%s): the issuer's certificate does not chain to --ca-bundle-data; get a fresh kubeconfig with 'kubectl tko auth kubeconfig get'", issuer.Issuer, tlsReason(issuer.Err)), errs.ClassUnreachable}
		case oidc.ProblemBadCA:
			return &Error{fmt.Sprintf("the CA bundle for %s is unusable: %v; fix --ca-bundle or --ca-bundle-data", issuer.Issuer, issuer.Err), errs.ClassInvalid}
		}
		return &Error{fmt.Sprintf("the OIDC issuer %s has no usable discovery document (%v): is --issuer the issuer URL itself?", issuer.Issuer, issuer.Err), errs.ClassUnreachable}
	case errors.As(err, &login):
		hint := "log in again"
		switch login.Code {
		case "invalid_grant", "access_denied", "invalid_credentials", "HTTP 401":
			hint = "check the username and password (PINNIPED_USERNAME and PINNIPED_PASSWORD in scripts)"
		case "no_credentials":
			hint = "set PINNIPED_USERNAME and PINNIPED_PASSWORD, or run kubectl on a terminal to be asked"
		case "invalid_client", "unauthorized_client":
			hint = "check --client-id and that the provider allows it this grant"
		}
		return &Error{fmt.Sprintf("%s: %s", login.Error(), hint), errs.ClassUnreachable}
	case errors.As(err, &concierge):
		return &Error{fmt.Sprintf("%s: check --concierge-authenticator-name and that the authenticator is Ready", concierge.Error()), errs.ClassUnreachable}
	case errors.As(err, &timeout):
		return &Error{fmt.Sprintf("%s: finish the login in the browser sooner, or raise --callback-timeout", timeout.Error()), errs.ClassTimeout}
	case errors.As(err, &mode):
		return &Error{fmt.Sprintf("%s: fix its owner or remove it (kubectl tko auth logout --all)", mode.Error()), errs.ClassFailed}
	}
	return err
}

func netReason(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

func tlsReason(err error) string {
	s := err.Error()
	if i := strings.Index(s, "x509: "); i >= 0 {
		return s[i:]
	}
	if i := strings.Index(s, "tls: "); i >= 0 {
		return s[i:]
	}
	return s
}

// Credentials returns the username and password for the password flows:
// PINNIPED_USERNAME and PINNIPED_PASSWORD, else a prompt on the terminal
// (the password without echo). Without a terminal it refuses.
func Credentials(streams genericiooptions.IOStreams) func(context.Context) (string, string, error) {
	return func(context.Context) (string, string, error) {
		user, pass := os.Getenv("PINNIPED_USERNAME"), os.Getenv("PINNIPED_PASSWORD")
		if user != "" && pass != "" {
			return user, pass, nil
		}
		if !cmdutil.IsTerminal(streams.In) {
			return "", "", &oidc.LoginError{Code: "no_credentials", Description: "no terminal to ask for them"}
		}
		reader := bufio.NewReader(streams.In)
		if user == "" {
			fmt.Fprint(streams.ErrOut, "Username: ")
			line, _ := reader.ReadString('\n')
			user = strings.TrimSpace(line)
		}
		if pass == "" {
			p, err := PromptPassword(streams, reader, "Password: ")
			if err != nil {
				return "", "", err
			}
			pass = p
		}
		return user, pass, nil
	}
}

// PromptPassword asks for a password on the terminal, without echo; a
// stream that is a terminal only in tests gives a line.
func PromptPassword(streams genericiooptions.IOStreams, reader *bufio.Reader, prompt string) (string, error) {
	fmt.Fprint(streams.ErrOut, prompt)
	if f, ok := streams.In.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		raw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(streams.ErrOut)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return string(raw), nil
	}
	line, _ := reader.ReadString('\n')
	return strings.TrimRight(line, "\r\n"), nil
}

// PrintNotices shows what the caches did (a mode tightened, a corrupt file
// ignored) on stderr.
func PrintNotices(w io.Writer, store *oidc.Store) {
	for _, n := range store.Notices {
		fmt.Fprintf(w, "warning: %s\n", n)
	}
	store.Notices = nil
}

// PrintFields prints "Name:  value" lines, aligned, leaving out empty values.
func PrintFields(w io.Writer, rows [][2]string) error {
	width := 0
	for _, r := range rows {
		if r[1] != "" && len(r[0]) > width {
			width = len(r[0])
		}
	}
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		if _, err := fmt.Fprintf(w, "%-*s  %s\n", width+1, r[0]+":", r[1]); err != nil {
			return err
		}
	}
	return nil
}
