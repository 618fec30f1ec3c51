// Package groups is the domain logic of `kubectl tko cluster group`: a
// cluster group is a label selector over the workload clusters of a
// management cluster, and the intents attached to it (cluster policies,
// Velero schedules) are held in every member by kapp-controller: one App
// per member and intent in the management cluster, deploying through the
// member's kubeconfig Secret and re-applying on every sync period. The CLI
// authors the intent; kapp-controller keeps it. No command-line code.
package groups

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// A group is stored as a ConfigMap in Namespace of the management cluster,
// not as a CRD of ours: a ConfigMap needs nothing installed first and
// works on every management cluster, and the few fields of a group (a
// selector, a list of intents) need no schema the API server enforces —
// this package checks them whole before anything is written.
const (
	Namespace = "tko-system"
	// LabelGroup marks a group's ConfigMap, its Apps and every object its
	// Apps deploy with the group's name.
	LabelGroup = kube.Domain + "/group"
	// LabelIntent names the intent an App holds.
	LabelIntent = kube.Domain + "/intent"
	// LabelIntentKind is the kind of that intent (policy, backup-schedule).
	LabelIntentKind = kube.Domain + "/intent-kind"

	keySelector = "selector"
	keyIntents  = "intents.json"
	keyCreated  = "created"
)

// The resources a group reads and writes on the management cluster.
var (
	ConfigMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	Namespaces = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	Secrets    = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
)

// The kinds of intent a group holds.
const (
	KindPolicy   = "policy"
	KindSchedule = "backup-schedule"
	KindPackage  = "package"
	KindStack    = "stack"
)

// DefaultSyncPeriod is how often kapp-controller re-applies an intent.
const DefaultSyncPeriod = time.Minute

// Group is one cluster group.
type Group struct {
	Name     string
	Selector string
	Intents  []Intent
	Created  time.Time
}

// Intent is one thing attached to a group, kept in every member.
type Intent struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	SyncPeriod string `json:"syncPeriod"`
	// Policy is the ClusterPolicy of a policy intent.
	Policy *policy.Policy `json:"policy,omitempty"`
	// HoldLabels has kapp hold a security policy's Pod Security labels
	// too, deploying the namespaces with kapp's orphan delete strategy.
	HoldLabels bool `json:"holdNamespaceLabels,omitempty"`
	// Schedule is the Velero Schedule of a backup-schedule intent.
	Schedule map[string]any `json:"schedule,omitempty"`
	// Package is the package install of a package intent.
	Package *PackageIntent `json:"package,omitempty"`
	// Stack is the package installs of a stack intent.
	Stack *StackIntent `json:"stack,omitempty"`
}

// StackIntent is a PackageStack kept in every member as one App: its
// installs, each resolved at attach, in the order kapp deploys them.
type StackIntent struct {
	Installs []PackageIntent `json:"installs"`
}

func (s *StackIntent) dependencies() bool {
	return slices.ContainsFunc(s.Installs, func(p PackageIntent) bool { return len(p.DependsOn) > 0 })
}

// PackageIntent is a package installed in every member by the member's
// own kapp-controller, from a PackageInstall the group's App keeps there.
type PackageIntent struct {
	// Name is the PackageInstall's: a stack's install; a package intent's
	// is the intent's name.
	Name    string `json:"name,omitempty"`
	RefName string `json:"refName"`
	// Version is the version resolved (and the values checked against)
	// at attach; Constraint is what the PackageInstall selects.
	Version    string   `json:"version"`
	Constraint string   `json:"constraint"`
	Namespace  string   `json:"namespace"`
	DependsOn  []string `json:"dependsOn,omitempty"`
	// Values are kept in the group's values Secret, never in its
	// ConfigMap; ValuesFrom names the Secret's key.
	Values     *carvel.Values `json:"-"`
	ValuesFrom *SecretKey     `json:"valuesFrom,omitempty"`
}

