package cmdutil

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain/base"
)

// Confirm asks a yes/no question on a terminal. From a script or a pipe it
// refuses (the caller names the flag that skips the question), so nothing
// destructive happens by accident.
func Confirm(in io.Reader, errOut io.Writer, refusal, question string) error {
	if !IsTerminal(in) {
		return Usagef("%s", refusal)
	}
	fmt.Fprintf(errOut, "%s [y/N] ", question)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		fmt.Fprintln(errOut, "Nothing deleted.")
		return base.Failure()
	}
	return nil
}
