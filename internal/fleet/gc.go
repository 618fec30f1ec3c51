package fleet

import (
	"os"
	"runtime/debug"
)

// burstGC lets the heap grow four times its live size between collections
// while a fleet run lasts, instead of Go's twice: every target's responses
// are garbage once decoded and the live heap stays small, so at the
// default the collector runs for every few targets and takes a tenth of
// the client's CPU. A GOGC the user set is kept.
func burstGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(400)
	return func() { debug.SetGCPercent(old) }
}
