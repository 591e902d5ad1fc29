package moka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Gender is the customer's gender as Moka encodes it.
type Gender int

const (
	GenderUnspecified Gender = 0
	GenderMale        Gender = 1
	GenderFemale      Gender = 2
)

// Customer is Moka's DealerCustomer object.
type Customer struct {
	DealerCustomerID int64
	CustomerCode     string
	// Password is the customer's PIN; Moka returns it on every read.
	Password  string
	FirstName string
	LastName  string
	Gender    Gender
	// BirthDate is YYYY-MM-DD or empty; sent as YYYYMMDD (date.go).
	BirthDate string
	GsmNumber string
	Email     string
	Address   string
}

// CustomerWithCards is the Data of most DealerCustomer operations.
type CustomerWithCards struct {
	Customer Customer
	Cards    []Card
}

// CustomerRef addresses a customer by DealerCustomerId or CustomerCode; one is enough.
type CustomerRef struct {
	DealerCustomerID int64
	CustomerCode     string
}

func (r CustomerRef) String() string {
	switch {
	case r.DealerCustomerID != 0 && r.CustomerCode != "":
		return fmt.Sprintf("dealer_customer_id %d (customer_code %q)", r.DealerCustomerID, r.CustomerCode)
	case r.DealerCustomerID != 0:
		return fmt.Sprintf("dealer_customer_id %d", r.DealerCustomerID)
	default:
		return fmt.Sprintf("customer_code %q", r.CustomerCode)
	}
}

// CustomerUpdate is the customer as it should be after UpdateCustomer. Moka
// does not say whether it keeps or clears an omitted field, so a field empty
// now is sent as "" unless Previous (the customer as last seen; nil: unknown)
// had it empty too.
type CustomerUpdate struct {
	Customer
	Previous *Customer
	// KeepPassword sends back the password Moka holds (a write-only
	// password the caller does not know).
	KeepPassword bool
}

const (
	ReasonCustomerCodeAlreadyUsing                  = "CustomerCodeAlreadyUsing"
	ReasonInvalidEmailFormat                        = "InvalidEmailFormat"
	ReasonCustomerCodeOrDealerCustomerIDMustBeGiven = "CustomerCodeOrDealerCustomerIdMustBeGiven"
	ReasonDealerCustomerNotFound                    = "DealerCustomerNotFound"
	ReasonCustomerCodeDoesntMatchDealerCustomerID   = "CustomerCodeDoesntMatchDealerCustomerId"
)

var (
	opAddCustomer         = dealerCustomer.operation("AddCustomer")
	opAddCustomerWithCard = dealerCustomer.operation("AddCustomerWithCard")
	opUpdateCustomer      = dealerCustomer.operation("UpdateCustomer")
	opGetCustomer         = dealerCustomer.operation("GetCustomer")
	opGetCustomerList     = dealerCustomer.operation("GetCustomerList")
	opRemoveCustomer      = dealerCustomer.operation("RemoveCustomer")
)

