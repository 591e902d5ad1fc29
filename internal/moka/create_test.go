package moka

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The claimed create (create.go) against the sandbox, through a front that
// fails chosen calls the ways a network does and lets "another client" act
// between calls. Every outcome is checked from the sandbox's own data.

// scriptedFront serves srv; fault(op, n) says what happens to the n-th call
// of op (1-based): "" answers, "lost" carries the call out and drops the
// connection, "reset" drops it without carrying it out, "html503" answers a
// proxy's page without carrying it out. before(op, n) runs first.
func scriptedFront(t *testing.T, srv *sandbox.Server, fault func(op string, n int) string, before func(op string, n int)) string {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := path.Base(r.URL.Path)
		mu.Lock()
		seen[op]++
		n := seen[op]
		mu.Unlock()
		if before != nil {
			before(op, n)
		}
		switch fault(op, n) {
		case "":
			srv.ServeHTTP(w, r)
		case "html503":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("<html><body><h1>Service Unavailable</h1></body></html>"))
		case "lost":
			srv.ServeHTTP(httptest.NewRecorder(), r)
			fallthrough
		default: // reset
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(http.ErrAbortHandler)
			}
			_ = conn.Close()
		}
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// failing is a fault script: kind for the listed calls ("Op" every call,
// "Op#2" only the second, "Op>1" every call after the first).
func failing(kind string, calls ...string) func(op string, n int) string {
	return func(op string, n int) string {
		for _, c := range calls {
			if c == op || c == op+"#"+strconv.Itoa(n) || (c == op+">1" && n > 1) {
				return kind
			}
		}
		return ""
	}
}

