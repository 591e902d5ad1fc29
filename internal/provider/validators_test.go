package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// runValidator runs v on value at attribute name and returns the error detail,
// or "" when v accepts the value.
func runValidator(t *testing.T, v validator.String, name string, value types.String) string {
	t.Helper()
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(name), ConfigValue: value}, resp)
	if !resp.Diagnostics.HasError() {
		return ""
	}
	errs := resp.Diagnostics.Errors()
	if len(errs) != 1 {
		t.Fatalf("%s: want one error, got %d: %v", name, len(errs), errs)
	}
	if got := errs[0].Summary(); !strings.HasPrefix(got, "Invalid Attribute Value") {
		t.Errorf("%s: summary %q, want Invalid Attribute Value…", name, got)
	}
	if d, ok := errs[0].(diag.DiagnosticWithPath); !ok || !d.Path().Equal(path.Root(name)) {
		t.Errorf("%s: the error is not on the attribute: %v", name, errs[0])
	}
	return errs[0].Detail()
}

type validatorCase struct {
	name  string
	value string
	// wantErr is a fragment of the error detail, or "" when the value is valid.
	wantErr string
}

func checkValidator(t *testing.T, attr string, v validator.String, cases []validatorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			detail := runValidator(t, v, attr, types.StringValue(tc.value))
			switch {
			case tc.wantErr == "" && detail != "":
				t.Fatalf("%q: unexpected error %q", tc.value, detail)
			case tc.wantErr != "" && detail == "":
				t.Fatalf("%q: accepted, want an error containing %q", tc.value, tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(detail, tc.wantErr):
				t.Fatalf("%q: error %q does not contain %q", tc.value, detail, tc.wantErr)
			case detail != "" && !strings.HasPrefix(detail, "Attribute "+attr+" "):
				t.Fatalf("error %q does not start with the attribute's name %q", detail, attr)
			}
		})
	}
}

func TestValidatorsSkipNullAndUnknown(t *testing.T) {
	for name, v := range map[string]validator.String{
		"text": text(1), "nonEmptyText": nonEmptyText(1), "email": email(), "calendarDate": calendarDate(),
		"expMonth": expMonth(), "expYear": expYear(), "cardNumber": cardNumber(),
	} {
		for _, value := range []types.String{types.StringNull(), types.StringUnknown()} {
			if d := runValidator(t, v, "x", value); d != "" {
				t.Errorf("%s on %v: %q", name, value, d)
			}
		}
		if v.Description(context.Background()) == "" || v.MarkdownDescription(context.Background()) == "" {
			t.Errorf("%s has no description", name)
		}
	}
}

func TestTextCountsCharacters(t *testing.T) {
	checkValidator(t, "first_name", text(50), []validatorCase{
		{"empty", "", ""},
		{"ascii at limit", strings.Repeat("a", 50), ""},
		{"ascii over limit", strings.Repeat("a", 51), "character count must be at most 50, got: 51"},
		// 50 Turkish letters are 100 bytes in UTF-8: still 50 characters.
		{"turkish at limit", strings.Repeat("ğ", 50), ""},
		{"turkish mix at limit", strings.Repeat("ÇçĞğİıÖöŞşÜü", 4) + "ab", ""},
		{"turkish over limit", strings.Repeat("ş", 51), "got: 51"},
		{"dotted capital I", strings.Repeat("İ", 51), "got: 51"},
		{"invalid utf-8", "abc\xff", "not valid UTF-8"},
		{"newline", "Elif\nYılmaz", "control character (U+000A) at byte 4"},
		{"tab", "Elif\tY", "control character (U+0009)"},
		{"nul", "a\x00", "control character (U+0000)"},
		{"spaces are text", "  Elif  ", ""},
	})
	checkValidator(t, "address", text(200), []validatorCase{
		{"200", strings.Repeat("ü", 200), ""},
		{"201", strings.Repeat("ü", 201), "character count must be at most 200, got: 201"},
	})
}

func TestNonEmptyText(t *testing.T) {
	checkValidator(t, "customer_code", nonEmptyText(100), []validatorCase{
		{"code", "cust-1", ""},
		{"turkish at limit", strings.Repeat("ı", 100), ""},
		{"over limit", strings.Repeat("ı", 101), "character count must be at most 100, got: 101"},
		{"empty", "", "must not be empty"},
		{"blank", "   ", "must not be empty"},
		{"control", "a\rb", "control character"},
	})
}

