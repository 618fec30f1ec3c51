package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// TestV1beta1ManagementCluster runs the cluster plugin against a control
// plane whose Cluster API serves v1beta1 only, as TKG 2.x management
// clusters do. The Cluster API controllers' status is written by the seed
// through the status subresource.
func TestV1beta1ManagementCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cp, err := testenv.Start(ctx, suite.Env, suite.Root, testenv.Options{Dir: t.TempDir(), ServeV1beta1: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	cfg, err := cp.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(testdata(t, "v1beta1-estate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := localcp.DecodeYAML(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		o.Object = yamldoc.Normalize(o.Object).(map[string]any)
	}
	applier, err := seed.NewApplier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := applier.Apply(ctx, objs); err != nil {
		t.Fatal(err)
	}

	e := suite.New(t)
	kc := []string{"--kubeconfig", cp.Kubeconfig}
	r := e.Kubectl(append([]string{"tko", "cluster", "list", "-A"}, kc...)...).Success()
	row := rowOf(t, r.Stdout, "wc-legacy", 1)
	if strings.Join(row[:7], "|") != "default|wc-legacy|tkg-vsphere-default-v1.1.1|v1.26.5+vmware.2|3/3|1/2|Degraded" {
		t.Errorf("v1beta1 row %q", row)
	}
	e.Kubectl(append([]string{"tko", "cluster", "list", "-o", "jsonpath={.items[0].apiVersion}"}, kc...)...).Success().StdoutContains("cluster.x-k8s.io/v1beta1")
	e.Kubectl(append([]string{"tko", "cluster", "describe", "wc-legacy"}, kc...)...).Success().
		StdoutContains("Cluster/wc-legacy\tFalse\tWarning\tNotAvailable", "MachineDeployment/wc-legacy-md-0 (1/2)\tFalse\tWarning\tWaitingForAvailableMachines")
	e.Kubectl(append([]string{"tko", "cluster", "scale", "wc-legacy", "--worker", "3", "--dry-run"}, kc...)...).Success().
		StdoutContains("spec.topology.workers.machineDeployments[md-0].replicas: 2 → 3")
	e.Kubectl(append([]string{"tko", "cluster", "mhc", "set", "wc-legacy", "--dry-run"}, kc...)...).Success().
		StdoutContains("spec.topology.controlPlane.machineHealthCheck", `"enable":true`, `"nodeStartupTimeout":"20m0s"`)
	// create writes the v1beta1 shape (topology.class) and validates against the v1beta1 class.
	cfgFile := writeFile(t, "wc.yaml", "CLUSTER_NAME: wc-next\nCLUSTER_CLASS: tkg-vsphere-default-v1.1.1\nKUBERNETES_VERSION: v1.26.5+vmware.2\n"+
		"VSPHERE_SERVER: vcsa\nVSPHERE_DATACENTER: /dc\nVSPHERE_DATASTORE: /ds\nVSPHERE_NETWORK: /net\nVSPHERE_RESOURCE_POOL: /rp\nVSPHERE_FOLDER: /f\nVSPHERE_CONTROL_PLANE_ENDPOINT: 10.30.0.9\n")
	e.Kubectl(append([]string{"tko", "cluster", "create", "-f", cfgFile, "--dry-run"}, kc...)...).ExitCode(explain.ExitUsage).
		ProblemReport("6 problem(s), nothing was created",
			`variable "apiServerEndpoint" is not declared by ClusterClass tkg-vsphere-default-v1.1.1`,
			`variable "aviAPIServerHAProvider" is not declared by ClusterClass tkg-vsphere-default-v1.1.1`,
			`variable "controlPlane" is not declared by ClusterClass tkg-vsphere-default-v1.1.1`,
			`variable "controlPlaneCertificateRotation" is not declared by ClusterClass tkg-vsphere-default-v1.1.1`,
			`variable "podSecurityStandard" is not declared by ClusterClass tkg-vsphere-default-v1.1.1`,
			`variable "worker" is not declared by ClusterClass tkg-vsphere-default-v1.1.1`)
	manifest := writeFile(t, "c.yaml", "apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: wc-m}\nspec:\n  topology:\n    class: tkg-vsphere-default-v1.1.1\n    version: v1.26.5+vmware.2\n    controlPlane: {replicas: 1}\n    variables:\n    - {name: vcenter, value: {server: s, datacenter: d, network: n}}\n")
	e.Kubectl(append([]string{"tko", "cluster", "create", "-f", manifest}, kc...)...).Success().StdoutContains("cluster.cluster.x-k8s.io/wc-m created")
	e.Kubectl(append([]string{"tko", "cluster", "get", "wc-m", "-o", "jsonpath={.tree.kind}"}, kc...)...).Success().StdoutContains("Cluster")
}
