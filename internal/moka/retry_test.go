package moka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The tests in this file run the client against the sandbox (the model of
// Moka, written without this package's code) with its fault injection on:
// a contract test of retries and reconciliation under every failure the
// sandbox can produce, asserted from the sandbox's own data.

// rtFaults counts the faults the sandbox reports injecting, by kind.
type rtFaults struct {
	mu     sync.Mutex
	byKind map[string]int
}

var rtFaultLine = regexp.MustCompile(`fault ([a-z0-9]+)`)

func (f *rtFaults) logf(format string, args ...any) {
	if m := rtFaultLine.FindStringSubmatch(fmt.Sprintf(format, args...)); m != nil {
		f.mu.Lock()
		f.byKind[m[1]]++
		f.mu.Unlock()
	}
}

func (f *rtFaults) counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, n := range f.byKind {
		out[k] = n
	}
	return out
}

// rtClient is a client for srv with a short per-attempt timeout and a large,
// fast retry budget, on a transport of its own that the test closes.
func rtClient(t *testing.T, srv *sandbox.Server, password string) *Client {
	t.Helper()
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(Config{
		BaseURL:        srv.URL(),
		DealerCode:     "SANDBOX",
		Username:       "sandbox",
		Password:       password,
		HTTPClient:     hc,
		MaxRetries:     12,
		RequestTimeout: 400 * time.Millisecond,
		RetryBaseDelay: 5 * time.Millisecond,
		RetryMaxDelay:  100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rtLuhn is a 16-digit number starting with prefix, holding n, with a valid
// Luhn check digit.
func rtLuhn(prefix string, n int) string {
	body := prefix + fmt.Sprintf("%0*d", 15-len(prefix), n)
	for d := byte('0'); d <= '9'; d++ {
		if sum := rtLuhnSum(body + string(d)); sum%10 == 0 {
			return body + string(d)
		}
	}
	panic("unreachable")
}

func rtLuhnSum(digits string) int {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum
}

func rtCustomer(i int) Customer {
	return Customer{
		CustomerCode: fmt.Sprintf("RT-%03d", i),
		Password:     fmt.Sprintf("PIN-%04d", i),
		FirstName:    "Şükrü",
		LastName:     fmt.Sprintf("Öztürk %d", i),
		Gender:       GenderMale,
		BirthDate:    "1985-12-31",
		GsmNumber:    fmt.Sprintf("5320%06d", i),
		Email:        fmt.Sprintf("sukru.%d@example.com.tr", i),
		Address:      fmt.Sprintf("İstiklal Cd. %d, Beyoğlu", i),
	}
}

func rtCard(i int) NewCard {
	return NewCard{
		Customer:           CustomerRef{CustomerCode: fmt.Sprintf("RT-%03d", i)},
		CardHolderFullName: fmt.Sprintf("Şükrü Öztürk %d", i),
		CardNumber:         rtLuhn("512754", i),
		ExpMonth:           "12",
		ExpYear:            "2030",
		CardName:           fmt.Sprintf("Kartım %d", i),
	}
}

// forEach runs fn(i) for i in [0, n) on workers goroutines and returns the
// errors, each prefixed with its i.
func forEach(n, workers int, fn func(i int) error) []error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("#%d: %w", i, err))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

// TestFaultySandboxLifecycle creates, changes and removes customers and cards
// while the sandbox fails 30% of all calls in every way it knows. Every call
// must succeed in the end, and after each phase the sandbox must hold exactly
// what the client was told: no customer or card twice, none lost, none left.
func TestFaultySandboxLifecycle(t *testing.T) {
	const n, workers = 40, 8
	faults := &rtFaults{byKind: map[string]int{}}
	srv := testsupport.StartSandbox(t, sandbox.Options{
		FaultRate:   0.3,
		TimeoutHang: 2 * time.Second,
		Seed:        41,
		Logf:        faults.logf,
	})
	c := rtClient(t, srv, "sandbox")
	ctx := context.Background()

	var mu sync.Mutex
	ids := map[int]int64{}
	tokens := map[int]string{}

	// Phase 1: AddCustomer and AddCard, the two calls that are not idempotent.
	errs := forEach(n, workers, func(i int) error {
		want := rtCustomer(i)
		got, err := c.AddCustomer(ctx, want)
		if err != nil {
			return err
		}
		if id := got.Customer.DealerCustomerID; id == 0 {
			return errors.New("AddCustomer answered no DealerCustomerId")
		}
		want.DealerCustomerID = got.Customer.DealerCustomerID
		if got.Customer != want {
			return fmt.Errorf("AddCustomer answered %+v, want %+v", got.Customer, want)
		}
		card, err := c.AddCard(ctx, rtCard(i))
		if err != nil {
			return err
		}
		mu.Lock()
		ids[i], tokens[i] = got.Customer.DealerCustomerID, card.Card.CardToken
		mu.Unlock()
		return nil
	})
	for _, err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	rtCheckSandbox(t, srv, ids, tokens, func(i int, cu *sandbox.Customer, k *sandbox.Card) {
		want := rtCustomer(i)
		if cu.Password != want.Password || cu.LastName != want.LastName || cu.Address != want.Address || cu.Email != want.Email {
			t.Errorf("customer %d holds %+v, want %+v", i, *cu, want)
		}
		nc := rtCard(i)
		if k.CardHolderFullName != nc.CardHolderFullName || k.CardName != nc.CardName ||
			k.CardNumberFirstSix != nc.CardNumber[:6] || k.CardNumberLastFour != nc.CardNumber[12:] {
			t.Errorf("card %d holds %+v, want %+v", i, *k, nc)
		}
	})

	// Phase 2: updates and reads, idempotent and retried freely.
	errs = forEach(n, workers, func(i int) error {
		upd := rtCustomer(i)
		upd.DealerCustomerID = ids[i]
		upd.Address = fmt.Sprintf("Güzelyalı %d, Çanakkale", i)
		if _, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: upd, KeepPassword: i%2 == 0}); err != nil {
			return err
		}
		if _, err := c.UpdateCard(ctx, tokens[i], fmt.Sprintf("Maaş kartı %d", i)); err != nil {
			return err
		}
		got, err := c.GetCardList(ctx, CustomerRef{DealerCustomerID: ids[i]})
		if err != nil {
			return err
		}
		if len(got.Cards) != 1 || got.Customer.Address != upd.Address {
			return fmt.Errorf("GetCardList answered %+v", got)
		}
		return nil
	})
	for _, err := range errs {
		t.Error(err)
	}
	list, err := c.GetCustomerList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Errorf("GetCustomerList: %d customers, want %d", len(list), n)
	}
	rtCheckSandbox(t, srv, ids, tokens, func(i int, cu *sandbox.Customer, k *sandbox.Card) {
		if want := fmt.Sprintf("Güzelyalı %d, Çanakkale", i); cu.Address != want || cu.Password != rtCustomer(i).Password {
			t.Errorf("customer %d after update: %+v", i, *cu)
		}
		if want := fmt.Sprintf("Maaş kartı %d", i); k.CardName != want {
			t.Errorf("card %d after rename: %q, want %q", i, k.CardName, want)
		}
	})

	// Phase 3: RemoveCard for half, RemoveCustomer for all: not-found after a
	// lost answer is success, and nothing is left behind.
	errs = forEach(n, workers, func(i int) error {
		if i%2 == 0 {
			if err := c.RemoveCard(ctx, tokens[i]); err != nil {
				return err
			}
		}
		return c.RemoveCustomer(ctx, CustomerRef{DealerCustomerID: ids[i]})
	})
	for _, err := range errs {
		t.Error(err)
	}
	if cs, ks := srv.Customers(), srv.Cards(); len(cs) != 0 || len(ks) != 0 {
		t.Errorf("after removing everything the sandbox holds %d customers and %d cards", len(cs), len(ks))
	}

	got := faults.counts()
	calls := srv.Stats().Calls
	t.Logf("faults injected: %v; calls: %v", got, calls)
	for _, k := range sandbox.AllFaultKinds {
		if got[string(k)] == 0 {
			t.Errorf("no %q fault was injected: the test covers less than it claims", k)
		}
	}
}

