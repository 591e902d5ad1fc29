package sandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"unicode/utf8"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestEmailVerdicts: the sandbox answers AddCustomer with each address as
// testsupport.EmailCases says Moka does. The table is written apart from the
// sandbox's rule, so this is the rule checked against the documented (and
// decided) verdicts, not against the provider's validator.
func TestEmailVerdicts(t *testing.T) {
	s := testsupport.StartSandbox(t, sandbox.Options{})
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)

	for i, c := range testsupport.EmailCases {
		want := "Success"
		switch {
		case utf8.RuneCountInString(c.Address) > testsupport.EmailMaxChars:
			want = "DealerCustomer.AddCustomer.InvalidRequest"
		case !c.MokaAccepts:
			want = "DealerCustomer.AddCustomer.InvalidEmailFormat"
		}
		t.Run(fmt.Sprintf("%02d %s", i, c.Why), func(t *testing.T) {
			body := sandbox.RequestBody(map[string]any{"CustomerCode": fmt.Sprintf("email-%d", i), "Email": c.Address})
			resp, err := client.Post(s.URL()+"/DealerCustomer/AddCustomer", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var answer struct {
				ResultCode string
				Data       *struct{ DealerCustomer struct{ Email string } }
			}
			if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
				t.Fatalf("HTTP %d: %v", resp.StatusCode, err)
			}
			if answer.ResultCode != want {
				t.Fatalf("%q %s: %s, want %s", c.Address, c.Source, answer.ResultCode, want)
			}
			if want == "Success" && (answer.Data == nil || answer.Data.DealerCustomer.Email != c.Address) {
				t.Errorf("%q was accepted but stored as %+v", c.Address, answer.Data)
			}
		})
	}
}
