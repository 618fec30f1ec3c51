package reliability

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// Nothing runs Cluster API controllers or kapp-controller here, so a
// --wait never ends by itself: the test decides how it ends. Where a test
// plays a controller (a finalizer it adds on its first reconcile and
// removes once done) it says so.

// interruption is one row: the command, the moment it is interrupted,
// the one line it must say, the state it must leave (listed) and a rerun
// that must converge.
type interruption struct {
	name   string
	setup  func(t *testing.T, r *run)
	cmd    func(r *run) *harness.Cmd
	on     string                       // interrupt once the output holds this
	when   func(r *run) <-chan struct{} // or once this is closed
	says   func(r *run) string
	state  func(r *run) error // nil when the state is what the command promises
	rerun  func(r *run) *harness.Cmd
	stdout func(r *run) string // the rerun's stdout holds this
}

// run is one row under one signal: its own namespace and names.
type run struct {
	t       *testing.T
	e       *harness.Env
	sig     string // "int" or "term"
	ns      string // the test namespace of this signal
	cluster string // the cluster whose life the cluster rows follow
	proxy   *holdingProxy
}

func (r *run) cl(args ...string) *harness.Cmd  { return r.e.Plugin("kubectl-tko-cluster", args...) }
func (r *run) pkg(args ...string) *harness.Cmd { return r.e.Plugin("kubectl-tko-package", args...) }

var (
	repositories = schema.GroupVersionResource{Group: "packaging.carvel.dev", Version: "v1alpha1", Resource: "packagerepositories"}
	installs     = schema.GroupVersionResource{Group: "packaging.carvel.dev", Version: "v1alpha1", Resource: "packageinstalls"}
	secrets      = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	quotas       = schema.GroupVersionResource{Version: "v1", Resource: "resourcequotas"}
	limitRanges  = schema.GroupVersionResource{Version: "v1", Resource: "limitranges"}
	configMaps   = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
)

// TestInterrupts: SIGINT and SIGTERM during every --wait and in the middle
// of multi-object applies end with exit 5 and one line saying what was
// done and how to follow or finish it; the state is what the command
// promises, and a rerun converges.
func TestInterrupts(t *testing.T) {
	rows := append(clusterInterruptions(), append(packageInterruptions(), applyInterruptions()...)...)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		name := map[syscall.Signal]string{syscall.SIGINT: "int", syscall.SIGTERM: "term"}[sig]
		t.Run(name, func(t *testing.T) {
			e := suite.New(t)
			r := &run{t: t, e: e, sig: name, ns: e.Namespace(), cluster: "wc-int-" + name}
			for _, row := range rows {
				t.Run(row.name, func(t *testing.T) {
					r.t = t
					if row.setup != nil {
						row.setup(t, r)
					}
					cmd := row.cmd(r)
					if row.on != "" {
						cmd.SignalOn(row.on, sig)
					} else {
						cmd.SignalWhen(row.when(r), sig)
					}
					check(t, cmd.Run(), explain.ExitInterrupted, row.says(r))
					tally(t, row.state(r), "the state after the interrupt")
					rerun := row.rerun(r).Run()
					var err error
					if want := row.stdout(r); rerun.Code != 0 || !strings.Contains(rerun.Stdout, want) {
						err = fmt.Errorf("%s: exit %d, stdout does not hold %q\n%s%s", rerun.Line(), rerun.Code, want, rerun.Stdout, rerun.Stderr)
					}
					tally(t, err, "the rerun")
				})
			}
		})
	}
}

// tally counts a case of the figure and fails it on err.
func tally(t *testing.T, err error, what string) {
	t.Helper()
	figure.cases.Add(1)
	if err != nil {
		figure.failures.Add(1)
		t.Errorf("%s: %v", what, err)
	}
}

