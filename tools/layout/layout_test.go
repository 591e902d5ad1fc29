package main

import (
	"strings"
	"testing"
)

// TestProjectKeepsItsRooms fails when a file uses a name hidden in a resource's
// file, or when the sandbox and the client come to share code.
func TestProjectKeepsItsRooms(t *testing.T) {
	r, err := analyze(module + "/...")
	if err != nil {
		t.Fatal(err)
	}
	if len(r) < 5 {
		t.Fatalf("analyzed %d packages; the loader found too little to judge", len(r))
	}
	for _, v := range r.violations() {
		t.Error(v)
	}
}

func TestViolations(t *testing.T) {
	tests := []struct {
		name string
		pkg  pkgReport
		want string
	}{
		{"registration may name resources", pkgReport{path: "internal/provider", edges: map[edge]int{{"provider.go", "resource_card.go"}: 1}}, ""},
		{"shared rule in a resource file", pkgReport{path: "internal/provider", edges: map[edge]int{{"resource_card.go", "resource_dealer_customer.go"}: 2}}, "resource_card.go uses a name declared in resource_dealer_customer.go"},
		{"shared file reaching into a resource", pkgReport{path: "internal/provider", edges: map[edge]int{{"private_state.go", "list_card.go"}: 1}}, "private_state.go uses a name declared in list_card.go"},
		{"resource using a shared file", pkgReport{path: "internal/provider", edges: map[edge]int{{"resource_card.go", "card_model.go"}: 1}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(report{tt.pkg}.violations(), "\n")
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("violations = %q, want %q", got, tt.want)
			}
		})
	}
}
