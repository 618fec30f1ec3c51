// Package abort implements `kubectl tko cluster upgrade abort`.
package abort

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade/status"
)

// Options holds the flags and state of `cluster upgrade abort`.
type Options struct {
	Factory        *cli.Factory
	Streams        genericiooptions.IOStreams
	StateNamespace string
}

// NewCmd returns `upgrade abort`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, StateNamespace: upgraderun.DefaultNamespace}
	cmd := &cobra.Command{
		Use:   "abort",
		Short: "Stop the fleet upgrade run: no further step starts; nothing is rolled back",
		Long: cmdutil.LongDesc(`
			Mark the upgrade run stored on the management cluster aborted, from any
			machine. The apply running it stops at its next step (a cluster whose
			upgrade was written goes on in Cluster API); nothing is rolled back. A new
			run may start afterwards.`),
		Example: cmdutil.Examples(`
			kubectl tko cluster upgrade abort`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	status.AddStateNamespaceFlag(f, cmd, &o.StateNamespace)
	return cmd
}

// Complete has nothing to take.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate has nothing to check.
func (o *Options) Validate() error { return nil }

// Run marks the run aborted.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Factory.Connect()
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	run, aborted, err := (&upgraderun.Store{Dyn: c.Dynamic, Namespace: o.StateNamespace}).Abort(ctx, fmt.Sprintf("%s/%d", host, os.Getpid()), time.Now())
	if err != nil {
		return err
	}
	done, failed, pending := run.Where()
	if !aborted {
		fmt.Fprintf(o.Streams.Out, "the upgrade run is %s: nothing to abort\n", run.Phase)
		return nil
	}
	fmt.Fprintf(o.Streams.Out, "upgrade run aborted in wave %d of %d (done: %s; failed: %s; not done: %s); nothing was rolled back\n",
		run.Wave, run.Waves, errs.OrNone(done), errs.OrNone(failed), errs.OrNone(pending))
	return nil
}
