package upgradeplan

import (
	"strings"
	"testing"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

// metrics is an API server's /metrics as v1.37 writes it: the gauge for a
// built-in API with a known removal and for a CRD version marked
// deprecated (no removal release), one series at 0, and other families.
const metrics = `# HELP apiserver_request_total [STABLE] Counter of apiserver requests.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",verb="GET"} 12
# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.
# TYPE apiserver_requested_deprecated_apis gauge
apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="",version="v1beta3"} 1
apiserver_requested_deprecated_apis{group="widgets.example.com",removed_release="",resource="widgets",subresource="",version="v1beta1"} 1
apiserver_requested_deprecated_apis{group="old.example.com",removed_release="1.31",resource="olds",subresource="",version="v1alpha1"} 0
`

func TestParseDeprecatedAPIs(t *testing.T) {
	apis, err := ParseDeprecatedAPIs(strings.NewReader(metrics))
	if err != nil {
		t.Fatal(err)
	}
	want := []DeprecatedAPI{
		{Group: "flowcontrol.apiserver.k8s.io", Version: "v1beta3", Resource: "flowschemas", RemovedRelease: "1.32"},
		{Group: "widgets.example.com", Version: "v1beta1", Resource: "widgets"},
	}
	if len(apis) != len(want) || apis[0] != want[0] || apis[1] != want[1] {
		t.Fatalf("got %+v, want %+v (the series at 0 left out)", apis, want)
	}
	if _, err := ParseDeprecatedAPIs(strings.NewReader("apiserver_requested_deprecated_apis{group=\"x\" 1\n")); err == nil {
		t.Error("a malformed exposition parsed")
	}
	none, err := ParseDeprecatedAPIs(strings.NewReader("# TYPE up gauge\nup 1\n"))
	if err != nil || len(none) != 0 {
		t.Errorf("without the gauge: %v, %v", none, err)
	}
}

func TestDeprecatedFindings(t *testing.T) {
	apis, _ := ParseDeprecatedAPIs(strings.NewReader(metrics))
	for _, tc := range []struct {
		final              string
		blockers, warnings int
	}{
		{"v1.31.1+vmware.2", 0, 1}, // flowschemas v1beta3 goes in 1.32: not yet
		{"v1.32.0+vmware.1", 1, 1}, // removed at the target
		{"v1.33.3+vmware.1", 1, 1}, // removed before it
	} {
		b, w := DeprecatedFindings(apis, tc.final)
		if len(b) != tc.blockers || len(w) != tc.warnings {
			t.Errorf("to %s: %d blockers, %d warnings; want %d, %d", tc.final, len(b), len(w), tc.blockers, tc.warnings)
		}
		for _, f := range b {
			if f.Code != CodeDeprecatedAPI || f.Object != "flowschemas flowcontrol.apiserver.k8s.io/v1beta3" || !strings.Contains(f.Cause, "v1.32") {
				t.Errorf("blocker %+v", f)
			}
		}
		for _, f := range w {
			if f.Code != CodeDeprecatedUnknown || f.Object != "widgets widgets.example.com/v1beta1" {
				t.Errorf("warning %+v", f)
			}
		}
	}
}

func pdb(maxUnavailable, minAvailable *intstr.IntOrString, expected, healthy int32) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db"},
		Spec:   policyv1.PodDisruptionBudgetSpec{MaxUnavailable: maxUnavailable, MinAvailable: minAvailable},
		Status: policyv1.PodDisruptionBudgetStatus{ExpectedPods: expected, CurrentHealthy: healthy}}
}

func TestPDBBlocksDrain(t *testing.T) {
	i := func(n int) *intstr.IntOrString { v := intstr.FromInt32(int32(n)); return &v }
	s := func(p string) *intstr.IntOrString { v := intstr.FromString(p); return &v }
	for _, tc := range []struct {
		name  string
		pdb   *policyv1.PodDisruptionBudget
		block bool
	}{
		{"maxUnavailable 0", pdb(i(0), nil, 3, 3), true},
		{"maxUnavailable 0 with no pods yet", pdb(i(0), nil, 0, 0), true},
		{"maxUnavailable 0%", pdb(s("0%"), nil, 3, 3), true},
		{"maxUnavailable 1", pdb(i(1), nil, 3, 3), false},
		{"maxUnavailable 10% of 3 rounds up to 1", pdb(s("10%"), nil, 3, 3), false},
		{"minAvailable equal to the pods", pdb(nil, i(3), 3, 3), true},
		{"minAvailable above the pods", pdb(nil, i(4), 3, 2), true},
		{"minAvailable 100%", pdb(nil, s("100%"), 2, 2), true},
		{"minAvailable 2 of 3", pdb(nil, i(2), 3, 3), false},
		{"minAvailable 2 of 3 with 2 healthy", pdb(nil, i(2), 3, 2), true},
		{"minAvailable 50% of 3", pdb(nil, s("50%"), 3, 3), false},
		{"minAvailable without pods", pdb(nil, i(1), 0, 0), false},
	} {
		f, ok := PDBFinding(tc.pdb)
		if ok != tc.block {
			t.Errorf("%s: blocks=%v, want %v (%s)", tc.name, ok, tc.block, f.Cause)
			continue
		}
		if ok && (f.Code != CodePDB || f.Object != "PodDisruptionBudget/shop/db" || !strings.Contains(f.Fix, "-n shop")) {
			t.Errorf("%s: %+v", tc.name, f)
		}
	}
}

