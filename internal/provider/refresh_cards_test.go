package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The card reader's tests, like the customer reader's, run against the
// sandbox on loopback and count its calls; a handler in front of it changes
// one answer where a test needs another API.

type cardReaderFixture struct {
	srv   *sandbox.Server
	data  *providerData
	cards []sandbox.Card // in the order of their customers
	// customerOf is each card's customer, by token.
	customerOf map[string]sandbox.Customer
}

// newCardReaderFixture seeds customers customers with perCustomer cards each.
func newCardReaderFixture(t *testing.T, opts sandbox.Options, customers, perCustomer int, wrap func(http.Handler) http.Handler) *cardReaderFixture {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	f := &cardReaderFixture{srv: srv, customerOf: map[string]sandbox.Customer{}}
	n := 0
	for i := range customers {
		c, err := srv.PutCustomer(sandbox.Customer{CustomerCode: fmt.Sprintf("CR-%04d", i), FirstName: "Ayşe"})
		if err != nil {
			t.Fatal(err)
		}
		for j := range perCustomer {
			n++
			card, err := srv.AddCardDirect(c.DealerCustomerID, "Ayşe Kaya", testsupport.CardNumber("512754", n, 16), "12", "2031", fmt.Sprintf("Card %d", j))
			if err != nil {
				t.Fatal(err)
			}
			f.cards = append(f.cards, card)
			f.customerOf[card.CardToken] = c
		}
	}
	client, err := moka.New(moka.Config{
		BaseURL: hs.URL, DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox",
		HTTPClient: hs.Client(), MaxRetries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.data = &providerData{client: client, dealerCode: "SANDBOX"}
	return f
}

func (f *cardReaderFixture) calls(op string) int { return f.srv.Stats().Calls[op] }

// read refreshes one card as moka_card's Read does and gives what it got: nil
// when the card was dropped from state.
func (f *cardReaderFixture) read(t *testing.T, card sandbox.Card) *moka.CardWithCustomer {
	t.Helper()
	ctx := t.Context()
	var sr fwresource.SchemaResponse
	NewCardResource().Schema(ctx, fwresource.SchemaRequest{}, &sr)
	resp := &fwresource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}}
	c := f.customerOf[card.CardToken]
	ref := moka.CustomerRef{DealerCustomerID: c.DealerCustomerID, CustomerCode: c.CustomerCode}
	got := f.data.readCardBatched(ctx, f.data.client, ref, card.CardToken, resp, "test")
	if resp.Diagnostics.HasError() {
		t.Errorf("reading card %s: %v", card.CardToken, resp.Diagnostics)
	}
	return got
}

// check reads card and compares the answer with what GetCard says now (a
// call the sandbox counts: tests read the counts before checking).
func (f *cardReaderFixture) check(t *testing.T, card sandbox.Card) {
	t.Helper()
	got := f.read(t, card)
	want, err := f.data.client.GetCard(context.Background(), card.CardToken)
	if moka.IsNotFound(err) {
		if got != nil {
			t.Errorf("card %s is gone, read gave %+v", card.CardToken, *got)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || *got != *want {
		t.Errorf("card %s: read gave %+v, GetCard %+v", card.CardToken, got, *want)
	}
}

// readAll reads cards ten at a time, as Terraform's default parallelism does.
func (f *cardReaderFixture) readAll(t *testing.T, cards []sandbox.Card) []*moka.CardWithCustomer {
	t.Helper()
	out := make([]*moka.CardWithCustomer, len(cards))
	sem := make(chan struct{}, 10)
	var wg sync.WaitGroup
	for i, c := range cards {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i] = f.read(t, c)
		})
	}
	wg.Wait()
	return out
}

