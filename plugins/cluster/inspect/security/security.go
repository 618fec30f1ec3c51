// Package security implements `kubectl tko cluster inspect security`.
package security

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/posture"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `cluster inspect security`.
type Options struct {
	cli.FleetOptions

	Names          []string
	Ignore         []string
	ExceptionsFile string

	ignore     map[string]bool
	exceptions posture.Exceptions
}

// NewOptions returns the options with their defaults, for the command
// and for `cluster inspect`, which runs the inspection itself.
func NewOptions(f *cli.Factory, streams genericiooptions.IOStreams) *Options {
	o := &Options{FleetOptions: cli.NewFleetOptions(f, streams)}
	o.Output = cli.NewOutputFlags("junit")
	return o
}

// NewCmd returns the security command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewOptions(f, streams)
	cmd := &cobra.Command{
		Use:   "security [CLUSTER...] [--ignore ID,...] [--exceptions FILE]",
		Short: "Check the security posture of clusters against the CIS Kubernetes Benchmark",
		Long: cmdutil.LongDesc(`
			Check what the API of a cluster says about its security, named after the
			CIS Kubernetes Benchmark section each check stands for:

			  1.2.1       anonymous requests can list objects (error) or are
			              authenticated at all (warning), probed without credentials
			  5.1.1       cluster-admin bound to system:authenticated,
			              system:unauthenticated or system:serviceaccounts (error)
			  5.1.2       more than 3 subjects can read Secrets in every namespace,
			              or a broad group can
			  5.1.3       wildcard verbs or resources in roles bound to users, groups or
			              service accounts outside system namespaces
			  5.1.5       pods running as the default ServiceAccount with its token mounted
			  5.2.1       namespaces with no Pod Security level and no tko security policy
			  5.2.2       privileged containers outside system namespaces (error)
			  5.2.5       pods on the host network outside system namespaces
			  5.2.12      hostPath volumes outside system namespaces
			  5.3.2       namespaces with pods and no NetworkPolicy
			  5.4.1       Secrets in environment variables (names only: values are never read)
			  TKO-1       images by tag latest or untagged

			System namespaces (kube-*, tkg-system*, vmware-system-*, tanzu-system*,
			cert-manager, avi-system, pinniped-*, velero, ...: the list is in
			docs/day-2-guide.md) are left out of the pod and RBAC checks.

			Without CLUSTER the current context is checked; CLUSTER names workload
			clusters of this management cluster (as --cluster), reached through their
			admin kubeconfig Secrets. --ignore skips checks; --exceptions FILE accepts
			findings, a YAML list of {id, object, reason} where object is a glob over
			the OBJECTS column's names (Pod/ns/*, Namespace/sandbox).

			Exit code 1 when any error-level check fails (with --strict, also when a
			check could not be made); 2 for an exceptions file naming an unknown check.`),
		Example: cmdutil.Examples(`
			# The current cluster
			kubectl tko cluster inspect security

			# Every workload cluster of this management cluster
			kubectl tko cluster inspect security --all-workload-clusters

			# A CI gate: JUnit XML, accepted findings from a file, one check skipped
			kubectl tko cluster inspect security wc-prod-1 --exceptions accepted.yaml --ignore TKO-1 -o junit > security.xml`),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "Workload clusters to inspect (comma-separated); the same as naming them.")
	cmd.Flags().StringSliceVar(&o.Ignore, "ignore", nil, "Skip these checks (IDs, comma-separated): "+strings.Join(posture.IDs(), ", ")+".")
	cmd.Flags().StringVar(&o.ExceptionsFile, "exceptions", "", "A YAML list of accepted findings: {id, object (a glob), reason}.")
	_ = cmd.MarkFlagFilename("exceptions", "yaml", "yml")
	_ = cmd.RegisterFlagCompletionFunc("ignore", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return posture.IDs(), cobra.ShellCompDirectiveNoFileComp
	})
	cmd.Flags().Lookup("strict").Usage = "Exit 1 also when a check could not be made (a list forbidden) or a cluster could not be reached."
	return cmd
}

// Complete takes the cluster names.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.Factory = f
	var err error
	o.Names, err = common.ParseNames(args)
	return err
}

