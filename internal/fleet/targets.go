package fleet

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
)

// Selection is which clusters a fleet command runs against: kubeconfig
// contexts (management clusters, or any clusters) and workload clusters of
// the chosen management cluster. The command layer fills it from the shared
// fleet flags.
type Selection struct {
	Contexts            []string // named contexts; none means the current one
	AllContexts         bool
	Clusters            []string // workload clusters by name
	AllWorkloadClusters bool
	ClusterSelector     string // a label selector over Cluster objects
	Strict              bool   // a failed target fails the command
	Options                    // parallelism and per-target timeout
}

// ContextFleet reports whether the selection spans several contexts.
func (s Selection) ContextFleet() bool { return s.AllContexts || len(s.Contexts) > 0 }

// WorkloadFleet reports whether the selection names workload clusters.
func (s Selection) WorkloadFleet() bool {
	return s.AllWorkloadClusters || len(s.Clusters) > 0 || s.ClusterSelector != ""
}

// Fleet reports whether the selection spans more than the current context:
// the one test of "is this a fleet run".
func (s Selection) Fleet() bool { return s.ContextFleet() || s.WorkloadFleet() }

// Single reports whether the selection is one target named outright: the
// current context, one context or one workload cluster. A get prints that
// target's object alone; any other selection a list, however many targets
// it resolves to, so scripts see one shape.
func (s Selection) Single() bool {
	return !s.AllContexts && !s.AllWorkloadClusters && s.ClusterSelector == "" && len(s.Contexts)+len(s.Clusters) <= 1
}

// ContextNames resolves the contexts of the selection against a kubeconfig:
// every context (sorted) with AllContexts, else the named ones as given. A
// named context the kubeconfig lacks stays: it fails as a target of its
// own, in its row, like an unreachable one.
func ContextNames(raw clientcmdapi.Config, s Selection) ([]string, error) {
	if !s.AllContexts {
		return s.Contexts, nil
	}
	if len(raw.Contexts) == 0 {
		return nil, &errs.NotFoundError{Kind: "context", Name: "any", Hint: "the kubeconfig has none; 'kubectl config get-contexts' shows what is in use"}
	}
	names := make([]string, 0, len(raw.Contexts))
	for name := range raw.Contexts {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// Unprovisioned lists workload clusters that were selected but have no
// kubeconfig Secret yet (their control plane is not up), by namespace/name.
type Unprovisioned []string

var secrets = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// WorkloadClusters resolves the workload clusters of a selection on a
// management cluster, in namespace ("" for all): management and deleting
// clusters are never targets; named clusters must exist; a selected cluster
// without a kubeconfig Secret is returned apart, for the caller to refuse
// (named) or skip with a note (all, or by selector).
func WorkloadClusters(ctx context.Context, dyn dynamic.Interface, api capi.API, namespace string, s Selection) ([]capi.Cluster, Unprovisioned, error) {
	list, err := dyn.Resource(api.Clusters()).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: s.ClusterSelector})
	if err != nil {
		return nil, nil, fmt.Errorf("listing workload clusters: %w", err)
	}
	var candidates []capi.Cluster
	for i := range list.Items {
		cl := capi.FromUnstructured(&list.Items[i])
		if cl.Role == "management" || cl.Deleting {
			continue
		}
		candidates = append(candidates, cl)
	}
	picked := candidates
	if len(s.Clusters) > 0 {
		picked = nil
		var missing []string
		for _, name := range s.Clusters {
			i := slices.IndexFunc(candidates, func(c capi.Cluster) bool { return c.Name == name })
			if i < 0 {
				missing = append(missing, name)
				continue
			}
			picked = append(picked, candidates[i])
		}
		if len(missing) > 0 {
			return nil, nil, &errs.NotFoundError{Kind: "workload cluster", Name: strings.Join(missing, ","), Namespace: namespace, Hint: "list them with 'kubectl tko cluster list -A'"}
		}
	}
	var ready []capi.Cluster
	var unprovisioned Unprovisioned
	for _, cl := range picked {
		_, err := dyn.Resource(secrets).Namespace(cl.Namespace).Get(ctx, cl.Name+"-kubeconfig", metav1.GetOptions{})
		switch {
		case err == nil:
			ready = append(ready, cl)
		case apierrors.IsNotFound(err):
			unprovisioned = append(unprovisioned, cl.Namespace+"/"+cl.Name)
		default:
			return nil, nil, fmt.Errorf("reading the kubeconfig Secret of %s/%s: %w", cl.Namespace, cl.Name, err)
		}
	}
	return ready, unprovisioned, nil
}

