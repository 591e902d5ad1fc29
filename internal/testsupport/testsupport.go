// Package testsupport holds helpers that tests of more than one package need.
package testsupport

import (
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// StartSandbox starts a sandbox on a free loopback port, closed when t ends.
func StartSandbox(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	s, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	if _, err := s.Start("127.0.0.1:0"); err != nil {
		_ = s.Close()
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("sandbox.Close: %v", err)
		}
	})
	return s
}
