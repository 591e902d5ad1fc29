package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// firstDealerCustomerID: the AddCustomer seed page answers its sample with 1033.
const firstDealerCustomerID = 1033

// Customer is a DealerCustomer as the sandbox keeps it.
type Customer struct {
	DealerCustomerID int64  `json:"DealerCustomerId"`
	CustomerCode     string `json:"CustomerCode"`
	Password         string `json:"Password"`
	FirstName        string `json:"FirstName"`
	LastName         string `json:"LastName"`
	Gender           int    `json:"Gender"`
	BirthDate        string `json:"BirthDate"`
	GsmNumber        string `json:"GsmNumber"`
	Email            string `json:"Email"`
	Address          string `json:"Address"`
}

// Card is a stored card as the sandbox keeps it: never the full number.
type Card struct {
	CardToken          string `json:"CardToken"`
	DealerCustomerID   int64  `json:"DealerCustomerId"`
	CardName           string `json:"CardName"`
	BankName           string `json:"BankName"`
	CardNumberFirstSix string `json:"CardNumberFirstSix"`
	CardNumberLastFour string `json:"CardNumberLastFour"`
	CardHolderFullName string `json:"CardHolderFullName"`
	ExpMonth           string `json:"ExpMonth"`
	ExpYear            string `json:"ExpYear"`
}

type cardRec struct {
	Card
	Seq int64 `json:"seq"` // creation order: a customer's CardList is in this order
}

// state is everything the sandbox knows. Every change goes through the
// methods below, which note in tx what each entry was before (tx.go).
type state struct {
	nextID    int64
	nextSeq   int64
	customers map[int64]Customer
	codes     map[string]int64 // CustomerCode -> DealerCustomerId of active customers
	cards     map[string]cardRec
	// removed: for ForbidCodeReuse and for cards kept by KeepCardsOnRemoveCustomer.
	removed map[int64]Customer
	// foldCodes is Options.CodesIgnoreCase.
	foldCodes bool
	tx        *tx // the write under way, or nil
}

func newState() *state {
	return &state{
		nextID:    firstDealerCustomerID,
		nextSeq:   1,
		customers: map[int64]Customer{},
		codes:     map[string]int64{},
		cards:     map[string]cardRec{},
		removed:   map[int64]Customer{},
	}
}

// codeKey: with foldCodes, as SQL Server's default collation compares an
// nvarchar column.
func (st *state) codeKey(code string) string {
	if !st.foldCodes {
		return code
	}
	return strings.ToLower(strings.TrimRight(code, " "))
}

// foldedCodes makes st compare codes as foldCodes says and rebuilds the code
// index; two active customers whose codes then compare equal are an error.
func (st *state) foldedCodes(fold bool) error {
	st.foldCodes = fold
	st.codes = make(map[string]int64, len(st.customers))
	for _, c := range st.sortedCustomers() {
		key := st.codeKey(c.CustomerCode)
		if other, dup := st.codes[key]; dup {
			return fmt.Errorf("CustomerCode %q of DealerCustomerId %d and that of %d are the same code when compared ignoring case and trailing spaces", c.CustomerCode, c.DealerCustomerID, other)
		}
		st.codes[key] = c.DealerCustomerID
	}
	return nil
}

func (st *state) byCode(code string) (Customer, bool) {
	id, ok := st.codes[st.codeKey(code)]
	if !ok {
		return Customer{}, false
	}
	c, ok := st.customers[id]
	return c, ok
}

func (st *state) codeRemoved(code string) bool {
	for _, c := range st.removed {
		if st.codeKey(c.CustomerCode) == st.codeKey(code) {
			return true
		}
	}
	return false
}

func (st *state) putCustomer(c Customer) {
	st.touchCustomer(c.DealerCustomerID)
	if old, ok := st.customers[c.DealerCustomerID]; ok && st.codes[st.codeKey(old.CustomerCode)] == old.DealerCustomerID {
		delete(st.codes, st.codeKey(old.CustomerCode))
	}
	st.customers[c.DealerCustomerID] = c
	st.codes[st.codeKey(c.CustomerCode)] = c.DealerCustomerID
	delete(st.removed, c.DealerCustomerID)
	if c.DealerCustomerID >= st.nextID {
		st.nextID = c.DealerCustomerID + 1
	}
}

func (st *state) addCustomer(c Customer) Customer {
	c.DealerCustomerID = st.nextID
	st.putCustomer(c)
	return c
}

func (st *state) removeCustomer(id int64, keepCards bool) {
	c, ok := st.customers[id]
	if !ok {
		return
	}
	st.touchCustomer(id)
	delete(st.customers, id)
	if st.codes[st.codeKey(c.CustomerCode)] == id {
		delete(st.codes, st.codeKey(c.CustomerCode))
	}
	st.removed[id] = c
	if !keepCards {
		for tok, card := range st.cards {
			if card.DealerCustomerID == id {
				st.deleteCard(tok)
			}
		}
	}
}

func (st *state) addCard(c Card) Card {
	st.putCard(cardRec{Card: c, Seq: st.nextSeq})
	st.nextSeq++
	return c
}

func (st *state) putCard(c cardRec) {
	st.touchCard(c.CardToken)
	st.cards[c.CardToken] = c
}

func (st *state) deleteCard(tok string) {
	st.touchCard(tok)
	delete(st.cards, tok)
}

func (st *state) cardsOf(id int64) []Card {
	var recs []cardRec
	for _, c := range st.cards {
		if c.DealerCustomerID == id {
			recs = append(recs, c)
		}
	}
	slices.SortFunc(recs, func(a, b cardRec) int { return cmpInt(a.Seq, b.Seq) })
	out := make([]Card, len(recs))
	for i, r := range recs {
		out[i] = r.Card
	}
	return out
}

// owner returns a card's customer, active or removed, or a bare record.
func (st *state) owner(id int64) Customer {
	if c, ok := st.customers[id]; ok {
		return c
	}
	if c, ok := st.removed[id]; ok {
		return c
	}
	return Customer{DealerCustomerID: id}
}

func (st *state) sortedCustomers() []Customer {
	out := slices.Collect(maps.Values(st.customers))
	slices.SortFunc(out, func(a, b Customer) int { return cmpInt(a.DealerCustomerID, b.DealerCustomerID) })
	return out
}

func (st *state) sortedCards() []Card {
	out := make([]Card, 0, len(st.cards))
	for _, c := range st.cards {
		out = append(out, c.Card)
	}
	slices.SortFunc(out, func(a, b Card) int {
		switch {
		case a.CardToken < b.CardToken:
			return -1
		case a.CardToken > b.CardToken:
			return 1
		}
		return 0
	})
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