func claimClient(t *testing.T, url string, retries int) *Client {
	t.Helper()
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(Config{BaseURL: url, DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox", HTTPClient: hc,
		MaxRetries: retries, RequestTimeout: time.Second, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// outcome is how a claimed create ended.
type outcome string

const (
	madeIt     outcome = "made"       // returned, finished
	unfinished outcome = "unfinished" // made, the claimed field not yet rewritten
	conflict   outcome = "conflict"   // *ConflictError
	pending    outcome = "pending"    // *UncertainError with the claim
	failed     outcome = "failed"     // any other error: nothing of ours stored
)

func outcomeOf(err error) outcome {
	var c *ConflictError
	switch {
	case err == nil:
		return madeIt
	case IsUnfinished(err):
		return unfinished
	case errors.As(err, &c):
		return conflict
	case PendingClaim(err) != "":
		return pending
	default:
		return failed
	}
}

func TestAddCustomerClaimed(t *testing.T) {
	sent := rtCustomer(1)
	identical := sandbox.Customer{CustomerCode: sent.CustomerCode, Password: sent.Password, FirstName: sent.FirstName, LastName: sent.LastName,
		Gender: int(sent.Gender), BirthDate: strings.ReplaceAll(sent.BirthDate, "-", ""), GsmNumber: sent.GsmNumber, Email: sent.Email, Address: sent.Address}
	tests := []struct {
		name  string
		fault func(op string, n int) string
		// other is stored by another client before the named call ("" never,
		// "start" before the create).
		other, otherBefore string
		retries            int
		want               outcome
		// wantOurs: the customer stored is this create's, with the real address.
		wantOurs bool
		// wantClaimLeft: the stored customer still holds the claim as its address.
		wantClaimLeft bool
	}{
		{name: "answered", fault: failing(""), retries: 2, want: madeIt, wantOurs: true},
		{name: "lost once: its own customer found and finished", fault: failing("lost", "AddCustomer#1"), retries: 2, want: madeIt, wantOurs: true},
		{name: "lost on the only attempt: found all the same", fault: failing("lost", "AddCustomer"), retries: 0, want: madeIt, wantOurs: true},
		{name: "html503 once, nothing stored: sent again", fault: failing("html503", "AddCustomer#1"), retries: 2, want: madeIt, wantOurs: true},
		{name: "reset every time: nothing stored, a plain error", fault: failing("reset", "AddCustomer"), retries: 2, want: failed},
		{name: "lost, and every look lost too: pending", fault: failing("lost", "AddCustomer", "GetCustomer"), retries: 2, want: pending, wantClaimLeft: true},
		{name: "finish reset every time: made, unfinished", fault: failing("reset", "UpdateCustomer"), retries: 1, want: unfinished, wantClaimLeft: true},
		{name: "identical customer there before: conflict", fault: failing(""), other: "start", retries: 2, want: conflict},
		{name: "identical customer there before, html503: never adopted", fault: failing("html503", "AddCustomer#1"), other: "start", retries: 2, want: conflict},
		{name: "identical customer there before, every answer lost: never adopted", fault: failing("lost", "AddCustomer"), other: "start", retries: 2, want: conflict},
		{name: "identical customer stored by a racer after an html503: never adopted", fault: failing("html503", "AddCustomer#1"), otherBefore: "GetCustomer", retries: 2, want: conflict},
		{name: "identical customer stored by a racer before the retry: never adopted", fault: failing("html503", "AddCustomer#1"), otherBefore: "AddCustomer#2", retries: 2, want: conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testsupport.StartSandbox(t, sandbox.Options{})
			var theirs sandbox.Customer
			storeTheirs := func() {
				var err error
				if theirs, err = srv.PutCustomer(identical); err != nil {
					t.Error(err)
				}
			}
			if tt.other == "start" {
				storeTheirs()
			}
			var once sync.Once
			before := func(op string, n int) {
				name, num, _ := strings.Cut(tt.otherBefore, "#")
				if name == op && (num == "" || num == strconv.Itoa(n)) {
					once.Do(storeTheirs)
				}
			}
			c := claimClient(t, scriptedFront(t, srv, tt.fault, before), tt.retries)
			got, err := c.AddCustomer(context.Background(), sent)
			if o := outcomeOf(err); o != tt.want {
				t.Fatalf("outcome %s (%v), want %s", o, err, tt.want)
			}
			stored := srv.Customers()
			switch {
			case tt.want == failed:
				if len(stored) != 0 {
					t.Errorf("stored %+v, want nothing", stored)
				}
			case tt.want == conflict:
				var ce *ConflictError
				errors.As(err, &ce)
				if len(stored) != 1 || stored[0] != theirs {
					t.Errorf("the sandbox holds %+v, want only the other client's customer, untouched", stored)
				}
				if ce.DealerCustomerID != theirs.DealerCustomerID {
					t.Errorf("conflict names customer %d, want %d", ce.DealerCustomerID, theirs.DealerCustomerID)
				}
			case len(stored) != 1:
				t.Fatalf("%d customers stored, want 1", len(stored))
			case tt.wantOurs && (got == nil || got.Customer.DealerCustomerID != stored[0].DealerCustomerID || stored[0].Address != sent.Address):
				t.Errorf("got %+v; stored %+v", got, stored[0])
			case tt.wantClaimLeft && !IsClaim(stored[0].Address):
				t.Errorf("stored address %q, want the create's claim", stored[0].Address)
			}
			if tt.want == unfinished && (got == nil || got.Customer.DealerCustomerID != stored[0].DealerCustomerID) {
				t.Errorf("an unfinished create returned %+v, want the customer it made", got)
			}
			if tt.want == pending && !HoldsClaim(stored[0].Address, PendingClaim(err)) {
				t.Errorf("pending claim %q, stored address %q", PendingClaim(err), stored[0].Address)
			}
			if MayHaveTakenEffect(err) != (tt.want == pending) {
				t.Errorf("MayHaveTakenEffect = %v for %s", MayHaveTakenEffect(err), tt.want)
			}
		})
	}
}

func TestAddCardClaimed(t *testing.T) {
	sent := rtCard(1)
	tests := []struct {
		name      string
		fault     func(op string, n int) string
		twinFirst bool   // an identical card is there before the create
		twinAt    string // an identical card is stored by another client before this call
		retries   int
		want      outcome
		wantCards int // cards of the customer afterwards, the twin included
	}{
		{name: "answered", fault: failing(""), retries: 2, want: madeIt, wantCards: 1},
		{name: "lost once: its own card found, no second card", fault: failing("lost", "AddCard#1"), retries: 2, want: madeIt, wantCards: 1},
		{name: "lost on the only attempt: found", fault: failing("lost", "AddCard"), retries: 0, want: madeIt, wantCards: 1},
		{name: "reset every time: no card, a plain error", fault: failing("reset", "AddCard"), retries: 2, want: failed, wantCards: 0},
		{name: "lost, and every look lost: pending", fault: failing("lost", "AddCard", "GetCardList"), retries: 1, want: pending, wantCards: 1},
		{name: "rename reset every time: made, unfinished", fault: failing("reset", "UpdateCard"), retries: 1, want: unfinished, wantCards: 1},
		{name: "identical card there before, lost once: the old one is not taken", fault: failing("lost", "AddCard#1"), twinFirst: true, retries: 2, want: madeIt, wantCards: 2},
		{name: "identical card stored by another client after an html503: not taken", fault: failing("html503", "AddCard#1"), twinAt: "GetCardList", retries: 2, want: madeIt, wantCards: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testsupport.StartSandbox(t, sandbox.Options{})
			owner, err := srv.PutCustomer(sandbox.Customer{CustomerCode: sent.Customer.CustomerCode})
			if err != nil {
				t.Fatal(err)
			}
			var twin sandbox.Card
			storeTwin := func() {
				if twin, err = srv.AddCardDirect(owner.DealerCustomerID, sent.CardHolderFullName, sent.CardNumber, sent.ExpMonth, sent.ExpYear, sent.CardName); err != nil {
					t.Error(err)
				}
			}
			if tt.twinFirst {
				storeTwin()
			}
			var once sync.Once
			before := func(op string, _ int) {
				if op == tt.twinAt {
					once.Do(storeTwin)
				}
			}
			c := claimClient(t, scriptedFront(t, srv, tt.fault, before), tt.retries)
			got, err := c.AddCard(context.Background(), sent)
			if o := outcomeOf(err); o != tt.want {
				t.Fatalf("outcome %s (%v), want %s", o, err, tt.want)
			}
			cards := srv.Cards()
			if len(cards) != tt.wantCards {
				t.Fatalf("%d cards stored, want %d: %+v", len(cards), tt.wantCards, cards)
			}
			for _, card := range cards {
				if twin.CardToken != "" && card.CardToken == twin.CardToken {
					if card != twin {
						t.Errorf("the other client's card changed: %+v, was %+v", card, twin)
					}
					if got != nil && SameCardToken(got.Card.CardToken, twin.CardToken) {
						t.Errorf("the create took the other client's card %s", twin.CardToken)
					}
					continue
				}
				switch tt.want {
				case madeIt:
					if got == nil || !SameCardToken(got.Card.CardToken, card.CardToken) || card.CardName != sent.CardName {
						t.Errorf("got %+v; stored %+v", got, card)
					}
				case unfinished, pending:
					if !IsClaim(card.CardName) {
						t.Errorf("stored name %q, want the create's claim", card.CardName)
					}
				}
			}
		})
	}
}

// TestAddCustomerConflictIsNotAdopted: a customer that existed before the call
// is not adopted, whatever faults the call meets on the way; the error names
// the existing customer so that the provider can say how to import it. (A
// customer identical in every field to the one sent cannot be told apart from
// one that a lost attempt created: after an uncertain attempt it is adopted.
// Without one it is a conflict, which the first case checks.)
func TestAddCustomerConflictIsNotAdopted(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{Seed: 5, TimeoutHang: time.Second})
	existing, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "TAKEN", FirstName: "Önceki"})
	if err != nil {
		t.Fatal(err)
	}
	c := rtClient(t, srv, "sandbox")
	tests := []struct {
		name      string
		faultRate float64
		firstName string
	}{
		{"same data, no faults", 0, "Önceki"},
		{"other data, no faults", 0, "Sonraki"},
		{"other data, every kind of fault", 0.5, "Sonraki"},
	}
	for _, tt := range tests {
		srv.SetFaultRate(tt.faultRate)
		for range 10 {
			_, err := c.AddCustomer(context.Background(), Customer{CustomerCode: "TAKEN", FirstName: tt.firstName})
			var conflict *ConflictError
			if !errors.As(err, &conflict) || conflict.DealerCustomerID != existing.DealerCustomerID {
				t.Errorf("%s: err = %v, want a ConflictError naming %d", tt.name, err, existing.DealerCustomerID)
			}
		}
	}
	srv.SetFaultRate(0)
	if got := srv.Customers(); len(got) != 1 || got[0] != existing {
		t.Errorf("the sandbox holds %+v, want only %+v", got, existing)
	}
}

