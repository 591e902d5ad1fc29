// Package lifeline ends the provider's process when Terraform, the process
// that started it, is gone.
//
// go-plugin stops a provider when Terraform closes it; a Terraform killed with
// SIGKILL (how CI runners stop a job) closes nothing, and the provider lives
// on under pid 1 or a subreaper, still carrying out the calls it was given,
// and calling Moka, for as long as they take. Nobody is left to read what
// they return.
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

// Start records the parent of this process now, and from then on ends the
// process with ExitStatus, after one line to stderr, as soon as that parent
// is gone. Call it first thing, before serving, and only when the process
// was started by Terraform (not under a debugger).
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

// writeLastLine writes the line that says why the process ends, waiting at
// most logWait for stderr to take it.
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

// Watch records getppid() before it returns, then every interval, in a
// goroutine of its own, checks that the parent is the same and, if alive is
// not nil, that alive() still says so. When either fails it calls onOrphan
// once, with what happened, and stops; it also stops when ctx is done. The
// channel it returns is closed when the goroutine has stopped.
//
// On Unix a process whose parent dies is handed to pid 1 or a subreaper, so
// the parent pid changes; on Windows it never changes, and alive is what
// notices.
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
