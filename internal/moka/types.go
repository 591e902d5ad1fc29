package moka

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Gender is the customer's gender as Moka encodes it.
type Gender int

const (
	// GenderUnspecified is what a customer without a gender has.
	GenderUnspecified Gender = 0
	// GenderMale is sent as 1.
	GenderMale Gender = 1
	// GenderFemale is sent as 2.
	GenderFemale Gender = 2
)

// Customer is Moka's DealerCustomer object.
type Customer struct {
	DealerCustomerID int64
	CustomerCode     string
	// Password is the customer's own PIN, asked when charging a stored card. Moka
	// returns it on every read, so it is a secret wherever it goes.
	Password  string
	FirstName string
	LastName  string
	Gender    Gender
	// BirthDate is in Moka's form, YYYYMMDD, or empty.
	BirthDate string
	GsmNumber string
	Email     string
	Address   string
}

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

// CustomerWithCards is the Data of most DealerCustomer operations.
type CustomerWithCards struct {
	Customer Customer
	Cards    []Card
}

// CardWithCustomer is one card and the customer it belongs to.
type CardWithCustomer struct {
	Customer Customer
	Card     Card
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

// CustomerUpdate is an UpdateCustomer request: the customer as it should be
// after the call, addressed by DealerCustomerID (and CustomerCode).
//
// Moka does not say whether UpdateCustomer keeps or clears a field that the
// request leaves out, so the request sends every field that has a value, ""
// (Gender 0) for a field to clear, and leaves out only what needs neither: a
// field that is empty now and was empty in Previous. See MOKA-API.md,
// "What the client sends".
type CustomerUpdate struct {
	Customer
	// Previous is the customer as the caller last saw it in Moka (for the
	// provider, the refreshed state). nil: unknown, and every empty field is
	// sent as "" so that it is cleared. Its Password is not looked at: a
	// write-only password is not known to the caller.
	Previous *Customer
	// KeepPassword keeps the password Moka holds (a write-only password the
	// provider no longer knows). The client reads the customer first and sends
	// the password Moka holds back, so that the password stays whether Moka
	// keeps an omitted field or clears it.
	KeepPassword bool
}

// NormalizeCardToken gives the form Moka answers with: lower case, no braces.
// Moka accepts a token in any case, with or without braces.
func NormalizeCardToken(token string) string {
	t := strings.TrimSpace(token)
	t = strings.TrimPrefix(t, "{")
	t = strings.TrimSuffix(t, "}")
	return strings.ToLower(strings.TrimSpace(t))
}

// SameCardToken reports whether two tokens name the same card.
func SameCardToken(a, b string) bool {
	return NormalizeCardToken(a) == NormalizeCardToken(b)
}

// flexInt decodes the lenient integers Moka's server produces and accepts: a JSON
// number, a number in a string, or "" / null for "not given".
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = 0
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*f = 0
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// A number with a fraction or exponent part ("2.0", "1e3") is still a number.
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || fl != float64(int64(fl)) {
			return fmt.Errorf("not an integer: %.40q", s)
		}
		n = int64(fl)
	}
	*f = flexInt(n)
	return nil
}

// flexString decodes a string that Moka's documentation sometimes calls an
// integer: a JSON string, a bare number (kept as written), or null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*f = flexString(b)
		return nil
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("not a string: %w", err)
		}
		*f = flexString(n.String())
		return nil
	}
}

type wireCustomer struct {
	DealerCustomerID flexInt    `json:"DealerCustomerId"`
	CustomerCode     flexString `json:"CustomerCode"`
	Password         flexString `json:"Password"`
	FirstName        flexString `json:"FirstName"`
	LastName         flexString `json:"LastName"`
	Gender           flexInt    `json:"Gender"`
	BirthDate        flexString `json:"BirthDate"`
	GsmNumber        flexString `json:"GsmNumber"`
	Email            flexString `json:"Email"`
	Address          flexString `json:"Address"`
}

