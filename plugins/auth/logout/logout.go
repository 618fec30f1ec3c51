// Package logout implements `kubectl tko auth logout`.
package logout

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// Options holds the flags of `auth logout`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	All     bool
	DryRun  cmdutil.DryRun
	Login   common.LoginFlags // the flags of the context's login (Complete)
	Context string
}

// NewCmd returns the logout command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams}
	cmd := &cobra.Command{
		Use:   "logout [--all] [--dry-run]",
		Short: "Forget the login of the current context, or every login",
		Long: cmdutil.LongDesc(`
			Remove the cached session (ID, access and refresh tokens) and the cached
			cluster credentials of the kubeconfig context in use (--context to pick
			another), so that the next kubectl command logs in again. With --all, every
			session and credential of every issuer and cluster is removed.
			Nothing is sent to the provider: its own session (a browser cookie) stays.`),
		Example: cmdutil.Examples(`
			# Log out of the current context's issuer
			kubectl tko auth logout

			# Forget every login on this machine
			kubectl tko auth logout --all

			# What would go
			kubectl tko auth logout --all --dry-run`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.All, "all", false, "Forget every session and credential, of every issuer and cluster.")
	cmdutil.AddLocalDryRunFlag(cmd, &o.DryRun, "Say what would be removed, and remove nothing",
		"logout removes only this machine's cached logins, which no API server can check")
	return cmd
}

// Complete reads the login of the context in use (unless --all).
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, _ []string) error {
	if o.All {
		return nil
	}
	l, name, err := common.CurrentLogin(f)
	if err != nil {
		return err
	}
	o.Login, o.Context = *l, name
	return nil
}

// Validate has nothing to check beyond the context's login flags.
func (o *Options) Validate() error {
	if o.All {
		return nil
	}
	return o.Login.Validate()
}

// Run removes the cache entries.
func (o *Options) Run(_ context.Context) error {
	store, err := o.Login.Store()
	if err != nil {
		return err
	}
	defer common.PrintNotices(o.Streams.ErrOut, store)
	prefix := ""
	if o.DryRun.Any() {
		prefix = "would have "
	}
	if o.All {
		for _, p := range []string{store.SessionsPath, store.CredentialsPath} {
			if _, err := os.Stat(p); err != nil {
				continue
			}
			if !o.DryRun.Any() {
				if err := os.Remove(p); err != nil {
					return fmt.Errorf("removing %s: %w", p, err)
				}
			}
			fmt.Fprintf(o.Streams.Out, "%sremoved %s\n", prefix, p)
		}
		return nil
	}
	cfg, err := o.Login.Config()
	if err != nil {
		return err
	}
	n, err := store.Forget(cfg.SessionKey(), o.DryRun.Any())
	if err != nil {
		return common.Word(err)
	}
	if n == 0 {
		fmt.Fprintf(o.Streams.Out, "not logged in to %s (context %s): nothing to remove\n", cfg.Issuer, o.Context)
		return nil
	}
	fmt.Fprintf(o.Streams.Out, "%slogged out of %s (context %s): %d cached entries removed\n", prefix, cfg.Issuer, o.Context, n)
	return nil
}
