package moka

import (
	"context"
	"fmt"
	"math"

	"golang.org/x/time/rate"
)

// DefaultMaxRequestsPerSecond is the request-rate cap of a client whose Config
// does not set one. It is meant to stay out of the way: Terraform's default
// parallelism of 10 against Moka's usual 100-300 ms answers makes 30-100
// requests a second, so only an unusually fast path (a local sandbox, a
// -parallelism far above 10) ever waits for it.
const DefaultMaxRequestsPerSecond = 100

// RateLimiter makes each HTTP attempt wait for its turn. The provider shares
// one between every client of its process, so that the cap holds for the
// process as a whole and not per resource.
type RateLimiter struct {
	limiter *rate.Limiter
	perSec  float64
}

// rateMargin is how much slower than its cap the limiter runs: perSecond
// attempts take 1.05 s instead of 1 s. Moka counts calls as they arrive, and
// the network (or a busy machine) delays some more than others, so attempts
// spaced exactly 1/perSecond apart when they leave still arrive perSecond+1
// within one second now and then; the sandbox saw that in one run of three.
// 50 ms a second absorbs that jitter for the cost of 5 % of the cap.
const rateMargin = 1.05

// NewRateLimiter caps attempts at perSecond a second as Moka counts them: a
// token bucket that holds one token, so that attempts are spaced evenly (a
// larger bucket would let a burst of its size through on top of the rate, and
// Moka counts every second). perSecond 0 means no limit; negative or not
// finite is an error.
func NewRateLimiter(perSecond float64) (*RateLimiter, error) {
	if math.IsNaN(perSecond) || math.IsInf(perSecond, 0) || perSecond < 0 {
		return nil, fmt.Errorf("moka: requests per second must be a number of 0 or more, got %v", perSecond)
	}
	if perSecond == 0 {
		return &RateLimiter{perSec: 0}, nil
	}
	return &RateLimiter{limiter: rate.NewLimiter(rate.Limit(perSecond/rateMargin), 1), perSec: perSecond}, nil
}

// PerSecond is the cap; 0 means none.
func (l *RateLimiter) PerSecond() float64 {
	if l == nil {
		return 0
	}
	return l.perSec
}

// wait blocks until the next attempt may start, or ctx ends.
func (l *RateLimiter) wait(ctx context.Context) error {
	if l == nil || l.limiter == nil {
		return nil
	}
	return l.limiter.Wait(ctx)
}
