package plan_test

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// deprecatedCRD is the gauge as a real API server reports a CRD version
// marked deprecated (no removal release) once a client read it.
const deprecatedCRD = `# TYPE apiserver_requested_deprecated_apis gauge
apiserver_requested_deprecated_apis{group="widgets.example.com",removed_release="",resource="widgets",subresource="",version="v1beta1"} 1
`

// ready makes the seeded wc-prod-1 (v1.30.2) plannable to v1.31: the
// management cluster already at v1.31, wc-prod-1 a canary whose API server
// is wl.
func ready(s *clitest.Server, wl *clitest.Server) {
	mgmt := s.Object("clusters", "tkg-system", "tkg-mgmt")
	_ = unstructured.SetNestedField(mgmt.Object, "v1.31.1+vmware.2", "spec", "topology", "version")
	s.Add(mgmt)
	wc := s.Object("clusters", "default", "wc-prod-1")
	labels := wc.GetLabels()
	labels["tko.tanzu.vmware.com/canary"] = "true"
	wc.SetLabels(labels)
	s.Add(wc)
	s.AddWorkloadCluster("default", "wc-prod-1", wl)
}

func workload(t testing.TB, setup func(wl *clitest.Server)) *clitest.Server {
	wl := clitest.NewServer(t)
	wl.ServeMetrics(deprecatedCRD)
	if setup != nil {
		setup(wl)
	}
	return wl
}

// unreachable points wc-team-a's kubeconfig Secret at a port nothing listens on.
func unreachable(t testing.TB, s *clitest.Server) {
	cfg := clitest.Config(s)
	for _, c := range cfg.Clusters {
		c.Server = "https://127.0.0.1:1"
	}
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Add(&unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "wc-team-a-kubeconfig", "namespace": "team-a"},
		"data":     map[string]any{"value": base64.StdEncoding.EncodeToString(raw)}}})
}

func plan(t *testing.T, r clitest.Result) upgradeplan.Plan {
	var p upgradeplan.Plan
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
		t.Fatalf("not a plan: %v\n%s", err, r)
	}
	return p
}

