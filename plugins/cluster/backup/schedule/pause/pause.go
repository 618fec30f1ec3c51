// Package pause implements `kubectl tko cluster backup schedule pause` and
// `unpause`.
package pause

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `schedule pause` and `unpause`.
type Options struct {
	common.Change
	Paused bool
}

// NewCmd returns pause (paused true) or unpause.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams, paused bool) *cobra.Command {
	o := &Options{Change: common.NewChange(f, streams), Paused: paused}
	verb, what := "unpause", "Resume a paused Velero schedule"
	if paused {
		verb, what = "pause", "Pause a Velero schedule: no backups until unpaused"
	}
	cmd := &cobra.Command{
		Use:   verb + " NAME",
		Short: what,
		Long: cmdutil.LongDesc(what + `. Backups it made stay; running it again changes
			nothing.`),
		Example:           cmdutil.Examples(fmt.Sprintf("\n# %s\nkubectl tko cluster backup schedule %s nightly", what, verb)),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Schedules),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	cmd.Flags().Lookup("dry-run").Usage = "Check with the API server instead of storing (client and server both ask the server)."
	return cmd
}

// Run sets spec.paused (server-side dry run with --dry-run).
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	u, changed, err := backup.SetPaused(ctx, c.Dynamic, o.VeleroNamespace, o.Name, o.Paused, o.DryRun.Any())
	if err != nil {
		return err
	}
	verb := map[bool]string{true: "paused", false: "unpaused"}[o.Paused]
	if !changed {
		verb = "unchanged"
	}
	return o.Print(u, verb, o.DryRun.Any())
}
