package provider

import (
	"context"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Refreshing many customers: past snapshotAfterReads reads, one GetCustomerList
// answers the rest, never trusted to say a customer is gone (DESIGN.md).

const snapshotAfterReads = 20

// customerReader is providerData's cache of GetCustomerList.
type customerReader struct {
	mu sync.Mutex
	// reads counts reads since the last write.
	reads int
	// generation is bumped by every write.
	generation uint64
	// current is this generation's snapshot (being fetched, fetched or failed).
	current *customerSnapshot
}

type customerSnapshot struct {
	generation uint64
	done       chan struct{} // closed once the fields below are set
	err        error
	byID       map[int64]*moka.Customer
	byCode     map[string]*moka.Customer
	// passwords: some customer in it has one; else an empty one proves nothing.
	passwords bool
}

// readCustomer reads one customer for a refresh, from the snapshot when it
// knows the customer: only GetCustomer's not-found proves a customer gone.
func (d *providerData) readCustomer(ctx context.Context, ref moka.CustomerRef, needPassword bool) (*moka.Customer, error) {
	c, _, err := d.readCustomerAndCards(ctx, ref, needPassword)
	return c, err
}

// readCustomerAndCards is readCustomer, with the customer's cards when
// GetCustomer gave them (nil when the snapshot answered).
func (d *providerData) readCustomerAndCards(ctx context.Context, ref moka.CustomerRef, needPassword bool) (*moka.Customer, []moka.Card, error) {
	if c, ok := d.customers.lookup(ctx, d.client, ref, needPassword); ok {
		return c, nil, nil
	}
	got, err := d.client.GetCustomer(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	return &got.Customer, got.Cards, nil
}

// customerWritten is called after every customer write, also a failed one:
// it may have happened.
func (d *providerData) customerWritten() {
	d.customers.invalidate()
}

func (r *customerReader) invalidate() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.generation++
	r.current = nil
	r.reads = 0
}

// lookup's ok is false when the read must go to GetCustomer.
func (r *customerReader) lookup(ctx context.Context, client *moka.Client, ref moka.CustomerRef, needPassword bool) (*moka.Customer, bool) {
	snap, fetch := r.snapshotFor()
	if snap == nil {
		return nil, false
	}
	if fetch {
		snap.fill(ctx, client)
	} else {
		select {
		case <-snap.done:
		case <-ctx.Done():
			return nil, false // GetCustomer then reports the context's error
		}
	}
	if snap.err != nil {
		return nil, false
	}
	return snap.find(ref, needPassword)
}

// snapshotFor's fetch is set for the one caller that must fill it.
func (r *customerReader) snapshotFor() (snap *customerSnapshot, fetch bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads++
	if r.current != nil && r.current.generation == r.generation {
		return r.current, false
	}
	if r.reads <= snapshotAfterReads {
		return nil, false
	}
	r.current = &customerSnapshot{generation: r.generation, done: make(chan struct{})}
	return r.current, true
}

func (s *customerSnapshot) fill(ctx context.Context, client *moka.Client) {
	defer close(s.done)
	list, complete, err := client.ListCustomers(ctx)
	if err == nil && !complete {
		err = errors.New("the list leaves customers' addresses out")
	}
	if err != nil {
		s.err = err
		tflog.Debug(ctx, "moka: listing customers for the refresh failed; reading them one by one", map[string]any{"error": err.Error()})
		return
	}
	entries := make([]*moka.Customer, len(list))
	for i := range list {
		entries[i] = &list[i]
		s.passwords = s.passwords || list[i].Password != ""
	}
	// An entry the list has twice is not trusted either way.
	s.byID = indexUnique(entries, func(c *moka.Customer) int64 { return c.DealerCustomerID })
	s.byCode = indexUnique(entries, func(c *moka.Customer) string { return c.CustomerCode })
	tflog.Debug(ctx, "moka: listed the account's customers for the refresh", map[string]any{"customers": len(list)})
}

func (s *customerSnapshot) find(ref moka.CustomerRef, needPassword bool) (*moka.Customer, bool) {
	var c *moka.Customer
	switch {
	case ref.DealerCustomerID > 0:
		c = s.byID[ref.DealerCustomerID]
		if c != nil && ref.CustomerCode != "" && c.CustomerCode != ref.CustomerCode {
			c = nil // Moka decides what a mismatched reference means
		}
	case ref.CustomerCode != "":
		c = s.byCode[ref.CustomerCode]
	}
	if c == nil || (needPassword && c.Password == "" && !s.passwords) {
		return nil, false
	}
	out := *c
	return &out, true
}

// refreshed: empty is null unless the configuration said "", and a value
// equal to the prior one keeps the prior one's spelling.
func refreshed(prior types.String, got string, equal func(a, b string) bool) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && equal(prior.ValueString(), got) {
		return prior
	}
	if got == "" {
		return types.StringNull()
	}
	return types.StringValue(got)
}

// indexUnique leaves out every key that more than one entry has.
func indexUnique[K comparable, V any](entries []V, key func(V) K) map[K]V {
	index := make(map[K]V, len(entries))
	twice := map[K]bool{}
	for _, e := range entries {
		k := key(e)
		if _, seen := index[k]; seen {
			twice[k] = true
		}
		index[k] = e
	}
	for k := range twice {
		delete(index, k)
	}
	return index
}
