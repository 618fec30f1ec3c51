// Package list implements `kubectl tko lb adc list`.
package list

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/common"
)

// Options holds the flags and state of `lb adc list`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
}

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List AKODeploymentConfigs with their controller, data network, selector and the clusters they serve",
		Example: cmdutil.Examples(`
			# Every ADC of this management cluster
			kubectl tko lb adc list

			# With cloud, service engine group and selector
			kubectl tko lb adc list -o wide`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete has nothing to resolve.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o before any connection.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Factory.Connect(lb.Requirement)
	if err != nil {
		return err
	}
	adcs, err := common.ADCs(ctx, c.Dynamic, c)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		objs := make([]*unstructured.Unstructured, len(adcs))
		for i, a := range adcs {
			objs[i] = a.Object
		}
		return o.Output.PrintObjects(o.Streams.Out, objs, false)
	}
	var clusters []*unstructured.Unstructured
	if api, err := capi.FromServed(c.Served); err == nil {
		list, err := c.Dynamic.Resource(api.Clusters()).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("listing clusters: %w", err)
		}
		for i := range list.Items {
			clusters = append(clusters, &list.Items[i])
		}
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "CONTROLLER"}, {Header: "DATA NETWORK"}, {Header: "CIDR"}, {Header: "CLUSTERS"}, {Header: "AGE"},
		{Header: "CLOUD", Wide: true}, {Header: "SERVICE ENGINE GROUP", Wide: true}, {Header: "SELECTOR", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	now := time.Now()
	for _, a := range adcs {
		n := 0
		for _, u := range clusters {
			if lb.Select(u, adcs).ADC == a.Name {
				n++
			}
		}
		w.Write([]string{a.Name, a.Spec.Controller, a.Spec.DataNetwork.Name, a.Spec.DataNetwork.CIDR, strconv.Itoa(n),
			duration.HumanDuration(now.Sub(a.Object.GetCreationTimestamp().Time)), a.Spec.CloudName, a.Spec.ServiceEngineGroup, a.SelectorText()})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No AKODeploymentConfigs found.")
	}
	return nil
}
