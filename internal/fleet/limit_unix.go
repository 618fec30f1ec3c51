//go:build unix

package fleet

import "syscall"

// openFileLimit is the soft limit on open files, which Go raises to the
// hard one at start on Linux and macOS.
func openFileLimit() int {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil || l.Cur > 1<<20 {
		return 1 << 20
	}
	return int(l.Cur)
}
