package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// UpdateCustomer and the four forms a field can take in the request (left
// out, null, "", a value) under the switches that decide them.
func TestUpdateCustomerFieldForms(t *testing.T) {
	forms := []struct {
		name string
		set  func(req map[string]any, field string)
	}{
		{"omitted", func(map[string]any, string) {}},
		{"null", func(req map[string]any, f string) { req[f] = nil }},
		{"empty", func(req map[string]any, f string) { req[f] = "" }},
		{"value", func(req map[string]any, f string) { req[f] = "new" }},
	}
	cases := []struct {
		name  string
		opts  Options
		wants [4]string // kept, cleared or set, per form
	}{
		{"default", Options{}, [4]string{"kept", "kept", "cleared", "set"}},
		{"update-keeps-empty", Options{UpdateKeepsEmpty: true}, [4]string{"kept", "kept", "kept", "set"}},
		{"update-clears-null", Options{UpdateClearsNull: true}, [4]string{"kept", "cleared", "cleared", "set"}},
		{"update-clears-omitted", Options{UpdateClearsOmitted: true}, [4]string{"cleared", "cleared", "cleared", "set"}},
		{"update-keeps-empty and update-clears-null", Options{UpdateKeepsEmpty: true, UpdateClearsNull: true}, [4]string{"kept", "cleared", "kept", "set"}},
		{"update-keeps-empty and update-clears-omitted", Options{UpdateKeepsEmpty: true, UpdateClearsOmitted: true}, [4]string{"cleared", "cleared", "kept", "set"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.opts)
			for i, form := range forms {
				for _, field := range []string{"Address", "Password", "FirstName"} {
					code := fmt.Sprintf("%s-%s", form.name, field)
					var d cwc
					h.ok("AddCustomer", map[string]any{"CustomerCode": code, field: "old"}, &d)
					req := map[string]any{"DealerCustomerId": d.DealerCustomer.DealerCustomerID}
					form.set(req, field)
					h.ok("UpdateCustomer", req, nil)
					var after Customer
					for _, c := range h.s.Customers() {
						if c.CustomerCode == code {
							after = c
						}
					}
					got := map[string]string{"Address": after.Address, "Password": after.Password, "FirstName": after.FirstName}[field]
					seen := map[string]string{"old": "kept", "": "cleared", "new": "set"}[got]
					if seen != tc.wants[i] {
						t.Errorf("%s %s: %q (%s), want %s", field, form.name, got, seen, tc.wants[i])
					}
				}
				// Gender: 0 and "" are its empty forms.
				for _, empty := range []any{0, ""} {
					code := fmt.Sprintf("%s-Gender-%v", form.name, empty)
					var d cwc
					h.ok("AddCustomer", map[string]any{"CustomerCode": code, "Gender": 2}, &d)
					req := map[string]any{"DealerCustomerId": d.DealerCustomer.DealerCustomerID}
					switch form.name {
					case "null":
						req["Gender"] = nil
					case "empty":
						req["Gender"] = empty
					case "value":
						req["Gender"] = 1
					}
					h.ok("UpdateCustomer", req, nil)
					var after Customer
					for _, c := range h.s.Customers() {
						if c.CustomerCode == code {
							after = c
						}
					}
					seen := map[int]string{2: "kept", 0: "cleared", 1: "set"}[after.Gender]
					if seen != tc.wants[i] {
						t.Errorf("Gender %s (%#v): %d (%s), want %s", form.name, empty, after.Gender, seen, tc.wants[i])
					}
				}
			}
		})
	}
}

