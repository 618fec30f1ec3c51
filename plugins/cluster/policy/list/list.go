// Package list implements `kubectl tko cluster policy list`.
package list

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags of `policy list`.
type Options struct {
	common.PolicyOptions
}

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{PolicyOptions: common.NewPolicyOptions(f, streams)}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the policies applied to a cluster or across a fleet",
		Long: cmdutil.LongDesc(`
			List the policies applied to the current cluster, or to every target of the
			fleet flags, one row per cluster and policy: type, recipe, scope and the
			namespaces it governed when it was applied. An unreachable cluster is a row
			of its own (exit 1 only with --strict).`),
		Example: cmdutil.Examples(`
			# Policies of this cluster
			kubectl tko cluster policy list

			# Which policies are on which workload cluster
			kubectl tko cluster policy list --all-workload-clusters -o wide`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	return cmd
}

// Complete has nothing to resolve: the fleet flags are checked in Validate.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error {
	return nil
}

// Row is one policy on one cluster.
type Row struct {
	Cluster    string    `json:"cluster,omitempty"`
	Name       string    `json:"name,omitempty"`
	Type       string    `json:"type,omitempty"`
	Recipe     string    `json:"recipe,omitempty"`
	Scope      string    `json:"scope,omitempty"`
	Namespaces []string  `json:"namespaces,omitempty"`
	Applied    time.Time `json:"applied,omitzero"`
	Rules      string    `json:"rules,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// Run reads every target's records.
func (o *Options) Run(ctx context.Context) error {
	outcomes, err := common.Run(ctx, &o.PolicyOptions, func(ctx context.Context, c *kube.Clients) ([]*policy.Record, error) {
		return policy.Records(ctx, c.Dynamic)
	})
	if err != nil {
		return err
	}
	var rows []Row
	for i, oc := range outcomes.Results {
		if oc.Err != nil {
			rows = append(rows, Row{Cluster: oc.Target, Error: outcomes.Message(i)})
			continue
		}
		for _, r := range oc.Value {
			p := r.Policy
			rows = append(rows, Row{Cluster: oc.Target, Name: p.Name(), Type: p.Spec.Type, Recipe: p.Spec.Recipe, Scope: policy.ScopeText(p.Spec.Scope),
				Namespaces: r.Namespaces, Applied: r.Applied.Time, Rules: p.Describe()})
		}
	}
	if !o.Output.Human() {
		if err := o.Output.PrintData(o.Streams.Out, rows); err != nil {
			return err
		}
	} else if err := o.print(rows); err != nil {
		return err
	}
	return outcomes.Exit()
}

func (o *Options) print(rows []Row) error {
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER", Hidden: !o.FleetView()}, {Header: "NAME"}, {Header: "TYPE"}, {Header: "RECIPE"},
		{Header: "NAMESPACES"}, {Header: "AGE"}, {Header: "SCOPE", Wide: true}, {Header: "RULES", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	now := time.Now()
	for _, r := range rows {
		if r.Error != "" {
			w.Write([]string{r.Cluster, "", "Error: " + r.Error})
			continue
		}
		w.Write([]string{r.Cluster, r.Name, r.Type, r.Recipe, strconv.Itoa(len(r.Namespaces)), duration.HumanDuration(now.Sub(r.Applied)), r.Scope, cmdutil.OrDash(r.Rules)})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No policies found.")
	}
	return nil
}
