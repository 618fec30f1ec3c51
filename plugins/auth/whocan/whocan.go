// Package whocan implements `kubectl tko auth who-can`: the subjects RBAC
// bindings allow an action, as kubectl-who-can reports them.
package whocan

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/access"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Options holds the flags of `auth who-can`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Query   access.Query
	raw     string
}

// NewCmd returns the who-can command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "who-can VERB RESOURCE[/SUBRESOURCE][/NAME] [-n NAMESPACE]",
		Short: "List the users, groups and service accounts RBAC allows an action, and through which binding",
		Long: cmdutil.LongDesc(`
			Read the cluster's ClusterRoleBindings and the RoleBindings of the namespace
			(-n, or the context's), and list every subject whose role allows VERB on
			RESOURCE (named like kubectl names it: pods, deployments.apps,
			clusters.cluster.x-k8s.io, pods/log), optionally one object by NAME, with the
			binding and role that allow it. Cluster-scoped resources ignore the
			namespace. Reading bindings needs RBAC read access; the answer is what the
			bindings say (the API server may also allow through other authorizers).`),
		Example: cmdutil.Examples(`
			kubectl tko auth who-can delete clusters.cluster.x-k8s.io -n team-a
			kubectl tko auth who-can get secrets/wc-1-kubeconfig -n team-a
			kubectl tko auth who-can create pods/exec -n default -o json`),
		Args: cmdutil.ExactArgs("VERB", "RESOURCE"),
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete reads VERB and RESOURCE and the namespace.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Query.Verb, o.raw = args[0], args[1]
	ns, err := f.Namespace()
	o.Query.Namespace = ns
	return err
}

// Validate checks -o and the resource's shape.
func (o *Options) Validate() error {
	if strings.Count(o.raw, "/") > 2 || strings.HasPrefix(o.raw, "/") {
		return cmdutil.Usagef("RESOURCE %q is not RESOURCE[/SUBRESOURCE][/NAME]", o.raw)
	}
	return o.Output.Validate()
}

// resolve maps the resource argument with the cluster's discovery.
func (o *Options) resolve() error {
	parts := strings.Split(o.raw, "/")
	gr := schema.ParseGroupResource(parts[0])
	// The factory says first what is wrong with the kubeconfig itself.
	if _, err := o.Factory.RESTConfig(); err != nil {
		return err
	}
	disc, err := o.Factory.Discovery()
	if err != nil {
		return err
	}
	gvr, res, ok, err := disc.ResourceFor(gr)
	if err != nil {
		// Discovery failed: the connection's own error says why.
		return err
	}
	if !ok {
		return &errs.NotFoundError{Kind: "resource type", Name: parts[0], Hint: "list them with 'kubectl api-resources'"}
	}
	o.Query.Group, o.Query.Resource = gvr.Group, gvr.Resource
	switch len(parts) {
	case 2:
		// pods/log is a subresource; pods/web-0 a name: discovery says which.
		if sub := gvr.Resource + "/" + parts[1]; disc.Serves(gvr.GroupVersion(), sub) {
			o.Query.Resource = sub
		} else {
			o.Query.Name = parts[1]
		}
	case 3:
		o.Query.Resource, o.Query.Name = gvr.Resource+"/"+parts[1], parts[2]
	}
	if !res.Namespaced {
		o.Query.Namespace = ""
	}
	return nil
}

// Run reads the bindings and prints the subjects.
func (o *Options) Run(ctx context.Context) error {
	if err := o.resolve(); err != nil {
		return err
	}
	cfg, err := o.Factory.RESTConfig()
	if err != nil {
		return err
	}
	cs, err := kube.NewREST(cfg)
	if err != nil {
		return err
	}
	rbac, err := access.LoadRBAC(ctx, cs, o.Query.Namespace)
	if err != nil {
		return err
	}
	matches := rbac.WhoCan(o.Query)
	if !o.Output.Human() {
		if matches == nil {
			matches = []access.Match{}
		}
		return o.Output.PrintData(o.Streams.Out, matches)
	}
	if len(matches) == 0 {
		fmt.Fprintf(o.Streams.ErrOut, "No binding allows %s.\n", o.what())
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "KIND"}, {Header: "NAME"}, {Header: "SA-NAMESPACE"}, {Header: "BINDING"}, {Header: "ROLE"}}}
	for _, m := range matches {
		t.Rows = append(t.Rows, []string{m.Kind, m.Name, cmdutil.OrDash(m.Namespace), m.Binding, m.Role})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

func (o *Options) what() string {
	q := o.Query
	res := q.Resource
	if q.Group != "" {
		res += "." + q.Group
	}
	s := q.Verb + " " + res
	if q.Name != "" {
		s += " " + q.Name
	}
	if q.Namespace != "" {
		s += " in namespace " + q.Namespace
	}
	return s
}
