// Package repository assembles `kubectl tko package repository`: add,
// update, list, get, delete and kick of PackageRepositories, one package
// per verb.
package repository

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository/add"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository/kick"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository/update"
)

// NewCmd returns the repository noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "repository",
		Aliases: []string{"repo", "repositories"},
		Short:   "Manage package repositories (PackageRepositories)",
		Long: cmdutil.LongDesc(`
			Package repositories make packages available. One in kapp-controller's global
			namespace (kapp-controller-packaging-global; tkg-system on TKG) serves every
			namespace; one elsewhere serves its own namespace.`),
		Example: cmdutil.Examples(`
			kubectl tko package repository add tanzu-standard -n tkg-system --url projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21 --wait
			kubectl tko package repository list -A`),
	}
	cmd.AddCommand(add.NewCmd(f, streams), update.NewCmd(f, streams), list.NewCmd(f, streams), get.NewCmd(f, streams),
		delete.NewCmd(f, streams), kick.NewCmd(f, streams))
	return cmd
}
