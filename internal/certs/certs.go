// Package certs finds the certificates a TKG cluster depends on and when
// each expires, from the API alone: the control-plane Machines' kubeadm
// certificates, the cluster CAs and admin kubeconfig on the management
// cluster, the API server's serving certificate, cert-manager
// Certificates, Pinniped's and AKO's Secrets and the TLS Secrets of
// Ingresses and HTTPProxies. Only certificates are parsed: a Secret's
// private key is never decoded, kept or shown.
package certs

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status values of a Row.
const (
	StatusOK       = "OK"
	StatusExpiring = "EXPIRING"  // expires within the window
	StatusExpired  = "EXPIRED"   // already expired
	StatusInvalid  = "INVALID"   // not a certificate, or a chain out of order
	StatusNotReady = "NOT-READY" // cert-manager cannot issue or renew it
	StatusUnknown  = "UNCHECKED" // could not be read: forbidden, unreachable
	StatusNoExpiry = "NO-EXPIRY" // a key pair, which does not expire
	StatusSkipped  = "SKIPPED"   // nothing to check yet (not provisioned)
)

// Row is one certificate of a cluster and when it expires.
type Row struct {
	Context   string     `json:"context,omitempty"`
	Cluster   string     `json:"cluster"` // namespace/name on the management cluster
	What      string     `json:"what"`
	Where     string     `json:"where"` // Secret/ns/name, Machine/ns/name, Certificate/ns/name, endpoint host:port
	NotAfter  *time.Time `json:"notAfter,omitempty"`
	DaysLeft  *int       `json:"daysLeft,omitempty"`
	RenewedBy string     `json:"renewedBy"`
	RenewsAt  *time.Time `json:"renewsAt,omitempty"`
	Status    string     `json:"status"`
	Note      string     `json:"note,omitempty"`
	Subject   string     `json:"subject,omitempty"`
	Issuer    string     `json:"issuer,omitempty"`
}

// Finding reports whether the row fails the check by itself: expiring,
// expired, unusable or not renewable. Rows that could not be checked fail
// only under --strict (Unchecked).
func (r Row) Finding() bool {
	switch r.Status {
	case StatusExpiring, StatusExpired, StatusInvalid, StatusNotReady:
		return true
	}
	return false
}

// Unchecked reports whether the row says what could not be checked.
func (r Row) Unchecked() bool { return r.Status == StatusUnknown }

// Clock is the time rows are judged at and the window that counts as
// expiring soon.
type Clock struct {
	Now    time.Time
	Within time.Duration
}

// expiry sets a row's dates and status from a notAfter; a status already
// set (INVALID, NOT-READY) stays.
func (c Clock) expiry(r *Row, notAfter time.Time) {
	t := notAfter.UTC().Truncate(time.Second)
	r.NotAfter = &t
	days := DaysLeft(c.Now, t)
	r.DaysLeft = &days
	status := StatusOK
	switch {
	case !t.After(c.Now):
		status = StatusExpired
	case t.Sub(c.Now) <= c.Within:
		status = StatusExpiring
	}
	switch {
	case r.Status == StatusInvalid:
	case status == StatusExpired || r.Status != StatusNotReady:
		r.Status = status
	}
}

// DaysLeft is the whole days from now to notAfter, negative once expired.
func DaysLeft(now, notAfter time.Time) int {
	d := notAfter.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

// ParseWithin reads a window as Go durations do ("720h") or in days
// ("30d"); it must be positive.
func ParseWithin(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("%q is not a number of days: use e.g. 30d or 720h", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration: use e.g. 30d or 720h", s)
	}
	return d, nil
}

// Summary counts the rows of a report.
type Summary struct {
	Certificates int        `json:"certificates"`
	Expiring     int        `json:"expiring"`
	Expired      int        `json:"expired"`
	Invalid      int        `json:"invalid"`
	NotReady     int        `json:"notReady"`
	Unchecked    int        `json:"unchecked"`
	Earliest     *time.Time `json:"earliest,omitempty"`
}

// Summarize counts rows by status and finds the earliest expiry.
func Summarize(rows []Row) Summary {
	var s Summary
	for _, r := range rows {
		switch r.Status {
		case StatusExpiring:
			s.Expiring++
		case StatusExpired:
			s.Expired++
		case StatusInvalid:
			s.Invalid++
		case StatusNotReady:
			s.NotReady++
		case StatusUnknown:
			s.Unchecked++
		}
		if r.NotAfter != nil {
			s.Certificates++
			if s.Earliest == nil || r.NotAfter.Before(*s.Earliest) {
				t := *r.NotAfter
				s.Earliest = &t
			}
		}
	}
	return s
}

// Report is the outcome of an inspection, as -o json and yaml print it.
type Report struct {
	Within       string    `json:"within"`
	CheckedAt    time.Time `json:"checkedAt"`
	Summary      Summary   `json:"summary"`
	Certificates []Row     `json:"certificates"`
}

// NewReport judges rows at clock and sums them up.
func NewReport(clock Clock, rows []Row) Report {
	if rows == nil {
		rows = []Row{}
	}
	return Report{Within: clock.Within.String(), CheckedAt: clock.Now.UTC().Truncate(time.Second), Summary: Summarize(rows), Certificates: rows}
}

// Failed reports whether any row is a finding, or (strict) could not be
// checked.
func (r Report) Failed(strict bool) bool {
	for _, row := range r.Certificates {
		if row.Finding() || (strict && row.Unchecked()) {
			return true
		}
	}
	return false
}
