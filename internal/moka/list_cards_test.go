package moka_test

import (
	"context"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestListCards: ListCards gives the customer's cards as GetCard gives each,
// and names the cards whose list entry carries no CardName (a Moka whose lists
// leave it out), so that a caller never takes a missing name for an empty one.
func TestListCards(t *testing.T) {
	for _, omit := range []bool{false, true} {
		_, c := startSandbox(t, sandbox.Options{ListsOmitFields: omit})
		ctx := context.Background()
		cust, err := c.AddCustomer(ctx, sbCustomer("LIST-CARDS"))
		if err != nil {
			t.Fatal(err)
		}
		ref := moka.CustomerRef{DealerCustomerID: cust.Customer.DealerCustomerID}
		var tokens []string
		for i, name := range []string{"Bonus", "Maximum"} {
			got, err := c.AddCard(ctx, sbCard(ref, testsupport.CardNumber("512754", i+1, 16), name))
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, got.Card.CardToken)
		}
		list, unnamed, err := c.ListCards(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Cards) != 2 || list.Customer.DealerCustomerID != ref.DealerCustomerID {
			t.Fatalf("omit=%t: ListCards = %+v", omit, list)
		}
		for i, have := range list.Cards {
			one, err := c.GetCard(ctx, tokens[i])
			if err != nil {
				t.Fatal(err)
			}
			if unnamed[have.CardToken] != omit {
				t.Errorf("omit=%t: card %s unnamed = %t", omit, have.CardToken, unnamed[have.CardToken])
			}
			if omit {
				have.CardName = one.Card.CardName // the one field the list leaves out
			}
			if have != one.Card {
				t.Errorf("omit=%t: the list has %+v, GetCard %+v", omit, have, one.Card)
			}
		}
	}
}

// TestWriteCount: every call that may change what Moka holds, failed ones
// too, counts once; reads do not.
func TestWriteCount(t *testing.T) {
	_, c := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := c.AddCustomer(ctx, sbCustomer("WRITES")); err != nil {
		t.Fatal(err)
	}
	after := c.WriteCount()
	if after == 0 {
		t.Fatal("AddCustomer did not count as a write")
	}
	if _, err := c.GetCustomer(ctx, moka.CustomerRef{CustomerCode: "WRITES"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ListCards(ctx, moka.CustomerRef{CustomerCode: "WRITES"}); err != nil {
		t.Fatal(err)
	}
	if got := c.WriteCount(); got != after {
		t.Errorf("reads changed WriteCount from %d to %d", after, got)
	}
	if err := c.RemoveCard(ctx, "51937236-82e0-4637-a8f5-2e1ec56ec870"); err == nil {
		t.Fatal("RemoveCard of an unknown card succeeded")
	}
	if got := c.WriteCount(); got != after+1 {
		t.Errorf("a failed RemoveCard: WriteCount %d, want %d", got, after+1)
	}
}

// TestWroteCardClaim: a client knows the claims of the card creates it began,
// in any case, so that the provider never takes its own apply's card (two
// resources may store one card twice) for a stopped apply's; another
// client's claim, any other claim and a plain name are not its.
func TestWroteCardClaim(t *testing.T) {
	_, c := startSandbox(t, sandbox.Options{UpdateCardRefusesEmptyName: true})
	_, other := startSandbox(t, sandbox.Options{})
	ctx := context.Background()
	cust, err := c.AddCustomer(ctx, sbCustomer("WROTE-CLAIM"))
	if err != nil {
		t.Fatal(err)
	}
	// A card without a name on a Moka that keeps the claim: the claim comes back.
	_, err = c.AddCard(ctx, sbCard(moka.CustomerRef{DealerCustomerID: cust.Customer.DealerCustomerID}, testsupport.CardNumber("512754", 7, 16), ""))
	kept := moka.KeptClaim(err)
	if kept == nil {
		t.Fatalf("AddCard without a name = %v, want the claim kept", err)
	}
	for _, tt := range []struct {
		name string
		c    *moka.Client
		want bool
	}{
		{kept.Claim, c, true},
		{strings.ToUpper(kept.Claim), c, true},
		{kept.Claim, other, false},
		{moka.NewClaim(), c, false},
		{"Bonus", c, false},
	} {
		if got := tt.c.WroteCardClaim(tt.name); got != tt.want {
			t.Errorf("WroteCardClaim(%q) = %t, want %t", tt.name, got, tt.want)
		}
	}
}
