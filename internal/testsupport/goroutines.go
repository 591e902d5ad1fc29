package testsupport

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// RunChecked is a TestMain body that fails the run if a goroutine the tests
// started (a sandbox not closed, a held request) still runs after settle.
func RunChecked(m *testing.M, settle time.Duration) int {
	code := m.Run()
	if code != 0 {
		return code
	}
	var left []string
	deadline := time.Now().Add(settle)
	for {
		left = LeftoverGoroutines()
		if len(left) == 0 {
			return 0
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "FAIL: %d goroutine(s) still running %v after the tests ended:\n\n%s\n", len(left), settle, strings.Join(left, "\n\n"))
	return 1
}

// LeftoverGoroutines is the stack of every goroutine but the caller's and
// the permanent ones.
func LeftoverGoroutines() []string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for i, g := range strings.Split(strings.TrimSpace(string(buf)), "\n\n") {
		if i == 0 || permanent(g) {
			continue // the first is the caller's own goroutine
		}
		out = append(out, g)
	}
	return out
}

var permanentFrames = []string{
	"os/signal.signal_recv", "os/signal.loop", // started by the first signal.Notify, never stopped
	"testing.(*F).Fuzz", "internal/fuzz.", // the fuzzing engine's workers
	"testing.tRunner.func1", "testing.(*T).Run", // a test's own goroutine on its way out
}

func permanent(stack string) bool {
	for _, f := range permanentFrames {
		if strings.Contains(stack, f) {
			return true
		}
	}
	return false
}
