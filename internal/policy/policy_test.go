package policy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

func parse(t *testing.T, text string) ([]*Policy, error) {
	t.Helper()
	docs, err := yamldoc.Parse("p.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(docs, "applied")
}

const header = "apiVersion: tko.tanzu.vmware.com/v1alpha1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		problems   []string // "line: path: message fragment"
	}{
		{"strict is restricted", "  type: security\n  recipe: strict\n", nil},
		{"registry from recipe", "  type: image-registry\n  recipe: block-latest-tag\n", nil},
		{"baseline and what it leaves open", "  type: security\n  recipe: baseline\n  parameters:\n    denyHostPath: true\n    denyPrivileged: true\n", nil},
		{"restricted already denies", "  type: security\n  recipe: strict\n  parameters:\n    denyHostPath: true\n    denyPrivileged: true\n",
			[]string{"9: spec.parameters.denyHostPath: restricted already refuses hostPath", "10: spec.parameters.denyPrivileged: restricted already refuses privileged"}},
		{"a parameter of another type", "  type: image-registry\n  recipe: block-latest-tag\n  parameters:\n    denyPrivileged: true\n",
			[]string{"9: spec.parameters.denyPrivileged: applies to security policies, not to image-registry ones"}},
		{"allow needs registries", "  type: image-registry\n  recipe: allowed-name-tag\n", []string{"7: spec.parameters.allow: the allowed-name-tag recipe needs"}},
		{"registry that cannot match", "  type: image-registry\n  recipe: allowed-name-tag\n  parameters:\n    allow:\n    - harbor.example.com\n    - Harbor.example.com/\n",
			[]string{"11: spec.parameters.allow[1]: \"Harbor.example.com/\" can never match"}},
		{"unknown key with suggestion", "  type: network\n  recipe: deny-all\n  scope:\n    namespace: [a]\n", []string{`9: spec.scope.namespace: unknown key "namespace" (did you mean "namespaces"?)`}},
		{"to-pods needs pods", "  type: network\n  recipe: deny-all-to-pods\n", []string{"7: spec.parameters.podSelector: the deny-all-to-pods recipe needs"}},
		{"custom quota", "  type: namespace-quota\n  recipe: custom\n  parameters:\n    cpuLimits: 2x\n", []string{`9: spec.parameters.cpuLimits: "2x" is not a quantity`}},
		{"custom quota needs a limit", "  type: namespace-quota\n  recipe: custom\n", []string{"7: spec.parameters: the custom recipe needs"}},
		{"unknown type", "  type: firewall\n  recipe: x\n", []string{"6: spec.type: value must be one of"}},
		{"bad selector", "  type: security\n  recipe: baseline\n  scope:\n    namespaceSelector:\n      matchExpressions:\n      - {key: env, operator: In}\n",
			[]string{"9: spec.scope.namespaceSelector: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := parse(t, header+tc.spec)
			if len(tc.problems) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if ps[0].Spec.Recipe == "strict" {
					t.Error("strict was not normalized to restricted")
				}
				return
			}
			var pe *errs.ProblemsError
			if !errors.As(err, &pe) {
				t.Fatalf("want a ProblemsError, got %v", err)
			}
			var got []string
			for _, p := range pe.Problems {
				got = append(got, p.String())
			}
			if len(got) != len(tc.problems) {
				t.Fatalf("problems:\n%s", strings.Join(got, "\n"))
			}
			for i, want := range tc.problems {
				if !strings.Contains(got[i], "p.yaml:"+want) {
					t.Errorf("problem %d: %q, want %q", i, got[i], want)
				}
			}
		})
	}
	if _, err := parse(t, header+"  type: security\n  recipe: baseline\n---\n"+header+"  type: security\n  recipe: baseline\n"); err == nil || !strings.Contains(err.Error(), "also defined on line 4") {
		t.Errorf("a duplicate name: %v", err)
	}
}

// TestRenderSecurity: a baseline policy with denyHostPath and
// denyPrivileged is its namespaces' labels, then a ValidatingAdmissionPolicy
// of one rule per kind of refusal, and its binding.
func TestRenderSecurity(t *testing.T) {
	p := &Policy{Spec: Spec{Type: TypeSecurity, Recipe: "baseline", Parameters: Parameters{DenyHostPath: true, DenyPrivileged: true}}}
	p.Metadata.Name = "sec"
	objs := Render(p, []string{"a"})
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.GetKind())
		if o.GetLabels()[LabelPolicy] != "sec" || o.GetLabels()[LabelType] != TypeSecurity {
			t.Errorf("%s lacks our labels: %v", Ref(o), o.GetLabels())
		}
	}
	if !slices.Equal(kinds, []string{"Namespace", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"}) {
		t.Fatalf("objects: %v", kinds)
	}
	validations, _, _ := unstructured.NestedSlice(objs[1].Object, "spec", "validations")
	if len(validations) != 3 {
		t.Fatalf("validations: %v", validations)
	}
	for i, want := range []string{"has(v.hostPath) || has(v.flexVolume) || has(v.gitRepo)", "privileged.orValue(false)", "allowPrivilegeEscalation.orValue(true)"} {
		if v := validations[i].(map[string]any); !strings.Contains(v["expression"].(string), want) || !strings.HasPrefix(v["message"].(string), "policy sec: ") {
			t.Errorf("validation %d: %v", i, v)
		}
	}
	p.Spec.Parameters = Parameters{}
	if objs := Render(p, []string{"a"}); len(objs) != 1 {
		t.Errorf("plain baseline: %d objects", len(objs))
	}
}

