// Package get implements `kubectl tko cluster kubeconfig get`.
package get

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `kubeconfig get`.
type Options struct {
	common.One

	Admin      bool
	ExportFile string
	Merge      bool

	mergeTarget string
}

// NewCmd returns `kubeconfig get`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{One: common.One{Streams: streams}}
	cmd := &cobra.Command{
		Use:   "get NAME [--admin] [--export-file FILE | --merge]",
		Short: "Print, export or merge a workload cluster's kubeconfig",
		Long: cmdutil.LongDesc(`
			Without --admin: a kubeconfig that logs in through Pinniped (kubectl tko auth
			login), for clusters with identity management; it holds no credential.
			With --admin: the cluster's admin kubeconfig (context NAME-admin@NAME) from
			Cluster API's NAME-kubeconfig Secret; it is a credential, printed only
			because you asked for it.

			--export-file writes a new file; --merge adds the context to your current
			kubeconfig and makes it current. Files are written readable by you only (0600).`),
		Example: cmdutil.Examples(`
			# Log in as yourself through Pinniped
			kubectl tko cluster kubeconfig get wc-prod-1 --merge

			# The admin kubeconfig, into its own file
			kubectl tko cluster kubeconfig get wc-prod-1 --admin --export-file ~/.kube/wc-prod-1.yaml`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Admin, "admin", false, "The admin kubeconfig (a credential) instead of a Pinniped login one.")
	cmd.Flags().StringVar(&o.ExportFile, "export-file", "", "Write the kubeconfig to this file (mode 0600) instead of standard output.")
	cmd.Flags().BoolVar(&o.Merge, "merge", false, "Merge into the kubeconfig in use and switch to the new context.")
	return cmd
}

// Complete takes NAME and where --merge writes.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.mergeTarget = f.KubeconfigPath()
	return o.One.Complete(f, cmd, args)
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.Merge && o.ExportFile != "" {
		return cmdutil.FlagErrorf("--merge and --export-file cannot be used together")
	}
	return nil
}

// Run builds and delivers the kubeconfig.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	if _, err := capi.GetCluster(ctx, c.Dyn, c.API, c.Namespace, o.Cluster); err != nil {
		return err
	}
	admin, err := kc.Admin(ctx, c.Dyn, c.Namespace, o.Cluster)
	if err != nil {
		return err
	}
	cfg := admin
	if !o.Admin {
		info, ok, err := kc.ReadPinnipedInfo(ctx, c.Dyn)
		if err != nil {
			return err
		}
		if !ok {
			return cmdutil.Usagef("this management cluster has no identity management (no kube-public/pinniped-info): use --admin for the admin kubeconfig")
		}
		// The one implementation behind auth kubeconfig get too: the
		// workload cluster's Concierge decides how its users log in.
		cluster, _, err := kc.Current(admin)
		if err != nil {
			return err
		}
		clients, err := fleet.Connect(ctx, c.Dyn, c.Namespace, o.Cluster, nil)
		if err != nil {
			return err
		}
		var plan *kc.LoginPlan
		if cfg, plan, err = kc.GetLogin(ctx, info, kc.LoginTarget{Name: o.Cluster, Cluster: cluster, Clients: clients}, kc.LoginRequest{}); err != nil {
			return err
		}
		for _, note := range plan.Notes {
			fmt.Fprintln(o.Streams.ErrOut, note)
		}
	}
	dest := kc.Destination{ExportFile: o.ExportFile}
	if o.Merge {
		dest.MergeInto = o.mergeTarget
	}
	done, err := kc.Deliver(cfg, o.Cluster, dest, o.Streams.Out)
	if done != "" {
		fmt.Fprintln(o.Streams.ErrOut, done)
	}
	return err
}
