package attach

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
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
}

// AddFlags registers the package flags.
func (p *PackageFlags) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&p.Package, "package", "p", "", "package: the package to install, e.g. cert-manager.tanzu.vmware.com.")
	cmd.Flags().StringVar(&p.Version, "version", "", "package: exact version (default: the newest the management cluster's repositories offer).")
	cmd.Flags().StringVar(&p.VersionConstraint, "version-constraint", "", "package: newest version within a semver constraint, kept by each member's kapp-controller.")
	cmd.Flags().StringVar(&p.ValuesFile, "values-file", "", "package: not taken yet (values would be readable in the group's objects); refused.")
	cmd.Flags().StringArrayVar(&p.Values, "values", nil, "package: not taken yet, as --values-file.")
	cmd.Flags().StringVar(&p.Namespace, "install-namespace", "tkg-system", "package: the namespace of the PackageInstall in each member (it must exist there).")
}

// validate checks the flags; the package is resolved in Run.
func (p *PackageFlags) validate(group string, args []string, _ io.Reader) error {
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
	// Values may hold credentials, and a group keeps its intents in a
	// ConfigMap and its Apps inline: refused until they live in Secrets.
	return cmdutil.Usagef("a group's package takes no values yet: they would be kept readable in the group's ConfigMap and Apps; attach it with its defaults, or give values per cluster with 'kubectl tko package install --cluster NAME ... --values-file FILE'")
}

// resolve picks the version in the management cluster's catalog before
// anything is written, as 'package install' does.
func (p *PackageFlags) resolve(ctx context.Context, c *kube.Clients, in *groups.Intent) error {
	cat, err := (&carvel.Client{Dyn: c.Dynamic, Namespace: p.Namespace}).LoadCatalog(ctx, p.Namespace)
	if err != nil {
		return err
	}
	pkg, err := cat.Resolve(p.Package, p.Version, p.VersionConstraint)
	if err != nil {
		return err
	}
	constraint := p.VersionConstraint
	if constraint == "" {
		constraint = pkg.Spec.Version
	}
	in.Package = &groups.PackageIntent{RefName: pkg.Spec.RefName, Version: pkg.Spec.Version, Constraint: constraint, Namespace: p.Namespace}
	return nil
}
