// Package get implements `kubectl tko lb adc get`.
package get

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
)

// Options holds the flags and state of `lb adc get`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Name    string
}

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Show one AKODeploymentConfig: controller, networks and pools, selector, Secret references, conditions",
		Example: cmdutil.Examples(`
			# One ADC
			kubectl tko lb adc get install-ako-for-all

			# The object itself
			kubectl tko lb adc get install-ako-for-all -o yaml`),
		Args: cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return cli.CompleteNames(cmd.Context(), f, lb.ADCs, false, prefix), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Name = args[0]
	return nil
}

// Validate checks -o before any connection.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run reads and prints.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Factory.Connect(lb.Requirement)
	if err != nil {
		return err
	}
	u, err := c.Dynamic.Resource(lb.ADCs).Get(ctx, o.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return &errs.NotFoundError{Kind: "AKODeploymentConfig", Name: o.Name, Hint: "list them with 'kubectl tko lb adc list'"}
	}
	if err != nil {
		return fmt.Errorf("reading AKODeploymentConfig %s: %w", o.Name, err)
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{u}, true)
	}
	a, err := lb.ParseADC(u)
	if err != nil {
		return err
	}
	out := o.Streams.Out
	fmt.Fprintf(out, "Name:                 %s\n", a.Name)
	fmt.Fprintf(out, "Controller:           %s\n", a.Spec.Controller)
	fmt.Fprintf(out, "Cloud:                %s\n", a.Spec.CloudName)
	fmt.Fprintf(out, "Service engine group: %s\n", a.Spec.ServiceEngineGroup)
	fmt.Fprintf(out, "Cluster selector:     %s\n", a.SelectorText())
	network := func(title string, n *lb.Network) {
		if n == nil || n.Name == "" {
			return
		}
		var pools []string
		for _, p := range n.IPPools {
			pools = append(pools, p.Start+"-"+p.End)
		}
		if len(pools) == 0 {
			pools = []string{"<whole CIDR>"}
		}
		fmt.Fprintf(out, "%-21s %s %s (pools: %s)\n", title+":", n.Name, n.CIDR, strings.Join(pools, ", "))
	}
	network("Data network", &a.Spec.DataNetwork)
	network("Control-plane network", a.Spec.ControlPlaneNetwork)
	for _, ref := range []struct {
		title string
		ref   *lb.SecretRef
	}{{"Admin credentials:", a.Spec.AdminCredentialRef}, {"CA:", a.Spec.CertificateAuthRef}} {
		if ref.ref != nil {
			fmt.Fprintf(out, "%-21s Secret %s/%s\n", ref.title, ref.ref.Namespace, ref.ref.Name)
		}
	}
	if len(a.Conditions) > 0 {
		fmt.Fprintln(out, "Conditions:")
		for _, cond := range a.Conditions {
			fmt.Fprintf(out, "  %s=%s %s\n", cond.Type, cond.Status, cond.Message)
		}
	}
	return nil
}
