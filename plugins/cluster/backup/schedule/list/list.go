// Package list implements `kubectl tko cluster backup schedule list`.
package list

import (
	"fmt"
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
		Short: "List Velero schedules: cron, phase, paused, last backup and how it went",
		Long: `
			List the Velero Schedules of a cluster, or of every cluster of a fleet: the
			cron expression, Velero's phase (Enabled, or FailedValidation with its
			reason), whether it is paused, how long ago it last made a backup and how
			that backup went (the phase of its newest backup, with errors and
			warnings; -o wide names it).`,
		Example: `
			# Schedules of every workload cluster
			kubectl tko cluster backup schedule list --all-workload-clusters`,
		What: "schedules",
		Listing: common.Listing{
			Resource: backup.Schedules,
			Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "SCHEDULE"}, {Header: "PHASE"}, {Header: "PAUSED"}, {Header: "LAST BACKUP"},
				{Header: "LAST RESULT"}, {Header: "TTL"}, {Header: "NEWEST BACKUP", Wide: true}, {Header: "SCOPE", Wide: true}, {Header: "MESSAGE", Wide: true}},
			RowWithBackups: func(u *unstructured.Unstructured, now time.Time, backups []*backup.Backup) []string {
				s, err := backup.Parse[backup.Schedule](u)
				if err != nil {
					return []string{u.GetName(), "Error: " + err.Error()}
				}
				paused := "false"
				if s.Spec.Paused {
					paused = "true"
				}
				result, newest := "-", "-"
				if b := backup.NewestOfSchedule(s.Namespace, s.Name, backups); b != nil {
					result, newest = cmdutil.OrDash(b.Status.Phase), b.Name
					if b.Status.Errors > 0 || b.Status.Warnings > 0 {
						result += fmt.Sprintf(" (%d errors, %d warnings)", b.Status.Errors, b.Status.Warnings)
					}
				}
				return []string{s.Name, s.Spec.Schedule, cmdutil.OrDash(s.Status.Phase), paused, common.Age(s.Status.LastBackup, now), result,
					cmdutil.OrDash(s.Spec.Template.TTL), newest, s.Spec.Template.Scope(), cmdutil.OrDash(common.Joined(s.Status.ValidationErrors))}
			},
			Empty: "No schedules found",
		},
	})
}
