package upgraderun

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Live acts on the clusters of a management cluster.
type Live struct {
	Dyn             dynamic.Interface
	API             capi.API
	Connect         func(ctx context.Context, namespace, name string) (*kube.Clients, error)
	VeleroNamespace string
	Now             func() time.Time
}

func split(key string) (namespace, name string) {
	namespace, name, _ = strings.Cut(key, "/")
	return namespace, name
}

// get reads the object the plan names: the Cluster, or the
// TanzuKubernetesCluster.
func (l *Live) get(ctx context.Context, c *State) (*unstructured.Unstructured, error) {
	ns, name := split(c.Cluster)
	if c.Kind == upgradeplan.KindTKC {
		_, t, err := tkc.Resolve(ctx, l.Dyn, l.API, ns, name)
		return t, err
	}
	return capi.GetCluster(ctx, l.Dyn, l.API, ns, name)
}

// Observed is what a cluster runs now: its version (for a TKC, the TKR
// name), its resourceVersion and whether it is Available.
type Observed struct {
	Version         string
	ResourceVersion string
	Available       bool
}

// Read reads the cluster's current state.
func (l *Live) Read(ctx context.Context, c *State) (Observed, error) {
	u, err := l.get(ctx, c)
	if err != nil {
		return Observed{}, err
	}
	return observed(c, u), nil
}

func observed(c *State, u *unstructured.Unstructured) Observed {
	if c.Kind == upgradeplan.KindTKC {
		v := capi.FromTKC(u)
		return Observed{Version: v.TKR, ResourceVersion: u.GetResourceVersion(), Available: v.Status == capi.StatusAvailable}
	}
	v := capi.FromUnstructured(u)
	return Observed{Version: v.Version, ResourceVersion: u.GetResourceVersion(), Available: v.Status == capi.StatusAvailable}
}

// target is what Read reports once a step is written.
func target(c *State, s upgradeplan.Step) string {
	if c.Kind == upgradeplan.KindTKC {
		return s.TKR
	}
	return s.KubernetesVersion
}

// Upgrade writes one step: the topology version (and TKR label) of a
// Cluster, the TKR of a TanzuKubernetesCluster, refusing a downgrade or a
// skipped minor as 'cluster upgrade' does.
func (l *Live) Upgrade(ctx context.Context, c *State, s upgradeplan.Step) error {
	ns, name := split(c.Cluster)
	if c.Kind == upgradeplan.KindTKC {
		u, err := l.get(ctx, c)
		if err != nil {
			return err
		}
		full := strings.Replace(s.TKR, "---", "+", 1)
		_, _, err = tkc.Update(ctx, l.Dyn, u, false, func(u *unstructured.Unstructured) error { return tkc.SetTKR(u, s.TKR, full) })
		return err
	}
	_, _, err := capi.UpdateCluster(ctx, l.Dyn, l.API, ns, name, false, func(u *unstructured.Unstructured) error {
		current, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "version")
		if err := capi.UpgradeCheck(current, s.KubernetesVersion); err != nil {
			return err
		}
		return capi.SetVersion(u, s.KubernetesVersion, s.TKR)
	})
	return err
}

// Wait follows the cluster by watch until it is Available at the step's
// version with every machine on it; progress gets machines rolled / total.
func (l *Live) Wait(ctx context.Context, c *State, s upgradeplan.Step, timeout time.Duration, progress func(rolled, total int)) error {
	ns, name := split(c.Cluster)
	if c.Kind == upgradeplan.KindTKC {
		u, err := l.get(ctx, c)
		if err != nil {
			return err
		}
		_, err = wait.For(ctx, wait.Spec{Client: l.Dyn.Resource(tkc.GVRFor(u)).Namespace(ns), Namespace: ns, Name: name,
			What:    fmt.Sprintf("TanzuKubernetesCluster %s to become Ready at %s", c.Cluster, s.KubernetesVersion),
			Timeout: timeout, Check: tkc.ReadyCheck(s.KubernetesVersion), Summary: tkc.Progress})
		return err
	}
	machines := l.Dyn.Resource(l.API.Resource("machines")).Namespace(ns)
	sel := labels.Set{capi.LabelClusterName: name}.String()
	// Every event of the Cluster (Cluster API writes its status as machines
	// roll) reads the machines, for progress; done once it is Available at
	// the version with every machine on it.
	check := func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return capi.AvailableCheck(u)
		}
		if v, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "version"); v != s.KubernetesVersion {
			return false, fmt.Errorf("cluster %s moved to %s while the run waited for %s: someone else is upgrading it", c.Cluster, v, s.KubernetesVersion)
		}
		list, err := machines.List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return false, err
		}
		rolled := 0
		for _, m := range list.Items {
			if v, _, _ := unstructured.NestedString(m.Object, "spec", "version"); v == s.KubernetesVersion {
				rolled++
			}
		}
		if progress != nil {
			progress(rolled, len(list.Items))
		}
		available, err := capi.AvailableCheck(u)
		return available && rolled == len(list.Items), err
	}
	_, err := wait.For(ctx, wait.Spec{Client: l.Dyn.Resource(l.API.Clusters()).Namespace(ns), Namespace: ns, Name: name,
		What:    fmt.Sprintf("cluster %s to become Available at %s with every machine on it", c.Cluster, s.KubernetesVersion),
		Timeout: timeout, Check: check, Summary: capi.Progress})
	return err
}

// Backup takes a Velero backup of the whole workload cluster and waits
// until Velero completes it; a rerun with the same name waits for it again.
func (l *Live) Backup(ctx context.Context, c *State, name string, timeout time.Duration) error {
	ns, cluster := split(c.Cluster)
	wc, err := l.Connect(ctx, ns, cluster)
	if err != nil {
		return err
	}
	spec, err := backup.SpecFor(backup.ScopeOptions{})
	if err != nil {
		return err
	}
	b, err := backup.NewBackup(l.VeleroNamespace, name, spec)
	if err != nil {
		return err
	}
	created, err := backup.CreateBackup(ctx, wc.Dynamic, b, false)
	if apierrors.IsAlreadyExists(err) {
		// A resume waits for the backup it started.
		created, err = backup.Get(ctx, wc.Dynamic, backup.Backups, l.VeleroNamespace, name)
	}
	if err != nil {
		return err
	}
	last, err := wait.For(ctx, backup.WaitSpec(wc.Dynamic, created, timeout, nil))
	if err != nil {
		return err
	}
	return backup.OutcomeOf(last).Err()
}

// Health is the health gate: the errors 'observe health' reads from the
// workload cluster, as the plan words them ("" when it is healthy).
func (l *Live) Health(ctx context.Context, c *State) (string, error) {
	ns, name := split(c.Cluster)
	wc, err := l.Connect(ctx, ns, name)
	if err != nil {
		return "", err
	}
	h, err := observe.ReadHealth(ctx, wc, metav1.NamespaceAll)
	if err != nil {
		return "", err
	}
	if f, ok := upgradeplan.HealthFinding(h, &upgradeplan.Cluster{Namespace: ns, Name: name, Kind: c.Kind}); ok {
		return f.Cause + "; " + f.Fix, nil
	}
	return "", nil
}
