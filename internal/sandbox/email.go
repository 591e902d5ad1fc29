package sandbox

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Which addresses Moka refuses as InvalidEmailFormat is not documented
// (MOKA-API.md: only the code [seed]). The sandbox's rule [inferred] refuses
// what is no mail address by any reading and accepts the rest, rather than
// guess at a stricter rule Moka might not apply. internal/testsupport.EmailCases
// lists its verdicts; the provider's validator is tested against the same list.

// emailSpecials have a meaning in RFC 5322 outside a quoted string; the
// sandbox does not read quoted forms.
const emailSpecials = `<>()[],;:\"`

// emailFormatOK: exactly one @, no white space or emailSpecials; a mailbox
// of words joined by single dots; a host of two or more labels, none empty or
// with a hyphen at either end, the last at least two characters. Letters of
// any script pass (şükrü@örnek.com.tr).
func emailFormatOK(addr string) bool {
	for _, r := range addr {
		if unicode.IsSpace(r) || strings.ContainsRune(emailSpecials, r) {
			return false
		}
	}
	parts := strings.Split(addr, "@")
	if len(parts) != 2 {
		return false
	}
	mailbox, host := parts[0], parts[1]
	for _, word := range strings.Split(mailbox, ".") {
		if word == "" {
			return false
		}
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	for _, label := range labels {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
	}
	topLevel := labels[len(labels)-1]
	return utf8.RuneCountInString(topLevel) >= 2
}
