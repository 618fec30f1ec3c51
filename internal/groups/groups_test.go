package groups

import (
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

func policyIntent(name, typ string) Intent {
	p := &policy.Policy{APIVersion: policy.APIVersion, Kind: policy.Kind}
	p.Metadata.Name = name
	p.Spec.Type = typ
	return Intent{Kind: KindPolicy, Name: name, Policy: p}
}

func estate() *Estate {
	return &Estate{
		Clusters: []Member{{Namespace: "default", Name: "a", Kubeconfig: true}, {Namespace: "default", Name: "b", Kubeconfig: true}},
		labels:   map[string]map[string]string{"default/a": {"env": "prod", "team": "x"}, "default/b": {"env": "dev", "team": "x"}},
	}
}

func TestMembersBySelector(t *testing.T) {
	e := estate()
	for sel, want := range map[string]string{"env=prod": "default/a", "team=x": "default/a,default/b", "env in (qa)": "", "!env": ""} {
		ms, err := e.Members(&Group{Selector: sel})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, m := range ms {
			keys = append(keys, m.Key())
		}
		if got := strings.Join(keys, ","); got != want {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	if _, err := e.Members(&Group{Selector: "a in (b"}); err == nil {
		t.Error("a selector that does not parse was taken")
	}
}

func TestCheckAttachRefusesConflictsNamingBothGroups(t *testing.T) {
	e := estate()
	prod := &Group{Name: "prod", Selector: "env=prod"}
	team := &Group{Name: "team", Selector: "team=x", Intents: []Intent{policyIntent("strict", policy.TypeSecurity), policyIntent("harbor", policy.TypeImageRegistry)}}
	dev := &Group{Name: "dev", Selector: "env=dev", Intents: []Intent{policyIntent("lax", policy.TypeSecurity)}}
	all := []*Group{prod, team, dev}
	err := CheckAttach(e, all, prod, policyIntent("base", policy.TypeSecurity))
	var inv *errs.Invalid
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "cluster default/a is in groups prod and team: policy/base of group prod conflicts with policy/strict of group team") {
		t.Fatalf("two security policies: %v", err)
	}
	// Two image registry policies both hold; so does the same one again.
	if err := CheckAttach(e, all, prod, policyIntent("quay", policy.TypeImageRegistry)); err != nil {
		t.Fatalf("two registry policies: %v", err)
	}
	if err := CheckAttach(e, all, team, policyIntent("harbor", policy.TypeImageRegistry)); err != nil {
		t.Fatalf("the same intent again: %v", err)
	}
	// Who holds the namespaces' labels changes only through a detach.
	held := policyIntent("strict", policy.TypeSecurity)
	held.HoldLabels = true
	if err := CheckAttach(e, all, team, held); !errors.As(err, &inv) || err.Error() != "group team holds policy/strict without --hold-namespace-labels: detach it, then attach it again with --hold-namespace-labels; nothing was attached" {
		t.Fatalf("held labels switched on: %v", err)
	}
	team.Intents[0].HoldLabels = true
	if err := CheckAttach(e, all, team, policyIntent("strict", policy.TypeSecurity)); err == nil || !strings.Contains(err.Error(), "holds policy/strict with --hold-namespace-labels: detach it, then attach it again without") {
		t.Fatalf("held labels switched off: %v", err)
	}
	team.Intents[0].HoldLabels = false
	// Objects of the same name from two groups.
	if err := CheckAttach(e, all, prod, policyIntent("harbor", policy.TypeImageRegistry)); err == nil || !strings.Contains(err.Error(), "objects of the same name") {
		t.Fatalf("same name: %v", err)
	}
	// Within a group.
	if err := CheckAttach(e, all, team, policyIntent("other", policy.TypeSecurity)); err == nil || !strings.Contains(err.Error(), "group team holds policy/strict already") {
		t.Fatalf("within a group: %v", err)
	}
	if cs := Conflicts(e, all); len(cs) != 1 || cs[0].Cluster != "default/b" || cs[0].Groups != [2]string{"team", "dev"} {
		t.Fatalf("conflicts: %+v", cs)
	}
}

func TestAppDeploysOnlyWhatTheGroupCreates(t *testing.T) {
	in := policyIntent("base", policy.TypeSecurity)
	in.Policy.Spec.Recipe = "baseline"
	in.Policy.Spec.Parameters.DenyPrivileged = true
	g := &Group{Name: "prod"}
	m := Member{Namespace: "team-a", Name: "wc-1", Kubeconfig: true}
	objs := policy.Render(in.Policy, []string{"team-a"})
	var kept []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() != "Namespace" {
			kept = append(kept, o)
		}
	}
	app, err := App(g, in, m, &Rendered{Objects: kept})
	if err != nil {
		t.Fatal(err)
	}
	if app.GetNamespace() != "team-a" || app.GetName() != "tko-prod-base-wc-1" || app.GetLabels()[kube.LabelCluster] != "wc-1" {
		t.Fatalf("app %s/%s %v", app.GetNamespace(), app.GetName(), app.GetLabels())
	}
	ref, _, _ := unstructured.NestedString(app.Object, "spec", "cluster", "kubeconfigSecretRef", "name")
	period, _, _ := unstructured.NestedString(app.Object, "spec", "syncPeriod")
	if ref != "wc-1-kubeconfig" || period != "1m0s" {
		t.Fatalf("secret %q, period %q", ref, period)
	}
	fetch, _, _ := unstructured.NestedSlice(app.Object, "spec", "fetch")
	yaml := fetch[0].(map[string]any)["inline"].(map[string]any)["paths"].(map[string]any)["policy.yaml"].(string)
	if strings.Contains(yaml, "kind: Namespace") || !strings.Contains(yaml, "kind: ValidatingAdmissionPolicyBinding") {
		t.Fatalf("the App deploys:\n%s", yaml)
	}
}

// Velero copies a Schedule's labels onto its Backups unless the template
// has its own: the App's Schedule names its own, so kapp's label stays off
// the Backups (kapp would not finish deleting the App while they exist).
func TestScheduleBackupsDoNotInheritKappLabels(t *testing.T) {
	sched := map[string]any{"apiVersion": "velero.io/v1", "kind": "Schedule", "metadata": map[string]any{"name": "nightly", "namespace": "velero"},
		"spec": map[string]any{"schedule": "@daily", "template": map[string]any{"includedNamespaces": []any{"shop"}}}}
	in := Intent{Kind: KindSchedule, Name: "nightly", Schedule: sched}
	r, err := Render(context.Background(), &Group{Name: "prod"}, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	labels, _, _ := unstructured.NestedStringMap(r.Objects[0].Object, "spec", "template", "metadata", "labels")
	if labels[LabelGroup] != "prod" || len(labels) != 1 {
		t.Fatalf("backup labels %v", labels)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(sched, "spec", "template", "metadata"); found {
		t.Fatal("Render changed the group's intent")
	}
}