func clusterInterruptions() []interruption {
	goesOn := func(r *run, done string) string {
		return fmt.Sprintf("cluster default/%s %s and Cluster API goes on with it (follow it: kubectl tko cluster describe %s -n default): interrupted", r.cluster, done, r.cluster)
	}
	field := func(r *run, want string, path ...string) error {
		u, err := suite.Dyn.Resource(clustersGVR).Namespace("default").Get(context.Background(), r.cluster, metav1.GetOptions{})
		if err != nil {
			return err
		}
		got, _, _ := unstructured.NestedFieldNoCopy(u.Object, path...)
		if fmt.Sprint(got) != want {
			return fmt.Errorf("%s is %v, want %s", strings.Join(path, "."), got, want)
		}
		return nil
	}
	unchanged := func(r *run) string { return "cluster.cluster.x-k8s.io/" + r.cluster + " unchanged" }
	return []interruption{{
		name: "cluster create --wait",
		cmd: func(r *run) *harness.Cmd {
			return r.cl("create", r.cluster, "-f", wcNew(), "--tkr", "v1.29.9---vmware.1-tkg.1", "--wait")
		},
		on:    "created",
		says:  func(r *run) string { return goesOn(r, "was created") },
		state: func(r *run) error { return field(r, "v1.29.9+vmware.1", "spec", "topology", "version") },
		rerun: func(r *run) *harness.Cmd {
			return r.cl("create", r.cluster, "-f", wcNew(), "--tkr", "v1.29.9---vmware.1-tkg.1")
		},
		stdout: unchanged,
	}, {
		name: "cluster upgrade --wait",
		cmd: func(r *run) *harness.Cmd {
			return r.cl("upgrade", r.cluster, "--tkr", "v1.30.2---vmware.1-tkg.1", "--wait")
		},
		on:     "changed:",
		says:   func(r *run) string { return goesOn(r, "was changed") },
		state:  func(r *run) error { return field(r, "v1.30.2+vmware.1", "spec", "topology", "version") },
		rerun:  func(r *run) *harness.Cmd { return r.cl("upgrade", r.cluster, "--tkr", "v1.30.2---vmware.1-tkg.1") },
		stdout: unchanged,
	}, {
		name:   "cluster scale --wait",
		cmd:    func(r *run) *harness.Cmd { return r.cl("scale", r.cluster, "--controlplane", "5", "--wait") },
		on:     "changed:",
		says:   func(r *run) string { return goesOn(r, "was changed") },
		state:  func(r *run) error { return field(r, "5", "spec", "topology", "controlPlane", "replicas") },
		rerun:  func(r *run) *harness.Cmd { return r.cl("scale", r.cluster, "--controlplane", "5") },
		stdout: unchanged,
	}, {
		name: "cluster delete --wait",
		// Cluster API's cluster controller adds its finalizer on the first
		// reconcile; the test plays it.
		setup: func(t *testing.T, r *run) {
			finalizer(t, clustersGVR, "default", r.cluster, "cluster.cluster.x-k8s.io")
		},
		cmd: func(r *run) *harness.Cmd { return r.cl("delete", r.cluster, "--yes", "--wait") },
		on:  "deleted",
		says: func(r *run) string {
			return "the deletion of cluster(s) " + r.cluster + " was requested and Cluster API goes on with it (follow it: kubectl tko cluster list -n default): interrupted"
		},
		state: func(r *run) error { return deleting(clustersGVR, "default", r.cluster) },
		// The rerun waits again; Cluster API (the test) then finishes.
		rerun: func(r *run) *harness.Cmd {
			return r.cl("delete", r.cluster, "--yes", "--wait").On("deleted", func() { finalizer(r.t, clustersGVR, "default", r.cluster, "") })
		},
		stdout: func(r *run) string { return "cluster.cluster.x-k8s.io/" + r.cluster + " deleted" },
	}}
}

