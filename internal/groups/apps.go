package groups

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// Connect reaches a member's API server through its kubeconfig Secret.
type Connect func(ctx context.Context, m Member) (*kube.Clients, error)

// Rendered is what an intent becomes in one member.
type Rendered struct {
	// Objects are what the member's App deploys: only objects the group
	// creates, so kapp, which deletes what it deployed when the App goes,
	// never owns a namespace or anything else that was there before.
	Objects []*unstructured.Unstructured
	// Secrets are the values Secrets of package installs: deployed from a
	// Secret of the management cluster, never held inline in the App.
	Secrets []*unstructured.Unstructured
	// Namespaces carry the Pod Security labels of a security policy. They
	// are labelled by attach and sync with server-side apply, not deployed
	// by the App: an App that deploys an existing Namespace takes ownership
	// of it and deletes it on detach. With HoldLabels, the App deploys them
	// (orphaned on delete: HoldsNamespaces) except those another kapp app
	// deployed, which stay here.
	Namespaces      []*unstructured.Unstructured
	HoldsNamespaces bool
}

// Render makes an intent concrete for one member. A policy is planned
// against the member (its namespaces, and objects that are someone
// else's), so the member must be reachable; a schedule is the same in
// every member.
func Render(ctx context.Context, g *Group, in Intent, member *kube.Clients) (*Rendered, error) {
	r := &Rendered{}
	switch {
	case in.Policy != nil:
		plan, err := policy.PlanOn(ctx, member.Dynamic, in.Policy)
		if err != nil {
			return nil, err
		}
		var nss []*unstructured.Unstructured
		for _, obj := range plan.Objects {
			if obj.GetKind() == "Namespace" {
				nss = append(nss, obj)
				continue
			}
			r.Objects = append(r.Objects, obj)
		}
		r.Namespaces = nss
		if in.HoldLabels && len(nss) > 0 {
			held, applied, err := holdNamespaces(ctx, member.Dynamic, in.Policy.Name(), nss)
			if err != nil {
				return nil, err
			}
			r.Namespaces, r.HoldsNamespaces = applied, len(held) > 0
			r.Objects = append(r.Objects, held...)
		}
	case in.Schedule != nil:
		// Velero gives each Backup the Schedule's labels, kapp's app label
		// included, unless the template names labels of its own: kapp would
		// then count the Backups as part of the App and refuse to finish
		// deleting it while they exist (backups outlive a detach).
		sched := &unstructured.Unstructured{Object: runtime.DeepCopyJSON(in.Schedule)}
		if err := unstructured.SetNestedStringMap(sched.Object, map[string]string{LabelGroup: g.Name}, "spec", "template", "metadata", "labels"); err != nil {
			return nil, fmt.Errorf("the schedule of intent %s: %w", in.ID(), err)
		}
		r.Objects = append(r.Objects, sched)
	case in.Package != nil || in.Stack != nil:
		objs, secrets, err := PackageObjects(in)
		if err != nil {
			return nil, err
		}
		r.Objects, r.Secrets = objs, secrets
	default:
		return nil, fmt.Errorf("intent %s of group %s holds nothing", in.ID(), g.Name)
	}
	for _, objs := range [][]*unstructured.Unstructured{r.Objects, r.Secrets} {
		for i, obj := range objs {
			if obj.GetKind() == "Namespace" {
				continue // not the group's: it only holds labels on it
			}
			obj = obj.DeepCopy()
			l := obj.GetLabels()
			if l == nil {
				l = map[string]string{}
			}
			l[LabelGroup] = g.Name
			obj.SetLabels(l)
			objs[i] = obj
		}
	}
	if r.HoldsNamespaces {
		r.Objects = append(r.Objects, namespaceRebase())
	}
	return r, nil
}

// AppName is the name of the App holding an intent in a member, in the
// member's namespace of the management cluster.
func AppName(group string, in Intent, m Member) string {
	return "tko-" + group + "-" + in.Name + "-" + m.Name
}

