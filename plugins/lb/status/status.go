// Package status implements `kubectl tko lb status`.
package status

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/common"
)

// Options holds the flags and state of `lb status`.
type Options struct {
	Factory       *cli.Factory
	Streams       genericiooptions.IOStreams
	Output        *cli.OutputFlags
	AllNamespaces bool
	Names         []string
	Timeout       fleet.Options
}

// NewCmd returns the status command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Timeout: fleet.Options{Parallel: 8, Timeout: fleet.DefaultTimeout}}
	cmd := &cobra.Command{
		Use:   "status [CLUSTER...] [-A]",
		Short: "Which AKODeploymentConfig serves each workload cluster and why, AKO's state, the control-plane endpoint provider",
		Long: cmdutil.LongDesc(`
			For each workload cluster of a management cluster: the AKODeploymentConfig
			that selects it, by the AKO operator's own rules (a management cluster only
			install-ako-for-management-cluster; else a matching non-empty selector wins;
			else install-ako-for-all; clusters that are not Ready are skipped), the
			networking.tkg.tanzu.vmware.com/avi label the operator wrote (and whether it
			agrees), AKO's PackageInstall (load-balancer-and-ingress-service) and its
			StatefulSet in the cluster's avi-system namespace (read through the
			cluster's kubeconfig Secret), and what serves the control-plane
			endpoint (NSX ALB or kube-vip, from the cluster's topology variables).`),
		Example: cmdutil.Examples(`
			# Every workload cluster
			kubectl tko lb status -A

			# One cluster, as YAML
			kubectl tko lb status wc-prod-1 -o yaml`),
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "Clusters of every namespace.")
	cmd.Flags().IntVar(&o.Timeout.Parallel, "parallel", o.Timeout.Parallel, "Workload clusters read at once.")
	cmd.Flags().DurationVar(&o.Timeout.Timeout, cli.TargetTimeoutFlag, o.Timeout.Timeout, "Give up on one workload cluster after this long.")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the cluster names.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Names = args
	return nil
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	if o.Timeout.Parallel < 1 {
		return cmdutil.FlagErrorf("--parallel must be at least 1")
	}
	return o.Output.Validate()
}

// Row is one cluster's load-balancing status.
type Row struct {
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	ADC       lb.Choice `json:"adc"`
	Label     string    `json:"label,omitempty"` // networking.tkg.tanzu.vmware.com/avi as the operator wrote it
	Endpoint  string    `json:"endpointProvider,omitempty"`
	AKO       *lb.AKO   `json:"ako,omitempty"`
	AKOError  string    `json:"akoError,omitempty"` // why AKO could not be read

	notProvisioned bool // no kubeconfig Secret yet
}

// Run reads and prints.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Factory.Connect(lb.Requirement, capi.Requirement)
	if err != nil {
		return err
	}
	api, err := capi.FromServed(c.Served)
	if err != nil {
		return err
	}
	adcs, err := common.ADCs(ctx, c.Dynamic, c)
	if err != nil {
		return err
	}
	ns := c.Namespace
	if o.AllNamespaces {
		ns = metav1.NamespaceAll
	}
	list, err := c.Dynamic.Resource(api.Clusters()).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing clusters: %w", err)
	}
	var clusters []*unstructured.Unstructured
	for i := range list.Items {
		u := &list.Items[i]
		if len(o.Names) == 0 || slices.Contains(o.Names, u.GetName()) {
			clusters = append(clusters, u)
		}
	}
	for _, name := range o.Names {
		if !slices.ContainsFunc(clusters, func(u *unstructured.Unstructured) bool { return u.GetName() == name }) {
			return &errs.NotFoundError{Kind: "cluster", Name: name, Namespace: ns, Hint: "list them with 'kubectl tko cluster list -A'"}
		}
	}
	keys := make([]string, len(clusters))
	for i, u := range clusters {
		keys[i] = u.GetNamespace() + "/" + u.GetName()
	}
	tune := func(cfg *rest.Config) { cfg.Timeout = c.Config.Timeout }
	akos := fleet.Run(ctx, keys, o.Timeout, func(ctx context.Context, key string) (*lb.AKO, error) {
		u := clusters[slices.Index(keys, key)]
		wc, err := fleet.Connect(ctx, c.Dynamic, u.GetNamespace(), u.GetName(), tune)
		if err != nil {
			return nil, err
		}
		state, err := lb.Read(ctx, wc.Dynamic, lb.AKONamespace)
		if err != nil {
			return nil, err
		}
		return state.AKO, nil
	})
	rows := make([]Row, len(clusters))
	for i, u := range clusters {
		rows[i] = Row{Namespace: u.GetNamespace(), Name: u.GetName(), ADC: lb.Select(u, adcs), Label: u.GetLabels()[lb.LabelAVI], Endpoint: capi.EndpointProvider(u), AKO: akos[i].Value}
		if err := akos[i].Err; err != nil {
			var nf *errs.NotFoundError
			rows[i].AKOError, rows[i].notProvisioned = explain.Message(err), errors.As(err, &nf)
		}
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, rows)
	}
	return o.print(rows)
}

func (o *Options) print(rows []Row) error {
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAMESPACE"}, {Header: "NAME"}, {Header: "ADC"}, {Header: "AKO"}, {Header: "ENDPOINT"},
		{Header: "AKO PACKAGE", Wide: true}, {Header: "LABEL", Wide: true}, {Header: "REASON", Wide: true}, {Header: "AKO DETAIL", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, r := range rows {
		adc := r.ADC.ADC
		if adc == "" {
			adc = "<none>"
		}
		label := r.Label
		if label != "" && r.ADC.ADC != "" && label != r.ADC.ADC {
			label += " (operator disagrees: " + r.ADC.ADC + " expected)"
		}
		w.Write([]string{r.Namespace, r.Name, adc, akoCell(r), cmdutil.OrDash(r.Endpoint), akoPackage(r), cmdutil.OrDash(label), r.ADC.Reason, cmdutil.OrDash(r.AKOError)})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No clusters found.")
	}
	return nil
}

func akoPackage(r Row) string {
	if r.AKO == nil || r.AKO.Package == "" {
		return "-"
	}
	return r.AKO.Package + " " + cmdutil.OrDash(r.AKO.PackageState)
}

func akoCell(r Row) string {
	switch {
	case r.AKOError != "" && r.notProvisioned:
		return "not provisioned"
	case r.AKOError != "":
		return "unreachable"
	case r.AKO == nil || !r.AKO.Installed:
		return "not installed"
	case r.AKO.Ready():
		return fmt.Sprintf("running %d/%d", r.AKO.ReadyReplicas, r.AKO.Replicas)
	}
	return fmt.Sprintf("not ready %d/%d", r.AKO.ReadyReplicas, r.AKO.Replicas)
}
