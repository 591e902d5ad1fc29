package moka

// SameCardToken reports whether two tokens name the same card.
func SameCardToken(a, b string) bool {
	return NormalizeCardToken(a) == NormalizeCardToken(b)
}
