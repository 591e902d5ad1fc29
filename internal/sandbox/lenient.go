package sandbox

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf16"
)

// Moka's ASP.NET reader (Newtonsoft.Json) converts between strings and
// numbers, and the documentation's samples rely on it: "Gender": "2",
// "DealerCustomerId": "" (MOKA-API.md, "The call" [seed][doc]). Names match
// in any case and unknown names are ignored. A value of a wrong type is
// remembered, not a failed decode, so InvalidRequest can name the field.

// lenientString is a string field that also accepts a JSON number (its text).
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
		s.Present, s.V = true, string(b)
	default:
		s.Err = "must be a string"
	}
	return nil
}

// lenientInt is an integer field that also accepts it as a JSON string.
type lenientInt struct {
	Present bool  // the key was there with a non-null value ("" counts as present, value 0)
	Null    bool  // the key was there with null
	V       int64 // the value (0 when absent or "")
	Err     string
}

// Given: for identifiers "", 0 and null all mean "not given".
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

// hasLoneSurrogate reports a \u escape of an unpaired UTF-16 surrogate in a
// JSON string literal, which encoding/json would silently make U+FFFD.
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
