package moka_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

func TestNewRateLimiter(t *testing.T) {
	for _, tc := range []struct {
		perSecond float64
		wantErr   bool
	}{
		{0, false}, {0.5, false}, {5, false}, {moka.DefaultMaxRequestsPerSecond, false},
		{-1, true}, {math.NaN(), true}, {math.Inf(1), true},
	} {
		l, err := moka.NewRateLimiter(tc.perSecond)
		if (err != nil) != tc.wantErr {
			t.Errorf("NewRateLimiter(%v): error %v, want error %v", tc.perSecond, err, tc.wantErr)
			continue
		}
		if err == nil && l.PerSecond() != tc.perSecond {
			t.Errorf("NewRateLimiter(%v).PerSecond() = %v", tc.perSecond, l.PerSecond())
		}
	}
}

// TestRateLimitAsTheSandboxSeesIt: many goroutines sharing one limiter (as every
// resource of a provider process does, through clients of their own) never
// make the sandbox count more calls in a second than the cap, and the cap does
// not slow them below it either.
func TestRateLimitAsTheSandboxSeesIt(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of real time")
	}
	const perSecond, workers, callsEach = 5, 12, 2
	limiter, err := moka.NewRateLimiter(perSecond)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := startSandbox(t, sandbox.Options{})
	// Three clients, as three resources of one provider process have.
	clients := make([]*moka.Client, 3)
	for i := range clients {
		clients[i], err = moka.New(moka.Config{BaseURL: s.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: sbAPIPassword, RateLimiter: limiter})
		if err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers*callsEach)
	for w := range workers {
		wg.Go(func() {
			for range callsEach {
				if _, err := clients[w%len(clients)].GetCustomerList(context.Background()); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	elapsed := time.Since(start)
	st := s.Stats()
	if got := st.Calls["GetCustomerList"]; got != workers*callsEach {
		t.Fatalf("sandbox saw %d calls, want %d", got, workers*callsEach)
	}
	if st.PeakCallsPerSecond > perSecond {
		t.Errorf("sandbox saw %d calls within one second; the cap is %d", st.PeakCallsPerSecond, perSecond)
	}
	// 24 calls at 5 a second, the first at once: at least 23/5 s.
	if lower := time.Duration(float64(workers*callsEach-1) / perSecond * float64(time.Second)); elapsed < lower {
		t.Errorf("%d calls took %s, less than the cap allows (%s)", workers*callsEach, elapsed, lower)
	}
	if st.PeakCallsPerSecond < perSecond-1 {
		t.Errorf("peak of %d calls a second: the limit holds calls back well below its cap of %d", st.PeakCallsPerSecond, perSecond)
	}
}

// TestRateLimitWaitEndsWithContext: a call whose context ends while it waits
// for its turn fails without sending anything, and is not uncertain.
func TestRateLimitWaitEndsWithContext(t *testing.T) {
	limiter, err := moka.NewRateLimiter(0.2) // one call every five seconds
	if err != nil {
		t.Fatal(err)
	}
	s, c := startSandbox(t, sandbox.Options{}, func(c *moka.Config) { c.RateLimiter = limiter })
	if _, err := c.GetCustomerList(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.AddCustomer(ctx, sbCustomer("RATE-1"))
	if err == nil {
		t.Fatal("AddCustomer succeeded although its turn came after its deadline")
	}
	if moka.MayHaveTakenEffect(err) {
		t.Errorf("a call that never left is reported as maybe taken effect: %v", err)
	}
	if n := s.Stats().Calls["AddCustomer"]; n != 0 {
		t.Errorf("sandbox saw %d AddCustomer calls, want none", n)
	}
}
