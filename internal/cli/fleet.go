package cli

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// FleetFlags are the shared flags of every fleet command: kubeconfig
// contexts (--all-contexts, or --context a,b), workload clusters of the
// management cluster (--cluster a,b, --all-workload-clusters,
// --cluster-selector), --parallel, --target-timeout and --strict. A command
// registers the groups that apply to it.
type FleetFlags struct {
	sel      fleet.Selection
	contexts bool
	clusters bool
	// FailAlways leaves out --strict: the command fails on any failed
	// target anyway (an audit).
	FailAlways bool
	parallel   *pflag.Flag // --parallel, once registered
}

// NewFleetFlags returns fleet flags with the defaults of every plugin.
func NewFleetFlags() *FleetFlags {
	return &FleetFlags{sel: fleet.Selection{Options: fleet.Options{Timeout: fleet.DefaultTimeout}}}
}

// AddContextFlags registers --all-contexts (--context a,b is kubectl's own
// flag, read from the factory) with --parallel, --strict and
// --target-timeout; oldTimeout is a former name of --target-timeout that
// the command still accepts ("" for none).
func (ff *FleetFlags) AddContextFlags(cmd *cobra.Command, oldTimeout string) {
	ff.contexts = true
	cmd.Flags().BoolVar(&ff.sel.AllContexts, "all-contexts", false, "Run against every context in the kubeconfig (a fleet view).")
	ff.AddRunFlags(cmd, oldTimeout)
}

// AddClusterFlags registers --cluster, --all-workload-clusters and
// --cluster-selector; commands that run on each cluster themselves also
// call AddRunFlags.
func (ff *FleetFlags) AddClusterFlags(cmd *cobra.Command, clusterUsage string) {
	ff.clusters = true
	cmd.Flags().StringSliceVar(&ff.sel.Clusters, "cluster", nil, clusterUsage)
	cmd.Flags().BoolVar(&ff.sel.AllWorkloadClusters, "all-workload-clusters", false, "Every workload cluster of this management cluster (all namespaces).")
	cmd.Flags().StringVar(&ff.sel.ClusterSelector, "cluster-selector", "", "Workload clusters whose Cluster object matches this label selector, e.g. tkg.tanzu.vmware.com/cluster-plan=prod.")
}

// AddRunFlags registers --parallel, --strict (unless FailAlways) and
// --target-timeout, with oldTimeout as in AddContextFlags.
func (ff *FleetFlags) AddRunFlags(cmd *cobra.Command, oldTimeout string) {
	if cmd.Flags().Lookup("parallel") != nil {
		return
	}
	// 0 is fleet.DefaultParallel(), which depends on the machine: not a
	// number to print in help and reference pages.
	cmd.Flags().IntVar(&ff.sel.Parallel, "parallel", 0, "Targets queried at once in a fleet run (default: every target, up to 128 per CPU, an eighth of the open-file limit and 1024).")
	ff.parallel = cmd.Flags().Lookup("parallel")
	if !ff.FailAlways {
		cmd.Flags().BoolVar(&ff.sel.Strict, "strict", false, "Exit 1 when any target of a fleet run failed.")
	}
	cmd.Flags().DurationVar(&ff.sel.Timeout, TargetTimeoutFlag, ff.sel.Timeout, "Give up on one target of a fleet run after this long.")
	if oldTimeout != "" {
		cmdutil.AliasFlag(cmd, oldTimeout, TargetTimeoutFlag)
	}
}

// TargetTimeoutFlag is the one name of the per-target timeout of every
// fleet command; --context-timeout and --cluster-timeout were others.
const TargetTimeoutFlag = "target-timeout"

// Selection validates the fleet flags (before any connection) and returns
// what they select. The factory's --context may name several contexts,
// comma-separated.
func (ff *FleetFlags) Selection(f *Factory) (fleet.Selection, error) {
	sel := ff.sel
	given := f.Context()
	if ff.contexts && strings.Contains(given, ",") {
		for _, c := range strings.Split(given, ",") {
			if c = strings.TrimSpace(c); c != "" {
				sel.Contexts = append(sel.Contexts, c)
			}
		}
	}
	switch {
	case sel.AllContexts && given != "":
		return sel, cmdutil.FlagErrorf("--all-contexts and --context cannot be used together")
	case len(sel.Clusters) > 0 && sel.AllWorkloadClusters:
		return sel, cmdutil.FlagErrorf("--cluster and --all-workload-clusters are exclusive")
	case len(sel.Clusters) > 0 && sel.ClusterSelector != "":
		return sel, cmdutil.FlagErrorf("--cluster and --cluster-selector are exclusive")
	case sel.ContextFleet() && sel.WorkloadFleet():
		return sel, cmdutil.FlagErrorf("choose contexts (--all-contexts, --context a,b) or workload clusters (--cluster, --all-workload-clusters), not both")
	case sel.Parallel < 0 || sel.Parallel == 0 && ff.parallel != nil && ff.parallel.Changed:
		return sel, cmdutil.FlagErrorf("--parallel must be at least 1")
	case sel.Timeout < 0:
		return sel, cmdutil.FlagErrorf("--target-timeout cannot be negative")
	}
	return sel, nil
}