// TestEmail runs the validator on testsupport.EmailCases, Moka's verdicts
// written apart from both the provider and the sandbox: whatever Moka refuses,
// the validator refuses at plan time, and whatever Moka accepts, it accepts,
// except where emailStricterThanMoka says why not.
func TestEmail(t *testing.T) {
	var cases []validatorCase
	for _, c := range testsupport.EmailCases {
		n := utf8.RuneCountInString(c.Address)
		wantErr := ""
		switch {
		case c.MokaAccepts && emailStricterThanMoka[c.Address] == "":
		case n > testsupport.EmailMaxChars:
			wantErr = fmt.Sprintf("UTF-8 character count must be at most %d, got: %d", testsupport.EmailMaxChars, n)
		case strings.ContainsFunc(c.Address, unicode.IsControl):
			wantErr = "control character"
		default:
			wantErr = "must be an e-mail address"
		}
		cases = append(cases, validatorCase{name: c.Source + " " + c.Why, value: c.Address, wantErr: wantErr})
	}
	checkValidator(t, "email", email(), cases)
}

// emailStricterThanMoka lists the addresses Moka accepts that the validator
// refuses anyway, and why.
var emailStricterThanMoka = map[string]string{
	"": `"" is no address; the resource takes it as it takes a left-out email, through orEmpty (TestEmptyMeansUnset)`,
}

// TestEmailStricterThanMokaIsInTheTable: an exception names a row of the
// table, or it excuses nothing.
func TestEmailStricterThanMokaIsInTheTable(t *testing.T) {
	for address := range emailStricterThanMoka {
		found := false
		for _, c := range testsupport.EmailCases {
			found = found || (c.Address == address && c.MokaAccepts)
		}
		if !found {
			t.Errorf("%q is not an address testsupport.EmailCases says Moka accepts", address)
		}
	}
}

func TestCalendarDate(t *testing.T) {
	tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	checkValidator(t, "birth_date", calendarDate(), []validatorCase{
		{"plain", "1990-12-18", ""},
		{"leap day", "2024-02-29", ""},
		{"leap century", "2000-02-29", ""},
		{"first allowed", "1900-01-01", ""},
		{"no leap day 2023", "2023-02-29", "must be a real calendar date"},
		{"no leap day 1900", "1900-02-29", "must be a real calendar date"},
		{"april 31", "1990-04-31", "must be a real calendar date"},
		{"month 13", "1990-13-01", "must be a real calendar date"},
		{"day 0", "1990-01-00", "must be a real calendar date"},
		{"moka form", "19901218", "must be a real calendar date"},
		{"turkish form", "18.12.1990", "must be a real calendar date"},
		{"short parts", "1990-1-2", "must be a real calendar date"},
		{"with time", "1990-12-18T00:00:00", "must be a real calendar date"},
		{"spaces", " 1990-12-18", "must be a real calendar date"},
		{"empty", "", "must be a real calendar date"},
		{"before 1900", "1899-12-31", "between 1900-01-01 and today"},
		{"future", tomorrow, "between 1900-01-01 and today"},
	})
}

func TestExpiry(t *testing.T) {
	checkValidator(t, "exp_month", expMonth(), []validatorCase{
		{"01", "01", ""}, {"09", "09", ""}, {"12", "12", ""},
		{"00", "00", "must be a month as two digits"},
		{"13", "13", "must be a month as two digits"},
		{"one digit", "1", "must be a month as two digits"},
		{"three digits", "012", "must be a month as two digits"},
		{"letters", "ab", "must be a month as two digits"},
	})
	checkValidator(t, "exp_year", expYear(), []validatorCase{
		{"2030", "2030", ""},
		{"two digits", "30", "must be a year as four digits"},
		{"five digits", "20300", "must be a year as four digits"},
		{"letters", "20a0", "must be a year as four digits"},
	})
}

func TestLuhn(t *testing.T) {
	// Moka's published test cards (MOKA-API.md) are all valid.
	for _, n := range []string{
		"5127541122223332", "4531441122223338", "4715091122223339", "5269111122223332",
		"5269551122223339", "4155141122223339", "5406681122223338", "4183441122223339",
		"4462121122223339", "5136621122223331", "9792061122223337",
		"79927398713", // the textbook example
		"0",
	} {
		if !luhnValid(n) {
			t.Errorf("luhnValid(%s) = false, want true", n)
		}
	}
	for _, n := range []string{
		"5127541122223333", "4531441122223339", "79927398710", "79927398714",
		// Two adjacent digits swapped: caught by Luhn.
		"1527541122223332",
	} {
		if luhnValid(n) {
			t.Errorf("luhnValid(%s) = true, want false", n)
		}
	}
}

