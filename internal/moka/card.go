package moka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Card is a stored card as Moka returns it; the full number never comes back.
type Card struct {
	CardToken          string
	CardName           string
	BankName           string
	CardNumberFirstSix string
	CardNumberLastFour string
	CardHolderFullName string
	ExpMonth           string
	ExpYear            string
}

// CardWithCustomer is one card and the customer it belongs to.
type CardWithCustomer struct {
	Customer Customer
	Card     Card
}

// NewCard is what AddCard and AddCustomerWithCard store.
type NewCard struct {
	Customer           CustomerRef
	CardHolderFullName string
	// CardNumber is sent once and never returned, logged or put in an error.
	CardNumber string
	ExpMonth   string
	ExpYear    string
	CardName   string
}

// Fingerprint is what Moka shows of the card once stored: no full number.
func (n NewCard) Fingerprint() Card {
	fp := Card{CardName: n.CardName, CardHolderFullName: n.CardHolderFullName, ExpMonth: n.ExpMonth, ExpYear: n.ExpYear}
	if len(n.CardNumber) >= 10 {
		fp.CardNumberFirstSix, fp.CardNumberLastFour = n.CardNumber[:6], n.CardNumber[len(n.CardNumber)-4:]
	}
	return fp
}

// NormalizeCardToken gives the form Moka answers with: lower case, no braces.
func NormalizeCardToken(token string) string {
	t := strings.TrimSpace(token)
	t = strings.TrimPrefix(t, "{")
	t = strings.TrimSuffix(t, "}")
	return strings.ToLower(strings.TrimSpace(t))
}

const (
	ReasonCardTokenIsRequired = "CardTokenIsRequired" //nolint:gosec // a result code, not a credential
	ReasonCardNotFound        = "CardNotFound"
)

var (
	opAddCard     = dealerCustomer.operation("AddCard")
	opUpdateCard  = dealerCustomer.operation("UpdateCard")
	opGetCard     = dealerCustomer.operation("GetCard")
	opGetCardList = dealerCustomer.operation("GetCardList")
	opRemoveCard  = dealerCustomer.operation("RemoveCard")
)

// AddCard stores a card as a claimed create (create.go), the claim in its
// CardName; errors as for AddCustomer.
func (c *Client) AddCard(ctx context.Context, card NewCard) (*CardWithCustomer, error) {
	if err := checkUTF8(opAddCard.name, card); err != nil {
		return nil, err
	}
	claim := NewClaim()
	c.cardClaims.Store(claim, true)
	req := addCardRequest{
		DealerCustomerID:   card.Customer.DealerCustomerID,
		CustomerCode:       card.Customer.CustomerCode,
		CardHolderFullName: card.CardHolderFullName,
		CardNumber:         card.CardNumber,
		ExpMonth:           card.ExpMonth,
		ExpYear:            card.ExpYear,
		CardName:           claim,
	}
	made, err := createClaimed(ctx, c, claimedCreate[*CardWithCustomer]{
		operation: opAddCard.name,
		claim:     claim,
		add: func(ctx context.Context) (*CardWithCustomer, callResult, error) {
			var out wireCustomerWithCards
			res, err := c.callRetrying(ctx, 0, opAddCard, req, &out, card.CardNumber)
			if err != nil {
				return nil, res, err
			}
			v, err := out.value()
			if err != nil {
				res.uncertain = true
				return nil, res, fmt.Errorf("moka AddCard: %w", err)
			}
			if have := answeredCard(v.Cards, claim); have != nil {
				return &CardWithCustomer{Customer: v.Customer, Card: *have}, res, nil
			}
			res.uncertain = true
			return nil, res, errors.New("moka AddCard: the answer does not say which card was added")
		},
		find: func(ctx context.Context) (*CardWithCustomer, sighting, error) {
			found, ours, err := c.FindClaimedCard(ctx, card.Customer, claim)
			if ours {
				return found, seenOurs, err
			}
			return nil, seenNothing, err
		},
	})
	if err != nil {
		return nil, err
	}
	finished, err := c.UpdateCard(ctx, made.Card.CardToken, card.CardName)
	kept := &ClaimKeptError{Field: "CardName", Claim: claim}
	switch {
	case err != nil && card.CardName == "" && Reason(err) == ReasonInvalidRequest:
		// A Moka that takes no empty name: the claim stays the card's name.
		return made, kept
	case err != nil:
		return made, &UnfinishedError{Err: err}
	case card.CardName == "" && HoldsClaim(finished.Card.CardName, claim):
		return finished, kept
	}
	return finished, nil
}

