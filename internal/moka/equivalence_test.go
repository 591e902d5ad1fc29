package moka

import (
	"strings"
	"testing"
)

func TestSameText(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Elif", "Elif", true},
		{" Elif\t", "Elif", true},
		{"Elif", "\u00a0Elif\n", true},
		{"", "  ", true},
		{"Elif", "elif", false},
		{"Elif Y", "Elif  Y", false},
		{"Şükrü", "Sukru", false},
	}
	for _, tt := range tests {
		if got := SameText(tt.a, tt.b); got != tt.want {
			t.Errorf("SameText(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameText(tt.b, tt.a); got != tt.want {
			t.Errorf("SameText(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestSameEmail(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"elif@example.com", "elif@example.com", true},
		{"Elif@Example.COM", "elif@example.com", true},
		{" elif@example.com ", "elif@example.com", true},
		{"ELİF@EXAMPLE.COM", "elif@example.com", true},
		{"elıf@example.com", "ELIF@example.com", true},
		{"ELİF@example.com", "elıf@example.com", false}, // Turkish: ELİF is elif
		{"ısmail@example.com", "ismail@example.com", false},
		{"ısmaıl@example.com", "ISMAIL@example.com", true},
		{"İSMAİL@EXAMPLE.COM", "ismail@example.com", true},
		{"ISMAIL@EXAMPLE.COM", "ismail@example.com", true},
		{"İsmail@example.com", "Ismail@example.com", false},
		{"", "", true},
		{"elif@example.com", "elif@example.co", false},
		{"elif@example.com", "elif.y@example.com", false},
		{"elif@example.com", "", false},
		{"şule@example.com", "sule@example.com", false},
	}
	for _, tt := range tests {
		if got := SameEmail(tt.a, tt.b); got != tt.want {
			t.Errorf("SameEmail(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameEmail(tt.b, tt.a); got != tt.want {
			t.Errorf("SameEmail(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestSameCardToken(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{tToken, tToken, true},
		{"{51937236-82E0-4637-A8F5-2E1EC56EC870}", tToken, true},
		{" {" + tToken + "} ", tToken, true},
		{"{ " + tToken + " }", tToken, true},
		{"", "", true},
		{tToken, "51937236-82e0-4637-a8f5-2e1ec56ec871", false},
		{tToken, "", false},
		{"{{" + tToken + "}}", tToken, false},
	}
	for _, tt := range tests {
		if got := SameCardToken(tt.a, tt.b); got != tt.want {
			t.Errorf("SameCardToken(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameCardToken(tt.b, tt.a); got != tt.want {
			t.Errorf("SameCardToken(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestSameCardHolder(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Elif Yılmaz", "Elif Yılmaz", true},
		{"ELIF YILMAZ", "elif yilmaz", true},
		{" Elif Yılmaz ", "Elif Yılmaz", true},
		{"Elif Yılmaz", "ElifYılmaz", false},
		{"Elif Yılmaz", "Elif Yılmazer", false},
		{"", "", true},
		{"Elif", "", false},
	}
	for _, tt := range tests {
		if got := SameCardHolder(tt.a, tt.b); got != tt.want {
			t.Errorf("SameCardHolder(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameCardHolder(tt.b, tt.a); got != tt.want {
			t.Errorf("SameCardHolder(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestSameFreeText(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Moda Cd. 1, Kadıköy", "MODA CD. 1, KADIKÖY", true},
		{"Şişli", "ŞIŞLI", true},
		{"Şişli", "ŞİŞLİ", true},
		{" Ayşe ", "ayşe", true},
		{"Ayşe", "Ayse", false},
		{"Moda", "Moda Cd.", false},
	}
	for _, tt := range tests {
		if got := SameFreeText(tt.a, tt.b); got != tt.want {
			t.Errorf("SameFreeText(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCutTo(t *testing.T) {
	long := "Caferağa Mah. Moda Cad. No:14, Kadıköy, İstanbul"
	tests := []struct {
		want, got string
		n         int
	}{
		{long, string([]rune(long)[:40]), 40},
		{long, strings.ToUpper(string([]rune(long)[:40])), 40},
		{long, long, 0},
		{long, "", 0},
		{long, "Moda Cad.", 0},
		{"ılgın İnce", "ILGIN", 5},
		{"Kadıköy, İstanbul  ", "Kadıköy, İstanbul", 0}, // blanks dropped, nothing cut
	}
	for _, tt := range tests {
		if got := CutTo(tt.want, tt.got); got != tt.n {
			t.Errorf("CutTo(%q, %q) = %d, want %d", tt.want, tt.got, got, tt.n)
		}
	}
	if !SameCardHolder("ılgın İnce", "ILGIN İNCE") {
		t.Error("a holder's name in capitals is another name")
	}
}
