package moka

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

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
		"18.12.1990":                "1990-12-18",
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

// TestISODateForms: each form Moka or .NET writes a date in reads as the
// date, for a date after 1970 and one before it; what only looks like one
// of them comes back trimmed.
func TestISODateForms(t *testing.T) {
	tests := []struct{ in, want string }{
		// 1992-04-23
		{"19920423", "1992-04-23"},
		{"1992-04-23", "1992-04-23"},
		{"1992-04-23T00:00:00", "1992-04-23"},
		{"1992-04-23T00:00:00.000", "1992-04-23"},
		{"1992-04-23T00:00:00Z", "1992-04-23"},
		{"1992-04-23T23:59:59+03:00", "1992-04-23"}, // the date as written, not the UTC one
		{"1992-04-23T00:30:00-05:00", "1992-04-23"},
		{"23.04.1992", "1992-04-23"},
		{"23.04.1992 00:00:00", "1992-04-23"},
		{"23.4.1992", "1992-04-23"},
		{"23/04/1992", "1992-04-23"},
		{"23/04/1992 00:00:00", "1992-04-23"},
		{"/Date(703987200000)/", "1992-04-23"},
		{`\/Date(703987200000)\/`, "1992-04-23"},
		{" /Date(703987200000)/ ", "1992-04-23"},
		{"/Date(704073599999)/", "1992-04-23"},      // the day's last millisecond, UTC
		{"/Date(703976400000+0300)/", "1992-04-23"}, // local midnight in Istanbul
		{`\/Date(703976400000+0300)\/`, "1992-04-23"},
		{"/Date(703987200000+0300)/", "1992-04-23"}, // 03:00 there
		{"/Date(704005200000-0500)/", "1992-04-23"}, // local midnight in New York
		{"/Date(703987200000-0500)/", "1992-04-22"}, // 19:00 the day before there
		{"/Date(703976400000)/", "1992-04-22"},      // Istanbul's midnight without its offset is 21:00 UTC
		{"/Date(703978200000+0530)/", "1992-04-23"}, // 05:30 in India
		// 1969-12-31
		{"19691231", "1969-12-31"},
		{"1969-12-31", "1969-12-31"},
		{"1969-12-31T00:00:00Z", "1969-12-31"},
		{"1969-12-31T00:00:00+03:00", "1969-12-31"},
		{"31.12.1969", "1969-12-31"},
		{"31/12/1969", "1969-12-31"},
		{"/Date(-86400000)/", "1969-12-31"},
		{`\/Date(-86400000)\/`, "1969-12-31"},
		{"/Date(-1)/", "1969-12-31"},
		{"/Date(-97200000+0300)/", "1969-12-31"},
		{"/Date(-68400000-0500)/", "1969-12-31"},
		{"/Date(0-0100)/", "1969-12-31"},
		{"/Date(0)/", "1970-01-01"},
		{"/Date(0+0000)/", "1970-01-01"},
		{"/Date(-62135596800000)/", "0001-01-01"},
		// Not dates: as they came, trimmed.
		{" /Date()/ ", "/Date()/"},
		{"/Date(abc)/", "/Date(abc)/"},
		{"/Date(703987200000", "/Date(703987200000"},
		{"Date(703987200000)", "Date(703987200000)"},
		{"/Date(703987200000+03)/", "/Date(703987200000+03)/"},
		{"/Date(703987200000+0360)/", "/Date(703987200000+0360)/"},
		{"/Date(703987200000+03:00)/", "/Date(703987200000+03:00)/"},
		{"/Date(--1)/", "/Date(--1)/"},
		{"/Date(+1)/", "/Date(+1)/"},
		{"/Date(99999999999999999999)/", "/Date(99999999999999999999)/"},
		{"/Date(9000000000000000)/", "/Date(9000000000000000)/"}, // year 287 000
		{"23.04.92", "23.04.92"},
		{"123.04.1992", "123.04.1992"},
		{"23.04/1992", "23.04/1992"},
		{"23..1992", "23..1992"},
		{"aa.bb.cccc", "aa.bb.cccc"},
		{"23/04/1992/", "23/04/1992/"},
		{"1.2.3.4", "1.2.3.4"},
		{"1992-04-2 x", "1992-04-2 x"},
		{"abcd-ef-ghij", "abcd-ef-ghij"},
		{"1992-04-23x", "1992-04-23x"},
	}
	for _, tt := range tests {
		if got := ISODate(tt.in); got != tt.want {
			t.Errorf("ISODate(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := ISODate(tt.want); got != tt.want {
			t.Errorf("ISODate is not idempotent on %q: %q", tt.want, got)
		}
	}
}

// dateForms is every form ISODate reads that d, a YYYY-MM-DD date, can be
// written in, with .NET's offsets of the zones given in minutes.
func dateForms(d time.Time, offsets ...int) []string {
	ymd := d.Format("20060102")
	forms := []string{
		ymd,
		d.Format(time.DateOnly),
		d.Format("2006-01-02T15:04:05"),
		d.Format("2006-01-02T15:04:05Z"),
		d.Format("2006-01-02T15:04:05") + "+03:00",
		d.Format("2006-01-02T23:59:59") + "-05:00",
		d.Format("02.01.2006"),
		d.Format("2.1.2006"),
		d.Format("02.01.2006 15:04:05"),
		d.Format("02/01/2006"),
		fmt.Sprintf("/Date(%d)/", d.UnixMilli()),
		fmt.Sprintf(`\/Date(%d)\/`, d.UnixMilli()),
		fmt.Sprintf("/Date(%d)/", d.Add(24*time.Hour-time.Millisecond).UnixMilli()),
	}
	for _, minutes := range offsets {
		sign, abs := '+', minutes
		if minutes < 0 {
			sign, abs = '-', -minutes
		}
		// The zone's midnight and the last millisecond of its day, as .NET
		// writes a local DateTime: the instant, then the offset.
		midnight := d.Add(-time.Duration(minutes) * time.Minute)
		for _, instant := range []time.Time{midnight, midnight.Add(24*time.Hour - time.Millisecond)} {
			forms = append(forms, fmt.Sprintf("/Date(%d%c%02d%02d)/", instant.UnixMilli(), sign, abs/60, abs%60))
		}
	}
	return forms
}

// FuzzISODateForms: any date from 0001-01-01 to 9999-12-31, in any form and
// zone offset (up to ±14:00, as .NET's), reads back as itself.
func FuzzISODateForms(f *testing.F) {
	f.Add(int64(8148), int16(180))   // 1992-04-23, Istanbul
	f.Add(int64(-1), int16(-300))    // 1969-12-31, New York
	f.Add(int64(0), int16(0))        // 1970-01-01, UTC
	f.Add(int64(-719162), int16(60)) // 0001-01-01
	f.Add(int64(2932896), int16(-840))
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, day int64, offset int16) {
		if day < -719162 || day > 2932896 {
			return // before 0001-01-01 or after 9999-12-31
		}
		d := time.Unix(day*86400, 0).UTC()
		offsets := []int{int(offset) % (14*60 + 1)}
		if d.Equal(first) || d.Equal(last) {
			offsets = nil // the zone's day may fall outside what a year of four digits holds
		}
		want := d.Format(time.DateOnly)
		for _, form := range dateForms(d, offsets...) {
			if got := ISODate(form); got != want {
				t.Errorf("ISODate(%q) = %q, want %q", form, got, want)
			}
		}
	})
}

