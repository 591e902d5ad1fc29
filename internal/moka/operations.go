package moka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// AddCustomer registers a customer. If an earlier attempt of this call may have
// committed before its answer was lost, and a retry then finds the code taken,
// the customer is read back and adopted when it is the one we sent; any other
// owner of the code is a *ConflictError.
func (c *Client) AddCustomer(ctx context.Context, cust Customer) (*CustomerWithCards, error) {
	cust.DealerCustomerID = 0
	var out wireCustomerWithCards
	res, err := c.call(ctx, "AddCustomer", newCustomerRequest(cust), &out, cust.Password)
	if err == nil {
		return out.value()
	}
	if Reason(err) != ReasonCustomerCodeAlreadyUsing {
		return nil, uncertainIf(res.uncertain, err)
	}
	return c.adoptOrConflict(ctx, cust, res.uncertain)
}

// adoptOrConflict settles a CustomerCodeAlreadyUsing answer.
func (c *Client) adoptOrConflict(ctx context.Context, sent Customer, uncertain bool) (*CustomerWithCards, error) {
	existing, gerr := c.GetCustomer(ctx, CustomerRef{CustomerCode: sent.CustomerCode})
	if gerr != nil {
		if IsNotFound(gerr) {
			return nil, &ConflictError{CustomerCode: sent.CustomerCode}
		}
		return nil, uncertainIf(uncertain, fmt.Errorf("moka AddCustomer: customer_code %q is taken; reading it back failed: %w", sent.CustomerCode, gerr))
	}
	if uncertain && sameCustomer(existing.Customer, sent) {
		return existing, nil
	}
	return nil, &ConflictError{CustomerCode: sent.CustomerCode, DealerCustomerID: existing.Customer.DealerCustomerID}
}

// sameCustomer reports whether a customer Moka holds is the one sent. Moka may
// give a value back in another spelling of the same thing (white space around
// it, an e-mail address in other case, a date as YYYY-MM-DD): that is still
// the customer sent, as it is for the provider's refresh. The password is
// compared exactly.
func sameCustomer(held, sent Customer) bool {
	text := func(a, b string) bool { return strings.TrimSpace(a) == strings.TrimSpace(b) }
	return text(held.CustomerCode, sent.CustomerCode) && held.Password == sent.Password &&
		text(held.FirstName, sent.FirstName) && text(held.LastName, sent.LastName) &&
		held.Gender == sent.Gender && dateDigits(held.BirthDate) == dateDigits(sent.BirthDate) &&
		text(held.GsmNumber, sent.GsmNumber) && strings.EqualFold(strings.TrimSpace(held.Email), strings.TrimSpace(sent.Email)) &&
		text(held.Address, sent.Address)
}

// dateDigits is the YYYYMMDD of a date Moka may write as YYYYMMDD, YYYY-MM-DD or
// YYYY-MM-DDT00:00:00.
func dateDigits(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:4] + s[5:7] + s[8:10]
	}
	return s
}

// AddCustomerWithCard registers a customer and its first card in one call, with
// the same care as AddCustomer for an answer that was lost.
func (c *Client) AddCustomerWithCard(ctx context.Context, cust Customer, card NewCard) (*CardWithCustomer, error) {
	cust.DealerCustomerID = 0
	req := addCustomerWithCardRequest{
		customerRequest:    newCustomerRequest(cust),
		CardHolderFullName: card.CardHolderFullName,
		CardNumber:         card.CardNumber,
		ExpMonth:           card.ExpMonth,
		ExpYear:            card.ExpYear,
		CardName:           card.CardName,
	}
	var out wireCustomerWithCards
	res, err := c.call(ctx, "AddCustomerWithCard", req, &out, cust.Password, card.CardNumber)
	if err == nil {
		return pickNewCard(out, card, nil)
	}
	if Reason(err) != ReasonCustomerCodeAlreadyUsing {
		return nil, uncertainIf(res.uncertain, err)
	}
	existing, err := c.adoptOrConflict(ctx, cust, res.uncertain)
	if err != nil {
		return nil, err
	}
	if have := NewestMatchingCard(existing.Cards, card.Fingerprint(), nil); have != nil {
		return &CardWithCustomer{Customer: existing.Customer, Card: *have}, nil
	}
	return nil, &ConflictError{CustomerCode: cust.CustomerCode, DealerCustomerID: existing.Customer.DealerCustomerID}
}

