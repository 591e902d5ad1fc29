package sandbox

import (
	"strings"
	"testing"
)

// TestFixtures: what a test puts in behind the API's back is what the API
// then answers, and the fixtures refuse what would make the state
// inconsistent.
func TestFixtures(t *testing.T) {
	h := newHarness(t, Options{})
	w := setup(h)

	// PutCustomer: insert with a new id, insert with a chosen id, replace.
	c, err := h.s.PutCustomer(Customer{CustomerCode: "panel", FirstName: "Panel"})
	if err != nil || c.DealerCustomerID != 1035 {
		t.Fatalf("insert: %+v %v", c, err)
	}
	if c, err = h.s.PutCustomer(Customer{DealerCustomerID: 2000, CustomerCode: "iki bin"}); err != nil || c.DealerCustomerID != 2000 {
		t.Fatalf("insert with id: %+v %v", c, err)
	}
	changed := w.ali
	changed.CustomerCode, changed.Email = "ali2", "x@y.zz"
	if _, err := h.s.PutCustomer(changed); err != nil {
		t.Fatal(err)
	}
	var d cwc
	h.ok("GetCustomer", map[string]any{"CustomerCode": "ali2"}, &d)
	if d.DealerCustomer != changed {
		t.Errorf("replaced: %+v", d.DealerCustomer)
	}
	wantCards(t, d, w.card1, w.card2)
	if r := h.call("GetCustomer", map[string]any{"CustomerCode": "ali"}); r.ResultCode != "DealerCustomer.GetCustomer.DealerCustomerNotFound" {
		t.Errorf("old code still found: %s", r.ResultCode)
	}
	h.ok("AddCustomer", map[string]any{"CustomerCode": "sonra"}, &d)
	if d.DealerCustomer.DealerCustomerID != 2001 {
		t.Errorf("next id after 2000: %d", d.DealerCustomer.DealerCustomerID)
	}
	for _, bad := range []Customer{
		{CustomerCode: ""}, {CustomerCode: "ayşe"}, {CustomerCode: "x", Gender: 3},
		{CustomerCode: "x", BirthDate: "1990"}, {CustomerCode: runes("ş", 101)}, {CustomerCode: "x", Email: "\xff"},
		{DealerCustomerID: -1, CustomerCode: "x"},
	} {
		if _, err := h.s.PutCustomer(bad); err == nil {
			t.Errorf("PutCustomer(%+v) succeeded", bad)
		}
	}

	// Cards.
	card, err := h.s.AddCardDirect(w.ayse.DealerCustomerID, "Ayşe", troyCard, "01", "2031", "Panelden")
	if err != nil || card.BankName != "Troy Test Bank" || card.CardNumberLastFour != "3337" || !guidRE.MatchString(card.CardToken) {
		t.Fatalf("AddCardDirect: %+v %v", card, err)
	}
	if _, err := h.s.AddCardDirect(w.ayse.DealerCustomerID, "Ayşe", "5127541122223333", "01", "2031", ""); err == nil {
		t.Error("AddCardDirect took a bad number")
	}
	if _, err := h.s.AddCardDirect(999, "Ayşe", troyCard, "01", "2031", ""); err == nil {
		t.Error("AddCardDirect took an unknown customer")
	}
	if !h.s.RenameCard("{"+strings.ToUpper(card.CardToken)+"}", "Yeni") || h.s.RenameCard(newToken(), "x") || h.s.RenameCard("zz", "x") {
		t.Error("RenameCard")
	}
	h.ok("GetCard", map[string]any{"CardToken": card.CardToken}, &d)
	if d.CardList[0].CardName != "Yeni" || d.DealerCustomer != w.ayse {
		t.Errorf("GetCard after RenameCard: %+v", d)
	}
	if !h.s.DeleteCard(card.CardToken) || h.s.DeleteCard(card.CardToken) {
		t.Error("DeleteCard")
	}
	if _, err := h.s.AddCardWithToken(Card{CardToken: w.card1.CardToken, DealerCustomerID: w.ayse.DealerCustomerID}); err == nil {
		t.Error("AddCardWithToken took a used token")
	}
	if _, err := h.s.AddCardWithToken(Card{CardToken: "nope", DealerCustomerID: w.ayse.DealerCustomerID}); err == nil {
		t.Error("AddCardWithToken took a bad token")
	}
	if !h.s.DeleteCustomer(w.ayse.DealerCustomerID) || h.s.DeleteCustomer(w.ayse.DealerCustomerID) {
		t.Error("DeleteCustomer")
	}
	if r := h.call("GetCard", map[string]any{"CardToken": w.card3.CardToken}); r.ResultCode != "DealerCustomer.GetCard.CardNotFound" {
		t.Errorf("card of a deleted customer: %s", r.ResultCode)
	}
}