func (w wireCustomer) customer() Customer {
	return Customer{
		DealerCustomerID: int64(w.DealerCustomerID),
		CustomerCode:     string(w.CustomerCode),
		Password:         string(w.Password),
		FirstName:        string(w.FirstName),
		LastName:         string(w.LastName),
		Gender:           Gender(w.Gender),
		BirthDate:        string(w.BirthDate),
		GsmNumber:        string(w.GsmNumber),
		Email:            string(w.Email),
		Address:          string(w.Address),
	}
}

type wireCard struct {
	CardToken          flexString `json:"CardToken"`
	CardName           flexString `json:"CardName"`
	BankName           flexString `json:"BankName"`
	CardNumberFirstSix flexString `json:"CardNumberFirstSix"`
	CardNumberLastFour flexString `json:"CardNumberLastFour"`
	CardHolderFullName flexString `json:"CardHolderFullName"`
	ExpMonth           flexString `json:"ExpMonth"`
	ExpYear            flexString `json:"ExpYear"`
}

func (w wireCard) card() Card {
	return Card{
		CardToken:          NormalizeCardToken(string(w.CardToken)),
		CardName:           string(w.CardName),
		BankName:           string(w.BankName),
		CardNumberFirstSix: string(w.CardNumberFirstSix),
		CardNumberLastFour: string(w.CardNumberLastFour),
		CardHolderFullName: string(w.CardHolderFullName),
		ExpMonth:           string(w.ExpMonth),
		ExpYear:            string(w.ExpYear),
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

// Requests. Field names are Moka's; the server is lenient on types, but we send
// proper JSON types.

type authBlock struct {
	DealerCode string `json:"DealerCode"`
	Username   string `json:"Username"`
	Password   string `json:"Password"`
	CheckKey   string `json:"CheckKey"`
}

// customerRequest is the customer part of a request. A nil field is left out
// of the JSON; a pointer to "" (or to Gender 0) is sent, and clears the field
// in an UpdateCustomer.
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

// newCustomerRequest sends the fields of c that have a value and leaves the
// others out, as public Moka clients do: a new customer has nothing to clear.
func newCustomerRequest(c Customer) customerRequest {
	r := customerRequest{
		DealerCustomerID: c.DealerCustomerID,
		CustomerCode:     c.CustomerCode,
		Password:         setText(c.Password),
		FirstName:        setText(c.FirstName),
		LastName:         setText(c.LastName),
		BirthDate:        setText(c.BirthDate),
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

// updateCustomerRequest is newCustomerRequest plus "" (Gender 0) for each
// field to clear: empty now, and not known to have been empty before. The
// password is always sent unless it is kept: the caller may not know what it
// was (write-only), and "" clears it.
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

// setText is a field to send when it has a value.
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

// addCardRequest leaves an empty holder name or card name out: a new card has
// nothing to clear.
type addCardRequest struct {
	DealerCustomerID   int64  `json:"DealerCustomerId,omitempty"`
	CustomerCode       string `json:"CustomerCode,omitempty"`
	CardHolderFullName string `json:"CardHolderFullName,omitempty"`
	CardNumber         string `json:"CardNumber"`
	ExpMonth           string `json:"ExpMonth"`
	ExpYear            string `json:"ExpYear"`
	CardName           string `json:"CardName,omitempty"`
}

type addCustomerWithCardRequest struct {
	customerRequest
	CardHolderFullName string `json:"CardHolderFullName,omitempty"`
	CardNumber         string `json:"CardNumber"`
	ExpMonth           string `json:"ExpMonth"`
	ExpYear            string `json:"ExpYear"`
	CardName           string `json:"CardName,omitempty"`
}

type cardTokenRequest struct {
	CardToken string `json:"CardToken"`
}

// updateCardRequest always sends CardName: the name is the one thing
// UpdateCard changes, and "" is how it is cleared.
type updateCardRequest struct {
	CardToken string `json:"CardToken"`
	CardName  string `json:"CardName"`
}
