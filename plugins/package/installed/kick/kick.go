// Package kick implements `kubectl tko package installed kick`.
package kick

import (
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `installed kick`.
type Options struct{ common.KickOptions }

// NewCmd returns `installed kick`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{common.NewKickOptions(streams, "PackageInstall", 10*time.Minute)}
	cmd := &cobra.Command{
		Use:   "kick NAME",
		Short: "Make kapp-controller reconcile an install now",
		Long: cmdutil.LongDesc(`
			Reconcile an install now instead of at its next sync period (or after a
			failure's back-off): it is paused and resumed, which gives it a new
			generation, as kctrl's kick does.`),
		Example: cmdutil.Examples(`
			kubectl tko package installed kick prometheus -n tanzu-packages --wait`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "install")
	return cmd
}
