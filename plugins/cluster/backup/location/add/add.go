// Package add implements `kubectl tko cluster backup location add`.
package add

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup location add`.
type Options struct {
	common.Change
	Location backup.LocationOptions

	loc, secret *unstructured.Unstructured
}

// NewCmd returns the add command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Change: common.NewChange(f, streams), Location: backup.LocationOptions{Provider: "aws"}}
	cmd := &cobra.Command{
		Use:   "add NAME --bucket BUCKET [--s3-url URL] [--credentials-file FILE]",
		Short: "Add an S3-compatible backup storage location, its credentials in a Secret",
		Long: cmdutil.LongDesc(`
			Add a Velero BackupStorageLocation on an S3-compatible store (AWS S3, MinIO,
			Ceph, versitygw...; provider aws, as Tanzu Mission Control's data
			protection uses). --credentials-file is an AWS shared credentials file
			([default] aws_access_key_id=..., aws_secret_access_key=...): it is stored
			in the Secret NAME-credentials in Velero's namespace, which the location
			refers to; the credentials are never printed, at any verbosity, and
			-o yaml shows the location alone. Velero then checks the store and marks
			the location Available or Unavailable ('backup location list' shows it).

			Running it again for the same store writes the credentials again (a
			rotation: Velero reads the Secret at its next use) and leaves the
			location unchanged; a location of the same name on another store,
			prefix, URL, CA or credentials reference is refused (exit 2) before
			anything is written.`),
		Example: cmdutil.Examples(`
			# An on-premises S3 store
			kubectl tko cluster backup location add default --bucket tko-backups --s3-url https://s3.example.com --region us-east-1 --credentials-file ./s3-credentials --default

			# Show the location without creating it
			kubectl tko cluster backup location add default --bucket tko-backups --dry-run -o yaml`),
		Args: cmdutil.ExactArgs("NAME"),
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	l := &o.Location
	cmd.Flags().StringVar(&l.Provider, "provider", l.Provider, "Velero's object store plugin.")
	cmd.Flags().StringVar(&l.Bucket, "bucket", "", "The bucket.")
	cmd.Flags().StringVar(&l.Prefix, "prefix", "", "A prefix inside the bucket (several clusters can share a bucket).")
	cmd.Flags().StringVar(&l.Region, "region", "", "The store's region (S3-compatible stores accept any, e.g. us-east-1).")
	cmd.Flags().StringVar(&l.S3URL, "s3-url", "", "The store's URL, for S3-compatible stores (path-style addressing).")
	cmd.Flags().StringVar(&l.PublicURL, "public-url", "", "The store's URL as clients reach it (backup logs download from it), when it differs from --s3-url.")
	cmd.Flags().StringVar(&l.CACertFile, "cacert", "", "A PEM file of the CA that signed the store's certificate.")
	cmd.Flags().StringVar(&l.CredentialsFile, "credentials-file", "", "An AWS shared credentials file, stored in a Secret (never printed).")
	cmd.Flags().BoolVar(&l.Default, "default", false, "Make it Velero's default location.")
	return cmd
}

// Validate checks the flags and reads the files, before any connection.
func (o *Options) Validate() error {
	if err := o.Change.Validate(); err != nil {
		return err
	}
	if o.Location.Bucket == "" {
		return cmdutil.FlagErrorf("missing --bucket")
	}
	o.Location.Name, o.Location.Namespace = o.Name, o.VeleroNamespace
	var err error
	o.loc, o.secret, err = backup.NewLocation(o.Location)
	return err
}

var secrets = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// Run stores the Secret, then the location.
func (o *Options) Run(ctx context.Context) error {
	if o.DryRun.Client() {
		return o.Print(o.loc, "created", true)
	}
	c, err := o.Connect()
	if err != nil {
		return err
	}
	// A location of this name: the same store is a rerun (only its
	// credentials are written again: a rotation); another is refused before
	// anything is written, the Secret the running location uses included.
	existing, err := c.Dynamic.Resource(backup.Locations).Namespace(o.VeleroNamespace).Get(ctx, o.Name, metav1.GetOptions{})
	switch {
	case err == nil:
		change, err := backup.LocationChange(existing, o.loc)
		if err != nil {
			return err
		}
		if change != "" {
			return errs.Invalidf("backup storage location %s exists with %s: nothing was changed; delete it first ('kubectl tko cluster backup location delete %s') or pick another name",
				o.Name, change, o.Name)
		}
	case !apierrors.IsNotFound(err):
		return fmt.Errorf("reading backup storage location %s: %w", o.Name, err)
	default:
		existing = nil
	}
	opts := metav1.CreateOptions{FieldManager: kube.FieldManager}
	if o.DryRun.Server() {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	if o.secret != nil {
		// -v is capped below the level that logs bodies (cli.setupLogging).
		res := c.Dynamic.Resource(secrets).Namespace(o.VeleroNamespace)
		_, err := res.Create(ctx, o.secret, opts)
		if apierrors.IsAlreadyExists(err) {
			_, err = res.Update(ctx, o.secret, metav1.UpdateOptions{FieldManager: kube.FieldManager, DryRun: opts.DryRun})
		}
		if err != nil {
			// The API server's message names the Secret, never its data.
			return fmt.Errorf("storing the credentials in secret %s: %w", o.secret.GetName(), err)
		}
		if o.Output.Format() == "" {
			ref := &unstructured.Unstructured{}
			ref.SetAPIVersion("v1")
			ref.SetKind("Secret")
			ref.SetName(o.secret.GetName())
			if err := cli.PrintAction(o.Streams.Out, ref, "configured", o.DryRun.Server()); err != nil {
				return err
			}
		}
	}
	if existing != nil {
		return o.Print(existing, "unchanged", o.DryRun.Server())
	}
	created, err := backup.Create(ctx, c.Dynamic, o.loc, o.DryRun.Server())
	if err != nil {
		return err
	}
	return o.Print(created, "created", o.DryRun.Server())
}
