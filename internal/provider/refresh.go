package provider

import (
	"context"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Refreshing many customers.
//
// A provider process lives for one Terraform command (or one walk of it), and a
// refresh calls Read for every customer in state, about ten at a time. One
// GetCustomer per customer costs N round trips: with Moka 100 ms away and a
// state of 1000 customers that is 10 s of waiting. GetCustomerList answers for
// every customer of the account in one call, so a process that has read more
// than snapshotAfterReads customers lists the account once and answers the rest
// of its reads from that list:
//
//   - A small state pays nothing: the first snapshotAfterReads reads are plain
//     GetCustomer calls, so a state of up to that many customers never lists
//     (and never downloads a large dealer account it mostly does not manage).
//   - One list for everybody: the first read past the threshold fetches it, the
//     reads that arrive meanwhile wait for that one call (single flight), and
//     every later read uses the same snapshot, so reads see one consistent view.
//   - A write by this process (customerWritten) drops the snapshot, also one
//     still being fetched, and starts the count again: no read after a write is
//     answered from data older than the write.
//   - A customer that is not in the list is never called deleted on the list's
//     word: it is read with GetCustomer, which finds it (created after the list)
//     or confirms that it is gone. The same goes for a customer code the list
//     has twice, and a reference whose id and code disagree with the list.
//   - The list is trusted for every field it carries. Only a customer whose
//     password the configuration manages (needPassword) is read one by one
//     when the list gives it no password and carries no passwords at all (an
//     API whose list leaves the field out): a list without passwords proves
//     nothing of them. Customers without a managed password, the common case,
//     never need that read.
//   - A list that fails is not retried until the next write: reads fall back to
//     GetCustomer, as if there were no list. So does a list that leaves out a
//     customer's Address (not every Moka's list carries it): a missing address
//     is not an empty one.

// snapshotAfterReads is how many customer reads a process makes one by one
// before it lists the account instead.
const snapshotAfterReads = 20

// customerReader is providerData's cache of GetCustomerList; its zero value is
// ready to use.
type customerReader struct {
	mu sync.Mutex
	// reads counts readCustomer calls since the process started or since the
	// last write.
	reads int
	// generation is bumped by every write.
	generation uint64
	// current is the snapshot of this generation (being fetched, fetched or
	// failed), or nil.
	current *customerSnapshot
}

// customerSnapshot is one GetCustomerList answer, indexed.
type customerSnapshot struct {
	generation uint64
	done       chan struct{} // closed once the fields below are set
	err        error
	byID       map[int64]*moka.Customer
	byCode     map[string]*moka.Customer
	// passwords is set when the list carries passwords: some customer in it
	// has one. Otherwise an empty password in the list proves nothing.
	passwords bool
}

// readCustomer is how resources read one customer for a refresh: from the
// process's snapshot of the account when it has one that knows the customer,
// else with GetCustomer (whose not-found error is the only proof that a
// customer is gone).
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

// customerWritten is called after every customer write this process makes
// (also after one that failed: it may have happened): the snapshot, if any, no
// longer says what Moka holds.
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

// lookup answers a read from the snapshot, fetching it first when this read is
// the one past the threshold. ok is false when the read must go to GetCustomer.
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

// snapshotFor counts a read and gives the snapshot it may use, if any; fetch is
// set for the one caller that must fill it.
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

// fill makes the one GetCustomerList call of this snapshot.
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

// find is the customer ref names, if the snapshot can vouch for it.
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

// refreshed is the value to store for an optional attribute that Moka says is
// now got: empty means unset (null, unless the configuration said ""), and a
// value equal to the prior one keeps the prior one's spelling.
func refreshed(prior types.String, got string, equal func(a, b string) bool) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && equal(prior.ValueString(), got) {
		return prior
	}
	if got == "" {
		return types.StringNull()
	}
	return types.StringValue(got)
}

// indexUnique indexes entries by key, leaving out every key that more than
// one entry has: a list that names an object twice is not trusted for it.
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
