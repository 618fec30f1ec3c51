// Package create implements `kubectl tko lb adc create`.
package create

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// Options holds the flags and state of `lb adc create`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	File    string
	DryRun  cmdutil.DryRun
}

// NewCmd returns the create command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "create -f FILE",
		Short: "Create an AKODeploymentConfig from a manifest or a short flat file, checked whole first",
		Long: cmdutil.LongDesc(`
			Create an AKODeploymentConfig. FILE is an AKODeploymentConfig manifest or a
			short flat file of ours:

			    name: prod-adc
			    controller: avi-ctrl.example.com
			    cloud: Default-Cloud
			    serviceEngineGroup: tkg-workload-seg
			    adminCredentials: tkg-system-networking/avi-controller-credentials
			    ca: tkg-system-networking/avi-controller-ca
			    dataNetwork: {name: tkg-vip-pg, cidr: 10.20.8.0/24, pools: [10.20.8.100-10.20.8.200]}
			    clusterSelector: {tkg.tanzu.vmware.com/cluster-plan: prod}

			Before anything is created, every problem is reported at once with its
			line: fields the CRD does not declare, CIDRs that do not parse, pools
			outside their network or overlapping, credential and CA Secrets that do not
			exist (checked through their metadata: never read), an invalid selector,
			or one that claims a cluster another ADC already selects.`),
		Example: cmdutil.Examples(`
			# Check and show what would be created
			kubectl tko lb adc create -f prod-adc.yaml --dry-run -o yaml

			# Create it
			kubectl tko lb adc create -f prod-adc.yaml`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().StringVarP(&o.File, "filename", "f", "", "ADC manifest or flat file; - for standard input.")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Check and print instead of creating: client (default when given) or server (also checked by the API server).")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete has nothing to resolve.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	if o.File == "" {
		return cmdutil.FlagErrorf("missing -f FILE (an AKODeploymentConfig or a flat ADC file; - for standard input)")
	}
	return o.Output.Validate()
}

// Run checks the file and creates the ADC.
func (o *Options) Run(ctx context.Context) error {
	raw, err := yamldoc.ReadFile(o.File, o.Streams.In)
	if err != nil {
		return err
	}
	docs, err := yamldoc.Parse(o.File, raw)
	if err != nil {
		return err
	}
	if len(docs) != 1 {
		return &errs.InputError{File: o.File, Err: fmt.Errorf("expected one document, found %d", len(docs))}
	}
	c, err := o.Factory.Connect(lb.Requirement)
	if err != nil {
		return err
	}
	var api *capi.API
	if a, err := capi.FromServed(c.Served); err == nil {
		api = &a
	}
	plan, err := lb.PlanADC(ctx, c, api, docs[0])
	if err != nil {
		return err
	}
	if o.DryRun.Client() {
		return o.print(plan.ADC, "created", true)
	}
	opts := metav1.CreateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(o.DryRun.Server())}
	created, err := c.Dynamic.Resource(lb.ADCs).Create(ctx, plan.ADC, opts)
	if apierrors.IsAlreadyExists(err) {
		// A rerun converges: the same spec is unchanged, another is refused.
		current, gerr := c.Dynamic.Resource(lb.ADCs).Get(ctx, plan.ADC.GetName(), metav1.GetOptions{})
		if gerr == nil && equality.Semantic.DeepEqual(current.Object["spec"], plan.ADC.Object["spec"]) {
			return o.print(current, "unchanged", false)
		}
		return errs.Invalidf("AKODeploymentConfig %s exists with another spec: its clusterSelector is immutable, so delete it first (kubectl delete adc %s) or pick another name", plan.ADC.GetName(), plan.ADC.GetName())
	}
	if err != nil {
		return fmt.Errorf("creating AKODeploymentConfig %s: %w", plan.ADC.GetName(), err)
	}
	return o.print(created, "created", o.DryRun.Server())
}

func (o *Options) print(u *unstructured.Unstructured, verb string, dryRun bool) error {
	if o.Output.Format() == "" {
		return cli.PrintAction(o.Streams.Out, u, verb, dryRun)
	}
	return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{u}, true)
}
