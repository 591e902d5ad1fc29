package testsupport

import "strings"

// EmailCase is an address and Moka's verdict on it. A refused address over
// EmailMaxChars is InvalidRequest, any other InvalidEmailFormat.
type EmailCase struct {
	Address     string
	MokaAccepts bool
	Source      string // a MOKA-API.md tag: "[seed]" or "[inferred]"
	Why         string
}

const EmailMaxChars = 100 // [seed]

// EmailCases is Moka's verdict on addresses, so that the sandbox and the
// provider's validator are tested against it, not each other. Which addresses
// fail the format check is not documented: most rows are [inferred]. When a
// real Moka answers otherwise, change the row, then the sandbox, then the
// provider.
var EmailCases = []EmailCase{
	// Accepted.
	{"elif.y@moka.com", true, "[seed]", "the address in the AddCustomer seed's request and successful answer"},
	{"Elif.Yilmaz@Example.COM", true, "[inferred]", "upper case is kept, not refused"},
	{"a+b@mail.example.com.tr", true, "[inferred]", "a plus sign in the mailbox and a subdomain"},
	{"a+b@x-y.com", true, "[inferred]", "a hyphen inside a domain label"},
	{"şükrü@örnek.com.tr", true, "[inferred]", "Turkish letters in the mailbox and the domain"},
	{"sukru@example.com.tr", true, "[inferred]", "a second-level Turkish domain"},
	{"a@b.co", true, "[inferred]", "the shortest form: one-letter mailbox and domain, two-letter top-level domain"},
	{strings.Repeat("a", 70) + "@example.com", true, "[inferred]", "a mailbox longer than RFC 5321's 64 characters: only the field's limit counts"},
	{strings.Repeat("a", 88) + "@example.com", true, "[seed]", "exactly 100 characters, the field's limit"},
	{strings.Repeat("ç", 94) + "@ör.tr", true, "[seed]", "exactly 100 characters that are 194 bytes: the limit counts characters"},
	{"", true, "[inferred]", "no address: Email is optional, and \"\" is how a client clears it"},

	// Over the limit.
	{"a" + strings.Repeat("a", 88) + "@example.com", false, "[seed]", "101 characters, one over the field's limit (refused as InvalidRequest [inferred])"},
	{strings.Repeat("ç", 95) + "@ör.tr", false, "[seed]", "101 characters of Turkish letters (refused as InvalidRequest [inferred])"},

	// The @ and the mailbox.
	{"elif.example.com", false, "[inferred]", "no @"},
	{"elif", false, "[inferred]", "a bare word"},
	{"a@b@example.com", false, "[inferred]", "two @"},
	{"@example.com", false, "[inferred]", "an empty mailbox"},
	{".a@example.com", false, "[inferred]", "a mailbox starting with a dot"},
	{"a.@example.com", false, "[inferred]", "a mailbox ending with a dot"},
	{"a..b@example.com", false, "[inferred]", "two dots together in the mailbox"},
	{`"a"@example.com`, false, "[inferred]", "a quoted mailbox, which RFC 5322 allows but nobody types"},

	// The domain.
	{"a@", false, "[inferred]", "no domain"},
	{"a@localhost", false, "[inferred]", "a domain without a top-level domain"},
	{"a@b", false, "[inferred]", "a one-label domain"},
	{"a@example.c", false, "[inferred]", "a one-letter top-level domain"},
	{"a@example..com", false, "[inferred]", "an empty domain label"},
	{"a@.com", false, "[inferred]", "a domain starting with a dot"},
	{"a@example.com.", false, "[inferred]", "a domain ending with a dot"},
	{"a@-example.com", false, "[inferred]", "a label starting with a hyphen"},
	{"a@example-.com", false, "[inferred]", "a label ending with a hyphen"},
	{"a@[192.0.2.1]", false, "[inferred]", "an address literal instead of a domain"},

	// Blanks, lists and brackets.
	{"   ", false, "[inferred]", "only blanks: not an empty address"},
	{"a b@example.com", false, "[inferred]", "a space inside"},
	{" a@example.com", false, "[inferred]", "a leading space: it is not trimmed"},
	{"a@example.com\n", false, "[inferred]", "a trailing line break"},
	{"a@example.com\u00a0", false, "[inferred]", "a no-break space, white space outside ASCII"},
	{"<a@example.com>", false, "[inferred]", "angle brackets around an address"},
	{"Elif <a@example.com>", false, "[inferred]", "a display name with an address"},
	{"a@example.com,b@example.com", false, "[inferred]", "a list of two addresses"},
	{"a@example.com;b@example.com", false, "[inferred]", "a list separated by a semicolon"},
	{"a@b.com,", false, "[inferred]", "a trailing comma"},
}