// Validate checks the flags and reads the exceptions file before anything
// connects.
func (o *Options) Validate() error {
	ignore, err := posture.ParseIgnore(o.Ignore)
	if err != nil {
		return cmdutil.FlagErrorf("--ignore: %v", err)
	}
	o.ignore = ignore
	if err := o.FleetOptions.Validate(); err != nil {
		return err
	}
	if f := o.Output.Format(); f == "name" || strings.HasPrefix(f, "custom-columns") {
		return cmdutil.FlagErrorf("-o %s applies to Kubernetes objects; this is a report: use -o json, yaml, junit or jsonpath", f)
	}
	if len(o.Names) > 0 {
		if o.Selection.ContextFleet() || o.Selection.AllWorkloadClusters || o.Selection.ClusterSelector != "" {
			return cmdutil.FlagErrorf("name clusters, or select them with --all-contexts, --all-workload-clusters or --cluster-selector, not both")
		}
		o.Selection.Clusters = slices.Concat(o.Selection.Clusters, o.Names)
	}
	if o.ExceptionsFile != "" {
		raw, err := yamldoc.ReadFile(o.ExceptionsFile, o.Streams.In)
		if err != nil {
			return err
		}
		if o.exceptions, err = posture.ParseExceptions(o.ExceptionsFile, raw); err != nil {
			return err
		}
	}
	return nil
}

// Run inspects every selected cluster and reports.
func (o *Options) Run(ctx context.Context) error {
	report, err := o.Inspect(ctx)
	if err != nil {
		return err
	}
	if err := o.print(report); err != nil {
		return err
	}
	if report.Failed(o.Selection.Strict) {
		return explain.Failure()
	}
	return nil
}

// Inspect checks every selected cluster.
func (o *Options) Inspect(ctx context.Context) (posture.Report, error) {
	run, err := cli.RunFleet(ctx, o.Factory, o.Selection, nil, o.Streams.ErrOut,
		func(ctx context.Context, t cli.Target) ([]posture.Result, error) {
			s, err := posture.Collect(ctx, t.Clients.Config)
			if err != nil {
				return nil, err
			}
			return posture.Evaluate(cli.TargetName(t.Name), s, o.ignore, o.exceptions), nil
		})
	if err != nil {
		return posture.Report{}, err
	}
	var results []posture.Result
	for i, r := range run.Results {
		if r.Err != nil {
			results = append(results, posture.Result{Cluster: r.Target, ID: "-", Check: "cluster reachable",
				Status: posture.StatusUnchecked, Note: "could not be checked: " + run.Message(i)})
			continue
		}
		results = append(results, r.Value...)
	}
	return posture.NewReport(len(run.Results), results), nil
}

// maxObjects is how many objects a table row names before "+N more".
const maxObjects = 3

func (o *Options) print(report posture.Report) error {
	switch {
	case o.Output.Format() == "junit":
		x, err := report.JUnit()
		if err != nil {
			return err
		}
		_, err = o.Streams.Out.Write(x)
		return err
	case !o.Output.Human():
		return o.Output.PrintData(o.Streams.Out, report)
	}
	t := cmdutil.Table{}
	for _, h := range []string{"CLUSTER", "ID", "SEVERITY", "CHECK", "OBJECTS", "FIX"} {
		t.Columns = append(t.Columns, cmdutil.Column{Header: h})
	}
	t.Columns = append(t.Columns, cmdutil.Column{Header: "STATUS", Wide: true}, cmdutil.Column{Header: "NOTE", Wide: true})
	for _, r := range report.Results {
		// The table lists what needs attention; -o wide lists every check.
		if !o.Output.Wide() && (r.Status == posture.StatusPass || r.Status == posture.StatusIgnored || r.Status == posture.StatusSkipped) {
			continue
		}
		objects := r.Objects
		if len(objects) > maxObjects && !o.Output.Wide() {
			objects = append(slices.Clone(objects[:maxObjects]), fmt.Sprintf("+%d more", len(r.Objects)-maxObjects))
		}
		severity, fix := r.Severity, r.Fix
		if r.Status == posture.StatusUnchecked {
			// What could not be read, and why, is what to fix.
			severity, fix = "unchecked", r.Note
		}
		t.Rows = append(t.Rows, []string{r.Cluster, r.ID, dash(severity), r.Check, dash(strings.Join(objects, ", ")), dash(fix), r.Status, dash(r.Note)})
	}
	if err := t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders); err != nil {
		return err
	}
	s := report.Summary
	fmt.Fprintf(o.Streams.ErrOut, "security: %d cluster(s): %d error(s), %d warning(s), %d passed, %d ignored, %d not applicable, %d could not be checked\n",
		s.Clusters, s.Errors, s.Warnings, s.Passed, s.Ignored, s.Skipped, s.Unchecked)
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
