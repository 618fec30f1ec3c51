package cmdutil

import (
	"github.com/spf13/cobra"
)

// DryRun is the value of --dry-run, as kubectl's: none (also ""), client
// (the flag given alone) or server.
type DryRun string

// The values of --dry-run.
const (
	DryRunNone   DryRun = "none"
	DryRunClient DryRun = "client"
	DryRunServer DryRun = "server"
)

// Any reports a dry run of either kind: nothing is stored.
func (d DryRun) Any() bool { return d == DryRunClient || d == DryRunServer }

// Client reports --dry-run=client.
func (d DryRun) Client() bool { return d == DryRunClient }

// Server reports --dry-run=server: the API server checks the change.
func (d DryRun) Server() bool { return d == DryRunServer }

// DryRunValue is the pflag.Value of every --dry-run; the command-tree
// test holds every command to it.
type DryRunValue struct {
	p *DryRun
	// local says why server is refused: the dry run never reaches an
	// API server.
	local string
}

func (v *DryRunValue) Type() string { return "string" }

func (v *DryRunValue) String() string {
	if *v.p == "" {
		return string(DryRunNone)
	}
	return string(*v.p)
}

func (v *DryRunValue) Set(s string) error {
	d := DryRun(s)
	switch {
	case d == DryRunServer && v.local != "":
		return Usagef("--dry-run=server: %s; use --dry-run (client)", v.local)
	case d != DryRunNone && !d.Any():
		return FlagErrorf("--dry-run must be %s, not %q", Alternatives(v.values()), s)
	}
	*v.p = d
	return nil
}

// Local reports a --dry-run that refuses server.
func (v *DryRunValue) Local() bool { return v.local != "" }

func (v *DryRunValue) values() []string {
	if v.local != "" {
		return []string{string(DryRunNone), string(DryRunClient)}
	}
	return []string{string(DryRunNone), string(DryRunClient), string(DryRunServer)}
}

// AddDryRunFlag registers --dry-run of a command that changes something
// on an API server; the usage says what client and server do there.
func AddDryRunFlag(cmd *cobra.Command, p *DryRun, usage string) {
	addDryRun(cmd, &DryRunValue{p: p}, usage)
}

// AddLocalDryRunFlag registers --dry-run of a command whose change never
// reaches an API server: none or client, and server refused with why. The
// usage has no final period: why is added to it.
func AddLocalDryRunFlag(cmd *cobra.Command, p *DryRun, usage, why string) {
	addDryRun(cmd, &DryRunValue{p: p, local: why}, usage+" (client only: "+why+").")
}

func addDryRun(cmd *cobra.Command, v *DryRunValue, usage string) {
	cmd.Flags().Var(v, "dry-run", usage)
	cmd.Flags().Lookup("dry-run").NoOptDefVal = string(DryRunClient)
	CompleteValues(cmd, "dry-run", v.values()...)
}
