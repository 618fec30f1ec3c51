// Package create implements `kubectl tko cluster create`.
package create

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkg"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `cluster create`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags

	File    string
	Name    string
	Class   string
	TKR     string
	DryRun  string // "", client, server
	Wait    bool
	Timeout time.Duration

	namespaceFlag bool
}

// NewCmd returns the create command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Timeout: 30 * time.Minute}
	cmd := &cobra.Command{
		Use:   "create [NAME] -f FILE",
		Short: "Create a workload cluster from a TKG cluster configuration or a Cluster manifest",
		Long: cli.LongDesc(`
			Create a class-based workload cluster. FILE is either a TKG flat cluster
			configuration (UPPER_CASE variables such as CLUSTER_NAME, VSPHERE_SERVER,
			CONTROL_PLANE_MACHINE_COUNT) mapped onto a Cluster exactly as TKG maps it, or a
			Cluster manifest. Use - to read standard input.

			Before anything is created the Cluster is checked against its ClusterClass:
			every topology variable must be declared and match the class's schema,
			required variables must be set, the control plane must be odd, and the
			Kubernetes version must be a TanzuKubernetesRelease of this management
			cluster. Every problem is reported at once, with its file line. Credentials
			in the file (VSPHERE_USERNAME, VSPHERE_PASSWORD) never reach the Cluster.

			--dry-run prints the exact Cluster that would be created. Running the same
			command again converges instead of failing.`),
		Example: cli.Examples(`
			# From a TKG cluster configuration file
			kubectl tko cluster create -f wc-1.yaml

			# See what would be created
			kubectl tko cluster create -f wc-1.yaml --dry-run -o yaml

			# From standard input, waiting until it is Available
			cat wc-1.yaml | kubectl tko cluster create -f - --wait --timeout 45m`),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cli.FlagErrorf("create takes at most one NAME, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Name = args[0]
			}
			o.namespaceFlag = cmd.Flags().Changed("namespace")
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVarP(&o.File, "filename", "f", "", "Cluster configuration or manifest; - for standard input.")
	cmd.Flags().StringVar(&o.Class, "class", "", "ClusterClass to use (default: CLUSTER_CLASS, or the newest tkg-vsphere-default class in the namespace).")
	cmd.Flags().StringVar(&o.TKR, "tkr", "", "TanzuKubernetesRelease or Kubernetes version (default: TKR/KUBERNETES_VERSION, or the newest TKR).")
	cmd.Flags().StringVar(&o.DryRun, "dry-run", "", "Print the Cluster instead of creating it: client (default when given) or server (also checked by the API server).")
	cmd.Flags().Lookup("dry-run").NoOptDefVal = "client"
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "Wait until the cluster is Available, showing control plane and worker progress.")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
	o.Output.AddFlags(cmd)
	return cmd
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.File == "" {
		return cli.FlagErrorf("missing -f FILE (a TKG cluster configuration or a Cluster manifest; - for standard input)")
	}
	switch o.DryRun {
	case "", "client", "server":
	default:
		return cli.FlagErrorf("--dry-run must be client or server, not %q", o.DryRun)
	}
	if o.Wait && o.DryRun != "" {
		return cli.FlagErrorf("--wait and --dry-run cannot be used together")
	}
	return o.Output.Validate()
}

// Run builds, validates and creates the cluster.
func (o *Options) Run(ctx context.Context) error {
	raw, err := yamldoc.ReadFile(o.File, o.Streams.In)
	if err != nil {
		return err
	}
	docs, err := yamldoc.Parse(o.File, raw)
	if err != nil {
		return err
	}
	if len(docs) != 1 {
		return &errs.InputError{File: o.File, Err: fmt.Errorf("expected one document (a cluster configuration or a Cluster), found %d", len(docs))}
	}
	doc := docs[0]
	m, ok := doc.Data.(map[string]any)
	if !ok {
		return &errs.InputError{File: o.File, Line: doc.Node.Line, Err: fmt.Errorf("expected a mapping of variables or a Cluster manifest")}
	}
	c, err := common.Connect(o.Factory)
	if err != nil {
		return err
	}
	plan, err := o.build(ctx, c, doc, m)
	if err != nil {
		return err
	}
	cluster := plan.cluster
	if o.DryRun == "client" {
		return o.print(cluster)
	}
	client := c.Dyn.Resource(c.API.Clusters()).Namespace(cluster.GetNamespace())
	existing, err := client.Get(ctx, cluster.GetName(), metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("checking for cluster %s: %w", cluster.GetName(), err)
	}
	body, err := cluster.MarshalJSON()
	if err != nil {
		return err
	}
	opts := metav1.PatchOptions{FieldManager: kube.FieldManager}
	if o.DryRun == "server" {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	applied, err := client.Patch(ctx, cluster.GetName(), types.ApplyPatchType, body, opts)
	if err != nil {
		return fmt.Errorf("creating cluster %s/%s: %w", cluster.GetNamespace(), cluster.GetName(), err)
	}
	if o.DryRun == "server" {
		return o.print(applied)
	}
	verb := "created"
	if existing != nil {
		verb = "configured"
		if existing.GetResourceVersion() == applied.GetResourceVersion() {
			verb = "unchanged"
		}
	}
	if o.Output.Format() == "" {
		fmt.Fprintf(o.Streams.Out, "cluster.cluster.x-k8s.io/%s %s\n", applied.GetName(), verb)
	} else if err := o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{applied}, true); err != nil {
		return err
	}
	if !o.Wait {
		return nil
	}
	return common.WaitAvailable(ctx, o.Streams, c, applied.GetNamespace(), applied.GetName(), o.Timeout)
}

