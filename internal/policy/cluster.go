package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Requirement is what policy commands need a cluster to serve: the
// admission policies of Kubernetes 1.30 and later.
var Requirement = kube.Requirement{Group: "admissionregistration.k8s.io", Name: "admissionregistration.k8s.io (ValidatingAdmissionPolicy)",
	Hint: "policies need Kubernetes 1.30 or later"}

// Plan is a policy made concrete for one cluster: the namespaces it
// governs there and the objects it becomes.
type Plan struct {
	Policy     *Policy
	Namespaces []string
	Objects    []*unstructured.Unstructured
}

// Governed resolves the namespaces a policy governs on a cluster: those
// named that exist (all when none are named, except the system ones),
// narrowed by the selector.
func Governed(ctx context.Context, dyn dynamic.Interface, p *Policy) ([]string, error) {
	list, err := dyn.Resource(Namespaces).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing namespaces: %w", err)
	}
	sel := labels.Everything()
	if p.Spec.Scope.NamespaceSelector != nil {
		if sel, err = metav1.LabelSelectorAsSelector(p.Spec.Scope.NamespaceSelector); err != nil {
			return nil, errs.Invalidf("spec.scope.namespaceSelector: %v", err)
		}
	}
	named := p.Spec.Scope.Namespaces
	var out []string
	for _, ns := range list.Items {
		n := ns.GetName()
		switch {
		case len(named) > 0 && !slices.Contains(named, n):
		case len(named) == 0 && IsSystemNamespace(n):
		case ns.GetDeletionTimestamp() != nil:
		case sel.Matches(labels.Set(ns.GetLabels())):
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// PlanOn makes a policy concrete for a cluster and checks that it can take
// it: the scope selects a namespace, and no object the policy would write
// belongs to someone else (an object of that name not written by this
// policy; a namespace governed by another security policy, or whose Pod
// Security labels someone else set). Every conflict is returned at once.
func PlanOn(ctx context.Context, dyn dynamic.Interface, p *Policy) (*Plan, error) {
	nss, err := Governed(ctx, dyn, p)
	if err != nil {
		return nil, err
	}
	if len(nss) == 0 {
		return nil, errs.Invalidf("policy %s selects no namespace on this cluster (scope: %s)", p.Name(), ScopeText(p.Spec.Scope))
	}
	plan := &Plan{Policy: p, Namespaces: nss, Objects: Render(p, nss)}
	var problems []errs.Problem
	for _, obj := range plan.Objects {
		live, err := get(ctx, dyn, obj)
		if err != nil {
			return nil, err
		}
		if live == nil {
			continue
		}
		owner := live.GetLabels()[LabelPolicy]
		switch {
		case obj.GetKind() == "Namespace" && owner != "" && owner != p.Name():
			problems = append(problems, errs.Problem{Path: Ref(obj), Message: fmt.Sprintf("governed by security policy %s: delete that policy or leave the namespace out of this one's scope", owner)})
		case obj.GetKind() == "Namespace" && owner == "" && live.GetLabels()[LabelEnforce] != "":
			problems = append(problems, errs.Problem{Path: Ref(obj), Message: fmt.Sprintf("already has %s=%s, not set by a policy: remove the label or leave the namespace out of the scope", LabelEnforce, live.GetLabels()[LabelEnforce])})
		case obj.GetKind() != "Namespace" && owner != p.Name():
			problems = append(problems, errs.Problem{Path: Ref(obj), Message: "exists and was not written by this policy: rename the policy or delete the object"})
		}
	}
	if len(problems) > 0 {
		return nil, errs.Problems("policy "+p.Name(), "applied", problems)
	}
	return plan, nil
}

// ScopeText renders a scope in one line.
func ScopeText(s NamespaceScope) string {
	var parts []string
	if len(s.Namespaces) > 0 {
		parts = append(parts, "namespaces "+strings.Join(s.Namespaces, ","))
	}
	if s.NamespaceSelector != nil {
		if sel, err := metav1.LabelSelectorAsSelector(s.NamespaceSelector); err == nil && !sel.Empty() {
			parts = append(parts, "selector "+sel.String())
		}
	}
	if len(parts) == 0 {
		return "all but system namespaces"
	}
	return strings.Join(parts, "; ")
}

func get(ctx context.Context, dyn dynamic.Interface, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	live, err := dyn.Resource(Resource(obj)).Namespace(obj.GetNamespace()).Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", Ref(obj), err)
	}
	return live, nil
}

// Action is what happened (or would happen) to one object.
type Action struct {
	Object *unstructured.Unstructured `json:"-"`
	Ref    string                     `json:"object"`
	Verb   string                     `json:"action"` // created, configured, unchanged, deleted
}

// Result is the outcome of applying a policy to one cluster.
type Result struct {
	Actions []Action `json:"actions"`
	// Warnings are what the API server said while applying: with a
	// security policy, the existing pods that violate the new level.
	Warnings []string `json:"warnings,omitempty"`
}

// WarningClient returns a dynamic client of the cluster that keeps the API
// server's warnings (the Warning headers) instead of logging them.
func WarningClient(c *kube.Clients) (dynamic.Interface, *Warnings, error) {
	w := &Warnings{}
	if c.Config == nil {
		return c.Dynamic, w, nil
	}
	cfg := rest.CopyConfig(c.Config)
	cfg.WarningHandler = w
	dyn, err := dynamic.NewForConfig(cfg)
	return dyn, w, err
}

// Warnings collects the API server's warnings.
type Warnings struct {
	mu   sync.Mutex
	list []string
}

// HandleWarningHeader implements rest.WarningHandler.
func (w *Warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.list, text) {
		w.list = append(w.list, text)
	}
}

