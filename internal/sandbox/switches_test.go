package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Each switch, off and on: a probe runs the same calls on a fresh sandbox
// and describes what it saw in a few words.
func TestSwitches(t *testing.T) {
	cases := []struct {
		flag    string
		probe   func(h *harness) string
		off, on string
	}{
		{"codes-ignore-case", func(h *harness) string {
			h.addCustomer("Code-A")
			return fmt.Sprintf("get %s, add %s",
				h.call("GetCustomer", map[string]any{"CustomerCode": "code-a  "}).ResultCode,
				h.call("AddCustomer", map[string]any{"CustomerCode": "CODE-A"}).ResultCode)
		},
			"get DealerCustomer.GetCustomer.DealerCustomerNotFound, add Success",
			"get Success, add DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing"},
		{"update-clears-omitted", func(h *harness) string {
			c := h.addCustomer("u") // FirstName "Ali"
			h.ok("UpdateCustomer", map[string]any{"DealerCustomerId": c.DealerCustomerID, "LastName": "Veli"}, nil)
			var d cwc
			h.ok("GetCustomer", map[string]any{"CustomerCode": "u"}, &d)
			return fmt.Sprintf("%q %q", d.DealerCustomer.FirstName, d.DealerCustomer.LastName)
		}, `"Ali" "Veli"`, `"" "Veli"`},
		{"forbid-code-reuse", func(h *harness) string {
			h.addCustomer("r")
			h.ok("RemoveCustomer", map[string]any{"CustomerCode": "r"}, nil)
			return h.call("AddCustomer", map[string]any{"CustomerCode": "r"}).ResultCode
		}, "Success", "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing"},
		{"keep-cards-on-remove-customer", func(h *harness) string {
			c := h.addCustomer("k")
			card := h.addCard(c.DealerCustomerID, akbankCard, "x")
			h.ok("RemoveCustomer", map[string]any{"CustomerCode": "k"}, nil)
			return h.call("GetCard", map[string]any{"CardToken": card.CardToken}).ResultCode
		}, "DealerCustomer.GetCard.CardNotFound", "Success"},
		{"unset-as-null", func(h *harness) string {
			h.ok("AddCustomer", map[string]any{"CustomerCode": "n"}, nil)
			a := h.ok("GetCustomer", map[string]any{"CustomerCode": "n"}, nil)
			var d struct{ DealerCustomer map[string]json.RawMessage }
			if err := json.Unmarshal(a.Data, &d); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("FirstName %s Gender %s Code %s", d.DealerCustomer["FirstName"], d.DealerCustomer["Gender"], d.DealerCustomer["CustomerCode"])
		}, `FirstName "" Gender 0 Code "n"`, `FirstName null Gender null Code "n"`},
		{"extra-fields", func(h *harness) string {
			c := h.addCustomer("e")
			h.addCard(c.DealerCustomerID, akbankCard, "x")
			a := h.ok("GetCustomer", map[string]any{"CustomerCode": "e"}, nil)
			var d struct {
				DealerCustomer map[string]json.RawMessage
				CardList       []map[string]json.RawMessage
			}
			if err := json.Unmarshal(a.Data, &d); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("customer %d fields, card %d fields", len(d.DealerCustomer), len(d.CardList[0]))
		}, "customer 10 fields, card 8 fields", "customer 12 fields, card 13 fields"},
		{"update-card-own-codes", func(h *harness) string {
			return h.call("UpdateCard", map[string]any{"CardToken": "51937236-82e0-4637-a8f5-2e1ec56ec870", "CardName": "x"}).ResultCode
		}, "DealerCustomer.GetCard.CardNotFound", "DealerCustomer.UpdateCard.CardNotFound"},
		{"add-card-answers-all-cards", func(h *harness) string {
			c := h.addCustomer("a")
			h.addCard(c.DealerCustomerID, akbankCard, "1")
			var d cwc
			h.ok("AddCard", map[string]any{"DealerCustomerId": c.DealerCustomerID, "CardNumber": troyCard, "ExpMonth": "12", "ExpYear": "2030", "CardName": "2"}, &d)
			names := []string{}
			for _, k := range d.CardList {
				names = append(names, k.CardName)
			}
			return fmt.Sprintf("%d %v", d.CardListCount, names)
		}, "1 [2]", "2 [1 2]"},
		{"refuse-duplicate-card", func(h *harness) string {
			c := h.addCustomer("d")
			h.addCard(c.DealerCustomerID, akbankCard, "1")
			return h.call("AddCard", map[string]any{"DealerCustomerId": c.DealerCustomerID, "CardNumber": akbankCard, "ExpMonth": "12", "ExpYear": "2030"}).ResultCode
		}, "Success", "DealerCustomer.AddCard.InvalidRequest"},
		{"skip-luhn-check", func(h *harness) string {
			c := h.addCustomer("l")
			return h.call("AddCard", map[string]any{"DealerCustomerId": c.DealerCustomerID, "CardNumber": "5127541122223333", "ExpMonth": "12", "ExpYear": "2030"}).ResultCode
		}, "DealerCustomer.AddCard.InvalidRequest", "Success"},
		{"skip-expiry-check", func(h *harness) string {
			c := h.addCustomer("x")
			return h.call("AddCard", map[string]any{"DealerCustomerId": c.DealerCustomerID, "CardNumber": akbankCard, "ExpMonth": "01", "ExpYear": "2020"}).ResultCode
		}, "DealerCustomer.AddCard.InvalidRequest", "Success"},
		{"update-keeps-empty", func(h *harness) string {
			c := h.addCustomer("ke") // FirstName "Ali"
			h.ok("UpdateCustomer", map[string]any{"DealerCustomerId": c.DealerCustomerID, "FirstName": ""}, nil)
			return fmt.Sprintf("%q", h.s.Customers()[0].FirstName)
		}, `""`, `"Ali"`},
		{"update-clears-null", func(h *harness) string {
			c := h.addCustomer("cn") // FirstName "Ali"
			h.ok("UpdateCustomer", map[string]any{"DealerCustomerId": c.DealerCustomerID, "FirstName": nil}, nil)
			return fmt.Sprintf("%q", h.s.Customers()[0].FirstName)
		}, `"Ali"`, `""`},
		{"update-card-refuses-empty-name", func(h *harness) string {
			c := h.addCustomer("rn")
			card := h.addCard(c.DealerCustomerID, akbankCard, "mine")
			a := h.call("UpdateCard", map[string]any{"CardToken": card.CardToken, "CardName": ""})
			return fmt.Sprintf("%s %q %q", a.ResultCode, a.ResultMessage, h.s.Cards()[0].CardName)
		}, `Success "" ""`, `DealerCustomer.GetCard.InvalidRequest "CardName is required" "mine"`},
		{"truncate-text", func(h *harness) string {
			h.ok("AddCustomer", map[string]any{"CustomerCode": "tt", "Address": mixedText}, nil)
			return h.s.Customers()[0].Address
		}, mixedText, mixedText[:40]},
		{"upper-case-text", func(h *harness) string {
			h.ok("AddCustomer", map[string]any{"CustomerCode": "uc", "Address": mixedText}, nil)
			return h.s.Customers()[0].Address
		}, mixedText, strings.ToUpper(mixedText)},
		{"lists-omit-fields", func(h *harness) string {
			c := h.addCustomer("lo")
			h.addCard(c.DealerCustomerID, akbankCard, "x")
			var cards struct{ CardList []map[string]json.RawMessage }
			h.ok("GetCardList", map[string]any{"CustomerCode": "lo"}, &cards)
			var customers struct{ DealerCustomerList []map[string]json.RawMessage }
			h.ok("GetCustomerList", nil, &customers)
			var one struct {
				DealerCustomer map[string]json.RawMessage
				CardList       []map[string]json.RawMessage
			}
			h.ok("GetCustomer", map[string]any{"CustomerCode": "lo"}, &one)
			_, listName := cards.CardList[0]["CardName"]
			_, listAddress := customers.DealerCustomerList[0]["Address"]
			_, getName := one.CardList[0]["CardName"]
			_, getAddress := one.DealerCustomer["Address"]
			return fmt.Sprintf("lists %v %v, GetCustomer %v %v", listName, listAddress, getName, getAddress)
		}, "lists true true, GetCustomer true true", "lists false false, GetCustomer true true"},
		{"birth-date-dotted", func(h *harness) string {
			h.ok("AddCustomer", map[string]any{"CustomerCode": "bd", "BirthDate": "19920423"}, nil)
			return birthDateOf(h, "bd")
		}, `"19920423"`, `"23.04.1992"`},
		{"birth-date-dotnet", func(h *harness) string {
			h.ok("AddCustomer", map[string]any{"CustomerCode": "bn", "BirthDate": "19920423"}, nil)
			return birthDateOf(h, "bn")
		}, `"19920423"`, `"/Date(703987200000)/"`},
		{"ex-text-in-exception", func(h *harness) string {
			h.s.setFaults(1, FaultEX)
			_, raw, err := h.post("GetCustomerList", body(nil))
			if err != nil {
				t.Fatal(err)
			}
			var env map[string]json.RawMessage
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("ResultCode %s ResultMessage %s Exception %s", env["ResultCode"], env["ResultMessage"], env["Exception"])
		}, `ResultCode "EX" ResultMessage "An unexpected error has occurred (sandbox fault injection)" Exception null`,
			`ResultCode "EX" ResultMessage "" Exception "An unexpected error has occurred (sandbox fault injection)"`},
	}
	var tested []string
	for _, tc := range cases {
		tested = append(tested, tc.flag)
		sw, ok := SwitchByFlag(tc.flag)
		if !ok {
			t.Errorf("no switch %q", tc.flag)
			continue
		}
		for _, on := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s=%v", tc.flag, on), func(t *testing.T) {
				t.Parallel()
				var opts Options
				if on {
					sw.Enable(&opts)
				}
				if sw.On(opts) != on {
					t.Fatalf("On = %v", !on)
				}
				want := tc.off
				if on {
					want = tc.on
				}
				if got := tc.probe(newHarness(t, opts)); got != want {
					t.Errorf("got  %s\nwant %s", got, want)
				}
			})
		}
	}
	for _, sw := range Switches {
		if !slices.Contains(tested, sw.Flag) {
			t.Errorf("switch --%s has no case here", sw.Flag)
		}
	}
}