// TestAddCardLateCommit: an AddCard that times out while Moka is only slow
// stores the card after the client gave up on it. It is never sent again,
// which would make a second card: one call, one card. Landing before the
// second look, it is found and finished; landing after every look (an outside
// test held it 6 s behind a 2 s request_timeout), the create is pending, and
// the late card carries its claim for the next refresh to adopt.
func TestAddCardLateCommit(t *testing.T) {
	tests := []struct {
		name        string
		commitAfter time.Duration // the client's request_timeout is 100ms
		pending     bool
	}{
		{"before the second look", 160 * time.Millisecond, false},
		{"after every look", 600 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var cards []Card
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
				switch op {
				case "AddCard":
					time.Sleep(tt.commitAfter)
					stored := tCard
					stored.CardName = sentCardName(t, body)
					mu.Lock()
					cards = append(cards, stored)
					mu.Unlock()
					writeJSON(w, success(withCards(tCustomer, stored)))
				case "UpdateCard":
					mu.Lock()
					defer mu.Unlock()
					cards[len(cards)-1].CardName = sentCardName(t, body)
					writeJSON(w, success(withCards(tCustomer, cards[len(cards)-1])))
				case "GetCardList":
					mu.Lock()
					defer mu.Unlock()
					writeJSON(w, success(withCards(tCustomer, cards...)))
				}
			})
			c := newTestClient(t, f.URL(), func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond; cfg.MaxRetries = 3 })
			got, err := c.AddCard(context.Background(), tNewCard)
			claim := PendingClaim(err)
			switch {
			case tt.pending && claim == "":
				t.Fatalf("AddCard: %v, want a pending create", err)
			case !tt.pending && err != nil:
				t.Fatalf("AddCard: %v", err)
			case !tt.pending && got.Card != tCard:
				t.Errorf("got %+v", got.Card)
			}
			time.Sleep(tt.commitAfter) // whatever is still on its way lands
			if n := f.count("AddCard"); n != 1 {
				t.Errorf("%d AddCard calls, want 1", n)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(cards) != 1 || (tt.pending && !HoldsClaim(cards[0].CardName, claim)) {
				t.Errorf("the fake holds %+v, want one card (carrying the pending claim %q)", cards, claim)
			}
		})
	}
}

