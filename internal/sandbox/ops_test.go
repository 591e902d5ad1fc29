package sandbox

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// world is a fixture: two customers, three cards.
type world struct {
	ali, ayse    Customer
	card1, card2 cardOut // Ali's, in this order
	card3        cardOut // Ayşe's
}

func setup(h *harness) world {
	var w world
	w.ali = h.addCustomer("ali")   // 1033
	w.ayse = h.addCustomer("ayşe") // 1034
	w.card1 = h.addCard(w.ali.DealerCustomerID, akbankCard, "Maaş")
	w.card2 = h.addCard(w.ali.DealerCustomerID, troyCard, "Troy")
	w.card3 = h.addCard(w.ayse.DealerCustomerID, otherCard, "")
	return w
}

type opCase struct {
	name  string
	opts  Options
	op    string
	req   func(w world) any
	want  string                                            // full ResultCode
	check func(t *testing.T, h *harness, w world, a answer) // optional
}

func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.op+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.opts)
			w := setup(h)
			a := h.call(tc.op, tc.req(w))
			if a.ResultCode != tc.want {
				t.Fatalf("ResultCode %s (%q), want %s", a.ResultCode, a.ResultMessage, tc.want)
			}
			if tc.want != "Success" && strings.HasSuffix(tc.want, ".InvalidRequest") == (a.ResultMessage == "") {
				t.Errorf("ResultMessage %q: want one exactly for InvalidRequest", a.ResultMessage)
			}
			if tc.check != nil {
				tc.check(t, h, w, a)
			}
		})
	}
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(a.Data, &v); err != nil {
		t.Fatalf("Data: %v: %s", err, a.Data)
	}
	return v
}

func wantCards(t *testing.T, got cwc, want ...cardOut) {
	t.Helper()
	if got.CardListCount != len(want) || !slices.Equal(got.CardList, want) {
		t.Errorf("cards: count %d %+v\nwant %+v", got.CardListCount, got.CardList, want)
	}
}

func noChange(t *testing.T, h *harness, w world, _ answer) {
	t.Helper()
	if n := len(h.s.Customers()); n != 2 {
		t.Errorf("%d customers, want 2", n)
	}
	if n := len(h.s.Cards()); n != 3 {
		t.Errorf("%d cards, want 3", n)
	}
	if c := h.s.Customers()[0]; c != w.ali {
		t.Errorf("customer changed: %+v", c)
	}
}

func fullCustomer(code string) map[string]any {
	return map[string]any{
		"CustomerCode": code, "Password": "Pin1234", "FirstName": "Şükrü", "LastName": "Öztürk",
		"Gender": 1, "BirthDate": "19800229", "GsmNumber": "+905301111111",
		"Email": "sukru@example.com.tr", "Address": "İstiklal Cad. No:1 Beyoğlu/İSTANBUL",
	}
}

func withFields(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			panic("withFields: keys must be strings")
		}
		if kv[i+1] == deleteField {
			delete(out, key)
			continue
		}
		out[key] = kv[i+1]
	}
	return out
}

type deleteMarker struct{}

var deleteField = deleteMarker{}

func newCard(kv ...any) map[string]any {
	return withFields(map[string]any{
		"CardHolderFullName": "Şükrü Öztürk", "CardNumber": akbankCard,
		"ExpMonth": "12", "ExpYear": "2030", "CardName": "İş kartım",
	}, kv...)
}

