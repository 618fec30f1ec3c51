// Package kick implements `kubectl tko package repository kick`.
package kick

import (
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `repository kick`.
type Options struct{ common.KickOptions }

// NewCmd returns `repository kick`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{common.NewKickOptions(streams, "PackageRepository", 5*time.Minute)}
	cmd := &cobra.Command{
		Use:               "kick NAME",
		Short:             "Make kapp-controller fetch a package repository again now",
		Example:           cmdutil.Examples(`kubectl tko package repository kick tanzu-standard -n tkg-system --wait`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteRepositories(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "repository")
	return cmd
}
