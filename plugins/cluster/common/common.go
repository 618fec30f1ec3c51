// Package common holds what every `kubectl tko cluster` verb shares: the
// connection to a management cluster and completion of cluster names.
package common

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Client is a connection to a management cluster.
type Client struct {
	API       capi.API
	Dyn       dynamic.Interface
	Namespace string
}

// Connect discovers the Cluster API version and builds the clients.
func Connect(f *cli.Factory) (*Client, error) {
	disc, err := f.Discovery()
	if err != nil {
		return nil, err
	}
	api, err := capi.Discover(disc)
	if err != nil {
		return nil, err
	}
	dyn, err := f.Dynamic()
	if err != nil {
		return nil, err
	}
	ns, err := f.Namespace()
	if err != nil {
		return nil, err
	}
	return &Client{API: api, Dyn: dyn, Namespace: ns}, nil
}

// ParseNames turns NAME and TYPE/NAME arguments into cluster names.
func ParseNames(args []string) ([]string, error) {
	names := make([]string, 0, len(args))
	for _, a := range args {
		name, err := capi.ParseName(a)
		if err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, nil
}

// CompleteClusterNames completes cluster names from the live API.
func CompleteClusterNames(f *cli.Factory) cobra.CompletionFunc {
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
		return cli.CompleteNames(cmd.Context(), f, api.Clusters(), true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// WaitAvailable follows a cluster by watch until it is Available, printing
// control plane and worker progress on a terminal.
func WaitAvailable(ctx context.Context, streams genericiooptions.IOStreams, c *Client, namespace, name string, timeout time.Duration) error {
	spec := wait.Spec{
		Client:    c.Dyn.Resource(c.API.Clusters()).Namespace(namespace),
		Namespace: namespace,
		Name:      name,
		What:      fmt.Sprintf("cluster %s/%s to become Available", namespace, name),
		Timeout:   timeout,
		Check:     capi.AvailableCheck,
		Summary:   capi.Progress,
	}
	if cli.IsTerminal(streams.ErrOut) {
		spec.Progress = streams.ErrOut
	}
	if _, err := wait.For(ctx, spec); err != nil {
		return err
	}
	fmt.Fprintf(streams.ErrOut, "cluster %s/%s is Available\n", namespace, name)
	return nil
}