func TestAddCustomer(t *testing.T) {
	const p = "DealerCustomer.AddCustomer."
	runOpCases(t, []opCase{
		{name: "full", op: "AddCustomer", req: func(world) any { return fullCustomer("C-1") }, want: "Success",
			check: func(t *testing.T, h *harness, _ world, a answer) {
				d := decode[cwc](t, a)
				want := Customer{DealerCustomerID: 1035, CustomerCode: "C-1", Password: "Pin1234", FirstName: "Şükrü",
					LastName: "Öztürk", Gender: 1, BirthDate: "19800229", GsmNumber: "+905301111111",
					Email: "sukru@example.com.tr", Address: "İstiklal Cad. No:1 Beyoğlu/İSTANBUL"}
				if d.DealerCustomer != want {
					t.Errorf("got %+v\nwant %+v", d.DealerCustomer, want)
				}
				wantCards(t, d)
				if !strings.Contains(string(a.Data), `"CardList":[]`) {
					t.Errorf("CardList is not []: %s", a.Data)
				}
				if got := h.s.Customers()[2]; got != want {
					t.Errorf("stored %+v", got)
				}
			}},
		{name: "code only", op: "AddCustomer", req: func(world) any { return map[string]any{"CustomerCode": "x"} }, want: "Success",
			check: func(t *testing.T, _ *harness, _ world, a answer) {
				if d := decode[cwc](t, a); d.DealerCustomer != (Customer{DealerCustomerID: 1035, CustomerCode: "x"}) {
					t.Errorf("got %+v", d.DealerCustomer)
				}
			}},
		{name: "code differs only in case", op: "AddCustomer", req: func(world) any { return map[string]any{"CustomerCode": "ALI"} }, want: "Success"},
		{name: "code with spaces is another code", op: "AddCustomer", req: func(world) any { return map[string]any{"CustomerCode": "ali "} }, want: "Success"},
		{name: "code taken", op: "AddCustomer", req: func(world) any { return fullCustomer("ali") }, want: p + "CustomerCodeAlreadyUsing", check: noChange},
		{name: "code missing", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer(""), "CustomerCode", deleteField) }, want: p + "InvalidRequest", check: noChange},
		{name: "code empty", op: "AddCustomer", req: func(world) any { return fullCustomer("") }, want: p + "InvalidRequest"},
		{name: "code null", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer(""), "CustomerCode", nil) }, want: p + "InvalidRequest"},
		{name: "bad email", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "Email", "elif.moka.com") }, want: p + "InvalidEmailFormat", check: noChange},
		{name: "empty email", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "Email", "") }, want: "Success"},
		{name: "gender 3", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "Gender", 3) }, want: p + "InvalidRequest"},
		{name: "gender -1", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "Gender", -1) }, want: p + "InvalidRequest"},
		{name: "gender word", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "Gender", "female") }, want: p + "InvalidRequest"},
		{name: "birth date not a date", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "BirthDate", "19900230") }, want: p + "InvalidRequest"},
		{name: "birth date with dashes", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "BirthDate", "1990-12-18") }, want: p + "InvalidRequest"},
		{name: "birth date empty", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "BirthDate", "") }, want: "Success"},
		{name: "DealerCustomerId ignored", op: "AddCustomer", req: func(world) any { return withFields(fullCustomer("n"), "DealerCustomerId", 1033) }, want: "Success",
			check: func(t *testing.T, _ *harness, _ world, a answer) {
				if id := decode[cwc](t, a).DealerCustomer.DealerCustomerID; id != 1035 {
					t.Errorf("id %d", id)
				}
			}},
	})
}

func TestAddCustomerWithCard(t *testing.T) {
	const p = "DealerCustomer.AddCustomerWithCard."
	req := func(code string, kv ...any) map[string]any {
		m := fullCustomer(code)
		for k, v := range newCard() {
			m[k] = v
		}
		return withFields(m, kv...)
	}
	runOpCases(t, []opCase{
		{name: "success", op: "AddCustomerWithCard", req: func(world) any { return req("yeni") }, want: "Success",
			check: func(t *testing.T, h *harness, _ world, a answer) {
				d := decode[cwc](t, a)
				if d.DealerCustomer.DealerCustomerID != 1035 || d.DealerCustomer.CustomerCode != "yeni" || d.CardListCount != 1 {
					t.Fatalf("got %+v", d)
				}
				c := d.CardList[0]
				if !guidRE.MatchString(c.CardToken) {
					t.Errorf("token %q", c.CardToken)
				}
				want := cardOut{CardToken: c.CardToken, CardName: "İş kartım", BankName: "Akbank", CardNumberFirstSix: "512754",
					CardNumberLastFour: "3332", CardHolderFullName: "Şükrü Öztürk", ExpMonth: "12", ExpYear: "2030"}
				if c != want {
					t.Errorf("card %+v\nwant %+v", c, want)
				}
				if len(h.s.Cards()) != 4 {
					t.Errorf("card not stored")
				}
			}},
		{name: "code taken", op: "AddCustomerWithCard", req: func(world) any { return req("ali") }, want: p + "CustomerCodeAlreadyUsing", check: noChange},
		{name: "bad card", op: "AddCustomerWithCard", req: func(world) any { return req("yeni", "CardNumber", "5127541122223333") }, want: p + "InvalidRequest", check: noChange},
		{name: "card number missing", op: "AddCustomerWithCard", req: func(world) any { return req("yeni", "CardNumber", deleteField) }, want: p + "InvalidRequest", check: noChange},
		{name: "bad email", op: "AddCustomerWithCard", req: func(world) any { return req("yeni", "Email", "a@b") }, want: p + "InvalidEmailFormat", check: noChange},
		{name: "code missing", op: "AddCustomerWithCard", req: func(world) any { return req("") }, want: p + "InvalidRequest", check: noChange},
	})
}

