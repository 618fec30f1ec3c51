package certs

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"
)

// Chain is what a PEM bundle holds: its certificates in the order given.
type Chain struct {
	Certs []*x509.Certificate
	// Problem says why the bundle is unusable or suspect ("" when fine):
	// no certificate in it, one that does not parse, or a chain whose
	// certificates do not each issue the one before.
	Problem string
}

// ParseChain reads the CERTIFICATE blocks of a PEM bundle. Blocks of any
// other type (a key pasted into the wrong field) are neither decoded nor
// kept; only their type is named.
func ParseChain(data []byte) Chain {
	var c Chain
	var others []string
	rest := bytes.TrimSpace(data)
	for len(rest) > 0 {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = bytes.TrimSpace(r)
		if block.Type != "CERTIFICATE" {
			others = append(others, block.Type)
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			c.Problem = fmt.Sprintf("certificate %d does not parse: %v", len(c.Certs)+1, err)
			return c
		}
		c.Certs = append(c.Certs, cert)
	}
	switch {
	case len(c.Certs) == 0 && len(others) > 0:
		c.Problem = fmt.Sprintf("holds a %s block and no certificate", others[0])
	case len(c.Certs) == 0:
		c.Problem = "holds no PEM certificate"
	default:
		c.Problem = order(c.Certs)
	}
	return c
}

// order checks that each certificate is issued by the next one, as TLS
// servers must send them (leaf first).
func order(certs []*x509.Certificate) string {
	for i := 0; i+1 < len(certs); i++ {
		if bytes.Equal(certs[i].RawIssuer, certs[i+1].RawSubject) {
			continue
		}
		for j := range certs {
			if j != i && bytes.Equal(certs[j].RawIssuer, certs[i].RawSubject) && j > i {
				return fmt.Sprintf("chain out of order: certificate %d (%s) issues certificate %d (%s); put the leaf first, then each issuer",
					i+1, certs[i].Subject.CommonName, j+1, certs[j].Subject.CommonName)
			}
		}
		return fmt.Sprintf("chain broken: certificate %d (%s) is not issued by certificate %d (%s)",
			i+1, certs[i].Subject.CommonName, i+2, certs[i+1].Subject.CommonName)
	}
	return ""
}

// NotAfter is the earliest expiry in the chain: an intermediate that
// expires first breaks the chain as surely as the leaf.
func (c Chain) NotAfter() (time.Time, bool) {
	var t time.Time
	for i, cert := range c.Certs {
		if i == 0 || cert.NotAfter.Before(t) {
			t = cert.NotAfter
		}
	}
	return t, len(c.Certs) > 0
}

// fill sets a row from a parsed chain.
func (c Clock) fill(r *Row, chain Chain) {
	if chain.Problem != "" {
		r.Status = StatusInvalid
		r.Note = join(r.Note, chain.Problem)
	}
	if t, ok := chain.NotAfter(); ok {
		r.Subject = chain.Certs[0].Subject.String()
		r.Issuer = chain.Certs[0].Issuer.String()
		c.expiry(r, t)
	}
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
