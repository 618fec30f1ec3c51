// Package get implements `kubectl tko cluster kubeconfig get`.
package get

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `kubeconfig get`.
type Options struct {
	Streams genericiooptions.IOStreams
	Connect common.Connector

	Name       string
	Admin      bool
	ExportFile string
	Merge      bool

	mergeTarget string
}

// NewCmd returns `kubeconfig get`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams}
	cmd := &cobra.Command{
		Use:   "get NAME [--admin] [--export-file FILE | --merge]",
		Short: "Print, export or merge a workload cluster's kubeconfig",
		Long: cli.LongDesc(`
			Without --admin: a kubeconfig that logs in through Pinniped (kubectl tko auth
			login), for clusters with identity management; it holds no credential.
			With --admin: the cluster's admin kubeconfig (context NAME-admin@NAME) from
			Cluster API's NAME-kubeconfig Secret; it is a credential, printed only
			because you asked for it.

			--export-file writes a new file; --merge adds the context to your current
			kubeconfig and makes it current. Files are written readable by you only (0600).`),
		Example: cli.Examples(`
			# Log in as yourself through Pinniped
			kubectl tko cluster kubeconfig get wc-prod-1 --merge

			# The admin kubeconfig, into its own file
			kubectl tko cluster kubeconfig get wc-prod-1 --admin --export-file ~/.kube/wc-prod-1.yaml`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Admin, "admin", false, "The admin kubeconfig (a credential) instead of a Pinniped login one.")
	cmd.Flags().StringVar(&o.ExportFile, "export-file", "", "Write the kubeconfig to this file (mode 0600) instead of standard output.")
	cmd.Flags().BoolVar(&o.Merge, "merge", false, "Merge into the kubeconfig in use and switch to the new context.")
	return cmd
}

// Complete takes NAME and where --merge writes.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Connect = common.Connecting(f, o.Connect)
	o.mergeTarget = mergeTarget(f)
	var err error
	o.Name, err = common.ParseName(args)
	return err
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.Merge && o.ExportFile != "" {
		return cli.FlagErrorf("--merge and --export-file cannot be used together")
	}
	return nil
}

// Run builds and delivers the kubeconfig.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	if _, err := capi.GetCluster(ctx, c.Dyn, c.API, c.Namespace, o.Name); err != nil {
		return err
	}
	admin, err := kc.Admin(ctx, c.Dyn, c.Namespace, o.Name)
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
			return cli.Usagef("this management cluster has no identity management (no kube-public/pinniped-info): use --admin for the admin kubeconfig")
		}
		cfg = kc.Pinniped(admin, o.Name, info)
	}
	switch {
	case o.ExportFile != "":
		if err := kc.Write(cfg, o.ExportFile); err != nil {
			return err
		}
		fmt.Fprintf(o.Streams.ErrOut, "wrote the kubeconfig of %s to %s (context %s)\n", o.Name, o.ExportFile, cfg.CurrentContext)
		return nil
	case o.Merge:
		path := o.mergeTarget
		if err := kc.Merge(cfg, path); err != nil {
			return err
		}
		fmt.Fprintf(o.Streams.ErrOut, "merged context %s into %s and switched to it\n", cfg.CurrentContext, path)
		return nil
	}
	raw, err := kc.Encode(cfg)
	if err != nil {
		return err
	}
	_, err = o.Streams.Out.Write(raw)
	return err
}

// mergeTarget is the kubeconfig kubectl itself would write to.
func mergeTarget(f *cli.Factory) string {
	if f.ConfigFlags.KubeConfig != nil && *f.ConfigFlags.KubeConfig != "" {
		return *f.ConfigFlags.KubeConfig
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if files := rules.GetLoadingPrecedence(); len(files) > 0 {
		return files[0]
	}
	return filepath.Join(clientcmd.RecommendedConfigDir, clientcmd.RecommendedFileName)
}
