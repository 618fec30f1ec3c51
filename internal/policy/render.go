package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The resources policies write.
var (
	Namespaces    = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	ConfigMaps    = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	Pods          = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	Quotas        = schema.GroupVersionResource{Version: "v1", Resource: "resourcequotas"}
	LimitRanges   = schema.GroupVersionResource{Version: "v1", Resource: "limitranges"}
	NetPols       = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"}
	VAPs          = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingadmissionpolicies"}
	VAPBindings   = schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingadmissionpolicybindings"}
	resourceOfGVK = map[string]schema.GroupVersionResource{
		"Namespace": Namespaces, "ResourceQuota": Quotas, "LimitRange": LimitRanges, "NetworkPolicy": NetPols,
		"ValidatingAdmissionPolicy": VAPs, "ValidatingAdmissionPolicyBinding": VAPBindings,
	}
)

// Pod Security Admission's namespace labels.
const (
	psaPrefix = "pod-security.kubernetes.io/"
	// LabelEnforce is the level PSA enforces in a namespace.
	LabelEnforce = psaPrefix + "enforce"
)

// psaLabels are the labels a security policy sets on a namespace.
func psaLabels(level string) map[string]string {
	return map[string]string{
		psaPrefix + "enforce": level, psaPrefix + "enforce-version": "latest",
		psaPrefix + "audit": level, psaPrefix + "audit-version": "latest",
		psaPrefix + "warn": level, psaPrefix + "warn-version": "latest",
	}
}

// Resource returns the resource of an object a policy writes.
func Resource(u *unstructured.Unstructured) schema.GroupVersionResource {
	return resourceOfGVK[u.GetKind()]
}

// Ref names an object as kubectl does: kind.group/name -n namespace.
func Ref(u *unstructured.Unstructured) string {
	gvr := Resource(u)
	kind := strings.ToLower(u.GetKind())
	if gvr.Group != "" {
		kind += "." + gvr.Group
	}
	s := kind + "/" + u.GetName()
	if ns := u.GetNamespace(); ns != "" {
		s += " -n " + ns
	}
	return s
}

// Render returns the objects a policy becomes on a cluster whose governed
// namespaces are given (sorted), each carrying our labels. For a security
// policy the objects are the namespaces themselves, with only the labels
// the policy sets (server-side apply owns nothing else of them).
func Render(p *Policy, namespaces []string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	name := p.ObjectName()
	switch p.Spec.Type {
	case TypeSecurity:
		for _, ns := range namespaces {
			labels := map[string]any{}
			for k, v := range psaLabels(p.Spec.Recipe) {
				labels[k] = v
			}
			out = append(out, object(p, "v1", "Namespace", "", ns, labels, nil))
		}
		if p.Spec.Parameters.DenyHostPath || p.Spec.Parameters.DenyPrivileged {
			out = append(out, admissionPolicy(p, securitySpec(p), namespaces)...)
		}
	case TypeImageRegistry:
		out = append(out, admissionPolicy(p, vapSpec(p), namespaces)...)
	case TypeCustom:
		out = append(out, admissionPolicy(p, customSpec(p), namespaces)...)
	case TypeNetwork:
		for _, ns := range namespaces {
			out = append(out, object(p, "networking.k8s.io/v1", "NetworkPolicy", ns, name, nil, map[string]any{"spec": netpolSpec(p)}))
		}
	case TypeQuota:
		q := p.quota()
		hard := map[string]any{}
		for i, k := range []string{"requests.cpu", "limits.cpu", "requests.memory", "limits.memory"} {
			if q[i] != "" {
				hard[k] = q[i]
			}
		}
		if p.Spec.Parameters.Pods != nil {
			hard["pods"] = strconv.FormatInt(*p.Spec.Parameters.Pods, 10)
		}
		for _, ns := range namespaces {
			out = append(out, object(p, "v1", "ResourceQuota", ns, name, nil, map[string]any{"spec": map[string]any{"hard": hard}}))
			// A quota on CPU or memory rejects every container that does
			// not say its own; the LimitRange gives those small defaults.
			out = append(out, object(p, "v1", "LimitRange", ns, name, nil, map[string]any{"spec": map[string]any{"limits": []any{map[string]any{
				"type":           "Container",
				"defaultRequest": map[string]any{"cpu": "100m", "memory": "128Mi"},
				"default":        map[string]any{"cpu": "250m", "memory": "256Mi"},
			}}}}))
		}
	}
	return out
}

