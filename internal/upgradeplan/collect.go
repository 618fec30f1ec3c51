package upgradeplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
)

// Source is the management cluster the plan reads, and how it reaches a
// workload cluster (through its kubeconfig Secret; tests replace it).
type Source struct {
	Dyn     dynamic.Interface
	API     capi.API
	Server  string
	Connect func(ctx context.Context, namespace, name string) (*kube.Clients, error)
}

// Options are what the plan is asked for.
type Options struct {
	Namespace       string // of the clusters; "" for all
	Names           []string
	Selector        string // a label selector over Clusters and TanzuKubernetesClusters
	Target          string // --to; "" for the next minor
	Canary          labels.Selector
	WaveSize        WaveSize
	BackupMaxAge    time.Duration
	VeleroNamespace string
	Fleet           fleet.Options // bounds the reads of workload clusters
	Spec            Spec          // the flags as given, recorded in the plan
	Now             time.Time
}

// Build reads the management cluster and every selected workload cluster
// and returns the plan. A workload cluster that cannot be read is a
// blocker of its row; a target no release offers, or older than a
// selected cluster, is an error before any workload cluster is read.
func Build(ctx context.Context, src Source, o Options) (*Plan, error) {
	releases, served, err := tkc.Releases(ctx, src.Dyn, src.API)
	if err != nil {
		return nil, err
	}
	var target *Release
	if o.Target != "" {
		r, err := ResolveTarget(releases, served, o.Target)
		if err != nil {
			return nil, err
		}
		target = &r
	}
	mgmt, err := managementCluster(ctx, src)
	if err != nil {
		return nil, err
	}
	objs, err := selectClusters(ctx, src, o)
	if err != nil {
		return nil, err
	}
	plan := &Plan{APIVersion: APIVersion, Kind: Kind, Metadata: Metadata{GeneratedAt: o.Now.UTC(), Server: src.Server},
		Spec: o.Spec, Management: mgmt, Clusters: make([]Cluster, len(objs))}
	var below []string
	for i, u := range objs {
		c, err := planOne(ctx, src, u, releases, target, mgmt)
		var b *BelowCurrentError
		if errors.As(err, &b) {
			below = append(below, fmt.Sprintf("%s (%s)", c.Key(), c.CurrentVersion))
			continue
		}
		if err != nil {
			return nil, err
		}
		c.Canary = o.Canary != nil && !o.Canary.Empty() && o.Canary.Matches(labels.Set(u.GetLabels()))
		plan.Clusters[i] = c
	}
	if len(below) > 0 {
		return nil, &BelowCurrentError{Target: o.Target, Clusters: below}
	}
	readWorkloads(ctx, src, plan, o, kappVersions(ctx, src, plan))
	plan.Waves = AssignWaves(plan.Clusters, o.WaveSize)
	return plan, nil
}

// managementCluster finds the management cluster's own Cluster (nil on a
// Supervisor, which has none).
func managementCluster(ctx context.Context, src Source) (*Management, error) {
	list, err := src.Dyn.Resource(src.API.Clusters()).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing clusters: %w", err)
	}
	for i := range list.Items {
		if v := capi.FromUnstructured(&list.Items[i]); v.Role == "management" {
			return &Management{Namespace: v.Namespace, Name: v.Name, Version: v.Version, Note: ManagementNote}, nil
		}
	}
	return nil, nil
}

