package carvel

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	semver "github.com/carvel-dev/semver/v4"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/schema"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// notFound turns an API NotFound into a NotFoundError with a hint.
func notFound(err error, kind, name, namespace, hint string) error {
	if apierrors.IsNotFound(err) {
		return &errs.NotFoundError{Kind: kind, Name: name, Namespace: namespace, Hint: hint}
	}
	return err
}

// Catalog is what a namespace can install: the packages of the
// repositories in it and in kapp-controller's global namespace.
type Catalog struct {
	Namespace string
	Metadata  map[string]*Metadata  // by refName
	Versions  map[string][]*Package // by refName, newest first
}

// LoadCatalog reads every Package and PackageMetadata visible in a namespace.
func (c *Client) LoadCatalog(ctx context.Context, namespace string) (*Catalog, error) {
	cat := &Catalog{Namespace: namespace, Metadata: map[string]*Metadata{}, Versions: map[string][]*Package{}}
	metas, err := c.Dyn.Resource(Metadatas).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for i := range metas.Items {
		m, err := AsMetadata(&metas.Items[i])
		if err != nil {
			return nil, err
		}
		cat.Metadata[m.Name] = m
	}
	pkgs, err := c.Dyn.Resource(Packages).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for i := range pkgs.Items {
		p, err := AsPackage(&pkgs.Items[i])
		if err != nil {
			return nil, err
		}
		cat.Versions[p.Spec.RefName] = append(cat.Versions[p.Spec.RefName], p)
	}
	for _, versions := range cat.Versions {
		slices.SortFunc(versions, func(a, b *Package) int { return -CompareVersions(a.Spec.Version, b.Spec.Version) })
	}
	return cat, nil
}

// Names lists the package names of the catalog, sorted.
func (cat *Catalog) Names() []string {
	seen := map[string]bool{}
	for n := range cat.Metadata {
		seen[n] = true
	}
	for n := range cat.Versions {
		seen[n] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// CompareVersions orders package versions exactly as kapp-controller does
// (its semver fork also orders build metadata, numerically where numeric:
// vmware.1-tkg.10 after vmware.1-tkg.2); strings that are not versions
// sort first.
func CompareVersions(a, b string) int {
	va, errA := semver.Parse(a)
	vb, errB := semver.Parse(b)
	switch {
	case errA != nil && errB != nil:
		return strings.Compare(a, b)
	case errA != nil:
		return -1
	case errB != nil:
		return 1
	}
	return va.Compare(vb)
}

// Resolve picks the Package to install: an exact version, the newest
// version meeting a constraint, or the newest version. It explains every
// miss with what is available.
func (cat *Catalog) Resolve(refName, version, constraint string) (*Package, error) {
	versions := cat.Versions[refName]
	if len(versions) == 0 {
		hint := "list what can be installed with 'kubectl tko package available list -n " + cat.Namespace + "'"
		if near := schema.Closest(refName, cat.Names()); near != "" {
			hint = fmt.Sprintf("did you mean %q? %s", near, hint)
		}
		return nil, &errs.NotFoundError{Kind: "package", Name: refName, Namespace: cat.Namespace, Hint: hint}
	}
	available := make([]string, 0, len(versions))
	for _, p := range versions {
		available = append(available, p.Spec.Version)
	}
	switch {
	case version != "":
		for _, p := range versions {
			if p.Spec.Version == version {
				return p, nil
			}
		}
		// "1.26.1" names "1.26.1+vmware.1-tkg.1" when it is the only build.
		var match []*Package
		for _, p := range versions {
			if strings.SplitN(p.Spec.Version, "+", 2)[0] == version {
				match = append(match, p)
			}
		}
		if len(match) == 1 {
			return match[0], nil
		}
		if _, err := semver.Parse(version); err != nil {
			return nil, errs.Invalidf("invalid version %q for package %s: use one of %s", version, refName, strings.Join(available, ", "))
		}
		return nil, &errs.NotFoundError{Kind: "version", Name: version, Hint: fmt.Sprintf("package %s has %s", refName, strings.Join(available, ", "))}
	case constraint != "":
		// kapp-controller's own range parser, so what passes here reconciles there.
		inRange, err := semver.ParseRange(constraint)
		if err != nil {
			return nil, errs.Invalidf("invalid version constraint %q: %v (example: '>=1.2.0 <2.0.0')", constraint, err)
		}
		for _, p := range versions {
			// Pre-releases only match when asked for by version, as in kapp-controller.
			if v, err := semver.Parse(p.Spec.Version); err == nil && len(v.Pre) == 0 && inRange(v) {
				return p, nil
			}
		}
		return nil, &errs.NotFoundError{Kind: "version of package " + refName + " matching", Name: constraint, Hint: "available: " + strings.Join(available, ", ")}
	}
	return versions[0], nil
}

func decodeBase64(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return ""
	}
	return string(b)
}
