//go:build windows

package lifeline

import "syscall"

// parentAlive holds a handle opened while the parent runs: Windows never
// changes an orphan's parent pid, and a pid alone could be reused by then.
func parentAlive(pid int) func() bool {
	h, err := syscall.OpenProcess(syscall.SYNCHRONIZE, false, uint32(pid)) //nolint:gosec // a pid is never negative
	if err != nil {
		return nil // gone already, or not ours to see: only the pid is watched
	}
	return func() bool {
		s, _ := syscall.WaitForSingleObject(h, 0)
		return s != syscall.WAIT_OBJECT_0
	}
}
