package moka

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
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

// TestAnotherService: an operation of another Moka API goes through the same
// request path, to its own path and in its own envelope, with nothing of the
// DealerCustomer API in the request.
func TestAnotherService(t *testing.T) {
	paymentDealer := service("PaymentDealer")
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, op string, n int, body []byte) {
		writeJSON(w, failure("PaymentDealer.GetPlan.PlanNotFound", ""))
	})
	c := newTestClient(t, f.URL())
	_, err := c.call(context.Background(), paymentDealer.operation("GetPlan"), map[string]any{"PlanCode": "P-1"}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Operation != "GetPlan" || apiErr.Reason != "PlanNotFound" {
		t.Errorf("err = %v, want the APIError of GetPlan", err)
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Path != "/PaymentDealer/GetPlan" {
		t.Fatalf("requests %+v, want one to /PaymentDealer/GetPlan", reqs)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(reqs[0].Body, &top); err != nil {
		t.Fatal(err)
	}
	if got := keys(top); len(got) != 2 || top["PaymentDealerAuthentication"] == nil || top["PaymentDealerRequest"] == nil {
		t.Errorf("envelope keys %v, want PaymentDealerAuthentication and PaymentDealerRequest", got)
	}
	var auth authentication
	if err := json.Unmarshal(top["PaymentDealerAuthentication"], &auth); err != nil || auth != newAuthentication(Config{DealerCode: tDealer, Username: tUser, Password: tAPIPW}) {
		t.Errorf("authentication %+v (%v)", auth, err)
	}
	if got, want := paymentDealer.operation("GetPlan").resultCode("PlanNotFound"), "PaymentDealer.GetPlan.PlanNotFound"; got != want {
		t.Errorf("resultCode = %q, want %q", got, want)
	}
}
