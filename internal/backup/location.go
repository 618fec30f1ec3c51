package backup

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// UnavailableError is a location Velero cannot reach, with Velero's reason.
type UnavailableError struct {
	Name, Message string
}

func (e *UnavailableError) Error() string {
	msg := fmt.Sprintf("backup storage location %s is Unavailable", e.Name)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Class implements errs.Classed: the operation cannot run here.
func (e *UnavailableError) Class() errs.Class { return errs.ClassFailed }

// LocationHint says how to list the locations.
const LocationHint = "list them with 'kubectl tko cluster backup location list'"

// ListLocations reads the backup storage locations of Velero's namespace.
func ListLocations(ctx context.Context, dyn dynamic.Interface, namespace string) ([]*unstructured.Unstructured, error) {
	l, err := dyn.Resource(Locations).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing backup storage locations: %w", err)
	}
	out := make([]*unstructured.Unstructured, len(l.Items))
	for i := range l.Items {
		out[i] = &l.Items[i]
	}
	return out, nil
}

// CheckLocation finds the location a backup would go to (the default
// location when name is "") and refuses one that is not Available. A
// location Velero has not validated yet passes: Velero checks it again.
func CheckLocation(ctx context.Context, dyn dynamic.Interface, namespace, name string) (*Location, error) {
	var loc *Location
	if name == "" {
		all, err := ListLocations(ctx, dyn, namespace)
		if err != nil {
			return nil, err
		}
		for _, u := range all {
			l, err := Parse[Location](u)
			if err != nil {
				return nil, err
			}
			if l.Spec.Default || len(all) == 1 {
				loc = l
				break
			}
		}
		if loc == nil {
			return nil, &errs.NotFoundError{Kind: "default backup storage location", Name: "default", Namespace: namespace,
				Hint: "add one with 'kubectl tko cluster backup location add --default', or name one with --storage-location"}
		}
	} else {
		u, err := dyn.Resource(Locations).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil, &errs.NotFoundError{Kind: "backup storage location", Name: name, Namespace: namespace, Hint: LocationHint}
		}
		if err != nil {
			return nil, err
		}
		if loc, err = Parse[Location](u); err != nil {
			return nil, err
		}
	}
	if loc.Status.Phase == PhaseUnavailable {
		return loc, &UnavailableError{Name: loc.Name, Message: loc.Status.Message}
	}
	return loc, nil
}

// LocationOptions describe an S3-compatible backup storage location.
type LocationOptions struct {
	Name, Namespace string
	Provider        string // aws (any S3 API)
	Bucket, Prefix  string
	Region          string
	S3URL           string
	PublicURL       string
	CACertFile      string
	CredentialsFile string // an AWS shared credentials file; "" for Velero's own
	Default         bool
}

// CredentialKey is the key of the credentials in the location's Secret.
const CredentialKey = "cloud"

// NewLocation builds a location and, when credentials are given, the
// Secret that holds them (its data is never printed by the commands: they
// print the location alone). Files are read here; the caller stores them.
func NewLocation(o LocationOptions) (loc, secret *unstructured.Unstructured, err error) {
	if o.Bucket == "" {
		return nil, nil, errs.Invalidf("a backup storage location needs a bucket")
	}
	config := map[string]any{}
	if o.Region != "" {
		config["region"] = o.Region
	}
	for key, raw := range map[string]string{"s3Url": o.S3URL, "publicUrl": o.PublicURL} {
		if raw == "" {
			continue
		}
		if u, perr := url.Parse(raw); perr != nil || u.Scheme == "" || u.Host == "" {
			return nil, nil, errs.Invalidf("%s %q is not a URL (expected http(s)://host[:port])", key, raw)
		}
		config[key] = raw
		config["s3ForcePathStyle"] = "true"
	}
	storage := map[string]any{"bucket": o.Bucket}
	if o.Prefix != "" {
		storage["prefix"] = o.Prefix
	}
	if o.CACertFile != "" {
		ca, rerr := os.ReadFile(o.CACertFile)
		if rerr != nil {
			return nil, nil, &errs.InputError{File: o.CACertFile, Err: rerr}
		}
		storage["caCert"] = ca // base64 in JSON, as the CRD's byte field
	}
	spec := map[string]any{"provider": o.Provider, "objectStorage": storage, "config": config, "default": o.Default}
	if o.CredentialsFile != "" {
		creds, rerr := os.ReadFile(o.CredentialsFile)
		if rerr != nil {
			return nil, nil, &errs.InputError{File: o.CredentialsFile, Err: rerr}
		}
		secretName := o.Name + "-credentials"
		secret = &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
			"metadata": map[string]any{"name": secretName, "namespace": o.Namespace}, "stringData": map[string]any{CredentialKey: string(creds)}}}
		spec["credential"] = map[string]any{"name": secretName, "key": CredentialKey}
	}
	loc, err = object("BackupStorageLocation", o.Namespace, o.Name, nil, spec)
	return loc, secret, err
}

