// Package create implements `kubectl tko cluster group create`.
package create

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags and state of `group create`.
type Options struct {
	common.Options
	Name     string
	Selector string
	DryRun   cmdutil.DryRun
}

// NewCmd returns the create command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "create NAME --selector LABELS",
		Short: "Create a cluster group: a label selector over the workload clusters",
		Long: cmdutil.LongDesc(`
			Create a cluster group on the management cluster: the workload clusters
			(Clusters, and TanzuKubernetesClusters) whose labels the selector matches
			are its members, now and as clusters are created or relabelled. Intents
			attached to the group ('group attach') are kept in every member by
			kapp-controller. The group is stored as a ConfigMap in the namespace
			tko-system. A selector that matches no cluster yet is a warning; one that
			does not parse is refused (exit 2). Creating the same group again changes
			nothing; another selector under the same name is refused.`),
		Example: cmdutil.Examples(`
			# Every production cluster
			kubectl tko cluster group create prod --selector tkg.tanzu.vmware.com/cluster-plan=prod

			# Two teams' clusters, first as what it would store
			kubectl tko cluster group create teams --selector 'team in (a,b)' --dry-run -o yaml`),
		Args: cmdutil.ExactArgs("NAME"),
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Label selector of the member clusters (env=prod,team in (a,b)).")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Check and print instead of creating: client (the group) or server (the API server checks it).")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Name = args[0]
	return nil
}

// Validate checks the name and the selector before any connection.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if err := groups.ValidateName(o.Name); err != nil {
		return cmdutil.Usagef("%v", err)
	}
	if o.Selector == "" {
		return cmdutil.FlagErrorf("missing --selector LABELS: the clusters of the group (an empty group is not useful; -l tkg.tanzu.vmware.com/cluster-plan=prod)")
	}
	if _, err := groups.ParseSelector(o.Selector); err != nil {
		return cmdutil.Usagef("%v", err)
	}
	return nil
}

// Run stores the group and says how many clusters it selects now.
func (o *Options) Run(ctx context.Context) error {
	g := &groups.Group{Name: o.Name, Selector: o.Selector}
	c, err := o.Connect(false)
	if err != nil {
		return err
	}
	e, err := groups.ReadEstate(ctx, c)
	if err != nil {
		return err
	}
	members, err := e.Members(g)
	if err != nil {
		return err
	}
	created := true
	if !o.DryRun.Client() {
		if created, err = groups.Create(ctx, c.Dynamic, g, o.DryRun.Server()); err != nil {
			return err
		}
	}
	if len(members) == 0 {
		common.Warn(o.Streams.ErrOut, "selector %q matches no workload cluster yet: clusters labelled so later join the group ('kubectl tko cluster group sync %s')", o.Selector, o.Name)
	}
	obj := g.Object(nil)
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{obj}, true)
	}
	verb := map[bool]string{true: "created", false: "unchanged"}[created]
	if err := cli.PrintAction(o.Streams.Out, obj, verb, o.DryRun.Any()); err != nil {
		return err
	}
	fmt.Fprintf(o.Streams.ErrOut, "%d member(s) now\n", len(members))
	return nil
}