// selectClusters lists the workload clusters to plan: Clusters and
// TanzuKubernetesClusters of the namespace matching the selector, or the
// named ones. Management and deleting clusters are never planned; a
// Cluster standing for a TanzuKubernetesCluster is planned as the latter.
func selectClusters(ctx context.Context, src Source, o Options) ([]*unstructured.Unstructured, error) {
	list, err := src.Dyn.Resource(src.API.Clusters()).Namespace(o.Namespace).List(ctx, metav1.ListOptions{LabelSelector: o.Selector})
	if err != nil {
		return nil, fmt.Errorf("listing clusters: %w", err)
	}
	byKey := map[string]*unstructured.Unstructured{}
	var management []string
	for i := range list.Items {
		u := &list.Items[i]
		v := capi.FromUnstructured(u)
		switch {
		case v.Role == "management":
			management = append(management, u.GetName())
		case v.Deleting, tkc.BehindTKC(u):
		default:
			byKey[u.GetNamespace()+"/"+u.GetName()] = u
		}
	}
	if gvr, ok := src.API.GroupResource(tkc.Group, tkc.Resource); ok {
		tkcs, err := src.Dyn.Resource(gvr).Namespace(o.Namespace).List(ctx, metav1.ListOptions{LabelSelector: o.Selector})
		if err != nil && !isNotServed(err) {
			return nil, fmt.Errorf("listing TanzuKubernetesClusters: %w", err)
		}
		if err == nil {
			for i := range tkcs.Items {
				if u := &tkcs.Items[i]; u.GetDeletionTimestamp() == nil {
					byKey[u.GetNamespace()+"/"+u.GetName()] = u
				}
			}
		}
	}
	var out []*unstructured.Unstructured
	if len(o.Names) == 0 {
		for _, u := range byKey {
			out = append(out, u)
		}
	}
	var missing []string
	for _, name := range o.Names {
		found := false
		for _, u := range byKey {
			if u.GetName() == name {
				out, found = append(out, u), true
			}
		}
		switch {
		case !found && slices.Contains(management, name):
			return nil, errs.Invalidf("%s is the management cluster: it is upgraded by its own procedure (tanzu management-cluster upgrade), never in a plan", name)
		case !found:
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, &errs.NotFoundError{Kind: "workload cluster", Name: strings.Join(missing, ","), Namespace: o.Namespace,
			Hint: "list them with 'kubectl tko cluster list -A' and pass the namespace with -n"}
	}
	if len(out) == 0 {
		return nil, &errs.NotFoundError{Kind: "workload cluster", Name: "any", Namespace: o.Namespace,
			Hint: "pass --all-workload-clusters, -n NAMESPACE or a --cluster-selector that matches some"}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].GetNamespace()+"/"+out[i].GetName() < out[j].GetNamespace()+"/"+out[j].GetName()
	})
	return out, nil
}

// planOne plans one cluster from what the management cluster knows: its
// chain of steps, its releases' and its health's blockers.
func planOne(ctx context.Context, src Source, u *unstructured.Unstructured, releases []Release, target *Release, mgmt *Management) (Cluster, error) {
	c := Cluster{Namespace: u.GetNamespace(), Name: u.GetName(), Kind: KindCluster, ResourceVersion: u.GetResourceVersion(),
		Steps: []Step{}, Blockers: []Finding{}}
	var view capi.Cluster
	if u.GetKind() == tkc.Kind {
		view = capi.FromTKC(u)
		c.Kind, c.CurrentTKR = KindTKC, view.TKR
		c.CurrentVersion = capi.KubernetesVersionOfTKR(view.TKR)
		if r, ok := tkc.Find(releases, view.TKR); ok {
			c.CurrentVersion = r.Kubernetes
		}
	} else {
		view = capi.FromUnstructured(u)
		c.CurrentVersion, c.CurrentTKR = view.Version, view.TKR
	}
	steps, findings, err := Chain(c.CurrentVersion, releases, target)
	if err != nil {
		return c, err
	}
	if steps != nil {
		c.Steps = steps
	}
	c.Blockers = append(c.Blockers, findings...)
	if len(c.Steps) == 0 {
		// Nothing to upgrade: nothing to block.
		return c, nil
	}
	if c.Kind == KindCluster {
		if f, ok := ManagementFinding(mgmt, c.Final()); ok {
			c.block(f)
		}
	}
	if view.Status != capi.StatusAvailable {
		cause := fmt.Sprintf("the cluster is %s", view.Status)
		if view.Message != "" {
			cause += ": " + view.Message
		}
		c.block(Finding{Code: CodeNotHealthy, Object: c.Kind + "/" + c.Key(), Cause: cause,
			Fix: fmt.Sprintf("bring it back to Available first (kubectl tko cluster describe %s -n %s)", c.Name, c.Namespace)})
	}
	if c.Kind == KindCluster {
		tree, err := capi.BuildTree(ctx, src.Dyn, src.API, u)
		if err != nil {
			return c, err
		}
		treeFindings(&c, u, tree)
	}
	return c, nil
}