// rtCheckSandbox compares the sandbox's customers and cards with what the
// client was told, and hands each pair to check.
func rtCheckSandbox(t *testing.T, srv *sandbox.Server, ids map[int]int64, tokens map[int]string, check func(i int, c *sandbox.Customer, k *sandbox.Card)) {
	t.Helper()
	customers := map[int64]sandbox.Customer{}
	for _, c := range srv.Customers() {
		if _, dup := customers[c.DealerCustomerID]; dup {
			t.Errorf("customer %d twice", c.DealerCustomerID)
		}
		customers[c.DealerCustomerID] = c
	}
	cards := map[string]sandbox.Card{}
	for _, k := range srv.Cards() {
		cards[k.CardToken] = k
	}
	if len(customers) != len(ids) || len(cards) != len(tokens) {
		t.Errorf("the sandbox holds %d customers and %d cards; the client created %d and %d", len(customers), len(cards), len(ids), len(tokens))
	}
	for i, id := range ids {
		cu, ok := customers[id]
		if !ok {
			t.Errorf("customer #%d (%d) is not in the sandbox", i, id)
			continue
		}
		if want := fmt.Sprintf("RT-%03d", i); cu.CustomerCode != want {
			t.Errorf("customer %d has code %q, want %q", id, cu.CustomerCode, want)
		}
		k, ok := cards[tokens[i]]
		if !ok {
			t.Errorf("card #%d (%s) is not in the sandbox", i, tokens[i])
			continue
		}
		if k.DealerCustomerID != id {
			t.Errorf("card %s belongs to %d, want %d", k.CardToken, k.DealerCustomerID, id)
		}
		check(i, &cu, &k)
	}
}