// Take returns the warnings collected so far and forgets them.
func (w *Warnings) Take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.list
	w.list = nil
	return out
}

// Apply writes the objects of every plan with server-side apply (field
// manager kubectl-tko), then removes what each policy wrote earlier and no
// longer needs (a namespace that left the scope), then records each policy
// in tko-policies. A rerun converges: unchanged objects say so. When one
// object fails, every object this run changed, of every plan, is put back
// as it was (new ones deleted), nothing is recorded, and the error says
// what was rolled back. With dryRun the API server checks every object and
// stores nothing.
func Apply(ctx context.Context, dyn dynamic.Interface, plans []*Plan, dryRun bool) (*Result, error) {
	res := &Result{}
	var applied [][2]*unstructured.Unstructured // desired, before
	opts := metav1.ApplyOptions{FieldManager: kube.FieldManager, Force: true, DryRun: kube.DryRun(dryRun)}
	for _, plan := range plans {
		objs := slices.Clone(plan.Objects)
		sortObjects(objs)
		for _, obj := range objs {
			before, err := get(ctx, dyn, obj)
			if err == nil {
				var after *unstructured.Unstructured
				after, err = dyn.Resource(Resource(obj)).Namespace(obj.GetNamespace()).Apply(ctx, obj.GetName(), obj, opts)
				if err == nil {
					verb := wouldDo(obj, before)
					if !dryRun && before != nil {
						// What was stored, not what we compare, says whether it changed.
						verb = "configured"
						if after.GetResourceVersion() == before.GetResourceVersion() {
							verb = "unchanged"
						}
					}
					res.Actions = append(res.Actions, Action{Object: after, Ref: Ref(obj), Verb: verb})
					applied = append(applied, [2]*unstructured.Unstructured{obj, before})
					continue
				}
			}
			failure := fmt.Errorf("%s: %w", Ref(obj), err)
			if dryRun {
				return nil, failure
			}
			return nil, rollback(ctx, dyn, plan.Policy.Name(), applied, failure)
		}
	}
	for _, plan := range plans {
		pruned, err := prune(ctx, dyn, plan, dryRun)
		if err != nil {
			return nil, err
		}
		res.Actions = append(res.Actions, pruned...)
	}
	if !dryRun {
		for _, plan := range plans {
			if err := writeRecord(ctx, dyn, plan); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// wouldDo says what applying desired over the live object would do:
// created, configured or unchanged (live is nil when there is none).
func wouldDo(desired, live *unstructured.Unstructured) string {
	switch {
	case live == nil:
		return "created"
	case changed(desired, live):
		return "configured"
	}
	return "unchanged"
}

// Preview is what applying the plan would do to each of its objects, from
// the live objects alone (a client dry run): nothing is sent to be checked.
func Preview(ctx context.Context, dyn dynamic.Interface, plan *Plan) ([]Action, error) {
	actions := make([]Action, 0, len(plan.Objects))
	for _, obj := range plan.Objects {
		live, err := get(ctx, dyn, obj)
		if err != nil {
			return nil, err
		}
		actions = append(actions, Action{Object: obj, Ref: Ref(obj), Verb: wouldDo(obj, live)})
	}
	return actions, nil
}

// rollback puts back every object applied so far, newest first, and
// returns the failure with what was undone and what could not be.
func rollback(ctx context.Context, dyn dynamic.Interface, policyName string, applied [][2]*unstructured.Unstructured, failure error) error {
	// The command's context may be the one that ended (Ctrl-C): the
	// rollback runs on its own, bounded.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var undone, stuck []string
	for i := len(applied) - 1; i >= 0; i-- {
		desired, before := applied[i][0], applied[i][1]
		if err := restore(ctx, dyn, desired, before); err != nil {
			stuck = append(stuck, Ref(desired)+" ("+err.Error()+")")
		} else {
			undone = append(undone, Ref(desired))
		}
	}
	where := "applying policy " + policyName + " failed"
	if wait.Stopped(failure) {
		where = "applying policy " + policyName + " was interrupted"
	}
	if len(undone) > 0 {
		where += "; rolled back " + strings.Join(undone, ", ")
	}
	if len(stuck) > 0 {
		where += "; could not roll back " + strings.Join(stuck, ", ")
	}
	return &errs.StepError{Where: where, Err: failure}
}

// restore puts an object back as it was before this run: deleted when it
// is new (for a namespace: our labels removed), else its labels and spec
// as they were.
func restore(ctx context.Context, dyn dynamic.Interface, desired, before *unstructured.Unstructured) error {
	client := dyn.Resource(Resource(desired)).Namespace(desired.GetNamespace())
	if desired.GetKind() == "Namespace" {
		return unlabelNamespace(ctx, dyn, desired.GetName(), before, false)
	}
	if before == nil {
		err := client.Delete(ctx, desired.GetName(), metav1.DeleteOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	patch := map[string]any{"metadata": map[string]any{"labels": before.GetLabels()}, "spec": before.Object["spec"]}
	raw, _ := json.Marshal(patch)
	_, err := client.Patch(ctx, desired.GetName(), types.MergePatchType, raw, metav1.PatchOptions{FieldManager: kube.FieldManager})
	return err
}

// unlabelNamespace removes the labels a security policy set on a
// namespace, or puts back their values of before.
func unlabelNamespace(ctx context.Context, dyn dynamic.Interface, name string, before *unstructured.Unstructured, dryRun bool) error {
	labels := map[string]any{}
	for k := range psaLabels("") {
		labels[k] = nil
	}
	labels[LabelPolicy], labels[LabelType] = nil, nil
	if before != nil {
		for k, v := range ourLabels(before) {
			labels[k] = v
		}
	}
	raw, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": labels}})
	_, err := dyn.Resource(Namespaces).Patch(ctx, name, types.MergePatchType, raw, metav1.PatchOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// Owned lists every object a policy wrote on a cluster, found by our label.
func Owned(ctx context.Context, dyn dynamic.Interface, name, typ string) ([]*unstructured.Unstructured, error) {
	sel := metav1.ListOptions{LabelSelector: LabelPolicy + "=" + name}
	var out []*unstructured.Unstructured
	for _, kind := range kindsOf(typ) {
		gvr := resourceOfGVK[kind]
		list, err := dyn.Resource(gvr).Namespace(metav1.NamespaceAll).List(ctx, sel)
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", gvr.Resource, err)
		}
		for i := range list.Items {
			u := &list.Items[i]
			if kind == "Namespace" && u.GetLabels()[LabelType] != TypeSecurity {
				continue
			}
			u.SetAPIVersion(gvr.GroupVersion().String())
			u.SetKind(kind)
			out = append(out, u)
		}
	}
	return out, nil
}

func kindsOf(typ string) []string {
	switch typ {
	case TypeSecurity:
		return []string{"Namespace", "ValidatingAdmissionPolicyBinding", "ValidatingAdmissionPolicy"}
	case TypeImageRegistry, TypeCustom:
		return []string{"ValidatingAdmissionPolicyBinding", "ValidatingAdmissionPolicy"}
	case TypeNetwork:
		return []string{"NetworkPolicy"}
	case TypeQuota:
		return []string{"ResourceQuota", "LimitRange"}
	}
	return nil
}

// prune removes what the policy wrote earlier and its plan no longer has;
// with dryRun the API server checks each removal.
func prune(ctx context.Context, dyn dynamic.Interface, plan *Plan, dryRun bool) ([]Action, error) {
	owned, err := Owned(ctx, dyn, plan.Policy.Name(), plan.Policy.Spec.Type)
	if err != nil {
		return nil, err
	}
	var out []Action
	for _, u := range owned {
		if slices.ContainsFunc(plan.Objects, func(o *unstructured.Unstructured) bool { return Ref(o) == Ref(u) }) {
			continue
		}
		if err := remove(ctx, dyn, u, dryRun); err != nil {
			return out, err
		}
		out = append(out, Action{Object: u, Ref: Ref(u), Verb: removedVerb(u)})
	}
	return out, nil
}

// removedVerb says what removing an object of a policy does: a namespace
// only loses the labels the policy set.
func removedVerb(u *unstructured.Unstructured) string {
	if u.GetKind() == "Namespace" {
		return "policy labels removed"
	}
	return "deleted"
}

func remove(ctx context.Context, dyn dynamic.Interface, u *unstructured.Unstructured, dryRun bool) error {
	if u.GetKind() == "Namespace" {
		return unlabelNamespace(ctx, dyn, u.GetName(), nil, dryRun)
	}
	err := dyn.Resource(Resource(u)).Namespace(u.GetNamespace()).Delete(ctx, u.GetName(), metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting %s: %w", Ref(u), err)
	}
	return nil
}

// Removal lists what Delete removes on a cluster: every object a policy
// wrote (found by our label; on namespaces, only the labels it set). It
// returns errs.NotFoundError when the cluster has no trace of the policy.
func Removal(ctx context.Context, dyn dynamic.Interface, name string) ([]Action, error) {
	rec, err := GetRecord(ctx, dyn, name)
	if err != nil {
		return nil, err
	}
	owned, err := Owned(ctx, dyn, name, rec.Policy.Spec.Type)
	if err != nil {
		return nil, err
	}
	out := make([]Action, len(owned))
	for i, u := range owned {
		out[i] = Action{Object: u, Ref: Ref(u), Verb: removedVerb(u)}
	}
	return out, nil
}

// Delete removes what Removal lists, then the policy's record. With dryRun
// the API server checks every removal and nothing is removed.
func Delete(ctx context.Context, dyn dynamic.Interface, name string, dryRun bool) ([]Action, error) {
	actions, err := Removal(ctx, dyn, name)
	if err != nil {
		return nil, err
	}
	for i, a := range actions {
		if err := remove(ctx, dyn, a.Object, dryRun); err != nil {
			return actions[:i], err
		}
	}
	err = dyn.Resource(ConfigMaps).Namespace(RecordNamespace).Delete(ctx, name, metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)})
	if err != nil && !apierrors.IsNotFound(err) {
		return actions, fmt.Errorf("deleting the record of policy %s: %w", name, err)
	}
	return actions, nil
}

// Record is a policy as applied to a cluster.
type Record struct {
	Policy     *Policy                    `json:"policy"`
	Namespaces []string                   `json:"namespaces"`
	Applied    metav1.Time                `json:"applied"`
	Object     *unstructured.Unstructured `json:"-"`
}

func writeRecord(ctx context.Context, dyn dynamic.Interface, plan *Plan) error {
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{
		"name": RecordNamespace, "labels": map[string]any{kube.Domain + "/purpose": "policy-records"}}}}
	opts := metav1.ApplyOptions{FieldManager: kube.FieldManager, Force: true}
	if _, err := dyn.Resource(Namespaces).Apply(ctx, RecordNamespace, ns, opts); err != nil {
		return fmt.Errorf("creating namespace %s for the policy records: %w", RecordNamespace, err)
	}
	raw, err := json.Marshal(plan.Policy)
	if err != nil {
		return err
	}
	cm := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{
		"name": plan.Policy.Name(), "namespace": RecordNamespace,
		"labels": map[string]any{LabelPolicy: plan.Policy.Name(), LabelType: plan.Policy.Spec.Type}},
		"data": map[string]any{"policy": string(raw), "namespaces": strings.Join(plan.Namespaces, "\n")}}}
	if _, err := dyn.Resource(ConfigMaps).Namespace(RecordNamespace).Apply(ctx, plan.Policy.Name(), cm, opts); err != nil {
		return fmt.Errorf("recording policy %s: %w", plan.Policy.Name(), err)
	}
	return nil
}

