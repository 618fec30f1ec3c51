// Package kube holds what every domain package shares about talking to a
// Kubernetes API: the clients a command hands over, the API groups a
// cluster serves, and the marks (field manager, labels, annotations) that
// kubectl tko leaves on the objects it writes. No command-line code.
package kube

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// FieldManager owns the fields kubectl tko writes.
const FieldManager = "kubectl-tko"

// DryRun is the DryRun of the options of a write: with dryRun the API
// server checks the write in full (admission, validation) and stores
// nothing.
func DryRun(dryRun bool) []string {
	if dryRun {
		return []string{metav1.DryRunAll}
	}
	return nil
}

// Domain prefixes every label and annotation kubectl tko writes.
const Domain = "tko.tanzu.vmware.com"

// Our marks on objects.
const (
	// LabelInstall names the fleet rollout a PackageInstall belongs to.
	LabelInstall = Domain + "/install"
	// LabelCluster names the workload cluster a fleet PackageInstall targets.
	LabelCluster = Domain + "/cluster"
	// AnnotationContext records the kubeconfig context an object of a
	// merged fleet listing came from.
	AnnotationContext = Domain + "/context"
)

// Clients is a connection to one cluster: what domain packages need and
// nothing of the command line.
type Clients struct {
	Config  *rest.Config
	Dynamic dynamic.Interface
	// Metadata reads objects without their content (Secrets); built from
	// Config on first use when nil.
	Metadata  MetadataReader
	Served    Served
	Namespace string // the namespace the user chose (-n or the context's)
}

// Served maps each API group a cluster serves to its versions, the
// preferred one first.
type Served map[string][]string

// Has reports whether a group is served.
func (s Served) Has(group string) bool { return len(s[group]) > 0 }

// Preferred returns a group's preferred version ("" when not served).
func (s Served) Preferred(group string) string {
	if v := s[group]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Requirement is an API group a command cannot work without, and what to
// tell the user when it is missing.
type Requirement struct {
	Group string
	Name  string // how to call it in the message; the group when empty
	Hint  string
}

// Discover reads the served groups and checks the requirements.
func Discover(d *Discovery, reqs ...Requirement) (Served, error) { return discover(d, reqs) }

func discover(d *Discovery, reqs []Requirement) (Served, error) {
	groups, err := d.ServerGroups()
	if err != nil {
		return nil, fmt.Errorf("discovering API groups: %w", err)
	}
	served := Served{}
	for _, g := range groups.Groups {
		versions := []string{g.PreferredVersion.Version}
		for _, v := range g.Versions {
			if v.Version != g.PreferredVersion.Version {
				versions = append(versions, v.Version)
			}
		}
		served[g.Name] = versions
	}
	return served, served.Require(reqs...)
}

// Require says which requirement, if any, the served groups miss.
func (s Served) Require(reqs ...Requirement) error {
	for _, r := range reqs {
		if !s.Has(r.Group) {
			name := r.Name
			if name == "" {
				name = r.Group
			}
			return &errs.NotServedError{Group: name, Hint: r.Hint}
		}
	}
	return nil
}

// SecretExists asks whether a Secret exists through the metadata API, so
// its data never reaches this process. A Forbidden error is returned as
// is, for the caller to report what it could not check.
func SecretExists(ctx context.Context, c *Clients, namespace, name string) (bool, error) {
	if c.Metadata == nil {
		client, err := NewREST(c.Config)
		if err != nil {
			return false, err
		}
		c.Metadata = client
	}
	_, err := c.Metadata.GetMetadata(ctx, schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, namespace, name)
	switch {
	case err == nil:
		return true, nil
	case apierrors.IsNotFound(err):
		return false, nil
	}
	return false, err
}