func TestRender(t *testing.T) {
	p := &Policy{APIVersion: APIVersion, Kind: Kind, Spec: Spec{Type: TypeImageRegistry, Recipe: "allowed-name-tag",
		Parameters: Parameters{Allow: []string{"harbor.example.com"}, RequireDigest: true}}}
	p.Metadata.Name = "reg"
	objs := Render(p, []string{"a", "b"})
	if len(objs) != 2 || objs[0].GetKind() != "ValidatingAdmissionPolicy" || objs[1].GetName() != "tko-reg" {
		t.Fatalf("objects: %v", objs)
	}
	validations, _, _ := unstructured.NestedSlice(objs[0].Object, "spec", "validations")
	if len(validations) != 2 || !strings.Contains(validations[0].(map[string]any)["expression"].(string), `["harbor.example.com"].exists`) {
		t.Errorf("validations: %v", validations)
	}
	values, _, _ := unstructured.NestedSlice(objs[1].Object, "spec", "matchResources", "namespaceSelector", "matchExpressions")
	if got := values[0].(map[string]any)["values"]; !slices.Equal(got.([]any), []any{"a", "b"}) {
		t.Errorf("binding namespaces: %v", got)
	}
	for _, o := range objs {
		if o.GetLabels()[LabelPolicy] != "reg" || o.GetLabels()[LabelType] != TypeImageRegistry {
			t.Errorf("%s lacks our labels: %v", Ref(o), o.GetLabels())
		}
	}
	q := &Policy{Spec: Spec{Type: TypeQuota, Recipe: "medium"}}
	q.Metadata.Name = "q"
	objs = Render(q, []string{"a"})
	hard, _, _ := unstructured.NestedStringMap(objs[0].Object, "spec", "hard")
	if hard["requests.cpu"] != "1" || hard["limits.memory"] != "4Gi" || objs[1].GetKind() != "LimitRange" {
		t.Errorf("medium quota: %v, %s", hard, objs[1].GetKind())
	}
	n := &Policy{Spec: Spec{Type: TypeNetwork, Recipe: "deny-all-egress"}}
	n.Metadata.Name = "n"
	spec, _, _ := unstructured.NestedMap(Render(n, []string{"a"})[0].Object, "spec")
	if _, hasEgress := spec["egress"]; hasEgress || spec["policyTypes"].([]any)[0] != "Egress" {
		t.Errorf("deny-all-egress: %v", spec)
	}
}

// TestRenderJudgesWhatARequestBrings: the admission policies judge a pod
// on create, and on an update only what the update brings (images,
// debug containers) or, for a custom policy's default match, an update of
// what its rules may read, so that pods from before the policy can still
// be updated and deleted.
func TestRenderJudgesWhatARequestBrings(t *testing.T) {
	reg := &Policy{Spec: Spec{Type: TypeImageRegistry, Recipe: "block-latest-tag", Parameters: Parameters{BlockLatestTag: true}}}
	reg.Metadata.Name = "reg"
	variables, _, _ := unstructured.NestedSlice(Render(reg, []string{"a"})[0].Object, "spec", "variables")
	images := variables[0].(map[string]any)["expression"].(string)
	for _, want := range []string{`request.operation == "CREATE" ? object.spec.containers`, `.filter(c, !(oldObject.spec.containers + `, `o.name == c.name && o.image == c.image`, `.map(c, c.image)`} {
		if !strings.Contains(images, want) {
			t.Errorf("images variable lacks %q: %s", want, images)
		}
	}
	sec := &Policy{Spec: Spec{Type: TypeSecurity, Recipe: "baseline", Parameters: Parameters{DenyPrivileged: true}}}
	sec.Metadata.Name = "sec"
	variables, _, _ = unstructured.NestedSlice(Render(sec, []string{"a"})[1].Object, "spec", "variables")
	if containers := variables[0].(map[string]any)["expression"].(string); !strings.Contains(containers, `.filter(c, !oldObject.spec.?ephemeralContainers.orValue([]).exists(o, o.name == c.name))`) {
		t.Errorf("containers variable judges ephemeral containers already there: %s", containers)
	}

	own := map[string]any{"name": "mine", "expression": "true"}
	custom := &Policy{Spec: Spec{Type: TypeCustom, Recipe: "validating-admission-policy", Parameters: Parameters{PolicySpec: map[string]any{
		"validations": []any{map[string]any{"expression": "true"}}, "matchConditions": []any{own}}}}}
	custom.Metadata.Name = "c"
	conds, _, _ := unstructured.NestedSlice(Render(custom, []string{"a"})[0].Object, "spec", "matchConditions")
	if len(conds) != 2 || conds[0].(map[string]any)["name"] != "mine" || conds[1].(map[string]any)["name"] != "tko-create-or-pod-changed" ||
		!strings.HasPrefix(conds[1].(map[string]any)["expression"].(string), `request.operation != "UPDATE" || object.spec != oldObject.spec`) {
		t.Errorf("default match conditions: %v", conds)
	}
	if got := custom.Spec.Parameters.PolicySpec["matchConditions"].([]any); len(got) != 1 {
		t.Errorf("rendering changed the policy's own spec: %v", got)
	}
	custom.Spec.Parameters.PolicySpec["matchConstraints"] = map[string]any{"resourceRules": []any{}}
	conds, _, _ = unstructured.NestedSlice(Render(custom, []string{"a"})[0].Object, "spec", "matchConditions")
	if len(conds) != 1 {
		t.Errorf("a policy's own matchConstraints got our condition: %v", conds)
	}
}

