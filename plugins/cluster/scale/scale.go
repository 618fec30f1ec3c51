// Package scale implements `kubectl tko cluster scale`.
package scale

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `cluster scale`.
type Options struct {
	common.One
	common.Waiting

	ControlPlane int64
	Workers      int64
	Pool         string

	setCP, setWorkers bool
}

// NewCmd returns the scale command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return newCmd(f, &Options{One: common.One{Streams: streams}, Waiting: common.NewWaiting(30 * time.Minute)})
}

func newCmd(f *cli.Factory, o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scale NAME [--controlplane N] [--worker N [--node-pool POOL]]",
		Short: "Change the number of control-plane or worker machines of a cluster",
		Example: cmdutil.Examples(`
			# Three control-plane machines (always an odd number)
			kubectl tko cluster scale wc-dev-1 --controlplane 3

			# Five workers in pool md-1, and wait until they are ready
			kubectl tko cluster scale wc-prod-1 --worker 5 --node-pool md-1 --wait

			# Show what would change
			kubectl tko cluster scale wc-prod-1 --worker 2 --node-pool md-0 --dry-run

			# A TanzuKubernetesCluster in a vSphere namespace (control plane: 1, 3 or 5)
			kubectl tko cluster scale tkc-guest-1 -n vsphere-ns-1 --worker 4 --node-pool np-1`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().Int64Var(&o.ControlPlane, "controlplane", 0, "Number of control-plane machines (odd: 1, 3, 5; a TanzuKubernetesCluster takes 1, 3 or 5).")
	cmd.Flags().Int64Var(&o.Workers, "worker", 0, "Number of worker machines in the node pool.")
	cmd.Flags().StringVar(&o.Pool, "node-pool", "", "Node pool (machine deployment, or TanzuKubernetesCluster node pool) to scale; needed when the cluster has several.")
	o.AddWaitFlags(cmd, common.DryRunHelp, "Wait until the cluster is Available with the new counts")
	return cmd
}

// Complete takes NAME and which counts were given.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.setCP, o.setWorkers = cmd.Flags().Changed("controlplane"), cmd.Flags().Changed("worker")
	return o.One.Complete(f, cmd, args)
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if !o.setCP && !o.setWorkers {
		return cmdutil.FlagErrorf("nothing to scale: pass --controlplane N and/or --worker N")
	}
	if o.Pool != "" && !o.setWorkers {
		return cmdutil.FlagErrorf("--node-pool goes with --worker N")
	}
	if err := o.Waiting.Validate(); err != nil {
		return err
	}
	if o.setCP {
		var even *capi.EvenControlPlaneError
		if errors.As(capi.CheckControlPlaneReplicas(o.ControlPlane), &even) {
			return cmdutil.Usagef("--controlplane %d: %s", o.ControlPlane, even.Advice())
		}
	}
	if o.setWorkers && o.Workers < 0 {
		return cmdutil.Usagef("--worker %d: the worker count cannot be negative", o.Workers)
	}
	return nil
}

// Run scales the topology, or the TanzuKubernetesCluster of that name.
func (o *Options) Run(ctx context.Context) error {
	c, updated, changed, err := common.UpdateEither(ctx, o.Connect, o.Streams.Out, o.Cluster, o.DryRun.Any(), func(u *unstructured.Unstructured) error {
		if o.setCP {
			if err := capi.SetControlPlaneReplicas(u, o.ControlPlane); err != nil {
				return err
			}
		}
		if o.setWorkers {
			return capi.SetPoolReplicas(u, o.Pool, o.Workers)
		}
		return nil
	}, func(u *unstructured.Unstructured) error {
		if o.setCP {
			if err := tkc.SetControlPlaneReplicas(u, o.ControlPlane); err != nil {
				return err
			}
		}
		if o.setWorkers {
			return tkc.SetPoolReplicas(u, o.Pool, o.Workers)
		}
		return nil
	})
	var pools *capi.PoolRequiredError
	if errors.As(err, &pools) {
		return cmdutil.Usagef("%s with --node-pool", pools)
	}
	if err != nil || !o.Wait || !changed {
		return err
	}
	return common.WaitReady(ctx, o.Streams, c, updated, "", "was changed", o.Timeout)
}