// UpdateCard with a CardName that holds nothing, in each form.
func TestUpdateCardEmptyName(t *testing.T) {
	names := []struct {
		name string
		set  func(req map[string]any)
	}{
		{"empty", func(req map[string]any) { req["CardName"] = "" }},
		{"blank", func(req map[string]any) { req["CardName"] = "   " }},
		{"null", func(req map[string]any) { req["CardName"] = nil }},
		{"missing", func(map[string]any) {}},
	}
	cases := []struct {
		name           string
		opts           Options
		wantCode       string
		wantMsg        string
		wantNameByForm map[string]string
	}{
		{"default", Options{}, "Success", "", map[string]string{"empty": "", "blank": "   ", "null": "", "missing": ""}},
		{"refuses", Options{UpdateCardRefusesEmptyName: true}, "DealerCustomer.GetCard.InvalidRequest", "CardName is required", nil},
		{"refuses, own codes", Options{UpdateCardRefusesEmptyName: true, UpdateCardOwnCodes: true}, "DealerCustomer.UpdateCard.InvalidRequest", "CardName is required", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.opts)
			c := h.addCustomer("c")
			for _, n := range names {
				card := h.addCard(c.DealerCustomerID, akbankCard, "before")
				req := map[string]any{"CardToken": card.CardToken}
				n.set(req)
				a := h.call("UpdateCard", req)
				if a.ResultCode != tc.wantCode || a.ResultMessage != tc.wantMsg {
					t.Errorf("%s: %s %q, want %s %q", n.name, a.ResultCode, a.ResultMessage, tc.wantCode, tc.wantMsg)
				}
				want := "before"
				if tc.wantNameByForm != nil {
					want = tc.wantNameByForm[n.name]
				}
				var got cwc
				h.ok("GetCard", map[string]any{"CardToken": card.CardToken}, &got)
				if got.CardList[0].CardName != want {
					t.Errorf("%s: stored name %q, want %q", n.name, got.CardList[0].CardName, want)
				}
			}
			// A name is still accepted.
			card := h.addCard(c.DealerCustomerID, akbankCard, "before")
			h.ok("UpdateCard", map[string]any{"CardToken": card.CardToken, "CardName": "after"}, nil)
		})
	}
}

// How text is stored under truncate-text and upper-case-text, by each
// operation that writes it.
func TestStoredText(t *testing.T) {
	long := mixedText + " ÇğİŞ" // 52 characters, some beyond ASCII
	cut := string([]rune(long)[:40])
	cases := []struct {
		name                                string
		opts                                Options
		wantLong, wantHolder, wantUntouched string // how long, "Holder Name" and "Pass-Word1" are stored
	}{
		{"default", Options{}, long, "Holder Name", "Pass-Word1"},
		{"truncate-text", Options{TruncateText: true}, cut, "Holder Name", "Pass-Word1"},
		{"upper-case-text", Options{UpperCaseText: true}, strings.ToUpper(long), "HOLDER NAME", "Pass-Word1"},
		{"both", Options{TruncateText: true, UpperCaseText: true}, strings.ToUpper(cut), "HOLDER NAME", "Pass-Word1"},
	}
	ops := []struct {
		name string
		run  func(h *harness) (Customer, []Card)
	}{
		{"AddCustomer", func(h *harness) (Customer, []Card) {
			h.ok("AddCustomer", map[string]any{"CustomerCode": "a", "FirstName": long[:50], "LastName": long[:50], "Address": long, "Password": "Pass-Word1", "Email": "Mixed.Case@example.com"}, nil)
			return h.s.Customers()[0], nil
		}},
		{"AddCustomerWithCard", func(h *harness) (Customer, []Card) {
			h.ok("AddCustomerWithCard", map[string]any{"CustomerCode": "a", "FirstName": long[:50], "LastName": long[:50], "Address": long, "Password": "Pass-Word1", "Email": "Mixed.Case@example.com",
				"CardHolderFullName": "Holder Name", "CardNumber": akbankCard, "ExpMonth": "12", "ExpYear": "2030", "CardName": long[:50]}, nil)
			return h.s.Customers()[0], h.s.Cards()
		}},
		{"UpdateCustomer", func(h *harness) (Customer, []Card) {
			c := h.addCustomer("a")
			h.ok("UpdateCustomer", map[string]any{"DealerCustomerId": c.DealerCustomerID, "FirstName": long[:50], "LastName": long[:50], "Address": long, "Password": "Pass-Word1", "Email": "Mixed.Case@example.com"}, nil)
			return h.s.Customers()[0], nil
		}},
		{"AddCard", func(h *harness) (Customer, []Card) {
			c := h.addCustomer("a")
			h.ok("AddCard", map[string]any{"DealerCustomerId": c.DealerCustomerID, "CardHolderFullName": "Holder Name", "CardNumber": akbankCard, "ExpMonth": "12", "ExpYear": "2030", "CardName": long[:50]}, nil)
			return Customer{}, h.s.Cards()
		}},
		{"UpdateCard", func(h *harness) (Customer, []Card) {
			c := h.addCustomer("a")
			h.ok("AddCard", map[string]any{"DealerCustomerId": c.DealerCustomerID, "CardHolderFullName": "Holder Name", "CardNumber": akbankCard, "ExpMonth": "12", "ExpYear": "2030", "CardName": "x"}, nil)
			h.ok("UpdateCard", map[string]any{"CardToken": h.s.Cards()[0].CardToken, "CardName": long[:50]}, nil)
			return Customer{}, h.s.Cards()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want50 := tc.wantLong
			switch tc.name {
			case "default":
				want50 = long[:50]
			case "upper-case-text":
				want50 = strings.ToUpper(long[:50])
			}
			for _, op := range ops {
				h := newHarness(t, tc.opts)
				c, cards := op.run(h)
				if c.CustomerCode != "" {
					if c.Address != tc.wantLong || c.FirstName != want50 || c.LastName != want50 {
						t.Errorf("%s: Address %q FirstName %q LastName %q, want %q and %q", op.name, c.Address, c.FirstName, c.LastName, tc.wantLong, want50)
					}
					if c.Password != tc.wantUntouched || c.Email != "Mixed.Case@example.com" {
						t.Errorf("%s: Password %q Email %q changed", op.name, c.Password, c.Email)
					}
				}
				for _, k := range cards {
					if k.CardName != want50 {
						t.Errorf("%s: CardName %q, want %q", op.name, k.CardName, want50)
					}
					if op.name != "UpdateCard" && k.CardHolderFullName != tc.wantHolder {
						t.Errorf("%s: CardHolderFullName %q, want %q", op.name, k.CardHolderFullName, tc.wantHolder)
					}
				}
			}
		})
	}
}

