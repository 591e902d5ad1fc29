package conformance

import (
	"os"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestMain fails the run when a test leaves a goroutine behind.
func TestMain(m *testing.M) {
	os.Exit(testsupport.RunChecked(m, 5*time.Second))
}