// TestCardReaderCalls: past the threshold, a customer's cards cost one
// GetCardList between them, and each read gives what GetCard gives.
func TestCardReaderCalls(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		customers, perCustomer int
	}{
		{"small state: GetCard only", 3, 5},
		{"five cards a customer", 40, 5},
		{"one card a customer", 60, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newCardReaderFixture(t, sandbox.Options{}, tc.customers, tc.perCustomer, nil)
			got := f.readAll(t, f.cards)
			n := len(f.cards)
			get, list := f.calls("GetCard"), f.calls("GetCardList")
			t.Logf("%d cards of %d customers: GetCard %d, GetCardList %d", n, tc.customers, get, list)
			if n <= cardListAfterReads && (get != n || list != 0) {
				t.Errorf("GetCard %d, GetCardList %d; want %d and none", get, list, n)
			}
			if n > cardListAfterReads && (get > cardListAfterReads || list > tc.customers || get+list > cardListAfterReads+tc.customers) {
				t.Errorf("GetCard %d, GetCardList %d; want at most %d GetCard and %d GetCardList", get, list, cardListAfterReads, tc.customers)
			}
			for i, c := range f.cards {
				one, err := f.data.client.GetCard(t.Context(), c.CardToken)
				if err != nil {
					t.Fatal(err)
				}
				if got[i] == nil || *got[i] != *one {
					t.Errorf("card %s: read gave %+v, GetCard %+v", c.CardToken, got[i], *one)
				}
			}
		})
	}
}

// prime reads the first cardListAfterReads cards, so that the next read of
// another customer's card lists that customer.
func (f *cardReaderFixture) prime(t *testing.T) {
	t.Helper()
	for _, c := range f.cards[:cardListAfterReads] {
		f.read(t, c)
	}
}

// TestCardReaderDrift: what changed behind Terraform's back shows in the
// batched refresh as in GetCard: a new name, a deleted card, a deleted
// customer, a card the list does not have (stored after the list).
func TestCardReaderDrift(t *testing.T) {
	f := newCardReaderFixture(t, sandbox.Options{}, 30, 2, nil)
	f.prime(t)
	// Listed: customers 10 to 14.
	for _, c := range f.cards[20:30] {
		f.read(t, c)
	}
	if got := f.calls("GetCardList"); got != 5 {
		t.Fatalf("GetCardList calls = %d, want 5", got)
	}
	renamed, deleted := f.cards[20], f.cards[22]
	f.srv.RenameCard(renamed.CardToken, "Renamed")
	f.srv.DeleteCard(deleted.CardToken)
	gone := f.customerOf[f.cards[40].CardToken]
	f.srv.DeleteCustomer(gone.DealerCustomerID)
	// The sandbox's own changes are not this process's writes: the lists
	// answer, and the card deleted since must be confirmed by GetCard.
	get := f.calls("GetCard")
	if got := f.read(t, renamed); got == nil || got.Card.CardName != "Card 0" {
		t.Errorf("renamed card read from the list: %+v, want the listed name", got)
	}
	if got := f.read(t, deleted); got == nil {
		t.Errorf("a card deleted after its list was dropped on the list's word")
	}
	if got := f.calls("GetCard"); got != get {
		t.Errorf("GetCard calls %d, want %d (both answered by the list)", got, get)
	}

	// A fresh process (a new plan) sees every change.
	f.data = &providerData{client: f.data.client, dealerCode: "SANDBOX"}
	f.prime(t)
	before := f.srv.Stats().Calls
	if got := f.read(t, renamed); got == nil || got.Card.CardName != "Renamed" {
		t.Errorf("renamed card: %+v, want the name Renamed", got)
	}
	if got := f.read(t, deleted); got != nil {
		t.Errorf("deleted card read as %+v", *got)
	}
	for _, c := range f.cards[40:42] { // the deleted customer's
		if got := f.read(t, c); got != nil {
			t.Errorf("card of a deleted customer read as %+v", *got)
		}
	}
	f.read(t, f.cards[50]) // lists customer 25 ...
	late, err := f.srv.AddCardDirect(f.customerOf[f.cards[50].CardToken].DealerCustomerID, "Ayşe Kaya", testsupport.CardNumber("512754", 999, 16), "01", "2032", "Late")
	if err != nil {
		t.Fatal(err)
	}
	f.customerOf[late.CardToken] = f.customerOf[f.cards[50].CardToken]
	// ... and a card stored after that list is found by GetCard.
	if got := f.read(t, late); got == nil || got.Card.ExpYear != "2032" {
		t.Errorf("card stored after its customer was listed: %+v", got)
	}
	after := f.srv.Stats().Calls
	// Lists: customers 10, 11, 20 (not found) and 25. GetCard: the deleted
	// card and the two of the deleted customer, confirmed gone, and the late one.
	if d := after["GetCardList"] - before["GetCardList"]; d != 4 {
		t.Errorf("GetCardList calls = %d, want 4", d)
	}
	if d := after["GetCard"] - before["GetCard"]; d != 4 {
		t.Errorf("GetCard calls = %d, want 4 (two of a removed customer, one removed card, one stored after the list)", d)
	}
}

