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

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
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
			--yes is given. Management clusters are refused.`),
		Example: cmdutil.Examples(`
			# Asks before deleting
			kubectl tko cluster delete wc-dev-1

			# From a script, waiting until it is gone
			kubectl tko cluster delete wc-dev-1 --yes --wait --timeout 20m`),
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

// Run confirms and deletes.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	// Check every name first: a typo must not leave half the list deleted.
	clusters := make([]*unstructured.Unstructured, len(o.Names))
	for i, name := range o.Names {
		u, err := capi.GetCluster(ctx, c.Dyn, c.API, c.Namespace, name)
		if err != nil {
			return err
		}
		if capi.FromUnstructured(u).Role == "management" {
			return cmdutil.Usagef("%s is a management cluster: kubectl tko does not delete management clusters", name)
		}
		clusters[i] = u
	}
	if !o.Yes && !o.DryRun.Any() {
		if err := cmdutil.Confirm(o.Streams.In, o.Streams.ErrOut,
			fmt.Sprintf("refusing to delete %s without --yes: standard input is not a terminal", strings.Join(o.Names, ", ")),
			fmt.Sprintf("Delete cluster(s) %s in namespace %s and all their machines?", strings.Join(o.Names, ", "), c.Namespace)); err != nil {
			return err
		}
	}
	client := c.Dyn.Resource(c.API.Clusters()).Namespace(c.Namespace)
	opts := metav1.DeleteOptions{DryRun: kube.DryRun(o.DryRun.Any())}
	for i, u := range clusters {
		if err := wait.Delete(ctx, client, u.GetName(), opts); err != nil {
			err = fmt.Errorf("deleting cluster %s: %w", u.GetName(), err)
			if i == 0 {
				return err
			}
			// Deletions are not undone: say which went and which did not.
			return &errs.StepError{Where: fmt.Sprintf("stopped at cluster %s (deleted: %s; not deleted: %s)",
				u.GetName(), strings.Join(o.Names[:i], ", "), strings.Join(o.Names[i:], ", ")), Err: err}
		}
		if err := cli.PrintAction(o.Streams.Out, u, "deleted", o.DryRun.Any()); err != nil {
			return err
		}
	}
	if !o.Wait {
		return nil
	}
	goesOn := fmt.Sprintf("the deletion of cluster(s) %s was requested and Cluster API goes on with it (follow it: kubectl tko cluster list -n %s)",
		strings.Join(o.Names, ", "), c.Namespace)
	for _, name := range o.Names {
		spec := wait.Spec{Client: client, Namespace: c.Namespace, Name: name, Timeout: o.Timeout,
			What: fmt.Sprintf("cluster %s/%s to be deleted", c.Namespace, name), Check: wait.Deleted, Summary: capi.Progress, Progress: cmdutil.WaitProgress(o.Streams.ErrOut)}
		if _, err := wait.For(ctx, spec); err != nil {
			return wait.GoesOn(err, goesOn)
		}
		fmt.Fprintf(o.Streams.ErrOut, "cluster %s/%s is gone\n", c.Namespace, name)
	}
	return nil
}
