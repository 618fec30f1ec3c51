package localcp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// keyPair is a certificate with its key, PEM encoded.
type keyPair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	PEM  []byte
	Key  []byte
}

func newCA(name string) (*keyPair, error) {
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	return sign(tmpl, nil)
}

func (ca *keyPair) issue(cn string, usage x509.ExtKeyUsage, hosts []string, ips []net.IP) (*keyPair, error) {
	return ca.issueFor(cn, usage, hosts, ips, 365*24*time.Hour)
}

// issueFor is issue with a lifetime of the caller's choosing.
func (ca *keyPair) issueFor(cn string, usage x509.ExtKeyUsage, hosts []string, ips []net.IP, lifetime time.Duration) (*keyPair, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		NotBefore:   time.Now().Add(-time.Hour),
		NotAfter:    time.Now().Add(lifetime),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{usage},
		DNSNames:    hosts,
		IPAddresses: ips,
	}
	return sign(tmpl, ca)
}

func sign(tmpl *x509.Certificate, ca *keyPair) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("generating serial: %w", err)
	}
	tmpl.SerialNumber = serial
	parent, parentKey := tmpl, key
	if ca != nil {
		parent, parentKey = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, fmt.Errorf("signing %s: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", tmpl.Subject.CommonName, err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding key: %w", err)
	}
	return &keyPair{
		cert: cert,
		key:  key,
		PEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Key:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

func (kp *keyPair) write(dir, name string) (certFile, keyFile string, err error) {
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, kp.PEM, 0o600); err != nil {
		return "", "", fmt.Errorf("writing %s: %w", certFile, err)
	}
	if err := os.WriteFile(keyFile, kp.Key, 0o600); err != nil {
		return "", "", fmt.Errorf("writing %s: %w", keyFile, err)
	}
	return certFile, keyFile, nil
}

// writeServiceAccountKeys writes the RSA key pair that signs service
// account tokens.
func writeServiceAccountKeys(dir string) (pub, priv string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", fmt.Errorf("generating service account key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", fmt.Errorf("encoding service account key: %w", err)
	}
	pub, priv = filepath.Join(dir, "sa.pub"), filepath.Join(dir, "sa.key")
	if err := os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o600); err != nil {
		return "", "", fmt.Errorf("writing %s: %w", pub, err)
	}
	if err := os.WriteFile(priv, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return "", "", fmt.Errorf("writing %s: %w", priv, err)
	}
	return pub, priv, nil
}

// NewCAPEM returns a fresh self-signed CA certificate (for tests of TLS
// failures: a CA that signed nothing the server presents).
func NewCAPEM(name string) ([]byte, error) {
	ca, err := newCA(name)
	if err != nil {
		return nil, err
	}
	return ca.PEM, nil
}

// NewServingPair returns a fresh CA and a serving certificate it signed for
// 127.0.0.1 and localhost, PEM encoded: for loopback servers of tests (an
// OpenID provider) that clients must verify.
func NewServingPair(name string) (caPEM, certPEM, keyPEM []byte, err error) {
	return NewServingPairFor(name, "127.0.0.1")
}

// NewServingPairFor is NewServingPair for the given IP addresses (a played
// vCenter on the loopback address of its Supervisor).
func NewServingPairFor(name string, addresses ...string) (caPEM, certPEM, keyPEM []byte, err error) {
	ips := make([]net.IP, 0, len(addresses))
	for _, a := range addresses {
		ip := net.ParseIP(a)
		if ip == nil {
			return nil, nil, nil, fmt.Errorf("%q is not an IP address", a)
		}
		ips = append(ips, ip)
	}
	ca, err := newCA(name + "-ca")
	if err != nil {
		return nil, nil, nil, err
	}
	kp, err := ca.issue(name, x509.ExtKeyUsageServerAuth, []string{"localhost"}, ips)
	if err != nil {
		return nil, nil, nil, err
	}
	return ca.PEM, kp.PEM, kp.Key, nil
}
