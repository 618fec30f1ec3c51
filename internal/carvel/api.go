// Package carvel is the domain logic of `kubectl tko package`: kapp-controller's
// PackageRepository, PackageInstall, Package and App objects, version
// selection, values validation, installs with their ServiceAccount and RBAC,
// and dependency-ordered stacks. It has no cobra in it.
//
// Objects are read through the dynamic client into the small typed views
// below. kapp-controller's own Go types live in a module whose go.mod names
// carvel.dev/kapp-controller, which needs a replace directive to build (and
// replace directives do not reach `go install` users), and it drags vendir
// and kapp into every plugin; the few fields we read are cheap to declare.
package carvel

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// The API groups kapp-controller serves.
const (
	PackagingGroup = "packaging.carvel.dev"
	DataGroup      = "data.packaging.carvel.dev"
	AppGroup       = "kappctrl.k14s.io"
)

// Resources this package reads and writes.
var (
	Repositories = schema.GroupVersionResource{Group: PackagingGroup, Version: "v1alpha1", Resource: "packagerepositories"}
	Installs     = schema.GroupVersionResource{Group: PackagingGroup, Version: "v1alpha1", Resource: "packageinstalls"}
	Packages     = schema.GroupVersionResource{Group: DataGroup, Version: "v1alpha1", Resource: "packages"}
	Metadatas    = schema.GroupVersionResource{Group: DataGroup, Version: "v1alpha1", Resource: "packagemetadatas"}
	Apps         = schema.GroupVersionResource{Group: AppGroup, Version: "v1alpha1", Resource: "apps"}

	ServiceAccounts     = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	Secrets             = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	Namespaces          = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	ClusterRoles        = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}
	ClusterRoleBindings = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}
	Roles               = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}
	RoleBindings        = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
)

// Client is a connection to a cluster running kapp-controller.
type Client struct {
	Dyn       dynamic.Interface
	Namespace string
}

// Requirements of commands that read kapp-controller's objects.
var (
	// Packaging is kapp-controller's CRDs (PackageRepository, PackageInstall).
	Packaging = kube.Requirement{Group: PackagingGroup, Hint: "is kapp-controller installed? (TKG installs it on every cluster; check with 'kubectl get deploy -A -l app=kapp-controller')"}
	// PackageData is kapp-controller's aggregated Package API.
	PackageData = kube.Requirement{Group: DataGroup, Name: DataGroup + " (kapp-controller's Package API)", Hint: "is kapp-controller running? check 'kubectl get apiservice v1alpha1.data.packaging.carvel.dev'"}
)

// Requirements lists what a command needs: the CRDs, and with needData the
// aggregated Package API too.
func Requirements(needData bool) []kube.Requirement {
	if needData {
		return []kube.Requirement{Packaging, PackageData}
	}
	return []kube.Requirement{Packaging}
}

// Condition is kapp-controller's condition shape.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// ReconcileStatus is the status every kapp-controller object shares.
type ReconcileStatus struct {
	ObservedGeneration  int64       `json:"observedGeneration,omitempty"`
	Conditions          []Condition `json:"conditions,omitempty"`
	FriendlyDescription string      `json:"friendlyDescription,omitempty"`
	UsefulErrorMessage  string      `json:"usefulErrorMessage,omitempty"`
}

// State is the one-word summary of a ReconcileStatus at a generation:
// Reconciling, ReconcileSucceeded, ReconcileFailed, DeleteFailed,
// Deleting or Paused.
func (s ReconcileStatus) State(generation int64, paused bool) string {
	if paused {
		return "Paused"
	}
	if generation > 0 && s.ObservedGeneration < generation {
		return "Reconciling"
	}
	for _, want := range []string{"ReconcileFailed", "DeleteFailed", "ReconcileSucceeded", "Deleting", "Reconciling"} {
		for _, c := range s.Conditions {
			if c.Type == want && c.Status == "True" {
				return want
			}
		}
	}
	return "Reconciling"
}

// Failed reports whether the status is a failure.
func Failed(state string) bool { return state == "ReconcileFailed" || state == "DeleteFailed" }

// Repository is a PackageRepository.
type Repository struct {
	Object    *unstructured.Unstructured `json:"-"`
	Name      string                     `json:"-"`
	Namespace string                     `json:"-"`
	Spec      struct {
		Paused bool `json:"paused,omitempty"`
		Fetch  struct {
			ImgpkgBundle *struct {
				Image string `json:"image"`
			} `json:"imgpkgBundle,omitempty"`
			Image *struct {
				URL string `json:"url"`
			} `json:"image,omitempty"`
			Git *struct {
				URL string `json:"url"`
				Ref string `json:"ref,omitempty"`
			} `json:"git,omitempty"`
			HTTP *struct {
				URL string `json:"url"`
			} `json:"http,omitempty"`
			Inline *struct {
				Paths map[string]string `json:"paths,omitempty"`
			} `json:"inline,omitempty"`
		} `json:"fetch"`
	} `json:"spec"`
	Status struct {
		ReconcileStatus `json:",inline"`
	} `json:"status"`
}

