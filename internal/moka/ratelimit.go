package moka

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// DefaultMaxRequestsPerSecond is the provider's request-rate cap when its
// configuration sets none, against Moka's own endpoints (against a loopback
// base URL, the sandbox, the provider sets none). It is meant to stay out of
// the way: Terraform's default parallelism of 10 against Moka's usual
// 100-300 ms answers makes 30-100 requests a second, so only an unusually
// fast path (a -parallelism far above 10) ever waits for it.
const DefaultMaxRequestsPerSecond = 100

// rateMargin is how much slower than its cap the limiter runs: perSecond
// attempts take 1.05 s instead of 1 s, so that the calls still arrive under
// the cap when the way to Moka delays some of them more than others.
const rateMargin = 1.05

// maxTurnHold bounds how long an attempt keeps the turn while its request is
// not yet written (a connection being dialled, say), so that one slow
// connection cannot hold up every other call for longer.
const maxTurnHold = time.Second

// RateLimiter makes each HTTP attempt wait for its turn. The provider shares
// one between every client of its process, so that the cap holds for the
// process as a whole and not per resource.
//
// It is a token bucket of one token that refills every interval, with the
// token spent when the request is written rather than when the attempt
// starts: Moka counts the calls it receives, and an attempt that got its turn
// and was then slow to reach the wire (a new connection, a busy machine) would
// otherwise leave the bucket full behind it, so that the next call followed it
// at once. The sandbox saw exactly that, two calls 22 ms apart under a cap of
// 5 a second, before the token was spent on writing.
type RateLimiter struct {
	perSec   float64
	interval time.Duration
	// turn is held from the start of an attempt's wait until its request is
	// written (or maxTurnHold has passed).
	turn chan struct{}
	mu   sync.Mutex
	last time.Time // when the last request was written; guarded by mu
}

// NewRateLimiter caps attempts at perSecond a second as Moka counts them.
// perSecond 0 means no limit; negative or not finite is an error.
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

// wait blocks until the next attempt may start, or ctx ends. The attempt calls
// written (any number of times) once its request is on the wire, or has
// failed; the turn passes on then, or after maxTurnHold at the latest.
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
