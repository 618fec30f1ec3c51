package e2e

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/certs/certgen"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

const day = 24 * time.Hour

// certsCluster seeds a copy of wc-prod-1 as wc-certs in namespace ns
// (Cluster, KubeadmControlPlane, Machines, its CA and kubeconfig Secrets,
// the kubeconfig reaching the real API server of kubeconfigFile), with its control-plane
// certificates expired, due in 10 days and due in a year, and the
// KubeadmControlPlane rolling them 7 days before expiry.
func certsCluster(t *testing.T, ns, kubeconfigFile string) {
	t.Helper()
	kubeconfig, err := os.ReadFile(kubeconfigFile)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	expiries := []time.Time{now.Add(365*day + time.Hour), now.Add(10*day + time.Hour), now.Add(-2*day + time.Hour)}
	var objs []*unstructured.Unstructured
	machines := 0
	for _, u := range seed.Objects(kubeconfig, false) {
		owned := u.GetLabels()["cluster.x-k8s.io/cluster-name"] == "wc-prod-1" || (u.GetKind() == "Cluster" && u.GetName() == "wc-prod-1")
		if !owned || u.GetNamespace() != "default" || u.GetKind() == "MachineHealthCheck" || u.GetKind() == "MachineDeployment" {
			continue
		}
		u = u.DeepCopy()
		u.SetNamespace(ns)
		u.SetName(strings.Replace(u.GetName(), "wc-prod-1", "wc-certs", 1))
		if l := u.GetLabels(); l != nil {
			for k, v := range l {
				l[k] = strings.ReplaceAll(v, "wc-prod-1", "wc-certs")
			}
			u.SetLabels(l)
		}
		switch u.GetKind() {
		case "Cluster":
			_ = unstructured.SetNestedField(u.Object, "wc-certs-cp", "spec", "controlPlaneRef", "name")
		case "KubeadmControlPlane":
			_ = unstructured.SetNestedField(u.Object, int64(7), "spec", "rollout", "before", "certificatesExpiryDays")
		case "Machine":
			if _, cp := u.GetLabels()["cluster.x-k8s.io/control-plane"]; !cp {
				continue
			}
			// Written by the seed's applier through the status subresource,
			// as Cluster API writes it from the node's kubeadm certificates.
			_ = unstructured.SetNestedField(u.Object, expiries[machines%3].Format(time.RFC3339), "status", "certificatesExpiryDate")
			_ = unstructured.SetNestedField(u.Object, "wc-certs", "spec", "clusterName")
			machines++
		}
		objs = append(objs, u)
	}
	if machines != 3 {
		t.Fatalf("copied %d control-plane machines of wc-prod-1, want 3", machines)
	}
	cfg, err := suite.CP.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	a, err := seed.NewApplier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(context.Background(), objs); err != nil {
		t.Fatal(err)
	}
}

var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

func putSecret(t *testing.T, ns, name, typ string, data map[string][]byte) {
	t.Helper()
	d := map[string]any{}
	for k, v := range data {
		d[k] = base64.StdEncoding.EncodeToString(v)
	}
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "type": typ,
		"metadata": map[string]any{"name": name, "namespace": ns}, "data": d}}
	c := suite.Dyn.Resource(secretsGVR).Namespace(ns)
	_ = c.Delete(context.Background(), name, metav1.DeleteOptions{})
	if _, err := c.Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating Secret %s/%s: %v", ns, name, err)
	}
}

