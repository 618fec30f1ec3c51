// Package report implements `kubectl tko observe report`.
package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe/promapi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/posture"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// requestsQuery is the API server's request rate by response code.
const requestsQuery = `sum by (code) (rate(apiserver_request_total[5m]))`

// Options holds the flags and state of `observe report`.
type Options struct {
	Factory    *cli.Factory
	Streams    genericiooptions.IOStreams
	Targets    common.Targets
	Prometheus *common.API
	cmd        *cobra.Command

	HTML         string
	Range        time.Duration
	NoPrometheus bool
	CertsWithin  string

	certsWithin time.Duration
}

// NewCmd returns the report command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Prometheus: common.NewPrometheus(), Range: time.Hour, CertsWithin: "30d"}
	cmd := &cobra.Command{
		Use:   "report --html FILE [-n NS | -A] [--all-workload-clusters | --all-contexts]",
		Short: "Write a self-contained HTML report of health and capacity, with charts",
		Long: cmdutil.LongDesc(`
			Write what 'observe health' and 'observe capacity' report, for one cluster
			or the fleet, as one HTML file to keep or send: findings by area, CPU and
			memory requests against each node's allocatable, and the tables behind
			them; for the current cluster, the API server's request rate over --range
			from Prometheus when it answers. On a management cluster, a section lists
			its workload clusters' certificates as 'cluster inspect certs' does, those
			expiring within --certificates-within (or broken) first. Each cluster's
			section lists its failed security-posture checks as 'cluster inspect
			security' does, errors first, with the objects and the fix. Styles and SVG
			charts are inlined: the file loads nothing from the network.

			Exit codes: 0 when written (whatever it reports), 2 for bad flags, and
			the usual codes when the current cluster cannot be read.`),
		Example: cmdutil.Examples(`
			# This cluster, every namespace
			kubectl tko observe report --html report.html -A

			# The fleet of workload clusters, without asking Prometheus
			kubectl tko observe report --html fleet.html -A --all-workload-clusters --no-prometheus`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().StringVar(&o.HTML, "html", "", "Write the report to this file (- for standard output).")
	cmd.Flags().DurationVar(&o.Range, "range", o.Range, "How far back the Prometheus chart goes.")
	cmd.Flags().BoolVar(&o.NoPrometheus, "no-prometheus", false, "Do not ask Prometheus for the request-rate chart.")
	cmd.Flags().StringVar(&o.CertsWithin, "certificates-within", o.CertsWithin, "In the certificate section, mark certificates expiring within this window: days (30d) or a duration (720h).")
	_ = cmd.MarkFlagFilename("html", "html")
	o.Targets.AddFlags(cmd)
	o.Prometheus.AddFlags(cmd)
	return cmd
}

// Complete keeps the command for flag checks.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, _ []string) error {
	o.cmd = cmd
	return nil
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	if o.HTML == "" {
		return cmdutil.FlagErrorf("--html FILE is required")
	}
	if o.Range <= 0 {
		return cmdutil.FlagErrorf("--range must be positive")
	}
	d, err := certs.ParseWithin(o.CertsWithin)
	if err != nil {
		return cmdutil.FlagErrorf("--certificates-within: %v", err)
	}
	o.certsWithin = d
	if err := o.Targets.Validate(o.Factory); err != nil {
		return err
	}
	return o.Prometheus.Validate(o.cmd)
}

type reading struct {
	health       *observe.Health
	capacity     *observe.Capacity
	security     []posture.Result
	securityNote string
}

