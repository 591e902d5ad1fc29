package testsupport

import "testing"

func TestLuhnValid(t *testing.T) {
	tests := []struct {
		digits string
		want   bool
	}{
		{"5127541122223332", true}, // Moka's documented test card
		{"5127541122223333", false},
		{"4531444531442283", true},
		{"79927398713", true},
		{"79927398710", false},
		{"", false},
		{"12a4", false},
	}
	for _, tt := range tests {
		if got := LuhnValid(tt.digits); got != tt.want {
			t.Errorf("LuhnValid(%q) = %v, want %v", tt.digits, got, tt.want)
		}
	}
}

func TestCardNumber(t *testing.T) {
	seen := map[string]bool{}
	for n := range 50 {
		got := CardNumber("512754", n, 16)
		if len(got) != 16 || got[:6] != "512754" || !LuhnValid(got) || seen[got] {
			t.Fatalf("CardNumber(512754, %d, 16) = %q: want 16 distinct Luhn-valid digits starting 512754", n, got)
		}
		seen[got] = true
	}
	defer func() {
		if recover() == nil {
			t.Error("CardNumber with a body longer than the length did not panic")
		}
	}()
	CardNumber("512754", 1_000_000_000, 16)
}
