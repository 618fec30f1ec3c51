package inspect

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	tkocerts "github.com/vmware-tanzu-labs/kubectl-tko/internal/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/posture"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/inspect/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/inspect/security"
)

// Options holds the flags of `cluster inspect` itself: both inspections,
// summed up a line per cluster.
type Options struct {
	Factory       *cli.Factory
	Streams       genericiooptions.IOStreams
	Output        *cli.OutputFlags
	Names         []string
	AllNamespaces bool
	Within        string

	certs    *certs.Options
	security *security.Options
}

// Line is one cluster of the summary.
type Line struct {
	Cluster        string     `json:"cluster"` // namespace/name
	EarliestExpiry *time.Time `json:"earliestExpiry,omitempty"`
	DaysLeft       *int       `json:"daysLeft,omitempty"`
	Errors         int        `json:"errors"`   // certificate findings and error-level checks failing
	Warnings       int        `json:"warnings"` // warning-level checks failing
	Unchecked      int        `json:"unchecked"`
}

// Summary is what -o json prints: the lines and both reports whole.
type Summary struct {
	Clusters []Line          `json:"clusters"`
	Certs    tkocerts.Report `json:"certs"`
	Security posture.Report  `json:"security"`
}

func (o *Options) addFlags(cmd *cobra.Command) {
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "Inspect the workload clusters of every namespace.")
	cmd.Flags().StringVar(&o.Within, "within", "30d", "Count certificates expiring within this window as errors: days (30d) or a duration (720h).")
}

// Complete takes the cluster names.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.Factory = f
	var err error
	if o.Names, err = common.ParseNames(args); err != nil {
		return err
	}
	o.certs = certs.NewOptions(f, o.Streams)
	o.certs.Names, o.certs.AllNamespaces, o.certs.Within = o.Names, o.AllNamespaces, o.Within
	o.security = security.NewOptions(f, o.Streams)
	return o.certs.Complete(f, cmd, args)
}

// Validate checks the flags before anything connects.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if f := o.Output.Format(); f == "name" || strings.HasPrefix(f, "custom-columns") {
		return cmdutil.FlagErrorf("-o %s applies to Kubernetes objects; this is a report: use -o json, yaml or jsonpath", f)
	}
	if err := o.certs.Validate(); err != nil {
		return err
	}
	if err := o.security.Validate(); err != nil {
		return err
	}
	// The same workload clusters: those named, or all of them (only those
	// certs picked are kept below, as it picks the namespace's by default).
	if len(o.Names) > 0 {
		o.security.Selection.Clusters = o.Names
	} else {
		o.security.Selection.AllWorkloadClusters = true
	}
	return nil
}

// Run runs both inspections and prints a line per cluster.
func (o *Options) Run(ctx context.Context) error {
	cr, _, err := o.certs.Inspect(ctx)
	if err != nil {
		return err
	}
	sr, err := o.security.Inspect(ctx)
	if err != nil {
		return err
	}
	s := Summary{Certs: cr, Security: sr, Clusters: summarize(cr, sr)}
	if !o.Output.Human() {
		if err := o.Output.PrintData(o.Streams.Out, s); err != nil {
			return err
		}
	} else if err := o.print(s.Clusters); err != nil {
		return err
	}
	if cr.Failed(false) || sr.Failed(false) {
		return explain.Failure()
	}
	return nil
}

func summarize(cr tkocerts.Report, sr posture.Report) []Line {
	lines := map[string]*Line{}
	var order []string
	line := func(cluster string) *Line {
		if l, ok := lines[cluster]; ok {
			return l
		}
		l := &Line{Cluster: cluster}
		lines[cluster] = l
		order = append(order, cluster)
		return l
	}
	for _, r := range cr.Certificates {
		l := line(r.Cluster)
		if r.NotAfter != nil && (l.EarliestExpiry == nil || r.NotAfter.Before(*l.EarliestExpiry)) {
			l.EarliestExpiry, l.DaysLeft = r.NotAfter, r.DaysLeft
		}
		switch {
		case r.Finding():
			l.Errors++
		case r.Unchecked():
			l.Unchecked++
		}
	}
	skipped := map[string]bool{} // nothing in the cluster to check yet
	for _, r := range cr.Certificates {
		if r.Status == tkocerts.StatusSkipped {
			skipped[r.Cluster] = true
		}
	}
	checked := map[string]bool{}
	for _, r := range sr.Results {
		l, ok := lines[r.Cluster]
		if !ok {
			continue // a cluster certs did not pick (another namespace)
		}
		checked[r.Cluster] = true
		switch {
		case r.Status == posture.StatusUnchecked:
			l.Unchecked++
		case !r.Finding():
		case r.Severity == posture.SeverityError:
			l.Errors++
		default:
			l.Warnings++
		}
	}
	for c, l := range lines {
		if !checked[c] && !skipped[c] {
			l.Unchecked++ // its posture was not checked (the fleet skipped it): not clean
		}
	}
	sort.Strings(order)
	out := make([]Line, 0, len(order))
	for _, c := range order {
		out = append(out, *lines[c])
	}
	return out
}

func (o *Options) print(lines []Line) error {
	t := cmdutil.Table{}
	for _, h := range []string{"CLUSTER", "EARLIEST EXPIRY", "DAYS LEFT", "ERRORS", "WARNINGS", "UNCHECKED"} {
		t.Columns = append(t.Columns, cmdutil.Column{Header: h})
	}
	for _, l := range lines {
		expiry, days := "-", "-"
		if l.EarliestExpiry != nil {
			expiry = l.EarliestExpiry.Format(time.RFC3339)
		}
		if l.DaysLeft != nil {
			days = fmt.Sprint(*l.DaysLeft)
		}
		t.Rows = append(t.Rows, []string{l.Cluster, expiry, days, fmt.Sprint(l.Errors), fmt.Sprint(l.Warnings), fmt.Sprint(l.Unchecked)})
	}
	if err := t.Print(o.Streams.Out, false, o.Output.NoHeaders); err != nil {
		return err
	}
	fmt.Fprintln(o.Streams.ErrOut, "inspect: the rows behind these counts: 'kubectl tko cluster inspect certs' and 'kubectl tko cluster inspect security'")
	return nil
}