// Records lists the policies applied to a cluster.
func Records(ctx context.Context, dyn dynamic.Interface) ([]*Record, error) {
	list, err := dyn.Resource(ConfigMaps).Namespace(RecordNamespace).List(ctx, metav1.ListOptions{LabelSelector: LabelPolicy})
	if err != nil {
		return nil, fmt.Errorf("listing policies: %w", err)
	}
	var out []*Record
	for i := range list.Items {
		r, err := parseRecord(&list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// NotFound is the error of a policy a cluster (or every target) does not have.
func NotFound(name string) error {
	return &errs.NotFoundError{Kind: "policy", Name: name, Hint: "list them with 'kubectl tko cluster policy list'"}
}

// GetRecord reads the record of one policy.
func GetRecord(ctx context.Context, dyn dynamic.Interface, name string) (*Record, error) {
	u, err := dyn.Resource(ConfigMaps).Namespace(RecordNamespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, NotFound(name)
	}
	if err != nil {
		return nil, fmt.Errorf("reading policy %s: %w", name, err)
	}
	return parseRecord(u)
}

func parseRecord(u *unstructured.Unstructured) (*Record, error) {
	data, _, _ := unstructured.NestedStringMap(u.Object, "data")
	r := &Record{Policy: &Policy{}, Applied: u.GetCreationTimestamp(), Object: u}
	if err := json.Unmarshal([]byte(data["policy"]), r.Policy); err != nil {
		return nil, fmt.Errorf("the record of policy %s in %s cannot be read: %w", u.GetName(), RecordNamespace, err)
	}
	if data["namespaces"] != "" {
		r.Namespaces = strings.Split(data["namespaces"], "\n")
	}
	return r, nil
}
