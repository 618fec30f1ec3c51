// Package pause implements `kubectl tko package installed pause`, and
// `resume`, its reverse.
package pause

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the state of `installed pause` and `installed resume`.
type Options struct {
	common.VerbOptions
	Paused bool
}

// NewCmd returns `installed pause`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return NewCmdPaused(f, streams, true, "pause NAME", "Stop kapp-controller from reconciling an install")
}

// NewCmdPaused returns the command that sets spec.paused to paused.
func NewCmdPaused(f *cli.Factory, streams genericiooptions.IOStreams, paused bool, use, short string) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, false), Paused: paused}
	verb, _, _ := strings.Cut(use, " ")
	return &cobra.Command{
		Use: use, Short: short, Example: cmdutil.Examples("kubectl tko package installed " + verb + " contour -n tanzu-packages"),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE:              cli.RunE(f, o),
	}
}

// Run pauses or resumes the install.
func (o *Options) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	if _, err := c.GetInstall(ctx, c.Namespace, o.Name); err != nil {
		return err
	}
	if err := c.SetPaused(ctx, carvel.Installs, c.Namespace, o.Name, o.Paused); err != nil {
		return err
	}
	verb := "paused"
	if !o.Paused {
		verb = "resumed"
	}
	return cli.PrintAction(o.Streams.Out, common.Ref("PackageInstall", o.Name), verb, false)
}
