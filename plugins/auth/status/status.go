// Package status implements `kubectl tko auth status`: with --vsphere,
// the vSphere Supervisor sessions this machine holds and when each
// expires; without it, the former name of `auth doctor`, kept for a
// release with a warning.
package status

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/doctor"
)

// Options holds the flags of `auth status`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Doctor  *doctor.Options // the flags of auth doctor, and its -o
	VSphere bool
	Server  string // --server with --vsphere: that Supervisor's sessions only
	Now     func() time.Time

	doctorFlags []string // those set, which --vsphere has no use for
}

// Session is one vSphere session as status shows it (the -o json|yaml
// shape): never its token.
type Session struct {
	Server  string         `json:"server"`
	User    string         `json:"user"`
	Guest   *vsphere.Guest `json:"tanzuKubernetesCluster,omitempty"`
	Expiry  time.Time      `json:"expiry"`
	Expired bool           `json:"expired"`
}

// NewCmd returns the status command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd, d := doctor.NewNamedCmd(f, streams, "status")
	o := &Options{Factory: f, Streams: streams, Doctor: d}
	cmd.Use = "status --vsphere [--server SUPERVISOR] [-o json|yaml]"
	cmd.Short = "Show the vSphere Supervisor sessions this machine holds and when each expires"
	cmd.Long = cmdutil.LongDesc(`
		With --vsphere, list the vSphere with Tanzu sessions that 'kubectl tko auth
		login --vsphere' cached on this machine: the Supervisor, the vSphere SSO user,
		the TanzuKubernetesCluster of a guest cluster's session, and when it expires
		or expired. An expired session is renewed by the next kubectl command on a
		terminal (it asks for the password once), or with KUBECTL_VSPHERE_PASSWORD;
		'kubectl tko auth logout --vsphere' forgets them. Nothing is sent anywhere
		and no token is shown.

		Without --vsphere this is the former name of 'kubectl tko auth doctor', which
		it runs after a warning; that use goes in a later release.`)
	cmd.Example = cmdutil.Examples(`
		# When do my vSphere sessions expire?
		kubectl tko auth status --vsphere

		# One Supervisor's, for a script
		kubectl tko auth status --vsphere --server 10.0.0.5 -o json`)
	cmd.Flags().BoolVar(&o.VSphere, "vsphere", false, "Show the cached vSphere Supervisor sessions (all, or those of --server).")
	cmd.RunE = cli.RunE(f, o)
	return cmd
}

// Complete notes the doctor's flags that were set.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	if !o.VSphere {
		fmt.Fprintln(o.Streams.ErrOut, "warning: 'kubectl tko auth status' without --vsphere is now 'kubectl tko auth doctor'; that use goes in a later release")
		return o.Doctor.Complete(f, cmd, args)
	}
	for _, name := range []string{"all-workload-clusters", "cluster", "all-contexts", "contexts", "api-group-suffix", "show-ok"} {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			o.doctorFlags = append(o.doctorFlags, name)
		}
	}
	o.Server = f.Overrides.ClusterInfo.Server
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// Validate checks the flags before the cache is read.
func (o *Options) Validate() error {
	if !o.VSphere {
		return o.Doctor.Validate()
	}
	if len(o.doctorFlags) > 0 {
		return cmdutil.FlagErrorf("--%s check the Pinniped set-up of clusters (kubectl tko auth doctor); --vsphere shows this machine's vSphere sessions", strings.Join(o.doctorFlags, ", --"))
	}
	if o.Server != "" {
		s, err := vsphere.ParseServer(o.Server)
		if err != nil {
			return cmdutil.Usagef("--server: %v", err)
		}
		o.Server = s.String()
	}
	return o.Doctor.Output.Validate()
}

// Run lists the sessions.
func (o *Options) Run(ctx context.Context) error {
	if !o.VSphere {
		return o.Doctor.Run(ctx)
	}
	store, err := vsphere.NewStore("")
	if err != nil {
		return err
	}
	defer common.PrintVSphereNotices(o.Streams.ErrOut, store)
	all, err := store.List()
	if err != nil {
		return err
	}
	now := o.Now()
	rows := []Session{}
	for _, s := range all {
		if o.Server == "" || s.Server == o.Server {
			rows = append(rows, Session{Server: s.Server, User: s.User, Guest: s.Guest, Expiry: s.Expiry.UTC(), Expired: !s.Valid(now, 0)})
		}
	}
	out := o.Doctor.Output
	if !out.Human() {
		return out.PrintData(o.Streams.Out, rows)
	}
	if len(rows) == 0 {
		where := ""
		if o.Server != "" {
			where = " of " + o.Server
		}
		fmt.Fprintf(o.Streams.ErrOut, "no vSphere session%s: log in with 'kubectl tko auth login --vsphere --server SUPERVISOR -u USER'\n", where)
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "SUPERVISOR"}, {Header: "USER"}, {Header: "CLUSTER"}, {Header: "EXPIRES"}, {Header: "STATE"}}}
	for _, r := range rows {
		cluster := "(Supervisor)"
		if r.Guest != nil {
			cluster = r.Guest.String()
		}
		state := "valid for " + duration.HumanDuration(r.Expiry.Sub(now))
		if r.Expired {
			state = "expired " + duration.HumanDuration(now.Sub(r.Expiry)) + " ago"
		}
		t.Rows = append(t.Rows, []string{r.Server, r.User, cluster, r.Expiry.Format(time.RFC3339), state})
	}
	return t.Print(o.Streams.Out, out.Wide(), out.NoHeaders)
}
