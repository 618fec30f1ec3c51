package vspherenamespaces_test

import (
	"errors"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestVSphereNamespaces reads the seeded Supervisor: vsphere-team-a (vSphere
// 8: namespaced VM classes, two storage classes in its quota, two TKCs)
// and vsphere-ns-1 (vSphere 7: classes from bindings, one TKC).
func TestVSphereNamespaces(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "table", Args: clitest.Args("vsphere-namespaces"),
			Stdout: []string{"NAME\tVM-CLASSES\tSTORAGE\tTKCS\n",
				"vsphere-ns-1\tbest-effort-large,best-effort-medium\tvsan-default-storage-policy=0/2Ti\t1\n",
				"vsphere-team-a\tbest-effort-medium,best-effort-small,guaranteed-large\ttanzu-gold=120Gi/500Gi,vsan-default-storage-policy=200Gi/1Ti\t2\n"},
			Absent: []string{"VSPHERE-CLUSTER", "\ndefault\t", "\nteam-a\t"}, NoChanges: true},
		{Name: "context namespace is not a filter", Args: clitest.Args("vsphere-namespaces"),
			Kubeconfig: func(cfg *clientcmdapi.Config) {
				for _, c := range cfg.Contexts {
					c.Namespace = "vsphere-ns-1"
				}
			}, Stdout: []string{"\nvsphere-team-a\t"}},
		{Name: "wide", Args: clitest.Args("vsphere-namespaces -o wide"),
			Stdout: []string{"\tTKCS\tVSPHERE-CLUSTER\tTKC-NAMES\n", "\t2\tdomain-c8\ttkc-dev-1,tkc-prod-1\n", "\t1\t-\ttkc-guest-1\n"}},
		{Name: "one by NAME", Args: clitest.Args("vsphere-namespaces vsphere-team-a"),
			Stdout: []string{"\nvsphere-team-a\t"}, Absent: []string{"vsphere-ns-1"}},
		{Name: "one by -n", Args: clitest.Args("vns -n vsphere-ns-1 --no-headers"),
			Stdout: []string{"vsphere-ns-1\tbest-effort-large,best-effort-medium\t"}, Absent: []string{"vsphere-team-a", "NAME"}},
		{Name: "json", Args: clitest.Args("vsphere-namespaces -o json"),
			Stdout: []string{`"kind": "List"`, `"apiVersion": "tko.tanzu.vmware.com/v1alpha1"`, `"kind": "VSphereNamespace"`,
				`"vSphereCluster": "domain-c8"`, `"class": "tanzu-gold",`, `"hard": "500Gi",`, `"used": "120Gi"`}},
		{Name: "json, one", Args: clitest.Args("vsphere-namespaces vsphere-team-a -o json"),
			Stdout: []string{"{\n    \"apiVersion\": \"tko.tanzu.vmware.com/v1alpha1\",", `"tkc-dev-1"`}, Absent: []string{`"List"`}},
		{Name: "yaml", Args: clitest.Args("vsphere-namespaces vsphere-ns-1 -o yaml"),
			Stdout: []string{"kind: VSphereNamespace\n", "- best-effort-large\n", "hard: 2Ti\n"}},
		{Name: "name", Args: clitest.Args("vsphere-namespaces -o name"),
			Stdout: []string{"vspherenamespace.tko.tanzu.vmware.com/vsphere-ns-1\nvspherenamespace.tko.tanzu.vmware.com/vsphere-team-a\n"}},
		{Name: "jsonpath", Args: clitest.Args("vsphere-namespaces vsphere-team-a -o jsonpath={.storageClasses[0].used}/{.storageClasses[0].hard}"),
			Stdout: []string{"120Gi/500Gi"}},
		{Name: "custom-columns", Args: clitest.Args("vsphere-namespaces -o custom-columns=NAME:.metadata.name,CLASSES:.vmClasses[*]"),
			Stdout: []string{"vsphere-ns-1  ", "best-effort-large,best-effort-medium"}},
		{Name: "missing namespace", Args: clitest.Args("vsphere-namespaces nowhere"),
			Code: 3, Stderr: []string{`error: vSphere namespace "nowhere" not found: list them with 'kubectl tko cluster vsphere-namespaces'` + "\n"},
			Absent: []string{"Usage:"}, NoChanges: true},
		{Name: "not a vSphere namespace", Args: clitest.Args("vsphere-namespaces team-a"),
			Code: 3, Stderr: []string{`error: vSphere namespace "team-a" not found`}, Absent: []string{"Usage:"}},
		{Name: "not a Supervisor", Setup: func(s *clitest.Server) { s.Unserve(tkc.VMOperatorGroup) }, Args: clitest.Args("vsphere-namespaces"),
			Code: 3, Stderr: []string{"error: this cluster does not serve vmoperator.vmware.com (VM Operator): it is not a vSphere with Tanzu Supervisor"},
			Absent: []string{"Usage:", "NAME"}},
		{Name: "NAME and -A", Args: clitest.Args("vsphere-namespaces vsphere-ns-1 -A"), Code: 2, Stderr: []string{"-A"}, NoRequests: true},
		{Name: "NAME and another -n", Args: clitest.Args("vsphere-namespaces vsphere-ns-1 -n team-a"), Code: 2, Stderr: []string{`"team-a"`}, NoRequests: true},
		{Name: "two names", Args: clitest.Args("vsphere-namespaces a b"), Code: 2, Stderr: []string{`["b"]`}, NoRequests: true},
		{Name: "bad output", Args: clitest.Args("vsphere-namespaces -o table"), Code: 2, Stderr: []string{"table"}, NoRequests: true},
	})
}

