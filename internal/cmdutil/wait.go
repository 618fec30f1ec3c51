package cmdutil

import (
	"io"
	"time"

	"github.com/spf13/cobra"
)

// WaitFlags is --wait and --timeout of a verb that starts something slow (the
// rules are in docs/README.md, "Common flags"). Set Timeout, and Wait or
// OnTerminal, before the flags are added.
type WaitFlags struct {
	Wait    bool
	Timeout time.Duration
	// OnTerminal makes --wait default to on when a person watches stderr
	// and the run is no dry run: for verbs that finish in minutes.
	OnTerminal bool
}

// AddFlags registers --wait and --timeout; waitHelp says what is waited
// for, without a final period.
func (w *WaitFlags) AddFlags(cmd *cobra.Command, waitHelp string) {
	w.AddWaitFlag(cmd, waitHelp)
	w.AddTimeoutFlag(cmd, "--wait waits")
}

// AddWaitFlag registers --wait alone.
func (w *WaitFlags) AddWaitFlag(cmd *cobra.Command, waitHelp string) {
	if w.OnTerminal {
		waitHelp += " (default true on a terminal)"
	}
	cmd.Flags().BoolVar(&w.Wait, "wait", w.Wait, waitHelp+".")
}

// AddTimeoutFlag registers --timeout alone, for a verb that always waits:
// "How long " + howLong.
func (w *WaitFlags) AddTimeoutFlag(cmd *cobra.Command, howLong string) {
	cmd.Flags().DurationVar(&w.Timeout, "timeout", w.Timeout, "How long "+howLong+" (0: no limit; exit 4 when it runs out).")
}

// Complete sets the default of --wait when it was not given: a dry run
// never waits, and OnTerminal waits when stderr is a terminal.
func (w *WaitFlags) Complete(cmd *cobra.Command, errOut io.Writer, dry DryRun) {
	if cmd.Flags().Changed("wait") {
		return
	}
	if w.OnTerminal {
		w.Wait = IsTerminal(errOut)
	}
	if dry.Any() {
		w.Wait = false
	}
}

// Validate refuses --wait with a dry run (nothing to wait for) and a
// negative --timeout.
func (w *WaitFlags) Validate(dry DryRun) error {
	if w.Wait && dry.Any() {
		return FlagErrorf("--wait and --dry-run cannot be used together")
	}
	if w.Timeout < 0 {
		return FlagErrorf("--timeout cannot be negative")
	}
	return nil
}

// WaitProgress is where the progress of a wait goes: stderr on a terminal,
// nowhere otherwise (a script reads the result line alone).
func WaitProgress(errOut io.Writer) io.Writer {
	if IsTerminal(errOut) {
		return errOut
	}
	return nil
}
