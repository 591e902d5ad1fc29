package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Refreshing many cards: past cardListAfterReads reads, one GetCardList per
// customer, dropped by any write, never trusted to say a card is gone (DESIGN.md).

const cardListAfterReads = snapshotAfterReads

// cardReader is providerData's cache of GetCardList answers.
type cardReader struct {
	mu sync.Mutex
	// reads counts card reads since a write.
	reads int
	// written is the client's WriteCount that lists belongs to.
	written uint64
	// lists: one per customer asked for (being fetched, fetched or failed).
	lists map[cardListKey]*cardList
	// namesMissing is set once a list gave none of its cards' names.
	namesMissing bool
}

// cardListKey: by id when the state knows it, else by code.
type cardListKey struct {
	id   int64
	code string
}

func cardListKeyOf(ref moka.CustomerRef) (cardListKey, bool) {
	switch {
	case ref.DealerCustomerID > 0:
		return cardListKey{id: ref.DealerCustomerID}, true
	case ref.CustomerCode != "":
		return cardListKey{code: ref.CustomerCode}, true
	}
	return cardListKey{}, false
}

type cardList struct {
	written  uint64        // the client's WriteCount when the list was asked for
	done     chan struct{} // closed once the fields below are set
	err      error
	customer moka.Customer
	byToken  map[string]moka.Card // cards the list has once, with their names
	unnamed  map[string]bool
}

// readCardBatched is readCard, answered from the customer's card list when
// one vouches for the card.
func (d *providerData) readCardBatched(ctx context.Context, client *moka.Client, ref moka.CustomerRef, token string, resp *resource.ReadResponse, whatFollows string) *moka.CardWithCustomer {
	if got, ok := d.cards.lookup(ctx, client, ref, token); ok {
		return got
	}
	return readCard(ctx, client, token, resp, whatFollows)
}

// lookup's ok is false when the read must go to GetCard.
func (r *cardReader) lookup(ctx context.Context, client *moka.Client, ref moka.CustomerRef, token string) (*moka.CardWithCustomer, bool) {
	key, named := cardListKeyOf(ref)
	if !named || token == "" {
		return nil, false
	}
	list, fetch := r.listFor(client.WriteCount(), key)
	if list == nil {
		return nil, false
	}
	if fetch {
		list.fill(ctx, client, key)
	} else {
		select {
		case <-list.done:
		case <-ctx.Done():
			return nil, false // GetCard then reports the context's error
		}
	}
	if list.err != nil || client.WriteCount() != list.written {
		return nil, false
	}
	if len(list.unnamed) > 0 && len(list.byToken) == 0 {
		r.mu.Lock()
		r.namesMissing = true
		r.mu.Unlock()
	}
	token = moka.NormalizeCardToken(token)
	card, ok := list.byToken[token]
	if !ok {
		return nil, false
	}
	return &moka.CardWithCustomer{Customer: list.customer, Card: card}, true
}

// listFor's fetch is set for the one caller that must fill it.
func (r *cardReader) listFor(written uint64, key cardListKey) (list *cardList, fetch bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if written != r.written {
		r.written, r.lists, r.reads = written, nil, 0
	}
	r.reads++
	if r.reads <= cardListAfterReads || r.namesMissing {
		return nil, false
	}
	if l := r.lists[key]; l != nil {
		return l, false
	}
	if r.lists == nil {
		r.lists = map[cardListKey]*cardList{}
	}
	l := &cardList{written: written, done: make(chan struct{})}
	r.lists[key] = l
	return l, true
}

func (l *cardList) fill(ctx context.Context, client *moka.Client, key cardListKey) {
	defer close(l.done)
	got, unnamed, err := client.ListCards(ctx, moka.CustomerRef{DealerCustomerID: key.id, CustomerCode: key.code})
	if err == nil && key.id != 0 && got.Customer.DealerCustomerID != key.id {
		err = fmt.Errorf("the list answers for customer %d", got.Customer.DealerCustomerID)
	}
	if err == nil && len(got.Cards) == 0 {
		err = errors.New("the customer has no cards") // every read needs GetCard's word
	}
	if err != nil {
		l.err = err
		tflog.Debug(ctx, "moka: listing a customer's cards for the refresh failed; reading them one by one", map[string]any{"error": err.Error()})
		return
	}
	l.customer, l.unnamed = got.Customer, unnamed
	// A card the list has twice, or without its name, is not trusted.
	l.byToken = indexUnique(got.Cards, func(c moka.Card) string { return c.CardToken })
	for token := range unnamed {
		delete(l.byToken, token)
	}
}
