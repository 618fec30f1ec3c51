package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"
)

// DefaultDialTimeout bounds the TLS handshake with an API server.
const DefaultDialTimeout = 10 * time.Second

// Endpoint reads the serving certificate of an API server from a TLS
// handshake with server (a URL or host:port) and checks it against the
// cluster's CA (PEM; none skips the check). An endpoint that does not
// answer TLS within timeout is a row saying so.
func (c Clock) Endpoint(ctx context.Context, cluster, server string, caPEM []byte, timeout time.Duration) Row {
	addr, host := hostPort(server)
	r := Row{Cluster: cluster, What: "API server serving certificate", Where: "endpoint " + addr,
		RenewedBy: "kubeadm: renewed with the control-plane certificates"}
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := tls.Dialer{NetDialer: &net.Dialer{}, Config: &tls.Config{
		// Verified below against the cluster's CA, so that an untrusted or
		// expired certificate is still read and reported, not just refused.
		InsecureSkipVerify: true, //nolint:gosec // verified by hand below
		ServerName:         host,
		MinVersion:         tls.VersionTLS12,
	}}
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		r.Status = StatusUnknown
		if dctx.Err() != nil {
			r.Note = fmt.Sprintf("no TLS answer within %s", timeout)
		} else {
			r.Note = fmt.Sprintf("no TLS answer: %v", err)
		}
		return r
	}
	state := conn.(*tls.Conn).ConnectionState()
	_ = conn.Close()
	chain := Chain{Certs: state.PeerCertificates}
	if len(chain.Certs) == 0 {
		r.Status, r.Note = StatusInvalid, "the server sent no certificate"
		return r
	}
	chain.Problem = order(chain.Certs)
	c.fill(&r, chain)
	if len(caPEM) > 0 {
		if problem := verify(chain.Certs, caPEM, host, c.Now); problem != "" {
			r.Status = StatusInvalid
			r.Note = join(r.Note, problem)
		}
	}
	return r
}

func verify(certs []*x509.Certificate, caPEM []byte, host string, now time.Time) string {
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return "the cluster CA holds no certificate to verify it with"
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host, CurrentTime: now}
	_, err := certs[0].Verify(opts)
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
		// The expiry is the row's status already: check the trust as of
		// the last moment it was valid.
		opts.CurrentTime = certs[0].NotAfter.Add(-time.Second)
		_, err = certs[0].Verify(opts)
	}
	if err == nil {
		return ""
	}
	return fmt.Sprintf("not trusted with the cluster CA: %v", err)
}

// hostPort turns a server URL or host:port into a dial address and the
// host name to verify.
func hostPort(server string) (addr, host string) {
	if u, err := url.Parse(server); err == nil && u.Host != "" {
		server = u.Host
	}
	h, p, err := net.SplitHostPort(server)
	if err != nil {
		return net.JoinHostPort(server, "443"), server
	}
	return net.JoinHostPort(h, p), h
}
