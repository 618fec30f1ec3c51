// Package common holds what the `kubectl tko package` verbs share: the
// connection to kapp-controller's APIs and completion.
package common

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
)

// Connect checks that kapp-controller's APIs are served and builds the
// client. needData asks for the aggregated Package API as well.
func Connect(f *cli.Factory, needData bool) (*carvel.Client, error) {
	c, err := f.Connect(carvel.Requirements(needData)...)
	if err != nil {
		return nil, err
	}
	return &carvel.Client{Dyn: c.Dynamic, Namespace: c.Namespace}, nil
}

// CompleteInstalls completes PackageInstall names.
func CompleteInstalls(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		f.ForCompletion()
		return cli.CompleteNames(cmd.Context(), f, carvel.Installs, true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteRepositories completes PackageRepository names.
func CompleteRepositories(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		f.ForCompletion()
		return cli.CompleteNames(cmd.Context(), f, carvel.Repositories, true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompletePackages completes package names (refName) visible in the namespace.
func CompletePackages(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		f.ForCompletion()
		return cli.CompleteNames(cmd.Context(), f, carvel.Metadatas, true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// Age renders a creation timestamp like kubectl's AGE column.
func Age(u *unstructured.Unstructured) string {
	t := u.GetCreationTimestamp()
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(time.Since(t.Time))
}

// WaitProgress is where wait progress goes: stderr on a terminal, nowhere
// when piped (scripts read the final line or the exit code).
func WaitProgress(errOut io.Writer) io.Writer {
	if cli.IsTerminal(errOut) {
		return errOut
	}
	return nil
}

// WaitDefault is --wait's default: on when a person is watching.
func WaitDefault(errOut io.Writer) bool { return cli.IsTerminal(errOut) }

// Reconciled prints the closing line of a successful wait.
func Reconciled(errOut io.Writer, what string, start time.Time) {
	fmt.Fprintf(errOut, "%s reconciled (%s)\n", what, time.Since(start).Round(10*time.Millisecond))
}

// OrDash fills an empty table cell.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// PrintConditions writes a kapp-controller object's conditions.
func PrintConditions(w io.Writer, conds []carvel.Condition) {
	if len(conds) == 0 {
		return
	}
	fmt.Fprintln(w, "Conditions:")
	for _, c := range conds {
		fmt.Fprintf(w, "  %s=%s %s\n", c.Type, c.Status, c.Message)
	}
}

// PrintError writes kapp-controller's useful error message whole, indented.
func PrintError(w io.Writer, msg string) {
	if msg = strings.TrimSpace(msg); msg != "" {
		fmt.Fprintf(w, "Error:\n  %s\n", strings.ReplaceAll(msg, "\n", "\n  "))
	}
}