// SecretKey names a key of a Secret in Namespace.
type SecretKey struct {
	Secret string `json:"secret"`
	Key    string `json:"key"`
}

// String is how a group prints where values are kept.
func (k *SecretKey) String() string {
	return fmt.Sprintf("(in Secret %s/%s, key %s)", Namespace, k.Secret, k.Key)
}

// ID names an intent in rows and labels: kind/name.
func (i Intent) ID() string { return i.Kind + "/" + i.Name }

// Describe says in one line what an intent keeps.
func (i Intent) Describe() string {
	switch {
	case i.Policy != nil:
		return i.Policy.Spec.Type + " policy: " + i.Policy.Describe()
	case i.Schedule != nil:
		cron, _, _ := unstructured.NestedString(i.Schedule, "spec", "schedule")
		return "Velero schedule " + cron
	case i.Package != nil:
		return "package " + i.Package.RefName + " " + i.Package.Constraint + " in namespace " + i.Package.Namespace
	case i.Stack != nil:
		names := make([]string, 0, len(i.Stack.Installs))
		for _, p := range i.Stack.Installs {
			names = append(names, p.Name+" ("+p.RefName+")")
		}
		return "package stack: " + strings.Join(names, ", ")
	}
	return i.Kind
}

// Intent returns the intent of a kind and name, if attached.
func (g *Group) Intent(kind, name string) (Intent, bool) {
	i := slices.IndexFunc(g.Intents, func(in Intent) bool { return in.Kind == kind && in.Name == name })
	if i < 0 {
		return Intent{}, false
	}
	return g.Intents[i], true
}

// KappControllerAbsentError says that nothing would reconcile a group's Apps.
type KappControllerAbsentError struct{}

func (*KappControllerAbsentError) Error() string {
	return "kapp-controller does not run in this management cluster: cluster groups need it to hold their intents (TKG installs it on every management cluster; check with 'kubectl get apiservice v1alpha1.data.packaging.carvel.dev')"
}

// Class implements errs.Classed.
func (*KappControllerAbsentError) Class() errs.Class { return errs.ClassNotFound }

// RequireKappController checks that kapp-controller runs: it serves Apps
// (its CRD) and its aggregated Package API, which only the running
// controller registers; the CRDs alone stay after it is gone.
func RequireKappController(served kube.Served) error {
	if !served.Has(carvel.AppGroup) || !served.Has(carvel.DataGroup) {
		return &KappControllerAbsentError{}
	}
	return nil
}

// ValidateName checks a group's name: the name of a ConfigMap and a label value.
func ValidateName(name string) error {
	if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
		return errs.Invalidf("group name %q: %s", name, strings.Join(msgs, "; "))
	}
	return nil
}

// ParseSelector checks a selector of workload clusters.
func ParseSelector(s string) (labels.Selector, error) {
	sel, err := labels.Parse(s)
	if err != nil {
		return nil, errs.Invalidf("--selector %q does not parse: %v", s, err)
	}
	return sel, nil
}

// NotFound is the error of an unknown group.
func NotFound(name string) error {
	return &errs.NotFoundError{Kind: "cluster group", Name: name, Hint: "list them with 'kubectl tko cluster group list'"}
}

func fromConfigMap(u *unstructured.Unstructured) (*Group, error) {
	data, _, _ := unstructured.NestedStringMap(u.Object, "data")
	g := &Group{Name: u.GetName(), Selector: data[keySelector], Created: u.GetCreationTimestamp().Time}
	if raw := data[keyIntents]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &g.Intents); err != nil {
			return nil, fmt.Errorf("reading cluster group %s (configmap %s/%s): %w", g.Name, Namespace, g.Name, err)
		}
	}
	return g, nil
}

// ConfigMap is how a group is stored.
func (g *Group) ConfigMap() *unstructured.Unstructured {
	intents, _ := json.Marshal(g.Intents)
	if g.Intents == nil {
		intents = []byte("[]")
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": g.Name, "namespace": Namespace, "labels": map[string]any{LabelGroup: g.Name}},
		"data":     map[string]any{keySelector: g.Selector, keyIntents: string(intents)},
	}}
}