// answeredCard is the card holding the claim, or the answer's only card (Moka
// may give the name back in another form), or nil.
func answeredCard(cards []Card, claim string) *Card {
	for i := range cards {
		if HoldsClaim(cards[i].CardName, claim) {
			return &cards[i]
		}
	}
	if len(cards) == 1 {
		return &cards[0]
	}
	return nil
}

// FindClaimedCard looks among the customer's cards for the one carrying
// claim. A card listed without its name is read with GetCard, so that "none"
// is never said without a look at every name.
func (c *Client) FindClaimedCard(ctx context.Context, customer CustomerRef, claim string) (*CardWithCustomer, bool, error) {
	if customer.DealerCustomerID != 0 {
		customer.CustomerCode = ""
	}
	var out wireCustomerWithCards
	_, err := c.call(ctx, opGetCardList, refRequest(customer), &out)
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	list, err := out.value()
	if err != nil {
		return nil, false, err
	}
	for i, have := range list.Cards {
		if out.CardList[i].CardName == nil {
			got, err := c.GetCard(ctx, have.CardToken)
			if IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, false, err
			}
			have = got.Card
		}
		if HoldsClaim(have.CardName, claim) {
			return &CardWithCustomer{Customer: list.Customer, Card: have}, true, nil
		}
	}
	return nil, false, nil
}

// NewestMatchingCard is the last card in cards that looks like want and is
// not in exclude, or nil.
func NewestMatchingCard(cards []Card, want Card, exclude []string) *Card {
	for i := len(cards) - 1; i >= 0; i-- {
		have := cards[i]
		if slices.ContainsFunc(exclude, func(t string) bool { return SameCardToken(t, have.CardToken) }) {
			continue
		}
		if want.CardNumberFirstSix != "" &&
			have.CardNumberFirstSix == want.CardNumberFirstSix &&
			have.CardNumberLastFour == want.CardNumberLastFour &&
			have.ExpMonth == want.ExpMonth &&
			have.ExpYear == want.ExpYear &&
			have.CardHolderFullName == want.CardHolderFullName &&
			// A card sent without a name may have been given one by Moka.
			(want.CardName == "" || have.CardName == want.CardName) {
			return &cards[i]
		}
	}
	return nil
}

func pickNewCard(out wireCustomerWithCards, sent NewCard, existing []string) (*CardWithCustomer, error) {
	v, err := out.value()
	if err != nil {
		return nil, err
	}
	if len(v.Cards) == 1 {
		return &CardWithCustomer{Customer: v.Customer, Card: v.Cards[0]}, nil
	}
	if have := NewestMatchingCard(v.Cards, sent.Fingerprint(), existing); have != nil {
		return &CardWithCustomer{Customer: v.Customer, Card: *have}, nil
	}
	return nil, errors.New("moka: the AddCard answer does not include the card that was added")
}

// UpdateCard renames a card, the only thing that can change.
func (c *Client) UpdateCard(ctx context.Context, token, name string) (*CardWithCustomer, error) {
	var out wireCustomerWithCards
	res, err := c.call(ctx, opUpdateCard, updateCardRequest{CardToken: token, CardName: name}, &out)
	if err != nil && res.uncertain {
		return nil, &UncertainError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	got, err := pickCard(out, opUpdateCard, token)
	if err == nil && SameFreeText(got.Card.CardName, name) {
		return got, nil
	}
	// The answer may predate the change: what Moka holds decides.
	return c.GetCard(ctx, token)
}

// GetCard reads a card and its customer.
func (c *Client) GetCard(ctx context.Context, token string) (*CardWithCustomer, error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, opGetCard, cardTokenRequest{CardToken: token}, &out); err != nil {
		return nil, err
	}
	return pickCard(out, opGetCard, token)
}

