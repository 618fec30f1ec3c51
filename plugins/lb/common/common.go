// Package common holds what the `kubectl tko lb` verbs share: reading the
// load balancing of every target cluster, with the pools that serve it.
package common

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
)

// NamespaceFlags is the namespace scope of the lb verbs that read
// Services, with what else each target is asked.
type NamespaceFlags struct {
	AllNamespaces bool
	// CheckEndpoint asks each workload cluster's API server for /readyz
	// through its control-plane endpoint (the VIP AKO or kube-vip serves).
	CheckEndpoint bool
}

// Scanned is the load balancing of one target cluster; Target, Err and
// Error repeat its fleet result for machine output.
type Scanned struct {
	Target   string      `json:"cluster,omitempty"`
	Cluster  *lb.Cluster `json:"state,omitempty"`
	Pools    []*lb.Pool  `json:"pools,omitempty"`
	Endpoint error       `json:"-"` // /readyz through the control-plane endpoint, with CheckEndpoint
	Err      error       `json:"-"`
	Error    string      `json:"error,omitempty"`
}

// Scan reads every target of the selection: its Services of type
// LoadBalancer, AKO and kube-vip, and its pools (kube-vip's, and the ADC
// pools of the management cluster it runs on, when it is one), each pending
// Service diagnosed.
func Scan(ctx context.Context, f *cli.Factory, sel fleet.Selection, scope NamespaceFlags, errOut io.Writer) (*cli.FleetReport[Scanned], error) {
	report, err := cli.RunFleet(ctx, f, sel, nil, errOut, func(ctx context.Context, t cli.Target) (Scanned, error) {
		ns := t.Clients.Namespace
		if scope.AllNamespaces {
			ns = metav1.NamespaceAll
		}
		c, err := lb.Read(ctx, t.Clients.Dynamic, ns)
		if err != nil {
			return Scanned{}, err
		}
		pools, err := Pools(ctx, t.Clients, c)
		if err != nil {
			return Scanned{}, err
		}
		lb.Account(pools, c.Services)
		c.Diagnose(pools)
		scanned := Scanned{Cluster: c, Pools: pools}
		if scope.CheckEndpoint && t.Name != "" && sel.WorkloadFleet() {
			scanned.Endpoint = readyz(ctx, t.Clients)
		}
		return scanned, nil
	})
	if err != nil {
		return nil, err
	}
	for i := range report.Results {
		r := &report.Results[i]
		r.Value.Target, r.Value.Err, r.Value.Error = r.Target, r.Err, report.Message(i)
	}
	return report, nil
}

// Pools are the VIP pools that serve a cluster: kube-vip's ranges, and the
// data networks of the AKODeploymentConfigs where the cluster serves them
// (a management cluster).
func Pools(ctx context.Context, c *kube.Clients, state *lb.Cluster) ([]*lb.Pool, error) {
	var pools []*lb.Pool
	if state.KubeVIP != nil {
		kv, err := lb.KubeVIPPools(state.KubeVIP)
		if err != nil {
			return nil, err
		}
		pools = append(pools, kv...)
	}
	adcs, err := ADCs(ctx, c.Dynamic, c)
	if err != nil {
		return nil, err
	}
	for _, a := range adcs {
		p, err := lb.ADCPools(a)
		if err != nil {
			return nil, err
		}
		pools = append(pools, p...)
	}
	return pools, nil
}

// ADCs lists the AKODeploymentConfigs where the AKO operator's group is
// served; none elsewhere.
func ADCs(ctx context.Context, dyn dynamic.Interface, c *kube.Clients) ([]*lb.ADC, error) {
	if c.Served != nil && !c.Served.Has(lb.OperatorGroup) {
		return nil, nil
	}
	adcs, err := ListADCs(ctx, dyn)
	if err != nil && c.Served == nil {
		return nil, nil // a workload cluster: discovery was not asked for
	}
	return adcs, err
}

// ListADCs lists the AKODeploymentConfigs; a 404 (the operator's group
// not served) is returned as is, for the caller to word.
func ListADCs(ctx context.Context, dyn dynamic.Interface) ([]*lb.ADC, error) {
	list, err := dyn.Resource(lb.ADCs).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing AKODeploymentConfigs: %w", err)
	}
	out := make([]*lb.ADC, 0, len(list.Items))
	for i := range list.Items {
		a, err := lb.ParseADC(&list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Joined renders a list cell.
func Joined(list []string) string { return strings.Join(list, ",") }

// readyz asks a workload cluster's API server whether it is ready, through
// the server of its kubeconfig: its control-plane endpoint.
func readyz(ctx context.Context, c *kube.Clients) error {
	client, err := kube.NewDiscovery(c.Config)
	if err != nil {
		return err
	}
	body, err := client.Get(ctx, "/readyz", nil)
	if err != nil {
		return fmt.Errorf("%w %s", err, strings.TrimSpace(string(body)))
	}
	return nil
}

// ScanOptions is what the verbs that scan clusters share: the fleet
// options and the namespace flags.
type ScanOptions struct {
	cli.FleetOptions
	Namespaces NamespaceFlags
}

// NewScanOptions returns the shared options of a scanning verb.
func NewScanOptions(f *cli.Factory, streams genericiooptions.IOStreams) ScanOptions {
	return ScanOptions{FleetOptions: cli.NewFleetOptions(f, streams)}
}

// AddFlags registers -A, the fleet flags and -o.
func (b *ScanOptions) AddFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&b.Namespaces.AllNamespaces, "all-namespaces", "A", false, "Look in every namespace.")
	b.FleetOptions.AddFlags(cmd, "Workload clusters to look at (comma-separated), through their kubeconfig Secrets on this management cluster.")
}

// Scan reads every target of the verb's selection (see Scan).
func (b *ScanOptions) Scan(ctx context.Context) (*cli.FleetReport[Scanned], error) {
	return Scan(ctx, b.Factory, b.Selection, b.Namespaces, b.Streams.ErrOut)
}