// Source is where the repository fetches from, for tables.
func (r *Repository) Source() string {
	f := r.Spec.Fetch
	switch {
	case f.ImgpkgBundle != nil:
		return "(imgpkg) " + f.ImgpkgBundle.Image
	case f.Image != nil:
		return "(image) " + f.Image.URL
	case f.Git != nil:
		return "(git) " + f.Git.URL + "@" + f.Git.Ref
	case f.HTTP != nil:
		return "(http) " + f.HTTP.URL
	case f.Inline != nil:
		return fmt.Sprintf("(inline) %d files", len(f.Inline.Paths))
	}
	return ""
}

// State summarises the repository's reconcile status.
func (r *Repository) State() string {
	return r.Status.State(r.Object.GetGeneration(), r.Spec.Paused)
}

// Install is a PackageInstall.
type Install struct {
	Object    *unstructured.Unstructured `json:"-"`
	Name      string                     `json:"-"`
	Namespace string                     `json:"-"`
	Spec      struct {
		ServiceAccountName string `json:"serviceAccountName,omitempty"`
		Cluster            *struct {
			Namespace           string `json:"namespace,omitempty"`
			KubeconfigSecretRef *struct {
				Name string `json:"name,omitempty"`
				Key  string `json:"key,omitempty"`
			} `json:"kubeconfigSecretRef,omitempty"`
		} `json:"cluster,omitempty"`
		PackageRef struct {
			RefName          string `json:"refName"`
			VersionSelection *struct {
				Constraints string `json:"constraints,omitempty"`
			} `json:"versionSelection,omitempty"`
		} `json:"packageRef"`
		Values []struct {
			SecretRef *struct {
				Name string `json:"name"`
				Key  string `json:"key,omitempty"`
			} `json:"secretRef,omitempty"`
		} `json:"values,omitempty"`
		Paused   bool `json:"paused,omitempty"`
		Canceled bool `json:"canceled,omitempty"`
	} `json:"spec"`
	Status struct {
		ReconcileStatus      `json:",inline"`
		Version              string `json:"version,omitempty"`
		LastAttemptedVersion string `json:"lastAttemptedVersion,omitempty"`
	} `json:"status"`
}

// State summarises the install's reconcile status.
func (i *Install) State() string {
	if i.Object.GetDeletionTimestamp() != nil && !Failed(i.Status.State(0, false)) {
		return "Deleting"
	}
	return i.Status.State(i.Object.GetGeneration(), i.Spec.Paused || i.Spec.Canceled)
}

// Constraint is the version constraint the install asks for.
func (i *Install) Constraint() string {
	if i.Spec.PackageRef.VersionSelection == nil {
		return ""
	}
	return i.Spec.PackageRef.VersionSelection.Constraints
}

// Version is the installed version, or the one asked for before the first
// reconcile.
func (i *Install) Version() string {
	if i.Status.Version != "" {
		return i.Status.Version
	}
	return i.Constraint()
}

// Cluster is the workload cluster a remote install targets ("" for the
// cluster it lives on): the kubeconfig Secret's name without -kubeconfig.
func (i *Install) Cluster() string {
	if i.Spec.Cluster == nil || i.Spec.Cluster.KubeconfigSecretRef == nil {
		return ""
	}
	if c := i.Object.GetLabels()[kube.LabelCluster]; c != "" {
		return c
	}
	name := i.Spec.Cluster.KubeconfigSecretRef.Name
	if cluster, ok := strings.CutSuffix(name, "-kubeconfig"); ok && cluster != "" {
		return cluster
	}
	return name
}

// ValuesSecrets names the Secrets holding the install's values.
func (i *Install) ValuesSecrets() []string {
	var out []string
	for _, v := range i.Spec.Values {
		if v.SecretRef != nil {
			out = append(out, v.SecretRef.Name)
		}
	}
	return out
}

// Package is one version of a package (data.packaging.carvel.dev).
type Package struct {
	Object *unstructured.Unstructured `json:"-"`
	Name   string                     `json:"-"`
	Spec   struct {
		RefName                        string   `json:"refName"`
		Version                        string   `json:"version"`
		ReleasedAt                     string   `json:"releasedAt,omitempty"`
		ReleaseNotes                   string   `json:"releaseNotes,omitempty"`
		Licenses                       []string `json:"licenses,omitempty"`
		KappControllerVersionSelection *struct {
			Constraints string `json:"constraints,omitempty"`
		} `json:"kappControllerVersionSelection,omitempty"`
		KubernetesVersionSelection *struct {
			Constraints string `json:"constraints,omitempty"`
		} `json:"kubernetesVersionSelection,omitempty"`
		ValuesSchema struct {
			OpenAPIv3 map[string]any `json:"openAPIv3,omitempty"`
		} `json:"valuesSchema"`
	} `json:"spec"`
}