// SetTimeout changes the default per-target timeout of a command before
// its flags are registered.
func (ff *FleetFlags) SetTimeout(d time.Duration) { ff.sel.Timeout = d }

// Target is one cluster a fleet command runs against.
type Target struct {
	Name    string        // the context, or namespace/name of the workload cluster; "" for the current context
	Clients *kube.Clients // connected, with the command's requirements checked
	Factory *Factory      // the context's factory; nil for a workload cluster
}

// FleetRun connects to every target of a selection and calls fn for each,
// in parallel within the selection's bounds: the current context alone when
// the selection names no fleet, else each context or each workload cluster
// (through its kubeconfig Secret on the current management cluster). A
// target that cannot be reached is a failed result, never the end of the
// run. notes say what was skipped (workload clusters not provisioned yet).
func FleetRun[T any](ctx context.Context, f *Factory, sel fleet.Selection, reqs []kube.Requirement, fn func(ctx context.Context, t Target) (T, error)) (results []fleet.Result[T], notes []string, err error) {
	return FleetRunEach(ctx, f, sel, reqs, fn, nil)
}

// FleetRunEach is FleetRun that hands each target's result to each as soon
// as it is done (fleet.RunEach); each is not called when the selection
// itself fails.
func FleetRunEach[T any](ctx context.Context, f *Factory, sel fleet.Selection, reqs []kube.Requirement, fn func(ctx context.Context, t Target) (T, error), each func(i int, r fleet.Result[T])) (results []fleet.Result[T], notes []string, err error) {
	return fleetRun(ctx, f, sel, reqs, false, fn, each)
}

// FleetRunDirect is FleetRunEach for a verb that knows the resources it
// reads and their versions: targets are not asked what they serve, which
// on a WAN is a round trip and a discovery document per target. Their
// Clients carry no Served; the verb calls Target.Discover when a resource
// is not where it expected (a 404).
func FleetRunDirect[T any](ctx context.Context, f *Factory, sel fleet.Selection, fn func(ctx context.Context, t Target) (T, error), each func(i int, r fleet.Result[T])) (results []fleet.Result[T], notes []string, err error) {
	return fleetRun(ctx, f, sel, nil, true, fn, each)
}