func TestPlan(t *testing.T) {
	pdb := `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: shop}
spec: {maxUnavailable: 0, selector: {matchLabels: {app: db}}}
status: {expectedPods: 3, currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0}
`
	pkg := `apiVersion: packaging.carvel.dev/v1alpha1
kind: PackageInstall
metadata: {name: contour, namespace: tanzu-packages}
spec: {packageRef: {refName: contour.tanzu.vmware.com, versionSelection: {constraints: 1.26.1+vmware.1-tkg.1}}}
status: {version: 1.26.1+vmware.1-tkg.1, friendlyDescription: Reconcile succeeded}
---
apiVersion: data.packaging.carvel.dev/v1alpha1
kind: Package
metadata: {name: contour.tanzu.vmware.com.1.26.1+vmware.1-tkg.1, namespace: tanzu-packages}
spec: {refName: contour.tanzu.vmware.com, version: 1.26.1+vmware.1-tkg.1, kubernetesVersionSelection: {constraints: ">=1.26.0 <1.31.0"}}
`
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "the seeded fleet", Args: clitest.Args("upgrade plan --all-workload-clusters"), Code: 1,
			Stdout: []string{"CLUSTER\tCURRENT\tNEXT\tBLOCKERS\tWAVE\n",
				"wc-prod-1\tv1.30.2+vmware.1\tv1.31.1---vmware.2-tkg.2\tthe management cluster tkg-mgmt runs v1.30.2+vmware.1, older than the target v1.31.1+vmware.2 (+1 more)\t-\n",
				"wc-team-a\tv1.29.9+vmware.1\tv1.30.2---vmware.1-tkg.1\tthe cluster is Degraded: "},
			Stderr: []string{"note: tkg-system/tkg-mgmt (v1.30.2+vmware.1): the management cluster is in no wave",
				"blocker: team-a/wc-team-a: MachinesNotReady: 1 of 6 machines are not ready",
				"warning: team-a/wc-team-a: NodePoolWithoutHealthCheck: node pool md-0 has no MachineHealthCheck",
				// Its API server (the seed's) has a package failing to reconcile.
				"blocker: default/wc-prod-1: HealthErrors: observe health reports 2 error(s): package tanzu-packages/prometheus: ReconcileFailed (+1 more)",
				"plan: 7 cluster(s), 6 blocked, 0 in 0 wave(s)\n"},
			Absent: []string{"tkg-mgmt\tv1", "wc-retired"}, NoChanges: true},
		{Name: "a canary that can move", Args: clitest.Args("upgrade plan wc-prod-1 -o wide"),
			Setup:  func(s *clitest.Server) { ready(s, workload(t, nil)) },
			Stdout: []string{"default\twc-prod-1\tCluster\tv1.30.2+vmware.1\tv1.31.1---vmware.2-tkg.2\tv1.31.1+vmware.2\t-\t1\t1 (canary)\n"},
			Stderr: []string{"warning: default/wc-prod-1: DeprecatedAPIInUse: clients request the deprecated API widgets widgets.example.com/v1beta1",
				"plan: 1 cluster(s), 0 blocked, 1 in 1 wave(s)\n"}},
		{Name: "a PodDisruptionBudget that blocks every drain", Args: clitest.Args("upgrade plan wc-prod-1"), Code: 1,
			Setup:  func(s *clitest.Server) { ready(s, workload(t, func(wl *clitest.Server) { wl.AddYAML(pdb) })) },
			Stdout: []string{"PodDisruptionBudget/shop/db maxUnavailable 0: no pod it selects may be evicted"},
			Stderr: []string{"blocker: default/wc-prod-1: PodDisruptionBudgetBlocksDrain: "}},
		{Name: "a package that does not support the target", Args: clitest.Args("upgrade plan wc-prod-1"), Code: 1,
			Setup:  func(s *clitest.Server) { ready(s, workload(t, func(wl *clitest.Server) { wl.AddYAML(pkg) })) },
			Stdout: []string{"package contour.tanzu.vmware.com 1.26.1+vmware.1-tkg.1 needs Kubernetes >=1.26.0 <1.31.0, the target runs v1.31.1+vmware.2"}},
		{Name: "no recent backup", Args: clitest.Args("upgrade plan wc-prod-1 --backup-max-age 1h"), Code: 1,
			Setup:  func(s *clitest.Server) { ready(s, workload(t, func(wl *clitest.Server) { wl.SeedVelero() })) },
			Stdout: []string{"no Completed backup newer than 1h0m0s (the last: "}},
		{Name: "a recent backup", Args: clitest.Args("upgrade plan wc-prod-1"),
			Setup:  func(s *clitest.Server) { ready(s, workload(t, func(wl *clitest.Server) { wl.SeedVelero() })) },
			Stdout: []string{"1 (canary)"}},
		{Name: "an unreachable cluster is a row", Args: clitest.Args("upgrade plan wc-team-a -n team-a --target-timeout 5s"), Code: 1,
			Setup:  func(s *clitest.Server) { unreachable(t, s) },
			Stderr: []string{"blocker: team-a/wc-team-a: Unreachable: the workload cluster cannot be read: "}},
		{Name: "the chain to a further release", Args: clitest.Args("upgrade plan -n vsphere-team-a --to v1.28.8---vmware.1-fips.1-tkg.2 -o wide"), Code: 1,
			Stdout: []string{"tkc-prod-1\tTanzuKubernetesCluster\tv1.26.5+vmware.2-fips.1\tv1.27.11---vmware.1-fips.1-tkg.2\tv1.27.11+vmware.1-fips.1 → v1.28.8+vmware.1-fips.1\t" +
				"TanzuKubernetesRelease v1.28.8---vmware.1-fips.1-tkg.2 is not Compatible: TanzuKubernetesRelease v1.28.8---vmware.1-fips.1-tkg.2 needs Supervisor v8.0.3 or later; this Supervisor runs v8.0.2 (+1 more)"}},
		{Name: "unknown target", Args: clitest.Args("upgrade plan wc-prod-1 --to v1.99.0---vmware.1-tkg.1"), Code: 3,
			Stderr: []string{"v1.99.0---vmware.1-tkg.1", "not found", "v1.31.1---vmware.2-tkg.2"}, NoChanges: true},
		{Name: "target below current", Args: clitest.Args("upgrade plan --all-workload-clusters --to v1.29.9---vmware.1-tkg.1"), Code: 2,
			Stderr: []string{"--to v1.29.9---vmware.1-tkg.1 is older than default/wc-dev-1 (v1.31.1+vmware.2), default/wc-prod-1 (v1.30.2+vmware.1)"}, NoChanges: true},
		{Name: "the management cluster by name", Args: clitest.Args("upgrade plan tkg-mgmt -n tkg-system"), Code: 2,
			Stderr: []string{"tkg-mgmt is the management cluster: it is upgraded by its own procedure"}},
		{Name: "unknown cluster", Args: clitest.Args("upgrade plan wc-nope"), Code: 3, Stderr: []string{"wc-nope"}},
		{Name: "bad wave size", Args: clitest.Args("upgrade plan --wave-size 0"), Code: 2, Stderr: []string{"--wave-size"}, NoRequests: true},
		{Name: "bad canary selector", Args: clitest.Args("upgrade plan --canary-selector a=(b"), Code: 2, Stderr: []string{"--canary-selector"}, NoRequests: true},
		{Name: "names and a fleet flag", Args: clitest.Args("upgrade plan wc-prod-1 --all-workload-clusters"), Code: 2, NoRequests: true},
		{Name: "upgrade NAME still upgrades one cluster", Args: clitest.Args("upgrade wc-team-a -n team-a --tkr v1.30.2---vmware.1-tkg.1 --dry-run"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-team-a would change (dry run)\n"}, NoChanges: true},
	})
}

