package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Lengths, patterns and one-of are terraform-plugin-framework-validators';
// here is what none says. Every message names the attribute and the limit,
// stays short whatever the value, and never holds a secret.

// text is Moka's free-text field: printable, at most maxChars characters.
func text(maxChars int) validator.String {
	return inOrder(printable(unicode.IsControl, "no control characters"), stringvalidator.UTF8LengthAtMost(maxChars))
}

// freeText allows tabs and line breaks, which Moka stores in names and
// address, so that generated configuration validates.
func freeText(maxChars int) validator.String {
	return inOrder(printable(forbiddenControl, "no control characters but tabs and line breaks"), stringvalidator.UTF8LengthAtMost(maxChars))
}

func forbiddenControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// nonEmptyText is text that is not empty or only blanks (of any script).
func nonEmptyText(maxChars int) validator.String {
	notBlank := textValidator{"not blank", func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "must not be empty."
		}
		return ""
	}}
	return inOrder(notBlank, text(maxChars))
}

func printable(control func(rune) bool, description string) textValidator {
	return textValidator{description, func(s string) string {
		if !utf8.ValidString(s) {
			return "is not valid UTF-8 text."
		}
		if i := strings.IndexFunc(s, control); i >= 0 {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return fmt.Sprintf("contains a control character (%U) at byte %d; Moka takes printable text only.", r, i)
		}
		return ""
	}}
}

func email() validator.String {
	return inOrder(text(100), textValidator{"an e-mail address", func(s string) string {
		if !plausibleEmail(s) {
			return fmt.Sprintf("must be an e-mail address such as \"elif.y@example.com\"; got %s.", shown(s))
		}
		return ""
	}})
}

// plausibleEmail refuses what Moka's InvalidEmailFormat would, not what RFC
// 5322 would; testsupport.EmailCases holds it to Moka's verdicts.
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
	return textValidator{"a date in the form YYYY-MM-DD", func(s string) string {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil || t.Format(time.DateOnly) != s {
			return fmt.Sprintf("must be a real calendar date in the form YYYY-MM-DD, such as \"1990-12-18\"; got %s.", shown(s))
		}
		if t.Year() < 1900 || t.After(time.Now()) {
			return fmt.Sprintf("must be between 1900-01-01 and today; got %s.", shown(s))
		}
		return ""
	}}
}

func expMonth() validator.String {
	return shortened(stringvalidator.RegexMatches(regexp.MustCompile(`^(0[1-9]|1[0-2])$`), `must be a month as two digits, "01" to "12"`))
}

func expYear() validator.String {
	return shortened(stringvalidator.RegexMatches(regexp.MustCompile(`^[0-9]{4}$`), `must be a year as four digits, such as "2030"`))
}

func oneOf(values ...string) validator.String { return shortened(stringvalidator.OneOf(values...)) }

// cardNumber checks a card number without ever putting it in the message.
func cardNumber() validator.String {
	return inOrder(
		unshown(stringvalidator.RegexMatches(regexp.MustCompile(`^[0-9]*$`), "must contain digits only (no spaces or dashes)")),
		stringvalidator.UTF8LengthBetween(12, 19),
		textValidator{"a valid Luhn check digit", func(s string) string {
			if !luhnValid(s) {
				return "fails the Luhn check: the last digit does not match the others. Check for a mistyped digit."
			}
			return ""
		}},
	)
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

// orEmpty: on an optional attribute "" means an empty field, as leaving it out
// does, so it is never refused. Not for the password, whose "" clears it.
func orEmpty(v validator.String) validator.String {
	describe := func(ctx context.Context) string { return `"" (the same as leaving it out), or ` + v.Description(ctx) }
	return composite{describe, func(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
		if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() != "" {
			v.ValidateString(ctx, req, resp)
		}
	}}
}

// inOrder stops at the first of vs to refuse: one error per value, the most
// basic first (a megabyte holding a control character is told of that).
func inOrder(vs ...validator.String) validator.String {
	describe := func(ctx context.Context) string {
		var ds []string
		for _, v := range vs {
			ds = append(ds, v.Description(ctx))
		}
		return strings.Join(ds, "; ")
	}
	return composite{describe, func(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
		for _, v := range vs {
			var r validator.StringResponse
			v.ValidateString(ctx, req, &r)
			if resp.Diagnostics.Append(r.Diagnostics...); r.Diagnostics.HasError() {
				return
			}
		}
	}}
}

// shortened is v quoting the refused value cut short: stringvalidator's OneOf
// and RegexMatches repeat it whole, a megabyte, or invalid UTF-8.
func shortened(v validator.String) validator.String { return restated(v, shown) }

// unshown is v with no part of the value in its message, for a secret.
func unshown(v validator.String) validator.String { return restated(v, nil) }

func restated(v validator.String, show func(string) string) validator.String {
	return composite{v.Description, func(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
		var inner validator.StringResponse
		if v.ValidateString(ctx, req, &inner); !inner.Diagnostics.HasError() {
			return
		}
		detail := fmt.Sprintf("Attribute %s %s", req.Path, v.Description(ctx))
		if show != nil {
			detail += ", got: " + show(req.ConfigValue.ValueString())
		}
		resp.Diagnostics.AddAttributeError(req.Path, inner.Diagnostics.Errors()[0].Summary(), detail)
	}}
}

type composite struct {
	describe func(context.Context) string
	validate func(context.Context, validator.StringRequest, *validator.StringResponse)
}

func (w composite) Description(ctx context.Context) string         { return w.describe(ctx) }
func (w composite) MarkdownDescription(ctx context.Context) string { return w.describe(ctx) }
func (w composite) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	w.validate(ctx, req, resp)
}

// textValidator is a rule no library validator says: check returns what is
// wrong with the value, in words that follow the attribute's name, or "".
type textValidator struct {
	description string
	check       func(string) string
}

func (v textValidator) Description(context.Context) string         { return v.description }
func (v textValidator) MarkdownDescription(context.Context) string { return v.description }

func (v textValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := v.check(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value", fmt.Sprintf("Attribute %s %s", req.Path, problem))
	}
}

// shown: at most 40 characters, valid UTF-8 whatever s holds.
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

func optionalText(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Description: description, Optional: true, Validators: validators}
}
