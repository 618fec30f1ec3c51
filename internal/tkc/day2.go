package tkc

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Resolve finds what a day-2 verb acts on under a cluster name: the
// Cluster, or the TanzuKubernetesCluster (tkc set). A TanzuKubernetesCluster
// with a Cluster of the same name behind it (vSphere 8 creates one, owned
// by the TanzuKubernetesCluster) is the TanzuKubernetesCluster: the
// Supervisor rewrites that Cluster from it, so an edit of the Cluster
// would be undone. A name that is neither is the Cluster's not-found error.
func Resolve(ctx context.Context, dyn dynamic.Interface, api capi.API, namespace, name string) (cluster, tkc *unstructured.Unstructured, err error) {
	cluster, err = capi.GetCluster(ctx, dyn, api, namespace, name)
	var nf *errs.NotFoundError
	switch {
	case errors.As(err, &nf):
		tkc, tkcErr := capi.GetTKC(ctx, dyn, api, namespace, name)
		if tkcErr != nil {
			return nil, nil, tkcErr
		}
		if tkc == nil {
			return nil, nil, err
		}
		return nil, tkc, nil
	case err != nil:
		return nil, nil, err
	case !behindTKC(cluster):
		return cluster, nil, nil
	}
	tkc, err = capi.GetTKC(ctx, dyn, api, namespace, name)
	if err != nil || tkc == nil {
		return cluster, nil, err
	}
	return nil, tkc, nil
}

// behindTKC reports a Cluster a TanzuKubernetesCluster stands for: owned
// by one, or of the class vSphere 8 gives them.
func behindTKC(cluster *unstructured.Unstructured) bool {
	for _, ref := range cluster.GetOwnerReferences() {
		if ref.Kind == Kind {
			return true
		}
	}
	class, _ := capi.TopologyClass(cluster)
	return class == "tanzukubernetescluster"
}

// Mutation changes a TanzuKubernetesCluster in place; it may refuse.
type Mutation func(tkc *unstructured.Unstructured) error

// Update applies the mutation to a TanzuKubernetesCluster as read and
// writes it back in its own version, reading it again on a conflict;
// nothing is written when nothing changed. With dryRun the API server
// checks the result without storing it. It returns the object as written
// (or read) and the changes to its spec.
func Update(ctx context.Context, dyn dynamic.Interface, read *unstructured.Unstructured, dryRun bool, mutate Mutation) (*unstructured.Unstructured, []capi.Change, error) {
	client := dyn.Resource(GVRFor(read)).Namespace(read.GetNamespace())
	current := read
	var (
		result  *unstructured.Unstructured
		changes []capi.Change
	)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if current == nil {
			fresh, err := client.Get(ctx, read.GetName(), metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return notFound(read.GetNamespace(), read.GetName())
			}
			if err != nil {
				return fmt.Errorf("getting TanzuKubernetesCluster %s/%s: %w", read.GetNamespace(), read.GetName(), err)
			}
			current = fresh
		}
		updated := current.DeepCopy()
		if err := mutate(updated); err != nil {
			return err
		}
		changes = capi.Diff("spec", current.Object["spec"], updated.Object["spec"])
		if len(changes) == 0 {
			result = current
			return nil
		}
		var err error
		result, err = client.Update(ctx, updated, metav1.UpdateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)})
		current = nil // a conflict reads it again
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return result, changes, nil
}

func notFound(namespace, name string) error {
	return &errs.NotFoundError{Kind: "TanzuKubernetesCluster", Name: name, Namespace: namespace,
		Hint: "list the clusters with 'kubectl tko cluster list -A' and pass the vSphere namespace with -n"}
}

// ReadyCheck is the --wait condition of a TanzuKubernetesCluster: Ready
// True for its current generation and, when version is set, that version
// running (status.version); the failed phase ends the wait.
func ReadyCheck(version string) func(u *unstructured.Unstructured) (bool, error) {
	return func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return false, errors.New("the TanzuKubernetesCluster was deleted while waiting for it")
		}
		t := FromUnstructured(u)
		if t.Phase == "failed" {
			return false, fmt.Errorf("TanzuKubernetesCluster %s/%s failed: %s", t.Namespace, t.Name, t.message())
		}
		observed := true
		if g, ok, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); ok && u.GetGeneration() > 0 {
			observed = g >= u.GetGeneration()
		}
		return observed && t.IsReady() && (version == "" || t.Version == version), nil
	}
}

// Progress is a one-line state of a TanzuKubernetesCluster for --wait
// progress and timeout messages.
func Progress(u *unstructured.Unstructured) string {
	t := FromUnstructured(u)
	ready := "Unknown"
	if t.Ready != nil {
		ready = t.Ready.Status
	}
	s := fmt.Sprintf("phase %s, Ready %s, version %s", orNone(t.Phase), ready, orNone(t.Version))
	if m := t.message(); m != "" {
		s += " (" + m + ")"
	}
	return s
}

// message is the first False condition's message, else Ready's.
func (t TKC) message() string {
	for _, c := range t.Conditions {
		if c.Status == "False" && c.Message != "" {
			return c.Type + ": " + c.Message
		}
	}
	if t.Ready != nil {
		return t.Ready.Message
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// BehindTKC reports whether a Cluster stands for a TanzuKubernetesCluster
// of the same name, which is what a day-2 verb acts on instead.
func BehindTKC(cluster *unstructured.Unstructured) bool { return behindTKC(cluster) }
