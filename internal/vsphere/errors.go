package vsphere

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// RejectedError is a login the Supervisor refused (401 or 403): a wrong
// user name or password, or an expired session presented for a guest.
type RejectedError struct {
	Server, User string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("the Supervisor %s rejected the user name or password of %s", e.Server, e.User)
}
func (e *RejectedError) Class() errs.Class { return errs.ClassUnreachable }

// NotSupervisorError is a server whose /wcp/loginbanner does not answer 200.
type NotSupervisorError struct {
	Server string
	Status int
}

func (e *NotSupervisorError) Error() string {
	return fmt.Sprintf("%s is not a vSphere with Tanzu Supervisor (GET /wcp/loginbanner answered %d, not 200)", e.Server, e.Status)
}
func (e *NotSupervisorError) Class() errs.Class { return errs.ClassUnreachable }

// GuestNotFoundError is a TanzuKubernetesCluster that does not exist.
type GuestNotFoundError struct{ Guest Guest }

func (e *GuestNotFoundError) Error() string {
	return fmt.Sprintf("TanzuKubernetesCluster %q not found in vSphere namespace %q", e.Guest.Name, e.Guest.Namespace)
}
func (e *GuestNotFoundError) Class() errs.Class { return errs.ClassNotFound }

// LoginFailedError is any other answer of /wcp/login than a session.
type LoginFailedError struct {
	Server  string
	Status  int
	Problem string // what was wrong with a 200 answer
}

func (e *LoginFailedError) Error() string {
	if e.Problem != "" {
		return fmt.Sprintf("the login at the Supervisor %s failed: %s", e.Server, e.Problem)
	}
	return fmt.Sprintf("the login at the Supervisor %s failed: /wcp/login answered %d", e.Server, e.Status)
}
func (e *LoginFailedError) Class() errs.Class { return errs.ClassUnreachable }

// ConnectError is a Supervisor that cannot be reached or whose certificate
// is not trusted (TLS is true).
type ConnectError struct {
	URL string
	TLS bool
	Err error
}

func (e *ConnectError) Error() string {
	if e.TLS {
		return fmt.Sprintf("TLS verification of the Supervisor %s failed: %v", e.URL, e.Err)
	}
	return fmt.Sprintf("cannot reach the Supervisor %s: %v", e.URL, e.Err)
}
func (e *ConnectError) Unwrap() error     { return e.Err }
func (e *ConnectError) Class() errs.Class { return errs.ClassUnreachable }

func connectError(u string, err error) error {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		urlErr    *url.Error
	)
	isTLS := errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify)
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return &ConnectError{URL: u, TLS: isTLS, Err: err}
}

// SessionExpiredError is a session that has expired (or was never made)
// when nobody can be asked for the password.
type SessionExpiredError struct {
	Server, User string
	Guest        *Guest
	Expired      time.Time // zero: there was no session
}

func (e *SessionExpiredError) Error() string {
	what := fmt.Sprintf("the vSphere session of %s at %s", e.User, e.Server)
	if e.Guest != nil {
		what += " for guest cluster " + e.Guest.String()
	}
	if e.Expired.IsZero() {
		return "there is no " + what[4:]
	}
	return fmt.Sprintf("%s expired at %s", what, e.Expired.UTC().Format(time.RFC3339))
}
func (e *SessionExpiredError) Class() errs.Class { return errs.ClassUnreachable }