// LocationChange says how an existing location differs from the one
// wanted (store, credentials reference, default), "" when it is the same:
// adding it again then only rewrites its credentials. The CA is compared,
// never shown.
func LocationChange(have, want *unstructured.Unstructured) (string, error) {
	h, err := Parse[Location](have)
	if err != nil {
		return "", err
	}
	w, err := Parse[Location](want)
	if err != nil {
		return "", err
	}
	var diffs []string
	differ := func(what, has, wanted string) {
		if has != wanted {
			diffs = append(diffs, fmt.Sprintf("%s %q (not %q)", what, has, wanted))
		}
	}
	differ("provider", h.Spec.Provider, w.Spec.Provider)
	differ("bucket", h.Spec.ObjectStorage.Bucket, w.Spec.ObjectStorage.Bucket)
	differ("prefix", h.Spec.ObjectStorage.Prefix, w.Spec.ObjectStorage.Prefix)
	keys := map[string]bool{}
	for k := range h.Spec.Config {
		keys[k] = true
	}
	for k := range w.Spec.Config {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		differ(k, h.Spec.Config[k], w.Spec.Config[k])
	}
	if h.Spec.ObjectStorage.CACert != w.Spec.ObjectStorage.CACert {
		diffs = append(diffs, "another CA")
	}
	ref := func(l *Location) string {
		if l.Spec.Credential == nil {
			return ""
		}
		return l.Spec.Credential.Name + "/" + l.Spec.Credential.Key
	}
	differ("credentials", ref(h), ref(w))
	if h.Spec.Default != w.Spec.Default {
		diffs = append(diffs, fmt.Sprintf("default %t (not %t)", h.Spec.Default, w.Spec.Default))
	}
	return strings.Join(diffs, ", "), nil
}

// DeleteLocation deletes a location and the credentials Secret NewLocation
// made for it (NAME-credentials, when the location refers to it); dryRun
// asks the API server only. It returns what was deleted.
func DeleteLocation(ctx context.Context, dyn dynamic.Interface, namespace, name string, dryRun bool) ([]*unstructured.Unstructured, error) {
	u, err := Get(ctx, dyn, Locations, namespace, name)
	if err != nil {
		return nil, err
	}
	opts := metav1.DeleteOptions{}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	if err := dyn.Resource(Locations).Namespace(namespace).Delete(ctx, name, opts); err != nil {
		return nil, fmt.Errorf("deleting backup storage location %s: %w", name, err)
	}
	deleted := []*unstructured.Unstructured{u}
	secret, _, _ := unstructured.NestedString(u.Object, "spec", "credential", "name")
	if secret != name+"-credentials" {
		return deleted, nil
	}
	secrets := schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	err = dyn.Resource(secrets).Namespace(namespace).Delete(ctx, secret, opts)
	switch {
	case apierrors.IsNotFound(err):
		return deleted, nil
	case err != nil:
		return deleted, fmt.Errorf("deleting the credentials of backup storage location %s (secret %s): %w", name, secret, err)
	}
	ref := &unstructured.Unstructured{}
	ref.SetAPIVersion("v1")
	ref.SetKind("Secret")
	ref.SetNamespace(namespace)
	ref.SetName(secret)
	return append(deleted, ref), nil
}

// CACertPEM returns the PEM of a location's CA (the CRD's caCert, base64
// in the object), nil when it has none or it is not base64.
func (l *Location) CACertPEM() []byte {
	if l.Spec.ObjectStorage.CACert == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(l.Spec.ObjectStorage.CACert)
	if err != nil {
		return nil
	}
	return raw
}

// DescribeCA says which CA a location trusts for its store: the subject and
// expiry of each certificate of the PEM (public data), "" for none.
func DescribeCA(raw []byte, now time.Time) string {
	if len(raw) == 0 {
		return ""
	}
	var certs []string
	for rest := raw; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			certs = append(certs, "a certificate that does not parse: "+err.Error())
			continue
		}
		state := "expires"
		if now.After(c.NotAfter) {
			state = "EXPIRED"
		}
		certs = append(certs, fmt.Sprintf("%s, %s %s", c.Subject.String(), state, c.NotAfter.UTC().Format(time.DateOnly)))
	}
	if len(certs) == 0 {
		return fmt.Sprintf("%d bytes, no PEM certificate in them", len(raw))
	}
	return strings.Join(certs, "; ")
}
