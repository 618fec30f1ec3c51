package policy

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// Drift is one object of a policy that is not as the policy wants it.
type Drift struct {
	Object string `json:"object"`
	State  string `json:"state"` // missing, changed, extra
	Detail string `json:"detail,omitempty"`
}

// Violation is an existing pod the API server would now refuse.
type Violation struct {
	Namespace string `json:"namespace"`
	Pod       string `json:"pod"`
	Message   string `json:"message"`
}

// Status is a policy's state on one cluster.
type Status struct {
	Policy     string      `json:"policy"`
	Type       string      `json:"type"`
	Namespaces []string    `json:"namespaces"`
	Drift      []Drift     `json:"drift,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
}

// State sums a status up: Applied, Drifted, or Violated.
func (s *Status) State() string {
	switch {
	case len(s.Drift) > 0:
		return "Drifted"
	case len(s.Violations) > 0:
		return "Violated"
	}
	return "Applied"
}

// StatusOf compares a recorded policy with the cluster: the objects it would
// write now (namespaces of its scope resolved again, so a new namespace
// that the policy should govern shows as missing), those it wrote and no
// longer needs (extra), and the fields of ours someone changed by hand.
// With pods, existing pods are also checked against it (see Violations).
func StatusOf(ctx context.Context, dyn dynamic.Interface, rec *Record, pods bool) (*Status, error) {
	p := rec.Policy
	st := &Status{Policy: p.Name(), Type: p.Spec.Type}
	nss, err := Governed(ctx, dyn, p)
	if err != nil {
		return nil, err
	}
	st.Namespaces = nss
	want := Render(p, nss)
	if len(nss) == 0 {
		want = nil
	}
	for _, obj := range want {
		live, err := get(ctx, dyn, obj)
		if err != nil {
			return nil, err
		}
		switch {
		case live == nil:
			st.Drift = append(st.Drift, Drift{Object: Ref(obj), State: "missing"})
		case obj.GetKind() == "Namespace" && live.GetLabels()[LabelPolicy] != p.Name():
			st.Drift = append(st.Drift, Drift{Object: Ref(obj), State: "missing", Detail: "the namespace does not carry the policy's labels"})
		default:
			if d := difference(obj, live); d != "" {
				st.Drift = append(st.Drift, Drift{Object: Ref(obj), State: "changed", Detail: d})
			}
		}
	}
	owned, err := Owned(ctx, dyn, p.Name(), p.Spec.Type)
	if err != nil {
		return nil, err
	}
	for _, u := range owned {
		if !slices.ContainsFunc(want, func(o *unstructured.Unstructured) bool { return Ref(o) == Ref(u) }) {
			st.Drift = append(st.Drift, Drift{Object: Ref(u), State: "extra", Detail: "no longer in the policy's scope"})
		}
	}
	if pods {
		st.Violations, err = Violations(ctx, dyn, p, nss)
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// changed reports whether a live object differs from what we apply.
func changed(desired, live *unstructured.Unstructured) bool { return difference(desired, live) != "" }

// difference says which field of ours differs on the live object: our
// labels, and every field of the spec we set (fields the API server
// defaulted are not ours and not compared).
func difference(desired, live *unstructured.Unstructured) string {
	have := ourLabels(live)
	for k, v := range ourLabels(desired) {
		if have[k] != v {
			return fmt.Sprintf("label %s is %q, the policy sets %q", k, have[k], v)
		}
	}
	if spec, ok := desired.Object["spec"]; ok {
		if path, ok := subset(spec, live.Object["spec"], "spec"); !ok {
			return path + " was changed"
		}
	}
	return ""
}

// subset reports whether every value of want is in have, and where not.
func subset(want, have any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return path, len(w) == 0 && have == nil
		}
		for k, v := range w {
			if p, ok := subset(v, h[k], path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		h, ok := have.([]any)
		if !ok || len(h) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := subset(w[i], h[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	return path, reflect.DeepEqual(fmt.Sprint(want), fmt.Sprint(have))
}

// Violations lists the existing pods of the governed namespaces that the
// API server would refuse under the policy as it is now in force. The
// method is the API server's own answer, not a re-implementation of its
// rules: each pod is submitted again as a server-side dry-run create (a
// copy with a generated name, without its ephemeral containers, which a
// create may not carry). Pod Security Admission and the policy's
// ValidatingAdmissionPolicy judge it exactly as they would a new pod;
// nothing is stored. Only refusals from this policy count: those of Pod
// Security or the policy's ValidatingAdmissionPolicy for a security policy,
// those naming the policy's ValidatingAdmissionPolicy for the others. Network and quota
// policies judge no existing pod (a quota counts only new ones).
func Violations(ctx context.Context, dyn dynamic.Interface, p *Policy, namespaces []string) ([]Violation, error) {
	var markers []string
	switch p.Spec.Type {
	case TypeSecurity:
		markers = []string{"violates PodSecurity", p.ObjectName()}
	case TypeImageRegistry, TypeCustom:
		markers = []string{p.ObjectName()}
	default:
		return nil, nil
	}
	var out []Violation
	for _, ns := range namespaces {
		list, err := dyn.Resource(Pods).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing pods in %s: %w", ns, err)
		}
		for i := range list.Items {
			pod := &list.Items[i]
			_, err := dyn.Resource(Pods).Namespace(ns).Create(ctx, podCopy(pod), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			if err == nil || !apierrors.IsForbidden(err) && !apierrors.IsInvalid(err) || !slices.ContainsFunc(markers, func(m string) bool { return strings.Contains(err.Error(), m) }) {
				continue
			}
			out = append(out, Violation{Namespace: ns, Pod: pod.GetName(), Message: refusal(err)})
		}
	}
	return out, nil
}

// podCopy is a pod as a new pod of the same spec.
func podCopy(pod *unstructured.Unstructured) *unstructured.Unstructured {
	spec, _, _ := unstructured.NestedMap(pod.Object, "spec")
	delete(spec, "ephemeralContainers")
	meta := map[string]any{"generateName": pod.GetName() + "-", "namespace": pod.GetNamespace()}
	if l := pod.GetLabels(); len(l) > 0 {
		meta["labels"] = toAnyMap(l)
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}}
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// refusal keeps the API server's reason, without the generated name.
func refusal(err error) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, "is forbidden: "); ok {
		return after
	}
	return msg
}

// QuotaWarnings compares a quota policy with what the running pods of each
// governed namespace already request and limit: a quota below current
// usage refuses every new pod of the namespace until usage drops (existing
// pods stay). It returns one warning per namespace and resource.
func QuotaWarnings(ctx context.Context, dyn dynamic.Interface, plan *Plan) ([]string, error) {
	if plan.Policy.Spec.Type != TypeQuota {
		return nil, nil
	}
	q := plan.Policy.quota()
	keys := []string{"requests.cpu", "limits.cpu", "requests.memory", "limits.memory"}
	var out []string
	for _, ns := range plan.Namespaces {
		list, err := dyn.Resource(Pods).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing pods in %s: %w", ns, err)
		}
		used := usage(list.Items)
		for i, k := range keys {
			if q[i] == "" {
				continue
			}
			hard, err := resource.ParseQuantity(q[i])
			if u := used[k]; err == nil && u.Cmp(hard) > 0 {
				out = append(out, fmt.Sprintf("namespace %s already uses %s %s, above the quota's %s: new pods there will be refused until usage drops", ns, k, u.String(), q[i]))
			}
		}
	}
	return out, nil
}

// usage sums the requests and limits of the containers of pods that are
// not finished, as the quota counts them.
func usage(pods []unstructured.Unstructured) map[string]resource.Quantity {
	out := map[string]resource.Quantity{}
	for _, pod := range pods {
		phase, _, _ := unstructured.NestedString(pod.Object, "status", "phase")
		if phase == "Succeeded" || phase == "Failed" {
			continue
		}
		containers, _, _ := unstructured.NestedSlice(pod.Object, "spec", "containers")
		for _, c := range containers {
			for _, kind := range []string{"requests", "limits"} {
				res, _, _ := unstructured.NestedStringMap(c.(map[string]any), "resources", kind)
				for _, r := range []string{"cpu", "memory"} {
					if v, err := resource.ParseQuantity(res[r]); err == nil && res[r] != "" {
						sum := out[kind+"."+r]
						sum.Add(v)
						out[kind+"."+r] = sum
					}
				}
			}
		}
	}
	return out
}
