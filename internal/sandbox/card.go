package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// newToken returns a random version 4 GUID, lower case with dashes.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatGUID(b[:])
}

func formatGUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// normalizeToken turns a GUID in any form .NET parses ("D", "B", "P", "N";
// any case; surrounding blanks) into the stored form.
func normalizeToken(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && ((s[0] == '{' && s[len(s)-1] == '}') || (s[0] == '(' && s[len(s)-1] == ')')) {
		s = s[1 : len(s)-1]
	}
	var digits string
	switch len(s) {
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return "", false
		}
		digits = s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	case 32:
		digits = s
	default:
		return "", false
	}
	b, err := hex.DecodeString(digits)
	if err != nil || len(b) != 16 {
		return "", false
	}
	return formatGUID(b), true
}

func luhnValid(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// bankByBIN: of MOKA-API.md's test cards only 512754 has a documented issuer,
// and 979206 is Troy; the spelling of bank names is [inferred].
var bankByBIN = map[string]string{
	"512754": "Akbank",
	"979206": "Troy Test Bank",
}

const fallbackBank = "TEST BANK"

func bankName(bin string) string {
	if b, ok := bankByBIN[bin]; ok {
		return b
	}
	return fallbackBank
}

// expired: a card is valid through its month (UTC is close enough to Turkey).
func expired(month, year int, now time.Time) bool {
	now = now.UTC()
	y, m := now.Year(), int(now.Month())
	return year < y || (year == y && month < m)
}
