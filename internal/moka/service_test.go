package moka

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

func TestCheckKeyKnownVectors(t *testing.T) {
	tests := []struct {
		dealer, user, password string
		want                   string
	}{
		// printf 'SANDBOXMKsandboxPDsandbox' | sha256sum
		{"SANDBOX", "sandbox", "sandbox", "a0e8057650c11002a03f5d6829e4e3e1e05f97aba7350aa9d8735bbbfd940fee"},
		// printf 'ELİFMKElifPDElif123' | sha256sum  (the UpdateCard seed's account; UTF-8)
		{"ELİF", "Elif", "Elif123", "07816769d45b8bfac43459cff2c621b866d3a2af46fa1afe3e39665945a6fc20"},
	}
	for _, tt := range tests {
		t.Run(tt.dealer, func(t *testing.T) {
			got := CheckKey(tt.dealer, tt.user, tt.password)
			if got != tt.want {
				t.Errorf("CheckKey(%q, %q, %q) = %s, want %s", tt.dealer, tt.user, tt.password, got, tt.want)
			}
			if len(got) != 64 || strings.ToLower(got) != got {
				t.Errorf("CheckKey is not 64 lower-case hex digits: %q", got)
			}
		})
	}
}

func TestCheckCredentials(t *testing.T) {
	srv := testsupport.StartSandbox(t, sandbox.Options{})
	for _, tt := range []struct {
		name, url, password string
		want                error
	}{
		{"taken", srv.URL(), "sandbox", nil},
		{"refused", srv.URL(), "wrong", ErrCredentialsRejected},
		{"no answer proves nothing", "http://127.0.0.1:9", "sandbox", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{BaseURL: tt.url, DealerCode: "SANDBOX", Username: "sandbox", Password: tt.password})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.CheckCredentials(context.Background()); !errors.Is(err, tt.want) {
				t.Errorf("CheckCredentials = %v, want %v", err, tt.want)
			}
		})
	}
	if n := srv.Stats().Calls["GetCard"]; n != 2 {
		t.Errorf("%d GetCard calls, want one per check", n)
	}
}
