//go:build windows

package lifeline

import "syscall"

// parentAlive says whether process pid is still running. Windows does not
// hand an orphan to another parent, so the parent pid never changes: a
// handle opened now, while the parent runs, is what tells its end (a pid
// alone could be reused by then).
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
