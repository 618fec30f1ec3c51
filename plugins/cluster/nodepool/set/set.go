// Package set implements `kubectl tko cluster node-pool set`.
package set

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `node-pool set`.
type Options struct {
	common.Edit

	Pool     capi.Pool
	Labels   []string
	Replicas int64

	VMClass, StorageClass string // TanzuKubernetesCluster pools
}

// NewCmd returns `node-pool set`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Edit: common.NewEdit(streams)}
	cmd := &cobra.Command{
		Use:   "set CLUSTER --name POOL [--replicas N] [--class C | --vm-class C --storage-class S] [--failure-domain AZ] [--label k=v]",
		Short: "Add a node pool or change one",
		Example: cmdutil.Examples(`
			# A GPU pool in az-2
			kubectl tko cluster node-pool set wc-prod-1 --name md-gpu --replicas 2 --failure-domain az-2

			# Resize an existing pool
			kubectl tko cluster node-pool set wc-prod-1 --name md-0 --replicas 4 --dry-run

			# A node pool of a TanzuKubernetesCluster (new pools copy the first pool's classes)
			kubectl tko cluster node-pool set tkc-guest-1 -n vsphere-ns-1 --name np-gpu --replicas 2 --vm-class guaranteed-xlarge`),
		Args:              cmdutil.ExactArgs("CLUSTER"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().StringVar(&o.Pool.Name, "name", "", "Node pool name (machine deployment topology name), e.g. md-1.")
	cmd.Flags().Int64Var(&o.Replicas, "replicas", 0, "Number of machines.")
	cmd.Flags().StringVar(&o.Pool.Class, "class", "", "Worker class of the ClusterClass (new pools default to the first pool's class).")
	cmd.Flags().StringVar(&o.VMClass, "vm-class", "", "VM class of a TanzuKubernetesCluster's pool (new pools default to the first pool's).")
	cmd.Flags().StringVar(&o.StorageClass, "storage-class", "", "Storage class of a TanzuKubernetesCluster's pool (new pools default to the first pool's).")
	cmd.Flags().StringVar(&o.Pool.FailureDomain, "failure-domain", "", "Availability zone / failure domain.")
	cmd.Flags().StringArrayVar(&o.Labels, "label", nil, "Node label key=value (repeatable).")
	o.AddDryRunFlag(cmd)
	return cmd
}

// Complete takes CLUSTER and whether --replicas was given.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	if err := o.Edit.Complete(f, cmd, args); err != nil {
		return err
	}
	if cmd.Flags().Changed("replicas") {
		o.Pool.Replicas = &o.Replicas
	}
	return nil
}

// Validate checks the flags and turns --label into the pool's labels.
func (o *Options) Validate() error {
	if o.Pool.Name == "" {
		return cmdutil.FlagErrorf("missing --name POOL")
	}
	o.Pool.Labels = map[string]string{}
	for _, l := range o.Labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return cmdutil.FlagErrorf("--label %q: expected key=value", l)
		}
		o.Pool.Labels[k] = v
	}
	if o.Pool.Class != "" && (o.VMClass != "" || o.StorageClass != "") {
		return cmdutil.FlagErrorf("--class names a ClusterClass worker class, --vm-class and --storage-class a TanzuKubernetesCluster's: pass one or the other")
	}
	if o.Pool.Replicas != nil && *o.Pool.Replicas < 0 {
		return cmdutil.Usagef("--replicas cannot be negative")
	}
	return nil
}

// Run changes the topology, or the TanzuKubernetesCluster of that name.
func (o *Options) Run(ctx context.Context) error {
	return o.ApplyEither(ctx, func(u *unstructured.Unstructured) error {
		if o.VMClass != "" || o.StorageClass != "" {
			return cmdutil.Usagef("cluster %s is a Cluster: --vm-class and --storage-class are for TanzuKubernetesClusters; pass --class", o.Cluster)
		}
		err := capi.SetPool(u, o.Pool)
		var noClass *capi.PoolClassRequiredError
		if errors.As(err, &noClass) {
			return cmdutil.Usagef("node pool %s is new: pass --class", noClass.Pool)
		}
		return err
	}, func(u *unstructured.Unstructured) error {
		if o.Pool.Class != "" {
			return cmdutil.Usagef("%s is a TanzuKubernetesCluster: its pools take --vm-class and --storage-class, not --class", o.Cluster)
		}
		err := tkc.SetPool(u, tkc.Pool{Name: o.Pool.Name, Replicas: o.Pool.Replicas, VMClass: o.VMClass, StorageClass: o.StorageClass,
			FailureDomain: o.Pool.FailureDomain, Labels: o.Pool.Labels})
		var missing *tkc.PoolFieldRequiredError
		if errors.As(err, &missing) {
			return cmdutil.Usagef("node pool %s is new and no other pool has a VM class: pass --vm-class", missing.Pool)
		}
		return err
	})
}