// App is the kapp-controller App that keeps objects in a member: fetched
// inline, passed through ytt (plain YAML stays as it is), deployed by
// kapp through the member's kubeconfig Secret, again every sync period.
// The values Secrets of r are fetched from the App's values Secret
// (MemberValuesName), each of its keys a file: the App holds no value.
func App(g *Group, in Intent, m Member, r *Rendered) (*unstructured.Unstructured, error) {
	docs := make([]string, 0, len(r.Objects))
	for _, obj := range r.Objects {
		raw, err := yaml.Marshal(obj.Object)
		if err != nil {
			return nil, fmt.Errorf("rendering %s/%s: %w", obj.GetKind(), obj.GetName(), err)
		}
		docs = append(docs, string(raw))
	}
	inline := map[string]any{"paths": map[string]any{in.Kind + ".yaml": strings.Join(docs, "---\n")}}
	if len(r.Secrets) > 0 {
		inline["pathsFrom"] = []any{map[string]any{"secretRef": map[string]any{"name": MemberValuesName(AppName(g.Name, in, m))}}}
	}
	labels := map[string]any{LabelGroup: g.Name, LabelIntent: in.Name, LabelIntentKind: in.Kind, kube.LabelCluster: m.Name}
	if r.HoldsNamespaces {
		labels[LabelHoldsNamespaces] = "true"
	}
	period := in.SyncPeriod
	if period == "" {
		period = DefaultSyncPeriod.String()
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": carvel.AppGroup + "/v1alpha1", "kind": "App",
		"metadata": map[string]any{"name": AppName(g.Name, in, m), "namespace": m.Namespace, "labels": labels},
		"spec": map[string]any{
			"syncPeriod": period,
			"cluster":    map[string]any{"kubeconfigSecretRef": map[string]any{"name": m.SecretName(), "key": "value"}},
			"fetch":      []any{map[string]any{"inline": inline}},
			"template":   []any{map[string]any{"ytt": map[string]any{}}},
			// A policy whose only effect is Pod Security labels deploys
			// nothing; kapp refuses an empty set unless told it is meant.
			"deploy": []any{map[string]any{"kapp": map[string]any{"rawOptions": []any{"--dangerous-allow-empty-list-of-resources=true"}}}},
		},
	}}, nil
}

// Change is what a sync did (or would do) to one App.
type Change struct {
	Cluster string // namespace/name of the member
	Intent  string // kind/name
	App     *unstructured.Unstructured
	Verb    string // created, configured, unchanged, deleted, skipped
	Note    string // why skipped
	Err     error
}

// SyncOptions say what a sync writes.
type SyncOptions struct {
	// DryRun has the API server check every write and store nothing;
	// ClientDryRun sends no write at all.
	DryRun, ClientDryRun bool
	// Member reaches members, to plan policies against them.
	Member Connect
}

