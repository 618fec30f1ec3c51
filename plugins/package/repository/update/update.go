// Package update implements `kubectl tko package repository update`: the
// create-or-update of `repository add` (add.Options with Update set),
// refusing a repository that does not exist.
package update

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository/add"
)

// NewCmd returns `repository update`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return add.NewCmdFor(f, streams, true)
}
