package common

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// Pausing is the shape of `installed pause` and `installed resume`: an
// install's spec.paused set to Paused.
type Pausing struct {
	VerbOptions
	Paused bool
}

// NewPausing returns the options of pause (paused true) or resume.
func NewPausing(streams genericiooptions.IOStreams, paused bool) Pausing {
	return Pausing{VerbOptions: NewVerbOptions(streams, false), Paused: paused}
}

// Command completes help (Use, Short) into the command run by v, the verb
// whose Pausing o is.
func (o *Pausing) Command(f *cli.Factory, v cli.Verb, help *cobra.Command) *cobra.Command {
	help.Example = cmdutil.Examples("kubectl tko package installed " + help.Name() + " contour -n tanzu-packages")
	help.Args, help.ValidArgsFunction, help.RunE = cmdutil.ExactArgs("NAME"), CompleteInstalls(f), cli.RunE(f, v)
	return help
}

// Run sets spec.paused on the install.
func (o *Pausing) Run(ctx context.Context) error {
	c, err := Connect(o.Factory, false)
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
	return cli.PrintAction(o.Streams.Out, Ref("PackageInstall", o.Name), verb, false)
}
