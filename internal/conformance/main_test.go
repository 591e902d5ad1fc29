package conformance

import (
	"os"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestMain fails the run when a test leaves a goroutine behind.
func TestMain(m *testing.M) {
	// Retries in these tests need not wait as long as against a real Moka.
	retryBaseDelay, retryMaxDelay = 10*time.Millisecond, 200*time.Millisecond
	os.Exit(testsupport.RunChecked(m, 5*time.Second))
}
