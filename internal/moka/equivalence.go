package moka

import (
	"strings"
	"unicode"
)

// When two values Moka holds mean the same. Moka answers with its own spelling
// of what it was sent (blanks around a name dropped or kept, an e-mail in
// another case, a card token in upper case and braces), so whoever compares
// what it sent with what Moka holds (the client, the provider, the tests) asks
// these rules rather than comparing bytes.

// SameText reports whether two free-text values are equal once the blanks
// around them are dropped.
func SameText(a, b string) bool {
	return strings.TrimSpace(a) == strings.TrimSpace(b)
}

// SameFreeText reports whether two values of a free-text field (a name, an
// address, a card's name) are the same text: blanks around them ignored, in
// any case, since a Moka may keep such text in capitals. A change of case
// alone made in Moka's panel is therefore not drift.
func SameFreeText(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if strings.EqualFold(a, b) {
		return true
	}
	// Upper case as Moka would store it: by the usual rules (ı becomes I,
	// which no case folding undoes) or by Turkish ones (i becomes İ).
	upperA, upperB := strings.ToUpper(a), strings.ToUpper(b)
	turkishA, turkishB := strings.ToUpperSpecial(unicode.TurkishCase, a), strings.ToUpperSpecial(unicode.TurkishCase, b)
	return upperA == upperB || turkishA == turkishB
}

// CutTo is how many characters of want Moka kept when it stored got: want
// cut short (in any case), by a Moka that keeps text shorter than its
// documented limit. 0 when got is not want cut short.
func CutTo(want, got string) int {
	w, n := []rune(want), len([]rune(got))
	if strings.TrimSpace(got) == "" || n >= len(w) || SameFreeText(want, got) || !SameFreeText(string(w[:n]), got) {
		return 0
	}
	return n
}

// SameEmail reports whether two e-mail addresses are the same address: blanks
// around them ignored, in any case, by the usual case rules or by Turkish ones
// (ELİF and elif, ELIF and elıf). The dotless ı and the dotted i are two
// letters under both, so ısmail and ismail are two mailboxes.
func SameEmail(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return strings.EqualFold(a, b) || turkishLower(a) == turkishLower(b)
}

// turkishLower is s in lower case by Turkish rules, where I and İ are the
// capitals of ı and i.
func turkishLower(s string) string {
	return strings.ToLower(turkishCapitalI.Replace(s))
}

var turkishCapitalI = strings.NewReplacer("I", "ı", "İ", "i")

// SameCardHolder reports whether two card holder names are the same name:
// blanks around them ignored, in any case (banks and Moka may keep a holder's
// name in capitals).
func SameCardHolder(a, b string) bool {
	return SameFreeText(a, b)
}

// SameCardToken reports whether two tokens name the same card.
func SameCardToken(a, b string) bool {
	return NormalizeCardToken(a) == NormalizeCardToken(b)
}
