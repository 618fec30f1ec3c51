// Package resume implements `kubectl tko package installed resume`: a
// pause undone (pause.Options with Paused false).
package resume

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed/pause"
)

// NewCmd returns `installed resume`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return pause.NewCmdPaused(f, streams, false, "resume NAME", "Let kapp-controller reconcile a paused install again")
}
