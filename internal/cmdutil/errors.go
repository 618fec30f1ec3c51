package cmdutil

import (
	"fmt"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// UsageError is a flag or argument the command refuses (exit code 2). When
// ShowHelp is set, the mistake is in the flags or arguments themselves, and
// the error is followed by a pointer to --help; refusals of values (an even
// control plane, a downgrade) are one line only.
type UsageError struct {
	Msg      string
	ShowHelp bool
}

func (e *UsageError) Error() string { return e.Msg }

// Class implements errs.Classed: a usage error is refused input.
func (e *UsageError) Class() errs.Class { return errs.ClassInvalid }

// Usagef builds a UsageError for a refused flag value.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// FlagErrorf builds a UsageError for misused flags or arguments.
func FlagErrorf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...), ShowHelp: true}
}
