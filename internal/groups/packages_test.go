package groups

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

func packageIntent(name, ref string, values map[string]any) Intent {
	in := Intent{Kind: KindPackage, Name: name, SyncPeriod: "1m", Package: &PackageIntent{RefName: ref, Version: "1.2.3+vmware.1", Constraint: "1.2.3+vmware.1", Namespace: "tkg-system"}}
	if values != nil {
		in.Package.Values = &carvel.Values{Data: values}
	}
	return in
}

// The App of a package intent deploys, into the member, the PackageInstall
// its own kapp-controller reconciles, the ServiceAccount and RBAC it
// installs with and the values Secret; the PackageInstall comes after and
// goes before what it needs, and nothing is a namespace.
func TestRenderPackageIntent(t *testing.T) {
	g := &Group{Name: "prod"}
	in := packageIntent("cm", "cert-manager.tanzu.vmware.com", map[string]any{"namespace": "cert-manager"})
	r, err := Render(context.Background(), g, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]*unstructured.Unstructured{}
	for _, obj := range r.Objects {
		if obj.GetKind() == "Namespace" {
			t.Fatalf("a package intent deploys namespace %s", obj.GetName())
		}
		if obj.GetLabels()[LabelGroup] != "prod" {
			t.Errorf("%s/%s lacks the group label", obj.GetKind(), obj.GetName())
		}
		kinds[obj.GetKind()] = obj
	}
	if len(r.Secrets) != 1 {
		t.Fatalf("%d values Secrets", len(r.Secrets))
	}
	kinds["Secret"] = r.Secrets[0]
	for _, k := range []string{"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Secret", "PackageInstall"} {
		if kinds[k] == nil {
			t.Fatalf("no %s among %d objects", k, len(r.Objects))
		}
	}
	pi := kinds["PackageInstall"]
	if pi.GetName() != "cm" || pi.GetNamespace() != "tkg-system" {
		t.Errorf("PackageInstall %s/%s", pi.GetNamespace(), pi.GetName())
	}
	ref, _, _ := unstructured.NestedString(pi.Object, "spec", "packageRef", "refName")
	cons, _, _ := unstructured.NestedString(pi.Object, "spec", "packageRef", "versionSelection", "constraints")
	sa, _, _ := unstructured.NestedString(pi.Object, "spec", "serviceAccountName")
	if ref != "cert-manager.tanzu.vmware.com" || cons != "1.2.3+vmware.1" || sa != kinds["ServiceAccount"].GetName() {
		t.Errorf("packageRef %s %s, serviceAccountName %s", ref, cons, sa)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(pi.Object, "spec", "cluster"); found {
		t.Error("the PackageInstall targets another cluster; the member's kapp-controller installs it where it is")
	}
	if a := pi.GetAnnotations(); a["kapp.k14s.io/change-rule.1"] != "delete before deleting "+changeGroupNeeds || a["kapp.k14s.io/change-group"] != changeGroupInstall {
		t.Errorf("PackageInstall change rules: %v", a)
	}
	if kinds["ClusterRoleBinding"].GetAnnotations()["kapp.k14s.io/change-group"] != changeGroupNeeds {
		t.Error("the RBAC is not in the group the PackageInstall is deleted before")
	}
	vals, _, _ := unstructured.NestedString(kinds["Secret"].Object, "stringData", "values.yaml")
	var got map[string]any
	if err := yaml.Unmarshal([]byte(vals), &got); err != nil || got["namespace"] != "cert-manager" {
		t.Errorf("values Secret holds %q (%v)", vals, err)
	}

	app, err := App(g, in, Member{Namespace: "default", Name: "wc-1"}, r)
	if err != nil {
		t.Fatal(err)
	}
	if app.GetName() != "tko-prod-cm-wc-1" || app.GetLabels()[LabelIntentKind] != KindPackage {
		t.Errorf("App %s labels %v", app.GetName(), app.GetLabels())
	}

	// No values: no Secret.
	r, err = Render(context.Background(), g, packageIntent("cm", "cert-manager.tanzu.vmware.com", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range append(r.Objects, r.Secrets...) {
		if obj.GetKind() == "Secret" {
			t.Error("a values Secret without values")
		}
	}
}

// Two groups installing the same package in one cluster are refused,
// naming both groups, even under different install names.
func TestCheckAttachRefusesTheSamePackageTwice(t *testing.T) {
	e := estate()
	prod := &Group{Name: "prod", Selector: "env=prod"}
	team := &Group{Name: "team", Selector: "team=x", Intents: []Intent{packageIntent("certs", "cert-manager.tanzu.vmware.com", nil)}}
	err := CheckAttach(e, []*Group{prod, team}, prod, packageIntent("cm", "cert-manager.tanzu.vmware.com", nil))
	var inv *errs.Invalid
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "groups prod and team") || !strings.Contains(err.Error(), "both install cert-manager.tanzu.vmware.com") {
		t.Fatalf("the same package from two groups: %v", err)
	}
	if err := CheckAttach(e, []*Group{prod, team}, prod, packageIntent("cm", "contour.tanzu.vmware.com", nil)); err != nil {
		t.Fatalf("another package refused: %v", err)
	}
	if d := packageIntent("cm", "cert-manager.tanzu.vmware.com", map[string]any{"secret": "x"}); strings.Contains(d.Describe(), "secret") {
		t.Errorf("Describe shows the values: %s", d.Describe())
	}
}

// A package's values never travel inline: the App fetches its values
// Secret's manifest from the member's values Secret (pathsFrom), which
// holds it base64-encoded as the API server keeps any Secret.
func TestAppHoldsNoValues(t *testing.T) {
	g := &Group{Name: "prod"}
	in := packageIntent("cm", "cert-manager.tanzu.vmware.com", map[string]any{"password": "marker-s3cret"})
	r, err := Render(context.Background(), g, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := Member{Namespace: "default", Name: "wc-1"}
	app, err := App(g, in, m, r)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := yaml.Marshal(app.Object)
	if strings.Contains(string(raw), "marker-s3cret") || strings.Contains(string(raw), "kind: Secret") {
		t.Fatalf("the App holds the values:\n%s", raw)
	}
	from, _, _ := unstructured.NestedSlice(app.Object, "spec", "fetch")
	refs, _, _ := unstructured.NestedSlice(from[0].(map[string]any), "inline", "pathsFrom")
	if len(refs) != 1 {
		t.Fatalf("pathsFrom %v", refs)
	}
	if name, _, _ := unstructured.NestedString(refs[0].(map[string]any), "secretRef", "name"); name != "tko-prod-cm-wc-1-values" {
		t.Errorf("the App reads Secret %q", name)
	}
	s, err := memberValues(g, in, m, r.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	enc, _, _ := unstructured.NestedString(s.Object, "data", "package-values.yaml")
	doc, _ := base64.StdEncoding.DecodeString(enc)
	var secret map[string]any
	if err := yaml.Unmarshal(doc, &secret); err != nil || secret["kind"] != "Secret" || !strings.Contains(string(doc), "marker-s3cret") {
		t.Fatalf("the member's values Secret holds %q (%v)", doc, err)
	}
	if s.GetName() != MemberValuesName(app.GetName()) || s.GetLabels()[LabelGroup] != "prod" {
		t.Errorf("values Secret %s %v", s.GetName(), s.GetLabels())
	}
	// What the group prints names the Secret, not the values.
	in.Package.ValuesFrom = &SecretKey{Secret: ValuesSecretName("prod"), Key: "package.cm"}
	raw, _ = yaml.Marshal((&Group{Name: "prod", Intents: []Intent{in}}).Object(nil).Object)
	if strings.Contains(string(raw), "marker-s3cret") || !strings.Contains(string(raw), "values: (in Secret tko-system/tko-group-prod-values, key package.cm)") {
		t.Fatalf("printed group:\n%s", raw)
	}
}

// A stack is one App: each install's PackageInstall waits (kapp change
// rules) for those it depends on, which a kapp wait rule holds until the
// member's kapp-controller reconciled them, and goes before them on
// delete; each install's values are a Secret of its own, apart.
func TestRenderStackIntent(t *testing.T) {
	in := Intent{Kind: KindStack, Name: "ingress", Stack: &StackIntent{Installs: []PackageIntent{
		{Name: "certs", RefName: "cert-manager.tanzu.vmware.com", Version: "1.0.0", Constraint: "1.0.0", Namespace: "pkgs"},
		{Name: "edge", RefName: "contour.tanzu.vmware.com", Version: "1.0.0", Constraint: "1.0.0", Namespace: "pkgs", DependsOn: []string{"certs"},
			Values: &carvel.Values{Data: map[string]any{"replicas": 3}}},
	}}}
	r, err := Render(context.Background(), &Group{Name: "prod"}, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	installs := map[string]map[string]string{}
	config := false
	for _, obj := range r.Objects {
		switch obj.GetKind() {
		case "PackageInstall":
			installs[obj.GetName()] = obj.GetAnnotations()
		case "Config":
			rules, _, _ := unstructured.NestedSlice(obj.Object, "waitRules")
			config = len(rules) == 1 && strings.Contains(fmt.Sprint(rules), "ReconcileSucceeded")
		case "Secret":
			t.Errorf("Secret %s among the inline objects", obj.GetName())
		}
	}
	if !config {
		t.Error("no kapp wait rule for PackageInstalls")
	}
	edge, certs := installs["edge"], installs["certs"]
	if certs["kapp.k14s.io/change-group"] != changeGroupInstall+".certs" || edge["kapp.k14s.io/change-rule.0"] != "upsert after upserting "+changeGroupNeeds+".edge" {
		t.Errorf("change groups: certs %v, edge %v", certs, edge)
	}
	if edge["kapp.k14s.io/change-rule.2"] != "upsert after upserting "+changeGroupInstall+".certs" || edge["kapp.k14s.io/change-rule.3"] != "delete before deleting "+changeGroupInstall+".certs" {
		t.Errorf("edge does not wait for certs: %v", edge)
	}
	if _, ok := certs["kapp.k14s.io/change-rule.2"]; ok {
		t.Errorf("certs depends on something: %v", certs)
	}
	if len(r.Secrets) != 1 || r.Secrets[0].GetName() != "edge-pkgs-values" {
		t.Fatalf("values Secrets %v", r.Secrets)
	}
	if d := in.Describe(); d != "package stack: certs (cert-manager.tanzu.vmware.com), edge (contour.tanzu.vmware.com)" {
		t.Errorf("Describe: %s", d)
	}
	// Two groups may not install one package, whether alone or in a stack.
	if reason := conflicting(in, packageIntent("cm", "cert-manager.tanzu.vmware.com", nil)); !strings.Contains(reason, "both install cert-manager.tanzu.vmware.com") {
		t.Errorf("stack and package: %q", reason)
	}
}
