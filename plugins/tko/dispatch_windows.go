//go:build windows

package tko

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain/base"
)

// Dispatch runs the plugin as a child (Windows has no exec) and passes its
// exit code through.
func Dispatch(name string, args []string) error {
	path, err := Lookup(name)
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return &base.SilentError{Code: exit.ExitCode()}
	}
	if err != nil {
		return fmt.Errorf("running %s: %w", path, err)
	}
	return &base.SilentError{Code: 0}
}
