package create

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// runTKC creates a TanzuKubernetesCluster (or a class-based Cluster of
// class tanzukubernetescluster) in a vSphere namespace, checked first
// against the namespace's VM classes and storage quota and the
// Supervisor's releases.
func (o *Options) runTKC(ctx context.Context, doc yamldoc.Document, c *common.Client) error {
	obj, err := tkc.Plan(ctx, c.Dyn, c.API, tkc.PlanInput{Doc: doc, Name: o.Name, Namespace: c.Namespace, NamespaceFromFlag: o.namespaceFlag})
	if err != nil {
		return err
	}
	if o.DryRun.Client() {
		return o.print(obj)
	}
	applied, verb, err := tkc.Apply(ctx, c.Dyn, c.API, obj, o.DryRun.Server())
	if err != nil {
		return err
	}
	if o.DryRun.Server() {
		return o.print(applied)
	}
	if o.Output.Format() == "" {
		err = cli.PrintAction(o.Streams.Out, applied, verb, false)
	} else {
		err = o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{applied}, true)
	}
	if err != nil || !o.Wait {
		return err
	}
	stored := "was " + verb
	if verb == "unchanged" {
		stored = "is unchanged"
	}
	return common.WaitReady(ctx, o.Streams, c, applied, "", stored, o.Timeout)
}
