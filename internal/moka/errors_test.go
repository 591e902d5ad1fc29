package moka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		code          string
		message       string
		wantReason    string
		notFound      bool
		alreadyExists bool
		invalidEmail  bool
	}{
		{code: "DealerCustomer.GetCustomer.DealerCustomerNotFound", wantReason: ReasonDealerCustomerNotFound, notFound: true},
		{code: "DealerCustomer.RemoveCustomer.DealerCustomerNotFound", wantReason: ReasonDealerCustomerNotFound, notFound: true},
		{code: "DealerCustomer.UpdateCustomer.DealerCustomerNotFound", wantReason: ReasonDealerCustomerNotFound, notFound: true},
		{code: "DealerCustomer.GetCard.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "DealerCustomer.UpdateCard.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "DealerCustomer.RemoveCard.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "Some.Other.Prefix.CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "CardNotFound", wantReason: ReasonCardNotFound, notFound: true},
		{code: "DealerCustomer.AddCustomer.CustomerCodeAlreadyUsing", wantReason: ReasonCustomerCodeAlreadyUsing, alreadyExists: true},
		{code: "DealerCustomer.AddCustomerWithCard.CustomerCodeAlreadyUsing", wantReason: ReasonCustomerCodeAlreadyUsing, alreadyExists: true},
		{code: "DealerCustomer.AddCustomer.InvalidEmailFormat", wantReason: ReasonInvalidEmailFormat, invalidEmail: true},
		{code: "DealerCustomer.AddCustomer.InvalidRequest", wantReason: ReasonInvalidRequest},
		{code: "DealerCustomer.RemoveCustomer.CustomerCodeOrDealerCustomerIdMustBeGiven", wantReason: ReasonCustomerCodeOrDealerCustomerIDMustBeGiven},
		{code: "DealerCustomer.RemoveCustomer.CustomerCodeDoesntMatchDealerCustomerId", wantReason: ReasonCustomerCodeDoesntMatchDealerCustomerID},
		{code: "DealerCustomer.GetCard.CardTokenIsRequired", wantReason: ReasonCardTokenIsRequired},
		{code: "DealerCustomer.X.DealerCustomerNotFoundish", wantReason: "DealerCustomerNotFoundish"},
		{code: "EX", message: "Object reference not set to an instance of an object.", wantReason: ResultCodeEX},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			_, err := decodeEnvelope("Op", 200, "", []byte(failure(tt.code, tt.message)), nil)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %#v, want *APIError", err)
			}
			if apiErr.ResultCode != tt.code || apiErr.Reason != tt.wantReason || apiErr.Message != tt.message {
				t.Errorf("got %+v", apiErr)
			}
			wrapped := fmt.Errorf("outer: %w", err)
			if Reason(wrapped) != tt.wantReason {
				t.Errorf("Reason(wrapped) = %q", Reason(wrapped))
			}
			if IsNotFound(wrapped) != tt.notFound || IsAlreadyExists(wrapped) != tt.alreadyExists || IsInvalidEmail(wrapped) != tt.invalidEmail {
				t.Errorf("IsNotFound=%v IsAlreadyExists=%v IsInvalidEmail=%v", IsNotFound(wrapped), IsAlreadyExists(wrapped), IsInvalidEmail(wrapped))
			}
			msg := err.Error()
			if !strings.Contains(msg, "Op") || !strings.Contains(msg, tt.code) || (tt.message != "" && !strings.Contains(msg, tt.message)) {
				t.Errorf("Error() = %q lacks the operation, code or message", msg)
			}
		})
	}

	t.Run("helpers on other errors", func(t *testing.T) {
		for _, err := range []error{nil, errors.New("x"), &TransportError{Operation: "Op", Err: errors.New("x")}} {
			if Reason(err) != "" || IsNotFound(err) || IsAlreadyExists(err) || IsInvalidEmail(err) {
				t.Errorf("%v classified as a Moka answer", err)
			}
		}
		conflict := fmt.Errorf("wrapped: %w", &ConflictError{CustomerCode: "c", DealerCustomerID: 5})
		if !IsAlreadyExists(conflict) || IsNotFound(conflict) {
			t.Errorf("ConflictError: IsAlreadyExists=%v", IsAlreadyExists(conflict))
		}
	})

	t.Run("business error under a non-200 status is still an APIError", func(t *testing.T) {
		_, err := decodeEnvelope("Op", 500, "", []byte(failure("EX", "boom")), nil)
		if Reason(err) != ResultCodeEX {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("Success with a failing status is a TransportError", func(t *testing.T) {
		_, err := decodeEnvelope("Op", 502, "", []byte(success("{}")), nil)
		var te *TransportError
		if !errors.As(err, &te) || te.HTTPStatus != 502 {
			t.Errorf("err = %#v", err)
		}
	})
}

// TestResultCodesSurviveAPasswordInThem: an API password that is a word of
// Moka's result codes ("Card", "NotFound") must not garble the codes that
// every decision is made on.
func TestResultCodesSurviveAPasswordInThem(t *testing.T) {
	for _, password := range []string{"Card", "NotFound", "Dealer", "Customer"} {
		t.Run(password, func(t *testing.T) {
			srv := testsupport.StartSandbox(t, sandbox.Options{Password: password})
			c, err := New(Config{BaseURL: srv.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: password})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetCard(context.Background(), "51937236-82e0-4637-a8f5-2e1ec56ec870")
			if !IsNotFound(err) {
				t.Errorf("GetCard of a missing card: %v, want not found", err)
			}
			_, err = c.GetCustomer(context.Background(), CustomerRef{CustomerCode: "YOK"})
			if !IsNotFound(err) {
				t.Errorf("GetCustomer of a missing customer: %v, want not found", err)
			}
		})
	}
}

// TestPredicatesMatchTheirCodes: each predicate of errors.go (IsNotFound,
// isCodeTaken, ...) matches exactly the reasons its row names, and no other.
func TestPredicatesMatchTheirCodes(t *testing.T) {
	type matches struct{ notFound, alreadyExists, invalidEmail bool }
	tests := map[string]matches{
		ReasonDealerCustomerNotFound:   {notFound: true},
		ReasonCardNotFound:             {notFound: true},
		ReasonCustomerCodeAlreadyUsing: {alreadyExists: true},
		ReasonInvalidEmailFormat:       {invalidEmail: true},
		// Every other reason the client knows, and some it does not.
		ReasonInvalidRequest: {},
		ResultCodeEX:         {},
		ReasonCustomerCodeOrDealerCustomerIDMustBeGiven: {},
		ReasonCustomerCodeDoesntMatchDealerCustomerID:   {},
		ReasonCardTokenIsRequired:                       {},
		"Success":                                       {},
		"cardnotfound":                                  {},
		"DealerCustomerNotFoundish":                     {},
		"NotFound":                                      {},
		"CustomerNotFound":                              {},
		"EmailFormat":                                   {},
	}
	for reason, want := range tests {
		for _, code := range []string{reason, "DealerCustomer.GetCard." + reason, "Other.Prefix." + reason} {
			err := fmt.Errorf("wrapped: %w", newAPIError("Op", code, ""))
			got := matches{notFound: IsNotFound(err), alreadyExists: IsAlreadyExists(err), invalidEmail: IsInvalidEmail(err)}
			if got != want {
				t.Errorf("%s: %+v, want %+v", code, got, want)
			}
		}
	}
}