// TestVSphereNamespacesAllContexts reads every Supervisor of the
// kubeconfig, each row under its context; one that is no Supervisor is a
// row with its error.
func TestVSphereNamespacesAllContexts(t *testing.T) {
	a, b := clitest.Estate(t), clitest.NewServer(t)
	b.Context = "tkg-mgmt-2"
	b.Unserve(tkc.VMOperatorGroup)
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, a, b)}.Run(t, "vsphere-namespaces", "--all-contexts")
	r.Check(t, 0, "CONTEXT\tNAME\t", "tko-mgmt\tvsphere-team-a\t", "tkg-mgmt-2\t\tError: this cluster does not serve vmoperator.vmware.com")
	r = clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, a, b)}.Run(t, "vsphere-namespaces", "--all-contexts", "--strict", "-o", "name")
	r.Check(t, 1, "vspherenamespace.tko.tanzu.vmware.com/vsphere-team-a\n")
	r.CheckErr(t, 1, "context tkg-mgmt-2")
}

// TestVSphereNamespacesNamespaceUser: a DevOps user bound in some vSphere
// namespaces only may read what they hold but no Namespace object and
// nothing across namespaces, as on a Supervisor.
func TestVSphereNamespacesNamespaceUser(t *testing.T) {
	namespaceUser := func(s *clitest.Server) {
		s.React("*", "*", func(r clitest.Request) (bool, any, error) {
			if r.Resource.Resource == "namespaces" || r.Verb == "list" && r.Namespace == "" {
				// In the API server's words.
				why := fmt.Sprintf(`User "sso:devops@vsphere.local" cannot %s resource %q in API group %q at the cluster scope`, r.Verb, r.Resource.Resource, r.Resource.Group)
				return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: r.Resource.Resource}, r.Name, errors.New(why))
			}
			return false, nil, nil
		})
	}
	inNamespace := func(ns string) func(cfg *clientcmdapi.Config) {
		return func(cfg *clientcmdapi.Config) {
			for _, c := range cfg.Contexts {
				c.Namespace = ns
			}
		}
	}
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "the context's namespace", Args: clitest.Args("vsphere-namespaces"), Setup: namespaceUser, Kubeconfig: inNamespace("vsphere-team-a"),
			Stdout: []string{"vsphere-team-a\tbest-effort-medium,best-effort-small,guaranteed-large\ttanzu-gold=120Gi/500Gi,vsan-default-storage-policy=200Gi/1Ti\t2\n"},
			Stderr: []string{"warning: you may not list the Supervisor's namespaces; showing vsphere-team-a, the context's namespace (name others: kubectl tko cluster vsphere-namespaces NAME)\n"},
			Absent: []string{"vsphere-ns-1"}},
		{Name: "one by NAME", Args: clitest.Args("vsphere-namespaces vsphere-ns-1 -o wide"), Setup: namespaceUser,
			Stdout: []string{"vsphere-ns-1\tbest-effort-large,best-effort-medium\tvsan-default-storage-policy=0/2Ti\t1\t-\ttkc-guest-1\n"}},
		{Name: "no namespace in the context", Args: clitest.Args("vsphere-namespaces"), Setup: namespaceUser, Kubeconfig: inNamespace(""),
			Code:   7,
			Stderr: []string{"error: forbidden: user \"sso:devops@vsphere.local\" may not list namespaces; name a vSphere namespace of yours (kubectl tko cluster vsphere-namespaces NAME), or use the context of one that 'kubectl tko auth login --vsphere' wrote\n"},
			Absent: []string{"NAME\t"}},
	})
}
