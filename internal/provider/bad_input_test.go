package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// Hostile input: values far past every limit, control characters, invalid
// UTF-8, emoji, and the Turkish letters that must come back exactly as they
// went out. (The ordinary limits are tested with each resource.)

const megabyte = 1 << 20

// hclQuote writes s as an HCL string literal: control characters as \u
// escapes, and "${" / "%{" escaped so that they stay literal text.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			fmt.Fprintf(&b, `\u%04X`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestHCLQuote(t *testing.T) {
	for in, want := range map[string]string{
		`a"b\c`:       `"a\"b\\c"`,
		"x\ny\tz\x00": `"x\ny\tz\u0000"`,
		"\x1b[0m\x7f": `"\u001B[0m\u007F"`,
		"${x} %{y} $": `"$${x} %%{y} $"`,
		"ğüş😀":        `"ğüş😀"`,
	} {
		if got := hclQuote(in); got != want {
			t.Errorf("hclQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// badInputCase is one resource block for terraform validate: the attributes
// (beyond the required ones, which get harmless values) and the error detail
// it must produce, or "" when it must be accepted.
type badInputCase struct {
	kind, name string
	attrs      map[string]string
	wantErr    string
	// secret is a part of a value that no message may repeat.
	secret string
}

func badInputCases() []badInputCase {
	rep := strings.Repeat
	customer := func(name string, attr, value, wantErr string) badInputCase {
		attrs := map[string]string{"customer_code": "BAD-" + name}
		attrs[attr] = value
		return badInputCase{kind: "moka_dealer_customer", name: name, attrs: attrs, wantErr: wantErr}
	}
	card := func(name string, attr, value, wantErr string) badInputCase {
		attrs := map[string]string{
			"customer_code": "BAD", "card_holder_full_name": "Ayşe", "card_number_wo": "5127541122223332",
			"exp_month": "12", "exp_year": "2030",
		}
		attrs[attr] = value
		return badInputCase{kind: "moka_card", name: name, attrs: attrs, wantErr: wantErr}
	}
	cardName := func(name string, attr, value, wantErr string) badInputCase {
		attrs := map[string]string{"card_token": "51937236-82e0-4637-a8f5-2e1ec56ec870", "card_name": "x"}
		attrs[attr] = value
		return badInputCase{kind: "moka_card_name", name: name, attrs: attrs, wantErr: wantErr}
	}
	secret := func(c badInputCase, s string) badInputCase { c.secret = s; return c }
	return []badInputCase{
		// A megabyte (and two, in Turkish letters) in every text attribute.
		customer("code_1mb", "customer_code", rep("A", megabyte), "customer_code UTF-8 character count must be at most 100, got: 1048576"),
		customer("first_1mb", "first_name", rep("ğ", megabyte), "first_name UTF-8 character count must be at most 50, got: 1048576"),
		customer("last_1mb", "last_name", rep("ş", megabyte), "last_name UTF-8 character count must be at most 50, got: 1048576"),
		customer("gsm_1mb", "gsm_number", rep("5", megabyte), "gsm_number UTF-8 character count must be at most 20, got: 1048576"),
		customer("email_1mb", "email", rep("a", megabyte)+"@example.com", "email UTF-8 character count must be at most 100, got: 1048588"),
		customer("address_1mb", "address", rep("İ", megabyte), "address UTF-8 character count must be at most 200, got: 1048576"),
		customer("birth_1mb", "birth_date", rep("1", megabyte), "birth_date must be a real calendar date in the form YYYY-MM-DD"),
		customer("gender_1mb", "gender", rep("m", megabyte), "value must be one of"),
		secret(customer("password_1mb", "password", rep("SECRETPW", megabyte/8), "password UTF-8 character count must be at most 50, got: 1048576"), "SECRETPW"),
		secret(customer("password_wo_1mb", "password_wo", rep("SECRETWO", megabyte/8), "password_wo UTF-8 character count must be at most 50, got: 1048576"), "SECRETWO"),
		card("holder_1mb", "card_holder_full_name", rep("Ç", megabyte), "card_holder_full_name UTF-8 character count must be at most 100, got: 1048576"),
		card("name_1mb", "card_name", rep("ö", megabyte), "card_name UTF-8 character count must be at most 50, got: 1048576"),
		secret(card("number_1mb", "card_number_wo", rep("4", megabyte), "card_number_wo UTF-8 character count must be between 12 and 19, got: 1048576"), "4444444444"),
		card("month_1mb", "exp_month", rep("1", megabyte), "exp_month must be a month as two digits"),
		card("year_1mb", "exp_year", rep("2", megabyte), "exp_year must be a year as four digits"),
		cardName("token_1mb", "card_token", rep("f", megabyte), "card_token UTF-8 character count must be at most 38, got: 1048576"),
		cardName("card_name_1mb", "card_name", rep("ü", megabyte), "card_name UTF-8 character count must be at most 50, got: 1048576"),

		// Control characters: NUL, bell, escape sequences, CR LF (header
		// injection in an e-mail), DEL and a C1 control.
		customer("code_nul", "customer_code", "C-1\x00", "customer_code contains a control character (U+0000) at byte 3"),
		customer("code_newline", "customer_code", "C-1\n", "customer_code contains a control character (U+000A)"),
		customer("code_blank", "customer_code", " \u00a0\u3000 ", "customer_code must not be empty."), // no-break and ideographic spaces are blank too
		customer("code_spaces", "customer_code", "   ", "customer_code must not be empty."),
		customer("first_escape", "first_name", "\x1b[31mKırmızı\x1b[0m", "first_name contains a control character (U+001B) at byte 0"),
		customer("last_del", "last_name", "Öz\x7f", "last_name contains a control character (U+007F)"),
		customer("last_c1", "last_name", "Öz\u0085", "last_name contains a control character (U+0085)"),
		customer("gsm_bell", "gsm_number", "530\a", "gsm_number contains a control character (U+0007)"),
		customer("email_crlf", "email", "a@example.com\r\nBcc: b@example.com", "email contains a control character (U+000D)"),
		customer("address_vt", "address", "Güneşli\vSk.", "address contains a control character (U+000B)"),
		secret(customer("password_nul", "password", "SECRETPW\x00", "password contains a control character (U+0000) at byte 8"), "SECRETPW"),
		secret(customer("password_wo_cr", "password_wo", "SECRETWO\r", "password_wo contains a control character (U+000D) at byte 8"), "SECRETWO"),
		card("holder_newline", "card_holder_full_name", "Ayşe\nYılmaz", "card_holder_full_name contains a control character (U+000A)"),
		card("name_bell", "card_name", "Kart\a", "card_name contains a control character (U+0007)"),
		cardName("card_name_nul", "card_name", "\x00", "card_name contains a control character (U+0000)"),

		// Look-alikes: digits and letters from other scripts, spaces.
		secret(card("number_spaces", "card_number_wo", "5127 5411 2222 3332", "card_number_wo must contain digits only"), "2222"),
		secret(card("number_fullwidth", "card_number_wo", "５１２７５４１１２２２２３３３２", "card_number_wo must contain digits only"), "５１２７"),
		secret(card("number_luhn", "card_number_wo", "5127541122223333", "card_number_wo fails the Luhn check"), "122222"),
		card("number_emoji", "card_number_wo", "😀", "card_number_wo must contain digits only"),
		card("month_fullwidth", "exp_month", "１２", "exp_month must be a month as two digits"),
		card("month_13", "exp_month", "13", "exp_month must be a month as two digits"),
		card("month_space", "exp_month", " 12", "exp_month must be a month as two digits"),
		card("year_fullwidth", "exp_year", "２０３０", "exp_year must be a year as four digits"),
		customer("birth_fullwidth", "birth_date", "１９９０-０１-０１", "birth_date must be a real calendar date"),
		customer("birth_feb30", "birth_date", "1990-02-30", "birth_date must be a real calendar date"),
		customer("birth_future", "birth_date", "2999-01-01", "birth_date must be between 1900-01-01 and today"),
		customer("gender_case", "gender", "Male", "value must be one of"),
		customer("gender_turkish", "gender", "kadın", "value must be one of"),
		customer("email_no_at", "email", "elif.example.com", "email must be an e-mail address"),

		// Accepted: emoji and Turkish letters at the limits (counted in
		// characters, not bytes), zero-width joiners, right-to-left marks,
		// decomposed letters, template-looking text.
		customer("first_50_turkish", "first_name", rep("ğüşıöçİĞÜŞ", 5), ""),
		customer("first_51_turkish", "first_name", rep("ğüşıöçİĞÜŞ", 5)+"Ö", "first_name UTF-8 character count must be at most 50, got: 51"),
		customer("address_200_emoji", "address", rep("😀", 200), ""),
		customer("address_201_emoji", "address", rep("😀", 201), "address UTF-8 character count must be at most 200, got: 201"),
		customer("last_zwj", "last_name", "👩\u200d👩\u200d👧 Öz\u200ftürk\u202e", ""),
		customer("last_decomposed", "last_name", "S\u0327ahin I\u0307nce", ""),
		customer("address_template", "address", "${var.x} %{if true}y%{endif}", ""),
		customer("email_turkish", "email", "çağrı.işık@örnek.com.tr", ""),
		card("holder_turkish", "card_holder_full_name", "İĞÜŞÖÇ ığüşöç", ""),
		cardName("card_name_emoji", "card_name", "Bonus kartım 💳", ""),
	}
}

// TestAccBadInputValidate runs terraform validate on one configuration that
// holds every hostile value above, each in its own resource, and checks that
// each is refused with its own clear error (short: never the megabyte back;
// never a secret back) or accepted, with no crash.
func TestAccBadInputValidate(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	version := tf.Version()
	cases := badInputCases()
	if !version.AtLeast(1, 11) {
		// moka_card's card_number_wo and password_wo are write-only, which
		// Terraform before 1.11 refuses outright; the other cases still run.
		t.Logf("Terraform %s is older than 1.11: leaving out the moka_card and password_wo cases", version)
		kept := cases[:0]
		for _, c := range cases {
			if _, wo := c.attrs["password_wo"]; c.kind != "moka_card" && !wo {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	// One file per resource: Terraform quotes the source line of each
	// diagnostic, and finding it in one file of many megabytes is slow.
	tf.Config("")
	for _, c := range cases {
		var hcl strings.Builder
		fmt.Fprintf(&hcl, "resource %q %q {\n", c.kind, c.name)
		for attr, v := range c.attrs {
			fmt.Fprintf(&hcl, "  %s = %s\n", attr, hclQuote(v))
		}
		hcl.WriteString("}\n")
		testsupport.WriteFile(t, filepath.Join(tf.Dir, c.kind+"."+c.name+".tf"), hcl.String())
	}
	start := time.Now()
	_, out := tf.Run(nil, "validate", "-json", "-no-color")
	var result struct {
		Diagnostics []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail"`
			Snippet  *struct {
				Context string `json:"context"`
			} `json:"snippet"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &result); err != nil {
		t.Fatalf("terraform validate -json: %v\n%s", err, tail(out, 20))
	}
	t.Logf("terraform validate of %d hostile resources: %v, %d diagnostics", len(cases), time.Since(start).Round(time.Millisecond), len(result.Diagnostics))
	byResource := map[string][]string{}
	blockRE := regexp.MustCompile(`^resource "([a-z_]+)" "([a-z0-9_]+)"`)
	for _, d := range result.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		if strings.Contains(strings.ToLower(d.Summary+d.Detail), "panic") || strings.Contains(d.Summary, "Plugin did not respond") {
			t.Fatalf("the provider crashed: %s: %s", d.Summary, d.Detail)
		}
		var m []string
		if d.Snippet != nil {
			m = blockRE.FindStringSubmatch(d.Snippet.Context)
		}
		if m == nil {
			t.Errorf("an error for no resource of the test: %s: %.300s", d.Summary, d.Detail)
			continue
		}
		byResource[m[1]+"."+m[2]] = append(byResource[m[1]+"."+m[2]], d.Detail)
	}
	for _, c := range cases {
		addr := c.kind + "." + c.name
		got := byResource[addr]
		switch {
		case c.wantErr == "" && len(got) > 0:
			t.Errorf("%s: refused, want accepted: %.300q", addr, got)
		case c.wantErr != "" && len(got) != 1:
			t.Errorf("%s: %d errors, want one containing %q: %.300q", addr, len(got), c.wantErr, got)
		case c.wantErr != "" && !strings.Contains(got[0], c.wantErr):
			t.Errorf("%s: error %.300q, want one containing %q", addr, got[0], c.wantErr)
		}
		for _, detail := range got {
			if len(detail) > 500 {
				t.Errorf("%s: a %d-byte error message: %.200q...", addr, len(detail), detail)
			}
			if c.secret != "" && strings.Contains(detail, c.secret) {
				t.Errorf("%s: the error repeats the secret value: %.200q", addr, detail)
			}
		}
	}
}

// TestValidatorsHostileUnit sends what HCL cannot hold (invalid UTF-8) and
// the other hostile values straight to every validator: each must refuse
// invalid UTF-8 with a short message in valid UTF-8 (a diagnostic that is
// not valid UTF-8 would break the plugin protocol), never panic, and never
// repeat a card number.
func TestValidatorsHostileUnit(t *testing.T) {
	validators := map[string]validator.String{
		"text":         text(50),
		"nonEmptyText": nonEmptyText(100),
		"email":        email(),
		"calendarDate": calendarDate(),
		"expMonth":     expMonth(),
		"expYear":      expYear(),
		"cardNumber":   cardNumber(),
	}
	hostile := []string{
		"\xff", "\xc3", "ab\xc3\x28cd", "\xed\xa0\x80", "a\x00b", "\xef\xbf\xbd",
		strings.Repeat("\xff", megabyte), strings.Repeat("1", megabyte), strings.Repeat("ğ", megabyte),
		"4111111111111111\xff", "1990-01-0\xff", "a@b.c\xff",
	}
	for name, v := range validators {
		for _, value := range hostile {
			detail := validateDetail(v, value)
			if !utf8.ValidString(value) && detail == "" {
				t.Errorf("%s accepts invalid UTF-8 %.40q", name, value)
			}
			if !utf8.ValidString(detail) {
				t.Errorf("%s: the message for %.40q is not valid UTF-8: %q", name, value, detail)
			}
			if len(detail) > 500 {
				t.Errorf("%s: a %d-byte message for a %d-byte value", name, len(detail), len(value))
			}
			if name == "cardNumber" && len(value) >= 4 && strings.Contains(detail, value[:4]) {
				t.Errorf("cardNumber repeats the number: %q", detail)
			}
		}
	}
}

// validateDetail runs v on value and returns the error detail, "" when accepted.
func validateDetail(v validator.String, value string) string {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("attr"), ConfigValue: types.StringValue(value)}, resp)
	var details []string
	for _, d := range resp.Diagnostics.Errors() {
		details = append(details, d.Detail())
	}
	return strings.Join(details, "\n")
}

// FuzzValidators: no input makes a validator panic, produce a long or
// invalid-UTF-8 message, or repeat a card number; what text() accepts is
// valid UTF-8 without control characters within the limit; and a customer
// whose text fields hold an accepted value maps to Moka and back unchanged.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"", "Ayşe", "ğüşıöçİĞÜŞÖÇ", "😀", "\x00", "\xff", "1990-12-18", "5127541122223332", "a@b.co", "12", "2030", " \u00a0", "S\u0327"} {
		f.Add(s)
	}
	txt, card := text(50), cardNumber()
	others := []validator.String{nonEmptyText(100), email(), calendarDate(), expMonth(), expYear(), oneOf("male", "female")}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range append(others, txt, card) {
			msg := validateDetail(v, s)
			if !utf8.ValidString(msg) || len(msg) > 400 {
				t.Fatalf("message for %q: %q", s, msg)
			}
		}
		if msg := validateDetail(card, s); msg != "" && len(s) >= 6 && strings.Contains(msg, s) {
			t.Fatalf("cardNumber repeats the number: %q", msg)
		}
		if validateDetail(txt, s) != "" {
			return
		}
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }) || utf8.RuneCountInString(s) > 50 {
			t.Fatalf("text(50) accepts %q", s)
		}
		m := dealerCustomerModel{
			CustomerCode: types.StringValue("C"), FirstName: types.StringValue(s), LastName: types.StringValue(s),
			GsmNumber: types.StringValue(s), Address: types.StringValue(s), Password: types.StringValue(s),
		}
		api := m.toAPI()
		if api.FirstName != s || api.LastName != s || api.GsmNumber != s || api.Address != s || api.Password != s {
			t.Fatalf("toAPI changed %q: %+v", s, api)
		}
		back := m.withAPI(api, false)
		for _, got := range []types.String{back.FirstName, back.LastName, back.GsmNumber, back.Address, back.Password} {
			if s == "" && got.IsNull() {
				continue
			}
			if got.ValueString() != s {
				t.Fatalf("withAPI(toAPI(%q)) = %q", s, got.ValueString())
			}
		}
	})
}

// Turkish letters, emoji and decomposed letters in every text field, checked
// byte for byte in the sandbox's stored data and in state.
const (
	trCode  = "MÜŞTERİ-ğüşıöç-İĞÜŞÖÇ"
	trFirst = "ğüşıöçİĞÜŞğüşıöçİĞÜŞğüşıöçİĞÜŞğüşıöçİĞÜŞğüşıöçİĞÜŞ" // 50 characters, 100 bytes
	trLast  = "Çağlayan Işık Öğüt"
	trGSM   = "ığüşöç İĞÜŞÖÇ 532"
	trEmail = "çağrı.işık@örnek.com.tr"
	// trAddress ends in a decomposed Ş (S + U+0327 combining cedilla). HCL
	// turns string literals into NFC, so Terraform hands the provider (and the
	// provider Moka) the composed letter, trAddressNFC: the test pins that.
	trAddress    = "Şişli, İstanbul — Güneşli Sk. No: 7/Ö 😀 S\u0327ahin"
	trAddressNFC = "Şişli, İstanbul — Güneşli Sk. No: 7/Ö 😀 \u015eahin"
	trPassword   = "Şifre-ğüİ"
	trHolder     = "Çağrı Işık ÖĞÜŞ"
	trCardName   = "Bonus kartım ğüşİ 💳"
	trRename     = "Maaş kartım ÇĞİÖŞÜ"
	trOldName    = "Eski adı ığüşöç"
)

func TestAccTurkishRoundTrip_customer(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	config := providerBlock(srv) + fmt.Sprintf(`
resource "moka_dealer_customer" "tr" {
  customer_code = %s
  first_name    = %s
  last_name     = %s
  gender        = "female"
  gsm_number    = %s
  email         = %s
  address       = %s
  password      = %s
}
`, hclQuote(trCode), hclQuote(trFirst), hclQuote(trLast), hclQuote(trGSM), hclQuote(trEmail), hclQuote(trAddress), hclQuote(trPassword))
	addr := "moka_dealer_customer.tr"
	stateChecks := []statecheck.StateCheck{}
	for attr, want := range map[string]string{
		"customer_code": trCode, "first_name": trFirst, "last_name": trLast, "gsm_number": trGSM,
		"email": trEmail, "address": trAddressNFC, "password": trPassword,
	} {
		stateChecks = append(stateChecks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.StringExact(want)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: stateChecks,
				Check: func(*terraform.State) error {
					got := srv.Customers()
					if len(got) != 1 {
						return fmt.Errorf("the sandbox holds %d customers", len(got))
					}
					want := sandbox.Customer{
						DealerCustomerID: got[0].DealerCustomerID, CustomerCode: trCode, Password: trPassword,
						FirstName: trFirst, LastName: trLast, Gender: 2, GsmNumber: trGSM, Email: trEmail, Address: trAddressNFC,
					}
					if got[0] != want {
						return fmt.Errorf("the sandbox holds %s, want %s", quoteFields(got[0]), quoteFields(want))
					}
					return nil
				},
			},
			{
				// Read back through import, by the Turkish code.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "code:" + trCode,
				ImportStateVerify: true,
				// An import reads no password: it is not managed until a
				// configuration says so (the next apply sends it).
				ImportStateVerifyIgnore: []string{"password"},
			},
		},
		CheckDestroy: checkSandboxEmpty(srv),
	})
}

// TestAccTurkishRoundTrip_cards: a write-only password, a stored card and the
// rename of a card stored outside Terraform, all in Turkish (Terraform 1.11
// for the write-only attributes).
func TestAccTurkishRoundTrip_cards(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	owner, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "DIŞARIDA-ÇĞİ", FirstName: "Öğrenci"})
	if err != nil {
		t.Fatal(err)
	}
	outside, err := srv.AddCardDirect(owner.DealerCustomerID, "Dış Kişi", "4531441122223338", "12", "2030", trOldName)
	if err != nil {
		t.Fatal(err)
	}
	config := providerBlock(srv) + fmt.Sprintf(`
resource "moka_dealer_customer" "tr" {
  customer_code       = %s
  password_wo         = %s
  password_wo_version = 1
}

resource "moka_card" "tr" {
  customer_code         = moka_dealer_customer.tr.customer_code
  card_holder_full_name = %s
  card_number_wo        = "5127541122223332"
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = %s
}

resource "moka_card_name" "tr" {
  card_token = %q
  card_name  = %s
}
`, hclQuote(trCode), hclQuote(trPassword), hclQuote(trHolder), hclQuote(trCardName), outside.CardToken, hclQuote(trRename))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("moka_dealer_customer.tr", tfjsonpath.New("customer_code"), knownvalue.StringExact(trCode)),
				statecheck.ExpectKnownValue("moka_dealer_customer.tr", tfjsonpath.New("password"), knownvalue.Null()),
				statecheck.ExpectKnownValue("moka_card.tr", tfjsonpath.New("card_holder_full_name"), knownvalue.StringExact(trHolder)),
				statecheck.ExpectKnownValue("moka_card.tr", tfjsonpath.New("card_name"), knownvalue.StringExact(trCardName)),
				statecheck.ExpectKnownValue("moka_card.tr", tfjsonpath.New("customer_code"), knownvalue.StringExact(trCode)),
				statecheck.ExpectKnownValue("moka_card_name.tr", tfjsonpath.New("card_name"), knownvalue.StringExact(trRename)),
				statecheck.ExpectKnownValue("moka_card_name.tr", tfjsonpath.New("customer_code"), knownvalue.StringExact(owner.CustomerCode)),
				statecheck.ExpectKnownValue("moka_card_name.tr", tfjsonpath.New("card_holder_full_name"), knownvalue.StringExact("Dış Kişi")),
			},
			Check: func(*terraform.State) error {
				var cust *sandbox.Customer
				for _, c := range srv.Customers() {
					if c.CustomerCode == trCode {
						cust = &c
					}
				}
				if cust == nil || cust.Password != trPassword {
					return fmt.Errorf("the sandbox holds %d customers, none %q with password %q", len(srv.Customers()), trCode, trPassword)
				}
				names := map[string]bool{}
				for _, k := range srv.Cards() {
					names[k.CardName] = true
					if k.CardName == trCardName && k.CardHolderFullName != trHolder {
						return fmt.Errorf("card holder %q, want %q", k.CardHolderFullName, trHolder)
					}
				}
				if !names[trCardName] || !names[trRename] || len(names) != 2 {
					return fmt.Errorf("the sandbox's card names are %v, want %q and %q", names, trCardName, trRename)
				}
				return nil
			},
		}},
		// Destroy gives the outside card its old Turkish name back, exactly.
		CheckDestroy: func(*terraform.State) error {
			cards := srv.Cards()
			if len(cards) != 1 || cards[0].CardToken != outside.CardToken || cards[0].CardName != trOldName {
				return fmt.Errorf("after destroy the sandbox holds %#v, want only the outside card named %q", cards, trOldName)
			}
			return nil
		},
	})
}

// quoteFields shows a customer with every string quoted in ASCII, so that a
// difference in composed and decomposed letters is visible.
func quoteFields(c sandbox.Customer) string {
	return fmt.Sprintf("%+q", []string{c.CustomerCode, c.Password, c.FirstName, c.LastName, c.GsmNumber, c.Email, c.Address, c.BirthDate, fmt.Sprint(c.Gender)})
}

// TestAccBadInputProviderSettings: a megabyte in a provider setting is refused
// with a short error that quotes only its start (the settings are checked when
// the provider is configured, at plan time). Not parallel: it sets an
// environment variable, which the in-process provider reads.
func TestAccBadInputProviderSettings(t *testing.T) {
	long := strings.Repeat("1", megabyte)
	refused := func(attr, value, env, shownAs string) resource.TestStep {
		settings := map[string]string{"base_url": "http://127.0.0.1:1", "dealer_code": "SANDBOX", "username": "sandbox", "password": "sandbox"}
		if value != "" {
			settings[attr] = value
		}
		var block strings.Builder
		block.WriteString("provider \"moka\" {\n")
		for k, v := range settings {
			fmt.Fprintf(&block, "  %s = %s\n", k, hclQuote(v))
		}
		block.WriteString("}\n")
		return resource.TestStep{
			PreConfig: func() {
				if env != "" {
					// 100 000 characters: a megabyte is more than one
					// environment variable may hold for terraform's exec.
					t.Setenv(env, long[:100_000])
				}
			},
			Config:      block.String() + "\nresource \"moka_dealer_customer\" \"c\" {\n  customer_code = \"C-1\"\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + attr + `.*got\s+` + shownAs),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			refused("request_timeout", long, "", `"1{40}"…\s+\(1048576\s+characters\)`),
			refused("environment", long, "", `"1{40}"…\s+\(1048576\s+characters\)`),
			refused("base_url", "ftp://"+long, "", `"ftp://1{34}"…\s+\(1048582\s+characters\)`),
			refused("MOKA_MAX_RETRIES", "", "MOKA_MAX_RETRIES", `"1{40}"…\s+\(100000\s+characters\)`),
		},
	})
}
