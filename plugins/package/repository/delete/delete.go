// Package delete implements `kubectl tko package repository delete`.
package delete

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `repository delete`.
type Options struct {
	common.VerbOptions
	Names []string
	Yes   bool
	cmdutil.WaitFlags
}

// NewCmd returns `repository delete`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, false), WaitFlags: cmdutil.WaitFlags{Timeout: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "delete NAME...",
		Short: "Delete package repositories (their packages stop being available)",
		Long: cmdutil.LongDesc(`
			Delete package repositories and wait until kapp-controller has removed them.
			Installs of their packages keep running but cannot be updated until another
			repository provides the package. On a terminal it asks first; from a script
			it needs --yes.`),
		Example:           cmdutil.Examples(`kubectl tko package repository delete dev --yes`),
		Args:              cmdutil.MinArgs("NAME"),
		ValidArgsFunction: common.CompleteRepositories(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation.")
	o.AddTimeoutFlag(cmd, "to wait for the deletion")
	return cmd
}

// Complete takes the factory and the names.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.Names = args
	return o.VerbOptions.Complete(f, cmd, args)
}

// Validate checks --timeout.
func (o *Options) Validate() error { return o.WaitFlags.Validate(cmdutil.DryRunNone) }

// Run deletes the repositories, each followed by watch until it is gone.
func (o *Options) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	for _, name := range o.Names {
		if _, err := c.GetRepository(ctx, c.Namespace, name); err != nil {
			return err
		}
	}
	if !o.Yes {
		if err := cmdutil.Confirm(o.Streams.In, o.Streams.ErrOut,
			fmt.Sprintf("refusing to delete %s without --yes: standard input is not a terminal", strings.Join(o.Names, ", ")),
			fmt.Sprintf("Delete package repository(ies) %s in namespace %s?", strings.Join(o.Names, ", "), c.Namespace)); err != nil {
			return err
		}
	}
	progress := cmdutil.WaitProgress(o.Streams.ErrOut)
	client := c.Dyn.Resource(carvel.Repositories).Namespace(c.Namespace)
	for i, name := range o.Names {
		if err := wait.Delete(ctx, client, name, metav1.DeleteOptions{}); err != nil {
			return err
		}
		if _, err := wait.For(ctx, wait.Spec{Client: client, Namespace: c.Namespace, Name: name, Timeout: o.Timeout,
			What: "package repository " + c.Namespace + "/" + name + " to be deleted", Check: wait.Deleted, Summary: carvel.Summary, Progress: progress}); err != nil {
			return wait.GoesOn(err, fmt.Sprintf("the deletion of package repository %s/%s was requested and kapp-controller goes on with it (follow it: kubectl tko package repository list -n %s; not deleted: %s)",
				c.Namespace, name, c.Namespace, errs.OrNone(o.Names[i+1:])))
		}
		if err := cli.PrintAction(o.Streams.Out, common.Ref("PackageRepository", name), "deleted", false); err != nil {
			return err
		}
	}
	return nil
}