// Connect builds the clients of a workload cluster from its admin
// kubeconfig Secret on the management cluster. tune adjusts the config
// (the user's request timeout, rate limits) before the clients are built.
func Connect(ctx context.Context, dyn dynamic.Interface, namespace, name string, tune func(*rest.Config)) (*kube.Clients, error) {
	admin, err := kc.Admin(ctx, dyn, namespace, name)
	if err != nil {
		return nil, err
	}
	cfg, err := clientcmd.NewDefaultClientConfig(*admin, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("the kubeconfig of cluster %s/%s: %w", namespace, name, err)
	}
	if tune != nil {
		tune(cfg)
	}
	d, err := kube.NewDynamic(cfg)
	if err != nil {
		return nil, fmt.Errorf("the kubeconfig of cluster %s/%s: %w", namespace, name, err)
	}
	return &kube.Clients{Config: cfg, Dynamic: d, Namespace: metav1.NamespaceDefault}, nil
}

// Failure is one target that failed, for a row of its own.
type Failure struct {
	Target string
	Err    error
}

// Failures picks the failed targets of a run, in order.
func Failures[T any](results []Result[T]) []Failure {
	var out []Failure
	for _, r := range results {
		if r.Err != nil {
			out = append(out, Failure{Target: r.Target, Err: r.Err})
		}
	}
	return out
}

// DefaultTimeout bounds one target of a fleet view unless the user says otherwise.
const DefaultTimeout = 20 * time.Second

// NotProvisionedError refuses workload clusters named on purpose that have
// no kubeconfig Secret yet.
type NotProvisionedError struct{ Clusters Unprovisioned }

func (e *NotProvisionedError) Error() string {
	return fmt.Sprintf("no kubeconfig Secret for %s: the cluster is not provisioned yet", strings.Join(e.Clusters, ", "))
}

// Class implements errs.Classed: the cluster exists, it is not ready.
func (e *NotProvisionedError) Class() errs.Class { return errs.ClassFailed }

// Targets resolves the workload clusters of a selection and applies the one
// policy for clusters without a kubeconfig Secret: named ones are refused,
// others (all, or by selector) are skipped with the note returned. The
// namespace is the user's unless the selection spans all of them. None left
// is a NotFoundError.
func Targets(ctx context.Context, dyn dynamic.Interface, api capi.API, namespace string, s Selection) ([]capi.Cluster, string, error) {
	if s.AllWorkloadClusters || s.ClusterSelector != "" {
		namespace = metav1.NamespaceAll
	}
	clusters, unprovisioned, err := WorkloadClusters(ctx, dyn, api, namespace, s)
	if err != nil {
		return nil, "", err
	}
	note := ""
	if len(unprovisioned) > 0 {
		if len(s.Clusters) > 0 {
			return nil, "", &NotProvisionedError{Clusters: unprovisioned}
		}
		note = "skipping clusters without a kubeconfig Secret (not provisioned yet): " + strings.Join(unprovisioned, ", ")
	}
	if len(clusters) == 0 {
		return nil, note, &errs.NotFoundError{Kind: "workload cluster", Name: "any", Namespace: namespace, Hint: "none has a kubeconfig Secret"}
	}
	return clusters, note, nil
}
