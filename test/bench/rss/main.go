// Command rss runs one command and prints its wall time (ns), peak
// resident set size (KiB), CPU time, user and system (ns), exit code and
// minor page faults. The benchmark starts every measured command
// through it because this program is tiny: a command forked straight from
// the benchmark would inherit the benchmark's resident set in ru_maxrss.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rss COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		// The caller decides which exit codes are the command's answer
		// (a fleet view with failed rows) and which are failures.
		code = exit.ExitCode()
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) > 0 {
			fmt.Fprintf(os.Stderr, "%s exited %d: %s\n", os.Args[1], code, lines[len(lines)-1])
		}
	} else if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n%s", os.Args[1], err, out)
		os.Exit(1)
	}
	var rss, minflt int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss, minflt = ru.Maxrss, ru.Minflt
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	fmt.Printf("%d %d %d %d %d\n", wall.Nanoseconds(), rss, cpu.Nanoseconds(), code, minflt)
}