func TestUpdateCustomer(t *testing.T) {
	const p = "DealerCustomer.UpdateCustomer."
	runOpCases(t, []opCase{
		{name: "by id keeps omitted fields", op: "UpdateCustomer",
			req: func(w world) any {
				return map[string]any{"DealerCustomerId": w.ali.DealerCustomerID, "LastName": "Yılmaz"}
			}, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				d := decode[cwc](t, a)
				want := w.ali
				want.LastName = "Yılmaz"
				if d.DealerCustomer != want || h.s.Customers()[0] != want {
					t.Errorf("got %+v\nwant %+v", d.DealerCustomer, want)
				}
				wantCards(t, d, w.card1, w.card2)
			}},
		{name: "present empty and null fields", op: "UpdateCustomer",
			req: func(w world) any {
				return map[string]any{"CustomerCode": "ali", "FirstName": "", "LastName": nil, "Gender": ""}
			}, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				if got := decode[cwc](t, a).DealerCustomer; got.FirstName != "" || got.CustomerCode != "ali" {
					t.Errorf("got %+v", got)
				}
			}},
		{name: "clears omitted when switched", opts: Options{UpdateClearsOmitted: true}, op: "UpdateCustomer",
			req: func(w world) any { return map[string]any{"DealerCustomerId": "1033", "LastName": "Yılmaz"} }, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				want := Customer{DealerCustomerID: 1033, CustomerCode: "ali", LastName: "Yılmaz"}
				if got := decode[cwc](t, a).DealerCustomer; got != want {
					t.Errorf("got %+v\nwant %+v", got, want)
				}
			}},
		{name: "every field", op: "UpdateCustomer",
			req: func(w world) any {
				return withFields(fullCustomer("ayşe"), "DealerCustomerId", w.ayse.DealerCustomerID)
			}, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				d := decode[cwc](t, a)
				if d.DealerCustomer.Email != "sukru@example.com.tr" || d.DealerCustomer.Gender != 1 || d.DealerCustomer.DealerCustomerID != 1034 {
					t.Errorf("got %+v", d.DealerCustomer)
				}
				wantCards(t, d, w.card3)
			}},
		{name: "not found by id", op: "UpdateCustomer", req: func(world) any { return map[string]any{"DealerCustomerId": 99, "FirstName": "x"} }, want: p + "DealerCustomerNotFound", check: noChange},
		{name: "not found by code", op: "UpdateCustomer", req: func(world) any { return map[string]any{"CustomerCode": "yok", "FirstName": "x"} }, want: p + "DealerCustomerNotFound"},
		{name: "neither", op: "UpdateCustomer", req: func(world) any { return map[string]any{"DealerCustomerId": "", "FirstName": "x"} }, want: p + "CustomerCodeOrDealerCustomerIdMustBeGiven", check: noChange},
		{name: "code cannot change", op: "UpdateCustomer", req: func(w world) any {
			return map[string]any{"DealerCustomerId": w.ali.DealerCustomerID, "CustomerCode": "ayşe"}
		}, want: p + "CustomerCodeDoesntMatchDealerCustomerId", check: noChange},
		{name: "new code with id", op: "UpdateCustomer", req: func(w world) any {
			return map[string]any{"DealerCustomerId": w.ali.DealerCustomerID, "CustomerCode": "yeni"}
		}, want: p + "CustomerCodeDoesntMatchDealerCustomerId", check: noChange},
		{name: "bad email", op: "UpdateCustomer", req: func(w world) any { return map[string]any{"CustomerCode": "ali", "Email": "x@"} }, want: p + "InvalidEmailFormat", check: noChange},
		{name: "too long", op: "UpdateCustomer", req: func(w world) any { return map[string]any{"CustomerCode": "ali", "Address": runes("ş", 201)} }, want: p + "InvalidRequest", check: noChange},
	})
}

