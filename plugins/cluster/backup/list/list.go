// Package list implements `kubectl tko cluster backup list`.
package list

import (
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return common.NewListCmd(f, streams, common.ListCmd{
		Short: "List Velero backups: phase, items, errors, warnings, age and expiry",
		Long: `
			List the Velero Backups of a cluster, or of every cluster of a fleet: phase,
			items backed up of the total, errors and warnings, when they started and
			completed, when Velero deletes them, their location; -o wide adds the scope
			and the schedule that made them.`,
		Example: `
			# Backups of this cluster
			kubectl tko cluster backup list

			# Of every workload cluster, with scope and schedule
			kubectl tko cluster backup list --all-workload-clusters -o wide`,
		What: "backups",
		Listing: common.Listing{
			Resource: backup.Backups,
			Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "PHASE"}, {Header: "ITEMS"}, {Header: "ERRORS"}, {Header: "WARNINGS"},
				{Header: "STARTED"}, {Header: "COMPLETED"}, {Header: "EXPIRES"}, {Header: "LOCATION"}, {Header: "SCOPE", Wide: true}, {Header: "SCHEDULE", Wide: true}},
			Row:   row,
			Empty: "No backups found",
		},
	})
}

func row(u *unstructured.Unstructured, now time.Time) []string {
	b, err := backup.Parse[backup.Backup](u)
	if err != nil {
		return []string{u.GetName(), "Error: " + err.Error()}
	}
	st := b.Status
	items := "-"
	if st.Progress != nil {
		items = common.Count(st.Progress.ItemsBackedUp, st.Progress.TotalItems)
	}
	return []string{b.Name, cmdutil.OrDash(st.Phase), items, strconv.FormatInt(st.Errors, 10), strconv.FormatInt(st.Warnings, 10),
		common.Age(st.StartTimestamp, now), common.Age(st.CompletionTimestamp, now), cmdutil.OrDash(backup.Until(st.Expiration, now)), cmdutil.OrDash(b.Spec.StorageLocation),
		b.Spec.Scope(), cmdutil.OrDash(b.Labels[backup.LabelSchedule])}
}