// mixedText is a 47-character, mixed-case text like the provider's claim
// marks, longer than truncate-text keeps.
const mixedText = "a1B2c3D4e5F6a7 tfmoka 20261207102644 Mixed-Case"

// birthDateOf is the BirthDate GetCustomer answers for code, as JSON.
func birthDateOf(h *harness, code string) string {
	h.t.Helper()
	var d struct{ DealerCustomer map[string]json.RawMessage }
	h.ok("GetCustomer", map[string]any{"CustomerCode": code}, &d)
	return string(d.DealerCustomer["BirthDate"])
}

// setFaults changes the fault rate and kinds of a running server.
func (s *Server) setFaults(rate float64, kinds ...FaultKind) {
	s.statsMu.Lock()
	s.opts.FaultKinds = kinds
	s.statsMu.Unlock()
	s.SetFaultRate(rate)
}

// The usage text shows every switch in a section of its own.
func TestMainHelpListsSwitches(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := Main([]string{"-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	_, switches, found := strings.Cut(stderr.String(), "Switches for behaviour the documentation leaves open")
	if !found {
		t.Fatalf("no switch section:\n%s", stderr.String())
	}
	for _, sw := range Switches {
		if !strings.Contains(switches, "-"+sw.Flag+"\n") {
			t.Errorf("-h does not list -%s among the switches", sw.Flag)
		}
	}
	if !strings.Contains(stderr.String(), `-dealer-code string`) || !strings.Contains(stderr.String(), `(default "SANDBOX")`) {
		t.Errorf("the other flags are not listed as flag.PrintDefaults would:\n%s", stderr.String())
	}
}

// A data file whose codes clash once compared ignoring case is refused, not
// loaded with one customer hidden.
func TestCodesIgnoreCaseDataFileClash(t *testing.T) {
	file := t.TempDir() + "/state.json"
	s, err := New(Options{DataFile: file})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"abc", "ABC "} {
		if _, err := s.PutCustomer(Customer{CustomerCode: code}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{DataFile: file, CodesIgnoreCase: true}); err == nil || !strings.Contains(err.Error(), "ignoring case") {
		t.Errorf("New = %v, want the clash named", err)
	}
}
