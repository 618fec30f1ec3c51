package certs

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/certs/certgen"
)

const day = 24 * time.Hour

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func clock() Clock { return Clock{Now: now, Within: 30 * day} }

func mustCA(t *testing.T, cn string, notAfter time.Time) *certgen.Pair {
	t.Helper()
	p, err := certgen.CA(cn, notAfter)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLeaf(t *testing.T, cn string, notAfter time.Time, ca *certgen.Pair) *certgen.Pair {
	t.Helper()
	p, err := certgen.Leaf(cn, notAfter, ca)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Certificates of chosen lifetimes land in the right status; garbage and
// a chain out of order are findings that name the problem.
func TestChainStatus(t *testing.T) {
	ca := mustCA(t, "root", now.Add(3650*day))
	expired := mustLeaf(t, "expired.example.com", now.Add(-2*day), ca)
	soon := mustLeaf(t, "soon.example.com", now.Add(10*day+time.Hour), ca)
	year := mustLeaf(t, "year.example.com", now.Add(365*day), ca)
	for _, tc := range []struct {
		name, status, note string
		pem                []byte
		days               int
	}{
		{"expired", StatusExpired, "", expired.Cert, -2},
		{"in 10 days", StatusExpiring, "", soon.Cert, 10},
		{"in a year", StatusOK, "", year.Cert, 365},
		{"leaf then CA", StatusOK, "", append(append([]byte{}, year.Cert...), ca.Cert...), 365},
		{"CA then leaf", StatusInvalid, "chain out of order: certificate 1 (root) issues certificate 2 (year.example.com)", append(append([]byte{}, ca.Cert...), year.Cert...), 365},
		{"unrelated second", StatusInvalid, "chain broken", append(append([]byte{}, year.Cert...), mustCA(t, "other", now.Add(day)).Cert...), 0},
		{"garbage", StatusInvalid, "holds no PEM certificate", []byte("not a certificate at all"), 0},
		{"corrupt block", StatusInvalid, "certificate 1 does not parse", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0},
		{"a key instead", StatusInvalid, "holds a EC PRIVATE KEY block and no certificate", year.Key, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r Row
			clock().fill(&r, ParseChain(tc.pem))
			if r.Status != tc.status || !strings.Contains(r.Note, tc.note) {
				t.Fatalf("status %s note %q, want %s with %q", r.Status, r.Note, tc.status, tc.note)
			}
			if tc.days != 0 && (r.DaysLeft == nil || *r.DaysLeft != tc.days) {
				t.Fatalf("days left %v, want %d", r.DaysLeft, tc.days)
			}
			if strings.Contains(r.Note, "PRIVATE KEY-----") || bytes.Contains([]byte(r.Note), year.Key[40:80]) {
				t.Fatalf("the note shows key material: %s", r.Note)
			}
		})
	}
}

func TestParseWithin(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * day, "720h": 720 * time.Hour, "1d": day, "90m": 90 * time.Minute} {
		if got, err := ParseWithin(in); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "30", "thirty days", "-3d", "0d", "0h", "3w", "1.5d"} {
		if _, err := ParseWithin(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{{10*day + time.Hour, 10}, {time.Hour, 0}, {-time.Hour, -1}, {-2 * day, -2}} {
		if got := DaysLeft(now, now.Add(tc.d)); got != tc.want {
			t.Errorf("%v: %d, want %d", tc.d, got, tc.want)
		}
	}
}

// The API server's certificate is read from a handshake and verified
// with the cluster CA; an endpoint that does not answer TLS is a row.
func TestEndpoint(t *testing.T) {
	ca := mustCA(t, "kubernetes", now.Add(3650*day))
	serving := mustLeaf(t, "127.0.0.1", time.Now().Add(10*day+time.Hour), ca)
	pair, err := tls.X509KeyPair(serving.Cert, serving.Key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()
	c := Clock{Now: time.Now(), Within: 30 * day}
	ctx := context.Background()

	r := c.Endpoint(ctx, "default/wc", srv.URL, ca.Cert, time.Second)
	if r.Status != StatusExpiring || r.DaysLeft == nil || *r.DaysLeft != 10 || !strings.HasPrefix(r.Where, "endpoint 127.0.0.1:") {
		t.Fatalf("served certificate: %+v", r)
	}
	// Not issued by the CA given: still read, and said.
	r = c.Endpoint(ctx, "default/wc", srv.URL, mustCA(t, "other", now.Add(day)).Cert, time.Second)
	if r.Status != StatusInvalid || !strings.Contains(r.Note, "not trusted with the cluster CA") || r.NotAfter == nil {
		t.Fatalf("untrusted: %+v", r)
	}
	// Expired: the expiry is the status; the trust is still checked.
	old := mustLeaf(t, "127.0.0.1", time.Now().Add(-day), ca)
	oldPair, err := tls.X509KeyPair(old.Cert, old.Key)
	if err != nil {
		t.Fatal(err)
	}
	expiredSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	expiredSrv.TLS = &tls.Config{Certificates: []tls.Certificate{oldPair}}
	expiredSrv.StartTLS()
	defer expiredSrv.Close()
	if r = c.Endpoint(ctx, "default/wc", expiredSrv.URL, ca.Cert, time.Second); r.Status != StatusExpired || r.Note != "" {
		t.Fatalf("expired, trusted: %+v", r)
	}
	if r = c.Endpoint(ctx, "default/wc", expiredSrv.URL, mustCA(t, "other", now.Add(day)).Cert, time.Second); r.Status != StatusInvalid || !strings.Contains(r.Note, "not trusted") {
		t.Fatalf("expired, untrusted: %+v", r)
	}
	// A plain TCP listener that never speaks TLS: bounded by the timeout.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	start := time.Now()
	r = c.Endpoint(ctx, "default/wc", "https://"+l.Addr().String(), ca.Cert, 300*time.Millisecond)
	if r.Status != StatusUnknown || !strings.Contains(r.Note, "no TLS answer within 300ms") || time.Since(start) > 5*time.Second {
		t.Fatalf("silent endpoint: %+v after %s", r, time.Since(start))
	}
	// A plain HTTP server answers, but not TLS.
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	r = c.Endpoint(ctx, "default/wc", plain.URL, ca.Cert, time.Second)
	if r.Status != StatusUnknown || !strings.Contains(r.Note, "no TLS answer") {
		t.Fatalf("plain HTTP endpoint: %+v", r)
	}
}

func secret(ns, name string, data map[string][]byte) *unstructured.Unstructured {
	d := map[string]any{}
	for k, v := range data {
		d[k] = base64.StdEncoding.EncodeToString(v)
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": name, "namespace": ns}, "type": "cluster.x-k8s.io/secret", "data": d}}
}

func object(apiVersion, kind, ns, name string, labels map[string]any, fields map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind,
		"metadata": map[string]any{"name": name, "namespace": ns, "labels": labels}}}
	for k, v := range fields {
		u.Object[k] = v
	}
	return u
}

// The management side: control-plane Machines against the
// KubeadmControlPlane's rollout, the CA Secrets (a garbage one, the key
// pair of -sa), a Secret that cannot be read; no key byte in any row.
func TestInspectManagement(t *testing.T) {
	ca := mustCA(t, "kubernetes", now.Add(3650*day))
	etcdCA := mustCA(t, "etcd-ca", now.Add(10*day))
	cluster := object("cluster.x-k8s.io/v1beta2", "Cluster", "default", "wc", nil, map[string]any{
		"spec": map[string]any{"controlPlaneRef": map[string]any{"apiGroup": "controlplane.cluster.x-k8s.io", "kind": "KubeadmControlPlane", "name": "wc-cp"}}})
	cpLabels := map[string]any{capi.LabelClusterName: "wc", capi.LabelControlPlane: ""}
	machine := func(name, expiry string) *unstructured.Unstructured {
		status := map[string]any{"nodeRef": map[string]any{"name": name}}
		if expiry != "" {
			status["certificatesExpiryDate"] = expiry
		}
		return object("cluster.x-k8s.io/v1beta2", "Machine", "default", name, cpLabels, map[string]any{"status": status})
	}
	objs := []runtime.Object{
		cluster,
		object("controlplane.cluster.x-k8s.io/v1beta2", "KubeadmControlPlane", "default", "wc-cp", nil, map[string]any{
			"spec": map[string]any{"rollout": map[string]any{"before": map[string]any{"certificatesExpiryDays": int64(7)}}}}),
		machine("wc-cp-a", now.Add(200*day).Format(time.RFC3339)),
		machine("wc-cp-b", now.Add(5*day).Format(time.RFC3339)),
		machine("wc-cp-c", ""),
		object("cluster.x-k8s.io/v1beta2", "Machine", "default", "wc-cp-d", cpLabels, nil), // not provisioned
		secret("default", "wc-ca", map[string][]byte{"tls.crt": ca.Cert, "tls.key": ca.Key}),
		secret("default", "wc-etcd", map[string][]byte{"tls.crt": etcdCA.Cert, "tls.key": etcdCA.Key}),
		secret("default", "wc-proxy", map[string][]byte{"tls.crt": []byte("garbage"), "tls.key": ca.Key}),
		secret("default", "wc-sa", map[string][]byte{"tls.crt": []byte("-----BEGIN PUBLIC KEY-----"), "tls.key": ca.Key}),
	}
	scheme := runtime.NewScheme()
	dyn := dynfake.NewSimpleDynamicClientWithCustomListKinds(scheme, map[schema.GroupVersionResource]string{
		{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "machines"}:                          "MachineList",
		{Group: "controlplane.cluster.x-k8s.io", Version: "v1beta2", Resource: "kubeadmcontrolplanes"}: "KubeadmControlPlaneList",
	}, objs...)
	// The kubeconfig Secret is forbidden: a row says so.
	dyn.PrependReactor("get", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.(k8stesting.GetAction).GetName() == "wc-kubeconfig" {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "wc-kubeconfig", nil)
		}
		return false, nil, nil
	})
	api := capi.API{Version: "v1beta2", Versions: map[string][]string{"cluster.x-k8s.io": {"v1beta2"}, "controlplane.cluster.x-k8s.io": {"v1beta2"}}}
	rows := Inspect(context.Background(), Management{Dyn: dyn, API: api}, cluster, clock())

	want := map[string]struct{ status, renewed, note string }{
		"Machine/default/wc-cp-a":      {StatusOK, "KubeadmControlPlane rollout 7d before", ""},
		"Machine/default/wc-cp-b":      {StatusExpiring, "KubeadmControlPlane rollout 7d before", "the rollout was due on 2026-12-04"},
		"Machine/default/wc-cp-c":      {StatusUnknown, "", "has not reported status.certificatesExpiryDate"},
		"Secret/default/wc-ca":         {StatusOK, "nothing: replaced by hand", ""},
		"Secret/default/wc-etcd":       {StatusExpiring, "nothing", ""},
		"Secret/default/wc-proxy":      {StatusInvalid, "nothing", "holds no PEM certificate"},
		"Secret/default/wc-sa":         {StatusNoExpiry, "-", "a key pair"},
		"Secret/default/wc-kubeconfig": {StatusUnknown, "", "could not be checked: "},
	}
	got := map[string]Row{}
	workload := 0
	for _, r := range rows {
		if r.What == "workload cluster" {
			// The kubeconfig is what reaches the cluster: nothing in it is checked.
			workload++
			if r.Status != StatusUnknown || !strings.Contains(r.Note, "forbidden") {
				t.Errorf("workload row %+v", r)
			}
			continue
		}
		got[r.Where] = r
		if r.Cluster != "default/wc" {
			t.Errorf("row %s names cluster %q", r.Where, r.Cluster)
		}
	}
	for where, w := range want {
		r, ok := got[where]
		if !ok {
			t.Errorf("no row for %s in %+v", where, rows)
			continue
		}
		if r.Status != w.status || !strings.HasPrefix(r.RenewedBy, w.renewed) || !strings.Contains(r.Note, w.note) {
			t.Errorf("%s: %s %q %q, want %s %q %q", where, r.Status, r.RenewedBy, r.Note, w.status, w.renewed, w.note)
		}
	}
	if _, ok := got["Machine/default/wc-cp-d"]; ok {
		t.Error("a machine not provisioned yet has a row")
	}
	if r := got["Machine/default/wc-cp-b"]; r.RenewsAt == nil || !r.RenewsAt.Equal(now.Add(-2*day)) {
		t.Errorf("renews at %v", r.RenewsAt)
	}
	if len(rows) != len(want)+1 || workload != 1 {
		t.Errorf("%d rows, want %d and one for the workload cluster", len(rows), len(want)+1)
	}
	out, _ := json.Marshal(NewReport(clock(), rows))
	for _, key := range [][]byte{ca.Key, etcdCA.Key} {
		body := bytes.Split(key, []byte("\n"))[1]
		if bytes.Contains(out, body) || bytes.Contains(out, []byte(base64.StdEncoding.EncodeToString(key))) {
			t.Fatal("the report holds key material")
		}
	}
	if !bytes.Contains(out, []byte(`"notAfter":"2027-06-24T12:00:00Z"`)) {
		t.Fatalf("dates are not RFC 3339: %s", out)
	}
	if NewReport(clock(), rows).Failed(false) != true {
		t.Error("an expiring certificate does not fail the report")
	}
}