// TestAddCustomerConflictIsNotAdopted: a customer that existed before the call
// is not adopted, whatever faults the call meets on the way; the error names
// the existing customer so that the provider can say how to import it. (A
// customer identical in every field to the one sent cannot be told apart from
// one that a lost attempt created: after an uncertain attempt it is adopted.
// Without one it is a conflict, which the first case checks.)
func TestAddCustomerConflictIsNotAdopted(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{Seed: 5, TimeoutHang: time.Second})
	existing, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "TAKEN", FirstName: "Önceki"})
	if err != nil {
		t.Fatal(err)
	}
	c := rtClient(t, srv, "sandbox")
	tests := []struct {
		name      string
		faultRate float64
		firstName string
	}{
		{"same data, no faults", 0, "Önceki"},
		{"other data, no faults", 0, "Sonraki"},
		{"other data, every kind of fault", 0.5, "Sonraki"},
	}
	for _, tt := range tests {
		srv.SetFaultRate(tt.faultRate)
		for range 10 {
			_, err := c.AddCustomer(context.Background(), Customer{CustomerCode: "TAKEN", FirstName: tt.firstName})
			var conflict *ConflictError
			if !errors.As(err, &conflict) || conflict.DealerCustomerID != existing.DealerCustomerID {
				t.Errorf("%s: err = %v, want a ConflictError naming %d", tt.name, err, existing.DealerCustomerID)
			}
		}
	}
	srv.SetFaultRate(0)
	if got := srv.Customers(); len(got) != 1 || got[0] != existing {
		t.Errorf("the sandbox holds %+v, want only %+v", got, existing)
	}
}

