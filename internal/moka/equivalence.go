package moka

import "strings"

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

// SameEmail reports whether two e-mail addresses are the same address: blanks
// around them ignored, in any case, the Turkish dotted capital and dotless
// small i taken for the Latin i.
func SameEmail(a, b string) bool {
	return strings.EqualFold(dotlessI.Replace(strings.TrimSpace(a)), dotlessI.Replace(strings.TrimSpace(b)))
}

// dotlessI maps the Turkish dotted capital and dotless small i to the Latin
// i, which simple case folding does not: ELİF@ and elif@ are the same address.
var dotlessI = strings.NewReplacer("İ", "i", "ı", "i")

// SameCardHolder reports whether two card holder names are the same name:
// blanks around them ignored, in any case (banks and Moka may keep a holder's
// name in capitals).
func SameCardHolder(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// SameCardToken reports whether two tokens name the same card.
func SameCardToken(a, b string) bool {
	return NormalizeCardToken(a) == NormalizeCardToken(b)
}