func TestGetCustomerAndCardList(t *testing.T) {
	for _, op := range []string{"GetCustomer", "GetCardList"} {
		p := "DealerCustomer." + op + "."
		runOpCases(t, []opCase{
			{name: "by id", op: op, req: func(w world) any { return map[string]any{"DealerCustomerId": w.ali.DealerCustomerID} }, want: "Success",
				check: func(t *testing.T, _ *harness, w world, a answer) {
					d := decode[cwc](t, a)
					if d.DealerCustomer != w.ali {
						t.Errorf("got %+v", d.DealerCustomer)
					}
					wantCards(t, d, w.card1, w.card2)
				}},
			{name: "by id as string", op: op, req: func(w world) any { return map[string]any{"DealerCustomerId": "1034"} }, want: "Success",
				check: func(t *testing.T, _ *harness, w world, a answer) { wantCards(t, decode[cwc](t, a), w.card3) }},
			{name: "by code", op: op, req: func(w world) any { return map[string]any{"CustomerCode": "ayşe", "DealerCustomerId": ""} }, want: "Success"},
			{name: "by both", op: op, req: func(w world) any { return map[string]any{"CustomerCode": "ayşe", "DealerCustomerId": 1034} }, want: "Success"},
			{name: "id 0 means not given", op: op, req: func(w world) any { return map[string]any{"CustomerCode": "ali", "DealerCustomerId": 0} }, want: "Success"},
			{name: "no cards", op: op, req: func(w world) any { return map[string]any{"CustomerCode": "ali"} }, opts: Options{}, want: "Success"},
			{name: "neither", op: op, req: func(world) any { return map[string]any{} }, want: p + "CustomerCodeOrDealerCustomerIdMustBeGiven"},
			{name: "neither, empty values", op: op, req: func(world) any { return map[string]any{"CustomerCode": "", "DealerCustomerId": nil} }, want: p + "CustomerCodeOrDealerCustomerIdMustBeGiven"},
			{name: "mismatch", op: op, req: func(world) any { return map[string]any{"CustomerCode": "ali", "DealerCustomerId": 1034} }, want: p + "CustomerCodeDoesntMatchDealerCustomerId"},
			{name: "id unknown, code known", op: op, req: func(world) any { return map[string]any{"CustomerCode": "ali", "DealerCustomerId": 5} }, want: p + "CustomerCodeDoesntMatchDealerCustomerId"},
			{name: "both unknown", op: op, req: func(world) any { return map[string]any{"CustomerCode": "yok", "DealerCustomerId": 5} }, want: p + "DealerCustomerNotFound"},
			{name: "unknown id", op: op, req: func(world) any { return map[string]any{"DealerCustomerId": 1032} }, want: p + "DealerCustomerNotFound"},
			{name: "code is case-sensitive", op: op, req: func(world) any { return map[string]any{"CustomerCode": "ALI"} }, want: p + "DealerCustomerNotFound"},
			{name: "id not a number", op: op, req: func(world) any { return map[string]any{"DealerCustomerId": "abc"} }, want: p + "InvalidRequest"},
		})
	}
}

func TestGetCustomerList(t *testing.T) {
	h := newHarness(t, Options{})
	var d list
	a := h.ok("GetCustomerList", nil, &d)
	if d.DealerCustomerListCount != 0 || string(a.Data) != `{"DealerCustomerListCount":0,"DealerCustomerList":[]}` {
		t.Errorf("empty list: %s", a.Data)
	}
	w := setup(h)
	c := h.addCustomer("üçüncü")
	for name, req := range map[string]any{"no request": nil, "empty request": map[string]any{}, "ignored request": []int{1}} {
		d = list{}
		h.ok("GetCustomerList", req, &d)
		if want := []Customer{w.ali, w.ayse, c}; d.DealerCustomerListCount != 3 || !slices.Equal(d.DealerCustomerList, want) {
			t.Errorf("%s: %+v", name, d)
		}
	}
}

