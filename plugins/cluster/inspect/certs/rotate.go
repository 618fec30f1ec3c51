package certs

import (
	"context"
	"fmt"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	tkocerts "github.com/vmware-tanzu-labs/kubectl-tko/internal/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// validateRotate checks the flags of --rotate: one cluster of the current
// context, nothing to list.
func (o *Options) validateRotate() error {
	switch {
	case o.Rotate == "" && (o.DryRun.Any() || o.Wait):
		return cmdutil.FlagErrorf("--dry-run and --wait apply to --rotate CLUSTER only")
	case o.Rotate == "":
		return nil
	case len(o.Names) > 0 || o.AllNamespaces || o.Selection.Fleet():
		return cmdutil.FlagErrorf("--rotate renews one cluster of the current context: give no other clusters, -A or fleet flags with it")
	case !o.Output.Human():
		return cmdutil.FlagErrorf("--rotate prints what it did, not a report: drop -o")
	}
	return o.Waiting.Validate()
}

// rotate rolls the named cluster's control plane so that Cluster API
// replaces its machines and kubeadm issues them new certificates.
func (o *Options) rotate(ctx context.Context) error {
	c, err := o.Factory.Connect(capi.Requirement)
	if err != nil {
		return err
	}
	api, err := capi.FromServed(c.Served)
	if err != nil {
		return err
	}
	found, err := picker{names: []string{o.Rotate}, namespaceFlag: o.namespaceFlag}.clusters(ctx, c.Dynamic, api, c.Namespace)
	if err != nil {
		return err
	}
	cluster := found[0]
	r, err := tkocerts.Rotate(ctx, c.Dynamic, api, cluster, o.now(), o.DryRun.Any())
	if err != nil {
		return err
	}
	if err := cli.PrintAction(o.Streams.Out, r.KCP, "patched", o.DryRun.Any()); err != nil {
		return err
	}
	ns, name := cluster.GetNamespace(), cluster.GetName()
	replicas, _ := capi.Int64At(r.KCP.Object, "spec", "replicas")
	verb := "replaces"
	if o.DryRun.Any() {
		verb = "would replace"
	}
	fmt.Fprintf(o.Streams.ErrOut, "%s set to now: Cluster API %s the %d control-plane machine(s) of %s/%s one by one, each with new certificates (follow it: kubectl tko cluster describe %s -n %s)\n",
		r.Field, verb, replicas, ns, name, name, ns)
	if !o.Wait {
		return nil
	}
	spec := wait.Spec{
		Client:    c.Dynamic.Resource(r.GVR).Namespace(ns),
		Namespace: ns,
		Name:      r.KCP.GetName(),
		What:      fmt.Sprintf("the control plane of cluster %s/%s to roll out", ns, name),
		Timeout:   o.Timeout,
		Check:     tkocerts.RolledOut(r.Generation),
		Summary:   tkocerts.RolloutProgress,
		Progress:  cmdutil.WaitProgress(o.Streams.ErrOut),
	}
	if _, err := wait.For(ctx, spec); err != nil {
		return wait.GoesOn(err, fmt.Sprintf("the rollout of cluster %s/%s was started and Cluster API goes on with it (follow it: kubectl tko cluster describe %s -n %s)", ns, name, name, ns))
	}
	fmt.Fprintf(o.Streams.ErrOut, "the control plane of cluster %s/%s rolled out: its certificates are renewed (check: kubectl tko cluster inspect certs %s -n %s)\n", ns, name, name, ns)
	return nil
}

// rotateTimeout is how long --wait waits for a control plane to roll by
// default: three machines replaced one after another.
const rotateTimeout = 45 * time.Minute