func (o *Options) print(u *unstructured.Unstructured) error {
	o.Output.Default("yaml")
	return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{u}, true)
}

type problem struct {
	line int
	text string
}

type plan struct {
	cluster *unstructured.Unstructured
}

// build turns the document into a Cluster and validates it against the
// management cluster, collecting every problem.
func (o *Options) build(ctx context.Context, c *common.Client, doc yamldoc.Document, m map[string]any) (*plan, error) {
	var problems []problem
	var cluster *unstructured.Unstructured
	var flat *tkg.Config
	tkrs, tkrServed, err := capi.ListTKRs(ctx, c.Dyn, c.API)
	if err != nil {
		return nil, err
	}
	// With no TKRs at all there is nothing to resolve versions against.
	tkrServed = tkrServed && len(tkrs) > 0
	if tkg.IsFlatConfig(m) {
		lines := map[string]int{}
		for k := range m {
			lines[k] = doc.Line(k)
		}
		flat = tkg.NewConfig(m, lines)
		if o.Name != "" {
			flat.Set("CLUSTER_NAME", o.Name)
		}
		if o.namespaceFlag || flat.Get("NAMESPACE") == nil {
			flat.Set("NAMESPACE", c.Namespace)
		}
		for _, p := range flat.Validate() {
			problems = append(problems, problem{p.Line, p.String()})
		}
		version, tkrName, perr := o.version(flat, tkrs, tkrServed)
		if perr != "" {
			line := doc.Line("KUBERNETES_VERSION")
			if flat.Get("KUBERNETES_VERSION") == nil {
				line = 0
			}
			if line > 0 {
				perr = fmt.Sprintf("line %d: %s", line, perr)
			}
			problems = append(problems, problem{line, perr})
		}
		if tkrName != "" {
			flat.Set("TKR", tkrName)
		}
		ns := fmt.Sprint(flat.Get("NAMESPACE"))
		class, err := o.className(ctx, c, ns, flat.ClassName(o.Class))
		if err != nil {
			return nil, err
		}
		cluster = flat.Cluster("cluster.x-k8s.io/"+c.API.Version, class, version)
	} else {
		cluster = &unstructured.Unstructured{Object: m}
		if cluster.GetKind() != "Cluster" || !strings.HasPrefix(cluster.GetAPIVersion(), capi.Group+"/") {
			return nil, &errs.InputError{File: o.File, Line: doc.Line("kind"), Field: "kind", Err: fmt.Errorf("expected a cluster.x-k8s.io Cluster or a TKG cluster configuration, found %s %s", cluster.GetAPIVersion(), cluster.GetKind())}
		}
		if o.Name != "" {
			cluster.SetName(o.Name)
		}
		if cluster.GetName() == "" {
			return nil, &errs.InputError{File: o.File, Line: doc.Line("metadata"), Field: "metadata.name", Err: fmt.Errorf("the Cluster has no name: set metadata.name or pass NAME")}
		}
		if o.namespaceFlag || cluster.GetNamespace() == "" {
			cluster.SetNamespace(c.Namespace)
		}
		version, _, _ := unstructured.NestedString(cluster.Object, "spec", "topology", "version")
		if tkrServed {
			if _, ok := capi.ResolveTKR(tkrs, version); !ok && version != "" {
				line := doc.Line("spec", "topology", "version")
				problems = append(problems, problem{line, fmt.Sprintf("line %d: spec.topology.version: %s is not the Kubernetes version of any TanzuKubernetesRelease here (available: %s)", line, version, capi.Names(tkrs))})
			}
		}
	}
	class, classNS := capi.TopologyClass(cluster)
	classObj, err := c.Dyn.Resource(c.API.Resource("clusterclasses")).Namespace(classNS).Get(ctx, class, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, &errs.NotFoundError{Kind: "ClusterClass", Name: class, Namespace: classNS, Hint: "list the classes with 'kubectl get clusterclasses -n " + classNS + "', or pass --class"}
	}
	if err != nil {
		return nil, fmt.Errorf("reading ClusterClass %s: %w", class, err)
	}
	for _, v := range capi.ValidateTopology(cluster, classObj) {
		problems = append(problems, o.locate(doc, flat, v))
	}
	if len(problems) > 0 {
		// File order first; problems without a line (missing variables) last.
		sort.SliceStable(problems, func(i, j int) bool {
			li, lj := problems[i].line, problems[j].line
			return li != 0 && (lj == 0 || li < lj)
		})
		texts := make([]string, len(problems))
		for i, p := range problems {
			texts[i] = p.text
		}
		return nil, &errs.InputError{File: o.File, Err: fmt.Errorf("%d problem(s), nothing was created: %s", len(problems), strings.Join(texts, "; "))}
	}
	return &plan{cluster: cluster}, nil
}

