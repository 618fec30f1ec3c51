package seed

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"sync"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/certs/certgen"
)

// DueCertificate is the seeded certificate that expires in 10 days: the
// TLS Secret of Grafana's Ingress, which no cert-manager Certificate renews.
const (
	DueCertificateNamespace = "tanzu-system-ingress"
	DueCertificateSecret    = "grafana-tls"
	DueCertificateHost      = "grafana.tko.example.com"
)

// generated holds what the seed generates (keys, certificates, the time
// lifetimes count from) once per process, so that seeding twice seeds the
// same objects.
var generated = struct {
	sync.Mutex
	now   time.Time
	pairs map[string]*certgen.Pair
}{pairs: map[string]*certgen.Pair{}}

// seedNow is the time the seeded certificates' lifetimes count from.
func seedNow() time.Time {
	generated.Lock()
	defer generated.Unlock()
	if generated.now.IsZero() {
		generated.now = time.Now().UTC().Truncate(time.Second)
	}
	return generated.now
}

// pair issues (once) a CA, or a leaf of ca when ca is given.
func pair(cn string, lifetime time.Duration, ca *certgen.Pair) (*certgen.Pair, error) {
	notAfter := seedNow().Add(lifetime)
	generated.Lock()
	defer generated.Unlock()
	if p, ok := generated.pairs[cn]; ok {
		return p, nil
	}
	var p *certgen.Pair
	var err error
	if ca == nil {
		p, err = certgen.CA(cn, notAfter)
	} else {
		p, err = certgen.Leaf(cn, notAfter, ca)
	}
	if err == nil {
		generated.pairs[cn] = p
	}
	return p, err
}

// certificatesExpiry is a control-plane machine's kubeadm certificate
// expiry: about 300 days ahead.
func certificatesExpiry(name string) string {
	return seedNow().Add(time.Duration(300-len(name)%7) * 24 * time.Hour).Format(time.RFC3339)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// clusterCASecrets are the Secrets Cluster API keeps for a provisioned
// cluster: its CA (the certificate of the API server the kubeconfig
// reaches, so that its serving certificate verifies), the etcd and
// front-proxy CAs and the service-account key pair. The keys are
// throwaway: nothing reads them.
func clusterCASecrets(c Cluster, kubeconfig []byte) []map[string]any {
	secret := func(suffix string, data map[string]any) map[string]any {
		return obj("v1", "Secret", c.Namespace, c.Name+"-"+suffix, map[string]any{"cluster.x-k8s.io/cluster-name": c.Name},
			map[string]any{"type": "cluster.x-k8s.io/secret", "data": data})
	}
	var out []map[string]any
	tenYears := 3650 * 24 * time.Hour
	for _, s := range []string{"ca", "etcd", "proxy", "sa"} {
		p, err := pair(c.Name+"-"+s, tenYears, nil)
		if err != nil {
			continue
		}
		crt := p.Cert
		switch s {
		case "ca":
			// The CA of the API server the kubeconfig reaches (its key
			// stays unknown: p.Key stands in for it).
			if crt = kubeconfigCA(kubeconfig); len(crt) == 0 {
				continue
			}
		case "sa":
			// A key pair, as kubeadm's: the public key, no certificate.
			crt = publicKeyPEM(p)
		}
		out = append(out, secret(s, map[string]any{"tls.crt": b64(crt), "tls.key": b64(p.Key)}))
	}
	return out
}

func publicKeyPEM(p *certgen.Pair) []byte {
	block, _ := pem.Decode(p.Cert)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	der, _ := x509.MarshalPKIXPublicKey(cert.PublicKey)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// kubeconfigCA is the CA of the kubeconfig's current cluster.
func kubeconfigCA(kubeconfig []byte) []byte {
	cfg, err := clientcmd.Load(kubeconfig)
	if err != nil {
		return nil
	}
	if ctx := cfg.Contexts[cfg.CurrentContext]; ctx != nil && cfg.Clusters[ctx.Cluster] != nil {
		return cfg.Clusters[ctx.Cluster].CertificateAuthorityData
	}
	for _, cl := range cfg.Clusters {
		return cl.CertificateAuthorityData
	}
	return nil
}

// certificateObjects are Grafana's Ingress and its TLS Secret, due in 10
// days with nothing to renew it.
func certificateObjects() []map[string]any {
	ca, err := pair("tko-example-ca", 3650*24*time.Hour, nil)
	if err != nil {
		return nil
	}
	leaf, err := pair(DueCertificateHost, 10*24*time.Hour+time.Hour, ca)
	if err != nil {
		return nil
	}
	return []map[string]any{
		obj("v1", "Secret", DueCertificateNamespace, DueCertificateSecret, nil, map[string]any{
			"type": "kubernetes.io/tls",
			"data": map[string]any{"tls.crt": b64(append(leaf.Cert, ca.Cert...)), "tls.key": b64(leaf.Key)},
		}),
		obj("networking.k8s.io/v1", "Ingress", DueCertificateNamespace, "grafana", map[string]any{"app": "grafana"}, map[string]any{
			"spec": map[string]any{
				"ingressClassName": "contour",
				"tls":              []any{map[string]any{"hosts": []any{DueCertificateHost}, "secretName": DueCertificateSecret}},
				"rules": []any{map[string]any{"host": DueCertificateHost, "http": map[string]any{"paths": []any{map[string]any{
					"path": "/", "pathType": "Prefix",
					"backend": map[string]any{"service": map[string]any{"name": "grafana", "port": map[string]any{"number": 80}}},
				}}}}},
			},
		}),
	}
}
