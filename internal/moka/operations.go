package moka

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// AddCustomer registers a customer, as a claimed create (create.go): the
// customer is stored with a claim in its Address, then its real Address is
// written with UpdateCustomer. A customer that holds the code and not this
// create's claim is never adopted: the error is then a *ConflictError. A
// customer made whose Address could not be written afterwards comes back with
// an *UnfinishedError; a create that may have stored the customer but could
// not be looked for, as an *UncertainError with the claim.
func (c *Client) AddCustomer(ctx context.Context, cust Customer) (*CustomerWithCards, error) {
	cust.DealerCustomerID = 0
	claim := NewClaim()
	claimed := cust
	claimed.Address = claim
	var holder *CustomerWithCards
	made, err := createClaimed(ctx, c, claimedCreate[*CustomerWithCards]{
		operation: "AddCustomer",
		claim:     claim,
		add: func(ctx context.Context) (*CustomerWithCards, callResult, error) {
			var out wireCustomerWithCards
			res, err := c.callRetrying(ctx, 0, "AddCustomer", newCustomerRequest(claimed), &out, cust.Password)
			if err != nil {
				return nil, res, err
			}
			v, err := out.value()
			if err != nil {
				// A Success whose Data is unreadable still stored the customer.
				res.uncertain = true
				return nil, res, fmt.Errorf("moka AddCustomer: %w", err)
			}
			return v, res, nil
		},
		find: func(ctx context.Context) (*CustomerWithCards, sighting, error) {
			held, ours, err := c.FindClaimedCustomer(ctx, cust.CustomerCode, claim)
			holder = held
			switch {
			case err != nil || held == nil:
				return nil, seenNothing, err
			case ours:
				return held, seenOurs, nil
			default:
				return nil, seenOther, nil
			}
		},
		taken: func(ctx context.Context, _ error) error {
			conflict := &ConflictError{CustomerCode: cust.CustomerCode}
			if holder == nil {
				held, err := c.GetCustomer(ctx, CustomerRef{CustomerCode: cust.CustomerCode})
				holder, conflict.Retired = held, IsNotFound(err)
			}
			if holder != nil {
				conflict.DealerCustomerID = holder.Customer.DealerCustomerID
				conflict.ClaimedByAnotherCreate = IsClaim(holder.Customer.Address)
			}
			return conflict
		},
	})
	if err != nil {
		return nil, err
	}
	finish := cust
	finish.DealerCustomerID = made.Customer.DealerCustomerID
	finished, err := c.UpdateCustomer(ctx, CustomerUpdate{Customer: finish, Previous: &made.Customer})
	if err != nil {
		return made, &UnfinishedError{Err: err}
	}
	return finished, nil
}

// FindClaimedCustomer reads the customer holding code and says whether it is
// the one a create with claim made (its Address holds the claim). held is nil
// when no customer has the code.
func (c *Client) FindClaimedCustomer(ctx context.Context, code, claim string) (held *CustomerWithCards, ours bool, err error) {
	got, err := c.GetCustomer(ctx, CustomerRef{CustomerCode: code})
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return got, holdsClaim(got.Customer.Address, claim), nil
}

// AddCustomerWithCard registers a customer and its first card in one call. It
// carries no claim, so after a lost answer it cannot tell its own customer
// from another's: a taken code is always a *ConflictError, and a call that may
// have stored the customer is an *UncertainError without a claim.
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
	if res.uncertain {
		return nil, &UncertainError{Err: err}
	}
	if Reason(err) == ReasonCustomerCodeAlreadyUsing {
		return nil, &ConflictError{CustomerCode: cust.CustomerCode}
	}
	return nil, err
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

// AddCard stores a card for a customer, as a claimed create (create.go): the
// card is stored with a claim as its CardName, then renamed to its real name
// with UpdateCard. After a lost answer the card carrying the claim is the one
// this call stored; a card the customer had before, or one another client
// stored meanwhile, however alike, never is. Errors as for AddCustomer.
func (c *Client) AddCard(ctx context.Context, card NewCard) (*CardWithCustomer, error) {
	if err := checkUTF8("AddCard", card); err != nil {
		return nil, err
	}
	claim := NewClaim()
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
		operation: "AddCard",
		claim:     claim,
		add: func(ctx context.Context) (*CardWithCustomer, callResult, error) {
			var out wireCustomerWithCards
			res, err := c.callRetrying(ctx, 0, "AddCard", req, &out, card.CardNumber)
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
	if err != nil {
		return made, &UnfinishedError{Err: err}
	}
	return finished, nil
}

// answeredCard is the card an AddCard answer says was added: the one holding
// the claim, or the only card when the answer holds one (Moka may give the name
// back in another form); nil when the answer does not say.
func answeredCard(cards []Card, claim string) *Card {
	for i := range cards {
		if holdsClaim(cards[i].CardName, claim) {
			return &cards[i]
		}
	}
	if len(cards) == 1 {
		return &cards[0]
	}
	return nil
}

// FindClaimedCard looks among the customer's cards for the one a create with
// claim stored. ok is false when there is none, or no such customer.
func (c *Client) FindClaimedCard(ctx context.Context, customer CustomerRef, claim string) (*CardWithCustomer, bool, error) {
	if customer.DealerCustomerID != 0 {
		customer.CustomerCode = ""
	}
	list, err := c.GetCardList(ctx, customer)
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	for _, have := range list.Cards {
		if holdsClaim(have.CardName, claim) {
			return &CardWithCustomer{Customer: list.Customer, Card: have}, true, nil
		}
	}
	return nil, false, nil
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

// UpdateCard renames a card; the name is the only thing that can change. A
// rename whose answers were lost is an *UncertainError: it may have landed.
func (c *Client) UpdateCard(ctx context.Context, token, name string) (*CardWithCustomer, error) {
	var out wireCustomerWithCards
	res, err := c.call(ctx, "UpdateCard", updateCardRequest{CardToken: token, CardName: name}, &out)
	if err != nil && res.uncertain {
		return nil, &UncertainError{Err: err}
	}
	if err != nil {
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
