// Package vsphere proves `kubectl tko auth login --vsphere` end to end: the
// real binaries and the real kubectl against a real kube-apiserver playing
// a Supervisor on port 6443 of a loopback address of its own.
//
// vCenter is not available here, so the test plays its /wcp endpoints on
// the same address, exactly in the shapes of the vSphere with Tanzu notes:
// GET /wcp/loginbanner, POST /wcp/login with Basic authentication
// answering {"session_id", "guest_cluster_server", "guest_cluster_ca"}, and the
// OpenID discovery document and keys of the session tokens it signs. It
// decides only who logs in; the real kube-apiserver, through its
// AuthenticationConfiguration, decides whether a session token
// authenticates, and RBAC what its user may do.
package vsphere

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var (
	suite   harness.Suite
	vcenter *VCenter
)

// supervisorPort is where a Supervisor's API server listens; the product
// always looks for it there.
const supervisorPort = 6443

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(harness.Main(m, &suite, testenv.Options{}))
	}
	// An address of its own: port 6443 cannot meet another control plane.
	addr := localcp.RandomLoopback()
	var err error
	if vcenter, err = StartVCenter(addr); err != nil {
		fmt.Fprintf(os.Stderr, "starting the vCenter login endpoint: %v\n", err)
		os.Exit(1)
	}
	code := harness.Main(m, &suite, testenv.Options{Seed: true, Address: addr, Port: supervisorPort,
		AuthenticationConfig: vcenter.AuthenticationConfig()})
	vcenter.Stop()
	os.Exit(code)
}

var (
	prepareOnce sync.Once
	prepareErr  error
)

var tkcs = schema.GroupVersionResource{Group: "run.tanzu.vmware.com", Version: "v1alpha3", Resource: "tanzukubernetesclusters"}

// prepare grants the vSphere user what a vSphere namespace's editor has
// here (list Namespaces; read TanzuKubernetesClusters of vsphere-team-a
// only) and tells the endpoint the estate's TanzuKubernetesClusters.
func prepare(t *testing.T) {
	t.Helper()
	prepareOnce.Do(func() {
		ca, err := os.ReadFile(suite.CP.CAFile)
		if err != nil {
			prepareErr = err
			return
		}
		vcenter.Attach(func(ns, name string) (bool, error) {
			_, err := suite.Dyn.Resource(tkcs).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return false, nil
			}
			return err == nil, err
		}, ca)
		prepareErr = grant()
	})
	if prepareErr != nil {
		t.Fatal(prepareErr)
	}
}

func grant() error {
	user := []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: usernamePrefix + devopsUser}}
	name := "vsphere-devops"
	objects := []struct {
		resource, namespace string
		obj                 runtime.Object
	}{
		{"clusterroles", "", &rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "list"}}}}},
		{"clusterrolebindings", "", &rbacv1.ClusterRoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: user,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}}},
		{"roles", seed.VSphereNamespace, &rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: seed.VSphereNamespace},
			Rules:      []rbacv1.PolicyRule{{APIGroups: []string{tkcs.Group}, Resources: []string{tkcs.Resource}, Verbs: []string{"get", "list"}}}}},
		{"rolebindings", seed.VSphereNamespace, &rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: seed.VSphereNamespace}, Subjects: user,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}}},
	}
	for _, o := range objects {
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o.obj)
		if err != nil {
			return err
		}
		gvr := schema.GroupVersionResource{Group: rbacv1.GroupName, Version: "v1", Resource: o.resource}
		if _, err := suite.Dyn.Resource(gvr).Namespace(o.namespace).Create(context.Background(), &unstructured.Unstructured{Object: u}, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("granting %s: %w", o.resource, err)
		}
	}
	return nil
}
