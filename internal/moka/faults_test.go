package moka

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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
		card, err := AddCardSettled(ctx, c, rtCard(i))
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
