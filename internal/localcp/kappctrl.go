package localcp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	tkowait "github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// KappBinaries are kapp-controller and the tools it runs.
type KappBinaries struct {
	Controller, Kapp, Ytt, Vendir string
}

// Namespaces kapp-controller works in.
const (
	KappNamespace       = "kapp-controller"
	KappGlobalNamespace = "kapp-controller-packaging-global"
)

// StartKappController runs a real kapp-controller out of cluster against
// the control plane: a sidecar process for vendir/ytt, the controller, and
// its aggregated API (Package, PackageMetadata) behind an APIService. The
// controller reads an in-cluster service-account token from a fixed path;
// a private mount namespace gives it one without touching the host.
// Requires root (unshare, mount). The kapp-controller CRDs must be installed.
func (cp *ControlPlane) StartKappController(ctx context.Context, bins KappBinaries, detach bool) error {
	for name, p := range map[string]string{"kapp-controller": bins.Controller, "kapp": bins.Kapp, "ytt": bins.Ytt, "vendir": bins.Vendir} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s binary not found at %q: build it with 'hack/tools.sh kapp-controller kapp ytt vendir'", name, p)
		}
	}
	cfg, err := cp.RESTConfig()
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	apply := func(obj map[string]any, gvr schema.GroupVersionResource) error {
		u := &unstructured.Unstructured{Object: obj}
		body, err := u.MarshalJSON()
		if err != nil {
			return err
		}
		force := true
		res := dyn.Resource(gvr)
		var ri dynamic.ResourceInterface = res
		if ns := u.GetNamespace(); ns != "" {
			ri = res.Namespace(ns)
		}
		_, err = ri.Patch(ctx, u.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: "tko-localcp", Force: &force})
		if err != nil {
			return fmt.Errorf("applying %s %s: %w", u.GetKind(), u.GetName(), err)
		}
		return nil
	}
	gvr := func(group, version, resource string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}
	}
	for _, ns := range []string{KappNamespace, KappGlobalNamespace} {
		if err := apply(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}, gvr("", "v1", "namespaces")); err != nil {
			return err
		}
	}
	steps := []struct {
		obj map[string]any
		gvr schema.GroupVersionResource
	}{
		{map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "kapp-controller", "namespace": KappNamespace}}, gvr("", "v1", "serviceaccounts")},
		{map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": map[string]any{"name": "kapp-controller-cluster-admin"},
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
			"subjects": []any{map[string]any{"kind": "ServiceAccount", "name": "kapp-controller", "namespace": KappNamespace}}}, gvr("rbac.authorization.k8s.io", "v1", "clusterrolebindings")},
		// The aggregator reaches the API server on the host through an ExternalName Service.
		{map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "packaging-api", "namespace": KappNamespace},
			"spec": map[string]any{"type": "ExternalName", "externalName": "localhost", "ports": []any{map[string]any{"port": int64(port), "protocol": "TCP"}}}}, gvr("", "v1", "services")},
		{map[string]any{"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": map[string]any{"name": "v1alpha1.data.packaging.carvel.dev"},
			"spec": map[string]any{"group": "data.packaging.carvel.dev", "version": "v1alpha1", "groupPriorityMinimum": int64(100), "versionPriority": int64(100),
				"service": map[string]any{"name": "packaging-api", "namespace": KappNamespace, "port": int64(port)}}}, gvr("apiregistration.k8s.io", "v1", "apiservices")},
	}
	for _, s := range steps {
		if err := apply(s.obj, s.gvr); err != nil {
			return err
		}
	}
	tr := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
		"metadata": map[string]any{"name": "kapp-controller"},
		"spec":     map[string]any{"audiences": []any{"https://kubernetes.default.svc.cluster.local"}, "expirationSeconds": int64(24 * 3600)}}}
	tok, err := dyn.Resource(gvr("", "v1", "serviceaccounts")).Namespace(KappNamespace).Create(ctx, tr, metav1.CreateOptions{}, "token")
	if err != nil {
		return fmt.Errorf("requesting a token for kapp-controller: %w", err)
	}
	token, _, _ := unstructured.NestedString(tok.Object, "status", "token")

	base := filepath.Join(cp.Dir, "kapp-controller")
	saDir, homeDir, tmpDir, binDir := filepath.Join(base, "serviceaccount"), filepath.Join(base, "home"), filepath.Join(base, "tmp"), filepath.Join(base, "bin")
	for _, d := range []string{saDir, homeDir, tmpDir, binDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	caPEM, err := os.ReadFile(cp.CAFile)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{"token": []byte(token), "ca.crt": caPEM, "namespace": []byte(KappNamespace)} {
		if err := os.WriteFile(filepath.Join(saDir, name), data, 0o600); err != nil {
			return err
		}
	}
	for name, p := range map[string]string{"kapp": bins.Kapp, "ytt": bins.Ytt, "vendir": bins.Vendir} {
		link := filepath.Join(binDir, name)
		_ = os.Remove(link)
		if err := os.Symlink(p, link); err != nil {
			return err
		}
	}
	// Mount points must exist on the host; what is mounted on them stays private.
	for _, d := range []string{"/var/run/secrets/kubernetes.io/serviceaccount", "/home/kapp-controller"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("creating the mount point %s (kapp-controller needs root here): %w", d, err)
		}
	}
	apiPort := strings.TrimPrefix(cp.Server, "https://127.0.0.1:")
	env := append(os.Environ(),
		"KAPPCTRL_SYSTEM_NAMESPACE="+KappNamespace,
		"KAPPCTRL_MEM_TMP_DIR="+tmpDir,
		"KAPPCTRL_SIDECAREXEC_SOCK="+filepath.Join(tmpDir, "sidecarexec.sock"),
		"KAPPCTRL_API_PORT="+strconv.Itoa(port),
		"KUBECONFIG="+cp.Kubeconfig,
		"KUBERNETES_SERVICE_HOST=127.0.0.1",
		"KUBERNETES_SERVICE_PORT="+apiPort,
		"PATH="+binDir+":"+os.Getenv("PATH"),
	)
	opts := Options{Detach: detach}
	if err := cp.startWithEnv(opts, "kapp-controller-sidecarexec", env, bins.Controller, "-sidecarexec"); err != nil {
		return err
	}
	script := fmt.Sprintf("mount --bind %q /var/run/secrets/kubernetes.io/serviceaccount && mount --bind %q /home/kapp-controller && exec %q -kubeconfig %q -packaging-global-namespace %s -metrics-bind-address 0 -enable-api-priority-and-fairness=false",
		saDir, homeDir, bins.Controller, cp.Kubeconfig, KappGlobalNamespace)
	if err := cp.startWithEnv(opts, "kapp-controller", env, "unshare", "-m", "--propagation", "private", "sh", "-c", script); err != nil {
		return err
	}
	cp.PIDs = cp.PIDs[:0]
	for _, c := range cp.procs {
		cp.PIDs = append(cp.PIDs, c.Process.Pid)
	}
	// Ready when the aggregated Package API answers.
	_, err = tkowait.For(ctx, tkowait.Spec{
		Client:  dyn.Resource(gvr("apiregistration.k8s.io", "v1", "apiservices")),
		Name:    "v1alpha1.data.packaging.carvel.dev",
		What:    "kapp-controller's Package API to become Available",
		Timeout: 2 * time.Minute,
		Check:   tkowait.ConditionTrue("Available", ""),
	})
	if err != nil {
		return fmt.Errorf("%w; see %s", err, filepath.Join(cp.Dir, "logs", "kapp-controller.log"))
	}
	return cp.saveState()
}

// startWithEnv is start with an explicit environment.
func (cp *ControlPlane) startWithEnv(opts Options, name string, env []string, bin string, args ...string) error {
	cmdPath, err := exec.LookPath(bin)
	if err != nil {
		return fmt.Errorf("%s: %w", bin, err)
	}
	return cp.start(opts, name, cmdPath, env, args...)
}