func mustIssue(t *testing.T, cn string, lifetime time.Duration, ca *certgen.Pair) *certgen.Pair {
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

// TestInspectCerts inspects a cluster whose certificates expire at chosen
// times against the real kube-apiserver: its Machines, its CA Secrets
// (one garbage, one a chain out of order), the real API server's serving
// certificate from a handshake, a cert-manager Certificate (our own
// minimal CRD of cert-manager.io/v1) with its status written as
// cert-manager writes it, and an Ingress's TLS Secret that nothing
// renews. No private key is in the output at -v=10; a user who may not
// read Secrets gets rows saying so.
func TestInspectCerts(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	certsCluster(t, ns, suite.CP.Kubeconfig)

	ca := mustIssue(t, "shop-ca", 3650*day, nil)
	leaf := mustIssue(t, "shop.tko.example.com", 365*day, ca)
	expired := mustIssue(t, "old.tko.example.com", -3*day+time.Hour, ca)
	putSecret(t, ns, "wc-certs-etcd", "cluster.x-k8s.io/secret", map[string][]byte{"tls.crt": []byte("garbage"), "tls.key": ca.Key})
	putSecret(t, ns, "wc-certs-proxy", "cluster.x-k8s.io/secret", map[string][]byte{"tls.crt": append(append([]byte{}, ca.Cert...), leaf.Cert...), "tls.key": leaf.Key})
	// The admin kubeconfig as Cluster API writes it carries a client
	// certificate; this API server takes a token, kept beside it.
	admin := mustIssue(t, "kubernetes-admin", 200*day+time.Hour, ca)
	putSecret(t, ns, "wc-certs-kubeconfig", "cluster.x-k8s.io/secret", map[string][]byte{"value": adminKubeconfig(t, admin)})
	putSecret(t, ns, "old-tls", "kubernetes.io/tls", map[string][]byte{"tls.crt": expired.Cert, "tls.key": expired.Key})
	putSecret(t, ns, "shop-tls", "kubernetes.io/tls", map[string][]byte{"tls.crt": leaf.Cert, "tls.key": leaf.Key})
	ing := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
		"metadata": map[string]any{"name": "old", "namespace": ns},
		"spec": map[string]any{"tls": []any{map[string]any{"hosts": []any{"old.tko.example.com"}, "secretName": "old-tls"}},
			"defaultBackend": map[string]any{"service": map[string]any{"name": "old", "port": map[string]any{"number": int64(80)}}}}}}
	e.Create(certs.IngressesGVR, ns, ing)
	cert := e.Create(certs.CertificatesGVR, ns, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": map[string]any{"name": "shop", "namespace": ns},
		"spec": map[string]any{"secretName": "shop-tls", "dnsNames": []any{"shop.tko.example.com"}, "issuerRef": map[string]any{"name": "shop-ca", "kind": "Issuer"}}}})
	// cert-manager's turn: it writes notAfter, renewalTime and Ready
	// through the status subresource.
	notAfter := time.Now().UTC().Add(10*day + time.Hour).Truncate(time.Second)
	_ = unstructured.SetNestedMap(cert.Object, map[string]any{
		"notAfter": notAfter.Format(time.RFC3339), "renewalTime": notAfter.Add(-3 * day).Format(time.RFC3339),
		"conditions": []any{map[string]any{"type": "Ready", "status": "True", "reason": "Ready", "message": "Certificate is up to date and has not expired",
			"lastTransitionTime": time.Now().UTC().Format(time.RFC3339)}},
	}, "status")
	if _, err := suite.Dyn.Resource(certs.CertificatesGVR).Namespace(ns).UpdateStatus(context.Background(), cert, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	r := e.Kubectl("tko", "cluster", "inspect", "certs", "wc-certs", "-n", ns, "-v=10").ExitCode(1)
	cluster := ns + "/wc-certs"
	want := map[string][]string{ // WHERE → DAYS LEFT, RENEWED BY prefix, STATUS, NOTE part
		"Machine/" + ns + "/wc-certs-cp-": nil, // checked below, three of them
		"Secret/" + ns + "/wc-certs-ca":   {"", "nothing: replaced by hand", "OK", ""},
		"Secret/" + ns + "/wc-certs-etcd": {"-", "nothing", "INVALID", "holds no PEM certificate"},
		"Secret/" + ns + "/wc-certs-proxy": {"", "nothing", "INVALID",
			"chain out of order: certificate 1 (shop-ca) issues certificate 2 (shop.tko.example.com)"},
		"Secret/" + ns + "/wc-certs-sa":         {"-", "-", "NO-EXPIRY", "a key pair"},
		"Secret/" + ns + "/wc-certs-kubeconfig": {"200", "KubeadmControlPlane", "OK", ""},
		"Certificate/" + ns + "/shop":           {"10", "cert-manager (renews ", "EXPIRING", ""},
		"Secret/" + ns + "/old-tls":             {"-3", "nothing", "EXPIRED", "no cert-manager Certificate renews it"},
	}
	rows := map[string][]string{}
	var machines [][]string
	for _, line := range r.StdoutLines()[1:] {
		cells := strings.Split(line, "\t")
		if len(cells) != 8 || cells[0] != cluster {
			continue
		}
		if strings.HasPrefix(cells[2], "Machine/") {
			machines = append(machines, cells)
		}
		rows[cells[2]] = cells
	}
	for where, w := range want {
		if w == nil {
			continue
		}
		c, ok := rows[where]
		if !ok {
			t.Errorf("no row for %s:\n%s", where, r.Stdout)
			continue
		}
		if (w[0] != "" && c[4] != w[0]) || !strings.HasPrefix(c[5], w[1]) || c[6] != w[2] || !strings.Contains(c[7], w[3]) {
			t.Errorf("%s: %q, want days %q renewed %q status %q note %q", where, c, w[0], w[1], w[2], w[3])
		}
	}
	statuses := map[string]string{}
	for _, m := range machines {
		statuses[m[4]] = m[6] + " " + m[7]
		if m[5] != "KubeadmControlPlane rollout 7d before" {
			t.Errorf("machine %s renewed by %q", m[2], m[5])
		}
	}
	if len(machines) != 3 || statuses["365"] != "OK -" || statuses["10"] != "EXPIRING -" || !strings.HasPrefix(statuses["-2"], "EXPIRED the rollout was due on ") {
		t.Errorf("machines %q", machines)
	}
	// The real API server's certificate, verified with the cluster's CA.
	endpoint := false
	for where, c := range rows {
		if strings.HasPrefix(where, "endpoint 127.0.0.1:") {
			endpoint = c[6] == "OK" && c[1] == "API server serving certificate"
		}
	}
	if !endpoint {
		t.Errorf("no OK row for the API server's certificate:\n%s", r.Stdout)
	}
	// No key: neither the Secrets' nor the admin kubeconfig's client key,
	// though -v=10 was asked for (and capped).
	r.StderrContains("-v=10 is capped")
	kubeconfig, _ := os.ReadFile(suite.CP.Kubeconfig)
	cfg, err := clientcmd.Load(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	keys := [][]byte{ca.Key, leaf.Key, expired.Key, admin.Key}
	for _, a := range cfg.AuthInfos {
		if len(a.ClientKeyData) > 0 {
			keys = append(keys, a.ClientKeyData)
		}
	}
	for _, k := range keys {
		lines := strings.Split(string(k), "\n")
		if len(lines) < 2 || strings.Contains(r.Stdout+r.Stderr, lines[1]) || strings.Contains(r.Stdout+r.Stderr, base64.StdEncoding.EncodeToString(k)) {
			t.Fatalf("a private key is in the output (or the key is empty: %d lines)", len(lines))
		}
	}

	// JSON: dates in RFC 3339.
	j := e.Kubectl("tko", "cluster", "inspect", "certs", "wc-certs", "-n", ns, "-o", "json").ExitCode(1)
	j.StdoutContains(`"notAfter": "`+notAfter.Format(time.RFC3339)+`"`, `"status": "EXPIRED"`, `"daysLeft": -3`)

	// A user who may read the clusters but not Secrets: what could not be
	// checked, and why.
	viewer := "certs-viewer"
	rbac(t, ns, viewer)
	v := e.Kubectl("tko", "cluster", "inspect", "certs", "wc-certs", "-n", ns, "--as", viewer, "--within", "1d").ExitCode(1)
	v.StdoutContains("\tSecret/"+ns+"/wc-certs-ca\t-\t-\t-\tUNCHECKED\tcould not be checked: forbidden: user \""+viewer+"\" may not get secrets",
		"\tworkload cluster\tSecret/"+ns+"/wc-certs-kubeconfig\t")
	e.Kubectl("tko", "cluster", "inspect", "certs", "wc-certs", "-n", ns, "--within", "bogus").ExitCode(2).StderrContains("--within")

	// --rotate: the real API server checks rolloutAfter against Cluster
	// API's schema on a dry run, then stores it.
	e.Kubectl("tko", "cluster", "inspect", "certs", "--rotate", "wc-certs", "-n", ns, "--dry-run=server").Success().
		StdoutContains("kubeadmcontrolplane.controlplane.cluster.x-k8s.io/wc-certs-cp patched (dry run)")
	kcpGVR := schema.GroupVersionResource{Group: "controlplane.cluster.x-k8s.io", Version: "v1beta2", Resource: "kubeadmcontrolplanes"}
	kcp, err := suite.Dyn.Resource(kcpGVR).Namespace(ns).Get(context.Background(), "wc-certs-cp", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after, _, _ := unstructured.NestedString(kcp.Object, "spec", "rollout", "after"); after != "" {
		t.Fatalf("the dry run stored rollout.after %s", after)
	}
	e.Kubectl("tko", "cluster", "inspect", "certs", "--rotate", "wc-certs", "-n", ns).Success()
	kcp, err = suite.Dyn.Resource(kcpGVR).Namespace(ns).Get(context.Background(), "wc-certs-cp", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after, _, _ := unstructured.NestedString(kcp.Object, "spec", "rollout", "after"); after == "" {
		t.Fatal("no rollout.after stored")
	} else if at, err := time.Parse(time.RFC3339, after); err != nil || time.Since(at) > time.Minute {
		t.Fatalf("rollout.after %q is not now", after)
	}
	e.Kubectl("tko", "cluster", "inspect", "certs", "--rotate", "wc-team-a", "-n", "team-a", "--dry-run").ExitCode(1).
		OneLineError("cluster team-a/wc-team-a is Degraded, not Available")
}

// adminKubeconfig is the suite's kubeconfig with a client certificate
// and its key added to the user.
func adminKubeconfig(t *testing.T, client *certgen.Pair) []byte {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(suite.CP.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	cfg.AuthInfos[ctx.AuthInfo].ClientCertificateData = client.Cert
	cfg.AuthInfos[ctx.AuthInfo].ClientKeyData = client.Key
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// rbac lets user read the Cluster API objects of ns and nothing else.
func rbac(t *testing.T, ns, user string) {
	t.Helper()
	e := suite.New(t)
	role := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
		"metadata": map[string]any{"name": "capi-reader", "namespace": ns},
		"rules":    []any{map[string]any{"apiGroups": []any{"cluster.x-k8s.io", "controlplane.cluster.x-k8s.io"}, "resources": []any{"*"}, "verbs": []any{"get", "list"}}}}}
	binding := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
		"metadata": map[string]any{"name": "capi-reader", "namespace": ns},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "capi-reader"},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}}}}
	e.Create(schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}, ns, role)
	e.Create(schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}, ns, binding)
}

