// Package certgen issues certificates of chosen lifetimes for the seeded
// estate and for tests: a CA, and leaves it signs.
package certgen

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Pair is a certificate and its key, in PEM.
type Pair struct {
	Cert, Key []byte
	cert      *x509.Certificate
	key       *ecdsa.PrivateKey
}

// CA issues a self-signed CA valid until notAfter.
func CA(cn string, notAfter time.Time) (*Pair, error) {
	return issue(cn, notAfter, nil, true)
}

// Leaf issues a serving certificate for cn signed by ca (self-signed when
// ca is nil), valid until notAfter.
func Leaf(cn string, notAfter time.Time, ca *Pair) (*Pair, error) {
	return issue(cn, notAfter, ca, false)
}

func issue(cn string, notAfter time.Time, ca *Pair, isCA bool) (*Pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating a key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	// Valid from a year before now (or before its expiry, if earlier), so
	// that a CA covers the leaves it issues, expired ones included.
	notBefore := notAfter
	if now := time.Now(); now.Before(notBefore) {
		notBefore = now
	}
	notBefore = notBefore.Add(-365 * 24 * time.Hour)
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true, IsCA: isCA,
	}
	if isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		if ip := net.ParseIP(cn); ip != nil {
			tmpl.IPAddresses = []net.IP{ip}
		} else {
			tmpl.DNSNames = []string{cn}
		}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, fmt.Errorf("issuing %s: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &Pair{
		Cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Key:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		cert: cert, key: key,
	}, nil
}
