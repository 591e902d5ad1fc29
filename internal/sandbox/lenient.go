package sandbox

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf16"
)

// Why the decoding is lenient: Moka's server is ASP.NET, whose JSON reader
// (Newtonsoft.Json) converts between strings and numbers instead of refusing
// them, and the documentation's own samples rely on it: they send
// "Gender": "2" and "DealerCustomerId": "" (MOKA-API.md, "The call" [seed][doc]).
// A sandbox that decoded strictly would refuse Moka's own samples, and a
// client tested against it could never learn that it may meet such values.
//
// lenientString and lenientInt accept what the real server is seen to accept
// and remember what was wrong instead of failing the whole decode, so that
// validation can name the field in InvalidRequest's ResultMessage.

// lenientString is a string field that also accepts a JSON number (its literal text),
// and remembers whether it was present (not missing, not null).
type lenientString struct {
	Present bool   // the key was there with a non-null value
	Null    bool   // the key was there with null
	V       string // the value ("" when absent)
	Err     string // non-empty: the value had a type no string can come from
}

func (s *lenientString) UnmarshalJSON(b []byte) error {
	*s = lenientString{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		s.Null = string(b) == "null"
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		if hasLoneSurrogate(b) {
			s.Err = "must be valid UTF-8 text"
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			s.Err = "must be a string"
			return nil //nolint:nilerr // recorded in s.Err; the request is answered with InvalidRequest, as Moka does
		}
		s.Present, s.V = true, v
	case c == '-' || (c >= '0' && c <= '9'):
		// Newtonsoft.Json turns a number into its text for a string property.
		s.Present, s.V = true, string(b)
	default:
		s.Err = "must be a string"
	}
	return nil
}

// lenientInt is an integer field that also accepts the integer as a JSON string.
// null, a missing key and "" all leave it without a value.
type lenientInt struct {
	Present bool  // the key was there with a non-null value ("" counts as present, value 0)
	Null    bool  // the key was there with null
	V       int64 // the value (0 when absent or "")
	Err     string
}

// Given reports whether a non-zero value was sent; for identifiers "", 0 and
// null all mean "not given".
func (i lenientInt) Given() bool { return i.Err == "" && i.Present && i.V != 0 }

func (i *lenientInt) UnmarshalJSON(b []byte) error {
	*i = lenientInt{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		i.Null = string(b) == "null"
		return nil
	}
	text := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			i.Err = "must be an integer"
			return nil //nolint:nilerr // recorded in i.Err; the request is answered with InvalidRequest, as Moka does
		}
		if text == "" {
			i.Present = true
			return nil
		}
	} else if !(b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		i.Err = "must be an integer"
		return nil
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		i.Err = "must be an integer"
		return nil //nolint:nilerr // recorded in i.Err; the request is answered with InvalidRequest, as Moka does
	}
	i.Present, i.V = true, v
	return nil
}

// hasLoneSurrogate reports whether a JSON string literal contains a \u escape
// of a UTF-16 surrogate that is not part of a valid pair. encoding/json would
// silently turn it into U+FFFD; the sandbox refuses it like invalid UTF-8.
func hasLoneSurrogate(lit []byte) bool {
	for i := 0; i < len(lit); i++ {
		if lit[i] != '\\' || i+1 >= len(lit) {
			continue
		}
		if lit[i+1] != 'u' {
			i++ // skip the escaped character, e.g. the second \ of \\.
			continue
		}
		r, ok := hex4(lit, i+2)
		if !ok {
			return false // malformed escape: json.Unmarshal will refuse it
		}
		i += 5
		if !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xDC00 { // low surrogate without a high one before it
			return true
		}
		if i+2 < len(lit) && lit[i+1] == '\\' && lit[i+2] == 'u' {
			r2, ok := hex4(lit, i+3)
			if ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
				i += 6
				continue
			}
		}
		return true
	}
	return false
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	return r, true
}
