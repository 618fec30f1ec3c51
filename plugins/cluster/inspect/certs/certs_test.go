package certs_test

import (
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/certs/certgen"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

const day = 24 * time.Hour

func tlsSecret(t testing.TB, ns, name string, crt, key []byte) *unstructured.Unstructured {
	t.Helper()
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"data":     map[string]any{"tls.crt": base64.StdEncoding.EncodeToString(crt), "tls.key": base64.StdEncoding.EncodeToString(key)},
	}}
}

func issue(t testing.TB, cn string, lifetime time.Duration, ca *certgen.Pair) *certgen.Pair {
	t.Helper()
	var p *certgen.Pair
	var err error
	if ca == nil {
		p, err = certgen.CA(cn, time.Now().Add(lifetime))
	} else {
		p, err = certgen.Leaf(cn, time.Now().Add(lifetime), ca)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// certificate is a cert-manager Certificate with the status cert-manager
// writes (the in-memory server stores it as given).
func certificate(ns, name, secret string, notAfter time.Time, ready string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec":     map[string]any{"secretName": secret, "dnsNames": []any{"grafana.tko.example.com"}, "issuerRef": map[string]any{"name": "tko-ca", "kind": "ClusterIssuer"}},
		"status": map[string]any{
			"notAfter":    notAfter.UTC().Format(time.RFC3339),
			"renewalTime": notAfter.Add(-30 * day).UTC().Format(time.RFC3339),
			"conditions":  []any{map[string]any{"type": "Ready", "status": ready, "reason": "Issuing", "message": "issuer tko-ca not found"}},
		},
	}}
}

// silentKubeconfig points a cluster's kubeconfig Secret at a listener
// that accepts and never answers TLS.
func silentKubeconfig(t testing.TB, s *clitest.Server, ns, name string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var held []net.Conn
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: "https://" + l.Addr().String()}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: "t"}
	cfg.Contexts["admin@"+name] = &clientcmdapi.Context{Cluster: name, AuthInfo: "admin"}
	cfg.CurrentContext = "admin@" + name
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Add(&unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "type": "cluster.x-k8s.io/secret",
		"metadata": map[string]any{"name": name + "-kubeconfig", "namespace": ns},
		"data":     map[string]any{"value": base64.StdEncoding.EncodeToString(raw)},
	}})
}

// noKeys checks that no private key of any Secret is in the output.
func noKeys(t *testing.T, s *clitest.Server, r clitest.Result) {
	t.Helper()
	n := 0
	for _, ns := range []string{"default", "team-a", "tanzu-system-ingress"} {
		for _, sec := range s.Objects("secrets", ns) {
			key, _, _ := unstructured.NestedString(sec.Object, "data", "tls.key")
			raw, _ := base64.StdEncoding.DecodeString(key)
			lines := strings.Split(string(raw), "\n")
			if len(lines) < 2 {
				continue
			}
			n++
			if strings.Contains(r.Stdout+r.Stderr, key) || strings.Contains(r.Stdout+r.Stderr, lines[1]) {
				t.Fatalf("the output shows the key of Secret %s/%s", ns, sec.GetName())
			}
		}
	}
	if n < 4 {
		t.Fatalf("only %d keys were looked for", n)
	}
}