// Sync makes a group's Apps what its members and intents say: an App per
// member (with a kubeconfig Secret) and intent, written with server-side
// apply (a rerun says "unchanged"), Pod Security labels applied directly,
// and the Apps of clusters that left the group, or of intents detached,
// deleted (kapp-controller then deletes what they deployed). A member that
// fails is a Change with its error; the others go on.
func Sync(ctx context.Context, c *kube.Clients, e *Estate, g *Group, opts SyncOptions) ([]Change, error) {
	members, err := e.Members(g)
	if err != nil {
		return nil, err
	}
	if err := LoadValues(ctx, c.Dynamic, g); err != nil {
		return nil, err
	}
	existing, err := groupApps(ctx, c, g.Name)
	if err != nil {
		return nil, err
	}
	// What should exist, then the Apps that should not go first: a
	// leaver's Pod Security labels are removed before a member's are set
	// (two members may share an API server).
	want := map[string]bool{}
	var ready []Member
	var out []Change
	for _, m := range members {
		switch {
		case len(g.Intents) == 0:
		case !m.Kubeconfig:
			out = append(out, Change{Cluster: m.Key(), Verb: "skipped", Note: fmt.Sprintf("no kubeconfig Secret %s/%s yet: the cluster is not provisioned; sync again once it is", m.Namespace, m.SecretName())})
		default:
			ready = append(ready, m)
			for _, in := range g.Intents {
				want[m.Namespace+"/"+AppName(g.Name, in, m)] = true
			}
		}
	}
	for _, u := range existing {
		if want[u.GetNamespace()+"/"+u.GetName()] {
			continue
		}
		ch := Change{Cluster: u.GetNamespace() + "/" + u.GetLabels()[kube.LabelCluster], Intent: u.GetLabels()[LabelIntentKind] + "/" + u.GetLabels()[LabelIntent], App: u, Verb: "deleted"}
		if !opts.ClientDryRun {
			ch.Err = deleteApp(ctx, c, e, u, opts.DryRun)
			if ch.Err == nil && u.GetLabels()[LabelIntentKind] == KindPolicy {
				if u.GetLabels()[LabelHoldsNamespaces] == "true" && !opts.DryRun {
					waitGone(ctx, c, u, time.Minute)
				}
				_, ch.Err = unlabelLeaver(ctx, e, u, opts)
			}
		}
		out = append(out, ch)
	}
	for _, m := range ready {
		out = append(out, syncMember(ctx, c, g, m, opts)...)
	}
	return out, nil
}

// syncMember writes the Apps of every intent of a group in one member.
func syncMember(ctx context.Context, c *kube.Clients, g *Group, m Member, opts SyncOptions) []Change {
	var out []Change
	var member *kube.Clients
	var connErr error
	needsMember := slices.ContainsFunc(g.Intents, func(in Intent) bool { return in.Policy != nil })
	if needsMember {
		member, connErr = opts.Member(ctx, m)
	}
	for _, in := range g.Intents {
		ch := Change{Cluster: m.Key(), Intent: in.ID()}
		if in.Policy != nil && connErr != nil {
			ch.Err = fmt.Errorf("reaching cluster %s through its kubeconfig Secret: %w", m.Key(), connErr)
			out = append(out, ch)
			continue
		}
		ch.App, ch.Verb, ch.Err = syncIntent(ctx, c, g, in, m, member, opts)
		out = append(out, ch)
	}
	return out
}

func syncIntent(ctx context.Context, c *kube.Clients, g *Group, in Intent, m Member, member *kube.Clients, opts SyncOptions) (*unstructured.Unstructured, string, error) {
	dryRun := opts.DryRun
	r, err := Render(ctx, g, in, member)
	if err != nil {
		return nil, "", err
	}
	if len(r.Namespaces) > 0 && !opts.ClientDryRun {
		if err := labelNamespaces(ctx, member, r.Namespaces, dryRun); err != nil {
			return nil, "", err
		}
	}
	app, err := App(g, in, m, r)
	if err != nil {
		return nil, "", err
	}
	if !opts.ClientDryRun {
		if err := writeMemberValues(ctx, c, g, in, m, r.Secrets, dryRun); err != nil {
			return nil, "", err
		}
	}
	client := c.Dynamic.Resource(carvel.Apps).Namespace(m.Namespace)
	before, err := client.Get(ctx, app.GetName(), metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, "", fmt.Errorf("reading app %s/%s: %w", m.Namespace, app.GetName(), err)
	}
	if err != nil {
		before = nil
	}
	if opts.ClientDryRun {
		if before == nil {
			return app, "created", nil
		}
		return app, "configured", nil
	}
	after, err := client.Apply(ctx, app.GetName(), app, metav1.ApplyOptions{FieldManager: kube.FieldManager, Force: true, DryRun: kube.DryRun(dryRun)})
	if err != nil {
		return nil, "", fmt.Errorf("writing app %s/%s: %w", m.Namespace, app.GetName(), err)
	}
	switch {
	case before == nil:
		return after, "created", nil
	case after.GetGeneration() == before.GetGeneration() && !labelsChanged(before, after):
		return after, "unchanged", nil
	}
	return after, "configured", nil
}

