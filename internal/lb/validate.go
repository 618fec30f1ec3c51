package lb

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	jsonschema "github.com/vmware-tanzu-labs/kubectl-tko/internal/schema"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

var crds = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// FlatKeys are the keys of our short ADC file; their path in the manifest.
var FlatKeys = map[string][]string{
	"name":                {"metadata", "name"},
	"controller":          {"spec", "controller"},
	"cloud":               {"spec", "cloudName"},
	"serviceEngineGroup":  {"spec", "serviceEngineGroup"},
	"adminCredentials":    {"spec", "adminCredentialRef"},
	"ca":                  {"spec", "certificateAuthorityRef"},
	"dataNetwork":         {"spec", "dataNetwork"},
	"controlPlaneNetwork": {"spec", "controlPlaneNetwork"},
	"clusterSelector":     {"spec", "clusterSelector", "matchLabels"},
}

// Plan is an AKODeploymentConfig ready to create, or every problem with it.
type Plan struct {
	ADC *unstructured.Unstructured
	doc yamldoc.Document
	// flat maps a manifest path (dotted) to the flat file key it came from.
	flat map[string]string
}

// PlanADC turns a manifest or a flat ADC file into an AKODeploymentConfig
// and checks it against the management cluster: the CRD's schema (unknown
// fields), CIDRs and pools, the referenced Secrets (read, never shown) and
// the clusters its selector claims (api is nil where Cluster API is not
// served). Every problem is returned at once.
func PlanADC(ctx context.Context, c *kube.Clients, api *capi.API, doc yamldoc.Document) (*Plan, error) {
	dyn := c.Dynamic
	m, ok := doc.Data.(map[string]any)
	if !ok {
		return nil, &errs.InputError{File: doc.File, Line: doc.Node.Line, Err: fmt.Errorf("expected an AKODeploymentConfig or a flat ADC file (name, controller, dataNetwork, ...)")}
	}
	p := &Plan{doc: doc}
	if _, manifest := m["kind"]; manifest {
		u := &unstructured.Unstructured{Object: m}
		if u.GetKind() != "AKODeploymentConfig" || !strings.HasPrefix(u.GetAPIVersion(), OperatorGroup+"/") {
			return nil, &errs.InputError{File: doc.File, Line: doc.Line("kind"), Field: "kind", Err: fmt.Errorf("expected %s AKODeploymentConfig, found %s %s", OperatorGroup, u.GetAPIVersion(), u.GetKind())}
		}
		p.ADC = u
	} else {
		p.ADC, p.flat = fromFlat(m)
	}
	var problems []errs.Problem
	add := func(path, format string, args ...any) {
		problems = append(problems, p.problem(path, fmt.Sprintf(format, args...)))
	}
	if p.flat != nil {
		for k := range m {
			if _, known := FlatKeys[k]; !known {
				problems = append(problems, errs.Problem{File: doc.File, Line: doc.Line(k), Path: k, Message: "unknown key (known: " + strings.Join(flatKeyNames(), ", ") + ")"})
			}
		}
	}
	if p.ADC.GetName() == "" {
		add("metadata.name", "the ADC has no name")
	}
	problems = append(problems, p.schemaProblems(ctx, dyn)...)
	adc, err := ParseADC(p.ADC)
	if err != nil {
		add("spec", "%v", err)
		return nil, errs.Problems(errs.DisplayFile(doc.File), "created", problems)
	}
	problems = append(problems, p.networkProblems(adc)...)
	for path, ref := range map[string]*SecretRef{"spec.adminCredentialRef": adc.Spec.AdminCredentialRef, "spec.certificateAuthorityRef": adc.Spec.CertificateAuthRef} {
		if ref == nil || ref.Name == "" {
			continue
		}
		exists, err := kube.SecretExists(ctx, c, ref.Namespace, ref.Name)
		switch {
		case err == nil && !exists:
			add(path, "Secret %s/%s does not exist: create it before the ADC", ref.Namespace, ref.Name)
		case apierrors.IsForbidden(err):
			add(path, "Secret %s/%s could not be checked: reading Secrets there is forbidden", ref.Namespace, ref.Name)
		case err != nil:
			return nil, fmt.Errorf("checking Secret %s/%s: %w", ref.Namespace, ref.Name, err)
		}
	}
	claims, err := p.overlapProblems(ctx, dyn, api, adc)
	if err != nil {
		return nil, err
	}
	problems = append(problems, claims...)
	if len(problems) > 0 {
		return nil, errs.Problems(errs.DisplayFile(doc.File), "created", problems)
	}
	return p, nil
}