// TestInspectCerts runs the verb against the seeded estate: the
// control-plane Machines with their rollout, the CA Secrets, the API
// server's certificate from a handshake, Grafana's TLS Secret due in 10
// days with nothing to renew it.
func TestInspectCerts(t *testing.T) {
	forbidEtcd := func(s *clitest.Server) {
		s.React("get", "secrets", func(r clitest.Request) (bool, any, error) {
			if r.Name == "wc-prod-1-etcd" {
				return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, r.Name, nil)
			}
			return false, nil, nil
		})
	}
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "every namespace", Args: clitest.Args("inspect certs -A"), Code: 1,
			Stdout: []string{
				"CLUSTER\tWHAT\tWHERE\tNOT AFTER\tDAYS LEFT\tRENEWED BY\tSTATUS\tNOTE\n",
				"default/wc-prod-1\tcontrol-plane certificates (kubeadm)\tMachine/default/wc-prod-1-cp-",
				"\tKubeadmControlPlane rollout 90d before\tOK\t-\n",
				"default/wc-prod-1\tcluster CA\tSecret/default/wc-prod-1-ca\t",
				"default/wc-prod-1\tservice-account signing key\tSecret/default/wc-prod-1-sa\t-\t-\t-\tNO-EXPIRY\ta key pair: it has no expiry date\n",
				"default/wc-prod-1\tAPI server serving certificate\tendpoint 127.0.0.1:",
				"default/wc-prod-1\tTLS Secret of Ingress tanzu-system-ingress/grafana\tSecret/tanzu-system-ingress/grafana-tls\t",
				"\t10\tnothing\tEXPIRING\tno cert-manager Certificate renews it\n",
				"default/wc-dev-1\tworkload cluster\tSecret/default/wc-dev-1-kubeconfig\t-\t-\t-\tSKIPPED\tnot provisioned yet",
				"team-a/wc-team-a\tetcd CA\t",
			},
			Stderr: []string{"certs: ", "within 30d: 2 expiring, 0 expired, 0 invalid"},
			Absent: []string{"tkg-mgmt", "UNCHECKED"}, NoChanges: true, Check: noKeys},
		{Name: "a window it is not in", Args: clitest.Args("inspect certs wc-prod-1 --within 5d"), Code: 0,
			Stdout: []string{"grafana-tls\t", "\tOK\t"}, Absent: []string{"wc-team-a"}},
		{Name: "a window in hours", Args: clitest.Args("inspect certs wc-prod-1 --within 240h"), Code: 0},
		{Name: "management cluster asked for", Args: clitest.Args("inspect certs -A --include-management-cluster --within 1d"), Code: 0,
			Stdout: []string{"tkg-system/tkg-mgmt\tcluster CA\t"}},
		{Name: "json dates in RFC 3339, no keys", Args: clitest.Args("inspect certs wc-prod-1 -o json -v=10"), Code: 1,
			Stdout: []string{`"within": "720h0m0s"`, `"status": "EXPIRING"`, `"daysLeft": 10`, `"renewedBy": "nothing"`, `"where": "Secret/tanzu-system-ingress/grafana-tls"`},
			Check: func(t *testing.T, s *clitest.Server, r clitest.Result) {
				noKeys(t, s, r)
				i := strings.Index(r.Stdout, `"notAfter": "`)
				if i < 0 {
					t.Fatalf("no notAfter:\n%s", r.Stdout)
				}
				raw := r.Stdout[i+len(`"notAfter": "`):]
				if _, err := time.Parse(time.RFC3339, raw[:strings.IndexByte(raw, '"')]); err != nil {
					t.Fatalf("notAfter is not RFC 3339: %v", err)
				}
			}},
		{Name: "yaml", Args: clitest.Args("inspect certs wc-prod-1 -o yaml --within 1d"), Code: 0, Stdout: []string{"certificates:\n", "notAfter: \"20"}},
		{Name: "wide", Args: clitest.Args("inspect certs wc-prod-1 -o wide"), Code: 1, Stdout: []string{"\tSUBJECT\tISSUER\n", "CN=grafana.tko.example.com\tCN=tko-example-ca\n"}},
		{Name: "malformed window", Args: clitest.Args("inspect certs -A --within thirty"), Code: 2, NoRequests: true, Stderr: []string{"--within"}},
		{Name: "-o name", Args: clitest.Args("inspect certs -A -o name"), Code: 2, NoRequests: true},
		{Name: "jsonpath", Args: []string{"inspect", "certs", "wc-prod-1", "--within", "1d", "-o", "jsonpath={.summary.expiring}"}, Stdout: []string{"0"}},
		{Name: "zero window", Args: clitest.Args("inspect certs -A --within 0d"), Code: 2, NoRequests: true},
		{Name: "not found", Args: clitest.Args("inspect certs wc-nope"), Code: 3, Stderr: []string{"wc-nope"}},
		{Name: "forbidden Secret is a row", Args: clitest.Args("inspect certs wc-prod-1 --within 1d"), Setup: forbidEtcd, Code: 0,
			Stdout: []string{"default/wc-prod-1\tetcd CA\tSecret/default/wc-prod-1-etcd\t-\t-\t-\tUNCHECKED\tcould not be checked: "}},
		{Name: "forbidden Secret fails under --strict", Args: clitest.Args("inspect certs wc-prod-1 --within 1d --strict"), Setup: forbidEtcd, Code: 1,
			Stderr: []string{"1 could not be checked"}},
		{Name: "renewed by cert-manager", Args: clitest.Args("inspect certs wc-prod-1"), Code: 0,
			Setup: func(s *clitest.Server) {
				s.Add(certificate("tanzu-system-ingress", "grafana", "grafana-tls", time.Now().Add(80*day), "True"))
			},
			Stdout: []string{"default/wc-prod-1\tcert-manager Certificate for grafana.tko.example.com\tCertificate/tanzu-system-ingress/grafana\t", "\t79\tcert-manager (renews "},
			Absent: []string{"TLS Secret of Ingress"}},
		{Name: "cert-manager cannot renew", Args: clitest.Args("inspect certs wc-prod-1"), Code: 1,
			Setup: func(s *clitest.Server) {
				s.Add(certificate("tanzu-system-ingress", "grafana", "grafana-tls", time.Now().Add(80*day), "False"))
			},
			Stdout: []string{"\tNOT-READY\tnot Ready: issuer tko-ca not found\n"}},
		{Name: "garbage and chains out of order", Args: clitest.Args("inspect certs wc-prod-1 --within 1d"), Code: 1,
			Setup: func(s *clitest.Server) {
				ca := issue(t, "shop-ca", 3650*day, nil)
				leaf := issue(t, "shop.tko.example.com", 300*day, ca)
				s.Add(tlsSecret(t, "tanzu-system-ingress", "grafana-tls", []byte("not a certificate"), leaf.Key),
					tlsSecret(t, "team-a", "shop-tls", append(append([]byte{}, ca.Cert...), leaf.Cert...), leaf.Key))
				s.AddYAML(`
apiVersion: projectcontour.io/v1
kind: HTTPProxy
metadata: {name: shop, namespace: team-a}
spec:
  virtualhost: {fqdn: shop.tko.example.com, tls: {secretName: shop-tls}}
`)
			},
			Stdout: []string{
				"\tTLS Secret of Ingress tanzu-system-ingress/grafana\tSecret/tanzu-system-ingress/grafana-tls\t-\t-\tnothing\tINVALID\tholds no PEM certificate\n",
				"\tTLS Secret of HTTPProxy team-a/shop\tSecret/team-a/shop-tls\t", "\tINVALID\tchain out of order: certificate 1 (shop-ca) issues certificate 2 (shop.tko.example.com)",
			},
			Check: noKeys},
		{Name: "Pinniped's serving certificate", Args: clitest.Args("inspect certs wc-prod-1 --within 1d"), Code: 0,
			Setup: func(s *clitest.Server) {
				s.Add(clitest.Namespace("pinniped-concierge"))
				p := issue(t, "pinniped-api", 90*day, issue(t, "pinniped-ca", 365*day, nil))
				s.Add(tlsSecret(t, "pinniped-concierge", "pinniped-concierge-api-tls-serving-certificate", p.Cert, p.Key))
			},
			Stdout: []string{"\tPinniped concierge certificate\tSecret/pinniped-concierge/pinniped-concierge-api-tls-serving-certificate\t", "\tPinniped: rotated before expiry\tOK\t"}},
		// The cluster CA cannot be read: the handshake is checked with the
		// kubeconfig's CA instead.
		{Name: "the Avi controller CA that AKO trusts", Args: clitest.Args("inspect certs wc-prod-1 --within 1d"), Code: 0,
			Setup: func(s *clitest.Server) {
				ca := issue(t, "avi-controller", 2*day, nil)
				s.Add(&unstructured.Unstructured{Object: map[string]any{
					"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "avi-secret", "namespace": "avi-system"},
					"data": map[string]any{
						"certificateAuthorityData": base64.StdEncoding.EncodeToString(ca.Cert),
						"username":                 base64.StdEncoding.EncodeToString([]byte("admin")),
						"password":                 base64.StdEncoding.EncodeToString([]byte("avi-password-never-shown")),
					},
				}})
				s.React("get", "secrets", func(r clitest.Request) (bool, any, error) {
					if r.Name == "wc-prod-1-ca" {
						return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, r.Name, nil)
					}
					return false, nil, nil
				})
			},
			Stdout: []string{"\tAvi controller CA (AKO)\tSecret/avi-system/avi-secret\t", "\t1\tnothing: follows the Avi controller's certificate\tOK\t",
				"\tAPI server serving certificate\tendpoint 127.0.0.1:"},
			Absent: []string{"avi-password-never-shown", base64.StdEncoding.EncodeToString([]byte("avi-password-never-shown"))}},
		// The CA the AKO operator hands the cluster's AKO, from the
		// AKODeploymentConfig that serves it (its key is the only one read).
		{Name: "the Avi controller CA of the cluster's AKODeploymentConfig", Args: clitest.Args("inspect certs wc-prod-1"), Code: 1,
			Setup: func(s *clitest.Server) {
				ca := issue(t, "avi-controller", 20*day+time.Hour, nil)
				s.Add(clitest.Namespace("tkg-system-networking"), &unstructured.Unstructured{Object: map[string]any{
					"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "avi-controller-ca", "namespace": "tkg-system-networking"},
					"data": map[string]any{"certificateAuthorityData": base64.StdEncoding.EncodeToString(ca.Cert)},
				}})
			},
			Stdout: []string{"default/wc-prod-1\tAvi controller CA (AKODeploymentConfig install-ako-for-all)\tSecret/tkg-system-networking/avi-controller-ca\t",
				"\t20\tnothing: follows the Avi controller's certificate\tEXPIRING\t"}},
		{Name: "completes --within", Args: []string{"__complete", "inspect", "certs", "--within", ""}, Stdout: []string{"30d\n"}},
		{Name: "an endpoint that does not answer TLS", Args: clitest.Args("inspect certs wc-prod-1 --within 1d --target-timeout 1s --strict"), Code: 1,
			Setup:  func(s *clitest.Server) { silentKubeconfig(t, s, "default", "wc-prod-1") },
			Stdout: []string{"default/wc-prod-1\tAPI server serving certificate\tendpoint 127.0.0.1:", "\tUNCHECKED\tno TLS answer within 1s\n"}},
		{Name: "an endpoint that does not answer TLS, not strict", Args: clitest.Args("inspect certs wc-prod-1 --within 1d --target-timeout 1s"), Code: 0,
			Setup: func(s *clitest.Server) { silentKubeconfig(t, s, "default", "wc-prod-1") }},
	})
}
