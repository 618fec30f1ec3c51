// Package doctor implements `kubectl tko lb doctor`.
package doctor

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/common"
)

// Options holds the flags and state of `lb doctor`.
type Options struct {
	common.ScanOptions
}

// NewCmd returns the doctor command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{ScanOptions: common.NewScanOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "doctor [-n NS | -A] [--all-workload-clusters]",
		Short: "Find what is wrong with load balancing: pending Services, clashing addresses, full pools, ADCs, AKO",
		Long: cmdutil.LongDesc(`
			Check the load balancing of a cluster, or of every workload cluster: pending
			LoadBalancer Services with their likeliest cause (a controller's Events on
			the Service first), one address held by two Services, pools at 80 % or
			full, kube-vip ranges that cidr-global shadows, AKO not running, and what
			RBAC did not let it check. On a management cluster it also checks the
			AKODeploymentConfigs: one selecting no cluster, a cluster claimed by two, a
			missing credential or CA Secret (never read beyond its existence). With
			--all-workload-clusters each cluster's API server is asked for /readyz
			through its control-plane endpoint.

			Every assigned address is compared with the pools the cluster knows (the
			data networks of its AKODeploymentConfigs, kube-vip's global and
			per-namespace ranges and CIDRs): one that no pool serving its namespace
			holds is a stale status, an address something else handed out, or a VIP a
			pool will hand out again. It is a warning naming the Service, the address
			and the pools it was compared with, and an error when another Service holds
			the address too. An address in the other implementation's pool is a
			warning. Where the cluster knows no pool, or a Service's loadBalancerClass
			is neither AKO's nor kube-vip's, its addresses are not compared.

			Each finding names the object, the cause and the fix. The exit code is 1
			when any finding is an error, 0 otherwise (warnings only).`),
		Example: cmdutil.Examples(`
			# This cluster, every namespace
			kubectl tko lb doctor -A

			# The whole fleet from its management cluster, as JSON
			kubectl tko lb doctor -A --all-workload-clusters -o json`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	return cmd
}

// Complete asks the scan to check control-plane endpoints.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error {
	o.Namespaces.CheckEndpoint = true
	return nil
}

// Report is doctor's machine output.
type Report struct {
	Findings []lb.Finding `json:"findings"`
	Errors   int          `json:"errors"`
	Warnings int          `json:"warnings"`
}

// Run checks and prints.
func (o *Options) Run(ctx context.Context) error {
	run, err := o.Scan(ctx)
	if err != nil {
		return err
	}
	var findings []lb.Finding
	for _, r := range run.Results {
		s := r.Value
		if s.Err != nil {
			findings = append(findings, lb.Finding{Severity: lb.SeverityError, Cluster: s.Target, Object: "cluster", Cause: "cannot be read: " + s.Error, Fix: "check the cluster and its kubeconfig Secret"})
			continue
		}
		for _, f := range lb.ClusterFindings(s.Cluster, s.Pools) {
			f.Cluster = s.Target
			findings = append(findings, f)
		}
		if s.Endpoint != nil {
			findings = append(findings, lb.Finding{Severity: lb.SeverityError, Cluster: s.Target, Object: "control-plane endpoint",
				Cause: "/readyz failed: " + explain.Message(s.Endpoint), Fix: "check the VIP of the control plane (NSX ALB virtual service or kube-vip) and the control-plane machines"})
		}
	}
	if !o.Selection.ContextFleet() {
		adcFindings, err := o.adcFindings(ctx)
		if err != nil {
			return err
		}
		findings = append(findings, adcFindings...)
	}
	report := Report{Findings: findings, Errors: lb.Errors(findings)}
	report.Warnings = len(findings) - report.Errors
	if !o.Output.Human() {
		if err := o.Output.PrintData(o.Streams.Out, report); err != nil {
			return err
		}
	} else if err := o.print(report, run.IsFleet()); err != nil {
		return err
	}
	if report.Errors > 0 {
		return explain.Failure()
	}
	return nil
}

var secrets = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// adcFindings checks the AKODeploymentConfigs of the current cluster, when
// it is a management cluster with the AKO operator.
func (o *Options) adcFindings(ctx context.Context) ([]lb.Finding, error) {
	c, err := o.Factory.Connect()
	if err != nil {
		return nil, err
	}
	if !c.Served.Has(lb.OperatorGroup) {
		return nil, nil
	}
	adcs, err := common.ADCs(ctx, c.Dynamic, c)
	if err != nil {
		return nil, err
	}
	var clusters []*unstructured.Unstructured
	if api, err := capi.FromServed(c.Served); err == nil {
		list, err := c.Dynamic.Resource(api.Clusters()).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing clusters: %w", err)
		}
		for i := range list.Items {
			clusters = append(clusters, &list.Items[i])
		}
	}
	missing := map[string][]string{}
	var unchecked []lb.Finding
	for _, a := range adcs {
		for _, ref := range []*lb.SecretRef{a.Spec.AdminCredentialRef, a.Spec.CertificateAuthRef} {
			if ref == nil || ref.Name == "" {
				continue
			}
			exists, err := secretExists(ctx, c, ref)
			switch {
			case apierrors.IsForbidden(err):
				unchecked = append(unchecked, lb.Finding{Severity: lb.SeverityWarning, Object: "akodeploymentconfig/" + a.Name,
					Cause: "Secret " + ref.Namespace + "/" + ref.Name + " not checked: reading Secrets there is forbidden", Fix: "run as a user who may get Secrets in " + ref.Namespace})
			case err != nil:
				return nil, err
			case !exists:
				missing[a.Name] = append(missing[a.Name], ref.Namespace+"/"+ref.Name)
			}
		}
	}
	return append(lb.ADCFindings(adcs, clusters, missing), unchecked...), nil
}

// secretExists asks only for the Secret's metadata: its data is never read.
func secretExists(ctx context.Context, c *kube.Clients, ref *lb.SecretRef) (bool, error) {
	_, err := c.Dynamic.Resource(secrets).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func (o *Options) print(r Report, fleetView bool) error {
	if len(r.Findings) == 0 {
		fmt.Fprintln(o.Streams.Out, "No problems found.")
		return nil
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "SEVERITY"}, {Header: "CLUSTER", Hidden: !fleetView}, {Header: "OBJECT"}, {Header: "CAUSE"}, {Header: "FIX"}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, f := range r.Findings {
		w.Write([]string{f.Severity, f.Cluster, f.Object, f.Cause, f.Fix})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(o.Streams.ErrOut, "%d error(s), %d warning(s)\n", r.Errors, r.Warnings)
	return nil
}
