package common

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/access"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
)

// AccessOp is grant's or revoke's change to one cluster.
type AccessOp func(ctx context.Context, dyn dynamic.Interface, g access.Grant, dryRun bool) (string, *unstructured.Unstructured, error)

// AccessOptions are the flags and state grant and revoke share.
type AccessOptions struct {
	Factory     *cli.Factory
	Streams     genericiooptions.IOStreams
	Fleet       *cli.FleetFlags
	Group       string
	Role        string
	ClusterWide bool
	DryRun      cmdutil.DryRun
	Op          AccessOp // access.Apply for grant, access.Revoke for revoke

	Grant access.Grant
	sel   fleet.Selection
	nsSet bool
}

// AddAccessFlags registers the shared flags.
func (o *AccessOptions) AddAccessFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Group, "group", "", "Grant to this group (as the cluster sees it) instead of a user.")
	cmd.Flags().StringVar(&o.Role, "role", "", "The ClusterRole: view, edit, admin, cluster-admin or your own.")
	cmd.Flags().BoolVar(&o.ClusterWide, "cluster-wide", false, "A ClusterRoleBinding, instead of a RoleBinding in -n.")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Have the API server check the change without storing it (client and server alike).")
	o.Fleet = cli.NewFleetFlags()
	o.Fleet.AddContextFlags(cmd, "")
	o.Fleet.AddClusterFlags(cmd, "Workload clusters to change (comma-separated), through their kubeconfig Secrets on this management cluster.")
	cmdutil.CompleteValues(cmd, "role", "view", "edit", "admin", "cluster-admin")
}

// Complete reads USER or --group, and whether -n was given.
func (o *AccessOptions) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return cmdutil.FlagErrorf("unexpected arguments %q: name one user, or a group with --group", args[1:])
	}
	o.Grant = access.Grant{Kind: access.KindUser, Role: o.Role}
	if len(args) == 1 {
		o.Grant.Name = args[0]
	}
	if o.Group != "" {
		if len(args) == 1 {
			return cmdutil.FlagErrorf("name a user or --group, not both")
		}
		o.Grant.Kind, o.Grant.Name = access.KindGroup, o.Group
	}
	if fl := cmd.Flag("namespace"); fl != nil && fl.Changed {
		o.nsSet = true
		ns, err := f.Namespace()
		if err != nil {
			return err
		}
		o.Grant.Namespace = ns
	}
	return nil
}

// Validate checks the flags before any connection.
func (o *AccessOptions) Validate() error {
	switch {
	case o.Grant.Name == "":
		return cmdutil.FlagErrorf("missing USER (or --group GROUP)")
	case o.Role == "":
		return cmdutil.FlagErrorf("--role is required (view, edit, admin, cluster-admin, ...)")
	case o.nsSet == o.ClusterWide:
		return cmdutil.FlagErrorf("give exactly one of -n NAMESPACE and --cluster-wide")
	}
	if err := o.Grant.Validate(); err != nil {
		return cmdutil.Usagef("%v", err)
	}
	sel, err := o.Fleet.Selection(o.Factory)
	if err != nil {
		return err
	}
	o.sel = sel
	return nil
}

// Run applies Op on every target and prints kubectl's action lines.
func (o *AccessOptions) Run(ctx context.Context) error {
	type done struct {
		verb string
		obj  *unstructured.Unstructured
	}
	report, err := cli.RunFleet(ctx, o.Factory, o.sel, nil, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) (done, error) {
		verb, obj, err := o.Op(ctx, t.Clients.Dynamic, o.Grant, o.DryRun.Any())
		return done{verb, obj}, err
	})
	if err != nil {
		return err
	}
	if err := report.Alone(); err != nil {
		return err
	}
	report.Warn(o.Streams.ErrOut)
	for _, r := range report.Results {
		if r.Err != nil {
			continue
		}
		if r.Target != "" {
			fmt.Fprint(o.Streams.Out, r.Target+": ")
		}
		verb, changed := r.Value.verb, r.Value.verb != access.Unchanged && r.Value.verb != access.Absent
		if verb == access.Absent {
			verb = "not found (nothing to revoke)"
		}
		if err := cli.PrintAction(o.Streams.Out, r.Value.obj, verb, o.DryRun.Any() && changed); err != nil {
			return err
		}
	}
	if n := report.Failed(); n > 0 && n == len(report.Results) {
		return explain.Failure() // granted nowhere
	}
	return report.Exit()
}
