// Package conformance is `terraform-provider-moka conformance`: a fixed script
// that settles, against a real Moka, each behaviour that Moka's documentation
// leaves open and the sandbox had to decide, and says which sandbox switch
// plays what this Moka does. It calls Moka only through internal/moka's
// client, creates only records whose codes carry a prefix of its own, and
// removes all of them again, also after a failure or Ctrl-C.
package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// session is one run of the script: the client, the run's code prefix, and
// everything the run may have created, to remove at the end.
type session struct {
	client *moka.Client
	prefix string

	mu        sync.Mutex
	codes     []string // every CustomerCode an AddCustomer was sent for, in order
	codeSet   map[string]bool
	tokens    []string // every card token an answer showed, in order
	tokenSet  map[string]bool
	customerN int
}

// newPrefix is the run's own code prefix: upper-case letters (so that a
// lower-case spelling differs), and random hex so that two runs, or a run and
// real customers, never share a code.
func newPrefix() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "TFCONF-" + strings.ToUpper(hex.EncodeToString(b[:])) + "-"
}

func newSession(client *moka.Client, prefix string) *session {
	return &session{client: client, prefix: prefix, codeSet: map[string]bool{}, tokenSet: map[string]bool{}}
}

// newCode is a fresh CustomerCode of this run, with a hint of what it is for.
func (s *session) newCode(what string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customerN++
	return fmt.Sprintf("%s%02d-%s", s.prefix, s.customerN, what)
}

func (s *session) trackCode(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.codeSet[code] {
		s.codeSet[code] = true
		s.codes = append(s.codes, code)
	}
}

func (s *session) trackToken(token string) {
	token = moka.NormalizeCardToken(token)
	if token == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tokenSet[token] {
		s.tokenSet[token] = true
		s.tokens = append(s.tokens, token)
	}
}

// call is one operation through the client; the answer's Data as sent.
func (s *session) call(ctx context.Context, op string, req map[string]any, secrets ...string) (json.RawMessage, error) {
	return s.client.Call(ctx, op, req, secrets...)
}

// addCustomer registers a customer of this run. The code is tracked before
// the call: an answer that is lost may still have registered it.
func (s *session) addCustomer(ctx context.Context, what string, fields map[string]any) (code string, id int64, err error) {
	code = s.newCode(what)
	req := map[string]any{"CustomerCode": code}
	for k, v := range fields {
		req[k] = v
	}
	s.trackCode(code)
	data, err := s.call(ctx, "AddCustomer", req)
	if err != nil {
		return code, 0, fmt.Errorf("AddCustomer %s: %w", code, err)
	}
	id, err = customerID(data)
	return code, id, err
}

// addCard stores a card for the customer with code and tracks every token the
// answer shows; it returns them.
func (s *session) addCard(ctx context.Context, code, number, month, year, name string) ([]string, error) {
	data, err := s.call(ctx, "AddCard", map[string]any{
		"CustomerCode": code, "CardHolderFullName": "Conformance Check", "CardNumber": number,
		"ExpMonth": month, "ExpYear": year, "CardName": name,
	}, number)
	if err != nil {
		return nil, err
	}
	tokens, err := cardTokens(data)
	for _, tok := range tokens {
		s.trackToken(tok)
	}
	return tokens, err
}

// Leftover is something the run created and could not remove.
type Leftover struct {
	Kind             string `json:"kind"` // "customer" or "card"
	CustomerCode     string `json:"customer_code,omitempty"`
	DealerCustomerID int64  `json:"dealer_customer_id,omitempty"`
	CardToken        string `json:"card_token,omitempty"`
	Why              string `json:"why"`
}

func (l Leftover) String() string {
	switch l.Kind {
	case "card":
		return fmt.Sprintf("card %s: %s", l.CardToken, l.Why)
	default:
		id := ""
		if l.DealerCustomerID != 0 {
			id = fmt.Sprintf(" (DealerCustomerId %d)", l.DealerCustomerID)
		}
		return fmt.Sprintf("customer %s%s: %s", l.CustomerCode, id, l.Why)
	}
}

