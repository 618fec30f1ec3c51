// Package list implements `kubectl tko cluster backup location list`.
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
		Short: "List backup storage locations: store, availability and Velero's reason",
		Long: `
			List Velero's BackupStorageLocations on a cluster, or on every cluster of a
			fleet: provider, bucket and prefix, whether Velero found the store
			Available and when it last checked, and, when Unavailable, Velero's
			message (an unreachable store, wrong credentials, a missing bucket). The
			credentials are never shown: only the Secret that holds them (-o wide).`,
		Example: `
			# Can every workload cluster reach its backup store?
			kubectl tko cluster backup location list --all-workload-clusters`,
		What: "backup storage locations",
		Listing: common.Listing{
			Resource: backup.Locations,
			Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "PROVIDER"}, {Header: "BUCKET/PREFIX"}, {Header: "PHASE"}, {Header: "LAST VALIDATED"},
				{Header: "DEFAULT"}, {Header: "ACCESS", Wide: true}, {Header: "URL", Wide: true}, {Header: "CREDENTIAL", Wide: true}, {Header: "MESSAGE"}},
			Row: func(u *unstructured.Unstructured, now time.Time) []string {
				l, err := backup.Parse[backup.Location](u)
				if err != nil {
					return []string{u.GetName(), "Error: " + err.Error()}
				}
				where := l.Spec.ObjectStorage.Bucket
				if l.Spec.ObjectStorage.Prefix != "" {
					where += "/" + l.Spec.ObjectStorage.Prefix
				}
				credential := ""
				if l.Spec.Credential != nil {
					credential = "secret/" + l.Spec.Credential.Name
				}
				access := l.Spec.AccessMode
				if access == "" {
					access = "ReadWrite"
				}
				return []string{l.Name, l.Spec.Provider, where, cmdutil.OrDash(l.Status.Phase), common.Age(l.Status.LastValidationTime, now),
					strconv.FormatBool(l.Spec.Default), access, cmdutil.OrDash(l.Spec.Config["s3Url"]), cmdutil.OrDash(credential), cmdutil.OrDash(l.Status.Message)}
			},
			Empty: "No backup storage locations found",
		},
	})
}
