package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// requireNumberToStore requires card_number_wo for a card that is to be stored. The
// schema cannot say so: a card that is only imported (configuration that
// `terraform query -generate-config-out` wrote, say) has no number to give,
// since Moka never returns it, and needs none until it is replaced. Terraform
// plans a replacement's new card with no prior state, so this also catches a
// replacement without the number, at plan time instead of halfway through an
// apply.
// Part of cardResource.ModifyPlan.
func requireNumberToStore(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return // a destroy, or a change to a card that exists
	}
	var number types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_number_wo"), &number)...)
	if resp.Diagnostics.HasError() || !number.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("card_number_wo"), "Missing card number",
		"Storing a card needs its number in card_number_wo. Only a card imported from Moka (which never returns the number) may leave it out, "+
			"until it is replaced: then the new card needs the number too.")
}
