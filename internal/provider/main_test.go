package provider

import (
	"os"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestMain builds the provider the acceptance tests share while the serial
// tests run, and removes it after.
func TestMain(m *testing.M) {
	testsupport.StartSharedBuild()
	code := m.Run()
	testsupport.RemoveSharedBuild()
	os.Exit(code)
}
