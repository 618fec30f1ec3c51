// Package resume implements `kubectl tko package installed resume`, the
// reverse of pause.
package resume

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the state of `installed resume`.
type Options struct{ common.Pausing }

// NewCmd returns `installed resume`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Pausing: common.NewPausing(streams, false)}
	return o.Command(f, o, &cobra.Command{Use: "resume NAME", Short: "Let kapp-controller reconcile a paused install again"})
}
