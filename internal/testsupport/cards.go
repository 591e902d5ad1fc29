package testsupport

import "fmt"

// CardNumber is prefix, n zero-padded and a Luhn check digit: length digits.
func CardNumber(prefix string, n, length int) string {
	body := prefix + fmt.Sprintf("%0*d", length-len(prefix)-1, n)
	if len(body) != length-1 {
		panic(fmt.Sprintf("testsupport.CardNumber: %s and %d do not fit in %d digits", prefix, n, length))
	}
	for d := byte('0'); d <= '9'; d++ {
		if LuhnValid(body + string(d)) {
			return body + string(d)
		}
	}
	panic("unreachable: one check digit always fits")
}

// LuhnValid is apart from the provider's and the sandbox's checks, so that
// each is tested against a third hand.
func LuhnValid(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return digits != "" && sum%10 == 0
}
