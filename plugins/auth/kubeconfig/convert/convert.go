// Package convert implements `kubectl tko auth kubeconfig convert`: swap
// the pinniped and tanzu login commands of a kubeconfig for ours.
package convert

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	kc "github.com/vmware-tanzu-labs/kubectl-tko/internal/kubeconfig"
)

// Options holds the flags of `auth kubeconfig convert`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	File    string
	InPlace bool
	DryRun  cmdutil.DryRun
}

// NewCmd returns the convert command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams}
	cmd := &cobra.Command{
		Use:   "convert [-f FILE] [--in-place] [--dry-run]",
		Short: "Swap pinniped and tanzu pinniped-auth logins in a kubeconfig for kubectl tko auth login",
		Long: cmdutil.LongDesc(`
			Rewrite every kubeconfig user whose exec plugin is 'pinniped login oidc' or
			'tanzu pinniped-auth login' to run 'kubectl tko auth login' with the same
			flags; other users, clusters and contexts are left as they are. The file is
			-f (default: the kubeconfig in use; - reads standard input). The result goes
			to standard output, or back into the file with --in-place (mode 0600).
			Each converted user is named on standard error.`),
		Example: cmdutil.Examples(`
			# See the converted kubeconfig
			kubectl tko auth kubeconfig convert -f ~/.kube/config-from-tanzu

			# Convert the kubeconfig in use, in place
			kubectl tko auth kubeconfig convert --in-place

			# Which users would change
			kubectl tko auth kubeconfig convert --in-place --dry-run`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().StringVarP(&o.File, "filename", "f", "", "The kubeconfig to convert (default: the one in use; - for standard input).")
	cmd.Flags().BoolVar(&o.InPlace, "in-place", false, "Write the result back into the file.")
	cmdutil.AddLocalDryRunFlag(cmd, &o.DryRun, "Name the users that would change, and write nothing",
		"convert rewrites a local kubeconfig file, which no API server can check")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml")
	return cmd
}

// Complete defaults the file to the kubeconfig in use.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, _ []string) error {
	if o.File == "" {
		o.File = f.KubeconfigPath()
	}
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.InPlace && o.File == "-" {
		return cmdutil.FlagErrorf("--in-place cannot write back to standard input")
	}
	return nil
}

// Run converts.
func (o *Options) Run(_ context.Context) error {
	var raw []byte
	var err error
	if o.File == "-" {
		raw, err = io.ReadAll(o.Streams.In)
	} else {
		raw, err = os.ReadFile(o.File)
	}
	if err != nil {
		return &errs.InputError{File: o.File, Err: err}
	}
	cfg, err := clientcmd.Load(raw)
	if err != nil {
		return &errs.InputError{File: o.File, Err: fmt.Errorf("not a kubeconfig: %w", err)}
	}
	changed := kc.Convert(cfg)
	verb := "converted"
	if o.DryRun.Any() {
		verb = "would convert"
	}
	for _, c := range changed {
		fmt.Fprintf(o.Streams.ErrOut, "%s user %s: %s -> %s\n", verb, c.User, c.From, kc.LoginTKO)
	}
	if len(changed) == 0 {
		fmt.Fprintf(o.Streams.ErrOut, "no pinniped or tanzu login in %s: nothing to convert\n", errs.DisplayFile(o.File))
	}
	if o.DryRun.Any() {
		return nil
	}
	if o.InPlace {
		if len(changed) == 0 {
			return nil
		}
		return kc.Write(cfg, o.File)
	}
	out, err := kc.Encode(cfg)
	if err != nil {
		return err
	}
	_, err = o.Streams.Out.Write(out)
	return err
}