func packageInterruptions() []interruption {
	goesOn := func(r *run, what, name, done, follow string) string {
		return fmt.Sprintf("%s %s/%s %s and kapp-controller goes on with it (follow it: kubectl tko package %s %s -n %s): interrupted", what, r.ns, name, done, follow, name, r.ns)
	}
	notPaused := func(gvr schema.GroupVersionResource, name string) func(r *run) error {
		return func(r *run) error {
			u, err := suite.Dyn.Resource(gvr).Namespace(r.ns).Get(context.Background(), name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			if paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused"); paused {
				return fmt.Errorf("%s %s was left paused", gvr.Resource, name)
			}
			return nil
		}
	}
	const url = "registry.example.com/tko/packages/repo:v1"
	return []interruption{{
		name: "package repository add --wait",
		cmd: func(r *run) *harness.Cmd {
			return r.pkg("repository", "add", "int-repo", "--url", url, "-n", r.ns, "--wait")
		},
		on: "created",
		says: func(r *run) string {
			return goesOn(r, "package repository", "int-repo", "was created", "repository get")
		},
		state:  notPaused(repositories, "int-repo"),
		rerun:  func(r *run) *harness.Cmd { return r.pkg("repository", "add", "int-repo", "--url", url, "-n", r.ns) },
		stdout: func(*run) string { return "packagerepository.packaging.carvel.dev/int-repo unchanged" },
	}, {
		name: "package repository kick --wait",
		cmd:  func(r *run) *harness.Cmd { return r.pkg("repository", "kick", "int-repo", "-n", r.ns, "--wait") },
		on:   "kicked",
		says: func(r *run) string {
			return goesOn(r, "package repository", "int-repo", "was kicked", "repository get")
		},
		state:  notPaused(repositories, "int-repo"),
		rerun:  func(r *run) *harness.Cmd { return r.pkg("repository", "kick", "int-repo", "-n", r.ns) },
		stdout: func(*run) string { return "packagerepository.packaging.carvel.dev/int-repo kicked" },
	}, {
		name:   "package installed kick --wait",
		setup:  func(t *testing.T, r *run) { packageInstall(t, r.ns, "int-app") },
		cmd:    func(r *run) *harness.Cmd { return r.pkg("installed", "kick", "int-app", "-n", r.ns, "--wait") },
		on:     "kicked",
		says:   func(r *run) string { return goesOn(r, "package install", "int-app", "was kicked", "installed status") },
		state:  notPaused(installs, "int-app"),
		rerun:  func(r *run) *harness.Cmd { return r.pkg("installed", "kick", "int-app", "-n", r.ns) },
		stdout: func(*run) string { return "packageinstall.packaging.carvel.dev/int-app kicked" },
	}, {
		name: "package installed delete",
		// kapp-controller adds its finalizer on the first reconcile; the
		// test plays it.
		setup: func(t *testing.T, r *run) {
			finalizer(t, installs, r.ns, "int-app", "finalizers.packageinstall.packaging.carvel.dev/delete")
		},
		cmd:  func(r *run) *harness.Cmd { return r.pkg("installed", "delete", "int-app", "-n", r.ns, "--yes") },
		when: func(r *run) <-chan struct{} { return untilDeleting(r.t, installs, r.ns, "int-app") },
		says: func(r *run) string {
			return "the deletion of package install " + r.ns + "/int-app was requested and kapp-controller goes on with it (deleted before it: none): interrupted"
		},
		state: func(r *run) error {
			if err := deleting(installs, r.ns, "int-app"); err != nil {
				return err
			}
			_, err := suite.Dyn.Resource(secrets).Namespace(r.ns).Get(context.Background(), "int-app-"+r.ns+"-values", metav1.GetOptions{})
			return err // the values are removed only once kapp-controller is done
		},
		// kapp-controller (the test) finishes; the rerun removes what the
		// interrupted delete left.
		rerun: func(r *run) *harness.Cmd {
			finalizer(r.t, installs, r.ns, "int-app", "")
			return r.pkg("installed", "delete", "int-app", "-n", r.ns, "--yes")
		},
		stdout: func(r *run) string { return "Secret/int-app-" + r.ns + "-values (left from install int-app) deleted" },
	}, {
		name: "package repository delete",
		// The repository of the rows above; kapp-controller's finalizer is
		// played by the test.
		setup: func(t *testing.T, r *run) {
			finalizer(t, repositories, r.ns, "int-repo", "finalizers.packagerepository.packaging.carvel.dev/delete")
		},
		cmd:  func(r *run) *harness.Cmd { return r.pkg("repository", "delete", "int-repo", "-n", r.ns, "--yes") },
		when: func(r *run) <-chan struct{} { return untilDeleting(r.t, repositories, r.ns, "int-repo") },
		says: func(r *run) string {
			return "the deletion of package repository " + r.ns + "/int-repo was requested and kapp-controller goes on with it (follow it: kubectl tko package repository list -n " + r.ns + "; not deleted: none): interrupted"
		},
		state: func(r *run) error { return deleting(repositories, r.ns, "int-repo") },
		// The rerun follows the deletion that is under way to its end:
		// kapp-controller (the test) finishes once the rerun has asked for
		// the deletion again (client-go logs the request at -v=6).
		rerun: func(r *run) *harness.Cmd {
			t := r.t
			return r.pkg("repository", "delete", "int-repo", "-n", r.ns, "--yes", "-v=6").On(`verb="DELETE"`, func() {
				if err := setFinalizer(repositories, r.ns, "int-repo", ""); err != nil {
					t.Error(err)
				}
			})
		},
		stdout: func(*run) string { return "packagerepository.packaging.carvel.dev/int-repo deleted" },
	}}
}

