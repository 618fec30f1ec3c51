package tkg

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// PlanInput is what a Cluster is planned from: one document (a flat
// configuration or a Cluster manifest) and the choices made outside it.
type PlanInput struct {
	Doc yamldoc.Document
	// Name overrides CLUSTER_NAME or metadata.name when set.
	Name string
	// Namespace is the namespace in use (-n or the kubeconfig context's); it
	// fills a missing NAMESPACE or metadata.namespace, and replaces it when
	// NamespaceFromFlag says the user chose it explicitly.
	Namespace         string
	NamespaceFromFlag bool
	// Class and TKR override CLUSTER_CLASS and TKR/KUBERNETES_VERSION.
	Class string
	TKR   string
}

// PlanCluster turns a flat TKG configuration or a Cluster manifest into the
// Cluster to apply, with its ClusterClass and Kubernetes version chosen, and
// checks it against the management cluster: the class's variables, the
// control plane and the TanzuKubernetesReleases served. Every problem is
// returned at once, with its file line, as an *errs.ProblemsError; nothing
// is written.
func PlanCluster(ctx context.Context, dyn dynamic.Interface, api capi.API, in PlanInput) (*unstructured.Unstructured, error) {
	doc := in.Doc
	m, ok := doc.Data.(map[string]any)
	if !ok {
		return nil, &errs.InputError{File: doc.File, Line: nodeLine(doc), Err: fmt.Errorf("expected a mapping of variables or a Cluster manifest")}
	}
	tkrs, tkrServed, err := capi.ListTKRs(ctx, dyn, api)
	if err != nil {
		return nil, err
	}
	// With no TKRs at all there is nothing to resolve versions against.
	tkrServed = tkrServed && len(tkrs) > 0

	p := &planner{in: in, doc: doc, m: m}
	var cluster *unstructured.Unstructured
	if IsFlatConfig(m) {
		cluster, err = p.fromFlat(ctx, dyn, api, tkrs, tkrServed)
	} else {
		cluster, err = p.fromManifest(tkrs, tkrServed)
	}
	if err != nil {
		return nil, err
	}
	class, classNS := capi.TopologyClass(cluster)
	classObj, err := dyn.Resource(api.Resource("clusterclasses")).Namespace(classNS).Get(ctx, class, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, &errs.NotFoundError{Kind: "ClusterClass", Name: class, Namespace: classNS, Hint: "list the classes with 'kubectl get clusterclasses -n " + classNS + "', or pass --class"}
	}
	if err != nil {
		return nil, fmt.Errorf("reading ClusterClass %s: %w", class, err)
	}
	for _, v := range validateTopology(cluster, classObj) {
		p.problems = append(p.problems, p.locate(v))
	}
	if len(p.problems) > 0 {
		return nil, errs.Problems(errs.DisplayFile(doc.File), "created", p.problems)
	}
	return cluster, nil
}

func nodeLine(doc yamldoc.Document) int {
	if doc.Node == nil {
		return 0
	}
	return doc.Node.Line
}

type planner struct {
	in       PlanInput
	doc      yamldoc.Document
	m        map[string]any
	flat     *Config
	problems []errs.Problem
}

func (p *planner) fromFlat(ctx context.Context, dyn dynamic.Interface, api capi.API, tkrs []capi.TKR, tkrServed bool) (*unstructured.Unstructured, error) {
	lines := map[string]int{}
	for k := range p.m {
		lines[k] = p.doc.Line(k)
	}
	flat := NewConfig(p.m, lines)
	p.flat = flat
	if p.in.Name != "" {
		flat.Set("CLUSTER_NAME", p.in.Name)
	}
	if p.in.NamespaceFromFlag || flat.Get("NAMESPACE") == nil {
		flat.Set("NAMESPACE", p.in.Namespace)
	}
	p.problems = append(p.problems, flat.Validate()...)
	choice := ChooseTKR(flat.TKRWanted(p.in.TKR), tkrs, tkrServed)
	if choice.Problem != nil {
		if flat.Get("KUBERNETES_VERSION") != nil {
			choice.Problem.Line = p.doc.Line("KUBERNETES_VERSION")
		}
		p.problems = append(p.problems, *choice.Problem)
	}
	if choice.TKR != "" {
		flat.Set("TKR", choice.TKR)
	}
	class := p.in.Class
	if class == "" {
		class = flat.ClassName("")
	}
	if class == "" {
		ns := flat.str("NAMESPACE")
		var err error
		if class, err = DefaultClass(ctx, dyn, api, ns); err != nil {
			return nil, err
		}
	}
	return flat.Cluster(capi.Group+"/"+api.Version, class, choice.Version), nil
}

func (p *planner) fromManifest(tkrs []capi.TKR, tkrServed bool) (*unstructured.Unstructured, error) {
	doc := p.doc
	cluster := &unstructured.Unstructured{Object: p.m}
	if cluster.GetKind() != "Cluster" || !strings.HasPrefix(cluster.GetAPIVersion(), capi.Group+"/") {
		return nil, &errs.InputError{File: doc.File, Line: doc.Line("kind"), Field: "kind", Err: fmt.Errorf("expected a cluster.x-k8s.io Cluster or a TKG cluster configuration, found %s %s", cluster.GetAPIVersion(), cluster.GetKind())}
	}
	if p.in.Name != "" {
		cluster.SetName(p.in.Name)
	}
	if cluster.GetName() == "" {
		return nil, &errs.InputError{File: doc.File, Line: doc.Line("metadata"), Field: "metadata.name", Err: fmt.Errorf("the Cluster has no name: set metadata.name or pass NAME")}
	}
	if p.in.NamespaceFromFlag || cluster.GetNamespace() == "" {
		cluster.SetNamespace(p.in.Namespace)
	}
	version, _, _ := unstructured.NestedString(cluster.Object, "spec", "topology", "version")
	if tkrServed && version != "" {
		if _, ok := capi.ResolveTKR(tkrs, version); !ok {
			p.problems = append(p.problems, errs.Problem{
				Line: doc.Line("spec", "topology", "version"), Path: "spec.topology.version",
				Message: fmt.Sprintf("%s is not the Kubernetes version of any TanzuKubernetesRelease here (available: %s)", version, capi.Names(tkrs)),
			})
		}
	}
	return cluster, nil
}

// locate adds the file line to a violation: the flat variable it comes
// from, or the manifest's field or variable entry.
func (p *planner) locate(v Violation) errs.Problem {
	if p.flat != nil {
		key := SourceOf(v.Variable, v.Path)
		if key == "" {
			return errs.Problem{Path: v.Path, Message: v.Message}
		}
		line := 0
		if _, inFile := p.m[key]; inFile {
			line = p.doc.Line(key)
		}
		return errs.Problem{Line: line, Path: v.Path, Source: key, Message: v.Message}
	}
	line := p.doc.Line(pathKeys(v.Path)...)
	if v.Index >= 0 {
		line = p.doc.Line("spec", "topology", "variables", v.Index)
	}
	return errs.Problem{Line: line, Path: v.Path, Message: v.Message}
}

// pathKeys turns spec.topology.variables[x].value into the keys of the
// document's node path, without the list selectors.
func pathKeys(path string) []any {
	var keys []any
	for _, p := range strings.Split(path, ".") {
		if i := strings.Index(p, "["); i >= 0 {
			p = p[:i]
		}
		keys = append(keys, p)
	}
	return keys
}