// sentCardName is the CardName of a request body.
func sentCardName(t *testing.T, body []byte) string {
	t.Helper()
	var req struct {
		DealerCustomerRequest struct{ CardName string }
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Errorf("request body: %v", err)
	}
	return req.DealerCustomerRequest.CardName
}

func TestClaims(t *testing.T) {
	a, b := NewClaim(), NewClaim()
	if a == b {
		t.Errorf("two claims are equal: %q", a)
	}
	for _, c := range []string{a, b} {
		if n := len([]rune(c)); n > 40 {
			t.Errorf("claim %q is %d characters: a Moka that keeps 40 would cut its time", c, n)
		}
		if !IsClaim(c) || !IsClaim(" "+c+" ") || !IsClaim(strings.ToUpper(c)) {
			t.Errorf("IsClaim(%q) = false", c)
		}
	}
	for _, s := range []string{"", "Bonus kartım", "terraform-provider-moka", "0123456789abcdef", "0123456789abcdeg tfmoka", "Kadıköy 0123456789abcdef tfmoka"} {
		if IsClaim(s) {
			t.Errorf("IsClaim(%q) = true", s)
		}
	}
}

func TestHoldsClaim(t *testing.T) {
	claim := newClaimAt(time.Date(2026, 12, 7, 10, 26, 44, 0, time.UTC))
	other := NewClaim()
	legacy := legacyClaimPrefix + "0123456789abcdef"
	tests := []struct {
		name, field, claim string
		want               bool
	}{
		{"whole", claim, claim, true},
		{"blanks around", "  " + claim + "\n", claim, true},
		{"upper case", strings.ToUpper(claim), claim, true},
		{"cut to 20", claim[:20], claim, true},
		{"cut to the random part", claim[:16], claim, true},
		{"cut into the random part", claim[:15], claim, false},
		{"another claim", other, claim, false},
		{"another claim, cut", other[:20], claim, false},
		{"empty field", "", claim, false},
		{"no claim", claim, "", false},
		{"a person's text", "Atatürk Cd. 12", claim, false},
		{"legacy claim, whole", strings.ToUpper(legacy), legacy, true},
		{"legacy claim, cut", legacy[:40], legacy, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HoldsClaim(tt.field, tt.claim); got != tt.want {
				t.Errorf("HoldsClaim(%q, %q) = %v, want %v", tt.field, tt.claim, got, tt.want)
			}
		})
	}
}