// Get reads one group.
func Get(ctx context.Context, dyn dynamic.Interface, name string) (*Group, error) {
	u, err := dyn.Resource(ConfigMaps).Namespace(Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) || err == nil && u.GetLabels()[LabelGroup] != name {
		return nil, NotFound(name)
	}
	if err != nil {
		return nil, fmt.Errorf("reading cluster group %s: %w", name, err)
	}
	return fromConfigMap(u)
}

// Select reads the group of that name, or every group when name is "".
func Select(ctx context.Context, dyn dynamic.Interface, name string) ([]*Group, error) {
	if name == "" {
		return List(ctx, dyn)
	}
	g, err := Get(ctx, dyn, name)
	if err != nil {
		return nil, err
	}
	return []*Group{g}, nil
}

// List reads every group, by name.
func List(ctx context.Context, dyn dynamic.Interface) ([]*Group, error) {
	list, err := dyn.Resource(ConfigMaps).Namespace(Namespace).List(ctx, metav1.ListOptions{LabelSelector: LabelGroup})
	if err != nil {
		return nil, fmt.Errorf("listing cluster groups: %w", err)
	}
	out := make([]*Group, 0, len(list.Items))
	for i := range list.Items {
		g, err := fromConfigMap(&list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *Group) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Create stores a new group (and our namespace when missing). A group of
// the same name and selector is left as it is (a rerun converges); one
// with another selector is refused.
func Create(ctx context.Context, dyn dynamic.Interface, g *Group, dryRun bool) (created bool, err error) {
	old, err := Get(ctx, dyn, g.Name)
	switch {
	case err == nil && old.Selector == g.Selector:
		return false, nil
	case err == nil:
		return false, errs.Invalidf("cluster group %s exists with selector %q: delete it first, or pick another name", g.Name, old.Selector)
	}
	var nf *errs.NotFoundError
	if !errors.As(err, &nf) {
		return false, err
	}
	if !dryRun {
		if err := ensureNamespace(ctx, dyn); err != nil {
			return false, err
		}
	}
	_, err = dyn.Resource(ConfigMaps).Namespace(Namespace).Create(ctx, g.ConfigMap(), metav1.CreateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)})
	if apierrors.IsAlreadyExists(err) {
		return false, errs.Invalidf("configmap %s/%s exists and is not a cluster group: pick another name", Namespace, g.Name)
	}
	if err != nil {
		return false, fmt.Errorf("creating cluster group %s: %w", g.Name, err)
	}
	return true, nil
}

func ensureNamespace(ctx context.Context, dyn dynamic.Interface) error {
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": Namespace}}}
	_, err := dyn.Resource(Namespaces).Create(ctx, ns, metav1.CreateOptions{FieldManager: kube.FieldManager})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", Namespace, err)
	}
	return nil
}

// Save writes a group's intents back (the selector does not change): the
// values Secret first, so that the ConfigMap never names a key not there.
func Save(ctx context.Context, dyn dynamic.Interface, g *Group) error {
	if err := saveValues(ctx, dyn, g); err != nil {
		return err
	}
	_, err := dyn.Resource(ConfigMaps).Namespace(Namespace).Apply(ctx, g.Name, g.ConfigMap(), metav1.ApplyOptions{FieldManager: kube.FieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("saving cluster group %s: %w", g.Name, err)
	}
	return nil
}

// DeleteConfigMap removes a group's record; its Apps go first (Detach).
func DeleteConfigMap(ctx context.Context, dyn dynamic.Interface, name string, dryRun bool) error {
	err := dyn.Resource(ConfigMaps).Namespace(Namespace).Delete(ctx, name, metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting cluster group %s: %w", name, err)
	}
	err = dyn.Resource(Secrets).Namespace(Namespace).Delete(ctx, ValuesSecretName(name), metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting the values of cluster group %s: %w", name, err)
	}
	return nil
}
