// Package get implements `kubectl tko cluster restore get`.
package get

import (
	"fmt"
	"io"
	"sort"
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

// Options holds the flags and state of `restore get`.
type Options struct{ common.Getter }

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Getter: common.Getter{VeleroOptions: common.NewVeleroOptions(f, streams), Resource: backup.Restores, Follow: "kubectl tko cluster restore get", Describe: describe}}
	cmd := &cobra.Command{
		Use:     "get NAME",
		Aliases: []string{"describe"},
		Short:   "Show one Velero restore: backup, mappings, phase, counts and failures",
		Long: cmdutil.LongDesc(`
			Show a Velero Restore: the backup it restores, namespace mappings, phase,
			items restored, errors and warnings, Velero's failure reasons in full, and,
			when Velero ended it with errors or warnings, the messages it recorded, one
			line each with the namespace they concern (read from the object store, as
			'restore logs' reads the log). --wait first watches it until Velero ends it.

			With --cluster a,b (or --all-workload-clusters, --cluster-selector,
			--all-contexts) it is read on each cluster of the fleet, a description per
			cluster headed by its name; a cluster without it, or unreachable, says so
			in its section (exit 1 only with --strict).`),
		Example: cmdutil.Examples(`
			# How did the restore go?
			kubectl tko cluster restore get shop-0412-20260412101500

			# The same restore on two workload clusters
			kubectl tko cluster restore get shop-dr --cluster wc-prod-1,wc-prod-2`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Restores),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "restore")
	return cmd
}

func describe(out io.Writer, u *unstructured.Unstructured, now time.Time, rec *common.Recorded) error {
	r, err := backup.Parse[backup.Restore](u)
	if err != nil {
		return err
	}
	st := r.Status
	var mappings []string
	for from, to := range r.Spec.NamespaceMapping {
		mappings = append(mappings, from+":"+to)
	}
	sort.Strings(mappings)
	common.Field(out, "Name", r.Name)
	common.Field(out, "Backup", r.Spec.BackupName)
	common.Field(out, "Phase", st.Phase)
	common.Field(out, "Namespaces", strings.Join(r.Spec.IncludedNamespaces, ","))
	common.Field(out, "Mappings", strings.Join(mappings, ","))
	if st.Progress != nil {
		common.Field(out, "Items", common.Count(st.Progress.ItemsRestored, st.Progress.TotalItems))
	}
	common.Field(out, "Errors", fmt.Sprint(st.Errors))
	common.Field(out, "Warnings", fmt.Sprint(st.Warnings))
	common.Field(out, "Started", common.Stamp(st.StartTimestamp, now))
	common.Field(out, "Completed", common.Stamp(st.CompletionTimestamp, now))
	common.Failures(out, st.FailureReason, st.ValidationErrors)
	common.PrintRecorded(out, rec, "kubectl tko cluster restore logs "+r.Name)
	return nil
}