func TestRemoveCustomer(t *testing.T) {
	const p = "DealerCustomer.RemoveCustomer."
	gone := func(t *testing.T, h *harness, w world, a answer) {
		if string(a.Data) != "{}" {
			t.Errorf("Data %s, want {}", a.Data)
		}
		if got := h.call("GetCustomer", map[string]any{"CustomerCode": "ali"}).ResultCode; got != "DealerCustomer.GetCustomer.DealerCustomerNotFound" {
			t.Errorf("GetCustomer after remove: %s", got)
		}
	}
	runOpCases(t, []opCase{
		{name: "by code removes cards", op: "RemoveCustomer", req: func(world) any { return map[string]any{"CustomerCode": "ali"} }, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				gone(t, h, w, a)
				if cards := h.s.Cards(); len(cards) != 1 || cards[0].CardToken != w.card3.CardToken {
					t.Errorf("cards left: %+v", cards)
				}
				if got := h.call("GetCard", map[string]any{"CardToken": w.card1.CardToken}).ResultCode; got != "DealerCustomer.GetCard.CardNotFound" {
					t.Errorf("GetCard of a removed customer's card: %s", got)
				}
				// The code can be used again, with a new id.
				var d cwc
				h.ok("AddCustomer", map[string]any{"CustomerCode": "ali"}, &d)
				if d.DealerCustomer.DealerCustomerID != 1035 || d.CardListCount != 0 {
					t.Errorf("re-added: %+v", d)
				}
			}},
		{name: "keeps cards when switched", opts: Options{KeepCardsOnRemoveCustomer: true}, op: "RemoveCustomer",
			req: func(w world) any { return map[string]any{"DealerCustomerId": w.ali.DealerCustomerID} }, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				gone(t, h, w, a)
				if n := len(h.s.Cards()); n != 3 {
					t.Errorf("%d cards, want 3", n)
				}
				var d cwc
				h.ok("GetCard", map[string]any{"CardToken": w.card1.CardToken}, &d)
				if d.DealerCustomer != w.ali {
					t.Errorf("GetCard's customer %+v", d.DealerCustomer)
				}
				// A new customer with the same code does not get the old cards.
				h.ok("AddCustomer", map[string]any{"CustomerCode": "ali"}, nil)
				h.ok("GetCardList", map[string]any{"CustomerCode": "ali"}, &d)
				wantCards(t, d)
			}},
		{name: "code reuse forbidden when switched", opts: Options{ForbidCodeReuse: true}, op: "RemoveCustomer",
			req: func(world) any { return map[string]any{"CustomerCode": "ali"} }, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				gone(t, h, w, a)
				for _, op := range []string{"AddCustomer", "AddCustomerWithCard"} {
					req := withFields(newCard(), "CustomerCode", "ali")
					if got := h.call(op, req).ResultCode; got != "DealerCustomer."+op+".CustomerCodeAlreadyUsing" {
						t.Errorf("%s with a removed code: %s", op, got)
					}
				}
			}},
		{name: "not found", op: "RemoveCustomer", req: func(world) any { return map[string]any{"DealerCustomerId": 1} }, want: p + "DealerCustomerNotFound", check: noChange},
		{name: "neither", op: "RemoveCustomer", req: func(world) any { return map[string]any{"DealerCustomerId": ""} }, want: p + "CustomerCodeOrDealerCustomerIdMustBeGiven", check: noChange},
		{name: "mismatch", op: "RemoveCustomer", req: func(world) any { return map[string]any{"DealerCustomerId": 1033, "CustomerCode": "ayşe"} }, want: p + "CustomerCodeDoesntMatchDealerCustomerId", check: noChange},
		{name: "bad id", op: "RemoveCustomer", req: func(world) any { return map[string]any{"DealerCustomerId": true} }, want: p + "InvalidRequest", check: noChange},
	})
}

