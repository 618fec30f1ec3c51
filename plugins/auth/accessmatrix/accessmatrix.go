// Package accessmatrix implements `kubectl tko auth access-matrix`:
// resources × verbs you (or an impersonated subject) may use, as rakkess
// shows them.
package accessmatrix

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	authzv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/access"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Options holds the flags of `auth access-matrix`.
type Options struct {
	Factory       *cli.Factory
	Streams       genericiooptions.IOStreams
	Output        *cli.OutputFlags
	ServiceAcct   string
	ClusterScoped bool
	namespace     string
	as            string // --as as given, before --sa replaces it
}

// NewCmd returns the access-matrix command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "access-matrix [-n NAMESPACE] [--as USER | --as-group GROUP | --sa NAMESPACE:NAME] [--cluster-scoped]",
		Short: "Show which verbs you may use on which resources, as a matrix",
		Long: cmdutil.LongDesc(`
			For every resource the cluster serves, whether get, list, watch, create,
			update, patch and delete are allowed: for the namespaced resources of -n (or
			the context's namespace) from one SelfSubjectRulesReview, and with
			--cluster-scoped for the cluster-scoped resources from
			SelfSubjectAccessReviews. kubectl's --as and --as-group, or --sa, ask for
			another subject (you need the right to impersonate it).`),
		Example: cmdutil.Examples(`
			kubectl tko auth access-matrix -n team-a
			kubectl tko auth access-matrix -n team-a --as oidc:alice@example.com
			kubectl tko auth access-matrix --sa tkg-system:kapp-controller-sa --cluster-scoped -o json`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.ServiceAcct, "sa", "", "Ask for this service account (NAMESPACE:NAME), by impersonation.")
	cmd.Flags().BoolVar(&o.ClusterScoped, "cluster-scoped", false, "Also the cluster-scoped resources (one access review per resource and verb).")
	return cmd
}

// Complete sets the impersonation of --sa before any client is built.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, _ []string) error {
	o.as = f.Overrides.AuthInfo.Impersonate
	if o.ServiceAcct != "" && o.as == "" {
		ns, name, ok := strings.Cut(o.ServiceAcct, ":")
		if !ok || ns == "" || name == "" {
			return cmdutil.Usagef("--sa %q is not NAMESPACE:NAME", o.ServiceAcct)
		}
		user := "system:serviceaccount:" + ns + ":" + name
		f.Overrides.AuthInfo.Impersonate = user
	}
	ns, err := f.Namespace()
	o.namespace = ns
	return err
}

// Validate checks -o and --sa against --as.
func (o *Options) Validate() error {
	if o.ServiceAcct != "" && o.as != "" {
		return cmdutil.FlagErrorf("--sa and --as cannot be used together: --sa NAMESPACE:NAME impersonates the service account")
	}
	return o.Output.Validate()
}

// Run asks the API server and prints the matrix.
func (o *Options) Run(ctx context.Context) error {
	cfg, err := o.Factory.RESTConfig()
	if err != nil {
		return err
	}
	cs, err := kube.NewREST(cfg)
	if err != nil {
		return err
	}
	namespaced, cluster, err := o.resources()
	if err != nil {
		return err
	}
	review, err := kube.Create[authzv1.SelfSubjectRulesReview](ctx, cs, access.SelfSubjectRulesReviews, "", &authzv1.SelfSubjectRulesReview{
		Spec: authzv1.SelfSubjectRulesReviewSpec{Namespace: o.namespace}})
	if err != nil {
		return err
	}
	if review.Status.Incomplete {
		fmt.Fprintf(o.Streams.ErrOut, "warning: the rules review is incomplete (%s): a 'no' may still be allowed\n", cmdutil.OrDash(review.Status.EvaluationError))
	}
	rows := access.FromRulesReview(review.Status.ResourceRules, namespaced)
	if o.ClusterScoped {
		rows = append(rows, o.reviewEach(ctx, cs, cluster)...)
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, rows)
	}
	cols := []cmdutil.Column{{Header: "NAME"}}
	for _, v := range access.Verbs {
		cols = append(cols, cmdutil.Column{Header: strings.ToUpper(v)})
	}
	t := cmdutil.Table{Columns: cols}
	yes, no := "yes", "no"
	if cmdutil.IsTerminal(o.Streams.Out) {
		yes, no = "✔", "✖"
	}
	for _, r := range rows {
		cells := []string{r.Name()}
		for _, v := range access.Verbs {
			cell := no
			if r.Allowed[v] {
				cell = yes
			}
			cells = append(cells, cell)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

// resources lists the served resources that support the matrix verbs.
func (o *Options) resources() (namespaced, cluster []access.Resource, err error) {
	disc, err := o.Factory.Discovery()
	if err != nil {
		return nil, nil, err
	}
	lists, err := disc.ServerPreferredResources()
	if err != nil && len(lists) == 0 {
		return nil, nil, err
	}
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") || !contains(r.Verbs, "get") && !contains(r.Verbs, "create") {
				continue
			}
			res := access.Resource{Group: gv.Group, Resource: r.Name, Namespaced: r.Namespaced}
			if r.Namespaced {
				namespaced = append(namespaced, res)
			} else {
				cluster = append(cluster, res)
			}
		}
	}
	byName := func(s []access.Resource) {
		sort.Slice(s, func(i, j int) bool { return s[i].Name() < s[j].Name() })
	}
	byName(namespaced)
	byName(cluster)
	return namespaced, cluster, nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// reviewEach asks a SelfSubjectAccessReview per resource and verb, eight at a time.
func (o *Options) reviewEach(ctx context.Context, cs *kube.REST, resources []access.Resource) []access.Row {
	rows := make([]access.Row, len(resources))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, res := range resources {
		rows[i] = access.Row{Resource: res, Allowed: map[string]bool{}}
		for _, verb := range access.Verbs {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int, res access.Resource, verb string) {
				defer wg.Done()
				defer func() { <-sem }()
				r, err := kube.Create[authzv1.SelfSubjectAccessReview](ctx, cs, access.SelfSubjectAccessReviews, "", &authzv1.SelfSubjectAccessReview{Spec: authzv1.SelfSubjectAccessReviewSpec{
					ResourceAttributes: &authzv1.ResourceAttributes{Verb: verb, Group: res.Group, Resource: res.Resource}}})
				mu.Lock()
				rows[i].Allowed[verb] = err == nil && r.Status.Allowed
				mu.Unlock()
			}(i, res, verb)
		}
	}
	wg.Wait()
	return rows
}
