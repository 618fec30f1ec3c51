// Package list implements `kubectl tko cluster restore list`.
package list

import (
	"context"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `restore list`.
type Options struct{ common.Lister }

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Lister: common.NewLister(f, streams)}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List Velero restores: backup, phase, items, errors, warnings",
		Long: cli.LongDesc(`
			List the Velero Restores of a cluster, or of every cluster of a fleet: the
			backup each restores, phase, items restored of the total, errors and
			warnings, when it started and completed.`),
		Example: cli.Examples(`
			# Restores of this cluster
			kubectl tko cluster restore list`),
		Args: cli.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Lister.AddFlags(cmd, "restores")
	return cmd
}

// Run lists.
func (o *Options) Run(ctx context.Context) error {
	return o.List(ctx, common.Listing{
		Resource: backup.Restores,
		Columns: []cli.Column{{Header: "NAME"}, {Header: "BACKUP"}, {Header: "PHASE"}, {Header: "ITEMS"}, {Header: "ERRORS"}, {Header: "WARNINGS"},
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
			return []string{r.Name, r.Spec.BackupName, cli.OrDash(st.Phase), items, strconv.FormatInt(st.Errors, 10), strconv.FormatInt(st.Warnings, 10),
				common.Age(st.StartTimestamp, now), common.Age(st.CompletionTimestamp, now)}
		},
		Empty: "No restores found",
	})
}