// TestDateFormsRoundTrip: the fuzz target's forms over a spread of dates and
// zones, so that a plain test run covers the property too.
func TestDateFormsRoundTrip(t *testing.T) {
	for _, d := range []string{"0001-01-02", "1899-12-31", "1969-12-31", "1970-01-01", "1992-04-23", "2000-02-29", "2038-01-19", "9999-12-30"} {
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, form := range dateForms(day, 0, 180, 330, 345, 840, -60, -300, -570, -720) {
			if got := ISODate(form); got != d {
				t.Errorf("ISODate(%q) = %q, want %q", form, got, d)
			}
		}
	}
}

// FuzzISODate: ISODate reads its own answer as itself, whatever it was given.
func FuzzISODate(f *testing.F) {
	for _, s := range []string{"19920423", "1992-04-23T00:00:00+03:00", "23.04.1992", "23/04/1992 00:00", "/Date(-86400000+0300)/", `\/Date(0)\/`, "1992-04-2 x", " someday "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := ISODate(s)
		if twice := ISODate(once); twice != once {
			t.Errorf("ISODate(%q) = %q, but ISODate(%q) = %q", s, once, once, twice)
		}
		if once != strings.TrimSpace(s) && !isoDate(once) {
			t.Errorf("ISODate(%q) = %q, neither the input nor a date", s, once)
		}
	})
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
