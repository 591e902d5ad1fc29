package moka

import (
	"context"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestInvalidUTF8IsRefused: a string that is not UTF-8 would reach Moka with
// its bad bytes replaced by U+FFFD (encoding/json does that silently), so the
// client refuses it before sending anything, without quoting the value.
func TestInvalidUTF8IsRefused(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{})
	c := rtClient(t, srv, "sandbox")
	ctx := context.Background()
	bad := "Ay\xfe\xffşe"
	cust := rtCustomer(1)
	cust.FirstName = bad
	if _, err := c.AddCustomer(ctx, cust); err == nil || !strings.Contains(err.Error(), "FirstName") || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("AddCustomer: err = %v, want an error naming FirstName and UTF-8", err)
	} else if strings.Contains(err.Error(), "Ay") {
		t.Errorf("the error quotes the value: %v", err)
	}
	pin := rtCustomer(2)
	pin.Password = "PIN\xc3"
	if _, err := c.AddCustomer(ctx, pin); err == nil || !strings.Contains(err.Error(), "Password") {
		t.Errorf("AddCustomer with a bad password: err = %v", err)
	}
	card := rtCard(1)
	card.CardName = "Kart\xff"
	if _, err := c.AddCard(ctx, card); err == nil || !strings.Contains(err.Error(), "CardName") {
		t.Errorf("AddCard: err = %v", err)
	}
	if _, err := c.UpdateCard(ctx, "51937236-82e0-4637-a8f5-2e1ec56ec870", "\x80"); err == nil || !strings.Contains(err.Error(), "CardName") {
		t.Errorf("UpdateCard: err = %v", err)
	}
	if calls := srv.Stats().Calls; len(calls) != 0 {
		t.Errorf("requests were sent: %v", calls)
	}
	// Valid text in every alphabet goes through untouched.
	ok := rtCustomer(3)
	ok.FirstName, ok.LastName, ok.Address = "İĞÜŞÖÇ ığüşöç", "😀 Öz\u200dtürk", "Ünye — \u00a0 東京"
	got, err := c.AddCustomer(ctx, ok)
	if err != nil {
		t.Fatal(err)
	}
	ok.DealerCustomerID = got.Customer.DealerCustomerID
	if got.Customer != ok {
		t.Errorf("round trip: %+v, want %+v", got.Customer, ok)
	}
	if stored := srv.Customers(); len(stored) != 1 || stored[0].FirstName != ok.FirstName || stored[0].LastName != ok.LastName || stored[0].Address != ok.Address {
		t.Errorf("stored %+v", stored)
	}
}
