// Package logout implements `kubectl tko auth logout`.
package logout

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
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
	VSphere bool
	Server  string // --server with --vsphere: that Supervisor's sessions only
}

// NewCmd returns the logout command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams}
	cmd := &cobra.Command{
		Use:   "logout [--all | --vsphere [--server SUPERVISOR]] [--dry-run]",
		Short: "Forget the login of the current context, or every login",
		Long: cmdutil.LongDesc(`
			Remove the cached session (ID, access and refresh tokens) and the cached
			cluster credentials of the kubeconfig context in use (--context to pick
			another), so that the next kubectl command logs in again. With --all, every
			session and credential of every issuer and cluster is removed.
			Nothing is sent to the provider: its own session (a browser cookie) stays.
			With --vsphere, the cached vSphere Supervisor sessions are forgotten instead:
			all of them, or those of --server; each one forgotten is named.`),
		Example: cmdutil.Examples(`
			# Log out of the current context's issuer
			kubectl tko auth logout

			# Forget every login on this machine
			kubectl tko auth logout --all

			# What would go
			kubectl tko auth logout --all --dry-run

			# Forget the vSphere sessions of one Supervisor
			kubectl tko auth logout --vsphere --server 10.0.0.5`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.All, "all", false, "Forget every session and credential, of every issuer and cluster.")
	cmd.Flags().BoolVar(&o.VSphere, "vsphere", false, "Forget the vSphere Supervisor sessions (all, or those of --server).")
	cmdutil.AddLocalDryRunFlag(cmd, &o.DryRun, "Say what would be removed, and remove nothing",
		"logout removes only this machine's cached logins, which no API server can check")
	return cmd
}

// Complete reads the login of the context in use (unless --all).
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, _ []string) error {
	if o.VSphere {
		o.Server = f.Overrides.ClusterInfo.Server
		return nil
	}
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
	if o.VSphere && o.All {
		return cmdutil.FlagErrorf("--vsphere and --all cannot be used together")
	}
	if o.VSphere && o.Server != "" {
		s, err := vsphere.ParseServer(o.Server)
		if err != nil {
			return cmdutil.Usagef("--server: %v", err)
		}
		o.Server = s.String()
	}
	if o.All || o.VSphere {
		return nil
	}
	return o.Login.Validate()
}

// Run removes the cache entries.
func (o *Options) Run(_ context.Context) error {
	if o.VSphere {
		return o.forgetVSphere()
	}
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

// forgetVSphere removes the vSphere sessions and names each one.
func (o *Options) forgetVSphere() error {
	store, err := vsphere.NewStore("")
	if err != nil {
		return err
	}
	defer common.PrintVSphereNotices(o.Streams.ErrOut, store)
	gone, err := store.Forget(o.Server, o.DryRun.Any())
	if err != nil {
		return err
	}
	if len(gone) == 0 {
		where := ""
		if o.Server != "" {
			where = " of " + o.Server
		}
		fmt.Fprintf(o.Streams.Out, "no vSphere session%s to forget\n", where)
		return nil
	}
	prefix := ""
	if o.DryRun.Any() {
		prefix = "would have "
	}
	now := time.Now()
	for _, s := range gone {
		fmt.Fprintf(o.Streams.Out, "%sforgot the vSphere session of %s\n", prefix, common.VSphereLine(s, now))
	}
	return nil
}