// AddCustomer registers a customer as a claimed create (create.go). A code
// held by a customer without this create's claim is a *ConflictError.
func (c *Client) AddCustomer(ctx context.Context, cust Customer) (*CustomerWithCards, error) {
	cust.DealerCustomerID = 0
	claim := NewClaim()
	field := claimField(cust)
	claimed := cust
	*field.of(&claimed) = claim
	var holder *CustomerWithCards
	made, err := createClaimed(ctx, c, claimedCreate[*CustomerWithCards]{
		operation: opAddCustomer.name,
		claim:     claim,
		add: func(ctx context.Context) (*CustomerWithCards, callResult, error) {
			var out wireCustomerWithCards
			res, err := c.callRetrying(ctx, 0, opAddCustomer, newCustomerRequest(claimed), &out, cust.Password)
			if err != nil {
				return nil, res, err
			}
			v, err := out.value()
			if err != nil {
				// A Success with unreadable Data still stored it.
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
				conflict.Claim = CustomerClaim(holder.Customer)
				conflict.HeldAs = holder.Customer.CustomerCode
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
	if slices.Contains(KeptFields(err), field.name) {
		return finished, &ClaimKeptError{Field: field.name, Claim: claim}
	}
	if err != nil {
		return made, &UnfinishedError{Err: err}
	}
	return finished, nil
}

type customerTextField struct {
	name string
	of   func(*Customer) *string
}

func (f customerTextField) holds(c Customer, claim string) bool { return HoldsClaim(*f.of(&c), claim) }

// claimableFields are long enough for a claim and free of format checks.
var claimableFields = []customerTextField{
	{"Address", func(c *Customer) *string { return &c.Address }},
	{"FirstName", func(c *Customer) *string { return &c.FirstName }},
	{"LastName", func(c *Customer) *string { return &c.LastName }},
}

// claimField is the first field the customer gives a value: the finishing
// write then replaces the claim rather than asking Moka to empty a field,
// which not every Moka does.
func claimField(c Customer) customerTextField {
	for _, f := range claimableFields {
		if *f.of(&c) != "" {
			return f
		}
	}
	return claimableFields[0]
}

// CustomerClaim is the claim a customer carries in any claimable field, or "".
func CustomerClaim(c Customer) string {
	for _, f := range claimableFields {
		if v := *f.of(&c); IsClaim(v) {
			return v
		}
	}
	return ""
}

// WithoutClaim is c with every claimable field that holds claim emptied.
func WithoutClaim(c Customer, claim string) Customer {
	for _, f := range claimableFields {
		if f.holds(c, claim) {
			*f.of(&c) = ""
		}
	}
	return c
}

func customerHolds(c Customer, claim string) bool {
	for _, f := range claimableFields {
		if f.holds(c, claim) {
			return true
		}
	}
	return false
}

// FindClaimedCustomer reads the customer holding code (nil: none) and says
// whether it carries claim.
func (c *Client) FindClaimedCustomer(ctx context.Context, code, claim string) (held *CustomerWithCards, ours bool, err error) {
	got, err := c.GetCustomer(ctx, CustomerRef{CustomerCode: code})
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return got, customerHolds(got.Customer, claim), nil
}

// AddCustomerWithCard registers a customer and its first card in one call,
// without a claim: a taken code is always a *ConflictError.
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
	res, err := c.call(ctx, opAddCustomerWithCard, req, &out, cust.Password, card.CardNumber)
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

// UpdateCustomer changes a customer; see CustomerUpdate.
func (c *Client) UpdateCustomer(ctx context.Context, upd CustomerUpdate) (*CustomerWithCards, error) {
	if upd.KeepPassword {
		held, err := c.GetCustomer(ctx, CustomerRef{DealerCustomerID: upd.DealerCustomerID, CustomerCode: upd.CustomerCode})
		if err != nil {
			return nil, fmt.Errorf("moka UpdateCustomer: reading the password to keep: %w", err)
		}
		upd.Password = held.Customer.Password
	}
	req := updateCustomerRequest(upd)
	var out wireCustomerWithCards
	if _, err := c.call(ctx, opUpdateCustomer, req, &out, upd.Password); err != nil {
		return nil, err
	}
	got, err := out.value()
	if err != nil {
		return nil, err
	}
	if !answerDiffers(req, got.Customer) {
		return got, nil
	}
	// The answer may predate the change: what Moka holds decides.
	if got, err = c.readBack(ctx, upd.Customer); err != nil {
		return nil, err
	}
	kept := keptFields(req, got.Customer)
	if len(kept) == 0 {
		return got, nil
	}
	// This Moka keeps a field sent as "": null may empty it.
	if _, err = c.updateWithNulls(ctx, req, kept, upd.Password); err != nil {
		return nil, err
	}
	if got, err = c.readBack(ctx, upd.Customer); err != nil {
		return nil, err
	}
	if kept = keptFields(req, got.Customer); len(kept) > 0 {
		return got, &FieldsKeptError{Fields: kept}
	}
	return got, nil
}

func (c *Client) readBack(ctx context.Context, cust Customer) (*CustomerWithCards, error) {
	got, err := c.GetCustomer(ctx, CustomerRef{DealerCustomerID: cust.DealerCustomerID, CustomerCode: cust.CustomerCode})
	if err != nil {
		return nil, fmt.Errorf("moka UpdateCustomer: reading the customer back: %w", err)
	}
	return got, nil
}

// FieldsKeptError: Moka kept a value in Fields (Moka's names) although they
// were sent empty, as "" and then as null.
type FieldsKeptError struct {
	Fields []string
}

func (e *FieldsKeptError) Error() string {
	return fmt.Sprintf("Moka kept %s although asked to empty them (sent as \"\" and as null): this Moka does not empty a customer's field through UpdateCustomer",
		strings.Join(e.Fields, ", "))
}

// KeptFields returns the fields of a FieldsKeptError in err's chain, or nil.
func KeptFields(err error) []string {
	var k *FieldsKeptError
	if errors.As(err, &k) {
		return k.Fields
	}
	return nil
}

// answerDiffers: got is not what req sent, allowing Moka's spellings.
func answerDiffers(req customerRequest, got Customer) bool {
	same := func(sent *string, have string, equal func(a, b string) bool) bool {
		return sent == nil || (*sent == "" && have == "") || (*sent != "" && equal(*sent, have))
	}
	sameDate := func(a, b string) bool { return ISODate(a) == ISODate(b) }
	exact := func(a, b string) bool { return a == b }
	return !same(req.FirstName, got.FirstName, SameFreeText) || !same(req.LastName, got.LastName, SameFreeText) ||
		!same(req.Address, got.Address, SameFreeText) || !same(req.GsmNumber, got.GsmNumber, SameText) ||
		!same(req.Email, got.Email, SameEmail) || !same(req.BirthDate, got.BirthDate, sameDate) ||
		!same(req.Password, got.Password, exact) || (req.Gender != nil && Gender(*req.Gender) != got.Gender)
}

func keptFields(req customerRequest, got Customer) []string {
	var kept []string
	for _, f := range []struct {
		name  string
		sent  *string
		holds bool
	}{
		{"FirstName", req.FirstName, got.FirstName != ""},
		{"LastName", req.LastName, got.LastName != ""},
		{"BirthDate", req.BirthDate, got.BirthDate != ""},
		{"GsmNumber", req.GsmNumber, got.GsmNumber != ""},
		{"Email", req.Email, got.Email != ""},
		{"Address", req.Address, got.Address != ""},
		{"Password", req.Password, got.Password != ""},
	} {
		if f.sent != nil && *f.sent == "" && f.holds {
			kept = append(kept, f.name)
		}
	}
	if req.Gender != nil && *req.Gender == int(GenderUnspecified) && got.Gender != GenderUnspecified {
		kept = append(kept, "Gender")
	}
	return kept
}

func (c *Client) updateWithNulls(ctx context.Context, req customerRequest, fields []string, password string) (*CustomerWithCards, error) {
	raw, err := json.Marshal(req) //nolint:gosec // the request as sent; the client masks the password wherever it logs
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, err
	}
	for _, f := range fields {
		body[f] = nil
	}
	var out wireCustomerWithCards
	if _, err := c.call(ctx, opUpdateCustomer, body, &out, password); err != nil {
		return nil, err
	}
	return out.value()
}

// GetCustomer reads a customer and its cards.
func (c *Client) GetCustomer(ctx context.Context, ref CustomerRef) (*CustomerWithCards, error) {
	var out wireCustomerWithCards
	if _, err := c.call(ctx, opGetCustomer, refRequest(ref), &out); err != nil {
		return nil, err
	}
	return out.value()
}

// GetCustomerList reads every customer of the dealer account in one call.
func (c *Client) GetCustomerList(ctx context.Context) ([]Customer, error) {
	customers, _, err := c.ListCustomers(ctx)
	return customers, err
}

// ListCustomers is GetCustomerList, and whether it gave every Address: not
// every Moka's list does.
func (c *Client) ListCustomers(ctx context.Context) (customers []Customer, complete bool, err error) {
	var out wireCustomerList
	if _, err := c.call(ctx, opGetCustomerList, nil, &out); err != nil {
		return nil, false, err
	}
	customers = make([]Customer, 0, len(out.DealerCustomerList))
	complete = true
	for _, w := range out.DealerCustomerList {
		customers = append(customers, w.customer())
		complete = complete && w.Address != nil
	}
	return customers, complete, nil
}

// RemoveCustomer deletes a customer; gone after a lost answer counts as removed.
func (c *Client) RemoveCustomer(ctx context.Context, ref CustomerRef) error {
	res, err := c.call(ctx, opRemoveCustomer, refRequest(ref), nil)
	if err != nil && res.uncertain && IsNotFound(err) {
		return nil
	}
	return err
}

type wireCustomer struct {
	DealerCustomerID flexInt     `json:"DealerCustomerId"`
	CustomerCode     flexString  `json:"CustomerCode"`
	Password         flexString  `json:"Password"`
	FirstName        flexString  `json:"FirstName"`
	LastName         flexString  `json:"LastName"`
	Gender           flexInt     `json:"Gender"`
	BirthDate        flexString  `json:"BirthDate"`
	GsmNumber        flexString  `json:"GsmNumber"`
	Email            flexString  `json:"Email"`
	Address          *flexString `json:"Address"` // nil: not given
}

func (w wireCustomer) customer() Customer {
	return Customer{
		DealerCustomerID: int64(w.DealerCustomerID),
		CustomerCode:     string(w.CustomerCode),
		Password:         string(w.Password),
		FirstName:        string(w.FirstName),
		LastName:         string(w.LastName),
		Gender:           Gender(w.Gender),
		BirthDate:        ISODate(string(w.BirthDate)),
		GsmNumber:        string(w.GsmNumber),
		Email:            string(w.Email),
		Address:          w.Address.text(),
	}
}

type wireCustomerWithCards struct {
	DealerCustomer *wireCustomer `json:"DealerCustomer"`
	CardListCount  flexInt       `json:"CardListCount"`
	CardList       []wireCard    `json:"CardList"`
}

func (w wireCustomerWithCards) value() (*CustomerWithCards, error) {
	if w.DealerCustomer == nil {
		return nil, fmt.Errorf("the answer has no DealerCustomer")
	}
	out := &CustomerWithCards{Customer: w.DealerCustomer.customer(), Cards: make([]Card, 0, len(w.CardList))}
	for _, c := range w.CardList {
		out.Cards = append(out.Cards, c.card())
	}
	return out, nil
}

type wireCustomerList struct {
	DealerCustomerListCount flexInt        `json:"DealerCustomerListCount"`
	DealerCustomerList      []wireCustomer `json:"DealerCustomerList"`
}

// customerRequest leaves a nil field out; a pointer to "" (Gender 0) clears it.
type customerRequest struct {
	DealerCustomerID int64   `json:"DealerCustomerId,omitempty"`
	CustomerCode     string  `json:"CustomerCode,omitempty"`
	Password         *string `json:"Password,omitempty"`
	FirstName        *string `json:"FirstName,omitempty"`
	LastName         *string `json:"LastName,omitempty"`
	Gender           *int    `json:"Gender,omitempty"`
	BirthDate        *string `json:"BirthDate,omitempty"`
	GsmNumber        *string `json:"GsmNumber,omitempty"`
	Email            *string `json:"Email,omitempty"`
	Address          *string `json:"Address,omitempty"`
}

func newCustomerRequest(c Customer) customerRequest {
	r := customerRequest{
		DealerCustomerID: c.DealerCustomerID,
		CustomerCode:     c.CustomerCode,
		Password:         setText(c.Password),
		FirstName:        setText(c.FirstName),
		LastName:         setText(c.LastName),
		BirthDate:        setText(wireDate(c.BirthDate)),
		GsmNumber:        setText(c.GsmNumber),
		Email:            setText(c.Email),
		Address:          setText(c.Address),
	}
	if c.Gender != GenderUnspecified {
		g := int(c.Gender)
		r.Gender = &g
	}
	return r
}

// updateCustomerRequest always sends the password: the caller may not know
// what it was (write-only), and "" clears it.
func updateCustomerRequest(upd CustomerUpdate) customerRequest {
	r := newCustomerRequest(upd.Customer)
	prev := upd.Previous
	clearEmptied := func(dst **string, now string, before func(Customer) string) {
		if now == "" && (prev == nil || before(*prev) != "") {
			empty := ""
			*dst = &empty
		}
	}
	clearEmptied(&r.FirstName, upd.FirstName, func(c Customer) string { return c.FirstName })
	clearEmptied(&r.LastName, upd.LastName, func(c Customer) string { return c.LastName })
	clearEmptied(&r.BirthDate, upd.BirthDate, func(c Customer) string { return c.BirthDate })
	clearEmptied(&r.GsmNumber, upd.GsmNumber, func(c Customer) string { return c.GsmNumber })
	clearEmptied(&r.Email, upd.Email, func(c Customer) string { return c.Email })
	clearEmptied(&r.Address, upd.Address, func(c Customer) string { return c.Address })
	if upd.Gender == GenderUnspecified && (prev == nil || prev.Gender != GenderUnspecified) {
		none := int(GenderUnspecified)
		r.Gender = &none
	}
	pw := upd.Password
	r.Password = &pw
	return r
}

func setText(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

type refRequest struct {
	DealerCustomerID int64  `json:"DealerCustomerId,omitempty"`
	CustomerCode     string `json:"CustomerCode,omitempty"`
}

type addCustomerWithCardRequest struct {
	customerRequest
	CardHolderFullName string `json:"CardHolderFullName,omitempty"`
	CardNumber         string `json:"CardNumber"`
	ExpMonth           string `json:"ExpMonth"`
	ExpYear            string `json:"ExpYear"`
	CardName           string `json:"CardName,omitempty"`
}
