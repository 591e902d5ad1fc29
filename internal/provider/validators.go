package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// textValidator checks a string value; check returns "" when the value is fine,
// or what is wrong with it, in words that follow the attribute's name.
type textValidator struct {
	description string
	check       func(string) string
}

var _ validator.String = textValidator{}

func (v textValidator) Description(context.Context) string         { return v.description }
func (v textValidator) MarkdownDescription(context.Context) string { return v.description }

func (v textValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := v.check(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), req.Path.String()+" "+problem)
	}
}

// text is Moka's limit on a free-text field: valid UTF-8, no control characters,
// at most max characters (Moka counts characters, so "ğ" is one, not two bytes).
func text(maxChars int) validator.String {
	return textOf(maxChars, unicode.IsControl, "no control characters")
}

// freeText is text for a customer's names and address, which may also hold
// tabs and line breaks: Moka stores them (a postal address on several lines),
// and a configuration generated from what Moka holds must validate.
func freeText(maxChars int) validator.String {
	return textOf(maxChars, forbiddenControl, "no control characters but tabs and line breaks")
}

func textOf(maxChars int, control func(rune) bool, controls string) textValidator {
	return textValidator{
		description: fmt.Sprintf("at most %d characters, %s", maxChars, controls),
		check: func(s string) string {
			if !utf8.ValidString(s) {
				return "is not valid UTF-8 text."
			}
			if i := strings.IndexFunc(s, control); i >= 0 {
				r, _ := utf8.DecodeRuneInString(s[i:])
				return fmt.Sprintf("contains a control character (%U) at byte %d; Moka takes printable text only.", r, i)
			}
			if n := utf8.RuneCountInString(s); n > maxChars {
				return fmt.Sprintf("must be at most %d characters long; this one has %d.", maxChars, n)
			}
			return ""
		},
	}
}

// forbiddenControl is a control character that free text may not hold.
func forbiddenControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// shown is s quoted for a message: at most shownChars characters of it, so that
// a huge value does not make a huge diagnostic; %q keeps the message valid
// UTF-8 whatever s holds.
func shown(s string) string {
	const shownChars = 40
	if utf8.RuneCountInString(s) <= shownChars {
		return fmt.Sprintf("%q", s)
	}
	i, n := 0, 0
	for i = range s {
		if n == shownChars {
			break
		}
		n++
	}
	return fmt.Sprintf("%q… (%d characters)", s[:i], utf8.RuneCountInString(s))
}

// orEmpty is v for an optional attribute of a Moka object, which also takes
// "": the one rule for "" across such attributes is that it means what
// leaving the attribute out means, a field that holds nothing (Moka takes ""
// for every optional field and answers "" for one that holds nothing). So ""
// is never refused for not being an e-mail address, a date or a gender. The
// exception is the customer's password, whose "" clears it while leaving it
// out leaves it unmanaged; it is not validated through here.
func orEmpty(v validator.String) validator.String {
	return emptyOrValidator{v}
}

type emptyOrValidator struct{ inner validator.String }

var _ validator.String = emptyOrValidator{}

func (v emptyOrValidator) Description(ctx context.Context) string {
	return "\"\" (the same as leaving it out), or " + v.inner.Description(ctx)
}

func (v emptyOrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v emptyOrValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() && req.ConfigValue.ValueString() == "" {
		return
	}
	v.inner.ValidateString(ctx, req, resp)
}

// nonEmptyText is text that must not be empty or only spaces.
func nonEmptyText(maxChars int) validator.String {
	inner := textOf(maxChars, unicode.IsControl, "no control characters")
	return textValidator{
		description: fmt.Sprintf("1 to %d characters, no control characters", maxChars),
		check: func(s string) string {
			if strings.TrimSpace(s) == "" {
				return "must not be empty."
			}
			return inner.check(s)
		},
	}
}

