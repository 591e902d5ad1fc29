package lifeline

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const tick = 5 * time.Millisecond

// fakeParent is a getppid whose answer the test changes.
type fakeParent struct{ pid atomic.Int64 }

func newFakeParent(pid int) *fakeParent {
	p := &fakeParent{}
	p.pid.Store(int64(pid))
	return p
}

func (p *fakeParent) getppid() int { return int(p.pid.Load()) }

// orphaned records the calls of onOrphan.
type orphaned struct {
	calls   atomic.Int32
	reasons chan string
}

func newOrphaned() *orphaned { return &orphaned{reasons: make(chan string, 10)} }

func (o *orphaned) onOrphan(reason string) {
	o.calls.Add(1)
	o.reasons <- reason
}

func waitDone(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not stop")
	}
}

// TestWatchParentChanges: the parent pid changing (Terraform died, the
// provider was handed to pid 1 or a subreaper) calls onOrphan once, naming
// both pids, and the watch stops.
func TestWatchParentChanges(t *testing.T) {
	parent := newFakeParent(4242)
	o := newOrphaned()
	done := Watch(t.Context(), tick, parent.getppid, nil, o.onOrphan)

	time.Sleep(10 * tick)
	if n := o.calls.Load(); n != 0 {
		t.Fatalf("onOrphan called %d times while the parent lives", n)
	}
	parent.pid.Store(1)
	select {
	case reason := <-o.reasons:
		if !strings.Contains(reason, "pid 4242") || !strings.Contains(reason, "pid 1") {
			t.Errorf("reason %q does not name the old and the new parent", reason)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("onOrphan was not called after the parent changed")
	}
	waitDone(t, done)
	parent.pid.Store(7) // a change after the first must not call again
	time.Sleep(10 * tick)
	if n := o.calls.Load(); n != 1 {
		t.Errorf("onOrphan called %d times, want 1", n)
	}
}

// TestWatchRecordsTheParentAtOnce: the parent is the one when Watch was
// called, not when its goroutine first ran: a parent that dies in between is
// still noticed.
func TestWatchRecordsTheParentAtOnce(t *testing.T) {
	parent := newFakeParent(100)
	o := newOrphaned()
	done := Watch(t.Context(), tick, parent.getppid, nil, o.onOrphan)
	parent.pid.Store(1)
	waitDone(t, done)
	if n := o.calls.Load(); n != 1 {
		t.Errorf("onOrphan called %d times, want 1", n)
	}
}

// TestWatchParentNoLongerAlive: with a parent pid that does not change
// (Windows), alive saying the parent is gone calls onOrphan.
func TestWatchParentNoLongerAlive(t *testing.T) {
	parent := newFakeParent(100)
	var alive atomic.Bool
	alive.Store(true)
	o := newOrphaned()
	done := Watch(t.Context(), tick, parent.getppid, alive.Load, o.onOrphan)
	time.Sleep(10 * tick)
	if n := o.calls.Load(); n != 0 {
		t.Fatalf("onOrphan called %d times while the parent lives", n)
	}
	alive.Store(false)
	waitDone(t, done)
	if n := o.calls.Load(); n != 1 {
		t.Fatalf("onOrphan called %d times, want 1", n)
	}
	if reason := <-o.reasons; !strings.Contains(reason, "pid 100") {
		t.Errorf("reason %q does not name the parent", reason)
	}
}

// TestWatchStopsWithItsContext: a cancelled watch stops and calls nothing.
func TestWatchStopsWithItsContext(t *testing.T) {
	parent := newFakeParent(100)
	o := newOrphaned()
	ctx, cancel := context.WithCancel(t.Context())
	done := Watch(ctx, tick, parent.getppid, nil, o.onOrphan)
	time.Sleep(5 * tick)
	cancel()
	waitDone(t, done)
	parent.pid.Store(1)
	time.Sleep(5 * tick)
	if n := o.calls.Load(); n != 0 {
		t.Errorf("onOrphan called %d times after the watch stopped", n)
	}
}

// TestWatchThisProcess: the real getppid and alive of this test process see
// a living parent.
func TestWatchThisProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 20*tick)
	defer cancel()
	o := newOrphaned()
	parentPid := os.Getppid()
	waitDone(t, Watch(ctx, tick, os.Getppid, parentAlive(parentPid), o.onOrphan))
	if n := o.calls.Load(); n != 0 {
		t.Errorf("onOrphan called for a living parent: %s", <-o.reasons)
	}
}

// TestExitLineIsBounded: the last line is written when stderr takes it, and
// a stderr that blocks does not hold the exit up for long.
func TestExitLineIsBounded(t *testing.T) {
	var buf bytes.Buffer
	start := time.Now()
	writeLastLine(&buf, "Terraform (pid 5) is gone")
	if got := buf.String(); got != "terraform-provider-moka: Terraform (pid 5) is gone: exiting so that no further Moka call is made\n" {
		t.Errorf("wrote %q", got)
	}
	block := blockingWriter(make(chan struct{}))
	defer close(block)
	writeLastLine(block, "x")
	if d := time.Since(start); d > logWait+time.Second {
		t.Errorf("writing took %s although stderr blocks", d)
	}
}

type blockingWriter chan struct{}

func (w blockingWriter) Write(p []byte) (int, error) {
	<-w
	return len(p), nil
}
