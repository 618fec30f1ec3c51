package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// Verb is the shape of every command's options, in every plugin: Complete
// takes the arguments and what the factory decides, Validate checks every
// flag before anything connects, Run does the work.
type Verb interface {
	Complete(f *Factory, cmd *cobra.Command, args []string) error
	Validate() error
	Run(ctx context.Context) error
}

// RunE runs a verb: Complete, Validate, then Run.
func RunE(f *Factory, v Verb) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := v.Complete(f, cmd, args); err != nil {
			return err
		}
		if err := v.Validate(); err != nil {
			return err
		}
		return v.Run(cmd.Context())
	}
}