func labelsChanged(a, b *unstructured.Unstructured) bool {
	al, bl := a.GetLabels(), b.GetLabels()
	if len(al) != len(bl) {
		return true
	}
	for k, v := range al {
		if bl[k] != v {
			return true
		}
	}
	return false
}

// labelNamespaces sets a security policy's Pod Security labels with
// server-side apply: our field manager owns those labels and nothing else
// of the namespace.
func labelNamespaces(ctx context.Context, member *kube.Clients, nss []*unstructured.Unstructured, dryRun bool) error {
	for _, ns := range nss {
		_, err := member.Dynamic.Resource(Namespaces).Apply(ctx, ns.GetName(), ns, metav1.ApplyOptions{FieldManager: kube.FieldManager, Force: true, DryRun: kube.DryRun(dryRun)})
		if err != nil {
			return fmt.Errorf("labelling namespace %s: %w", ns.GetName(), err)
		}
	}
	return nil
}

// groupApps lists a group's Apps in every namespace.
func groupApps(ctx context.Context, c *kube.Clients, group string) ([]*unstructured.Unstructured, error) {
	sel := LabelGroup
	if group != "" {
		sel += "=" + group
	}
	list, err := c.Dynamic.Resource(carvel.Apps).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return nil, fmt.Errorf("listing the Apps of cluster groups: %w", err)
	}
	out := make([]*unstructured.Unstructured, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	return out, nil
}

// deleteApp deletes an App. When its member cannot be reached any more
// (no kubeconfig Secret: the cluster is gone), kapp-controller is told
// not to delete in it first, or the App would wait for it forever.
func deleteApp(ctx context.Context, c *kube.Clients, e *Estate, u *unstructured.Unstructured, dryRun bool) error {
	client := c.Dynamic.Resource(carvel.Apps).Namespace(u.GetNamespace())
	ref, _, _ := unstructured.NestedString(u.Object, "spec", "cluster", "kubeconfigSecretRef", "name")
	reachable := slices.ContainsFunc(e.Clusters, func(m Member) bool {
		return m.Namespace == u.GetNamespace() && m.SecretName() == ref && m.Kubeconfig
	})
	if !reachable && !dryRun {
		patch, _ := json.Marshal(map[string]any{"spec": map[string]any{"noopDelete": true}})
		if _, err := client.Patch(ctx, u.GetName(), types.MergePatchType, patch, metav1.PatchOptions{FieldManager: kube.FieldManager}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("marking app %s/%s to leave its gone cluster alone: %w", u.GetNamespace(), u.GetName(), err)
		}
	}
	err := client.Delete(ctx, u.GetName(), metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting app %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	// kapp-controller deletes without fetching: the values can go now.
	return deleteMemberValues(ctx, c, u.GetNamespace(), u.GetName(), dryRun)
}

// unlabelLeaver removes the Pod Security labels a group's security policy
// set in a cluster that left the group (the App kept nothing of them), when
// the cluster can still be reached.
func unlabelLeaver(ctx context.Context, e *Estate, u *unstructured.Unstructured, opts SyncOptions) (string, error) {
	i := slices.IndexFunc(e.Clusters, func(m Member) bool {
		return m.Namespace == u.GetNamespace() && m.Name == u.GetLabels()[kube.LabelCluster] && m.Kubeconfig
	})
	if i < 0 || opts.Member == nil {
		return "", nil
	}
	member, err := opts.Member(ctx, e.Clusters[i])
	if err != nil {
		return "", fmt.Errorf("reaching cluster %s to remove the Pod Security labels of policy %s: %w", e.Clusters[i].Key(), u.GetLabels()[LabelIntent], err)
	}
	return unlabel(ctx, member, u.GetLabels()[LabelIntent], opts.DryRun)
}