func TestAddCard(t *testing.T) {
	const p = "DealerCustomer.AddCard."
	runOpCases(t, []opCase{
		{name: "by id answers the new card only", op: "AddCard", req: func(w world) any { return newCard("DealerCustomerId", w.ali.DealerCustomerID) }, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				d := decode[cwc](t, a)
				if d.DealerCustomer != w.ali || d.CardListCount != 1 {
					t.Fatalf("got %+v", d)
				}
				c := d.CardList[0]
				if !guidRE.MatchString(c.CardToken) || c.BankName != "Akbank" || c.CardNumberFirstSix != "512754" || c.CardNumberLastFour != "3332" {
					t.Errorf("card %+v", c)
				}
				var all cwc
				h.ok("GetCardList", map[string]any{"CustomerCode": "ali"}, &all)
				wantCards(t, all, w.card1, w.card2, c)
			}},
		{name: "by code", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ayşe") }, want: "Success"},
		{name: "troy bank", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ayşe", "CardNumber", troyCard) }, want: "Success",
			check: func(t *testing.T, _ *harness, _ world, a answer) {
				if c := decode[cwc](t, a).CardList[0]; c.BankName != "Troy Test Bank" || c.CardNumberFirstSix != "979206" {
					t.Errorf("card %+v", c)
				}
			}},
		{name: "unknown bin", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ayşe", "CardNumber", "4111111111111111") }, want: "Success",
			check: func(t *testing.T, _ *harness, _ world, a answer) {
				if c := decode[cwc](t, a).CardList[0]; c.BankName != "TEST BANK" || c.CardNumberLastFour != "1111" {
					t.Errorf("card %+v", c)
				}
			}},
		{name: "number as JSON number", op: "AddCard", req: func(w world) any {
			return newCard("CustomerCode", "ali", "CardNumber", json.Number(akbankCard), "ExpYear", 2030)
		}, want: "Success"},
		{name: "holder and name empty", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardHolderFullName", "", "CardName", nil) }, want: "Success"},
		{name: "12 digits", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", "123456789015") }, want: "Success"},
		{name: "19 digits", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", "1234567890123456785") }, want: "Success"},
		{name: "11 digits", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", "12345678903") }, want: p + "InvalidRequest", check: noChange},
		{name: "20 digits", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", "12345678901234567897") }, want: p + "InvalidRequest"},
		{name: "spaces in number", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", "5127 5411 2222 3332") }, want: p + "InvalidRequest"},
		{name: "luhn", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", "5127541122223333") }, want: p + "InvalidRequest", check: noChange},
		{name: "luhn skipped", opts: Options{SkipLuhnCheck: true}, op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", "5127541122223333") }, want: "Success"},
		{name: "number missing", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "CardNumber", deleteField) }, want: p + "InvalidRequest"},
		{name: "month 13", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "13") }, want: p + "InvalidRequest"},
		{name: "month 00", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "00") }, want: p + "InvalidRequest"},
		{name: "month one digit", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "3") }, want: p + "InvalidRequest"},
		{name: "month missing", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "") }, want: p + "InvalidRequest"},
		{name: "year two digits", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpYear", "30") }, want: p + "InvalidRequest"},
		{name: "expired", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "05", "ExpYear", "2026") }, want: p + "InvalidRequest", check: noChange},
		{name: "this month is not expired", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "06", "ExpYear", "2026") }, want: "Success"},
		{name: "expiry skipped", opts: Options{SkipExpiryCheck: true}, op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "01", "ExpYear", "2018") }, want: "Success"},
		{name: "expiry skipped still checks the month", opts: Options{SkipExpiryCheck: true}, op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "ExpMonth", "13", "ExpYear", "2018") }, want: p + "InvalidRequest"},
		{name: "not found", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "yok") }, want: p + "DealerCustomerNotFound", check: noChange},
		{name: "neither", op: "AddCard", req: func(w world) any { return newCard() }, want: p + "CustomerCodeOrDealerCustomerIdMustBeGiven", check: noChange},
		{name: "mismatch", op: "AddCard", req: func(w world) any { return newCard("CustomerCode", "ali", "DealerCustomerId", "1034") }, want: p + "CustomerCodeDoesntMatchDealerCustomerId", check: noChange},
	})
}