// TestCardReaderWriteInvalidates: a write of this process, by any resource
// (here a rename through the client), drops the lists: the next reads go to
// GetCard, and lists are fetched anew past the threshold.
func TestCardReaderWriteInvalidates(t *testing.T) {
	f := newCardReaderFixture(t, sandbox.Options{}, 30, 2, nil)
	f.prime(t)
	f.check(t, f.cards[30]) // lists customer 15
	if _, err := f.data.client.UpdateCard(t.Context(), f.cards[31].CardToken, "Written"); err != nil {
		t.Fatal(err)
	}
	if got := f.read(t, f.cards[31]); got == nil || got.Card.CardName != "Written" {
		t.Errorf("read after a write: %+v, want the name written", got)
	}
	// The count starts again: past the threshold, customer 15 is listed anew.
	f.prime(t)
	lists := f.calls("GetCardList")
	if got := f.read(t, f.cards[31]); got == nil || got.Card.CardName != "Written" {
		t.Errorf("read after a write: %+v, want the name written", got)
	}
	if got := f.calls("GetCardList"); got != lists+1 {
		t.Errorf("GetCardList calls = %d, want %d (listed anew)", got, lists+1)
	}
}

// TestCardReaderWriteDuringListing: a list asked for before a write ended is
// not used after it, also by reads that waited for it.
func TestCardReaderWriteDuringListing(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var once, releaseOnce sync.Once
	open := func() { releaseOnce.Do(func() { close(release) }) }
	hold := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/GetCardList") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			once.Do(func() { close(started) })
			<-release
			copyRecorded(w, rec, rec.Body.Bytes())
		})
	}
	f := newCardReaderFixture(t, sandbox.Options{}, 30, 2, hold)
	t.Cleanup(open)
	f.prime(t)
	waiter := make(chan *moka.CardWithCustomer)
	leader := make(chan struct{})
	go func() { defer close(leader); f.read(t, f.cards[40]) }() // fetches customer 20's list, held
	<-started
	go func() { waiter <- f.read(t, f.cards[41]) }() // waits for that list
	if _, err := f.data.client.UpdateCard(t.Context(), f.cards[41].CardToken, "Written"); err != nil {
		t.Fatal(err)
	}
	open()
	if got := <-waiter; got == nil || got.Card.CardName != "Written" {
		t.Errorf("read that waited for a list older than a write: %+v, want the name written", got)
	}
	<-leader
}

// TestCardReaderListsWithoutNames: on a Moka whose lists leave CardName out,
// names come from GetCard, and lists are not asked for again.
func TestCardReaderListsWithoutNames(t *testing.T) {
	f := newCardReaderFixture(t, sandbox.Options{ListsOmitFields: true}, 30, 2, nil)
	got := f.readAll(t, f.cards)
	for i, c := range f.cards {
		if got[i] == nil || got[i].Card.CardName != c.CardName {
			t.Errorf("card %s: read gave %+v, want name %q", c.CardToken, got[i], c.CardName)
		}
	}
	if n := f.calls("GetCard"); n != len(f.cards) {
		t.Errorf("GetCard calls = %d, want %d (every name read one by one)", n, len(f.cards))
	}
	if n := f.calls("GetCardList"); n > 10 {
		t.Errorf("GetCardList calls = %d, want at most 10 (those in flight when the first answered)", n)
	}
}

