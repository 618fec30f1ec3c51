// Package list implements `kubectl tko package installed list`.
package list

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `installed list`.
type Options struct {
	common.VerbOptions
	AllNamespaces bool
	Clusters      []string
}

// NewCmd returns `installed list`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true)}
	cmd := &cobra.Command{
		Use:     "list [-A] [--cluster C,...]",
		Aliases: []string{"ls"},
		Short:   "List package installs with their version and state",
		Long: cmdutil.LongDesc(`
			List PackageInstalls: package, installed version, state (ReconcileSucceeded,
			ReconcileFailed, Reconciling, Paused, Deleting) and, with -o wide, the first
			line of kapp-controller's error. Installs made with --cluster show the
			workload cluster they target; --cluster filters on it.`),
		Example: cmdutil.Examples(`
			kubectl tko package installed list -A
			kubectl tko package installed list -A --cluster wc-prod-1,wc-dev-1
			kubectl tko package installed list -n tanzu-packages -o wide`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List installs in all namespaces.")
	cmd.Flags().StringSliceVar(&o.Clusters, "cluster", nil, "Only installs that target these workload clusters.")
	return cmd
}

// Run lists the installs.
func (o *Options) Run(ctx context.Context) error {
	c, ns, err := common.ListScope(o.Factory, o.AllNamespaces)
	if err != nil {
		return err
	}
	all, err := c.ListInstalls(ctx, ns)
	if err != nil {
		return err
	}
	var installs []*carvel.Install
	remote := false
	for _, in := range all {
		if len(o.Clusters) > 0 && !slices.Contains(o.Clusters, in.Cluster()) {
			continue
		}
		remote = remote || in.Cluster() != ""
		installs = append(installs, in)
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, common.Objects(installs, func(in *carvel.Install) *unstructured.Unstructured { return in.Object }), false)
	}
	if len(installs) == 0 {
		where := "in namespace " + c.Namespace
		if o.AllNamespaces {
			where = "in any namespace"
		}
		fmt.Fprintf(o.Streams.ErrOut, "No package installs found %s.\n", where)
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{
		{Header: "NAMESPACE", Hidden: !o.AllNamespaces}, {Header: "NAME"}, {Header: "CLUSTER", Hidden: !remote},
		{Header: "PACKAGE"}, {Header: "VERSION"}, {Header: "STATUS"}, {Header: "AGE"},
		{Header: "SERVICE-ACCOUNT", Wide: true}, {Header: "MESSAGE", Wide: true},
	}}
	for _, in := range installs {
		t.Rows = append(t.Rows, []string{in.Namespace, in.Name, cmdutil.OrDash(in.Cluster()), in.Spec.PackageRef.RefName, in.Version(), in.State(), common.Age(in.Object),
			cmdutil.OrDash(in.Spec.ServiceAccountName), cmdutil.OrDash(carvel.Headline(in.Status.UsefulErrorMessage))})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
