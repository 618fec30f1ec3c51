// Package get implements `kubectl tko cluster backup location get`.
package get

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup location get`.
type Options struct {
	common.VeleroOptions
	Fleet *cli.FleetFlags

	name string
	sel  fleet.Selection
}

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VeleroOptions: common.NewVeleroOptions(f, streams), Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:     "get NAME",
		Aliases: []string{"describe"},
		Short:   "Show one backup storage location: store, CA, credentials reference, availability and Velero's reason",
		Long: cmdutil.LongDesc(`
			Show a Velero BackupStorageLocation: provider, bucket and prefix, the S3 URL
			(and the public URL clients download from), region, the CA it trusts for
			the store (subject and expiry), the Secret and key that hold its
			credentials (never their content), whether it is the default, whether
			Velero found the store Available and when it last checked and synced, and,
			when Unavailable, Velero's message in full.

			With --cluster, --all-workload-clusters or --cluster-selector, the location
			of that name on each selected workload cluster, one after the other; a
			cluster that cannot be read, or has no such location, says so in its place
			(exit 1 with --strict). -o json|yaml prints the BackupStorageLocation (a
			List in a fleet run); its credentials are in the Secret, never in it.`),
		Example: cmdutil.Examples(`
			# Why is the DR store Unavailable?
			kubectl tko cluster backup location get dr-site

			# The default location of one workload cluster
			kubectl tko cluster backup location get default --cluster wc-prod-1

			# The object itself
			kubectl tko cluster backup location get default -o yaml`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Locations),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	common.AddFleetFlags(cmd, o.Fleet, "Show the location")
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.name = args[0]
	return nil
}

// Validate checks -o and the fleet flags before any connection.
func (o *Options) Validate() error {
	if err := o.VeleroOptions.Validate(); err != nil {
		return err
	}
	var err error
	o.sel, err = o.Fleet.Selection(o.Factory)
	return err
}

// Run reads the location on every target and prints it. On the current
// cluster alone a missing location is the error (exit 3).
func (o *Options) Run(ctx context.Context) error {
	report, err := cli.RunFleet(ctx, o.Factory, o.sel, common.Requirements, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) (*unstructured.Unstructured, error) {
		u, err := backup.Get(ctx, t.Clients.Dynamic, backup.Locations, o.VeleroNamespace, o.name)
		if err == nil && t.Name != "" {
			common.Annotate(u, t.Name)
		}
		return u, err
	})
	if err != nil {
		return err
	}
	results := report.Results
	fleetView := report.IsFleet()
	if !o.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, r := range results {
			if r.Err == nil {
				objs = append(objs, r.Value)
			}
		}
		report.Warn(o.Streams.ErrOut)
		if err := o.Output.PrintObjects(o.Streams.Out, objs, !fleetView); err != nil {
			return err
		}
		return report.Exit()
	}
	now := time.Now()
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(o.Streams.Out)
		}
		if fleetView {
			common.Field(o.Streams.Out, "Cluster", r.Target)
		}
		if r.Err != nil {
			common.Field(o.Streams.Out, "Error", report.Message(i))
			continue
		}
		if err := Describe(o.Streams.Out, r.Value, now); err != nil {
			return err
		}
	}
	return report.Exit()
}

// Config keys shown in fields of their own.
var shown = []string{"region", "s3Url", "publicUrl", "s3ForcePathStyle"}

// Describe prints a location: never the credentials, only where they are.
func Describe(out io.Writer, u *unstructured.Unstructured, now time.Time) error {
	l, err := backup.Parse[backup.Location](u)
	if err != nil {
		return err
	}
	spec, st := l.Spec, l.Status
	common.Field(out, "Name", l.Name)
	common.Field(out, "Namespace", l.Namespace)
	common.Field(out, "Provider", spec.Provider)
	common.Field(out, "Bucket", spec.ObjectStorage.Bucket)
	common.Field(out, "Prefix", spec.ObjectStorage.Prefix)
	common.Field(out, "S3 URL", spec.Config["s3Url"])
	if spec.Config["publicUrl"] != "" {
		common.Field(out, "Public URL", spec.Config["publicUrl"])
	}
	common.Field(out, "Region", spec.Config["region"])
	ca := "none (the system's trusted CAs)"
	if pem := l.CACertPEM(); len(pem) > 0 {
		ca = backup.DescribeCA(pem, now)
	} else if spec.ObjectStorage.CACert != "" {
		ca = "present, not base64"
	}
	common.Field(out, "CA", ca)
	credential := "none (the Velero server's own credentials)"
	if c := spec.Credential; c != nil {
		credential = fmt.Sprintf("secret %s, key %s", c.Name, c.Key)
	}
	common.Field(out, "Credentials", credential)
	var other []string
	for _, k := range slices.Sorted(maps.Keys(spec.Config)) {
		if !slices.Contains(shown, k) {
			other = append(other, k+"="+spec.Config[k])
		}
	}
	if len(other) > 0 {
		common.Field(out, "Config", strings.Join(other, ", "))
	}
	common.Field(out, "Default", strconv.FormatBool(spec.Default))
	access := spec.AccessMode
	if access == "" {
		access = "ReadWrite"
	}
	common.Field(out, "Access mode", access)
	if spec.ValidationFrequency != "" {
		common.Field(out, "Validated every", spec.ValidationFrequency)
	}
	if spec.BackupSyncPeriod != "" {
		common.Field(out, "Synced every", spec.BackupSyncPeriod)
	}
	phase := st.Phase
	if phase == "" {
		phase = "Unknown (Velero has not validated it yet: is the Velero server running?)"
	}
	common.Field(out, "Phase", phase)
	common.Field(out, "Last validated", common.Stamp(st.LastValidationTime, now))
	common.Field(out, "Last synced", common.Stamp(st.LastSyncedTime, now))
	if st.Message != "" {
		common.Field(out, "Message", st.Message)
	}
	return nil
}
