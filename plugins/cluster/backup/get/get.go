// Package get implements `kubectl tko cluster backup get`.
package get

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup get`.
type Options struct{ common.Getter }

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Getter: common.Getter{VeleroOptions: common.NewVeleroOptions(f, streams), Resource: backup.Backups, Follow: "kubectl tko cluster backup get", Describe: describe}}
	cmd := &cobra.Command{
		Use:     "get NAME",
		Aliases: []string{"describe"},
		Short:   "Show one Velero backup: scope, phase, counts and the failures Velero recorded",
		Long: cmdutil.LongDesc(`
			Show a Velero Backup: its scope, location, phase, items, errors and
			warnings, times, and, when it did not complete, Velero's failure reason and
			validation errors in full. When Velero ended it with errors or warnings,
			the messages it recorded follow, one line each with the namespace they
			concern (read from the object store through a DownloadRequest, as 'backup
			logs' reads the log; when the store cannot be reached, the description
			says why and goes on). --wait first watches it until Velero ends it.

			With --cluster a,b (or --all-workload-clusters, --cluster-selector,
			--all-contexts) it is read on each cluster of the fleet, a description per
			cluster headed by its name; a cluster without it, or unreachable, says so
			in its section (exit 1 only with --strict).`),
		Example: cmdutil.Examples(`
			# How did last night's backup go?
			kubectl tko cluster backup get nightly-20260412020000

			# Follow a backup started elsewhere until it ends
			kubectl tko cluster backup get shop-0412 --wait

			# The Backup object
			kubectl tko cluster backup get shop-0412 -o yaml

			# A fleet backup, on every workload cluster
			kubectl tko cluster backup get fleet-0412 --all-workload-clusters`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Backups),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "backup")
	return cmd
}

func describe(out io.Writer, u *unstructured.Unstructured, now time.Time, rec *common.Recorded) error {
	b, err := backup.Parse[backup.Backup](u)
	if err != nil {
		return err
	}
	st := b.Status
	common.Field(out, "Name", b.Name)
	common.Field(out, "Namespace", b.Namespace)
	common.Field(out, "Phase", st.Phase)
	common.Field(out, "Scope", b.Spec.Scope())
	common.Field(out, "Excluded namespaces", strings.Join(b.Spec.ExcludedNamespaces, ","))
	common.Field(out, "Storage location", b.Spec.StorageLocation)
	common.Field(out, "TTL", b.Spec.TTL)
	common.Field(out, "Schedule", b.Labels[backup.LabelSchedule])
	if st.Progress != nil {
		common.Field(out, "Items", common.Count(st.Progress.ItemsBackedUp, st.Progress.TotalItems))
	}
	common.Field(out, "Errors", fmt.Sprint(st.Errors))
	common.Field(out, "Warnings", fmt.Sprint(st.Warnings))
	common.Field(out, "Started", common.Stamp(st.StartTimestamp, now))
	common.Field(out, "Completed", common.Stamp(st.CompletionTimestamp, now))
	common.Field(out, "Expires", backup.Until(st.Expiration, now))
	common.Failures(out, st.FailureReason, st.ValidationErrors)
	common.PrintRecorded(out, rec, "kubectl tko cluster backup logs "+b.Name)
	return nil
}
