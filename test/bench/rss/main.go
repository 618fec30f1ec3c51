// Command rss runs one command and prints its wall time (ns), peak
// resident set size (KiB) and CPU time, user and system (ns). The benchmark starts every measured command
// through it because this program is tiny: a command forked straight from
// the benchmark would inherit the benchmark's resident set in ru_maxrss.
package main

import (
	"fmt"
	"os"
	"os/exec"
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
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n%s", os.Args[1], err, out)
		os.Exit(1)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	fmt.Printf("%d %d %d\n", wall.Nanoseconds(), rss, cpu.Nanoseconds())
}
