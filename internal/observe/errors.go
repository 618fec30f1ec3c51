package observe

import (
	"fmt"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// NotInstalledError: the API server found no Service (or no endpoint behind
// it) to proxy to.
type NotInstalledError struct {
	Component Component
	Service   Service
	Reason    string // the API server's words
}

func (e *NotInstalledError) Error() string {
	return fmt.Sprintf("no %s found at %s: %s", e.Component, e.Service, e.Reason)
}

// Class implements errs.Classed.
func (e *NotInstalledError) Class() errs.Class { return errs.ClassNotFound }

// UnreachableError: a URL given for an API does not answer.
type UnreachableError struct {
	Component Component
	URL       string
	Err       error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach %s at %s: %v", e.Component, e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Class implements errs.Classed.
func (e *UnreachableError) Class() errs.Class { return errs.ClassUnreachable }

// URLError: a URL that is not http(s)://HOST[:PORT][/PATH].
type URLError struct{ URL string }

func (e *URLError) Error() string { return fmt.Sprintf("%q is not an http(s) URL", e.URL) }

// Class implements errs.Classed.
func (e *URLError) Class() errs.Class { return errs.ClassInvalid }

// QueryError: Prometheus refused a query (a PromQL syntax error, a bad
// parameter); Msg is Prometheus's own message.
type QueryError struct {
	Query string
	Msg   string
}

func (e *QueryError) Error() string { return "invalid query: " + e.Msg }

// Class implements errs.Classed.
func (e *QueryError) Class() errs.Class { return errs.ClassInvalid }

// APIError: the API answered with an error status; a 4xx is a refusal of
// the input (Alertmanager rejecting a silence), anything else a failure.
type APIError struct {
	Component Component
	Code      int
	Msg       string
}

func (e *APIError) Error() string {
	if e.Code >= 400 && e.Code < 500 {
		return fmt.Sprintf("%s refused the request: %s", e.Component, e.Msg)
	}
	return fmt.Sprintf("%s failed (HTTP %d): %s", e.Component, e.Code, e.Msg)
}

// Class implements errs.Classed.
func (e *APIError) Class() errs.Class {
	switch {
	case e.Code == 404:
		return errs.ClassNotFound
	case e.Code >= 400 && e.Code < 500:
		return errs.ClassInvalid
	}
	return errs.ClassFailed
}
