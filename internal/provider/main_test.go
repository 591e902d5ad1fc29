package provider

import (
	"os"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestMain removes the provider build the acceptance tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	testsupport.RemoveSharedBuild()
	os.Exit(code)
}
