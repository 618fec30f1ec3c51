package packages

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// From the management cluster, one PackageInstall per workload cluster;
// kapp-controller reconciles each through the cluster's kubeconfig Secret
// (here every seeded kubeconfig reaches the local control plane).
func TestFleetInstall(t *testing.T) {
	ready(t)
	e := suite.New(t)
	target := e.Namespace()
	e.Kubectl("tko", "package", "install", "multus", "-p", "multus-cni.tanzu.vmware.com", "--cluster", "wc-prod-1,wc-nope").ExitCode(explain.ExitNotFound).
		OneLineError(`workload cluster "wc-nope" not found`)
	e.Kubectl("tko", "package", "install", "multus", "-p", "multus-cni.tanzu.vmware.com", "--cluster", "wc-dev-1").ExitCode(explain.ExitFailure).
		OneLineError("no kubeconfig Secret for default/wc-dev-1: the cluster is not provisioned yet")
	e.Kubectl("tko", "package", "install", "multus", "-p", "multus-cni.tanzu.vmware.com", "--cluster", "wc-prod-1", "--target-namespace", target, "--wait").Success().
		StdoutContains("packageinstall.packaging.carvel.dev/wc-prod-1-multus created", "on cluster wc-prod-1")
	pi := get(t, carvel.Installs, "default", "wc-prod-1-multus")
	if ref, _, _ := unstructured.NestedString(pi.Object, "spec", "cluster", "kubeconfigSecretRef", "name"); ref != "wc-prod-1-kubeconfig" {
		t.Fatalf("kubeconfigSecretRef %q", ref)
	}
	if _, found, _ := unstructured.NestedString(pi.Object, "spec", "serviceAccountName"); found {
		t.Fatal("a remote install must not name a ServiceAccount")
	}
	// kapp-controller deployed on the "workload cluster", in the target namespace.
	get(t, configMaps, target, "wc-prod-1-multus-info")
	e.Kubectl("tko", "package", "installed", "list", "-A", "--cluster", "wc-prod-1").Success().
		StdoutContains("default\twc-prod-1-multus\twc-prod-1\tmultus-cni.tanzu.vmware.com\t4.0.1+vmware.1-tkg.1\tReconcileSucceeded")
	r := e.Kubectl("tko", "package", "installed", "list", "-A", "--cluster", "wc-team-a").Success()
	if strings.Contains(r.Stdout, "wc-prod-1-multus") {
		t.Fatalf("--cluster filter:\n%s", r.Stdout)
	}
	e.Kubectl("tko", "package", "installed", "delete", "multus", "--cluster", "wc-team-a", "--yes").ExitCode(explain.ExitNotFound).
		OneLineError(`fleet install "multus" not found`, "none on cluster(s) wc-team-a")
	e.Kubectl("tko", "package", "installed", "delete", "multus", "--cluster", "wc-prod-1", "--yes").Success().
		StdoutContains("packageinstall.packaging.carvel.dev/wc-prod-1-multus deleted")
	absent(t, configMaps, target, "wc-prod-1-multus-info")
	list, err := suite.Dyn.Resource(carvel.Secrets).Namespace("default").List(context.Background(), metav1.ListOptions{LabelSelector: kube.LabelInstall + "=multus"})
	if err != nil || len(list.Items) != 0 {
		t.Fatalf("values Secrets left: %v %v", list, err)
	}
}
