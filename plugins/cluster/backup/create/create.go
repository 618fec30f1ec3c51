// Package create implements `kubectl tko cluster backup create`.
package create

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup create`.
type Options struct {
	common.Change
	Scope common.BackupScope
	Wait  common.Wait
	Fleet *cli.FleetFlags

	spec backup.Spec
	sel  fleet.Selection
}

// NewCmd returns the create command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Change: common.NewChange(f, streams), Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:   "create NAME [--include-namespaces NS,...] [--selector LABELS] [--wait]",
		Short: "Back up a cluster, some namespaces or the objects a selector picks, with Velero",
		Long: cmdutil.LongDesc(`
			Create a Velero Backup. Its scope is, as in Tanzu Mission Control: the full
			cluster (the default), a set of namespaces (--include-namespaces), or the
			objects a label selector picks (--selector), in any namespace not excluded.
			` + common.ExcludedNote + `

			The backup goes to --storage-location (Velero's default location when not
			given); a location that is missing or Unavailable is refused before anything
			is created. --wait watches the backup until Velero ends it: Completed exits 0,
			PartiallyFailed and Failed exit 1 with Velero's reasons in full; when
			--timeout runs out the command exits 4 and the backup goes on (running the
			same command again waits for it again).

			With --cluster, --all-workload-clusters or --cluster-selector, one Backup of
			the same name is created on each selected workload cluster (through its
			kubeconfig Secret), and a row per cluster says how it went; --strict exits
			1 when any failed.`),
		Example: cmdutil.Examples(`
			# Back up two namespaces and wait for the result
			kubectl tko cluster backup create shop-0412 --include-namespaces shop,payments --wait

			# The full cluster, kept for 7 days
			kubectl tko cluster backup create nightly --ttl 168h

			# Objects labelled app=shop, on every production workload cluster
			kubectl tko cluster backup create shop --selector app=shop --cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod --wait

			# Show the Backup without creating it
			kubectl tko cluster backup create shop --include-namespaces shop --dry-run -o yaml`),
		Args: cmdutil.ExactArgs("NAME"),
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	o.Scope.AddFlags(cmd, f)
	o.Wait.AddFlags(cmd, "backup")
	common.AddFleetFlags(cmd, o.Fleet, "Back up")
	return cmd
}

// Validate checks every flag before any connection.
func (o *Options) Validate() error {
	if err := o.Change.Validate(); err != nil {
		return err
	}
	if err := o.Wait.Validate(o.DryRun); err != nil {
		return err
	}
	var err error
	if o.spec, err = o.Scope.Spec(); err != nil {
		return err
	}
	if o.sel, err = o.Fleet.Selection(o.Factory); err != nil {
		return err
	}
	if o.Wait.Wait {
		common.Bound(&o.sel, o.Wait.Timeout)
	}
	return nil
}

// Run creates the backup on every target.
func (o *Options) Run(ctx context.Context) error {
	b, err := backup.NewBackup(o.VeleroNamespace, o.Name, o.spec)
	if err != nil {
		return err
	}
	if o.DryRun.Client() && !o.sel.Fleet() {
		return o.Print(b, "created", true)
	}
	report, err := cli.RunFleet(ctx, o.Factory, o.sel, common.Requirements, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) (common.Row, error) {
		return o.one(ctx, t, b.DeepCopy())
	})
	if err != nil {
		return err
	}
	if !o.sel.Fleet() {
		return nil // printed by one
	}
	return o.PrintRows(report)
}

// one creates (or finds, on a rerun) the backup on one cluster and waits.
func (o *Options) one(ctx context.Context, t cli.Target, b *unstructured.Unstructured) (common.Row, error) {
	single := t.Name == ""
	if o.DryRun.Client() {
		return common.Row{Name: b.GetName(), Phase: "(dry run)"}, nil
	}
	created, err := backup.CreateBackup(ctx, t.Clients.Dynamic, b, o.DryRun.Server())
	verb := "created"
	if apierrors.IsAlreadyExists(err) {
		// A rerun converges: the same backup is waited for again.
		if created, err = o.existing(ctx, t, b); err != nil {
			return common.Row{}, err
		}
		verb = "unchanged"
	}
	if err != nil {
		return common.Row{}, err
	}
	if single {
		if err := o.Print(created, verb, o.DryRun.Server()); err != nil {
			return common.Row{}, err
		}
	}
	row := common.Row{Name: created.GetName(), Phase: backup.OutcomeOf(created).Phase}
	if !o.Wait.Wait || o.DryRun.Any() {
		return row, nil
	}
	outcome, err := o.Wait.For(ctx, t.Clients, created, o.Streams.ErrOut, "kubectl tko cluster backup get "+created.GetName()+" --wait")
	if single && outcome.Phase != "" && err == nil {
		fmt.Fprintf(o.Streams.ErrOut, "%s\n", outcome.Summary())
	}
	row = common.RowOf(outcome)
	row.Name = created.GetName()
	return row, err
}

// existing returns the backup of the same name when it has the same scope.
func (o *Options) existing(ctx context.Context, t cli.Target, b *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	cur, err := backup.Get(ctx, t.Clients.Dynamic, backup.Backups, b.GetNamespace(), b.GetName())
	if err != nil {
		return nil, err
	}
	view, err := backup.Parse[backup.Backup](cur)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(view.Spec.IncludedNamespaces, o.spec.IncludedNamespaces) || view.Spec.Scope() != o.spec.Scope() {
		return nil, errs.Invalidf("backup %s exists with another scope (%s): pick another name", b.GetName(), view.Spec.Scope())
	}
	return cur, nil
}