// version picks the Kubernetes version: --tkr, TKR, KUBERNETES_VERSION, or
// the newest TKR; it must be a TKR of this management cluster.
func (o *Options) version(flat *tkg.Config, tkrs []capi.TKR, served bool) (version, tkrName, problem string) {
	want := o.TKR
	for _, key := range []string{"TKR", "KUBERNETES_VERSION"} {
		if want == "" && flat.Get(key) != nil {
			want = fmt.Sprint(flat.Get(key))
		}
	}
	if !served {
		if want == "" {
			return "", "", "KUBERNETES_VERSION: required: this management cluster serves no TanzuKubernetesReleases to choose from"
		}
		return want, "", ""
	}
	if want == "" {
		for i := len(tkrs) - 1; i >= 0; i-- {
			if tkrs[i].Ready && tkrs[i].Compatible {
				return tkrs[i].Kubernetes, tkrs[i].Name, ""
			}
		}
		return "", "", "KUBERNETES_VERSION: no Ready and compatible TanzuKubernetesRelease to default to"
	}
	if t, ok := capi.ResolveTKR(tkrs, want); ok {
		return t.Kubernetes, t.Name, ""
	}
	return want, "", fmt.Sprintf("KUBERNETES_VERSION/TKR: %q is not a TanzuKubernetesRelease here (available: %s)", want, capi.Names(tkrs))
}

// className picks the ClusterClass for a flat configuration.
func (o *Options) className(ctx context.Context, c *common.Client, ns, chosen string) (string, error) {
	if chosen != "" {
		return chosen, nil
	}
	list, err := c.Dyn.Resource(c.API.Resource("clusterclasses")).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", fmt.Errorf("listing ClusterClasses in %s: %w", ns, err)
	}
	best := ""
	for _, item := range list.Items {
		if n := item.GetName(); strings.HasPrefix(n, "tkg-vsphere-default") && n > best {
			best = n
		}
	}
	if best == "" {
		return "", &errs.NotFoundError{Kind: "ClusterClass", Name: "tkg-vsphere-default-*", Namespace: ns, Hint: "set CLUSTER_CLASS or pass --class"}
	}
	return best, nil
}

// locate adds the file line to a violation: the flat variable it comes
// from, or the manifest's variable entry.
func (o *Options) locate(doc yamldoc.Document, flat *tkg.Config, v capi.Violation) problem {
	if flat != nil {
		if key := tkg.SourceOf(v.Variable, v.Path); key != "" {
			if _, inFile := doc.Data.(map[string]any)[key]; inFile {
				line := doc.Line(key)
				return problem{line, fmt.Sprintf("line %d: %s (from %s): %s", line, v.Path, key, v.Message)}
			}
			return problem{0, fmt.Sprintf("%s (from %s): %s", v.Path, key, v.Message)}
		}
		return problem{0, v.String()}
	}
	line := doc.Line(pathKeys(v.Path)...)
	if v.Index >= 0 {
		line = doc.Line("spec", "topology", "variables", v.Index)
	}
	return problem{line, fmt.Sprintf("line %d: %s", line, v.String())}
}

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
