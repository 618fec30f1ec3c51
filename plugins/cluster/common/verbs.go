package common

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
)

// Edit is what every verb that edits one cluster's topology shares: the
// CLUSTER argument, --dry-run and the report of the change. Such a verb's
// Options embed it and add their flags, Validate and Run.
type Edit struct {
	Streams genericiooptions.IOStreams
	Connect Connector

	Cluster string
	DryRun  bool
}

// AddDryRunFlag registers --dry-run.
func (e *Edit) AddDryRunFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&e.DryRun, "dry-run", false, "Show the change; the API server checks it but nothing is stored.")
}

// Complete takes CLUSTER.
func (e *Edit) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	e.Connect = Connecting(f, e.Connect)
	var err error
	e.Cluster, err = ParseName(args)
	return err
}

// Apply updates the cluster and prints what changed.
func (e *Edit) Apply(ctx context.Context, mutate Mutation) error {
	_, _, _, err := UpdateAndReport(ctx, e.Connect, e.Streams.Out, e.Cluster, e.DryRun, mutate)
	return err
}

// Show is what every verb that prints one cluster's parts shares: the
// CLUSTER argument and -o.
type Show struct {
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Connect Connector

	Cluster string
}

// NewShow returns a Show printing to streams.
func NewShow(streams genericiooptions.IOStreams) Show {
	return Show{Streams: streams, Output: cli.NewOutputFlags()}
}

// Complete takes CLUSTER.
func (s *Show) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	s.Connect = Connecting(f, s.Connect)
	var err error
	s.Cluster, err = ParseName(args)
	return err
}

// Validate checks -o.
func (s *Show) Validate() error { return s.Output.Validate() }
