package common

import (
	"context"
	"fmt"
	"io"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Resolve connects and finds what a verb acts on under a cluster name: the
// Cluster, or the TanzuKubernetesCluster (vSphere with Tanzu) that stands
// for it.
func Resolve(ctx context.Context, connect Connector, name string) (c *Client, cluster, tkcObj *unstructured.Unstructured, err error) {
	if c, err = connect(); err != nil {
		return nil, nil, nil, err
	}
	cluster, tkcObj, err = tkc.Resolve(ctx, c.Dyn, c.API, c.Namespace, name)
	return c, cluster, tkcObj, err
}

// UpdateTKC updates a TanzuKubernetesCluster and prints what changed, as
// UpdateAndReport does for a Cluster.
func UpdateTKC(ctx context.Context, c *Client, out io.Writer, u *unstructured.Unstructured, dryRun bool, mutate tkc.Mutation) (*unstructured.Unstructured, bool, error) {
	updated, changes, err := tkc.Update(ctx, c.Dyn, u, dryRun, mutate)
	if err != nil {
		return nil, false, err
	}
	return updated, len(changes) > 0, PrintChanges(out, updated, changes, dryRun)
}

// UpdateEither updates the Cluster or the TanzuKubernetesCluster of a name
// and prints what changed; it returns the client, the object as updated
// and whether anything changed.
func UpdateEither(ctx context.Context, connect Connector, out io.Writer, name string, dryRun bool, mutate capi.Mutation, mutateTKC tkc.Mutation) (*Client, *unstructured.Unstructured, bool, error) {
	c, _, t, err := Resolve(ctx, connect, name)
	if err != nil {
		return nil, nil, false, err
	}
	if t != nil {
		updated, changed, err := UpdateTKC(ctx, c, out, t, dryRun, mutateTKC)
		return c, updated, changed, err
	}
	return UpdateAndReport(ctx, func() (*Client, error) { return c, nil }, out, name, dryRun, mutate)
}

// ApplyEither edits the Cluster or the TanzuKubernetesCluster of the name
// and prints what changed.
func (e *Edit) ApplyEither(ctx context.Context, mutate capi.Mutation, mutateTKC tkc.Mutation) error {
	_, _, _, err := UpdateEither(ctx, e.Connect, e.Streams.Out, e.Cluster, e.DryRun.Any(), mutate, mutateTKC)
	return err
}

// IsTKC reports an object of kind TanzuKubernetesCluster.
func IsTKC(u *unstructured.Unstructured) bool { return u.GetKind() == tkc.Kind }

// WaitReady follows what a verb changed until it is done: a Cluster until
// Available, a TanzuKubernetesCluster until Ready (with version running,
// when set).
func WaitReady(ctx context.Context, streams genericiooptions.IOStreams, c *Client, u *unstructured.Unstructured, version, stored string, timeout time.Duration) error {
	ns, name := u.GetNamespace(), u.GetName()
	if !IsTKC(u) {
		return WaitAvailable(ctx, streams, c, ns, name, stored, timeout)
	}
	what := fmt.Sprintf("TanzuKubernetesCluster %s/%s to become Ready", ns, name)
	if version != "" {
		what = fmt.Sprintf("TanzuKubernetesCluster %s/%s to become Ready at %s", ns, name, version)
	}
	spec := wait.Spec{
		Client: c.Dyn.Resource(tkc.GVRFor(u)).Namespace(ns), Namespace: ns, Name: name, What: what, Timeout: timeout,
		Check: tkc.ReadyCheck(version), Summary: tkc.Progress, Progress: cmdutil.WaitProgress(streams.ErrOut),
	}
	if _, err := wait.For(ctx, spec); err != nil {
		return wait.GoesOn(err, fmt.Sprintf("TanzuKubernetesCluster %s/%s %s and the Supervisor goes on with it (follow it: kubectl tko cluster describe %s -n %s)",
			ns, name, stored, name, ns))
	}
	fmt.Fprintf(streams.ErrOut, "TanzuKubernetesCluster %s/%s is Ready\n", ns, name)
	return nil
}
