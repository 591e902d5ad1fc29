package moka

import (
	"strconv"
	"strings"
	"time"
)

// In Go a date is YYYY-MM-DD; on the wire it is Moka's YYYYMMDD.

// ISODate turns the dates Moka or .NET may answer with (YYYYMMDD,
// YYYY-MM-DD with a time, DD.MM.YYYY, DD/MM/YYYY, /Date(ms+hhmm)/) into
// YYYY-MM-DD, and anything else trimmed. A .NET date is taken in its offset:
// .NET writes a local midnight as the instant with its zone's offset.
func ISODate(s string) string {
	s = strings.TrimSpace(s)
	if isoDate(s) {
		return s[:10]
	}
	if len(s) == 8 && digits(s) {
		return s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	if d, ok := dayFirstDate(s); ok {
		return d
	}
	if d, ok := dotNetDate(s); ok {
		return d
	}
	return s
}

func isoDate(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-' &&
		digits(s[:4]) && digits(s[5:7]) && digits(s[8:10]) &&
		(len(s) == 10 || s[10] == 'T' || s[10] == ' ')
}

func dayFirstDate(s string) (string, bool) {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	var parts []string
	switch {
	case strings.Count(s, ".") == 2:
		parts = strings.Split(s, ".")
	case strings.Count(s, "/") == 2:
		parts = strings.Split(s, "/")
	default:
		return "", false
	}
	day, month, year := parts[0], parts[1], parts[2]
	if len(day) < 1 || len(day) > 2 || len(month) < 1 || len(month) > 2 || len(year) != 4 ||
		!digits(day) || !digits(month) || !digits(year) {
		return "", false
	}
	return year + "-" + pad2(month) + "-" + pad2(day), true
}

func dotNetDate(s string) (string, bool) {
	s = strings.ReplaceAll(s, `\/`, "/")
	inner, ok := strings.CutPrefix(s, "/Date(")
	if !ok {
		return "", false
	}
	if inner, ok = strings.CutSuffix(inner, ")/"); !ok {
		return "", false
	}
	ms, offset := inner, ""
	// The offset's sign is the last + or -, unless that is the sign of ms.
	if i := strings.LastIndexAny(inner, "+-"); i > 0 {
		ms, offset = inner[:i], inner[i:]
	}
	if ms == "" || !digits(strings.TrimPrefix(ms, "-")) {
		return "", false
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return "", false
	}
	t := time.UnixMilli(n).UTC()
	if offset != "" {
		if len(offset) != 5 || !digits(offset[1:]) {
			return "", false
		}
		hours, _ := strconv.Atoi(offset[1:3])
		minutes, _ := strconv.Atoi(offset[3:])
		if minutes >= 60 {
			return "", false
		}
		secs := hours*3600 + minutes*60
		if offset[0] == '-' {
			secs = -secs
		}
		t = t.In(time.FixedZone("", secs))
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// wireDate sends anything not YYYY-MM-DD as it is: Moka is to judge it.
func wireDate(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		digits := s[:4] + s[5:7] + s[8:]
		if strings.Trim(digits, "0123456789") == "" {
			return digits
		}
	}
	return s
}
