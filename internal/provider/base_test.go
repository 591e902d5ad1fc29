package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUntilDone(t *testing.T) {
	const grace = 200 * time.Millisecond
	tests := []struct {
		name string
		// end ends the parent the way Terraform or the timeout would.
		end          func(cancel context.CancelFunc)
		parentWithin time.Duration // deadline of the parent, 0 for none
		aliveFor     time.Duration // the child outlives the parent's end by at least this
		doneWithin   time.Duration // and ends within this
		wantErr      error
	}{
		{"Ctrl-C: the create goes on for the grace", func(cancel context.CancelFunc) { cancel() }, 0, grace / 2, 2 * grace, context.Canceled},
		{"timeout: the create ends with it", func(context.CancelFunc) {}, 100 * time.Millisecond, 0, 100*time.Millisecond + grace/2, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.parentWithin > 0 {
				parent, cancel = context.WithTimeout(parent, tt.parentWithin)
				defer cancel()
			}
			child, stop := untilDone(parent, grace)
			defer stop()
			start := time.Now()
			tt.end(cancel)
			select {
			case <-child.Done():
				if time.Since(start) < tt.aliveFor {
					t.Errorf("the create was cut off after %v, before %v", time.Since(start), tt.aliveFor)
				}
			case <-time.After(tt.doneWithin + time.Second):
				t.Fatalf("the create still runs %v after its parent ended", tt.doneWithin+time.Second)
			}
			if !errors.Is(child.Err(), tt.wantErr) {
				t.Errorf("err = %v, want %v", child.Err(), tt.wantErr)
			}
		})
	}
	t.Run("finished before any stop: no timer left", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		child, stop := untilDone(parent, grace)
		stop()
		cancel()
		if child.Err() == nil {
			t.Error("the create's context outlives its stop")
		}
	})
}