// Run reads every target, asks Prometheus, and writes the file.
func (o *Options) Run(ctx context.Context) error {
	run, err := common.Run(ctx, o.Factory, o.Targets, o.Streams.ErrOut, func(ctx context.Context, c *kube.Clients, ns string) (reading, error) {
		h, err := observe.ReadHealth(ctx, c, ns)
		if err != nil {
			return reading{}, err
		}
		capa, err := observe.ReadCapacity(ctx, c, ns, "node", 10)
		if err != nil {
			return reading{}, err
		}
		r := reading{health: h, capacity: capa}
		// The posture is the cluster's, whatever the namespace; a posture
		// that cannot be read is a note, not a cluster that failed.
		s, err := posture.Collect(ctx, c.Config)
		if err != nil {
			r.securityNote = strings.TrimSpace(explain.Message(err))
		} else {
			r.security = observe.SecurityFindings(posture.Evaluate("", s, nil, nil))
			if len(r.security) == 0 {
				r.securityNote = "every check passed"
			}
		}
		return r, nil
	})
	if err != nil {
		return err
	}
	ns, _ := o.Factory.Namespace()
	rep := &observe.Report{Title: "TKO cluster report", Generated: time.Now(), Scope: "namespace " + ns}
	if o.Targets.AllNamespaces {
		rep.Scope = "all namespaces"
	}
	for i, r := range run.Results {
		rep.Clusters = append(rep.Clusters, observe.ReportCluster{Name: r.Target, Health: r.Value.health, Capacity: r.Value.capacity, Error: run.Message(i),
			Security: r.Value.security, SecurityNote: r.Value.securityNote})
	}
	if !run.IsFleet() && !o.NoPrometheus {
		rep.Requests, rep.PrometheusNote = o.requests(ctx)
	}
	rep.Certificates, rep.CertificatesNote = o.certificates(ctx)
	rep.CertificatesWithin = o.CertsWithin
	var buf bytes.Buffer
	if err := observe.WriteHTML(&buf, rep); err != nil {
		return err
	}
	if o.HTML == "-" {
		if _, err := o.Streams.Out.Write(buf.Bytes()); err != nil {
			return err
		}
		return run.Exit()
	}
	if err := os.WriteFile(o.HTML, buf.Bytes(), 0o644); err != nil { //nolint:gosec // a report to share
		return fmt.Errorf("writing the report: %w", err)
	}
	fmt.Fprintf(o.Streams.Out, "report written to %s (%d cluster(s))\n", o.HTML, len(rep.Clusters))
	return run.Exit()
}

// requests asks Prometheus for the request-rate chart; a Prometheus that
// cannot answer is a note in the report, not a failure.
func (o *Options) requests(ctx context.Context) ([]observe.Series, string) {
	p, err := o.Prometheus.Prometheus(o.Factory)
	if err == nil {
		now := time.Now()
		step := max(observe.StepFor(o.Range, 61), time.Second)
		var res *observe.Result
		if res, err = p.QueryRange(ctx, requestsQuery, promapi.Range{Start: now.Add(-o.Range), End: now, Step: step}, 6); err == nil {
			if len(res.Series) == 0 {
				return nil, "no API server request metrics yet"
			}
			return res.Series, ""
		}
	}
	return nil, strings.TrimSpace(explain.Message(o.Prometheus.Word(err)))
}

// certificates inspects the certificates of the current context's
// workload clusters; a context that is no management cluster, or that
// cannot be read, is a note in the report, not a failure.
func (o *Options) certificates(ctx context.Context) ([]certs.Row, string) {
	c, err := o.Factory.Connect(capi.Requirement)
	if err != nil {
		var notServed *errs.NotServedError
		if errors.As(err, &notServed) {
			return nil, "the current context is not a management cluster (it does not serve cluster.x-k8s.io)"
		}
		return nil, strings.TrimSpace(explain.Message(err))
	}
	api, err := capi.FromServed(c.Served)
	if err != nil {
		return nil, strings.TrimSpace(explain.Message(err))
	}
	ns := c.Namespace
	if o.Targets.AllNamespaces {
		ns = metav1.NamespaceAll
	}
	clusters, err := certs.WorkloadClusters(ctx, c.Dynamic, api, ns)
	if err != nil {
		return nil, strings.TrimSpace(explain.Message(err))
	}
	if len(clusters) == 0 {
		return nil, "no workload clusters in " + map[bool]string{true: "any namespace", false: "namespace " + ns}[ns == ""]
	}
	timeout := c.Config.Timeout
	m := certs.Management{Dyn: c.Dynamic, API: api, DialTimeout: certs.DefaultDialTimeout, Tune: func(cfg *rest.Config) { cfg.Timeout = timeout }}
	m.LoadADCs(ctx)
	rows := certs.InspectAll(ctx, m, clusters, certs.Clock{Now: time.Now(), Within: o.certsWithin}, fleet.Options{Timeout: fleet.DefaultTimeout})
	observe.SortCertificates(rows)
	return rows, ""
}
