package moka

import (
	"os"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestMain fails the run when a test leaves a goroutine behind: a fake server
// or sandbox not closed, a request still held, a client's idle keep-alive
// connection to a server that is gone.
func TestMain(m *testing.M) {
	os.Exit(testsupport.RunChecked(m, 5*time.Second))
}
