// Package common holds what the `kubectl tko observe` verbs share: how they
// reach Prometheus and Alertmanager (the service proxy or a URL), the
// wording of their errors, and the scope of the cluster-reading verbs.
package common

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe/promapi"
)

// API is how a verb reaches Prometheus or Alertmanager: through the API
// server's service proxy (the Service of TKG's package, or --X-service),
// or directly with --X-url.
type API struct {
	Component observe.Component
	URL       string
	Service   string
	flag      string // "prometheus" or "alertmanager"
	svc       observe.Service
}

// NewPrometheus returns the Prometheus flags' target.
func NewPrometheus() *API {
	return &API{Component: observe.Prometheus, flag: "prometheus", svc: observe.PrometheusService}
}

// NewAlertmanager returns the Alertmanager flags' target.
func NewAlertmanager() *API {
	return &API{Component: observe.Alertmanager, flag: "alertmanager", svc: observe.AlertmanagerService}
}

// AddFlags registers --X-url and --X-service.
func (a *API) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.URL, a.flag+"-url", "", fmt.Sprintf("Reach %s at this URL (a port-forward, monitoring outside the cluster) instead of through the API server.", a.Component))
	cmd.Flags().StringVar(&a.Service, a.flag+"-service", a.svc.String(), fmt.Sprintf("The %s Service the API server proxies to, NAMESPACE/NAME:PORT.", a.Component))
	_ = cmd.RegisterFlagCompletionFunc(a.flag+"-url", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc(a.flag+"-service", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{a.svc.String()}, cobra.ShellCompDirectiveNoFileComp
	})
}

// Validate checks the flags before any connection.
func (a *API) Validate(cmd *cobra.Command) error {
	if a.URL != "" && cmd.Flags().Changed(a.flag+"-service") {
		return cmdutil.FlagErrorf("--%s-url and --%s-service are exclusive", a.flag, a.flag)
	}
	if a.URL != "" {
		if _, err := observe.Direct(a.Component, a.URL); err != nil {
			return cmdutil.FlagErrorf("--%s-url: %v", a.flag, err)
		}
		return nil
	}
	svc, err := observe.ParseService(a.Service)
	if err != nil {
		return cmdutil.FlagErrorf("--%s-service: %v", a.flag, err)
	}
	a.svc = svc
	return nil
}

// Endpoint connects: directly to the URL, or through the current
// context's API server.
func (a *API) Endpoint(f *cli.Factory) (*observe.Endpoint, error) {
	if a.URL != "" {
		return observe.Direct(a.Component, a.URL)
	}
	cfg, err := f.RESTConfig()
	if err != nil {
		return nil, err
	}
	return observe.ThroughProxy(cfg, a.Component, a.svc)
}

// Prometheus returns a Prometheus client.
func (a *API) Prometheus(f *cli.Factory) (*promapi.PromClient, error) {
	ep, err := a.Endpoint(f)
	if err != nil {
		return nil, err
	}
	return promapi.NewPromClient(ep)
}

// Alertmanager returns an Alertmanager client.
func (a *API) Alertmanager(f *cli.Factory) (*observe.AMClient, error) {
	ep, err := a.Endpoint(f)
	if err != nil {
		return nil, err
	}
	return observe.NewAMClient(ep), nil
}

// Word turns the domain's errors into the one line the user reads, naming
// the flag that fixes them.
func (a *API) Word(err error) error {
	var (
		missing *observe.NotInstalledError
		down    *observe.UnreachableError
	)
	switch {
	case errors.As(err, &missing):
		install := "kubectl tko package install prometheus -p prometheus.tanzu.vmware.com -n tanzu-packages"
		return &Error{Msg: fmt.Sprintf("no %s found in %s (%s: %s): install it with '%s' or pass --%s-url",
			a.Component, missing.Service.Namespace, missing.Service, missing.Reason, install, a.flag), Kind: errs.ClassNotFound, Err: err}
	case errors.As(err, &down):
		return &Error{Msg: fmt.Sprintf("cannot reach %s at %s: %v; is the port-forward running and --%s-url right?", a.Component, down.URL, down.Err, a.flag),
			Kind: errs.ClassUnreachable, Err: err}
	}
	return err
}