// UpdateCustomer changes a customer, addressed by its DealerCustomerId (or code).
// What it sends is said at CustomerUpdate.
func (c *Client) UpdateCustomer(ctx context.Context, upd CustomerUpdate) (*CustomerWithCards, error) {
	if upd.KeepPassword {
		// Leaving the password out would keep it only on a Moka that keeps
		// omitted fields; sending back what Moka holds keeps it on either.
		held, err := c.GetCustomer(ctx, CustomerRef{DealerCustomerID: upd.DealerCustomerID, CustomerCode: upd.CustomerCode})
		if err != nil {
			return nil, fmt.Errorf("moka UpdateCustomer: reading the password to keep: %w", err)
		}
		upd.Password = held.Customer.Password
	}
	req := updateCustomerRequest(upd)
	var out wireCustomerWithCards
	if _, err := c.call(ctx, "UpdateCustomer", req, &out, upd.Password); err != nil {
		return nil, err
	}
	return out.value()
}

// GetCustomer reads a customer and its cards.
func (c *Client) GetCustomer(ctx context.Context, ref CustomerRef) (*CustomerWithCards, error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, "GetCustomer", refRequest(ref), &out); err != nil {
		return nil, err
	}
	return out.value()
}

// GetCustomerList reads every customer of the dealer account in one call.
func (c *Client) GetCustomerList(ctx context.Context) ([]Customer, error) {
	var out wireCustomerList
	if _, err := c.call(ctx, "GetCustomerList", nil, &out); err != nil {
		return nil, err
	}
	customers := make([]Customer, 0, len(out.DealerCustomerList))
	for _, w := range out.DealerCustomerList {
		customers = append(customers, w.customer())
	}
	return customers, nil
}

// RemoveCustomer deletes a customer. A customer that is already gone after an
// attempt whose answer was lost counts as removed.
func (c *Client) RemoveCustomer(ctx context.Context, ref CustomerRef) error {
	res, err := c.call(ctx, "RemoveCustomer", refRequest(ref), nil)
	if err != nil && res.uncertain && IsNotFound(err) {
		return nil
	}
	return err
}

// AddCard stores a card for a customer. The customer's cards are listed first,
// so that when an attempt fails in a way that may have stored the card anyway,
// the card can be told apart from the ones that were there before (an
// identical old card during create_before_destroy, say): a new card matching
// what was sent is adopted instead of adding another. That listing is one more
// call per card; it is what makes "no second card for one apply" hold.
func (c *Client) AddCard(ctx context.Context, card NewCard) (*CardWithCustomer, error) {
	if err := checkUTF8("AddCard", card); err != nil {
		return nil, err
	}
	before, err := c.GetCardList(ctx, card.Customer)
	if err != nil {
		return nil, err
	}
	existing := make([]string, 0, len(before.Cards))
	for _, have := range before.Cards {
		existing = append(existing, have.CardToken)
	}
	req := addCardRequest{
		DealerCustomerID:   card.Customer.DealerCustomerID,
		CustomerCode:       card.Customer.CustomerCode,
		CardHolderFullName: card.CardHolderFullName,
		CardNumber:         card.CardNumber,
		ExpMonth:           card.ExpMonth,
		ExpYear:            card.ExpYear,
		CardName:           card.CardName,
	}
	for round := 0; ; round++ {
		var out wireCustomerWithCards
		// Each round is one attempt: between rounds we must look before retrying.
		res, err := c.callRetrying(ctx, 0, "AddCard", req, &out, card.CardNumber)
		if err == nil {
			return pickNewCard(out, card, existing)
		}
		// Look whether the card was stored even when no retry is left: a card
		// stored by a lost last attempt must not be left behind unknown.
		if res.uncertain && ctx.Err() == nil {
			found, ferr := c.findNewCard(ctx, card, existing, err)
			if ferr != nil {
				return nil, &UncertainError{ExistingCardTokens: existing, Err: fmt.Errorf("moka AddCard: %v; the card may have been stored, and listing the customer's cards to find out failed: %w", err, ferr)} //nolint:errorlint // the failed listing is the cause; err is context only
			}
			if found != nil {
				return found, nil
			}
		}
		retryable, _ := classify(err)
		if !retryable || ctx.Err() != nil || round >= c.maxRetries {
			// Uncertain only when the context ended before the cards were listed.
			if res.uncertain && ctx.Err() != nil {
				return nil, &UncertainError{ExistingCardTokens: existing, Err: err}
			}
			return nil, err
		}
		if serr := sleep(ctx, c.backoff(round, err)); serr != nil {
			return nil, fmt.Errorf("moka AddCard: %w while waiting to retry after: %v", serr, err) //nolint:errorlint // the wait's end is the cause; the earlier failure is context only
		}
	}
}