// TestPlanDocument reads the plan back as a script would: its type, what
// it was made from, every blocker as data.
func TestPlanDocument(t *testing.T) {
	s := clitest.Estate(t)
	ready(s, workload(t, nil))
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.WriteKubeconfig(t, clitest.Config(s))}.Run(t, clitest.Args("upgrade plan -n default -o json")...)
	r.Check(t, 0)
	p := plan(t, r)
	if p.APIVersion != upgradeplan.APIVersion || p.Kind != upgradeplan.Kind || p.Metadata.GeneratedAt.IsZero() || p.Metadata.Server == "" {
		t.Errorf("header: %+v %+v", p.APIVersion, p.Metadata)
	}
	if p.Management == nil || p.Management.Name != "tkg-mgmt" || p.Spec.WaveSize != "25%" || p.Spec.CanarySelector != "tko.tanzu.vmware.com/canary=true" {
		t.Errorf("management %+v, spec %+v", p.Management, p.Spec)
	}
	byName := map[string]upgradeplan.Cluster{}
	for _, c := range p.Clusters {
		byName[c.Name] = c
	}
	prod, dev := byName["wc-prod-1"], byName["wc-dev-1"]
	if prod.ResourceVersion == "" || prod.CurrentVersion != "v1.30.2+vmware.1" || prod.Wave != 1 || !prod.Canary || len(prod.Blockers) != 0 ||
		len(prod.Warnings) != 1 || prod.Warnings[0].Code != upgradeplan.CodeDeprecatedUnknown {
		t.Errorf("wc-prod-1: %+v", prod)
	}
	// wc-dev-1 runs the newest release: nothing to do, nothing to block.
	if len(dev.Steps) != 0 || dev.Blockers == nil || len(dev.Blockers) != 0 || dev.Wave != 0 {
		t.Errorf("wc-dev-1: %+v", dev)
	}
	if len(p.Waves) != 1 || p.Waves[0].Clusters[0] != "default/wc-prod-1" {
		t.Errorf("waves %+v", p.Waves)
	}
}
