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
	mrand "math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// session is one run of the script: the client, the run's code prefix, and
// everything the run may have created, to remove at the end.
type session struct {
	client *moka.Client
	prefix string
	// retries is how often a call that failed in a way worth retrying is
	// tried again (see retryable).
	retries int

	// cache holds what a probe shared by several behaviours found.
	cache map[string]any
	// ex watches the answers for EX (nil: not watched).
	ex *exWatch

	mu        sync.Mutex
	codes     []string // every CustomerCode an AddCustomer was sent for, in order
	codeSet   map[string]bool
	tokens    []string // every card token an answer showed, in order
	tokenSet  map[string]bool
	customerN int
}

// codePrefix starts the code of every customer the command creates.
const codePrefix = "TFCONF-"

// newPrefix is TFCONF-YYYYMMDDhhmmss-XXXXXXXX-: the start time (UTC) tells
// a later run an earlier run's leftovers; upper-case hex makes a lower-case
// spelling differ and keeps two runs, or a run and real customers, apart.
func newPrefix(start time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return codePrefix + start.UTC().Format("20060102150405") + "-" + strings.ToUpper(hex.EncodeToString(b[:])) + "-"
}

var (
	timedPrefix  = regexp.MustCompile(`^TFCONF-([0-9]{14})-[0-9A-F]{8}-`)
	legacyPrefix = regexp.MustCompile(`^TFCONF-[0-9A-F]{8}-`)
)

// runOf parses a code's run prefix and start time (zero for the older form
// without one); ok is false for a code no run of the command made.
func runOf(code string) (prefix string, started time.Time, ok bool) {
	if m := timedPrefix.FindStringSubmatch(code); m != nil {
		t, err := time.Parse("20060102150405", m[1])
		if err != nil {
			return "", time.Time{}, false
		}
		return m[0], t, true
	}
	if m := legacyPrefix.FindString(code); m != "" {
		return m, time.Time{}, true
	}
	return "", time.Time{}, false
}

func newSession(client *moka.Client, prefix string) *session {
	return &session{client: client, prefix: prefix, retries: scriptRetries, cache: map[string]any{}, codeSet: map[string]bool{}, tokenSet: map[string]bool{}}
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

// scriptRetries is how often the script tries a call again, as the provider
// does: with 20% of calls failing, nine attempts all fail about once in two
// million calls.
const scriptRetries = 8

// Backoff between attempts: full jitter up to a ceiling that doubles from
// retryBaseDelay to retryMaxDelay. Variables, so that tests can shorten them.
var (
	retryBaseDelay = 250 * time.Millisecond
	retryMaxDelay  = 10 * time.Second
)

// call is one operation through the client; the answer's Data as sent.
func (s *session) call(ctx context.Context, op string, req map[string]any, secrets ...string) (json.RawMessage, error) {
	data, _, err := s.callTracked(ctx, op, req, secrets...)
	return data, err
}

// callTracked is call, retried like the provider retries (network errors,
// timeouts, 5xx, EX), and says whether an attempt may have reached Moka
// without its answer reaching us: then a write may have happened although a
// later attempt failed (an AddCustomer retried after a lost answer meets its
// own customer as CustomerCodeAlreadyUsing). Each probe decides what that
// means for what it settles.
func (s *session) callTracked(ctx context.Context, op string, req map[string]any, secrets ...string) (json.RawMessage, bool, error) {
	uncertain := false
	for attempt := 0; ; attempt++ {
		var body any
		if req != nil {
			body = req
		}
		data, err := s.client.Call(ctx, op, body, secrets...)
		if err == nil {
			return data, uncertain, nil
		}
		again, unsure := retryable(err)
		uncertain = uncertain || unsure
		if !again || attempt >= s.retries || ctx.Err() != nil {
			return nil, uncertain, err
		}
		ceiling := min(retryBaseDelay<<min(attempt, 20), retryMaxDelay)
		t := time.NewTimer(ceiling/2 + mrand.N(ceiling/2+1)) //nolint:gosec // jitter of a retry, not a secret
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, uncertain, err
		case <-t.C:
		}
	}
}

// retryable classifies a failed attempt as internal/moka's client does:
// whether to try again, and whether the server may have acted on it.
func retryable(err error) (again, uncertain bool) { return moka.Classify(err) }

// addCustomer registers a customer of this run. The code is tracked before
// the call: an answer that is lost may still have registered it. A retry
// that meets the code taken after such a loss has met this run's own
// customer (no one else has its code): it is read back.
func (s *session) addCustomer(ctx context.Context, what string, fields map[string]any) (code string, id int64, err error) {
	code = s.newCode(what)
	req := map[string]any{"CustomerCode": code}
	for k, v := range fields {
		req[k] = v
	}
	s.trackCode(code)
	data, uncertain, err := s.callTracked(ctx, "AddCustomer", req)
	if err != nil && uncertain && moka.Reason(err) == moka.ReasonCustomerCodeAlreadyUsing {
		data, err = s.call(ctx, "GetCustomer", map[string]any{"CustomerCode": code})
	}
	if err != nil {
		return code, 0, fmt.Errorf("AddCustomer %s: %w", code, err)
	}
	id, err = customerID(data)
	return code, id, err
}

