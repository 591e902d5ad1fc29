package moka

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestRateLimiterAgainstXTimeRate is why ratelimit.go does not use
// golang.org/x/time/rate. Moka counts calls as it receives them. rate.Limiter
// spends its token when Wait returns, so an attempt that is slow between its
// turn and the wire (a new connection, a busy machine) leaves the bucket
// refilling behind it, and the next call lands closer than the interval (the
// sandbox once saw two calls 22 ms apart under a cap of 5/s). Ours holds the
// turn until the request is written and counts the interval from there.
func TestRateLimiterAgainstXTimeRate(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of real time")
	}
	const interval = 200 * time.Millisecond
	perSecond := rateMargin * float64(time.Second) / float64(interval)
	type limiter func(context.Context) (written func(), err error)
	limiters := []struct {
		name string
		new  func(t *testing.T) limiter
		// apart: two writes always land at least an interval apart.
		apart bool
	}{
		{"x/time/rate, burst 1, Wait before the request", func(*testing.T) limiter {
			l := rate.NewLimiter(rate.Every(interval), 1)
			return func(ctx context.Context) (func(), error) { return func() {}, l.Wait(ctx) }
		}, false},
		{"RateLimiter", func(t *testing.T) limiter {
			l, err := NewRateLimiter(perSecond)
			if err != nil {
				t.Fatal(err)
			}
			if l.interval != interval {
				t.Fatalf("interval %s, want %s", l.interval, interval)
			}
			return l.wait
		}, true},
	}
	// How long the first attempt takes from its turn to the wire: less than an
	// interval, and more.
	for _, slow := range []time.Duration{interval * 3 / 5, interval * 3 / 2} {
		for _, lt := range limiters {
			t.Run(lt.name+"/slow "+slow.String(), func(t *testing.T) {
				wait := lt.new(t)
				written, err := wait(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				firstDone := make(chan time.Time, 1)
				go func() {
					time.Sleep(slow)
					at := time.Now()
					written()
					firstDone <- at
				}()
				// The second attempt asks for its turn while the first is on its way.
				secondWritten, err := wait(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				second := time.Now()
				secondWritten()
				first := <-firstDone
				gap := second.Sub(first).Abs()
				if lt.apart && gap < interval {
					t.Errorf("writes %s apart, less than the interval %s", gap, interval)
				}
				if !lt.apart && gap >= interval {
					t.Errorf("writes %s apart: %s no longer shows the gap this test is about", gap, lt.name)
				}
			})
		}
	}
}
