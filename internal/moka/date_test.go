package moka

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestISODate: every form Moka may answer a date in reads as YYYY-MM-DD;
// anything else comes back trimmed, as it did in the provider.
func TestISODate(t *testing.T) {
	for in, want := range map[string]string{
		"19901218":                  "1990-12-18",
		" 19901218 ":                "1990-12-18",
		"1990-12-18":                "1990-12-18",
		"1990-12-18T00:00:00":       "1990-12-18",
		"1990-12-18 00:00:00":       "1990-12-18",
		"":                          "",
		"  ":                        "",
		"1990121":                   "1990121",
		"1990121x":                  "1990121x",
		"199012180":                 "199012180",
		"18.12.1990":                "18.12.1990",
		"199012ab":                  "199012ab",
		"1990-12-18T00:00:00+03:00": "1990-12-18",
		" someday ":                 "someday",
	} {
		if got := ISODate(in); got != want {
			t.Errorf("ISODate(%q) = %q, want %q", in, got, want)
		}
		if got := ISODate(want); got != want {
			t.Errorf("ISODate is not idempotent on %q: %q", want, got)
		}
	}
}

// TestWireDate: YYYY-MM-DD goes to Moka as YYYYMMDD; a date already in Moka's
// form, and anything that is neither, is sent as it is.
func TestWireDate(t *testing.T) {
	for in, want := range map[string]string{
		"1990-12-18":          "19901218",
		"19901218":            "19901218",
		"":                    "",
		"1990-1-5":            "1990-1-5",
		"1990-12-18T00:00:00": "1990-12-18T00:00:00",
		" 1990-12-18":         " 1990-12-18",
		"abcd-ef-gh":          "abcd-ef-gh",
		"1990-12-1x":          "1990-12-1x",
	} {
		if got := wireDate(in); got != want {
			t.Errorf("wireDate(%q) = %q, want %q", in, got, want)
		}
	}
	// The provider sends its dates with the dashes already taken out: what
	// reaches the wire for them must be what reached it before the client
	// converted dates itself.
	for _, configured := range []string{"1990-12-18", "1990-1-5", "2000-02-30", "-", "--1990", "x-y", "19901218"} {
		sent := strings.ReplaceAll(configured, "-", "")
		if got := wireDate(sent); got != sent {
			t.Errorf("wireDate(%q) = %q: the provider's digits would change on the wire", sent, got)
		}
	}
	// A date read back is the date sent.
	for _, d := range []string{"1990-12-18", "2000-02-29", "0001-01-01"} {
		if got := ISODate(wireDate(d)); got != d {
			t.Errorf("%s comes back as %s", d, got)
		}
	}
}

// TestBirthDateOnTheWire: the client writes a customer's date in Moka's form
// whichever form it is given, and reads Moka's answer back as YYYY-MM-DD.
func TestBirthDateOnTheWire(t *testing.T) {
	for given, want := range map[string]struct{ sent, read string }{
		"1990-12-18": {"19901218", "1990-12-18"},
		"19901218":   {"19901218", "1990-12-18"},
		"1990-1-5":   {"1990-1-5", "1990-1-5"},
	} {
		t.Run(given, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
				_, req := requestBlock(t, body)
				answer := tCustomer
				answer.BirthDate, _ = req["BirthDate"].(string)
				m := customerJSON(answer)
				m["BirthDate"] = answer.BirthDate // as Moka holds it
				writeJSON(w, success(mustJSON(map[string]any{"DealerCustomer": m})))
			})
			cust := tCustomer
			cust.BirthDate = given
			got, err := newTestClient(t, f.URL()).UpdateCustomer(context.Background(), CustomerUpdate{Customer: cust})
			if err != nil {
				t.Fatal(err)
			}
			if _, req := requestBlock(t, f.requests()[0].Body); req["BirthDate"] != want.sent {
				t.Errorf("sent BirthDate %v, want %q", req["BirthDate"], want.sent)
			}
			if got.Customer.BirthDate != want.read {
				t.Errorf("read back %q, want %q", got.Customer.BirthDate, want.read)
			}
		})
	}

	t.Run("the sandbox holds Moka's form", func(t *testing.T) {
		srv := testsupport.StartSandbox(t, sandbox.Options{})
		c := rtClient(t, srv, "sandbox")
		cust := rtCustomer(1)
		cust.BirthDate = "1985-12-31"
		if _, err := c.AddCustomer(context.Background(), cust); err != nil {
			t.Fatal(err)
		}
		stored := srv.Customers()
		if len(stored) != 1 || stored[0].BirthDate != "19851231" {
			t.Fatalf("the sandbox holds %+v, want BirthDate 19851231", stored)
		}
		got, err := c.GetCustomer(context.Background(), CustomerRef{DealerCustomerID: stored[0].DealerCustomerID})
		if err != nil || got.Customer.BirthDate != "1985-12-31" {
			t.Errorf("GetCustomer = %+v, %v; want BirthDate 1985-12-31", got, err)
		}
	})
}
