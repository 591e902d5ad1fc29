//go:build !unix && !windows

package lifeline

// parentAlive has no way to ask on this system: only the parent pid is watched.
func parentAlive(int) func() bool { return nil }