func TestPackageFindings(t *testing.T) {
	in := &carvel.Install{Name: "contour", Namespace: "tanzu-packages"}
	pkg := func(k8s, kapp string) *carvel.Package {
		p := &carvel.Package{}
		p.Spec.RefName, p.Spec.Version = "contour.tanzu.vmware.com", "1.26.1+vmware.1-tkg.1"
		if k8s != "" {
			p.Spec.KubernetesVersionSelection = &struct {
				Constraints string `json:"constraints,omitempty"`
			}{k8s}
		}
		if kapp != "" {
			p.Spec.KappControllerVersionSelection = &struct {
				Constraints string `json:"constraints,omitempty"`
			}{kapp}
		}
		return p
	}
	for _, tc := range []struct {
		name      string
		pkg       *carvel.Package
		final     string
		kapp      string
		blockers  int
		causeHint string
	}{
		{"no selection", pkg("", ""), "v1.31.1+vmware.2", "", 0, ""},
		{"Kubernetes satisfied", pkg(">=1.26.0 <1.32.0", ""), "v1.31.1+vmware.2", "", 0, ""},
		{"Kubernetes too new", pkg(">=1.26.0 <1.31.0", ""), "v1.31.1+vmware.2", "", 1, "needs Kubernetes >=1.26.0 <1.31.0, the target runs v1.31.1+vmware.2"},
		{"kapp-controller too old", pkg("", ">=0.52.0"), "v1.31.1+vmware.2", "0.51.0+vmware.1-tkg.1", 1, "needs kapp-controller >=0.52.0"},
		{"kapp-controller unknown", pkg("", ">=0.52.0"), "v1.31.1+vmware.2", "", 0, ""},
		{"constraint that does not parse", pkg("~~1.2", ""), "v1.31.1+vmware.2", "", 1, "does not parse"},
	} {
		fs := PackageFindings(in, tc.pkg, tc.final, tc.kapp)
		if len(fs) != tc.blockers {
			t.Errorf("%s: %+v", tc.name, fs)
			continue
		}
		if len(fs) > 0 && (fs[0].Object != "PackageInstall/tanzu-packages/contour" || !strings.Contains(fs[0].Cause, tc.causeHint)) {
			t.Errorf("%s: %+v", tc.name, fs[0])
		}
	}
	if v := KappControllerVersion([]string{"antrea.tanzu.vmware.com.1.13.3+vmware.1-tkg.1", "kapp-controller.tanzu.vmware.com.0.51.0+vmware.1-tkg.1"}); v != "0.51.0+vmware.1-tkg.1" {
		t.Errorf("kapp-controller of the bootstrap packages: %q", v)
	}
}

func TestManagementFinding(t *testing.T) {
	m := &Management{Namespace: "tkg-system", Name: "tkg-mgmt", Version: "v1.30.2+vmware.1"}
	if _, ok := ManagementFinding(m, "v1.30.5+vmware.1"); ok {
		t.Error("a patch of the management cluster's minor is blocked")
	}
	f, ok := ManagementFinding(m, "v1.31.1+vmware.2")
	if !ok || f.Code != CodeManagementTooOld || !strings.Contains(f.Cause, "tkg-mgmt runs v1.30.2+vmware.1") {
		t.Errorf("a newer minor: %v %+v", ok, f)
	}
	if _, ok := ManagementFinding(nil, "v1.31.1+vmware.2"); ok {
		t.Error("blocked without a management cluster (a Supervisor)")
	}
}

func TestHealthFinding(t *testing.T) {
	c := &Cluster{Namespace: "team-a", Name: "wc-1", Kind: KindCluster}
	h := &observe.Health{Findings: []observe.Finding{
		{Severity: observe.SeverityError, Area: "cluster", Namespace: "team-a", Name: "wc-9", Reason: "Failed"}, // a cluster it manages: not its own health
		{Severity: observe.SeverityWarning, Area: "event", Name: "x", Reason: "BackOff"},
	}}
	if f, ok := HealthFinding(h, c); ok {
		t.Errorf("blocked by a warning or a managed cluster: %+v", f)
	}
	h.Findings = append(h.Findings,
		observe.Finding{Severity: observe.SeverityError, Area: "node", Name: "wc-1-md-0-abc", Reason: "NotReady"},
		observe.Finding{Severity: observe.SeverityError, Area: "pod", Namespace: "shop", Name: "db-0", Reason: "CrashLoopBackOff"})
	f, ok := HealthFinding(h, c)
	if !ok || f.Code != CodeHealthErrors || f.Cause != "observe health reports 2 error(s): node wc-1-md-0-abc: NotReady (+1 more)" ||
		f.Fix != "fix them first (kubectl tko observe health -A --cluster wc-1 -n team-a)" {
		t.Errorf("%v %+v", ok, f)
	}
}
