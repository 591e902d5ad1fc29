package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
)

// The seed pages' samples, replayed. Answers are compared byte for byte after
// json.Compact, so keys, their order, types and values all count.

func TestSeedAddCustomer(t *testing.T) {
	h := newHarness(t, Options{})
	req := withValidAuth(t, readSeed(t, "seed_addcustomer_request.json"))

	a := h.raw("AddCustomer", req)
	// The seed's success sample shows "LastName": "Y" for the "Yetimoğlu" it
	// sent; the sandbox echoes what was sent. Everything else is identical.
	want := compact(t, readSeed(t, "seed_addcustomer_success.json"))
	want = strings.Replace(want, `"LastName":"Y"`, `"LastName":"Yetimoğlu"`, 1)
	if got := compact(t, a.Raw); got != want {
		t.Errorf("first AddCustomer:\n got %s\nwant %s", got, want)
	}

	a = h.raw("AddCustomer", req)
	if got, want := compact(t, a.Raw), compact(t, readSeed(t, "seed_addcustomer_failure.json")); got != want {
		t.Errorf("second AddCustomer:\n got %s\nwant %s", got, want)
	}
}

func TestSeedAddCustomerShape(t *testing.T) {
	// Same keys, order and JSON types as the seed's success sample.
	h := newHarness(t, Options{})
	a := h.raw("AddCustomer", withValidAuth(t, readSeed(t, "seed_addcustomer_request.json")))
	if got, want := shape(t, a.Raw), shape(t, readSeed(t, "seed_addcustomer_success.json")); got != want {
		t.Errorf("shape:\n got %s\nwant %s", got, want)
	}
}

func seedUpdateCardFixture(t *testing.T, h *harness) {
	t.Helper()
	// The customer and card of the UpdateCard seed's success sample.
	if _, err := h.s.PutCustomer(Customer{
		DealerCustomerID: 1034, CustomerCode: "Customer", Password: "Elif1234", FirstName: "Elif",
		LastName: "Y", Gender: 2, BirthDate: "19850710", GsmNumber: "5301111111",
		Email: "elif.y@moka.com", Address: "TAŞDELEN",
	}); err != nil {
		t.Fatal(err)
	}
	c, err := h.s.AddCardWithToken(Card{
		CardToken: "{51937236-82E0-4637-A8F5-2E1EC56EC870}", DealerCustomerID: 1034,
		CardName: "Eski ad", BankName: "BANKAADI", CardNumberFirstSix: "112233",
		CardNumberLastFour: "7788", CardHolderFullName: "elif y", ExpMonth: "01", ExpYear: "2018",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.CardToken != "51937236-82e0-4637-a8f5-2e1ec56ec870" {
		t.Fatalf("stored token %q", c.CardToken)
	}
}

func TestSeedUpdateCard(t *testing.T) {
	h := newHarness(t, Options{})
	seedUpdateCardFixture(t, h)
	req := withValidAuth(t, readSeed(t, "seed_updatecard_request.json"))
	a := h.raw("UpdateCard", req)
	if got, want := compact(t, a.Raw), compact(t, readSeed(t, "seed_updatecard_success.json")); got != want {
		t.Errorf("UpdateCard:\n got %s\nwant %s", got, want)
	}
	if got := h.s.Cards()[0].CardName; got != "Bonus kartım" {
		t.Errorf("stored CardName %q", got)
	}
}

func TestSeedUpdateCardFailure(t *testing.T) {
	h := newHarness(t, Options{})
	seedUpdateCardFixture(t, h)
	want := compact(t, readSeed(t, "seed_updatecard_failure.json"))
	for name, token := range map[string]any{"empty": "", "null": nil, "blank": "  "} {
		var m map[string]any
		if err := json.Unmarshal(readSeed(t, "seed_updatecard_request.json"), &m); err != nil {
			t.Fatal(err)
		}
		request, ok := m["DealerCustomerRequest"].(map[string]any)
		if !ok {
			t.Fatalf("seed request has no DealerCustomerRequest object")
		}
		request["CardToken"] = token
		a := h.raw("UpdateCard", body(m["DealerCustomerRequest"]))
		if got := compact(t, a.Raw); got != want {
			t.Errorf("%s token:\n got %s\nwant %s", name, got, want)
		}
	}
	// The card is unchanged.
	if got := h.s.Cards()[0].CardName; got != "Eski ad" {
		t.Errorf("CardName changed to %q", got)
	}
}

// shape renders a JSON document's structure: object keys in order and the
// JSON type of every value, not the values.
func shape(t testing.TB, b []byte) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	var sb strings.Builder
	var walk func()
	walk = func() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("shape: %v", err)
		}
		switch x := tok.(type) {
		case json.Delim:
			switch x {
			case '{':
				sb.WriteString("{")
				for dec.More() {
					k, _ := dec.Token()
					key, ok := k.(string)
					if !ok {
						t.Fatalf("object key %v is not a string", k)
					}
					sb.WriteString(key + ":")
					walk()
					sb.WriteString(",")
				}
				_, _ = dec.Token()
				sb.WriteString("}")
			case '[':
				sb.WriteString("[")
				for dec.More() {
					walk()
					sb.WriteString(",")
				}
				_, _ = dec.Token()
				sb.WriteString("]")
			}
		case string:
			sb.WriteString("string")
		case float64:
			sb.WriteString("number")
		case bool:
			sb.WriteString("bool")
		case nil:
			sb.WriteString("null")
		}
	}
	walk()
	return sb.String()
}