// findNewCard looks, after an attempt that failed with err and may have stored
// the card, for a card matching it that is not one of existing. An attempt that
// timed out may still be running at Moka, so the first look waits a little,
// and an empty first look is repeated once after a further request_timeout:
// only a write landing later than that could still give a second card.
func (c *Client) findNewCard(ctx context.Context, card NewCard, existing []string, err error) (*CardWithCustomer, error) {
	looks := 1
	if errors.Is(err, context.DeadlineExceeded) {
		looks = 2
		if serr := sleep(ctx, c.backoff(0, err)); serr != nil {
			return nil, serr
		}
	}
	for look := 1; ; look++ {
		list, lerr := c.GetCardList(ctx, card.Customer)
		if lerr != nil {
			return nil, lerr
		}
		if found := NewestMatchingCard(list.Cards, card.Fingerprint(), existing); found != nil {
			return &CardWithCustomer{Customer: list.Customer, Card: *found}, nil
		}
		if look >= looks {
			return nil, nil
		}
		if serr := sleep(ctx, c.timeout); serr != nil {
			return nil, serr
		}
	}
}

// Fingerprint is what Moka shows of the card once stored: no full number.
func (n NewCard) Fingerprint() Card {
	fp := Card{CardName: n.CardName, CardHolderFullName: n.CardHolderFullName, ExpMonth: n.ExpMonth, ExpYear: n.ExpYear}
	if len(n.CardNumber) >= 10 {
		fp.CardNumberFirstSix, fp.CardNumberLastFour = n.CardNumber[:6], n.CardNumber[len(n.CardNumber)-4:]
	}
	return fp
}

// NewestMatchingCard is the last card in cards that looks like want (same
// visible digits, expiry, holder and name) and is not one of the tokens in
// exclude, or nil.
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

// pickNewCard finds the card just added in an AddCard answer, which may carry
// only the new card or all of the customer's cards.
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

// UpdateCard renames a card; the name is the only thing that can change.
func (c *Client) UpdateCard(ctx context.Context, token, name string) (*CardWithCustomer, error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, "UpdateCard", updateCardRequest{CardToken: token, CardName: name}, &out); err != nil {
		return nil, err
	}
	return pickCard(out, "UpdateCard", token)
}

// GetCard reads a card and its customer.
func (c *Client) GetCard(ctx context.Context, token string) (*CardWithCustomer, error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, "GetCard", cardTokenRequest{CardToken: token}, &out); err != nil {
		return nil, err
	}
	return pickCard(out, "GetCard", token)
}

func pickCard(out wireCustomerWithCards, operation, token string) (*CardWithCustomer, error) {
	v, err := out.value()
	if err != nil {
		return nil, err
	}
	for _, card := range v.Cards {
		if SameCardToken(card.CardToken, token) {
			return &CardWithCustomer{Customer: v.Customer, Card: card}, nil
		}
	}
	return nil, newAPIError(operation, "DealerCustomer."+operation+"."+ReasonCardNotFound, "the answer does not include the card asked for")
}

// GetCardList reads a customer and all its cards.
func (c *Client) GetCardList(ctx context.Context, ref CustomerRef) (*CustomerWithCards, error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, "GetCardList", refRequest(ref), &out); err != nil {
		return nil, err
	}
	return out.value()
}

// RemoveCard deletes a stored card. A card already gone after an attempt whose
// answer was lost counts as removed.
func (c *Client) RemoveCard(ctx context.Context, token string) error {
	res, err := c.call(ctx, "RemoveCard", cardTokenRequest{CardToken: token}, nil)
	if err != nil && res.uncertain && IsNotFound(err) {
		return nil
	}
	return err
}