// cleanup removes everything the run may have created: the cards it saw, the
// cards of each of its customers, then the customers; then it looks again and
// reports whatever is still there. It runs on its own context, so that it
// also runs after Ctrl-C ended the script.
func (s *session) cleanup(ctx context.Context) []Leftover {
	s.mu.Lock()
	codes := append([]string(nil), s.codes...)
	s.mu.Unlock()
	for _, code := range codes {
		// Cards that an answer never showed (one that was lost) are found here.
		if list, err := s.client.GetCardList(ctx, moka.CustomerRef{CustomerCode: code}); err == nil && list.Customer.CustomerCode == code {
			for _, c := range list.Cards {
				s.trackToken(c.CardToken)
			}
		}
	}
	s.mu.Lock()
	tokens := append([]string(nil), s.tokens...)
	s.mu.Unlock()

	var left []Leftover
	for _, tok := range tokens {
		err := s.client.RemoveCard(ctx, tok)
		if err != nil && !moka.IsNotFound(err) {
			left = append(left, Leftover{Kind: "card", CardToken: tok, Why: err.Error()})
			continue
		}
		if _, err := s.client.GetCard(ctx, tok); !moka.IsNotFound(err) {
			left = append(left, Leftover{Kind: "card", CardToken: tok, Why: stillThere(err)})
		}
	}
	for _, code := range codes {
		ref := moka.CustomerRef{CustomerCode: code}
		var id int64
		if got, err := s.client.GetCustomer(ctx, ref); err == nil {
			if got.Customer.CustomerCode != code {
				// A Moka that compares codes loosely answered with another
				// customer: never remove what is not this run's.
				continue
			}
			id = got.Customer.DealerCustomerID
			ref = moka.CustomerRef{DealerCustomerID: id, CustomerCode: code}
		} else if moka.IsNotFound(err) {
			continue
		}
		if err := s.client.RemoveCustomer(ctx, ref); err != nil && !moka.IsNotFound(err) {
			left = append(left, Leftover{Kind: "customer", CustomerCode: code, DealerCustomerID: id, Why: err.Error()})
			continue
		}
		if got, err := s.client.GetCustomer(ctx, moka.CustomerRef{CustomerCode: code}); !moka.IsNotFound(err) && (err != nil || got.Customer.CustomerCode == code) {
			left = append(left, Leftover{Kind: "customer", CustomerCode: code, DealerCustomerID: id, Why: stillThere(err)})
		}
	}
	sort.SliceStable(left, func(i, j int) bool { return left[i].Kind > left[j].Kind }) // customers, then cards
	return left
}

func stillThere(err error) string {
	if err != nil {
		return "could not check that it is gone: " + err.Error()
	}
	return "still there after it was removed"
}

// Wire shapes the script reads. It reads answers itself, not through the
// client's types, because what it settles is the answer's very form.

// cardTokens are the tokens of the cards in a customer-with-cards answer, in
// the order given.
func cardTokens(data json.RawMessage) ([]string, error) {
	var v struct {
		CardList []struct {
			CardToken string `json:"CardToken"`
		} `json:"CardList"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("the answer's Data is not a customer with cards: %w", err)
	}
	tokens := make([]string, 0, len(v.CardList))
	for _, c := range v.CardList {
		tokens = append(tokens, c.CardToken)
	}
	return tokens, nil
}

func customerID(data json.RawMessage) (int64, error) {
	var v struct {
		DealerCustomer *struct {
			DealerCustomerID json.Number `json:"DealerCustomerId"`
		} `json:"DealerCustomer"`
	}
	if err := json.Unmarshal(data, &v); err != nil || v.DealerCustomer == nil {
		return 0, errors.New("the answer has no DealerCustomer")
	}
	id, err := v.DealerCustomer.DealerCustomerID.Int64()
	if err != nil {
		return 0, fmt.Errorf("the answer's DealerCustomerId %q is not a number", v.DealerCustomer.DealerCustomerID)
	}
	return id, nil
}