// treeFindings blocks on machines that are not ready and warns of node
// pools no MachineHealthCheck watches (a machine that fails mid-upgrade
// would never be replaced).
func treeFindings(c *Cluster, u *unstructured.Unstructured, tree *capi.Tree) {
	var notReady []string
	total := 0
	tree.Root.Walk(func(n *capi.Node, _ string) {
		if n.Kind != "Machine" {
			return
		}
		total++
		if n.Ready != "True" {
			notReady = append(notReady, n.Name)
		}
	})
	if len(notReady) > 0 {
		shown := notReady
		if len(shown) > 3 {
			shown = append(shown[:3:3], "...")
		}
		c.block(Finding{Code: CodeMachinesNotReady, Object: "Cluster/" + c.Key(),
			Cause: fmt.Sprintf("%d of %d machines are not ready: %s", len(notReady), total, strings.Join(shown, ", ")),
			Fix:   fmt.Sprintf("let them become ready or be remediated before a rolling upgrade (kubectl tko cluster describe %s -n %s)", c.Name, c.Namespace)})
	}
	covered := map[string]bool{}
	for _, m := range tree.MachineHealthChecks {
		for _, p := range m.Pools {
			covered[p] = true
		}
	}
	mds, _, _ := unstructured.NestedSlice(u.Object, "spec", "topology", "workers", "machineDeployments")
	for _, md := range mds {
		m, _ := md.(map[string]any)
		name, _ := m["name"].(string)
		if name == "" || covered[name] || topologyHealthCheck(m) {
			continue
		}
		c.warn(Finding{Code: CodeNoHealthCheck, Object: "Cluster/" + c.Key() + " pool " + name,
			Cause: fmt.Sprintf("node pool %s has no MachineHealthCheck: a machine that fails during the upgrade is never replaced", name),
			Fix:   fmt.Sprintf("kubectl tko cluster mhc set %s -n %s --node-pool %s", c.Name, c.Namespace, name)})
	}
}

// topologyHealthCheck reports a topology entry whose health check Cluster
// API creates (healthCheck.enabled in v1beta2, machineHealthCheck.enable in v1beta1).
func topologyHealthCheck(m map[string]any) bool {
	if hc, ok := m["healthCheck"].(map[string]any); ok && hc["enabled"] == true {
		return true
	}
	hc, ok := m["machineHealthCheck"].(map[string]any)
	return ok && hc["enable"] == true
}

// kappVersions reads the kapp-controller version each final release
// bundles, from its bootstrap packages.
func kappVersions(ctx context.Context, src Source, plan *Plan) map[string]string {
	out := map[string]string{}
	gvr, ok := src.API.GroupResource(tkc.Group, "tanzukubernetesreleases")
	if !ok {
		return out
	}
	for _, c := range plan.Clusters {
		if len(c.Steps) == 0 {
			continue
		}
		name := c.Steps[len(c.Steps)-1].TKR
		if _, done := out[name]; done || name == "" {
			continue
		}
		out[name] = ""
		u, err := src.Dyn.Resource(gvr).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			continue
		}
		pkgs, _, _ := unstructured.NestedSlice(u.Object, "spec", "bootstrapPackages")
		var names []string
		for _, p := range pkgs {
			if m, ok := p.(map[string]any); ok {
				n, _ := m["name"].(string)
				names = append(names, n)
			}
		}
		out[name] = KappControllerVersion(names)
	}
	return out
}
