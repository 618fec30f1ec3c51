package tkg

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
)

// DefaultClassPrefix names the ClusterClasses TKG installs on vSphere, one
// per TKG release: tkg-vsphere-default-v1.2.0, tkg-vsphere-default-v1.10.0.
const DefaultClassPrefix = "tkg-vsphere-default"

// NewestClass returns the name with the highest semantic version after
// prefix ("-v1.10.0" beats "-v1.9.0"); among names with no version after the
// prefix, the class named prefix exactly wins over none at all, and any
// versioned name beats them. It returns "" when no name has the prefix.
func NewestClass(names []string, prefix string) string {
	best, bestVersion := "", (*semver.Version)(nil)
	for _, n := range names {
		if n != prefix && !strings.HasPrefix(n, prefix+"-") {
			continue
		}
		v, err := semver.NewVersion(strings.TrimPrefix(strings.TrimPrefix(n, prefix), "-"))
		if err != nil {
			v = nil
		}
		if best == "" || newer(n, v, best, bestVersion) {
			best, bestVersion = n, v
		}
	}
	return best
}

// newer orders by version, unversioned names first and by name among equals.
func newer(name string, v *semver.Version, than string, thanV *semver.Version) bool {
	switch {
	case v != nil && thanV != nil && !v.Equal(thanV):
		return v.GreaterThan(thanV)
	case v != nil && thanV == nil:
		return true
	case v == nil && thanV != nil:
		return false
	}
	return name > than
}

// DefaultClass is the class TKG picks when neither CLUSTER_CLASS nor --class
// names one: the newest tkg-vsphere-default class in the namespace.
func DefaultClass(ctx context.Context, dyn dynamic.Interface, api capi.API, namespace string) (string, error) {
	list, err := dyn.Resource(api.Resource("clusterclasses")).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return "", fmt.Errorf("listing ClusterClasses in %s: %w", namespace, err)
	}
	names := make([]string, len(list.Items))
	for i := range list.Items {
		names[i] = list.Items[i].GetName()
	}
	if best := NewestClass(names, DefaultClassPrefix); best != "" {
		return best, nil
	}
	return "", &errs.NotFoundError{Kind: "ClusterClass", Name: DefaultClassPrefix + "-*", Namespace: namespace, Hint: "set CLUSTER_CLASS or pass --class"}
}

// TKRWanted is the TanzuKubernetesRelease or Kubernetes version asked for:
// the flag, else TKR, else KUBERNETES_VERSION; "" when none is.
func (c *Config) TKRWanted(flag string) string {
	if flag != "" {
		return flag
	}
	for _, key := range []string{"TKR", "KUBERNETES_VERSION"} {
		if c.Get(key) != nil {
			return fmt.Sprint(c.Get(key))
		}
	}
	return ""
}

// TKRChoice is the Kubernetes version a cluster gets, the TKR it comes from
// (when the management cluster serves TKRs) or why none fits.
type TKRChoice struct {
	Version string
	TKR     string
	Problem *errs.Problem // Source and Message set; the caller adds the line
}

// ChooseTKR resolves want (a TKR name or a Kubernetes version) against the
// TKRs served (oldest first); with want empty it picks the newest Ready and
// compatible one. served=false means the cluster has no TKRs to check
// against: want is taken as it is.
func ChooseTKR(want string, tkrs []capi.TKR, served bool) TKRChoice {
	refuse := func(source, format string, args ...any) TKRChoice {
		return TKRChoice{Version: want, Problem: &errs.Problem{Source: source, Message: fmt.Sprintf(format, args...)}}
	}
	if !served {
		if want == "" {
			return refuse("KUBERNETES_VERSION", "required: this management cluster serves no TanzuKubernetesReleases to choose from")
		}
		return TKRChoice{Version: want}
	}
	if want == "" {
		for i := len(tkrs) - 1; i >= 0; i-- {
			if tkrs[i].Ready && tkrs[i].Compatible {
				return TKRChoice{Version: tkrs[i].Kubernetes, TKR: tkrs[i].Name}
			}
		}
		return refuse("KUBERNETES_VERSION", "no Ready and compatible TanzuKubernetesRelease to default to")
	}
	if t, ok := capi.ResolveTKR(tkrs, want); ok {
		return TKRChoice{Version: t.Kubernetes, TKR: t.Name}
	}
	return refuse("KUBERNETES_VERSION/TKR", "%q is not a TanzuKubernetesRelease here (available: %s)", want, capi.Names(tkrs))
}
