// Package pause implements `kubectl tko package installed pause`.
package pause

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the state of `installed pause`.
type Options struct{ common.Pausing }

// NewCmd returns `installed pause`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Pausing: common.NewPausing(streams, true)}
	return o.Command(f, o, &cobra.Command{Use: "pause NAME", Short: "Stop kapp-controller from reconciling an install"})
}
