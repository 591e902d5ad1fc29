package sandbox

import (
	"fmt"
	"slices"
)

// tx is a write under way: the entries it touched, as they were before it,
// to undo a write that could not be saved and to make its journal line, at a
// cost that grows with the write, not the state.
type tx struct {
	nextID, nextSeq int64
	customers       map[int64]customerBefore
	cards           map[string]cardBefore
}

type customerBefore struct {
	active, removed      Customer
	isActive, wasRemoved bool
}

type cardBefore struct {
	card   cardRec
	exists bool
}

func (st *state) begin() {
	st.tx = &tx{nextID: st.nextID, nextSeq: st.nextSeq}
}

func (st *state) end() *tx {
	t := st.tx
	st.tx = nil
	return t
}

func (st *state) touchCustomer(id int64) {
	t := st.tx
	if t == nil {
		return
	}
	if _, seen := t.customers[id]; seen {
		return
	}
	if t.customers == nil {
		t.customers = map[int64]customerBefore{}
	}
	var b customerBefore
	b.active, b.isActive = st.customers[id]
	b.removed, b.wasRemoved = st.removed[id]
	t.customers[id] = b
}

func (st *state) touchCard(tok string) {
	t := st.tx
	if t == nil {
		return
	}
	if _, seen := t.cards[tok]; seen {
		return
	}
	if t.cards == nil {
		t.cards = map[string]cardBefore{}
	}
	var b cardBefore
	b.card, b.exists = st.cards[tok]
	t.cards[tok] = b
}

func (t *tx) empty(st *state) bool {
	return len(t.customers) == 0 && len(t.cards) == 0 && t.nextID == st.nextID && t.nextSeq == st.nextSeq
}

func (t *tx) rollback(st *state) {
	st.nextID, st.nextSeq = t.nextID, t.nextSeq
	// Drop the codes of what the write left before restoring those of what
	// was there: the index was consistent before, so it is again.
	for id := range t.customers {
		if c, ok := st.customers[id]; ok && st.codes[st.codeKey(c.CustomerCode)] == id {
			delete(st.codes, st.codeKey(c.CustomerCode))
		}
	}
	for id, b := range t.customers {
		delete(st.customers, id)
		delete(st.removed, id)
		if b.isActive {
			st.customers[id] = b.active
			st.codes[st.codeKey(b.active.CustomerCode)] = id
		}
		if b.wasRemoved {
			st.removed[id] = b.removed
		}
	}
	for tok, b := range t.cards {
		if b.exists {
			st.cards[tok] = b.card
		} else {
			delete(st.cards, tok)
		}
	}
}

// change is one journal line: every entry a write touched, as it left them.
type change struct {
	NextDealerCustomerID int64      `json:"nextDealerCustomerId"`
	NextCardSeq          int64      `json:"nextCardSeq"`
	Customers            []Customer `json:"customers,omitempty"`
	RemovedCustomers     []Customer `json:"removedCustomers,omitempty"`
	ForgottenCustomers   []int64    `json:"forgottenCustomers,omitempty"` // neither active nor removed
	Cards                []cardRec  `json:"cards,omitempty"`
	DeletedCards         []string   `json:"deletedCards,omitempty"`
}

func (t *tx) change(st *state) change {
	ch := change{NextDealerCustomerID: st.nextID, NextCardSeq: st.nextSeq}
	ids := make([]int64, 0, len(t.customers))
	for id := range t.customers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if c, ok := st.customers[id]; ok {
			ch.Customers = append(ch.Customers, c)
		} else if c, ok := st.removed[id]; ok {
			ch.RemovedCustomers = append(ch.RemovedCustomers, c)
		} else {
			ch.ForgottenCustomers = append(ch.ForgottenCustomers, id)
		}
	}
	toks := make([]string, 0, len(t.cards))
	for tok := range t.cards {
		toks = append(toks, tok)
	}
	slices.Sort(toks)
	for _, tok := range toks {
		if c, ok := st.cards[tok]; ok {
			ch.Cards = append(ch.Cards, c)
		} else {
			ch.DeletedCards = append(ch.DeletedCards, tok)
		}
	}
	return ch
}

// apply replays a journal line. The loader rebuilds the code index once at
// the end.
func (ch *change) apply(st *state) error {
	for _, c := range ch.Customers {
		if c.DealerCustomerID <= 0 {
			return fmt.Errorf("customer with DealerCustomerId %d", c.DealerCustomerID)
		}
		st.customers[c.DealerCustomerID] = c
		delete(st.removed, c.DealerCustomerID)
	}
	for _, c := range ch.RemovedCustomers {
		if c.DealerCustomerID <= 0 {
			return fmt.Errorf("removed customer with DealerCustomerId %d", c.DealerCustomerID)
		}
		delete(st.customers, c.DealerCustomerID)
		st.removed[c.DealerCustomerID] = c
	}
	for _, id := range ch.ForgottenCustomers {
		delete(st.customers, id)
		delete(st.removed, id)
	}
	for _, c := range ch.Cards {
		tok, ok := normalizeToken(c.CardToken)
		if !ok {
			return fmt.Errorf("card token %q is not a GUID", c.CardToken)
		}
		c.CardToken = tok
		st.cards[tok] = c
	}
	for _, tok := range ch.DeletedCards {
		norm, ok := normalizeToken(tok)
		if !ok {
			return fmt.Errorf("card token %q is not a GUID", tok)
		}
		delete(st.cards, norm)
	}
	st.nextID = max(st.nextID, ch.NextDealerCustomerID)
	st.nextSeq = max(st.nextSeq, ch.NextCardSeq)
	return nil
}
