// Package base is the half of package explain that needs neither
// Kubernetes client libraries nor the network: the exit codes and the
// typed errors of package errs. The umbrella kubectl-tko uses it alone to
// stay small; every plugin goes through explain, which adds the errors of
// API servers, connections and kubeconfigs as a Rule.
package base

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// Exit codes shared by every kubectl tko plugin. They are part of the public
// interface (docs/exit-codes.md): scripts branch on them.
const (
	ExitOK          = 0 // success
	ExitFailure     = 1 // the operation ran and failed (a failed reconcile, an audit FAIL, ...)
	ExitUsage       = 2 // bad flags, arguments or input files; nothing was changed
	ExitNotFound    = 3 // an object, a context or an API group does not exist
	ExitTimeout     = 4 // --timeout or --request-timeout ran out
	ExitInterrupted = 5 // interrupted (Ctrl-C, SIGTERM)
	ExitUnreachable = 6 // the API server cannot be reached or rejected the credentials
	ExitForbidden   = 7 // RBAC denied the request
)

// SilentError carries an exit code for a failure the command has already
// reported in its output (an audit with FAIL rows, a failed fleet target).
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Failure is exit 1 for a failure the output has already shown.
func Failure() error { return &SilentError{Code: ExitFailure} }

// Rule words one family of errors; ok is false when err is not of it.
// Rules run after the typed errors of package errs.
type Rule func(err error) (msg string, code int, ok bool)

// Explain turns any error into the single line shown to the user and the
// process exit code. Multi-line errors (a controller's error, a list of
// problems) keep their lines, indented under the first.
func Explain(err error, rules ...Rule) (string, int) {
	if err == nil {
		return "", ExitOK
	}
	var (
		silent   *SilentError
		problems *errs.ProblemsError
		detailed *errs.DetailedError
		input    *errs.InputError
		timeout  *errs.TimeoutError
		step     *errs.StepError
		classed  errs.Classed
	)
	switch {
	case errors.As(err, &silent):
		return "", silent.Code
	case errors.As(err, &step):
		// An interrupted step still says where it stopped.
		msg, code := Explain(step.Err, rules...)
		return step.Where + ": " + msg, code
	case errors.Is(err, errs.ErrInterrupted) || errors.Is(err, context.Canceled):
		return "interrupted: nothing further was changed; rerun the command to continue", ExitInterrupted
	case errors.As(err, &problems):
		lines := make([]string, len(problems.Problems))
		for i, p := range problems.Problems {
			lines[i] = "  " + strings.ReplaceAll(p.String(), "\n", " ")
		}
		return problems.Summary + ":\n" + strings.Join(lines, "\n"), ExitUsage
	case errors.As(err, &detailed):
		return detailed.Summary + ":\n  " + strings.ReplaceAll(strings.TrimSpace(detailed.Detail), "\n", "\n  "), ExitFailure
	case errors.As(err, &input):
		return "invalid input: " + FirstLine(input), ExitUsage
	case errors.As(err, &timeout):
		return timeout.Error(), ExitTimeout
	case errors.As(err, &classed):
		return FirstLine(classed), classExit[classed.Class()]
	}
	for _, rule := range rules {
		if msg, code, ok := rule(err); ok {
			return msg, code
		}
	}
	return FirstLine(err), ExitFailure
}

var classExit = map[errs.Class]int{errs.ClassFailed: ExitFailure, errs.ClassInvalid: ExitUsage, errs.ClassNotFound: ExitNotFound, errs.ClassUnreachable: ExitUnreachable, errs.ClassTimeout: ExitTimeout}

// FirstLine keeps messages to one line: multi-line server errors and
// aggregated errors are joined with "; ".
func FirstLine(err error) string {
	s := strings.TrimSpace(err.Error())
	s = strings.ReplaceAll(s, "\r", "")
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "; ")
}