// applyInterruptions catch multi-object applies between two objects: the
// proxy holds the second write until the signal.
func applyInterruptions() []interruption {
	policyObjects := func(r *run) (int, error) {
		n := 0
		for _, gvr := range []schema.GroupVersionResource{quotas, limitRanges} {
			list, err := suite.Dyn.Resource(gvr).Namespace(r.ns).List(context.Background(), metav1.ListOptions{LabelSelector: "tko.tanzu.vmware.com/policy=iq-" + r.sig})
			if err != nil {
				return 0, err
			}
			n += len(list.Items)
		}
		return n, nil
	}
	return []interruption{{
		name:  "cluster policy apply (between two objects)",
		setup: func(t *testing.T, r *run) { r.proxy = newHoldingProxy(t, 2) },
		cmd: func(r *run) *harness.Cmd {
			return r.cl("policy", "apply", "quota", "iq-"+r.sig, "--size", "small", "--namespaces", r.ns, "--kubeconfig", r.proxy.Kubeconfig)
		},
		when: func(r *run) <-chan struct{} { return r.proxy.Held },
		says: func(r *run) string { return "applying policy iq-" + r.sig + " was interrupted; rolled back " },
		// All or nothing on a cluster: the first object was rolled back and
		// nothing was recorded.
		state: func(r *run) error {
			n, err := policyObjects(r)
			if err == nil && n != 0 {
				err = fmt.Errorf("%d object(s) of the policy left behind", n)
			}
			if err == nil {
				if _, gerr := suite.Dyn.Resource(configMaps).Namespace("tko-policies").Get(context.Background(), "iq-"+r.sig, metav1.GetOptions{}); gerr == nil {
					err = fmt.Errorf("the policy was recorded")
				}
			}
			return err
		},
		rerun: func(r *run) *harness.Cmd {
			r.t.Cleanup(func() {
				_ = suite.Dyn.Resource(configMaps).Namespace("tko-policies").Delete(context.Background(), "iq-"+r.sig, metav1.DeleteOptions{})
			})
			return r.cl("policy", "apply", "quota", "iq-"+r.sig, "--size", "small", "--namespaces", r.ns)
		},
		stdout: func(*run) string { return "created" },
	}, {
		name: "cluster delete of two clusters (between the two)",
		setup: func(t *testing.T, r *run) {
			for _, name := range []string{"wc-a-" + r.sig, "wc-b-" + r.sig} {
				r.cl("create", name, "-f", wcNew(), "--tkr", "v1.29.9---vmware.1-tkg.1").Success()
				finalizer(t, clustersGVR, "default", name, "cluster.cluster.x-k8s.io") // as Cluster API does
			}
			r.proxy = newHoldingProxy(t, 2)
		},
		cmd: func(r *run) *harness.Cmd {
			return r.cl("delete", "wc-a-"+r.sig, "wc-b-"+r.sig, "--yes", "--kubeconfig", r.proxy.Kubeconfig)
		},
		when: func(r *run) <-chan struct{} { return r.proxy.Held },
		says: func(r *run) string {
			return fmt.Sprintf("stopped at cluster wc-b-%[1]s (deleted: wc-a-%[1]s; not deleted: wc-b-%[1]s): interrupted", r.sig)
		},
		state: func(r *run) error {
			if err := deleting(clustersGVR, "default", "wc-a-"+r.sig); err != nil {
				return err
			}
			u, err := suite.Dyn.Resource(clustersGVR).Namespace("default").Get(context.Background(), "wc-b-"+r.sig, metav1.GetOptions{})
			if err == nil && u.GetDeletionTimestamp() != nil {
				err = fmt.Errorf("wc-b-%s is being deleted", r.sig)
			}
			return err
		},
		rerun: func(r *run) *harness.Cmd {
			r.t.Cleanup(func() {
				for _, name := range []string{"wc-a-" + r.sig, "wc-b-" + r.sig} {
					finalizer(r.t, clustersGVR, "default", name, "") // Cluster API finishes
				}
			})
			return r.cl("delete", "wc-a-"+r.sig, "wc-b-"+r.sig, "--yes")
		},
		stdout: func(r *run) string { return "cluster.cluster.x-k8s.io/wc-b-" + r.sig + " deleted" },
	}}
}

