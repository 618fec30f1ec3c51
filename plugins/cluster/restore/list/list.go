// Package list implements `kubectl tko cluster restore list`.
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
		Short: "List Velero restores: backup, phase, items, errors, warnings",
		Long: `
			List the Velero Restores of a cluster, or of every cluster of a fleet: the
			backup each restores, phase, items restored of the total, errors and
			warnings, when it started and completed.`,
		Example: `
			# Restores of this cluster
			kubectl tko cluster restore list`,
		What: "restores",
		Listing: common.Listing{
			Resource: backup.Restores,
			Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "BACKUP"}, {Header: "PHASE"}, {Header: "ITEMS"}, {Header: "ERRORS"}, {Header: "WARNINGS"},
				{Header: "STARTED"}, {Header: "COMPLETED"}},
			Row: func(u *unstructured.Unstructured, now time.Time) []string {
				r, err := backup.Parse[backup.Restore](u)
				if err != nil {
					return []string{u.GetName(), "Error: " + err.Error()}
				}
				st := r.Status
				items := "-"
				if st.Progress != nil {
					items = common.Count(st.Progress.ItemsRestored, st.Progress.TotalItems)
				}
				return []string{r.Name, r.Spec.BackupName, cmdutil.OrDash(st.Phase), items, strconv.FormatInt(st.Errors, 10), strconv.FormatInt(st.Warnings, 10),
					common.Age(st.StartTimestamp, now), common.Age(st.CompletionTimestamp, now)}
			},
			Empty: "No restores found",
		},
	})
}
