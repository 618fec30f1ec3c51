// Package doctor implements `kubectl tko auth doctor`: the Pinniped set-up
// of a cluster or a fleet, as findings with cause and fix, as `lb doctor`
// reports load balancing.
package doctor

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pinniped"
)

// Options holds the flags of `auth doctor`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Fleet   *cli.FleetFlags
	Suffix  string
	All     bool // show ok findings too

	sel fleet.Selection
}

// Row is one finding of one cluster (the -o json|yaml shape).
type Row struct {
	Cluster string `json:"cluster,omitempty"`
	pinniped.Finding
}

// NewCmd returns the doctor command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd, _ := NewNamedCmd(f, streams, "doctor")
	return cmd
}

// NewNamedCmd returns the doctor command under another name, with its
// options, for `auth status` (its former name) to build on.
func NewNamedCmd(f *cli.Factory, streams genericiooptions.IOStreams, name string) (*cobra.Command, *Options) {
	return newCmd(f, streams, name)
}

func newCmd(f *cli.Factory, streams genericiooptions.IOStreams, name string) (*cobra.Command, *Options) {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:   name + " [--all-workload-clusters | --cluster A,B | --all-contexts] [-o json|yaml]",
		Short: "Check the Pinniped set-up: Concierge strategies, authenticators, Supervisor, pinniped-info and the issuer",
		Long: cmdutil.LongDesc(`
			Read the Pinniped objects of the cluster (or of a fleet) and report what is
			wrong, each finding with the object, the cause and the fix: the Concierge's
			CredentialIssuer strategies (TokenCredentialRequest API, impersonation
			proxy); JWTAuthenticators, each issuer probed from here as the Concierge
			probes it (the discovery document at ISSUER/.well-known/openid-configuration,
			which must name that issuer, and the key set it names, trusting
			spec.tls.certificateAuthorityData): an issuer that is unreachable, fails TLS
			verification or names another issuer is an error whatever the
			authenticator's status says, which is shown beside it; WebhookAuthenticators
			and their conditions; the Supervisor's FederationDomains and OIDC, LDAP,
			Active Directory and GitHub identity providers; kube-public/pinniped-info,
			whether the issuer it names passes the same probe with its CA, and whether a
			JWTAuthenticator trusts it. Probes run in parallel, each within
			--request-timeout (10s when it is not set). Healthy objects are counted
			(--show-ok lists them). Exits 1 when a finding is an error.`),
		Example: cmdutil.Examples(`
			# The management cluster
			kubectl tko auth doctor

			# Every workload cluster, for a script
			kubectl tko auth doctor --all-workload-clusters -o json`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	o.Fleet.AddContextFlags(cmd, "")
	o.Fleet.AddClusterFlags(cmd, "Workload clusters to check (comma-separated), through their kubeconfig Secrets on this management cluster.")
	cmd.Flags().StringVar(&o.Suffix, "api-group-suffix", pinniped.DefaultAPIGroupSuffix, "API group suffix of the Pinniped installation.")
	cmd.Flags().BoolVar(&o.All, "show-ok", false, "List healthy objects too.")
	return cmd, o
}

// Complete has nothing to read.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o and the fleet flags.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	sel, err := o.Fleet.Selection(o.Factory)
	o.sel = sel
	return err
}

// Run checks every target.
func (o *Options) Run(ctx context.Context) error {
	report, err := cli.RunFleet(ctx, o.Factory, o.sel, nil, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) ([]pinniped.Finding, error) {
		var info *pinniped.Info
		pi, ok, err := kc.ReadPinnipedInfo(ctx, t.Clients.Dynamic)
		if err != nil {
			return nil, err
		}
		if ok {
			info = &pinniped.Info{Issuer: pi.Issuer, CABundle: pi.IssuerCABase}
		}
		// --request-timeout bounds each issuer probe as it bounds each API request.
		return pinniped.Status(ctx, t.Clients.Dynamic, o.Suffix, info, oidc.ProbeIssuer, t.Clients.Config.Timeout)
	})
	if err != nil {
		return err
	}
	if err := report.Alone(); err != nil {
		return err
	}
	var rows []Row
	failures, healthy := 0, 0
	// A target that could not be checked is itself a finding of a doctor:
	// an error row, so the run fails whatever --strict says.
	for i, r := range report.Results {
		if r.Err != nil {
			rows = append(rows, Row{Cluster: r.Target, Finding: pinniped.Finding{Severity: pinniped.SeverityError, Object: "cluster", Cause: report.Message(i)}})
			failures++
			continue
		}
		for _, fd := range r.Value {
			switch fd.Severity {
			case pinniped.SeverityError:
				failures++
			case pinniped.SeverityOK:
				healthy++
				if !o.All && o.Output.Human() {
					continue
				}
			}
			rows = append(rows, Row{Cluster: r.Target, Finding: fd})
		}
	}
	if !o.Output.Human() {
		if rows == nil {
			rows = []Row{}
		}
		if err := o.Output.PrintData(o.Streams.Out, rows); err != nil {
			return err
		}
	} else {
		t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER"}, {Header: "SEVERITY"}, {Header: "OBJECT"}, {Header: "CAUSE"}, {Header: "FIX"}}}
		if !report.IsFleet() {
			t.Columns = t.Columns[1:]
		}
		for _, r := range rows {
			cells := []string{r.Severity, r.Object, r.Cause, cmdutil.OrDash(r.Fix)}
			if len(t.Columns) == 5 {
				cells = append([]string{r.Cluster}, cells...)
			}
			t.Rows = append(t.Rows, cells)
		}
		if len(rows) > 0 {
			if err := t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders); err != nil {
				return err
			}
		}
		fmt.Fprintf(o.Streams.ErrOut, "%d error(s), %d other finding(s), %d healthy object(s)\n", failures, len(rows)-failures-boolInt(o.All, healthy), healthy)
	}
	if failures > 0 {
		return explain.Failure()
	}
	return nil
}

func boolInt(b bool, n int) int {
	if b {
		return n
	}
	return 0
}