func wcNew() string { return filepath.Join(suite.Root, "test", "testdata", "wc-new.yaml") }

// finalizer sets an object's finalizers to the one given (none when "").
func finalizer(t *testing.T, gvr schema.GroupVersionResource, ns, name, f string) {
	t.Helper()
	if err := setFinalizer(gvr, ns, name, f); err != nil {
		t.Fatal(err)
	}
}

// setFinalizer sets an object's one finalizer, or removes them all ("").
func setFinalizer(gvr schema.GroupVersionResource, ns, name, f string) error {
	list := "null"
	if f != "" {
		list = `["` + f + `"]`
	}
	patch := []byte(`{"metadata":{"finalizers":` + list + `}}`)
	cfg, err := suite.CP.RESTConfig()
	if err != nil {
		return err
	}
	// Cluster API's finalizer is not domain-qualified: its warning is no news.
	cfg.WarningHandler = rest.NoWarnings{}
	_, err = dynamic.NewForConfigOrDie(cfg).Resource(gvr).Namespace(ns).Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		return fmt.Errorf("setting the finalizer of %s %s/%s: %w", gvr.Resource, ns, name, err)
	}
	return nil
}

// deleting says whether an object is there, being deleted.
func deleting(gvr schema.GroupVersionResource, ns, name string) error {
	u, err := suite.Dyn.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if u.GetDeletionTimestamp() == nil {
		return fmt.Errorf("%s %s/%s is not being deleted", gvr.Resource, ns, name)
	}
	return nil
}

// untilDeleting is closed once the object is being deleted.
func untilDeleting(t *testing.T, gvr schema.GroupVersionResource, ns, name string) <-chan struct{} {
	ch := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			if deleting(gvr, ns, name) == nil {
				close(ch)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return ch
}

// packageInstall creates an install as `package install` would have, with
// the values Secret it owns.
func packageInstall(t *testing.T, ns, name string) {
	t.Helper()
	owner := name + "-" + ns
	for gvr, obj := range map[schema.GroupVersionResource]map[string]any{
		secrets: {"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": owner + "-values", "namespace": ns,
			"annotations": map[string]any{"packaging.carvel.dev/package": owner}}, "stringData": map[string]any{"values.yaml": "replicas: 1\n"}},
		installs: {"apiVersion": "packaging.carvel.dev/v1alpha1", "kind": "PackageInstall", "metadata": map[string]any{"name": name, "namespace": ns,
			"annotations": map[string]any{"packaging.carvel.dev/package-Secret": owner + "-values"}},
			"spec": map[string]any{"serviceAccountName": "default", "packageRef": map[string]any{"refName": "app.example.com", "versionSelection": map[string]any{"constraints": "1.0.0"}},
				"values": []any{map[string]any{"secretRef": map[string]any{"name": owner + "-values"}}}}},
	} {
		if _, err := suite.Dyn.Resource(gvr).Namespace(ns).Create(context.Background(), &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s: %v", gvr.Resource, err)
		}
	}
}
