package attach

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
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
	cmd.Flags().StringVar(&p.ValuesFile, "values-file", "", "package: YAML file of values ('-' reads standard input).")
	cmd.Flags().StringArrayVar(&p.Values, "values", nil, "package: a value as KEY=VALUE (dotted keys); repeatable, applied over --values-file.")
	cmd.Flags().StringVar(&p.Namespace, "install-namespace", "tkg-system", "package: the namespace of the PackageInstall in each member (it must exist there).")
}

// validate reads the values whole; the package is resolved in Run.
func (p *PackageFlags) validate(group string, args []string, stdin io.Reader) error {
	if len(args) != 1 {
		return cmdutil.FlagErrorf("give the install's NAME: attach %s package NAME --package REFNAME", group)
	}
	if p.Package == "" {
		return cmdutil.FlagErrorf("missing --package REFNAME (list them with 'kubectl tko package available list')")
	}
	if p.Version != "" && p.VersionConstraint != "" {
		return cmdutil.FlagErrorf("--version and --version-constraint are exclusive")
	}
	if p.ValuesFile == "" && len(p.Values) == 0 {
		return nil
	}
	var raw []byte
	if p.ValuesFile != "" {
		var err error
		if raw, err = yamldoc.ReadFile(p.ValuesFile, stdin); err != nil {
			return err
		}
	}
	vals, err := carvel.LoadValues(p.ValuesFile, raw, p.Values)
	var setting *carvel.SettingError
	if errors.As(err, &setting) {
		return cmdutil.Usagef("--values %q: %s", setting.Setting, setting.Reason)
	}
	p.values = vals
	return err
}

// resolve picks the version in the management cluster's catalog and checks
// the values against its schema, every problem at once, before anything
// is written: the same checks as 'package install'.
func (p *PackageFlags) resolve(ctx context.Context, c *kube.Clients, in *groups.Intent) error {
	cat, err := (&carvel.Client{Dyn: c.Dynamic, Namespace: p.Namespace}).LoadCatalog(ctx, p.Namespace)
	if err != nil {
		return err
	}
	pkg, err := cat.Resolve(p.Package, p.Version, p.VersionConstraint)
	if err != nil {
		return err
	}
	if p.values != nil {
		if problems := p.values.Validate(pkg.Spec.ValuesSchema.OpenAPIv3); len(problems) > 0 {
			return carvel.ValuesProblems(pkg.Name, problems)
		}
	}
	constraint := p.VersionConstraint
	if constraint == "" {
		constraint = pkg.Spec.Version
	}
	in.Package = &groups.PackageIntent{RefName: pkg.Spec.RefName, Version: pkg.Spec.Version, Constraint: constraint, Namespace: p.Namespace}
	if p.values != nil {
		in.Package.Values = p.values.Data
	}
	return nil
}
