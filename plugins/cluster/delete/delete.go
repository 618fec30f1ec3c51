// Package delete implements `kubectl tko cluster delete`.
package delete

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `cluster delete`.
type Options struct {
	Streams genericiooptions.IOStreams
	Connect common.Connector

	common.Waiting

	Names []string
	Yes   bool
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Waiting: common.NewWaiting(30 * time.Minute)}
	cmd := &cobra.Command{
		Use:   "delete NAME...",
		Short: "Delete workload clusters (asks first)",
		Long: cmdutil.LongDesc(`
			Delete workload clusters and, through Cluster API, their machines. On a
			terminal it asks for confirmation; from a script or a pipe it refuses unless
			--yes is given. Management clusters are refused. A TanzuKubernetesCluster
			(vSphere with Tanzu) is deleted as a TanzuKubernetesCluster, also where a
			Cluster of its name stands behind it, and its Supervisor removes its machines.`),
		Example: cmdutil.Examples(`
			# Asks before deleting
			kubectl tko cluster delete wc-dev-1

			# From a script, waiting until it is gone
			kubectl tko cluster delete wc-dev-1 --yes --wait --timeout 20m

			# A TanzuKubernetesCluster in a vSphere namespace
			kubectl tko cluster delete tkc-guest-1 -n vsphere-ns-1 --yes --wait`),
		Args:              cmdutil.MinArgs("NAME"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation.")
	o.AddWaitFlags(cmd, "Check the deletion with the API server without doing it (client and server alike).", "Wait until the clusters are gone")
	return cmd
}

// Complete takes the names.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Connect = common.Connecting(f, o.Connect)
	var err error
	o.Names, err = common.ParseNames(args)
	return err
}

// target is a cluster to delete: a Cluster, or a TanzuKubernetesCluster.
type target struct {
	obj    *unstructured.Unstructured
	client dynamic.ResourceInterface
}

// Run confirms and deletes.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	// Check every name first: a typo must not leave half the list deleted.
	targets := make([]target, len(o.Names))
	for i, name := range o.Names {
		u, guest, err := tkc.Resolve(ctx, c.Dyn, c.API, c.Namespace, name)
		if err != nil {
			return err
		}
		if guest != nil {
			// The TanzuKubernetesCluster, not the Cluster behind it: the
			// Supervisor would make that again.
			targets[i] = target{guest, c.Dyn.Resource(tkc.GVRFor(guest)).Namespace(c.Namespace)}
			continue
		}
		if capi.FromUnstructured(u).Role == "management" {
			return cmdutil.Usagef("%s is a management cluster: kubectl tko does not delete management clusters", name)
		}
		targets[i] = target{u, c.Dyn.Resource(c.API.Clusters()).Namespace(c.Namespace)}
	}
	if !o.Yes && !o.DryRun.Any() {
		if err := cmdutil.Confirm(o.Streams.In, o.Streams.ErrOut,
			fmt.Sprintf("refusing to delete %s without --yes: standard input is not a terminal", strings.Join(o.Names, ", ")),
			fmt.Sprintf("Delete cluster(s) %s in namespace %s and all their machines?", strings.Join(o.Names, ", "), c.Namespace)); err != nil {
			return err
		}
	}
	opts := metav1.DeleteOptions{DryRun: kube.DryRun(o.DryRun.Any())}
	for i, t := range targets {
		if err := wait.Delete(ctx, t.client, t.obj.GetName(), opts); err != nil {
			err = fmt.Errorf("deleting cluster %s: %w", t.obj.GetName(), err)
			if i == 0 {
				return err
			}
			// Deletions are not undone: say which went and which did not.
			return &errs.StepError{Where: fmt.Sprintf("stopped at cluster %s (deleted: %s; not deleted: %s)",
				t.obj.GetName(), strings.Join(o.Names[:i], ", "), strings.Join(o.Names[i:], ", ")), Err: err}
		}
		if err := cli.PrintAction(o.Streams.Out, t.obj, "deleted", o.DryRun.Any()); err != nil {
			return err
		}
		if !o.DryRun.Any() {
			o.leaveGroups(ctx, c.Dyn, c.Namespace, t.obj.GetName())
		}
	}
	if !o.Wait {
		return nil
	}
	goesOn := fmt.Sprintf("the deletion of cluster(s) %s was requested and Cluster API goes on with it (follow it: kubectl tko cluster list -n %s)",
		strings.Join(o.Names, ", "), c.Namespace)
	for _, t := range targets {
		name, summary := t.obj.GetName(), capi.Progress
		if common.IsTKC(t.obj) {
			summary = tkc.Progress
		}
		spec := wait.Spec{Client: t.client, Namespace: c.Namespace, Name: name, Timeout: o.Timeout,
			What: fmt.Sprintf("cluster %s/%s to be deleted", c.Namespace, name), Check: wait.Deleted, Summary: summary, Progress: cmdutil.WaitProgress(o.Streams.ErrOut)}
		if _, err := wait.For(ctx, spec); err != nil {
			return wait.GoesOn(err, goesOn)
		}
		fmt.Fprintf(o.Streams.ErrOut, "cluster %s/%s is gone\n", c.Namespace, name)
	}
	return nil
}

// leaveGroups deletes the cluster group Apps of a cluster being deleted:
// kapp-controller keeps nothing there any more. A failure is a warning:
// the cluster is being deleted all the same, and 'group status' shows
// what is left.
func (o *Options) leaveGroups(ctx context.Context, dyn dynamic.Interface, ns, name string) {
	// The cluster's deletion was requested: its Apps go with it even when
	// the command is interrupted now, on a context of its own, bounded.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	apps, err := groups.DropCluster(ctx, dyn, ns, name)
	for _, app := range apps {
		fmt.Fprintf(o.Streams.Out, "app.kappctrl.k14s.io/%s deleted (cluster group App of cluster %s)\n", app, name)
	}
	if err != nil {
		fmt.Fprintf(o.Streams.ErrOut, "Warning: cluster %s: its cluster group Apps: %s (see 'kubectl tko cluster group status')\n", name, explain.Message(err))
	}
}
