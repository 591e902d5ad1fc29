package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// A create whose answers were lost.
//
// The client creates with a claim (internal/moka/create.go): after a lost
// answer, the object carrying this create's claim is the one it made, and no
// other object ever is, however alike. When even the look for the claim gets
// no answer, nobody knows yet whether the object exists. The resource then
// keeps a pending record: its state as planned but without the id Moka would
// have given, and the claim in private state. The create returns warnings,
// not an error, on purpose: Terraform marks a resource whose create failed
// tainted, and plans a tainted resource's replacement, whose destroy would
// remove the very object (and the cards stored for it since) that the next
// refresh finds. A pending record is settled instead:
//
//   - the next refresh looks for the claim: found, the object is adopted as
//     made (the field still holding the claim shows as a change to apply);
//     not there, the record is dropped and the next apply creates the object;
//     the key held by an object without the claim, the record is dropped and
//     that object left alone (the next apply reports the conflict);
//   - a destroy before any refresh (-refresh=false) removes the object only if
//     it carries the claim.
//
// Version 0.1 (the first release candidate) kept such records without a
// claim, marked privateCreateUncertain; nothing can prove what they found
// to be Terraform's, so a refresh drops them, naming what it found.

// pendingCreate is what private state says of a create that was not settled.
type pendingCreate struct {
	// claim is the claim the lost create carried, or "".
	claim string
	// legacy is a 0.1 record: pending, but with no claim to look for.
	legacy bool
}

func (p pendingCreate) pending() bool { return p.claim != "" || p.legacy }

func pendingCreateOf(ctx context.Context, private privateGetter) (pendingCreate, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateCreateClaim)
	legacy, more := private.GetKey(ctx, privateCreateUncertain)
	diags.Append(more...)
	var claim string
	if len(raw) > 0 && json.Unmarshal(raw, &claim) != nil {
		diags.AddError("Unreadable private state", "The claim of an unconfirmed create could not be read from private state.")
	}
	return pendingCreate{claim: claim, legacy: string(legacy) == "true"}, diags
}

// recordPendingCreate makes resp's state the pending record of a create that
// carried claim: state is the planned object with what only Moka could have
// given (the id) left null. what names the object for the warning.
func recordPendingCreate(ctx context.Context, resp *resource.CreateResponse, claim, what string, state any) {
	resp.Diagnostics.AddWarning("Moka "+what+" may exist: not confirmed",
		fmt.Sprintf("Moka may have stored the %s, but it did not answer, and looking for it afterwards got no answer either. "+
			"Terraform keeps a record of it instead of an error, so that nothing is replaced or created twice: the next plan looks for "+
			"the %s this create stored (it carries a mark no other object has) and adopts it if it is there, or creates it if it is not. "+
			"Until then it has no id. Run terraform plan or apply again once Moka answers.", what, what))
	// Private state values must be JSON.
	raw, err := json.Marshal(claim)
	if err != nil {
		resp.Diagnostics.AddError("Cannot record the unconfirmed create", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreateClaim, raw)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// settledPendingCreate removes a pending record's marks from private state.
func settledPendingCreate(ctx context.Context, private privateSetter) diag.Diagnostics {
	diags := private.SetKey(ctx, privateCreateClaim, nil)
	diags.Append(private.SetKey(ctx, privateCreateUncertain, nil)...)
	return diags
}

// unfinishedCreateWarning is the warning of a create that made its object but
// could not then write the field that held its claim.
func unfinishedCreateWarning(diags *diag.Diagnostics, what, field string, err error) {
	diags.AddWarning("Moka "+what+" created; one field not yet set",
		fmt.Sprintf("The %s was created, but setting its %s afterwards failed (%v). Moka holds a temporary value there, which the next plan shows as a change; apply it to finish.", what, field, err))
}
