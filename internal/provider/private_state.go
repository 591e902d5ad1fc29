package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Every key the resources keep in private state. A state written by an earlier
// release carries these names, so a key is never renamed or given another
// meaning: an upgrade would lose what it holds. A new key needs a test that a
// state without it still plans clean (see create_lifecycle_test.go for the
// pattern).
const (
	// privatePasswordWriteOnly marks a customer whose password is managed
	// through password_wo: Read must then not copy Moka's password to state.
	privatePasswordWriteOnly = "password_write_only"

	// privateOriginalCardName keeps the name a card had before moka_card_name
	// took it over, so that destroy can give it back.
	privateOriginalCardName = "original_card_name"

	// privateCreateClaim is a pending record's claim (create_lifecycle.go).
	privateCreateClaim = "create_claim"

	// privateKeptClaim is a create's claim that Moka would not empty
	// (create_lifecycle.go): a field holding it is read as empty.
	privateKeptClaim = "create_claim_kept"

	// privateMokaKeepsEmpty marks a customer whose Moka kept a field that an
	// update asked to empty: later plans that empty a field are refused.
	privateMokaKeepsEmpty = "moka_keeps_empty"

	// privateTextLimit is how many characters of free text this Moka was
	// seen to keep (text_limit.go).
	privateTextLimit = "moka_text_limit"

	// privateCreateUncertain marked a pending record without a claim in
	// builds before the claim, never released: such a record is dropped with
	// a warning (create_lifecycle.go).
	privateCreateUncertain = "create_uncertain"

	// privateReplacedCustomer is set by a customer's plan, for the planned
	// object only: its id and code, which tell the second plan of a
	// replacement which customer it replaces (destroy_plan.go). An update
	// drops it; a state holding it plans as one without it.
	privateReplacedCustomer = "replaced_customer"
)

// privateFlag is the private-state value of a flag: "true", or nothing at all
// for false. Terraform rewrites the whole state file after every resource it
// applies, so a key on every instance of a large state costs it time on each
// write; readers treat an absent key as false (states written before this kept
// an explicit "false").
func privateFlag(set bool) []byte {
	if !set {
		return nil
	}
	return []byte("true")
}

// privateGetter is the part of private state a resource reads: the request's
// Private in Read, Update, Delete and ModifyPlan.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateSetter is the part of private state a resource writes: the response's
// Private.
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}
