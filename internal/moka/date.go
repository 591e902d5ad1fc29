package moka

import "strings"

// The one place where a date changes form. In Go a date is YYYY-MM-DD (what
// the provider's users write); on the wire it is Moka's YYYYMMDD.

// ISODate turns the dates Moka may answer with (YYYYMMDD as documented, or
// YYYY-MM-DD, possibly with a time of day) into YYYY-MM-DD. Anything else
// comes back without the blanks around it.
func ISODate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		return s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	return s
}

// wireDate is a YYYY-MM-DD date in Moka's form, YYYYMMDD. A date already in
// Moka's form, and anything that is not a date in either form, is sent as it
// is: what to make of it is for Moka to say.
func wireDate(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		digits := s[:4] + s[5:7] + s[8:]
		if strings.Trim(digits, "0123456789") == "" {
			return digits
		}
	}
	return s
}
