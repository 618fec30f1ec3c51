// Package installed assembles `kubectl tko package installed`: list, get,
// status, update, delete, pause, resume and kick of PackageInstalls, one
// package per verb.
package installed

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/kick"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/pause"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/resume"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/status"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/update"
)

// NewCmd returns the installed noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "installed",
		Aliases: []string{"installs"},
		Short:   "Inspect and change installed packages (PackageInstalls)",
		Example: cmdutil.Examples(`
			# Every install, with its state
			kubectl tko package installed list -A

			# Why an install failed: kapp-controller's full error and each stage
			kubectl tko package installed status prometheus -n tanzu-packages`),
	}
	cmd.AddCommand(list.NewCmd(f, streams), get.NewCmd(f, streams), status.NewCmd(f, streams), update.NewCmd(f, streams),
		delete.NewCmd(f, streams), pause.NewCmd(f, streams), resume.NewCmd(f, streams), kick.NewCmd(f, streams))
	return cmd
}
