package moka

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// TestPredicatesMatchTheirCodes: the predicates are derived from the reasons
// each object's file declares. Every reason they matched when they were a
// fixed list is matched still, by the same predicate, and no other is.
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
	var declared []string
	for reason := range reasonMeanings {
		if tests[reason] == (matches{}) {
			declared = append(declared, reason)
		}
	}
	if len(declared) != 0 {
		t.Errorf("reasons declared to mean something that no predicate matched before: %v", declared)
	}
	if got, want := slices.Sorted(maps.Keys(reasonMeanings)), []string{ReasonCardNotFound, ReasonCustomerCodeAlreadyUsing, ReasonDealerCustomerNotFound, ReasonInvalidEmailFormat}; !slices.Equal(got, want) {
		t.Errorf("declared reasons %v, want %v", got, want)
	}
}

// TestDeclaringAReasonTwice: an object may repeat a reason another declared,
// with the same meaning; with another meaning it is a mistake caught at start.
func TestDeclaringAReasonTwice(t *testing.T) {
	before := maps.Clone(reasonMeanings)
	t.Cleanup(func() { reasonMeanings = before })
	declareReasons(map[string]reasonMeaning{ReasonCardNotFound: meansNotFound})
	defer func() {
		if recover() == nil {
			t.Error("a reason declared with a second meaning was taken")
		}
	}()
	declareReasons(map[string]reasonMeaning{ReasonCardNotFound: meansAlreadyExists})
}
