package attach

import (
	"context"
	"io"
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// stackFlags are the flags a stack intent takes of the others: its file,
// and the default namespace of installs the stack places nowhere.
var stackFlags = []string{"filename", "install-namespace"}

// readStack reads the PackageStack of a stack intent (the format of
// 'package apply'); it is resolved in Run.
func readStack(group, file string, args []string, in io.Reader) (*carvel.Stack, error) {
	if len(args) != 0 || file == "" {
		return nil, cmdutil.FlagErrorf("give the stack as a file: attach %s stack -f STACK.yaml (the stack's metadata.name names the intent)", group)
	}
	raw, err := yamldoc.ReadFile(file, in)
	if err != nil {
		return nil, err
	}
	st, err := carvel.ParseStack(file, raw)
	if err != nil {
		return nil, err
	}
	if st.Name == "" {
		return nil, cmdutil.Usagef("%s: the stack needs a metadata.name: it names the intent and its Apps", file)
	}
	return st, nil
}

// resolveStack resolves every install of the stack in the management
// cluster's catalogs and checks its values against the package's schema,
// as 'package apply' does, before anything is written.
func resolveStack(ctx context.Context, c *kube.Clients, st *carvel.Stack, namespace string, in *groups.Intent) error {
	resolved, err := (&carvel.Client{Dyn: c.Dynamic, Namespace: namespace}).ResolveStack(ctx, st, os.ReadFile)
	if err != nil {
		return err
	}
	stack := &groups.StackIntent{}
	for _, r := range resolved {
		p := groups.PackageIntent{Name: r.Spec.Name, RefName: r.Spec.Package.Spec.RefName, Version: r.Spec.Package.Spec.Version,
			Constraint: r.Spec.Constraint, Namespace: r.Spec.Namespace, DependsOn: r.DependsOn}
		if r.Spec.Values != nil && !r.Spec.Values.Empty() {
			p.Values = r.Spec.Values
		}
		stack.Installs = append(stack.Installs, p)
	}
	in.Stack = stack
	return nil
}
