// Package lifeline ends the provider's process when Terraform, the process
// that started it, is gone: a Terraform killed with SIGKILL (how CI runners
// stop a job) closes nothing, and the provider would live on, calling Moka.
package lifeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// Interval is how often Start looks at the parent.
const Interval = 500 * time.Millisecond

// ExitStatus is the status the process ends with when its parent is gone.
const ExitStatus = 3

// logWait bounds how long the last log line may take to write: stderr may be
// a pipe that nobody reads any more, and the exit must not wait on it.
const logWait = 200 * time.Millisecond

// Start ends the process with ExitStatus, after one line to stderr, once
// its current parent is gone. Call it before serving, and not under a debugger.
func Start() {
	stderr := os.Stderr // go-plugin swaps os.Stderr for a pipe of its own while serving
	Watch(context.Background(), Interval, os.Getppid, parentAlive(os.Getppid()), func(reason string) {
		exit(stderr, reason)
	})
}

func exit(stderr io.Writer, reason string) {
	writeLastLine(stderr, reason)
	os.Exit(ExitStatus)
}

func writeLastLine(stderr io.Writer, reason string) {
	written := make(chan struct{})
	go func() {
		fmt.Fprintf(stderr, "terraform-provider-moka: %s: exiting so that no further Moka call is made\n", reason)
		close(written)
	}()
	select {
	case <-written:
	case <-time.After(logWait):
	}
}

// Watch records getppid() now, then every interval checks that the parent
// is the same and that alive (if not nil) says it lives; when either fails it
// calls onOrphan once and stops. On Windows an orphan's parent pid never
// changes, so alive is what notices there. The channel closes when it stops.
func Watch(ctx context.Context, interval time.Duration, getppid func() int, alive func() bool, onOrphan func(reason string)) <-chan struct{} {
	parent := getppid()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if now := getppid(); now != parent {
				onOrphan(fmt.Sprintf("Terraform (pid %d), which started this provider, is gone: its parent is now pid %d", parent, now))
				return
			}
			if alive != nil && !alive() {
				onOrphan(fmt.Sprintf("Terraform (pid %d), which started this provider, is gone", parent))
				return
			}
		}
	}()
	return done
}