func fleetRun[T any](ctx context.Context, f *Factory, sel fleet.Selection, reqs []kube.Requirement, direct bool, fn func(ctx context.Context, t Target) (T, error), each func(i int, r fleet.Result[T])) (results []fleet.Result[T], notes []string, err error) {
	connect := func(ctx context.Context, f *Factory) (*kube.Clients, error) {
		if direct {
			return f.Clients()
		}
		return within(ctx, func() (*kube.Clients, error) { return f.Connect(reqs...) })
	}
	switch {
	case sel.ContextFleet():
		raw, err := f.RawConfig()
		if err != nil {
			return nil, nil, err
		}
		names, err := fleet.ContextNames(raw, sel)
		if err != nil {
			return nil, nil, err
		}
		return fleet.RunEach(ctx, names, sel.Options, func(ctx context.Context, name string) (T, error) {
			cf := f.ForContext(name)
			c, err := connect(ctx, cf)
			if err != nil {
				var zero T
				return zero, err
			}
			return fn(ctx, Target{Name: name, Clients: c, Factory: cf})
		}, each), nil, nil
	case sel.WorkloadFleet():
		mgmt, err := f.Connect(capi.Requirement)
		if err != nil {
			return nil, nil, err
		}
		api, err := capi.FromServed(mgmt.Served)
		if err != nil {
			return nil, nil, err
		}
		clusters, note, err := fleet.Targets(ctx, mgmt.Dynamic, api, mgmt.Namespace, sel)
		if err != nil {
			return nil, nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
		names := make([]string, len(clusters))
		for i, c := range clusters {
			names[i] = c.Namespace + "/" + c.Name
		}
		tune := func(cfg *rest.Config) {
			cfg.Timeout, cfg.QPS, cfg.Burst = mgmt.Config.Timeout, mgmt.Config.QPS, mgmt.Config.Burst
			f.ShareDial(cfg)
		}
		return fleet.RunEach(ctx, names, sel.Options, func(ctx context.Context, name string) (T, error) {
			ns, cluster, _ := strings.Cut(name, "/")
			c, err := fleet.Connect(ctx, mgmt.Dynamic, ns, cluster, tune)
			if err == nil {
				_, err = within(ctx, func() (*kube.Clients, error) { return c, requireOn(c, reqs) })
			}
			if err != nil {
				var zero T
				return zero, err
			}
			return fn(ctx, Target{Name: name, Clients: c})
		}, each), notes, nil
	}
	c, err := connect(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	v, err := fn(ctx, Target{Clients: c, Factory: f})
	if err != nil {
		return nil, nil, err
	}
	results = []fleet.Result[T]{{Value: v}}
	if each != nil {
		each(0, results[0])
	}
	return results, nil, nil
}

// Discover asks the target what it serves and checks reqs, within ctx:
// for a verb run by FleetRunDirect, when a resource it reads is not served
// where it expected. The answer is kept in the target's Clients.
func (t Target) Discover(ctx context.Context, reqs ...kube.Requirement) (kube.Served, error) {
	if t.Factory == nil {
		c, err := within(ctx, func() (*kube.Clients, error) {
			d, err := kube.NewDiscovery(t.Clients.Config)
			if err != nil {
				return nil, err
			}
			served, err := kube.Discover(d, reqs...)
			return &kube.Clients{Served: served}, err
		})
		if err != nil {
			return nil, err
		}
		t.Clients.Served = c.Served
		return c.Served, nil
	}
	c, err := within(ctx, func() (*kube.Clients, error) { return t.Factory.Connect(reqs...) })
	if err != nil {
		return nil, err
	}
	t.Clients.Served = c.Served
	return c.Served, nil
}

// within runs connect, which asks discovery without a context, and gives
// up when ctx ends: a target that accepts the connection and never answers
// is bounded by --target-timeout like every later request, not by the TLS
// handshake's own timeout. The abandoned attempt ends by itself.
func within(ctx context.Context, connect func() (*kube.Clients, error)) (*kube.Clients, error) {
	type result struct {
		c   *kube.Clients
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := connect()
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// requireOn checks a workload cluster's API groups.
func requireOn(c *kube.Clients, reqs []kube.Requirement) error {
	if len(reqs) == 0 {
		return nil
	}
	d, err := kube.NewDiscovery(c.Config)
	if err != nil {
		return err
	}
	c.Served, err = kube.Discover(d, reqs...)
	return err
}

// FleetOptions is what the options of a verb that runs on fleet targets
// hold: the factory, the streams, -o and the shared fleet flags, whose
// selection Validate checks before any connection.
type FleetOptions struct {
	Factory   *Factory
	Streams   genericiooptions.IOStreams
	Output    *OutputFlags
	Fleet     *FleetFlags
	Selection fleet.Selection // set by Validate
}

// NewFleetOptions returns the options of a fleet verb.
func NewFleetOptions(f *Factory, streams genericiooptions.IOStreams) FleetOptions {
	return FleetOptions{Factory: f, Streams: streams, Output: NewOutputFlags(), Fleet: NewFleetFlags()}
}

// AddFlags registers the context and workload-cluster flags and -o.
func (o *FleetOptions) AddFlags(cmd *cobra.Command, clusterUsage string) {
	o.Fleet.AddContextFlags(cmd, "")
	o.Fleet.AddClusterFlags(cmd, clusterUsage)
	o.Output.AddFlags(cmd)
}

// Validate checks -o and the fleet flags, before any connection.
func (o *FleetOptions) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	sel, err := o.Fleet.Selection(o.Factory)
	o.Selection = sel
	return err
}

// FleetView reports whether the verb runs on more than the current cluster.
func (o *FleetOptions) FleetView() bool {
	return o.Selection.Fleet()
}

// Streamed reports whether a fleet verb prints its rows or sections as each
// target answers: a person at a terminal reading a human table of a fleet.
// Piped, or as JSON or YAML, output keeps the targets' order.
func Streamed(out io.Writer, output *OutputFlags, sel fleet.Selection) bool {
	return output.Human() && sel.Fleet() && cmdutil.IsTerminal(out)
}

// TargetWidth is the longest name of the contexts sel selects (0 for a
// fleet of workload clusters, known only once listed): the width of a
// streamed table's CONTEXT or CLUSTER column, fixed before any answer.
func TargetWidth(f *Factory, sel fleet.Selection) int {
	if !sel.ContextFleet() {
		return 0
	}
	raw, err := f.RawConfig()
	if err != nil {
		return 0
	}
	names, err := fleet.ContextNames(raw, sel)
	if err != nil {
		return 0
	}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	return width
}