func TestDifference(t *testing.T) {
	desired := &unstructured.Unstructured{Object: map[string]any{"kind": "ResourceQuota", "metadata": map[string]any{"labels": map[string]any{LabelPolicy: "q"}},
		"spec": map[string]any{"hard": map[string]any{"requests.cpu": "1"}}}}
	live := desired.DeepCopy()
	live.Object["spec"].(map[string]any)["scopes"] = []any{"x"} // a field that is not ours
	if d := difference(desired, live); d != "" {
		t.Errorf("a field of someone else's is drift: %s", d)
	}
	live.Object["spec"].(map[string]any)["hard"].(map[string]any)["requests.cpu"] = "8"
	if d := difference(desired, live); d != "spec.hard.requests.cpu was changed" {
		t.Errorf("difference: %q", d)
	}
	live.SetLabels(nil)
	if d := difference(desired, live); !strings.Contains(d, "label "+LabelPolicy) {
		t.Errorf("difference: %q", d)
	}
}

// TestApplyRollsBack: when an object of the second policy fails, what this
// run created for both policies is deleted, and the error says what was
// undone.
func TestApplyRollsBack(t *testing.T) {
	scheme := runtime.NewScheme()
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme, map[schema.GroupVersionResource]string{
		Quotas: "ResourceQuotaList", LimitRanges: "LimitRangeList", NetPols: "NetworkPolicyList", ConfigMaps: "ConfigMapList", Namespaces: "NamespaceList",
	})
	var deleted []string
	dyn.PrependReactor("patch", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		pa := a.(clienttesting.PatchAction)
		if pa.GetResource() == Quotas {
			return true, nil, apierrors.NewForbidden(Quotas.GroupResource(), pa.GetName(), errors.New("exceeds the cluster's limits"))
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(pa.GetPatch()); err != nil {
			return true, nil, err
		}
		u.SetResourceVersion("1")
		return true, u, nil
	})
	dyn.PrependReactor("delete", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		deleted = append(deleted, a.GetResource().Resource+"/"+a.(clienttesting.DeleteAction).GetName())
		return true, nil, nil
	})
	p := &Policy{Spec: Spec{Type: TypeQuota, Recipe: "small"}}
	p.Metadata.Name = "q"
	n := &Policy{Spec: Spec{Type: TypeNetwork, Recipe: "deny-all"}}
	n.Metadata.Name = "n"
	plans := []*Plan{{Policy: n, Namespaces: []string{"a"}, Objects: Render(n, []string{"a"})}, {Policy: p, Namespaces: []string{"a"}, Objects: Render(p, []string{"a"})}}
	_, err := Apply(context.Background(), dyn, plans, false)
	var step *errs.StepError
	if !errors.As(err, &step) || !strings.Contains(step.Where, "applying policy q failed; rolled back limitrange/tko-q -n a, networkpolicy.networking.k8s.io/tko-n -n a") || !apierrors.IsForbidden(err) {
		t.Fatalf("error: %v", err)
	}
	if !slices.Equal(deleted, []string{"limitranges/tko-q", "networkpolicies/tko-n"}) {
		t.Errorf("rolled back: %v", deleted)
	}
}

func TestGovernedLeavesSystemNamespacesOut(t *testing.T) {
	for ns, want := range map[string]bool{"kube-system": true, "tkg-system": true, "vmware-system-tmc": true, "tanzu-system-ingress": true, "team-a": false, RecordNamespace: true} {
		if IsSystemNamespace(ns) != want {
			t.Errorf("IsSystemNamespace(%s) != %v", ns, want)
		}
	}
}

// TestParseDropsTheClusterAnnotation: a document exported by a fleet
// `policy get` applies as it was, without the cluster it came from.
func TestParseDropsTheClusterAnnotation(t *testing.T) {
	ps, err := parse(t, strings.Replace(header, "  name: p\n", "  name: p\n  annotations:\n    tko.tanzu.vmware.com/context: default/wc-1\n    owner: team-a\n", 1)+"  type: security\n  recipe: baseline\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := ps[0].Metadata.Annotations; len(got) != 1 || got["owner"] != "team-a" {
		t.Errorf("annotations: %v", got)
	}
}
