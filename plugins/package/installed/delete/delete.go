// Package delete implements `kubectl tko package installed delete`.
package delete

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `installed delete`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Names   []string
	Yes     bool
	DryRun  cmdutil.DryRun
	cmdutil.WaitFlags
	Clusters    []string
	AllClusters bool
}

// NewCmd returns `installed delete`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, WaitFlags: cmdutil.WaitFlags{Timeout: 10 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "delete NAME...",
		Short: "Uninstall: delete the PackageInstall, then its ServiceAccount, RBAC and values Secret",
		Long: cmdutil.LongDesc(`
			Uninstall packages. The PackageInstall is deleted first and followed by watch
			until kapp-controller has removed what it deployed (it needs the install's
			ServiceAccount for that); then the ServiceAccount, RBAC and values Secret
			created for it (by this plugin, kctrl or the tanzu CLI) are deleted. On a
			terminal it asks for confirmation; from a script it needs --yes. Rerunning
			after an interruption finishes the job.`),
		Example: cmdutil.Examples(`
			kubectl tko package installed delete contour -n tanzu-packages --yes

			# Remove a fleet rollout from every workload cluster
			kubectl tko package installed delete fluent-bit --all-workload-clusters --yes`),
		Args:              cmdutil.MinArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation.")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "List what would be deleted and delete nothing: client (default when given) or server (the API server checks each deletion too).")
	o.AddTimeoutFlag(cmd, "to wait for kapp-controller to remove the install")
	cmd.Flags().StringSliceVar(&o.Clusters, "cluster", nil, "Delete the installs NAME made with 'install --cluster' on these workload clusters.")
	cmd.Flags().BoolVar(&o.AllClusters, "all-workload-clusters", false, "Delete the installs NAME made with 'install --cluster' on every workload cluster.")
	return cmd
}

// Complete takes the factory and the names.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Factory, o.Names = f, args
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if len(o.Clusters) > 0 && o.AllClusters {
		return cmdutil.FlagErrorf("--cluster and --all-workload-clusters are exclusive")
	}
	return o.WaitFlags.Validate(o.DryRun)
}

// Run deletes the installs.
func (o *Options) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	installs := make([]*carvel.Install, 0, len(o.Names))
	leftovers := map[string][]carvel.Object{}
	fleet := len(o.Clusters) > 0 || o.AllClusters
	if fleet {
		if installs, err = o.fleetInstalls(ctx, c); err != nil {
			return err
		}
	}
	names := o.Names
	if fleet {
		names = nil // found by their labels above
	}
	for _, name := range names {
		in, err := c.GetInstall(ctx, c.Namespace, name)
		var nf *errs.NotFoundError
		if errors.As(err, &nf) {
			// A delete interrupted after the PackageInstall went: finish it.
			left, lerr := c.Leftovers(ctx, c.Namespace, name)
			if lerr != nil {
				return lerr
			}
			if len(left) > 0 {
				leftovers[name] = left
				continue
			}
		}
		if err != nil {
			return err // nothing deleted yet: every name is checked first
		}
		installs = append(installs, in)
	}
	if o.DryRun.Server() {
		if err := o.check(ctx, c, installs, leftovers); err != nil {
			return err
		}
	}
	if o.DryRun.Any() {
		for _, in := range installs {
			if err := cli.PrintAction(o.Streams.Out, common.Ref("PackageInstall", in.Name), "would be deleted", true); err != nil {
				return err
			}
			for _, obj := range carvel.Owned(in) {
				fmt.Fprintf(o.Streams.Out, "  %s would be deleted\n", obj)
			}
		}
		for name, left := range leftovers {
			for _, obj := range left {
				fmt.Fprintf(o.Streams.Out, "%s (left from install %s) would be deleted (dry run)\n", obj, name)
			}
		}
		return nil
	}
	if !o.Yes {
		if err := cmdutil.Confirm(o.Streams.In, o.Streams.ErrOut,
			fmt.Sprintf("refusing to delete %s without --yes: standard input is not a terminal", strings.Join(o.Names, ", ")),
			fmt.Sprintf("Delete package install(s) %s and everything they deployed?", strings.Join(installNames(installs, leftovers), ", "))); err != nil {
			return err
		}
	}
	var deleted []string
	for _, in := range installs {
		if err := c.DeleteInstall(ctx, in, carvel.WaitOptions{Timeout: o.Timeout, Progress: cmdutil.WaitProgress(o.Streams.ErrOut)}); err != nil {
			return wait.GoesOn(err, fmt.Sprintf("the deletion of package install %s/%s was requested and kapp-controller goes on with it (deleted before it: %s)",
				in.Namespace, in.Name, errs.OrNone(deleted)))
		}
		deleted = append(deleted, in.Namespace+"/"+in.Name)
		if err := cli.PrintAction(o.Streams.Out, common.Ref("PackageInstall", in.Name), "deleted", false); err != nil {
			return err
		}
		for _, obj := range carvel.Owned(in) {
			fmt.Fprintf(o.Streams.Out, "  %s deleted\n", obj)
		}
	}
	for name, left := range leftovers {
		if err := c.DeleteOwned(ctx, left, false); err != nil {
			return err
		}
		for _, obj := range left {
			fmt.Fprintf(o.Streams.Out, "%s (left from install %s) deleted\n", obj, name)
		}
	}
	return nil
}

func installNames(installs []*carvel.Install, leftovers map[string][]carvel.Object) []string {
	var out []string
	for _, in := range installs {
		out = append(out, in.Namespace+"/"+in.Name)
	}
	for name := range leftovers {
		out = append(out, name+" (leftovers)")
	}
	return out
}

// fleetInstalls finds the PackageInstalls a fleet rollout made for each
// NAME (labelled with the install name and the cluster), in every namespace.
func (o *Options) fleetInstalls(ctx context.Context, c *carvel.Client) ([]*carvel.Install, error) {
	all, err := c.ListInstalls(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []*carvel.Install
	for _, name := range o.Names {
		found := map[string]bool{}
		for _, in := range all {
			cluster := in.Object.GetLabels()[kube.LabelCluster]
			if in.Object.GetLabels()[kube.LabelInstall] != name || cluster == "" {
				continue
			}
			if o.AllClusters || slices.Contains(o.Clusters, cluster) {
				out = append(out, in)
				found[cluster] = true
			}
		}
		var missing []string
		for _, cl := range o.Clusters {
			if !found[cl] {
				missing = append(missing, cl)
			}
		}
		if len(missing) > 0 || len(found) == 0 {
			where := "any workload cluster"
			if len(missing) > 0 {
				where = "cluster(s) " + strings.Join(missing, ", ")
			}
			return nil, &errs.NotFoundError{Kind: "fleet install", Name: name, Hint: "none on " + where + "; list them with 'kubectl tko package installed list -A --cluster ...'"}
		}
	}
	return out, nil
}

// check has the API server check every deletion of a run: --dry-run=server.
func (o *Options) check(ctx context.Context, c *carvel.Client, installs []*carvel.Install, leftovers map[string][]carvel.Object) error {
	for _, in := range installs {
		if err := c.CheckDelete(ctx, in); err != nil {
			return err
		}
	}
	for _, left := range leftovers {
		if err := c.DeleteOwned(ctx, left, true); err != nil {
			return err
		}
	}
	return nil
}
