//go:build unix

package lifeline

import (
	"errors"
	"syscall"
)

// parentAlive: on Unix the parent pid changing already tells it; this is for
// a parent gone and not yet replaced, which a kernel should not allow.
func parentAlive(pid int) func() bool {
	if pid <= 1 {
		return nil
	}
	return func() bool {
		return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
	}
}