// TestBackoff: exponential growth from the base delay, capped, with jitter
// that spreads retries over the upper half of each step.
func TestBackoff(t *testing.T) {
	c := &Client{baseDelay: 100 * time.Millisecond, maxDelay: 2 * time.Second}
	plain := errors.New("boom")
	for attempt, ms := range []int{100, 200, 400, 800, 1600, 2000, 2000} {
		ceiling := time.Duration(ms) * time.Millisecond
		seen := map[time.Duration]bool{}
		for range 200 {
			d := c.backoff(attempt, plain)
			if d < ceiling/2 || d > ceiling {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("attempt %d: only %d distinct delays in 200: no jitter", attempt, len(seen))
		}
	}
	if d := c.backoff(1000, plain); d > 2*time.Second || d < time.Second {
		t.Errorf("attempt 1000: %v, want the cap", d)
	}
	// Retry-After wins over the computed delay, and is capped.
	for _, tt := range []struct {
		header string
		want   time.Duration
	}{{"3", 3 * time.Second}, {"0", 0}, {"86400", maxRetryAfter}} {
		if d := c.backoff(0, &TransportError{HTTPStatus: 503, RetryAfter: tt.header}); d != tt.want {
			t.Errorf("Retry-After %q: %v, want %v", tt.header, d, tt.want)
		}
	}
}

// TestClassify: what may be retried, and what may have been acted on.
func TestClassify(t *testing.T) {
	tests := []struct {
		name                 string
		err                  error
		retryable, uncertain bool
	}{
		{"refused dial", &TransportError{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, true, false},
		{"DNS", &TransportError{Err: &net.DNSError{Err: "no such host", Name: "x"}}, true, false},
		{"reset", &TransportError{Err: &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}}, true, true},
		{"timeout", &TransportError{Err: errors.New("no answer within 1s (request_timeout)")}, true, true},
		{"HTML 503", &TransportError{HTTPStatus: 503}, true, true},
		{"HTML 502", &TransportError{HTTPStatus: 502}, true, true},
		{"429", &TransportError{HTTPStatus: http.StatusTooManyRequests}, true, true},
		{"408", &TransportError{HTTPStatus: http.StatusRequestTimeout}, true, true},
		{"404 page", &TransportError{HTTPStatus: 404}, false, false},
		{"401 page", &TransportError{HTTPStatus: 401}, false, false},
		{"cancelled", &TransportError{Err: context.Canceled}, false, true},
		{"EX", newAPIError("AddCustomer", "EX", ""), true, true},
		{"business error", newAPIError("AddCustomer", "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing", ""), false, false},
		{"InvalidRequest", newAPIError("GetCard", "DealerCustomer.GetCard.InvalidRequest", ""), false, false},
		{"other", errors.New("decoding"), false, false},
	}
	for _, tt := range tests {
		if r, u := classify(tt.err); r != tt.retryable || u != tt.uncertain {
			t.Errorf("%s: classify = %v, %v; want %v, %v", tt.name, r, u, tt.retryable, tt.uncertain)
		}
	}
}

// TestCancelDuringSandboxTimeout: Ctrl-C while the sandbox holds a request
// (a timeout fault) or while the client waits to retry ends the call at once.
func TestCancelDuringSandboxTimeout(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{FaultRate: 1, FaultKinds: []sandbox.FaultKind{sandbox.FaultTimeout}, TimeoutHang: time.Minute})
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(Config{BaseURL: srv.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox", HTTPClient: hc,
		MaxRetries: 50, RequestTimeout: 150 * time.Millisecond, RetryBaseDelay: 10 * time.Second, RetryMaxDelay: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for _, after := range []time.Duration{50 * time.Millisecond, 400 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(after, cancel)
		start := time.Now()
		_, err := c.AddCustomer(ctx, rtCustomer(1))
		took := time.Since(start)
		timer.Stop()
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancel after %v: err = %v, want context.Canceled", after, err)
		}
		if took > after+300*time.Millisecond {
			t.Errorf("cancel after %v: the call returned only after %v", after, took)
		}
	}
	if n := len(srv.Customers()); n != 0 {
		t.Errorf("%d customers stored by held requests", n)
	}
}

// TestInvalidUTF8IsRefused: a string that is not UTF-8 would reach Moka with
// its bad bytes replaced by U+FFFD (encoding/json does that silently), so the
// client refuses it before sending anything, without quoting the value.
func TestInvalidUTF8IsRefused(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{})
	c := rtClient(t, srv, "sandbox")
	ctx := context.Background()
	bad := "Ay\xfe\xffşe"
	cust := rtCustomer(1)
	cust.FirstName = bad
	if _, err := c.AddCustomer(ctx, cust); err == nil || !strings.Contains(err.Error(), "FirstName") || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("AddCustomer: err = %v, want an error naming FirstName and UTF-8", err)
	} else if strings.Contains(err.Error(), "Ay") {
		t.Errorf("the error quotes the value: %v", err)
	}
	pin := rtCustomer(2)
	pin.Password = "PIN\xc3"
	if _, err := c.AddCustomer(ctx, pin); err == nil || !strings.Contains(err.Error(), "Password") {
		t.Errorf("AddCustomer with a bad password: err = %v", err)
	}
	card := rtCard(1)
	card.CardName = "Kart\xff"
	if _, err := c.AddCard(ctx, card); err == nil || !strings.Contains(err.Error(), "CardName") {
		t.Errorf("AddCard: err = %v", err)
	}
	if _, err := c.UpdateCard(ctx, "51937236-82e0-4637-a8f5-2e1ec56ec870", "\x80"); err == nil || !strings.Contains(err.Error(), "CardName") {
		t.Errorf("UpdateCard: err = %v", err)
	}
	if calls := srv.Stats().Calls; len(calls) != 0 {
		t.Errorf("requests were sent: %v", calls)
	}
	// Valid text in every alphabet goes through untouched.
	ok := rtCustomer(3)
	ok.FirstName, ok.LastName, ok.Address = "İĞÜŞÖÇ ığüşöç", "😀 Öz\u200dtürk", "Ünye — \u00a0 東京"
	got, err := c.AddCustomer(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	ok.DealerCustomerID = got.Customer.DealerCustomerID
	if got.Customer != ok {
		t.Errorf("round trip: %+v, want %+v", got.Customer, ok)
	}
	if stored := srv.Customers(); len(stored) != 1 || stored[0].FirstName != ok.FirstName || stored[0].LastName != ok.LastName || stored[0].Address != ok.Address {
		t.Errorf("stored %+v", stored)
	}
}
