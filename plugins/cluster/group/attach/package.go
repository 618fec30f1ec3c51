package attach

import (
	"context"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/install"
)

// packageFlags are the flags of a package intent.
var packageFlags = []string{"package", "version", "version-constraint", "values-file", "values", "install-namespace"}

// PackageFlags hold what a package intent installs.
type PackageFlags struct {
	Package           string
	Version           string
	VersionConstraint string
	ValuesFile        string
	Values            []string
	Namespace         string

	values *carvel.Values
}

// AddFlags registers the package flags.
func (p *PackageFlags) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&p.Package, "package", "p", "", "package: the package to install, e.g. cert-manager.tanzu.vmware.com.")
	cmd.Flags().StringVar(&p.Version, "version", "", "package: exact version (default: the newest the management cluster's repositories offer).")
	cmd.Flags().StringVar(&p.VersionConstraint, "version-constraint", "", "package: newest version within a semver constraint, kept by each member's kapp-controller.")
	cmd.Flags().StringVar(&p.ValuesFile, "values-file", "", "package: YAML file of values ('-' reads standard input), checked against the package's values schema and kept only in Secrets.")
	cmd.Flags().StringArrayVar(&p.Values, "values", nil, "package: a value as KEY=VALUE (dotted keys for nested values); repeatable, applied over --values-file.")
	cmd.Flags().StringVar(&p.Namespace, "install-namespace", "tkg-system", "package: the namespace of the PackageInstall in each member (it must exist there).")
}

// validate checks the flags; the package is resolved in Run.
func (p *PackageFlags) validate(group string, args []string, in io.Reader) error {
	if len(args) != 1 {
		return cmdutil.FlagErrorf("give the install's NAME: attach %s package NAME --package REFNAME", group)
	}
	if p.Package == "" {
		return cmdutil.FlagErrorf("missing --package REFNAME (list them with 'kubectl tko package available list')")
	}
	if p.Version != "" && p.VersionConstraint != "" {
		return cmdutil.FlagErrorf("--version and --version-constraint are exclusive")
	}
	values, err := p.request(in).LoadValues()
	if err != nil {
		return err
	}
	p.values = values
	return nil
}

// request is the part of 'package install' that reads and checks values.
func (p *PackageFlags) request(in io.Reader) *install.Request {
	return &install.Request{Streams: genericiooptions.IOStreams{In: in}, Package: p.Package, ValuesFile: p.ValuesFile, Values: p.Values}
}

// resolve picks the version in the management cluster's catalog before
// anything is written, as 'package install' does.
func (p *PackageFlags) resolve(ctx context.Context, c *kube.Clients, in *groups.Intent) error {
	cat, err := (&carvel.Client{Dyn: c.Dynamic, Namespace: p.Namespace}).LoadCatalog(ctx, p.Namespace)
	if err != nil {
		return err
	}
	pkg, constraint, err := p.request(nil).Resolve(cat, p.Version, p.VersionConstraint, p.values)
	if err != nil {
		return err
	}
	in.Package = &groups.PackageIntent{RefName: pkg.Spec.RefName, Version: pkg.Spec.Version, Constraint: constraint, Namespace: p.Namespace, Values: p.values}
	return nil
}
