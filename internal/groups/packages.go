package groups

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
)

// kapp change groups of a package intent: the PackageInstall is created
// after, and deleted before, the ServiceAccount, RBAC and values Secret it
// needs, or kapp-controller in the member could not delete what the
// package deployed once its permissions were gone. A stack's installs each
// have their own pair, suffixed with the install's name.
const (
	changeGroupNeeds   = "tko.tanzu.vmware.com/package-needs"
	changeGroupInstall = "tko.tanzu.vmware.com/package-install"
)

// Installs are the package installs an intent keeps in every member: the
// one of a package intent (named after the intent), or a stack's.
func (i Intent) Installs() []PackageIntent {
	switch {
	case i.Package != nil:
		p := *i.Package
		p.Name = i.Name
		return []PackageIntent{p}
	case i.Stack != nil:
		return i.Stack.Installs
	}
	return nil
}

// PackageObjects are what a package or stack intent deploys in a member:
// each PackageInstall, reconciled by the member's own kapp-controller,
// with the ServiceAccount and RBAC it installs with, made by the same code
// as 'package install'; and apart, the values Secrets, which the App reads
// from a Secret of the management cluster and never holds inline. All of
// them are the group's own, named after the install: detach deletes them,
// and the member's kapp-controller then deletes what the package deployed.
func PackageObjects(in Intent) (objs, secrets []*unstructured.Unstructured, err error) {
	for _, p := range in.Installs() {
		suffix := ""
		if in.Stack != nil {
			suffix = "." + p.Name
		}
		pkg := &carvel.Package{Name: p.RefName + "." + p.Version}
		pkg.Spec.RefName, pkg.Spec.Version = p.RefName, p.Version
		spec := carvel.InstallSpec{Name: p.Name, Namespace: p.Namespace, Package: pkg, Constraint: p.Constraint, RBAC: carvel.RBACClusterAdmin, Values: p.Values}
		plan, err := spec.Plan()
		if err != nil {
			return nil, nil, fmt.Errorf("the package install %s of intent %s: %w", p.Name, in.ID(), err)
		}
		for _, o := range plan {
			obj := o.Obj.DeepCopy()
			a := obj.GetAnnotations()
			if a == nil {
				a = map[string]string{}
			}
			if obj.GetKind() == "PackageInstall" {
				a["kapp.k14s.io/change-group"] = changeGroupInstall + suffix
				a["kapp.k14s.io/change-rule.0"] = "upsert after upserting " + changeGroupNeeds + suffix
				a["kapp.k14s.io/change-rule.1"] = "delete before deleting " + changeGroupNeeds + suffix
				// dependsOn: kapp creates this install once those are
				// reconciled (the wait rule of stackConfig), and deletes it first.
				for i, dep := range p.DependsOn {
					a[fmt.Sprintf("kapp.k14s.io/change-rule.%d", 2+2*i)] = "upsert after upserting " + changeGroupInstall + "." + dep
					a[fmt.Sprintf("kapp.k14s.io/change-rule.%d", 3+2*i)] = "delete before deleting " + changeGroupInstall + "." + dep
				}
			} else {
				a["kapp.k14s.io/change-group"] = changeGroupNeeds + suffix
			}
			obj.SetAnnotations(a)
			if obj.GetKind() == "Secret" {
				secrets = append(secrets, obj)
				continue
			}
			objs = append(objs, obj)
		}
	}
	if in.Stack != nil && in.Stack.dependencies() {
		objs = append(objs, stackConfig())
	}
	return objs, secrets, nil
}

// stackConfig is a kapp Config (read by kapp, never applied) that makes
// kapp wait for a PackageInstall until kapp-controller in the member has
// reconciled it, so an install that depends on another is created only
// once that one is ReconcileSucceeded.
func stackConfig() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kapp.k14s.io/v1alpha1", "kind": "Config",
		"metadata": map[string]any{"name": "tko-stack-wait"},
		"waitRules": []any{map[string]any{
			"supportsObservedGeneration": true,
			"conditionMatchers": []any{
				map[string]any{"type": "ReconcileSucceeded", "status": "True", "success": true},
				map[string]any{"type": "ReconcileFailed", "status": "True", "failure": true},
			},
			"resourceMatchers": []any{map[string]any{"apiVersionKindMatcher": map[string]any{"apiVersion": carvel.PackagingGroup + "/v1alpha1", "kind": "PackageInstall"}}},
		}},
	}}
}