func pickCard(out wireCustomerWithCards, op operation, token string) (*CardWithCustomer, error) {
	v, err := out.value()
	if err != nil {
		return nil, err
	}
	for _, card := range v.Cards {
		if SameCardToken(card.CardToken, token) {
			return &CardWithCustomer{Customer: v.Customer, Card: card}, nil
		}
	}
	return nil, newAPIError(op.name, op.resultCode(ReasonCardNotFound), "the answer does not include the card asked for")
}

// GetCardList reads a customer and all its cards.
func (c *Client) GetCardList(ctx context.Context, ref CustomerRef) (*CustomerWithCards, error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, opGetCardList, refRequest(ref), &out); err != nil {
		return nil, err
	}
	return out.value()
}

// ListCards is GetCardList, and the tokens of the cards it gave without a
// CardName: not every Moka's list carries it.
func (c *Client) ListCards(ctx context.Context, ref CustomerRef) (list *CustomerWithCards, unnamed map[string]bool, err error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, opGetCardList, refRequest(ref), &out); err != nil {
		return nil, nil, err
	}
	if list, err = out.value(); err != nil {
		return nil, nil, err
	}
	for i, w := range out.CardList {
		if w.CardName == nil {
			if unnamed == nil {
				unnamed = map[string]bool{}
			}
			unnamed[list.Cards[i].CardToken] = true
		}
	}
	return list, unnamed, nil
}

// RemoveCard deletes a card; gone after a lost answer counts as removed.
func (c *Client) RemoveCard(ctx context.Context, token string) error {
	res, err := c.call(ctx, opRemoveCard, cardTokenRequest{CardToken: token}, nil)
	if err != nil && res.uncertain && IsNotFound(err) {
		return nil
	}
	return err
}

type wireCard struct {
	CardToken          flexString  `json:"CardToken"`
	CardName           *flexString `json:"CardName"` // nil: not given
	BankName           flexString  `json:"BankName"`
	CardNumberFirstSix flexString  `json:"CardNumberFirstSix"`
	CardNumberLastFour flexString  `json:"CardNumberLastFour"`
	CardHolderFullName flexString  `json:"CardHolderFullName"`
	ExpMonth           flexString  `json:"ExpMonth"`
	ExpYear            flexString  `json:"ExpYear"`
}

func (w wireCard) card() Card {
	return Card{
		CardToken:          NormalizeCardToken(string(w.CardToken)),
		CardName:           w.CardName.text(),
		BankName:           string(w.BankName),
		CardNumberFirstSix: string(w.CardNumberFirstSix),
		CardNumberLastFour: string(w.CardNumberLastFour),
		CardHolderFullName: string(w.CardHolderFullName),
		ExpMonth:           string(w.ExpMonth),
		ExpYear:            string(w.ExpYear),
	}
}

type addCardRequest struct {
	DealerCustomerID   int64  `json:"DealerCustomerId,omitempty"`
	CustomerCode       string `json:"CustomerCode,omitempty"`
	CardHolderFullName string `json:"CardHolderFullName,omitempty"`
	CardNumber         string `json:"CardNumber"`
	ExpMonth           string `json:"ExpMonth"`
	ExpYear            string `json:"ExpYear"`
	CardName           string `json:"CardName,omitempty"`
}

type cardTokenRequest struct {
	CardToken string `json:"CardToken"`
}

// updateCardRequest always sends CardName: "" is how it is cleared.
type updateCardRequest struct {
	CardToken string `json:"CardToken"`
	CardName  string `json:"CardName"`
}
