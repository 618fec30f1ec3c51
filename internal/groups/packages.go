package groups

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
)

// kapp change groups of a package intent: the PackageInstall is created
// after, and deleted before, the ServiceAccount, RBAC and values Secret it
// needs, or kapp-controller in the member could not delete what the
// package deployed once its permissions were gone.
const (
	changeGroupNeeds   = "tko.tanzu.vmware.com/package-needs"
	changeGroupInstall = "tko.tanzu.vmware.com/package-install"
)

// PackageObjects are what a package intent deploys in a member: the
// PackageInstall of the package, reconciled by the member's own
// kapp-controller, with the ServiceAccount and RBAC it installs with and
// its values Secret, made by the same code as 'package install'. All of
// them are the group's own, named after the intent: detach deletes them,
// and the member's kapp-controller then deletes what the package deployed.
func PackageObjects(in Intent) ([]*unstructured.Unstructured, error) {
	p := in.Package
	pkg := &carvel.Package{Name: p.RefName + "." + p.Version}
	pkg.Spec.RefName, pkg.Spec.Version = p.RefName, p.Version
	spec := carvel.InstallSpec{Name: in.Name, Namespace: p.Namespace, Package: pkg, Constraint: p.Constraint, RBAC: carvel.RBACClusterAdmin}
	if len(p.Values) > 0 {
		spec.Values = &carvel.Values{Data: p.Values}
	}
	plan, err := spec.Plan()
	if err != nil {
		return nil, fmt.Errorf("the package install of intent %s: %w", in.ID(), err)
	}
	out := make([]*unstructured.Unstructured, 0, len(plan))
	for _, o := range plan {
		obj := o.Obj.DeepCopy()
		a := obj.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		if obj.GetKind() == "PackageInstall" {
			a["kapp.k14s.io/change-group"] = changeGroupInstall
			a["kapp.k14s.io/change-rule.0"] = "upsert after upserting " + changeGroupNeeds
			a["kapp.k14s.io/change-rule.1"] = "delete before deleting " + changeGroupNeeds
		} else {
			a["kapp.k14s.io/change-group"] = changeGroupNeeds
		}
		obj.SetAnnotations(a)
		out = append(out, obj)
	}
	return out, nil
}

// Printable is an App as -o prints it: the inline objects of a package
// intent hold its values Secret, which is never printed.
func Printable(app *unstructured.Unstructured) *unstructured.Unstructured {
	if app.GetLabels()[LabelIntentKind] != KindPackage {
		return app
	}
	out := app.DeepCopy()
	_ = unstructured.SetNestedSlice(out.Object, []any{map[string]any{"inline": map[string]any{"paths": map[string]any{KindPackage + ".yaml": "(hidden: holds the package's values)"}}}}, "spec", "fetch")
	return out
}
