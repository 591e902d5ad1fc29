package testsupport

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

func TestStartSandbox(t *testing.T) {
	s := StartSandbox(t, sandbox.Options{})
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL() = %q, want http://127.0.0.1:PORT", s.URL())
	}
	resp, err := http.Get(s.URL() + "/sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st sandbox.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || st.Connections != 1 {
		t.Fatalf("stats: status %d, %+v", resp.StatusCode, st)
	}
}