func flatKeyNames() []string {
	return []string{"name", "controller", "cloud", "serviceEngineGroup", "adminCredentials", "ca", "dataNetwork", "controlPlaneNetwork", "clusterSelector"}
}

// fromFlat maps our short file onto a manifest. Secret references are
// written NAMESPACE/NAME; pools as "START-END" strings.
func fromFlat(m map[string]any) (*unstructured.Unstructured, map[string]string) {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": OperatorGroup + "/v1alpha1", "kind": "AKODeploymentConfig", "metadata": map[string]any{}, "spec": map[string]any{}}}
	origin := map[string]string{}
	for key, val := range m {
		path, ok := FlatKeys[key]
		if !ok {
			continue
		}
		switch key {
		case "adminCredentials", "ca":
			ns, name, _ := strings.Cut(fmt.Sprint(val), "/")
			val = map[string]any{"namespace": ns, "name": name}
		case "dataNetwork", "controlPlaneNetwork":
			if n, ok := val.(map[string]any); ok {
				n = copyMap(n)
				if pools, ok := n["pools"].([]any); ok {
					var ipPools []any
					for _, item := range pools {
						start, end, _ := strings.Cut(fmt.Sprint(item), "-")
						ipPools = append(ipPools, map[string]any{"start": strings.TrimSpace(start), "end": strings.TrimSpace(end), "type": "V4"})
					}
					delete(n, "pools")
					n["ipPools"] = ipPools
				}
				val = n
			}
		}
		_ = unstructured.SetNestedField(u.Object, val, path...)
		origin[strings.Join(path, ".")] = key
	}
	return u, origin
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// problem places a message at a manifest path: the line of that path in a
// manifest, or in a flat file the line of what it came from.
func (p *Plan) problem(path, msg string) errs.Problem {
	segs := jsonschema.SplitDotted(path)
	if p.flat == nil {
		return errs.Problem{File: p.doc.File, Line: p.doc.Line(docPath(segs)...), Path: path, Message: msg}
	}
	// A problem just above one mapped key (spec.clusterSelector for
	// spec.clusterSelector.matchLabels) is that key's; above several, the
	// file's as a whole.
	var under []string
	for prefix, key := range p.flat {
		if strings.HasPrefix(prefix+".", path+".") && prefix != path {
			under = append(under, key)
		}
	}
	if len(under) == 1 {
		return errs.Problem{File: p.doc.File, Line: p.doc.Line(under[0]), Path: path, Source: under[0], Message: msg}
	}
	for i := len(segs); i > 0; i-- {
		key, ok := p.flat[strings.Join(segs[:i], ".")]
		if !ok {
			continue
		}
		rest := slices.Clone(segs[i:])
		if len(rest) > 0 && rest[0] == "ipPools" {
			rest[0] = "pools"
		}
		return errs.Problem{File: p.doc.File, Line: p.doc.Line(docPath(append([]string{key}, rest...))...), Path: path, Source: key, Message: msg}
	}
	return errs.Problem{File: p.doc.File, Path: path, Message: msg}
}

// docPath turns path segments into yamldoc keys, indexes as ints.
func docPath(segs []string) []any {
	keys := make([]any, len(segs))
	for i, s := range segs {
		keys[i] = s
		if idx, err := strconv.Atoi(s); err == nil {
			keys[i] = idx
		}
	}
	return keys
}

// schemaProblems validates against the served CRD's schema, so unknown
// fields and wrong types are caught before the API server's pruning hides
// them; where the CRD declares no fields (or cannot be read) against our
// own copy of its spec.
func (p *Plan) schemaProblems(ctx context.Context, dyn dynamic.Interface) []errs.Problem {
	openAPI := servedSchema(ctx, dyn)
	spec, _, _ := unstructured.NestedMap(openAPI, "properties", "spec")
	if len(spec) == 0 || spec["x-kubernetes-preserve-unknown-fields"] == true {
		openAPI = adcSchema()
	}
	body := map[string]any{}
	for k, val := range p.ADC.Object {
		if k != "status" {
			body[k] = val
		}
	}
	violations, err := jsonschema.Validate(openAPI, body, jsonschema.Options{UnknownKeys: true})
	if err != nil {
		return []errs.Problem{{File: p.doc.File, Message: err.Error()}}
	}
	var out []errs.Problem
	for _, vio := range violations {
		if len(vio.Path) > 0 && vio.Path[0] == "metadata" {
			continue
		}
		out = append(out, p.problem(vio.Dotted(), vio.Message))
	}
	return out
}

// servedSchema reads the ADC CRD's openAPIV3Schema; nil when it cannot.
func servedSchema(ctx context.Context, dyn dynamic.Interface) map[string]any {
	crd, err := dyn.Resource(crds).Get(ctx, ADCs.Resource+"."+OperatorGroup, metav1.GetOptions{})
	if err != nil {
		return nil
	}
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	for _, v := range versions {
		if vm, _ := v.(map[string]any); vm["name"] == ADCs.Version {
			openAPI, _, _ := unstructured.NestedMap(vm, "schema", "openAPIV3Schema")
			return openAPI
		}
	}
	return nil
}

// networkProblems: CIDRs parse; each pool is a valid range of the CIDR's
// family, inside it; pools do not overlap.
func (p *Plan) networkProblems(adc *ADC) []errs.Problem {
	var out []errs.Problem
	check := func(base string, n *Network) {
		if n == nil || n.CIDR == "" {
			return
		}
		prefix, err := netip.ParsePrefix(n.CIDR)
		if err != nil {
			out = append(out, p.problem(base+".cidr", fmt.Sprintf("%q is not a CIDR (for example 10.20.8.0/24)", n.CIDR)))
			return
		}
		cidr := PrefixRange(prefix)
		var seen []Range
		for i, pool := range n.IPPools {
			path := fmt.Sprintf("%s.ipPools[%d]", base, i)
			r, err := ParseRange(pool.Start + "-" + pool.End)
			if err != nil {
				out = append(out, p.problem(path, err.Error()))
				continue
			}
			if !cidr.Contains(r.From) || !cidr.Contains(r.To) {
				out = append(out, p.problem(path, fmt.Sprintf("%s is outside the network's CIDR %s", r, n.CIDR)))
			}
			for j, other := range seen {
				if r.Overlaps(other) {
					out = append(out, p.problem(path, fmt.Sprintf("%s overlaps ipPools[%d] %s", r, j, other)))
				}
			}
			seen = append(seen, r)
		}
	}
	check("spec.dataNetwork", &adc.Spec.DataNetwork)
	check("spec.controlPlaneNetwork", adc.Spec.ControlPlaneNetwork)
	return out
}

// overlapProblems: the selector is valid and no workload cluster would be
// claimed by this ADC and another one with a non-empty selector.
func (p *Plan) overlapProblems(ctx context.Context, dyn dynamic.Interface, api *capi.API, adc *ADC) ([]errs.Problem, error) {
	sel, err := metav1.LabelSelectorAsSelector(&adc.Spec.ClusterSelector)
	if err != nil {
		return []errs.Problem{p.problem("spec.clusterSelector", err.Error())}, nil
	}
	if sel.Empty() || adc.Name == ForAll || adc.Name == ForManagement || api == nil {
		return nil, nil
	}
	list, err := dyn.Resource(ADCs).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing AKODeploymentConfigs: %w", err)
	}
	clusters, err := dyn.Resource(api.Clusters()).Namespace("").List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, fmt.Errorf("listing the clusters the selector claims: %w", err)
	}
	var out []errs.Problem
	for _, item := range list.Items {
		other, err := ParseADC(&item)
		if err != nil || other.Name == adc.Name || other.Name == ForAll || other.Name == ForManagement {
			continue
		}
		osel, err := metav1.LabelSelectorAsSelector(&other.Spec.ClusterSelector)
		if err != nil || osel.Empty() {
			continue
		}
		var both []string
		for _, c := range clusters.Items {
			if osel.Matches(labels.Set(c.GetLabels())) {
				both = append(both, c.GetNamespace()+"/"+c.GetName())
			}
		}
		if len(both) > 0 {
			out = append(out, p.problem("spec.clusterSelector", fmt.Sprintf("also claims %s, which adc/%s selects: make the selectors disjoint", strings.Join(both, ", "), other.Name)))
		}
	}
	return out, nil
}
