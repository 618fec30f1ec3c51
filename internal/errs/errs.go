// Package errs holds the typed errors that domain packages return. They carry
// facts (a count, a file line, a missing object), never flag names or exit
// codes: the command layer (internal/cli) turns them into words and codes,
// by type. It imports nothing from this module.
package errs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Invalid is a value the domain refuses (an even control plane, a downgrade,
// an unknown version): the input is wrong and nothing was changed.
type Invalid struct{ Msg string }

func (e *Invalid) Error() string { return e.Msg }

// Invalidf builds an Invalid error.
func Invalidf(format string, args ...any) error {
	return &Invalid{Msg: fmt.Sprintf(format, args...)}
}

// InputError is a problem in a file or stream the user gave.
type InputError struct {
	File  string // "-" for standard input
	Line  int    // 0 when unknown
	Field string // path of the offending field, if known
	Err   error
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(DisplayFile(e.File))
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

// DisplayFile names a file in messages ("-" is standard input).
func DisplayFile(name string) string {
	if name == "-" || name == "" {
		return "<stdin>"
	}
	return name
}

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

// ManagedError is a create refused because the object already exists and
// another field manager owns fields of it (a server-side apply conflict):
// unlike a conflict with a concurrent write, rerunning cannot succeed.
type ManagedError struct {
	Kind, Name, Namespace string
	Hint                  string // what to do instead, e.g. "pick another name, or ..."
	Err                   error  // the API server's conflict, which names the managers
}

func (e *ManagedError) Error() string {
	msg := fmt.Sprintf("%s %q", e.Kind, e.Name)
	if e.Namespace != "" {
		msg += fmt.Sprintf(" in namespace %q", e.Namespace)
	}
	msg += " already exists and is managed by another field manager"
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg + ": " + e.Err.Error()
}

func (e *ManagedError) Unwrap() error { return e.Err }

// ForbiddenError is a request RBAC denied for which the user has another
// way: Instead is said in place of "ask a cluster administrator".
type ForbiddenError struct {
	Instead string // e.g. "name a vSphere namespace of yours"
	Err     error  // the API server's Forbidden
}

func (e *ForbiddenError) Error() string { return e.Err.Error() + ": " + e.Instead }
func (e *ForbiddenError) Unwrap() error { return e.Err }

// TimeoutError is returned by waits whose timeout ran out.
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
// controller's multi-line error message).
type DetailedError struct {
	Summary string
	Detail  string
}

func (e *DetailedError) Error() string { return e.Summary + ": " + e.Detail }

// ErrInterrupted marks a run cancelled by a signal.
var ErrInterrupted = errors.New("interrupted")

// Problem is one thing wrong with an input: where it is (file and line, or
// the flag that set it) and what is wrong.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Path    string `json:"path,omitempty"`   // the field, dotted (spec.topology.version)
	Source  string `json:"source,omitempty"` // the variable it was mapped from (CONTROL_PLANE_MACHINE_COUNT)
	Flag    string `json:"flag,omitempty"`   // the flag that set it (--values a=b), instead of a file line
	Message string `json:"message"`
}

// String renders "file:line: path (from SOURCE): message", or "FLAG: message",
// leaving out what is unknown.
func (p Problem) String() string {
	if p.Flag != "" {
		return p.Flag + ": " + p.Message
	}
	var parts []string
	switch {
	case p.File != "" && p.Line > 0:
		parts = append(parts, fmt.Sprintf("%s:%d", DisplayFile(p.File), p.Line))
	case p.Line > 0:
		parts = append(parts, fmt.Sprintf("line %d", p.Line))
	}
	switch {
	case p.Path != "" && p.Source != "":
		parts = append(parts, p.Path+" (from "+p.Source+")")
	case p.Path != "":
		parts = append(parts, p.Path)
	case p.Source != "":
		parts = append(parts, p.Source)
	}
	return strings.Join(append(parts, p.Message), ": ")
}

// ProblemsError is every problem found in an input at once; nothing was
// changed. The command layer prints Summary on one line and each problem on
// a line of its own under it.
type ProblemsError struct {
	Summary  string // "wc-1.yaml: 3 problem(s), nothing was created"
	Problems []Problem
}

// Problems builds a ProblemsError whose summary is "SUBJECT: N problem(s),
// nothing was ACTION"; problems are sorted by line.
func Problems(subject, action string, ps []Problem) *ProblemsError {
	SortProblems(ps)
	head := Count(len(ps)) + ", nothing was " + action
	if subject != "" {
		head = subject + ": " + head
	}
	return &ProblemsError{Summary: head, Problems: ps}
}

// Count says how many problems: "1 problem(s)", "3 problem(s)".
func Count(n int) string { return fmt.Sprintf("%d problem(s)", n) }

func (e *ProblemsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return e.Summary + ": " + strings.Join(lines, "; ")
}

// SortProblems orders problems by file line; those without one go last.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		li, lj := ps[i].Line, ps[j].Line
		return li != 0 && (lj == 0 || li < lj)
	})
}

// Class says what kind of failure a domain error is, for errors whose type
// the command layer does not know one by one.
type Class int

// The classes, each with its own exit code in the command layer.
const (
	ClassFailed      Class = iota // the operation ran and failed
	ClassInvalid                  // the input is refused; nothing was changed
	ClassNotFound                 // something named does not exist
	ClassUnreachable              // a server cannot be reached, is not trusted or refused the credentials
	ClassTimeout                  // something awaited did not happen in time
)

// Classed is a domain error that says its class.
type Classed interface {
	error
	Class() Class
}

// Class marks the built-in types, so Classed covers them too.
func (*Invalid) Class() Class        { return ClassInvalid }
func (*InputError) Class() Class     { return ClassInvalid }
func (*ProblemsError) Class() Class  { return ClassInvalid }
func (*NotFoundError) Class() Class  { return ClassNotFound }
func (*NotServedError) Class() Class { return ClassNotFound }

// StepError is the failure of one step of a larger operation (one install
// of a stack, one cluster of a fleet): Where says which and what was done,
// Err is the cause, worded by the command layer.
type StepError struct {
	Where string // "stopped at contour (applied: cert-manager; not applied: grafana)"
	Err   error
}

func (e *StepError) Error() string { return e.Where + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// OrNone lists names for a StepError's Where: "a, b", or "none".
func OrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
