package testsupport

import (
	"testing"
	"unicode/utf8"
)

// TestEmailCases keeps the table usable as an oracle: one row per address,
// each with its source and reason, the limit's edge on both sides, and both
// verdicts represented.
func TestEmailCases(t *testing.T) {
	seen := map[string]bool{}
	var accepted, refused int
	var atLimit, overLimit bool
	for _, c := range EmailCases {
		if seen[c.Address] {
			t.Errorf("%q appears twice", c.Address)
		}
		seen[c.Address] = true
		if c.Source != "[seed]" && c.Source != "[inferred]" {
			t.Errorf("%q: source %q is not a MOKA-API.md tag", c.Address, c.Source)
		}
		if c.Why == "" {
			t.Errorf("%q: no reason", c.Address)
		}
		n := utf8.RuneCountInString(c.Address)
		if n > EmailMaxChars && c.MokaAccepts {
			t.Errorf("%q: %d characters, over the limit, yet accepted", c.Address, n)
		}
		atLimit = atLimit || (n == EmailMaxChars && c.MokaAccepts)
		overLimit = overLimit || n == EmailMaxChars+1
		if c.MokaAccepts {
			accepted++
		} else {
			refused++
		}
	}
	if !atLimit || !overLimit {
		t.Errorf("the table must hold an accepted address of exactly %d characters (%v) and one of %d (%v)", EmailMaxChars, atLimit, EmailMaxChars+1, overLimit)
	}
	if accepted == 0 || refused == 0 {
		t.Errorf("%d accepted and %d refused addresses: both verdicts must be tested", accepted, refused)
	}
}
