package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Every key the resources keep in private state. States of earlier releases
// carry these names, so a key is never renamed or given another meaning; a new
// key needs a test that a state without it still plans clean.
const (
	// privatePasswordWriteOnly: Read must not copy Moka's password to state.
	privatePasswordWriteOnly = "password_write_only"

	// privateOriginalCardName: the name moka_card_name gives back on destroy.
	privateOriginalCardName = "original_card_name"

	privateCreateClaim = "create_claim"

	// privateKeptClaim: a field holding it is read as empty (kept_claim.go).
	privateKeptClaim = "create_claim_kept"

	// privateMokaKeepsEmpty: later applies that empty a field are refused (plans warn).
	privateMokaKeepsEmpty = "moka_keeps_empty"

	// privateTextLimit: how many characters this Moka was seen to keep.
	privateTextLimit = "moka_text_limit"

	// privateCreateUncertain: an unreleased build's record without a claim.
	privateCreateUncertain = "create_uncertain"

	// privateReplacedCustomer is for the planned object only (destroy_plan.go).
	privateReplacedCustomer = "replaced_customer"
)

// privateFlag is nothing at all for false: Terraform rewrites the whole state
// file after every resource it applies, so a key on every instance costs time.
func privateFlag(set bool) []byte {
	if !set {
		return nil
	}
	return []byte("true")
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}