// TestCardReaderListFails: a list that fails falls back to GetCard, and is not
// asked for again until a write.
func TestCardReaderListFails(t *testing.T) {
	var listed atomic.Int64
	failing := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/GetCardList") {
				listed.Add(1)
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				_, _ = w.Write([]byte(`{"Data":null,"ResultCode":"EX","ResultMessage":"boom","Exception":null}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	f := newCardReaderFixture(t, sandbox.Options{}, 10, 6, failing)
	got := f.readAll(t, f.cards)
	for i, c := range f.cards {
		if got[i] == nil || got[i].Card.CardName != c.CardName {
			t.Errorf("card %s: read gave %+v", c.CardToken, got[i])
		}
	}
	if n := f.calls("GetCard"); n != len(f.cards) {
		t.Errorf("GetCard calls = %d, want %d", n, len(f.cards))
	}
	// Each customer past the threshold is listed once (in flight reads come in
	// any order, so which customers those are varies), never once per card.
	if n := listed.Load(); n < 1 || n > 10 {
		t.Errorf("GetCardList attempts = %d, want 1 to 10 (one per customer, not retried)", n)
	}
}

// TestAccCardRefreshBatches refreshes 60 cards of 12 customers, some changed
// or removed behind Terraform's back, and counts the calls: at most
// cardListAfterReads GetCard, one GetCardList per customer, and a GetCard for
// each card that a list does not vouch for.
func TestAccCardRefreshBatches(t *testing.T) {
	const customers, perCustomer = 12, 5
	srv := accSandbox(t, sandbox.Options{})
	numbers := make([]string, customers*perCustomer)
	for i := range numbers {
		numbers[i] = strconv.Quote(testsupport.CardNumber("512754", i, 16))
	}
	cfg := providerBlock(srv) + fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  count         = %d
  customer_code = format("CBATCH-%%02d", count.index)
}

locals {
  card_numbers = [%s]
}

resource "moka_card" "k" {
  count                 = %d
  dealer_customer_id    = moka_dealer_customer.c[floor(count.index / %d)].dealer_customer_id
  card_holder_full_name = "Ayşe Kaya"
  card_number_wo        = local.card_numbers[count.index]
  exp_month             = "12"
  exp_year              = "2031"
  card_name             = format("Card %%d", count.index)
}
`, customers, strings.Join(numbers, ", "), customers*perCustomer, perCustomer)
	var before map[string]int
	var renamed, removed string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					before = srv.Stats().Calls
					cards := srv.Cards()
					renamed, removed = cards[33].CardToken, cards[47].CardToken
					srv.RenameCard(renamed, "Renamed in Moka")
					srv.DeleteCard(removed)
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					after := srv.Stats().Calls
					delta := map[string]int{}
					for op, v := range after {
						if d := v - before[op]; d != 0 {
							delta[op] = d
						}
					}
					t.Logf("refresh of %d customers, %d cards: calls %v", customers, customers*perCustomer, delta)
					if delta["GetCardList"] > customers || delta["GetCard"] > cardListAfterReads+1+1 {
						return fmt.Errorf("refresh made calls %v; want at most %d GetCardList and %d GetCard", delta, customers, cardListAfterReads+2)
					}
					left := 0
					for _, rs := range s.RootModule().Resources {
						if rs.Type != "moka_card" {
							continue
						}
						left++
						switch rs.Primary.Attributes["card_token"] {
						case removed:
							return fmt.Errorf("card %s was removed from Moka but is still in state", removed)
						case renamed:
							if rs.Primary.Attributes["card_name"] != "Renamed in Moka" {
								return fmt.Errorf("card %s renamed in Moka has card_name %q in state", renamed, rs.Primary.Attributes["card_name"])
							}
						}
					}
					if left != customers*perCustomer-1 {
						return fmt.Errorf("%d cards in state after the refresh, want %d", left, customers*perCustomer-1)
					}
					return nil
				},
			},
		},
	})
}