// Error is a domain error worded for the command line.
type Error struct {
	Msg  string
	Kind errs.Class
	Err  error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the domain error.
func (e *Error) Unwrap() error { return e.Err }

// Class implements errs.Classed.
func (e *Error) Class() errs.Class { return e.Kind }

// Targets are the clusters and namespaces a cluster-reading verb reads:
// -n/-A and the fleet flags.
type Targets struct {
	AllNamespaces bool
	Fleet         *cli.FleetFlags
}

// AddFlags registers -A and the fleet flags.
func (s *Targets) AddFlags(cmd *cobra.Command) {
	s.Fleet = cli.NewFleetFlags()
	cmd.Flags().BoolVarP(&s.AllNamespaces, "all-namespaces", "A", false, "Look in every namespace.")
	s.Fleet.AddContextFlags(cmd, "")
	s.Fleet.AddClusterFlags(cmd, "Workload clusters to look at (comma-separated), through their kubeconfig Secrets on this management cluster.")
}

// Validate checks the fleet flags before any connection.
func (s *Targets) Validate(f *cli.Factory) error {
	_, err := s.Fleet.Selection(f)
	return err
}

// Sections is what the verbs that print a report per cluster share: the
// targets' flags, -o and the same checks. Such a verb's Options embed it and
// add their flags, a Validate that ends with the embedded one, and Run.
type Sections struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Targets Targets
}

// NewSections returns the shared options of a verb printing to streams.
func NewSections(f *cli.Factory, streams genericiooptions.IOStreams) Sections {
	return Sections{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
}

// AddFlags registers the targets' flags and -o.
func (s *Sections) AddFlags(cmd *cobra.Command) {
	s.Targets.AddFlags(cmd)
	s.Output.AddFlags(cmd)
}

// Complete has nothing to take: the targets are read in Run.
func (s *Sections) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks the fleet flags and -o before any connection.
func (s *Sections) Validate() error {
	if err := s.Targets.Validate(s.Factory); err != nil {
		return err
	}
	return s.Output.Validate()
}

// Report reads every target and prints a section per target, on a
// terminal each as its target answers; a target that could not be read is
// exit 1 with --strict.
func Report[T any](ctx context.Context, s *Sections, read func(ctx context.Context, c *kube.Clients, ns string) (T, error), print func(io.Writer, T) error) (*cli.FleetReport[T], error) {
	sel, err := s.Targets.Fleet.Selection(s.Factory)
	if err != nil {
		return nil, err
	}
	var stream *cli.SectionStream[T]
	var each func(int, fleet.Result[T])
	if cli.Streamed(s.Streams.Out, s.Output, sel) {
		stream = cli.NewSectionStream(s.Streams.Out, print)
		each = stream.Each
	}
	report, err := RunEach(ctx, s.Factory, s.Targets, s.Streams.ErrOut, read, each)
	if err != nil {
		return nil, err
	}
	if stream != nil {
		err = stream.Err
	} else {
		err = report.Sections(s.Streams.Out, s.Output, print)
	}
	if err != nil {
		return report, err
	}
	return report, report.Exit()
}

// Run calls read on every target with the namespace to read
// ("" for all), and returns the report of the run.
func Run[T any](ctx context.Context, f *cli.Factory, s Targets, errOut io.Writer, read func(ctx context.Context, c *kube.Clients, ns string) (T, error)) (*cli.FleetReport[T], error) {
	return RunEach(ctx, f, s, errOut, read, nil)
}

// RunEach is Run that hands each target's result to each as it answers.
func RunEach[T any](ctx context.Context, f *cli.Factory, s Targets, errOut io.Writer, read func(ctx context.Context, c *kube.Clients, ns string) (T, error), each func(int, fleet.Result[T])) (*cli.FleetReport[T], error) {
	sel, err := s.Fleet.Selection(f)
	if err != nil {
		return nil, err
	}
	return cli.RunFleetEach(ctx, f, sel, nil, errOut, func(ctx context.Context, t cli.Target) (T, error) {
		ns := t.Clients.Namespace
		if s.AllNamespaces {
			ns = metav1.NamespaceAll
		}
		return read(ctx, t.Clients, ns)
	}, each)
}

// APIOptions is what the verbs that talk to Prometheus or Alertmanager share:
// the factory, streams, -o, the API's flags, and the same flag checks.
type APIOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	API     *API
	cmd     *cobra.Command
}

// NewAPIOptions returns the shared options of a verb that talks to api.
func NewAPIOptions(f *cli.Factory, streams genericiooptions.IOStreams, api *API) APIOptions {
	return APIOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), API: api}
}

// AddFlags registers the API's flags and -o.
func (b *APIOptions) AddFlags(cmd *cobra.Command) {
	b.API.AddFlags(cmd)
	b.Output.AddFlags(cmd)
}

// Complete keeps the command, for the flag checks.
func (b *APIOptions) Complete(_ *cli.Factory, cmd *cobra.Command, _ []string) error {
	b.cmd = cmd
	return nil
}

// Validate checks the API's flags and -o before any connection.
func (b *APIOptions) Validate() error {
	if err := b.API.Validate(b.cmd); err != nil {
		return err
	}
	return b.Output.Validate()
}

// Finish flushes a table and says on stderr when it had no rows.
func Finish(w *cmdutil.RowWriter, errOut io.Writer, noHeaders bool, empty string) error {
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !noHeaders {
		fmt.Fprintln(errOut, empty)
	}
	return nil
}