func TestCardTokenOps(t *testing.T) {
	type tokCase struct {
		name  string
		token func(w world) any
		want  string // reason, "" = Success
	}
	tokens := []tokCase{
		{"as returned", func(w world) any { return w.card2.CardToken }, ""},
		{"upper case in braces", func(w world) any { return "{" + strings.ToUpper(w.card2.CardToken) + "}" }, ""},
		{"no dashes", func(w world) any { return strings.ReplaceAll(w.card2.CardToken, "-", "") }, ""},
		{"empty", func(world) any { return "" }, "CardTokenIsRequired"},
		{"null", func(world) any { return nil }, "CardTokenIsRequired"},
		{"missing", func(world) any { return deleteField }, "CardTokenIsRequired"},
		{"unknown", func(world) any { return "51937236-82e0-4637-a8f5-2e1ec56ec870" }, "CardNotFound"},
		{"malformed", func(world) any { return "not-a-guid" }, "CardNotFound"},
		{"half brace", func(w world) any { return "{" + w.card2.CardToken }, "CardNotFound"},
		{"object", func(world) any { return map[string]any{} }, "InvalidRequest"},
	}
	for _, op := range []string{"GetCard", "UpdateCard", "RemoveCard"} {
		prefix := "DealerCustomer." + op + "."
		if op == "UpdateCard" {
			prefix = "DealerCustomer.GetCard." // as the seed shows (sic)
		}
		var cases []opCase
		for _, tk := range tokens {
			want := "Success"
			if tk.want != "" {
				want = prefix + tk.want
			}
			cases = append(cases, opCase{name: tk.name, op: op, want: want,
				req: func(w world) any { return withFields(map[string]any{"CardName": "Yeni ad"}, "CardToken", tk.token(w)) },
				check: func(t *testing.T, h *harness, w world, a answer) {
					if want != "Success" {
						noChange(t, h, w, a)
						return
					}
					switch op {
					case "RemoveCard":
						if string(a.Data) != "true" {
							t.Errorf("Data %s, want true", a.Data)
						}
						if n := len(h.s.Cards()); n != 2 {
							t.Errorf("%d cards left", n)
						}
						if got := h.call("GetCard", map[string]any{"CardToken": w.card2.CardToken}).ResultCode; got != "DealerCustomer.GetCard.CardNotFound" {
							t.Errorf("GetCard after RemoveCard: %s", got)
						}
					default:
						d := decode[cwc](t, a)
						c := w.card2
						if op == "UpdateCard" {
							c.CardName = "Yeni ad"
						}
						if d.DealerCustomer != w.ali {
							t.Errorf("customer %+v", d.DealerCustomer)
						}
						wantCards(t, d, c)
						var all cwc
						h.ok("GetCardList", map[string]any{"DealerCustomerId": w.ali.DealerCustomerID}, &all)
						wantCards(t, all, w.card1, c)
					}
				}})
		}
		runOpCases(t, cases)
	}
}

func TestUpdateCardName(t *testing.T) {
	const p = "DealerCustomer.GetCard."
	runOpCases(t, []opCase{
		{name: "50 characters", op: "UpdateCard", req: func(w world) any { return map[string]any{"CardToken": w.card1.CardToken, "CardName": runes("ı", 50)} }, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				if got := decode[cwc](t, a).CardList[0].CardName; got != runes("ı", 50) {
					t.Errorf("CardName %q", got)
				}
			}},
		{name: "51 characters", op: "UpdateCard", req: func(w world) any { return map[string]any{"CardToken": w.card1.CardToken, "CardName": runes("ı", 51)} }, want: p + "InvalidRequest", check: noChange},
		{name: "51 characters, unknown card", op: "UpdateCard", req: func(w world) any { return map[string]any{"CardToken": newToken(), "CardName": runes("ı", 51)} }, want: p + "InvalidRequest"},
		{name: "missing name clears it", op: "UpdateCard", req: func(w world) any { return map[string]any{"CardToken": w.card1.CardToken} }, want: "Success",
			check: func(t *testing.T, h *harness, w world, a answer) {
				if got := decode[cwc](t, a).CardList[0].CardName; got != "" {
					t.Errorf("CardName %q", got)
				}
			}},
		{name: "name as number", op: "UpdateCard", req: func(w world) any { return map[string]any{"CardToken": w.card1.CardToken, "CardName": 42} }, want: "Success"},
		{name: "name as array", op: "UpdateCard", req: func(w world) any { return map[string]any{"CardToken": w.card1.CardToken, "CardName": []int{}} }, want: p + "InvalidRequest", check: noChange},
	})
}
