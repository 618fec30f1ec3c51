//go:build !unix

package fleet

// openFileLimit on systems without rlimits: Windows handles are plenty.
func openFileLimit() int { return 1 << 13 }