// admissionPolicy is a ValidatingAdmissionPolicy of the policy's and its
// binding (action Deny) to the governed namespaces, by their name label,
// which nobody can change: unlike Pod Security labels, it cannot be
// lowered by hand.
func admissionPolicy(p *Policy, spec map[string]any, namespaces []string) []*unstructured.Unstructured {
	name := p.ObjectName()
	return []*unstructured.Unstructured{
		object(p, "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "", name, nil, map[string]any{"spec": spec}),
		object(p, "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "", name, nil, map[string]any{"spec": map[string]any{
			"policyName":        name,
			"validationActions": []any{"Deny"},
			"matchResources": map[string]any{"namespaceSelector": map[string]any{"matchExpressions": []any{map[string]any{
				"key": "kubernetes.io/metadata.name", "operator": "In", "values": toAny(namespaces)}}}},
		}}),
	}
}

func object(p *Policy, apiVersion, kind, namespace, name string, labels map[string]any, body map[string]any) *unstructured.Unstructured {
	if labels == nil {
		labels = map[string]any{}
	}
	labels[LabelPolicy], labels[LabelType] = p.Name(), p.Spec.Type
	meta := map[string]any{"name": name, "labels": labels}
	if namespace != "" {
		meta["namespace"] = namespace
	}
	obj := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": meta}
	for k, v := range body {
		obj[k] = v
	}
	return &unstructured.Unstructured{Object: obj}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// podContainers is every container, init container and ephemeral
// container of a pod (their names are unique across the three).
func podContainers(pod string) string {
	return pod + `.spec.containers + ` + pod + `.spec.?initContainers.orValue([]) + ` + pod + `.spec.?ephemeralContainers.orValue([])`
}

// imagesExpr lists the images a request brings: on create, the image of
// every container, init container and ephemeral container; on an update
// (of the pod, or of pods/ephemeralcontainers, through which kubectl debug
// adds a container), those of the containers that are new or whose image
// changed. A pod that was there before the policy can then still be
// labelled, annotated, have its finalizers removed and be deleted.
var imagesExpr = `(request.operation == "CREATE" ? ` + podContainers("object") +
	` : (` + podContainers("object") + `).filter(c, !(` + podContainers("oldObject") + `).exists(o, o.name == c.name && o.image == c.image)))` +
	`.map(c, c.image)`

// vapSpec is the ValidatingAdmissionPolicy of an image-registry policy:
// one CEL validation per rule over the images a request brings (see
// imagesExpr), of pods created or updated (ephemeral containers arrive
// through the pods/ephemeralcontainers subresource).
func vapSpec(p *Policy) map[string]any {
	pr := p.Spec.Parameters
	var validations []any
	rule := func(expr, msg string) {
		validations = append(validations, map[string]any{"expression": expr, "message": fmt.Sprintf("policy %s: %s", p.Name(), msg), "reason": "Forbidden"})
	}
	if len(pr.Allow) > 0 {
		rule(fmt.Sprintf(`variables.images.all(i, %s)`, allowExpr(pr.Allow)), "every image must come from "+strings.Join(pr.Allow, ", "))
	}
	if pr.BlockLatestTag {
		// An image without a tag or digest is pulled as latest.
		rule(`variables.images.all(i, i.contains("@") || (i.matches(":[^/]+$") && !i.endsWith(":latest")))`,
			"images tagged latest, or without a tag, are not allowed")
	}
	if pr.RequireDigest {
		rule(`variables.images.all(i, i.matches("@sha256:[0-9a-f]{64}$"))`, "every image must be pinned by a sha256 digest (image@sha256:...)")
	}
	return map[string]any{
		"failurePolicy": "Fail",
		"matchConstraints": map[string]any{"resourceRules": []any{map[string]any{
			"apiGroups": []any{""}, "apiVersions": []any{"v1"}, "operations": []any{"CREATE", "UPDATE"},
			"resources": []any{"pods", "pods/ephemeralcontainers"},
		}}},
		"variables":   []any{map[string]any{"name": "images", "expression": imagesExpr}},
		"validations": validations,
	}
}

// customMatchCondition is the condition of a custom policy's default
// match: a pod created, or an update that changes the pod's spec, labels
// or annotations (what the rules may read). Updates that only remove a
// finalizer or an owner reference — a controller letting the pod go, the
// pod's deletion waiting on it — are not judged again, so that a pod that
// was there before the policy, or before a rule of it, can still go.
var customMatchCondition = map[string]any{
	"name": "tko-create-or-pod-changed",
	"expression": `request.operation != "UPDATE" || object.spec != oldObject.spec` +
		` || object.metadata.?labels.orValue({}) != oldObject.metadata.?labels.orValue({})` +
		` || object.metadata.?annotations.orValue({}) != oldObject.metadata.?annotations.orValue({})`,
}

// customSpec is a user's ValidatingAdmissionPolicy spec, matching pods
// created or updated (see customMatchCondition) when it names no resources
// itself.
func customSpec(p *Policy) map[string]any {
	spec := runtime.DeepCopyJSON(p.Spec.Parameters.PolicySpec)
	if _, ok := spec["matchConstraints"]; !ok {
		spec["matchConstraints"] = map[string]any{"resourceRules": []any{map[string]any{
			"apiGroups": []any{""}, "apiVersions": []any{"v1"}, "operations": []any{"CREATE", "UPDATE"}, "resources": []any{"pods"},
		}}}
		// The user's own conditions are kept (something else than a list
		// is left for the API server's check to refuse).
		if conds, ok := spec["matchConditions"].([]any); ok || spec["matchConditions"] == nil {
			spec["matchConditions"] = append(conds, runtime.DeepCopyJSONValue(customMatchCondition))
		}
	}
	return spec
}

// netpolSpec is TMC's network recipe as a NetworkPolicy.
func netpolSpec(p *Policy) map[string]any {
	podSelector := map[string]any{}
	if strings.HasSuffix(p.Spec.Recipe, "-to-pods") {
		labels := map[string]any{}
		for k, v := range p.Spec.Parameters.PodSelector {
			labels[k] = v
		}
		podSelector["matchLabels"] = labels
	}
	spec := map[string]any{"podSelector": podSelector}
	switch p.Spec.Recipe {
	case "allow-all", "allow-all-to-pods":
		spec["policyTypes"], spec["ingress"] = []any{"Ingress"}, []any{map[string]any{}}
	case "allow-all-egress":
		spec["policyTypes"], spec["egress"] = []any{"Egress"}, []any{map[string]any{}}
	case "deny-all", "deny-all-to-pods":
		spec["policyTypes"] = []any{"Ingress"}
	case "deny-all-egress":
		spec["policyTypes"] = []any{"Egress"}
	}
	return spec
}

// ourLabels are the labels of an object a policy set (for a Namespace:
// the PSA labels and our mark), to compare with what is live.
func ourLabels(u *unstructured.Unstructured) map[string]string {
	out := map[string]string{}
	for k, v := range u.GetLabels() {
		if strings.HasPrefix(k, psaPrefix) || k == LabelPolicy || k == LabelType {
			out[k] = v
		}
	}
	return out
}

// sortObjects orders objects so that what others reference comes first
// (a ValidatingAdmissionPolicy before its binding).
func sortObjects(objs []*unstructured.Unstructured) {
	order := []string{"Namespace", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "LimitRange", "ResourceQuota", "NetworkPolicy"}
	slices.SortStableFunc(objs, func(a, b *unstructured.Unstructured) int {
		return slices.Index(order, a.GetKind()) - slices.Index(order, b.GetKind())
	})
}
