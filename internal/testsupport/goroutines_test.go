package testsupport

import (
	"strings"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// TestLeftoverGoroutinesSeesLeaks: the check finds a goroutine a test forgot
// and a sandbox left running, and stops seeing them once they end.
func TestLeftoverGoroutinesSeesLeaks(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	go forgotten(started, release)
	<-started
	if left := LeftoverGoroutines(); !anyStack(left, "testsupport.forgotten") {
		t.Errorf("a blocked goroutine is not reported:\n%s", strings.Join(left, "\n\n"))
	}
	close(release)

	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if left := LeftoverGoroutines(); !anyStack(left, "sandbox.(*Server).Start") {
		t.Errorf("a running sandbox is not reported:\n%s", strings.Join(left, "\n\n"))
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(LeftoverGoroutines()) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if left := LeftoverGoroutines(); len(left) > 0 {
		t.Errorf("after Close, still running:\n%s", strings.Join(left, "\n\n"))
	}
}

func forgotten(started, release chan struct{}) {
	close(started)
	<-release
}

func anyStack(stacks []string, frame string) bool {
	for _, s := range stacks {
		if strings.Contains(s, frame) {
			return true
		}
	}
	return false
}