func TestClaimWritten(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 26, 44, 0, time.UTC)
	claim := newClaimAt(at)
	tests := []struct {
		name, field string
		want        time.Time
		ok          bool
		abandoned   bool // at at+5m
	}{
		{"whole", claim, at, true, false},
		{"upper case", strings.ToUpper(claim), at, true, false},
		{"cut before the time", claim[:23], time.Time{}, false, true},
		{"not a claim", "Bonus", time.Time{}, false, true},
		{"legacy claim", legacyClaimPrefix + "0123456789abcdef", time.Time{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ClaimWritten(tt.field)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("ClaimWritten(%q) = %v, %v; want %v, %v", tt.field, got, ok, tt.want, tt.ok)
			}
			if a := ClaimAbandoned(tt.field, at.Add(5*time.Minute)); a != tt.abandoned {
				t.Errorf("ClaimAbandoned 5 minutes after = %v, want %v", a, tt.abandoned)
			}
		})
	}
	if !ClaimAbandoned("cccccccccccccccc tfmoka 29991231000000", at) {
		t.Error("a mark dated years ahead is taken for a create still running")
	}
	// Another machine's clock a few minutes ahead: still running.
	for _, ahead := range []time.Duration{3 * time.Minute, 9 * time.Minute} {
		if ClaimAbandoned(newClaimAt(at.Add(ahead)), at) {
			t.Errorf("a mark dated %v ahead is taken for an abandoned create", ahead)
		}
	}
	if !ClaimAbandoned(claim, at.Add(ClaimMayBeRunningFor)) {
		t.Errorf("a claim %v old is not abandoned", ClaimMayBeRunningFor)
	}
}

func TestClaimField(t *testing.T) {
	tests := []struct {
		name string
		c    Customer
		want string
	}{
		{"address given", Customer{Address: "Moda Cd.", FirstName: "Ada"}, "Address"},
		{"no address: first name", Customer{FirstName: "Ada", LastName: "Lovelace"}, "FirstName"},
		{"last name only", Customer{LastName: "Lovelace", Email: "a@b.co"}, "LastName"},
		{"no text at all: address, to be emptied", Customer{Email: "a@b.co"}, "Address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := claimField(tt.c).name; got != tt.want {
				t.Errorf("claimField = %s, want %s", got, tt.want)
			}
		})
	}
	claim := NewClaim()
	c := Customer{FirstName: strings.ToUpper(claim), LastName: "Lovelace"}
	if CustomerClaim(c) != c.FirstName || !customerHolds(c, claim) {
		t.Errorf("a claim in FirstName is not found: %+v", c)
	}
	if got := WithoutClaim(c, claim); got.FirstName != "" || got.LastName != "Lovelace" {
		t.Errorf("WithoutClaim = %+v", got)
	}
}
