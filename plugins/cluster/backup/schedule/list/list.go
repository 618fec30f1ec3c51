// Package list implements `kubectl tko cluster backup schedule list`.
package list

import (
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
		Short: "List Velero schedules: cron, phase, paused, last backup",
		Long: `
			List the Velero Schedules of a cluster, or of every cluster of a fleet: the
			cron expression, Velero's phase (Enabled, or FailedValidation with its
			reason), whether it is paused and how long ago it last made a backup.`,
		Example: `
			# Schedules of every workload cluster
			kubectl tko cluster backup schedule list --all-workload-clusters`,
		What: "schedules",
		Listing: common.Listing{
			Resource: backup.Schedules,
			Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "SCHEDULE"}, {Header: "PHASE"}, {Header: "PAUSED"}, {Header: "LAST BACKUP"},
				{Header: "TTL"}, {Header: "SCOPE", Wide: true}, {Header: "MESSAGE", Wide: true}},
			Row: func(u *unstructured.Unstructured, now time.Time) []string {
				s, err := backup.Parse[backup.Schedule](u)
				if err != nil {
					return []string{u.GetName(), "Error: " + err.Error()}
				}
				paused := "false"
				if s.Spec.Paused {
					paused = "true"
				}
				return []string{s.Name, s.Spec.Schedule, cmdutil.OrDash(s.Status.Phase), paused, common.Age(s.Status.LastBackup, now),
					cmdutil.OrDash(s.Spec.Template.TTL), s.Spec.Template.Scope(), cmdutil.OrDash(common.Joined(s.Status.ValidationErrors))}
			},
			Empty: "No schedules found",
		},
	})
}
