package moka

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// DefaultMaxRequestsPerSecond stays out of the way: Terraform's default
// parallelism against Moka's 100-300 ms answers makes 30-100 a second.
const DefaultMaxRequestsPerSecond = 100

// rateMargin keeps calls under the cap when the way to Moka delays some more
// than others.
const rateMargin = 1.05

// maxTurnHold: one slow connection holds up the other calls no longer.
const maxTurnHold = time.Second

// RateLimiter spaces HTTP attempts an interval apart as Moka counts them:
// from when the last request was written, not when its wait ended
// (TestRateLimiterAgainstXTimeRate says why not golang.org/x/time/rate).
type RateLimiter struct {
	perSec   float64
	interval time.Duration
	turn     chan struct{} // held from an attempt's wait until its request is written
	mu       sync.Mutex
	last     time.Time // when the last request was written; guarded by mu
}

// NewRateLimiter caps attempts at perSecond a second; 0 means no limit.
func NewRateLimiter(perSecond float64) (*RateLimiter, error) {
	if math.IsNaN(perSecond) || math.IsInf(perSecond, 0) || perSecond < 0 {
		return nil, fmt.Errorf("moka: requests per second must be a number of 0 or more, got %v", perSecond)
	}
	if perSecond == 0 {
		return &RateLimiter{}, nil
	}
	return &RateLimiter{
		perSec:   perSecond,
		interval: time.Duration(float64(time.Second) * rateMargin / perSecond),
		turn:     make(chan struct{}, 1),
	}, nil
}

// PerSecond is the cap; 0 means none.
func (l *RateLimiter) PerSecond() float64 {
	if l == nil {
		return 0
	}
	return l.perSec
}

// wait blocks until the attempt's turn. It calls written (any number of
// times) once its request is on the wire or has failed.
func (l *RateLimiter) wait(ctx context.Context) (written func(), err error) {
	if l == nil || l.turn == nil {
		return func() {}, nil
	}
	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	l.mu.Lock()
	due := l.last.Add(l.interval)
	l.mu.Unlock()
	if d := time.Until(due); d > 0 {
		if deadline, ok := ctx.Deadline(); ok && deadline.Before(due) {
			<-l.turn
			return nil, fmt.Errorf("the next turn comes in %s, after the operation's deadline", d.Round(time.Millisecond))
		}
		if err := sleep(ctx, d); err != nil {
			<-l.turn
			return nil, err
		}
	}
	var once sync.Once
	release := func() {
		once.Do(func() {
			l.mu.Lock()
			l.last = time.Now()
			l.mu.Unlock()
			<-l.turn
		})
	}
	timer := time.AfterFunc(maxTurnHold, release)
	return func() {
		timer.Stop()
		release()
	}, nil
}