// TestInspectCertsDemoTour runs the demo tour's lines on the seeded
// estate: Grafana's TLS Secret, due in 10 days with nothing renewing it,
// fails the inspection; the rotation of wc-prod-1 is only checked.
func TestInspectCertsDemoTour(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "inspect", "certs", "-A").ExitCode(1)
	row := rowOf(t, r.Stdout, "Secret/"+seed.DueCertificateNamespace+"/"+seed.DueCertificateSecret, 2)
	if row[0] != "default/wc-prod-1" || row[4] != "10" || row[5] != "nothing" || row[6] != "EXPIRING" {
		t.Errorf("Grafana's row %q", row)
	}
	r.StdoutContains("\tAPI server serving certificate\tendpoint ").StderrContains("within 30d: ")
	e.Kubectl("tko", "cluster", "inspect", "certs", "--rotate", "wc-prod-1", "--dry-run").Success().
		StdoutContains("kubeadmcontrolplane.controlplane.cluster.x-k8s.io/wc-prod-1-cp patched (dry run)")
}

// TestInspectCertsExpiringAPIServer: the workload cluster's own real
// kube-apiserver serves a certificate that expires in 3 days; the
// handshake reads it and the cluster's CA verifies it.
func TestInspectCertsExpiringAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	wl, err := localcp.Start(ctx, localcp.Options{Dir: t.TempDir(), Binaries: suite.Env.Binaries(), NoControllerManager: true,
		ServingLifetime: 3*day + time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer wl.Stop()
	e := suite.New(t)
	ns := e.Namespace()
	certsCluster(t, ns, wl.Kubeconfig)
	r := e.Kubectl("tko", "cluster", "inspect", "certs", "wc-certs", "-n", ns).ExitCode(1)
	row := rowOf(t, r.Stdout, "endpoint "+strings.TrimPrefix(wl.Server, "https://"), 2)
	if row[1] != "API server serving certificate" || row[4] != "3" || row[6] != "EXPIRING" || row[7] != "-" {
		t.Errorf("the API server's row %q", row)
	}
	// With a window shorter than that, only the machine already expired fails.
	r = e.Kubectl("tko", "cluster", "inspect", "certs", "wc-certs", "-n", ns, "--within", "2d", "-o", "json").ExitCode(1)
	r.StdoutContains(`"status": "EXPIRED"`)
	if strings.Contains(r.Stdout, `"status": "EXPIRING"`) {
		t.Errorf("something expires within 2 days:\n%s", r.Stdout)
	}
}
