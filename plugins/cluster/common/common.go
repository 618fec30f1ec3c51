// Package common holds what every `kubectl tko cluster` verb shares: the
// connection to a management cluster and completion of cluster names.
package common

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
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
	c, err := f.Connect(capi.Requirement)
	if err != nil {
		return nil, err
	}
	api, err := capi.FromServed(c.Served)
	if err != nil {
		return nil, err
	}
	return &Client{API: api, Dyn: c.Dynamic, Namespace: c.Namespace}, nil
}

// Connector connects to the management cluster. Commands connect through
// their Factory; unit tests hand a fake dynamic client instead.
type Connector func() (*Client, error)

// Connecting returns the Connector of a Factory, unless one is set already.
func Connecting(f *cli.Factory, set Connector) Connector {
	if set != nil {
		return set
	}
	return func() (*Client, error) { return Connect(f) }
}

// ParseName turns a NAME or TYPE/NAME argument into a cluster name.
func ParseName(args []string) (string, error) {
	names, err := ParseNames(args)
	if err != nil || len(names) == 0 {
		return "", err
	}
	return names[0], nil
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

// WaitAvailable follows a cluster by watch until it is Available, printing
// control plane and worker progress on a terminal. stored says what the
// command did before ("was created"): a wait cut short (timeout, Ctrl-C)
// says it, as Cluster API goes on with it.
func WaitAvailable(ctx context.Context, streams genericiooptions.IOStreams, c *Client, namespace, name, stored string, timeout time.Duration) error {
	spec := wait.Spec{
		Client:    c.Dyn.Resource(c.API.Clusters()).Namespace(namespace),
		Namespace: namespace,
		Name:      name,
		What:      fmt.Sprintf("cluster %s/%s to become Available", namespace, name),
		Timeout:   timeout,
		Check:     capi.AvailableCheck,
		Summary:   capi.Progress,
		Progress:  cmdutil.WaitProgress(streams.ErrOut),
	}
	if _, err := wait.For(ctx, spec); err != nil {
		return wait.GoesOn(err, fmt.Sprintf("cluster %s/%s %s and Cluster API goes on with it (follow it: kubectl tko cluster describe %s -n %s)",
			namespace, name, stored, name, namespace))
	}
	fmt.Fprintf(streams.ErrOut, "cluster %s/%s is Available\n", namespace, name)
	return nil
}

// PrintChanges reports what an update changed (or would change), one
// change a line under the cluster's line.
func PrintChanges(out io.Writer, cluster *unstructured.Unstructured, changes []capi.Change, dryRun bool) error {
	var err error
	switch {
	case len(changes) == 0:
		return cli.PrintAction(out, cluster, "unchanged", false)
	case dryRun:
		err = cli.PrintAction(out, cluster, "would change", true)
	default:
		err = cli.PrintAction(out, cluster, "changed:", false)
	}
	if err != nil {
		return err
	}
	for _, ch := range changes {
		if _, err := fmt.Fprintf(out, "  %s\n", ch); err != nil {
			return err
		}
	}
	return nil
}

// UpdateAndReport connects, updates one cluster and prints what changed:
// the body of every verb that edits the topology. It returns the client
// and the cluster as updated, and whether anything changed.
func UpdateAndReport(ctx context.Context, connect Connector, out io.Writer, cluster string, dryRun bool, mutate capi.Mutation) (*Client, *unstructured.Unstructured, bool, error) {
	c, err := connect()
	if err != nil {
		return nil, nil, false, err
	}
	updated, changes, err := capi.UpdateCluster(ctx, c.Dyn, c.API, c.Namespace, cluster, dryRun, mutate)
	if err != nil {
		return nil, nil, false, err
	}
	return c, updated, len(changes) > 0, PrintChanges(out, updated, changes, dryRun)
}

// Tree connects and reads one cluster with its object tree.
func Tree(ctx context.Context, connect Connector, name string) (*unstructured.Unstructured, *capi.Tree, error) {
	c, err := connect()
	if err != nil {
		return nil, nil, err
	}
	u, err := capi.GetCluster(ctx, c.Dyn, c.API, c.Namespace, name)
	if err != nil {
		return nil, nil, err
	}
	tree, err := capi.BuildTree(ctx, c.Dyn, c.API, u)
	if err != nil {
		return nil, nil, err
	}
	return u, tree, nil
}

// CompleteTKRs completes the TanzuKubernetesReleases of the management cluster.
func CompleteTKRs(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		f.ForCompletion()
		c, err := Connect(f)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		tkrs, _, err := capi.ListTKRs(cmd.Context(), c.Dyn, c.API)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := make([]string, len(tkrs))
		for i, t := range tkrs {
			names[i] = t.Name
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
