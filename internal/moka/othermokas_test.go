package moka

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The claimed creates on every Moka the documentation allows: under each
// sandbox switch that changes how text comes back or is emptied, alone and
// together, a create whose first answer is lost still finds its own object,
// never adopts another, and leaves no claim behind, except where that Moka
// cannot empty a field, which is reported as a *ClaimKeptError.
func TestClaimedCreatesOnOtherMokas(t *testing.T) {
	mokas := map[string]sandbox.Options{
		"default":                         {},
		"truncate-text":                   {TruncateText: true},
		"upper-case-text":                 {UpperCaseText: true},
		"lists-omit-fields":               {ListsOmitFields: true},
		"update-keeps-empty":              {UpdateKeepsEmpty: true},
		"update-keeps-empty, clears-null": {UpdateKeepsEmpty: true, UpdateClearsNull: true},
		"update-card-refuses-empty-name":  {UpdateCardRefusesEmptyName: true},
		"unset-as-null":                   {UnsetAsNull: true},
		"all at once": {TruncateText: true, UpperCaseText: true, ListsOmitFields: true, UpdateKeepsEmpty: true,
			UpdateCardRefusesEmptyName: true, UnsetAsNull: true, AddCardAnswersAllCards: true},
	}
	for name, opts := range mokas {
		t.Run(name, func(t *testing.T) {
			keepsEmpty := opts.UpdateKeepsEmpty && !opts.UpdateClearsNull && !opts.UpdateClearsOmitted
			for _, lost := range []bool{false, true} {
				t.Run(fmt.Sprintf("first answer lost %v", lost), func(t *testing.T) {
					srv := testsupport.StartSandbox(t, opts)
					fault := failing("")
					if lost {
						fault = failing("lost", "AddCustomer#1", "AddCard#1")
					}
					c := claimClient(t, scriptedFront(t, srv, fault, nil), 3)
					ctx := context.Background()

					// A customer with a name but no address: the claim goes in
					// the first name, which the finish overwrites on any Moka.
					named, err := c.AddCustomer(ctx, Customer{CustomerCode: "OM-NAMED", FirstName: "Ayşe", Email: "ayse@example.com"})
					if err != nil {
						t.Fatalf("AddCustomer with a first name: %v", err)
					}
					// No text at all: the claim goes in Address and must be emptied.
					bare, err := c.AddCustomer(ctx, Customer{CustomerCode: "OM-BARE", Email: "bare@example.com"})
					switch kept := KeptClaim(err); {
					case keepsEmpty && kept == nil:
						t.Errorf("AddCustomer without text on a Moka that keeps \"\": err %v, want a ClaimKeptError", err)
					case !keepsEmpty && err != nil:
						t.Errorf("AddCustomer without text: %v", err)
					case kept != nil && (kept.Field != "Address" || bare == nil || !HoldsClaim(bare.Customer.Address, kept.Claim)):
						t.Errorf("kept claim %+v, customer %+v", kept, bare)
					}
					ref := CustomerRef{DealerCustomerID: named.Customer.DealerCustomerID}
					card := NewCard{Customer: ref, CardHolderFullName: "Ayşe Kaya", CardNumber: testsupport.CardNumber("512754", 1, 16), ExpMonth: "12", ExpYear: "2030", CardName: "Bonus"}
					if _, err := c.AddCard(ctx, card); err != nil {
						t.Fatalf("AddCard named: %v", err)
					}
					unnamed := card
					unnamed.CardName, unnamed.CardNumber = "", testsupport.CardNumber("453144", 2, 16)
					_, err = c.AddCard(ctx, unnamed)
					refusesEmpty := opts.UpdateCardRefusesEmptyName
					switch kept := KeptClaim(err); {
					case refusesEmpty && kept == nil:
						t.Errorf("AddCard without a name on a Moka that refuses \"\": err %v, want a ClaimKeptError", err)
					case !refusesEmpty && err != nil:
						t.Errorf("AddCard without a name: %v", err)
					}

					customers := srv.Customers()
					if len(customers) != 2 {
						t.Fatalf("%d customers stored, want 2: %+v", len(customers), customers)
					}
					for _, sc := range customers {
						claimed := CustomerClaim(Customer{Address: sc.Address, FirstName: sc.FirstName, LastName: sc.LastName})
						if claimed != "" && !(keepsEmpty && sc.CustomerCode == "OM-BARE") {
							t.Errorf("customer %s still carries a claim: %+v", sc.CustomerCode, sc)
						}
					}
					cards := srv.Cards()
					if len(cards) != 2 {
						t.Fatalf("%d cards stored, want 2 (no duplicate after a lost answer): %+v", len(cards), cards)
					}
					for _, sc := range cards {
						if IsClaim(sc.CardName) && !(refusesEmpty && sc.CardNumberLastFour == unnamed.CardNumber[12:]) {
							t.Errorf("card %s still carries a claim: %q", sc.CardToken, sc.CardName)
						}
						if !IsClaim(sc.CardName) && sc.CardNumberLastFour == card.CardNumber[12:] && !strings.EqualFold(sc.CardName, "Bonus") {
							t.Errorf("named card stored as %q", sc.CardName)
						}
					}
				})
			}
		})
	}
}