func email() validator.String {
	return textValidator{
		description: "an e-mail address, at most 100 characters",
		check: func(s string) string {
			if p := textOf(100, unicode.IsControl, "no control characters").check(s); p != "" {
				return p
			}
			if !plausibleEmail(s) {
				return fmt.Sprintf("must be an e-mail address such as \"elif.y@example.com\"; got %s.", shown(s))
			}
			return ""
		},
	}
}

// plausibleEmail is the address form worth sending to Moka: one @, a local part
// without spaces, quotes, brackets or stray dots, and a domain of at least two
// labels, none empty or starting or ending with a hyphen, ending in a label of
// two or more characters. It refuses what Moka's InvalidEmailFormat would
// refuse at apply time, rather than every address RFC 5322 allows; its tests
// hold it to testsupport.EmailCases, the verdicts the sandbox is held to too.
func plausibleEmail(s string) bool {
	if strings.ContainsFunc(s, unicode.IsSpace) || strings.ContainsAny(s, "<>()[],;:\\\"") {
		return false
	}
	local, domain, found := strings.Cut(s, "@")
	if !found || local == "" || strings.Contains(domain, "@") {
		return false
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return utf8.RuneCountInString(labels[len(labels)-1]) >= 2
}

// calendarDate accepts YYYY-MM-DD for a real day between 1900 and today.
func calendarDate() validator.String {
	return textValidator{
		description: "a date in the form YYYY-MM-DD",
		check: func(s string) string {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil || t.Format(time.DateOnly) != s {
				return fmt.Sprintf("must be a real calendar date in the form YYYY-MM-DD, such as \"1990-12-18\"; got %s.", shown(s))
			}
			if t.Year() < 1900 || t.After(time.Now()) {
				return fmt.Sprintf("must be between 1900-01-01 and today; got %s.", shown(s))
			}
			return ""
		},
	}
}

var (
	monthPattern = regexp.MustCompile(`^(0[1-9]|1[0-2])$`)
	yearPattern  = regexp.MustCompile(`^[0-9]{4}$`)
)

func expMonth() validator.String {
	return textValidator{
		description: "a month in the form MM, 01 to 12",
		check: func(s string) string {
			if !monthPattern.MatchString(s) {
				return fmt.Sprintf("must be a month as two digits, \"01\" to \"12\"; got %s.", shown(s))
			}
			return ""
		},
	}
}

func expYear() validator.String {
	return textValidator{
		description: "a year in the form YYYY",
		check: func(s string) string {
			if !yearPattern.MatchString(s) {
				return fmt.Sprintf("must be a year as four digits, such as \"2030\"; got %s.", shown(s))
			}
			return ""
		},
	}
}

// cardNumber checks a card number without ever putting it in the message.
func cardNumber() validator.String {
	return textValidator{
		description: "12 to 19 digits with a valid Luhn check digit",
		check: func(s string) string {
			for _, r := range s {
				if r < '0' || r > '9' {
					return "must contain digits only (no spaces or dashes)."
				}
			}
			if len(s) < 12 || len(s) > 19 {
				return fmt.Sprintf("must be 12 to 19 digits long; this one has %d.", len(s))
			}
			if !luhnValid(s) {
				return "fails the Luhn check: the last digit does not match the others. Check for a mistyped digit."
			}
			return ""
		},
	}
}

func luhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// oneOfValidator is stringvalidator.OneOf with the same diagnostic, except that
// the refused value is shown cut short: the framework's would repeat a value of
// a megabyte in full.
type oneOfValidator struct {
	values []string
}

var _ validator.String = oneOfValidator{}

func oneOf(values ...string) validator.String { return oneOfValidator{values: values} }

func (v oneOfValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be one of: %q", v.values)
}

func (v oneOfValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v oneOfValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	for _, ok := range v.values {
		if s == ok {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match",
		fmt.Sprintf("Attribute %s %s, got: %s", req.Path, v.Description(ctx), shown(s)))
}
