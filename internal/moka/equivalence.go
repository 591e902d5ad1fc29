package moka

import (
	"strings"
	"unicode"
)

// Moka answers with its own spelling of what it was sent, so what was sent is
// compared with what Moka holds by these rules, not byte by byte.

// SameText ignores blanks around the values.
func SameText(a, b string) bool {
	return strings.TrimSpace(a) == strings.TrimSpace(b)
}

// SameFreeText also ignores case: a Moka may keep such text in capitals.
func SameFreeText(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if strings.EqualFold(a, b) {
		return true
	}
	// By the usual rules (ı becomes I, which no folding undoes) or Turkish ones.
	upperA, upperB := strings.ToUpper(a), strings.ToUpper(b)
	turkishA, turkishB := strings.ToUpperSpecial(unicode.TurkishCase, a), strings.ToUpperSpecial(unicode.TurkishCase, b)
	return upperA == upperB || turkishA == turkishB
}

// CutTo is how many characters of want a Moka kept in got, or 0 when got is
// not want cut short.
func CutTo(want, got string) int {
	w, n := []rune(want), len([]rune(got))
	if strings.TrimSpace(got) == "" || n >= len(w) || SameFreeText(want, got) || !SameFreeText(string(w[:n]), got) {
		return 0
	}
	return n
}

// SameEmail ignores blanks and case, by the usual or Turkish rules; ı and i
// stay two letters, so ısmail and ismail are two mailboxes.
func SameEmail(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return strings.EqualFold(a, b) || turkishLower(a) == turkishLower(b)
}

func turkishLower(s string) string {
	return strings.ToLower(turkishCapitalI.Replace(s))
}

var turkishCapitalI = strings.NewReplacer("I", "ı", "İ", "i")

// SameCardHolder ignores blanks and case.
func SameCardHolder(a, b string) bool {
	return SameFreeText(a, b)
}

// SameCardToken reports whether two tokens name the same card.
func SameCardToken(a, b string) bool {
	return NormalizeCardToken(a) == NormalizeCardToken(b)
}