// Metadata is a PackageMetadata: the package's name and description.
type Metadata struct {
	Object *unstructured.Unstructured `json:"-"`
	Name   string                     `json:"-"`
	Spec   struct {
		DisplayName        string   `json:"displayName,omitempty"`
		ShortDescription   string   `json:"shortDescription,omitempty"`
		LongDescription    string   `json:"longDescription,omitempty"`
		ProviderName       string   `json:"providerName,omitempty"`
		Maintainers        []any    `json:"maintainers,omitempty"`
		Categories         []string `json:"categories,omitempty"`
		SupportDescription string   `json:"supportDescription,omitempty"`
	} `json:"spec"`
}

// App is the kapp-controller App behind a PackageInstall: where fetch,
// template and deploy report.
type App struct {
	Object *unstructured.Unstructured `json:"-"`
	Status struct {
		ReconcileStatus `json:",inline"`
		Fetch           *StageResult `json:"fetch,omitempty"`
		Template        *StageResult `json:"template,omitempty"`
		Deploy          *StageResult `json:"deploy,omitempty"`
		Inspect         *StageResult `json:"inspect,omitempty"`
	} `json:"status"`
}

// StageResult is one stage of an App's reconcile.
type StageResult struct {
	ExitCode  int    `json:"exitCode"`
	Error     string `json:"error,omitempty"`
	Stdout    string `json:"stdout,omitempty"`
	Stderr    string `json:"stderr,omitempty"`
	UpdatedAt string `json:"updatedAt,omitempty"`
	StartedAt string `json:"startedAt,omitempty"`
	Finished  bool   `json:"finished,omitempty"`
}

// decode reads an unstructured object into one of the views above.
func decode[T any](u *unstructured.Unstructured, into *T) error {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, into); err != nil {
		return fmt.Errorf("reading %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return nil
}

// AsRepository reads a PackageRepository.
func AsRepository(u *unstructured.Unstructured) (*Repository, error) {
	r := &Repository{}
	if err := decode(u, r); err != nil {
		return nil, err
	}
	r.Object, r.Name, r.Namespace = u, u.GetName(), u.GetNamespace()
	return r, nil
}

// AsInstall reads a PackageInstall.
func AsInstall(u *unstructured.Unstructured) (*Install, error) {
	i := &Install{}
	if err := decode(u, i); err != nil {
		return nil, err
	}
	i.Object, i.Name, i.Namespace = u, u.GetName(), u.GetNamespace()
	return i, nil
}

// AsPackage reads a Package.
func AsPackage(u *unstructured.Unstructured) (*Package, error) {
	p := &Package{}
	if err := decode(u, p); err != nil {
		return nil, err
	}
	p.Object, p.Name = u, u.GetName()
	return p, nil
}

// AsMetadata reads a PackageMetadata.
func AsMetadata(u *unstructured.Unstructured) (*Metadata, error) {
	m := &Metadata{}
	if err := decode(u, m); err != nil {
		return nil, err
	}
	m.Object, m.Name = u, u.GetName()
	return m, nil
}

// AsApp reads an App.
func AsApp(u *unstructured.Unstructured) (*App, error) {
	a := &App{}
	if err := decode(u, a); err != nil {
		return nil, err
	}
	a.Object = u
	return a, nil
}

// ListInstalls lists PackageInstalls in a namespace ("" for all).
func (c *Client) ListInstalls(ctx context.Context, namespace string) ([]*Install, error) {
	list, err := c.Dyn.Resource(Installs).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]*Install, 0, len(list.Items))
	for i := range list.Items {
		in, err := AsInstall(&list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b *Install) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// GetInstall reads one PackageInstall.
func (c *Client) GetInstall(ctx context.Context, namespace, name string) (*Install, error) {
	u, err := c.Dyn.Resource(Installs).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, notFound(err, "package install", name, namespace, "list them with 'kubectl tko package installed list -A'")
	}
	return AsInstall(u)
}

// GetApp reads the App behind a PackageInstall; nil when it has none yet.
func (c *Client) GetApp(ctx context.Context, namespace, name string) (*App, error) {
	u, err := c.Dyn.Resource(Apps).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return AsApp(u)
}

// ListRepositories lists PackageRepositories in a namespace ("" for all).
func (c *Client) ListRepositories(ctx context.Context, namespace string) ([]*Repository, error) {
	list, err := c.Dyn.Resource(Repositories).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]*Repository, 0, len(list.Items))
	for i := range list.Items {
		r, err := AsRepository(&list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// GetRepository reads one PackageRepository.
func (c *Client) GetRepository(ctx context.Context, namespace, name string) (*Repository, error) {
	u, err := c.Dyn.Resource(Repositories).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, notFound(err, "package repository", name, namespace, "list them with 'kubectl tko package repository list -A'")
	}
	return AsRepository(u)
}
