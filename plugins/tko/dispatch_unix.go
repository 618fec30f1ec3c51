//go:build !windows

package tko

import (
	"fmt"
	"os"
	"syscall"
)

// Dispatch replaces this process with the plugin, so its exit code,
// signals and standard streams are exactly the plugin's own.
func Dispatch(name string, args []string) error {
	path, err := Lookup(name)
	if err != nil {
		return err
	}
	argv := append([]string{path}, args...)
	if err := syscall.Exec(path, argv, os.Environ()); err != nil {
		return fmt.Errorf("running %s: %w", path, err)
	}
	return nil
}