// addCard stores a card and tracks and returns every token the answer shows.
// A retry refused after a lost answer (a Moka that refuses the same card
// twice) looks for the card that attempt stored: the customer's card with
// this name (in any case) and these last four digits.
func (s *session) addCard(ctx context.Context, code, number, month, year, name string) ([]string, error) {
	_, tokens, err := s.addCardData(ctx, code, number, month, year, name)
	return tokens, err
}

// addCardData is addCard that also returns the answer's Data (nil when the
// card was found by a read after a lost answer).
func (s *session) addCardData(ctx context.Context, code, number, month, year, name string) (json.RawMessage, []string, error) {
	data, uncertain, err := s.callTracked(ctx, "AddCard", map[string]any{
		"CustomerCode": code, "CardHolderFullName": "Conformance Check", "CardNumber": number,
		"ExpMonth": month, "ExpYear": year, "CardName": name,
	}, number)
	if err != nil && uncertain && moka.Reason(err) == moka.ReasonInvalidRequest {
		if list, lerr := s.call(ctx, "GetCardList", map[string]any{"CustomerCode": code}); lerr == nil {
			var v struct {
				CardList []map[string]json.RawMessage `json:"CardList"`
			}
			if json.Unmarshal(list, &v) == nil {
				for _, c := range v.CardList {
					if strings.EqualFold(text(c["CardName"]), name) && text(c["CardNumberLastFour"]) == number[len(number)-4:] {
						s.trackToken(text(c["CardToken"]))
						return nil, []string{text(c["CardToken"])}, nil
					}
				}
			}
		}
	}
	if err != nil {
		return nil, nil, err
	}
	tokens, err := cardTokens(data)
	for _, tok := range tokens {
		s.trackToken(tok)
	}
	return data, tokens, err
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

// staleAfter is how long after its start a run is surely over (its script
// and its removal take minutes): a customer of a run that started longer ago
// is a leftover of a run killed before its removal. A younger run's customers
// are left alone, since that run may still be going.
const staleAfter = 30 * time.Minute

// sweepEarlierRuns lists the account's customers and removes those of
// earlier runs of this command (codes with the command's prefix and a start
// time over staleAfter ago, or the older prefix without one), with their
// cards, and never another customer. It returns what it found; what it could
// not remove is also returned as left behind.
func (s *session) sweepEarlierRuns(ctx context.Context, now time.Time) (found, left []Leftover, err error) {
	data, err := s.call(ctx, "GetCustomerList", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("listing the customers to look for earlier runs' leftovers: %w", err)
	}
	var v struct {
		DealerCustomerList []map[string]json.RawMessage `json:"DealerCustomerList"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, nil, fmt.Errorf("the GetCustomerList answer is not a list of customers: %s", shortJSON(data))
	}
	for _, c := range v.DealerCustomerList {
		code := text(c["CustomerCode"])
		prefix, started, ok := runOf(code)
		if !ok || prefix == s.prefix {
			continue
		}
		id, _ := customerIDOf(c)
		l := Leftover{Kind: "customer", CustomerCode: code, DealerCustomerID: id}
		if !started.IsZero() && now.Sub(started) < staleAfter {
			l.Why = fmt.Sprintf("of a run that started %s ago and may still be going: left alone", now.Sub(started).Round(time.Second))
			found = append(found, l)
			continue
		}
		if err := s.removeWithCards(ctx, id, code); err != nil {
			l.Why = "of an earlier run; could not remove it: " + err.Error()
			left = append(left, l)
		} else {
			l.Why = "of an earlier run: removed, with its cards"
		}
		found = append(found, l)
	}
	return found, left, nil
}

// removeWithCards removes a customer's cards, then the customer (a Moka may
// keep cards when their customer goes), and checks that it is gone.
func (s *session) removeWithCards(ctx context.Context, id int64, code string) error {
	ref := map[string]any{"DealerCustomerId": id, "CustomerCode": code}
	list, err := s.call(ctx, "GetCardList", ref)
	if err != nil && !moka.IsNotFound(err) {
		return err
	}
	if err == nil {
		tokens, err := cardTokens(list)
		if err != nil {
			return err
		}
		for _, tok := range tokens {
			if _, err := s.call(ctx, "RemoveCard", map[string]any{"CardToken": tok}); err != nil && !moka.IsNotFound(err) {
				return err
			}
		}
	}
	if _, err := s.call(ctx, "RemoveCustomer", ref); err != nil && !moka.IsNotFound(err) {
		return err
	}
	if _, err := s.call(ctx, "GetCustomer", ref); !moka.IsNotFound(err) {
		return errors.New(stillThere(err))
	}
	return nil
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
