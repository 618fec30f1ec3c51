package common

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// One is what every verb on one named cluster shares: the streams, the
// connection and the CLUSTER argument.
type One struct {
	Streams genericiooptions.IOStreams
	Connect Connector

	Cluster string
}

// Complete takes CLUSTER.
func (o *One) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Connect = Connecting(f, o.Connect)
	var err error
	o.Cluster, err = ParseName(args)
	return err
}

// Waiting is --dry-run, --wait and --timeout of a verb that starts
// something slow; a dry run has nothing to wait for.
type Waiting struct {
	DryRun cmdutil.DryRun
	cmdutil.WaitFlags
}

// NewWaiting returns a Waiting whose --timeout defaults to timeout.
func NewWaiting(timeout time.Duration) Waiting {
	return Waiting{WaitFlags: cmdutil.WaitFlags{Timeout: timeout}}
}

// AddWaitFlags registers the three flags; the help says what is checked and
// what is waited for.
func (w *Waiting) AddWaitFlags(cmd *cobra.Command, dryRunHelp, waitHelp string) {
	cmdutil.AddDryRunFlag(cmd, &w.DryRun, dryRunHelp)
	w.AddFlags(cmd, waitHelp)
}

// Validate refuses --wait with --dry-run.
func (w *Waiting) Validate() error { return w.WaitFlags.Validate(w.DryRun) }

// DryRunHelp is the --dry-run help of the verbs that change a topology,
// which always send the change: client and server alike.
const DryRunHelp = "Show the change; the API server checks it (client and server alike) but nothing is stored."

// Edit is what every verb that edits one cluster's topology shares: the
// CLUSTER argument, --dry-run and the report of the change. Such a verb's
// Options embed it and add their flags, Validate and Run.
type Edit struct {
	One
	DryRun cmdutil.DryRun
}

// NewEdit returns an Edit printing to streams.
func NewEdit(streams genericiooptions.IOStreams) Edit {
	return Edit{One: One{Streams: streams}}
}

// AddDryRunFlag registers --dry-run.
func (e *Edit) AddDryRunFlag(cmd *cobra.Command) {
	cmdutil.AddDryRunFlag(cmd, &e.DryRun, DryRunHelp)
}

// Apply updates the cluster and prints what changed.
func (e *Edit) Apply(ctx context.Context, mutate capi.Mutation) error {
	_, _, _, err := UpdateAndReport(ctx, e.Connect, e.Streams.Out, e.Cluster, e.DryRun.Any(), mutate)
	return err
}

// Show is what every verb that prints one cluster's parts shares: the
// CLUSTER argument and -o.
type Show struct {
	One
	Output *cli.OutputFlags
}

// NewShow returns a Show printing to streams.
func NewShow(streams genericiooptions.IOStreams) Show {
	return Show{One: One{Streams: streams}, Output: cli.NewOutputFlags()}
}

// Validate checks -o.
func (s *Show) Validate() error { return s.Output.Validate() }
