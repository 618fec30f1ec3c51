// Package describe implements `kubectl tko cluster describe` (alias get).
package describe

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `cluster describe`.
type Options struct {
	Streams genericiooptions.IOStreams
	Connect common.Connector
	Output  *cli.OutputFlags

	ShowConditions string // "", all, failing
	Names          []string
}

// NewCmd returns the describe command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:     "describe NAME...",
		Aliases: []string{"get"},
		Short:   "Show a cluster as a tree: control plane, machine deployments, machines, health checks",
		Long: cmdutil.LongDesc(`
			Show the object tree of workload clusters, like clusterctl describe: the
			Cluster, its control plane and machines, its machine deployments and their
			machines, and its MachineHealthChecks, each with READY, SEVERITY, REASON,
			SINCE and MESSAGE from its conditions (Cluster API v1beta2 or v1beta1).

			A TanzuKubernetesCluster (vSphere with Tanzu) shows its vSphere namespace, TKR
			and VM classes above its tree of node pools.

			-o json|yaml returns the same tree as data; -o name the cluster names.`),
		Example: cmdutil.Examples(`
			# The tree of one cluster
			kubectl tko cluster describe wc-prod-1

			# Only what is failing, with every failing condition
			kubectl tko cluster describe wc-team-a -n team-a --show-conditions failing

			# As data
			kubectl tko cluster get wc-prod-1 -o json`),
		Args:              cmdutil.MinArgs("NAME"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmdutil.EnumVar(cmd, &o.ShowConditions, "show-conditions", []string{"all", "failing"}, "Also list conditions under each object: all or failing.")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete parses the names.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Connect = common.Connecting(f, o.Connect)
	names, err := common.ParseNames(args)
	o.Names = names
	return err
}

// Validate checks the flags.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run reads and prints the trees.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	var trees []*capi.Tree
	for _, name := range o.Names {
		u, err := capi.GetCluster(ctx, c.Dyn, c.API, c.Namespace, name)
		var nf *errs.NotFoundError
		if errors.As(err, &nf) {
			// vSphere with Tanzu: a TanzuKubernetesCluster without a Cluster here.
			tkc, tkcErr := capi.GetTKC(ctx, c.Dyn, c.API, c.Namespace, name)
			if tkcErr != nil {
				return tkcErr
			}
			if tkc != nil {
				trees = append(trees, capi.TKCTree(tkc))
				continue
			}
		}
		if err != nil {
			return err
		}
		tree, err := capi.BuildTree(ctx, c.Dyn, c.API, u)
		if err != nil {
			return err
		}
		trees = append(trees, tree)
	}
	switch {
	case o.Output.Format() == "name":
		for _, t := range trees {
			kind := "cluster.cluster.x-k8s.io"
			if t.Cluster.Class == capi.TKC {
				kind = "tanzukubernetescluster." + capi.TKRGroup
			}
			fmt.Fprintf(o.Streams.Out, "%s/%s\n", kind, t.Cluster.Name)
		}
		return nil
	case !o.Output.Human():
		if len(trees) == 1 {
			return o.Output.PrintData(o.Streams.Out, trees[0])
		}
		return o.Output.PrintData(o.Streams.Out, map[string]any{"items": trees})
	}
	for i, t := range trees {
		if i > 0 {
			fmt.Fprintln(o.Streams.Out)
		}
		if err := o.printTree(t); err != nil {
			return err
		}
	}
	return nil
}

func (o *Options) printTree(t *capi.Tree) error {
	now := time.Now()
	since := func(n *capi.Node) string {
		if n.Since == nil {
			return ""
		}
		return duration.HumanDuration(now.Sub(*n.Since))
	}
	label := func(n *capi.Node) string {
		s := n.Kind
		if n.Name != "" {
			s += "/" + n.Name
		}
		if n.Replicas != "" {
			s += " (" + n.Replicas + ")"
		}
		return s
	}
	table := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "READY"}, {Header: "SEVERITY"}, {Header: "REASON"}, {Header: "SINCE"}, {Header: "MESSAGE"}}}
	add := func(n *capi.Node, prefix string) {
		if o.ShowConditions == "failing" && n.Ready == "True" && len(n.Children) == 0 {
			return
		}
		table.Rows = append(table.Rows, []string{prefix + label(n), n.Ready, n.Severity, n.Reason, since(n), n.Message})
		if o.ShowConditions == "" {
			return
		}
		indent := strings.Repeat(" ", len([]rune(prefix))+2)
		for _, c := range n.Conditions {
			if o.ShowConditions == "failing" && c.Status == "True" {
				continue
			}
			table.Rows = append(table.Rows, []string{indent + "· " + c.Type, c.Status, "", c.Reason, "", strings.Join(strings.Fields(c.Message), " ")})
		}
	}
	if t.Cluster.Class == capi.TKC {
		// What the Supervisor runs it in and on, above its tree.
		fmt.Fprintf(o.Streams.Out, "vSphere namespace: %s\nTKR:               %s\nVM classes:        %s\n",
			t.Cluster.Namespace, cmdutil.OrDash(t.Cluster.TKR), cmdutil.OrDash(strings.Join(t.Cluster.VMClasses, ", ")))
	}
	t.Root.Walk(add)
	if len(t.MachineHealthChecks) > 0 {
		table.Rows = append(table.Rows, []string{"MachineHealthChecks", "", "", "", "", ""})
		for i, n := range t.MachineHealthChecks {
			branch := "├─"
			if i == len(t.MachineHealthChecks)-1 {
				branch = "└─"
			}
			add(n, branch)
		}
	}
	return table.Print(o.Streams.Out, true, o.Output.NoHeaders)
}