// A Moka whose lists leave a field out: ListCustomers says the list is not
// complete, and FindClaimedCard reads the names the list leaves out.
func TestListsWithoutFields(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{ListsOmitFields: true})
	c := claimClient(t, srv.URL(), 0)
	ctx := context.Background()
	made, err := c.AddCustomer(ctx, Customer{CustomerCode: "LO-1", Address: "Moda Cd. 1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, complete, err := c.ListCustomers(ctx); err != nil || complete {
		t.Errorf("ListCustomers complete = %v (%v), want false on a list without addresses", complete, err)
	}
	claim := NewClaim()
	ref := CustomerRef{DealerCustomerID: made.Customer.DealerCustomerID}
	if _, err := srv.AddCardDirect(ref.DealerCustomerID, "A B", "5127541122223332", "12", "2030", claim); err != nil {
		t.Fatal(err)
	}
	found, ours, err := c.FindClaimedCard(ctx, ref, claim)
	if err != nil || !ours || found == nil {
		t.Errorf("FindClaimedCard on a list without names = %+v, %v, %v; want the card", found, ours, err)
	}
}

// A create that times out and that Moka carries out later than every look
// after it (max_retries = 0): the create is a pending record with its claim,
// not a plain error, so that the next refresh finds the customer it made
// instead of meeting an unknown customer carrying a claim.
func TestCreateLandingLate(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{})
	landed := make(chan struct{})
	gaveUp := make(chan struct{}) // the client's create and its looks are over
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Base(r.URL.Path) != "AddCustomer" {
			srv.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		// Moka holds the request past the client's timeout and its looks,
		// then carries it out; its answer never comes.
		select {
		case <-gaveUp:
		case <-time.After(time.Minute):
		}
		late := httptest.NewRequest(r.Method, r.URL.String(), bytes.NewReader(body))
		srv.ServeHTTP(httptest.NewRecorder(), late)
		close(landed)
		panic(http.ErrAbortHandler)
	}))
	t.Cleanup(front.Close)
	hc := NewHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)
	c, err := New(Config{BaseURL: front.URL, DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox", HTTPClient: hc,
		MaxRetries: -1, RequestTimeout: 200 * time.Millisecond, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AddCustomer(context.Background(), Customer{CustomerCode: "LATE-1", Address: "Moda Cd. 1"})
	close(gaveUp)
	claim := PendingClaim(err)
	if claim == "" {
		t.Fatalf("a timed-out create ended with %v, want a pending record", err)
	}
	<-landed
	got := srv.Customers()
	if len(got) != 1 || !HoldsClaim(got[0].Address, claim) {
		t.Fatalf("the late write left %+v, want one customer carrying the pending claim %q", got, claim)
	}
	held, ours, err := c.FindClaimedCustomer(context.Background(), "LATE-1", claim)
	if err != nil || !ours || held == nil {
		t.Errorf("the next look: %+v, %v, %v; want the customer as ours", held, ours, err)
	}
}
