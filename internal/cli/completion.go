package cli

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
)

// completionTimeout bounds every live lookup made for shell completion: a
// slow cluster must never freeze the user's prompt.
const completionTimeout = 2 * time.Second

// RegisterKubeFlagCompletion completes --context, --cluster, --user from the
// kubeconfig and --namespace from the live cluster.
func RegisterKubeFlagCompletion(root *cobra.Command, f *Factory) {
	fromConfig := func(pick func(f *Factory) []string) cobra.CompletionFunc {
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return pick(f), cobra.ShellCompDirectiveNoFileComp
		}
	}
	_ = root.RegisterFlagCompletionFunc("context", fromConfig(func(f *Factory) []string {
		raw, err := f.RawConfig()
		if err != nil {
			return nil
		}
		return sortedKeys(raw.Contexts)
	}))
	_ = root.RegisterFlagCompletionFunc("cluster", fromConfig(func(f *Factory) []string {
		raw, err := f.RawConfig()
		if err != nil {
			return nil
		}
		return sortedKeys(raw.Clusters)
	}))
	_ = root.RegisterFlagCompletionFunc("user", fromConfig(func(f *Factory) []string {
		raw, err := f.RawConfig()
		if err != nil {
			return nil
		}
		return sortedKeys(raw.AuthInfos)
	}))
	_ = root.RegisterFlagCompletionFunc("namespace", func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return CompleteNames(cmd.Context(), f, schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, false, prefix), cobra.ShellCompDirectiveNoFileComp
	})
}

// CompleteNames lists object names of a resource for completion: quickly,
// silently on any failure. Namespaced resources are read in the namespace
// the user chose (-n or the context's).
func CompleteNames(ctx context.Context, f *Factory, gvr schema.GroupVersionResource, namespaced bool, prefix string) []string {
	ns := ""
	if namespaced {
		var err error
		if ns, err = f.Namespace(); err != nil {
			return nil
		}
	}
	return CompleteNamesIn(ctx, f, gvr, ns, prefix)
}

// CompleteNamesIn is CompleteNames in a given namespace ("" for
// cluster-scoped resources).
func CompleteNamesIn(ctx context.Context, f *Factory, gvr schema.GroupVersionResource, namespace, prefix string) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	f.ForCompletion()
	dyn, err := f.Dynamic()
	if err != nil {
		return nil
	}
	l, err := dyn.Resource(gvr).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil
	}
	var out []string
	for _, item := range l.Items {
		if n := item.GetName(); strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CompleteClusterNames completes the workload clusters (Cluster API
// Clusters) of the namespace in use, in the served version.
func CompleteClusterNames(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		f.ForCompletion()
		disc, err := f.Discovery()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		api, err := capi.Discover(disc)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return CompleteNames(cmd.Context(), f, api.Clusters(), true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}