// BirthDate in answers under the date switches; input stays YYYYMMDD, and
// an empty date stays empty.
func TestBirthDateForms(t *testing.T) {
	cases := []struct {
		name             string
		opts             Options
		wantDate, wantNo string
	}{
		{"default", Options{}, `"19920423"`, `""`},
		{"birth-date-dotted", Options{BirthDateDotted: true}, `"23.04.1992"`, `""`},
		{"birth-date-dotnet", Options{BirthDateDotNet: true}, `"/Date(703987200000)/"`, `""`},
		{"both: dotnet wins", Options{BirthDateDotted: true, BirthDateDotNet: true}, `"/Date(703987200000)/"`, `""`},
		{"dotted, unset-as-null", Options{BirthDateDotted: true, UnsetAsNull: true}, `"23.04.1992"`, `null`},
		{"dotnet, before 1970", Options{BirthDateDotNet: true}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.opts)
			if tc.name == "dotnet, before 1970" {
				h.ok("AddCustomer", map[string]any{"CustomerCode": "old", "BirthDate": "19650101"}, nil)
				if got := birthDateOf(h, "old"); got != `"/Date(-157766400000)/"` {
					t.Errorf("BirthDate %s", got)
				}
				return
			}
			h.ok("AddCustomer", map[string]any{"CustomerCode": "d", "BirthDate": "19920423"}, nil)
			h.ok("AddCustomer", map[string]any{"CustomerCode": "n"}, nil)
			if got := birthDateOf(h, "d"); got != tc.wantDate {
				t.Errorf("BirthDate %s, want %s", got, tc.wantDate)
			}
			if got := birthDateOf(h, "n"); got != tc.wantNo {
				t.Errorf("empty BirthDate %s, want %s", got, tc.wantNo)
			}
			// Every answer that shows the customer uses the same form; the
			// stored value and the accepted input stay YYYYMMDD.
			var list struct{ DealerCustomerList []map[string]json.RawMessage }
			h.ok("GetCustomerList", nil, &list)
			if got := string(list.DealerCustomerList[0]["BirthDate"]); got != tc.wantDate {
				t.Errorf("GetCustomerList BirthDate %s, want %s", got, tc.wantDate)
			}
			h.ok("UpdateCustomer", map[string]any{"CustomerCode": "d", "BirthDate": "19920424"}, nil)
			if got := h.s.Customers()[0].BirthDate; got != "19920424" {
				t.Errorf("stored %q", got)
			}
			if a := h.call("UpdateCustomer", map[string]any{"CustomerCode": "d", "BirthDate": "24.04.1992"}); a.ResultCode != "DealerCustomer.UpdateCustomer.InvalidRequest" {
				t.Errorf("a dotted date as input: %s", a.ResultCode)
			}
		})
	}
}