func TestCardNumberNeverInMessage(t *testing.T) {
	cases := []validatorCase{
		{"valid", "5127541122223332", ""},
		{"troy", "9792061122223337", ""},
		{"luhn", "5127541122223333", "fails the Luhn check"},
		{"spaces", "5127 5411 2222 3332", "digits only"},
		{"dashes", "5127-5411-2222-3332", "digits only"},
		{"letters", "51275411222233a2", "digits only"},
		{"short", "51275411222", "must be between 12 and 19, got: 11"},
		{"long", "51275411222233321234", "must be between 12 and 19, got: 20"},
		{"empty", "", "must be between 12 and 19, got: 0"},
	}
	checkValidator(t, "card_number_wo", cardNumber(), cases)
	for _, tc := range cases {
		if tc.value == "" {
			continue
		}
		detail := runValidator(t, cardNumber(), "card_number_wo", types.StringValue(tc.value))
		for _, part := range []string{tc.value, "5127541122", "2222"} {
			if strings.Contains(detail, part) {
				t.Errorf("%s: the error %q shows part of the card number (%q)", tc.name, detail, part)
			}
		}
	}
}

func TestShownKeepsMessagesShort(t *testing.T) {
	for in, want := range map[string]string{
		"":                         `""`,
		"2023-02-29":               `"2023-02-29"`,
		strings.Repeat("ğ", 40):    `"` + strings.Repeat("ğ", 40) + `"`,
		strings.Repeat("ğ", 41):    `"` + strings.Repeat("ğ", 40) + `"… (41 characters)`,
		strings.Repeat("\xff", 50): `"` + strings.Repeat(`\xff`, 40) + `"… (50 characters)`,
	} {
		if got := shown(in); got != want {
			t.Errorf("shown(%.20q) = %q, want %q", in, got, want)
		}
	}
	// A megabyte of input gives a message of a few dozen bytes.
	huge := strings.Repeat("9", 1<<20)
	if d := runValidator(t, email(), "email", types.StringValue(strings.Repeat("a", 90)+"@example")); !strings.Contains(d, "… (98 characters)") {
		t.Errorf("email: %q", d)
	}
	for name, v := range map[string]validator.String{"email": email(), "birth_date": calendarDate(), "exp_month": expMonth(), "exp_year": expYear()} {
		if d := runValidator(t, v, name, types.StringValue(huge)); d == "" || len(d) > 300 || !strings.Contains(d, "1048576") {
			t.Errorf("%s: message of %d bytes: %.200q", name, len(d), d)
		}
	}
}

// TestFreeText: a customer's names and address may hold tabs and line breaks
// (Moka stores them, and generated configuration must validate), and nothing
// else that is a control character.
func TestFreeText(t *testing.T) {
	ctx := context.Background()
	for value, wantOK := range map[string]bool{
		"Satır 1\nSatır 2": true, "Ad\tSoyad": true, "a\r\nb": true,
		"a\x00": false, "a\x1b[0m": false, "a\v": false, "a\u0085": false,
	} {
		resp := &validator.StringResponse{}
		freeText(200).ValidateString(ctx, validator.StringRequest{Path: path.Root("address"), ConfigValue: types.StringValue(value)}, resp)
		if ok := !resp.Diagnostics.HasError(); ok != wantOK {
			t.Errorf("%q: valid %v, want %v (%v)", value, ok, wantOK, resp.Diagnostics)
		}
	}
}

// TestEmptyMeansUnset holds every optional text attribute of
// moka_dealer_customer to one rule for "": it is accepted, and it means what
// leaving the attribute out means (an empty field in Moka). The rule is read
// off the schema, so an attribute added later is held to it too. password is
// the documented exception: its "" clears the PIN, and is accepted as well.
// What is not "" is still checked: "x" is no e-mail address, date or gender.
func TestEmptyMeansUnset(t *testing.T) {
	var resp fwresource.SchemaResponse
	NewDealerCustomerResource().Schema(t.Context(), fwresource.SchemaRequest{}, &resp)
	checked := 0
	for name, a := range resp.Schema.Attributes {
		s, ok := a.(schema.StringAttribute)
		if !ok || !s.Optional || s.WriteOnly {
			continue
		}
		checked++
		for _, v := range s.Validators {
			if detail := runValidator(t, v, name, types.StringValue("")); detail != "" {
				t.Errorf("%s = \"\" is refused (%s); \"\" must mean the same as leaving %s out", name, detail, name)
			}
		}
	}
	if checked < 8 {
		t.Fatalf("checked %d optional text attributes; the schema has more", checked)
	}
	for _, v := range []validator.String{orEmpty(email()), orEmpty(calendarDate()), orEmpty(oneOf("male", "female"))} {
		if validateDetail(v, "x") == "" {
			t.Errorf("%s accepts \"x\"", v.Description(t.Context()))
		}
		if runValidator(t, v, "attr", types.StringNull()) != "" || runValidator(t, v, "attr", types.StringUnknown()) != "" {
			t.Errorf("%s refuses null or unknown", v.Description(t.Context()))
		}
	}
}
