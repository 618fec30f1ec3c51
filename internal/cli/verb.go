package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// Verb is the shape of every command's Options: Complete reads the
// arguments and the environment, Validate checks flags before any
// connection, Run does the work.
type Verb interface {
	Complete(f *Factory, cmd *cobra.Command, args []string) error
	Validate() error
	Run(ctx context.Context) error
}

// RunE calls Complete, Validate and Run in that order.
func RunE(f *Factory, v Verb) func(cmd *cobra.Command, args []string) error {
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
