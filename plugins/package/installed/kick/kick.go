// Package kick implements `kubectl tko package installed kick`.
package kick

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `installed kick`.
type Options struct {
	common.Base
	Wait    bool
	Timeout time.Duration
}

// NewCmd returns `installed kick`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Base: common.NewBase(streams, false), Timeout: 10 * time.Minute}
	cmd := &cobra.Command{
		Use:   "kick NAME",
		Short: "Make kapp-controller reconcile an install now",
		Long: cli.LongDesc(`
			Reconcile an install now instead of at its next sync period (or after a
			failure's back-off): it is paused and resumed, which gives it a new
			generation, as kctrl's kick does.`),
		Example: cli.Examples(`
			kubectl tko package installed kick prometheus -n tanzu-packages --wait`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE:              common.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "Wait until the install is reconciled again (default true on a terminal).")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
	return cmd
}

// Complete takes the factory and the name, and defaults --wait to on for
// a person at a terminal.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	common.WaitFlag(cmd, o.Streams.ErrOut, &o.Wait, false)
	return o.Base.Complete(f, cmd, args)
}

// Run kicks the install.
func (o *Options) Run(ctx context.Context) error {
	return common.Kick(ctx, o.Factory, o.Streams, "PackageInstall", o.Name, o.Wait, o.Timeout)
}
