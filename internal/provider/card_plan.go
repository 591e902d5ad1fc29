package provider

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// customerChangeReplaces: a customer replaced under the same code keeps it,
// so only a dealer_customer_id reference (then unknown) replaces the card.
func customerChangeReplaces() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			if req.ConfigValue.IsNull() {
				return
			}
			resp.RequiresReplace = !req.ConfigValue.Equal(req.StateValue)
		},
		"Replaced when the customer changes.",
		"Replaced when the customer changes.",
	)
}

// clearClaimedName: without it, UseStateForUnknown would keep a create's
// claim as the name of a card whose configuration leaves card_name out.
func clearClaimedName() planmodifier.String {
	return clearClaimedNameModifier{}
}

type clearClaimedNameModifier struct{}

func (clearClaimedNameModifier) Description(context.Context) string {
	return "A name left by an unfinished create is cleared when the configuration sets none."
}

func (m clearClaimedNameModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (clearClaimedNameModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() && !req.StateValue.IsNull() && moka.IsClaim(req.StateValue.ValueString()) {
		resp.PlanValue = types.StringNull()
	}
}

// versionChangeReplaces: setting or removing the version is bookkeeping only.
func versionChangeReplaces() planmodifier.Int64 {
	return int64planmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull() && !req.PlanValue.Equal(req.StateValue)
		},
		"Replaced when the version changes from one number to another.",
		"Replaced when the version changes from one number to another.",
	)
}

// refuseMarkedTwin refuses to store again a stopped apply's card, as the
// customer's refresh in this plan saw it (no call: the apply checks again).
func refuseMarkedTwin(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if data == nil {
		return
	}
	var plan cardModel
	var number types.String
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_number_wo"), &number)...)
	if resp.Diagnostics.HasError() || number.IsUnknown() || number.IsNull() || plan.ExpMonth.IsUnknown() || plan.ExpYear.IsUnknown() {
		return
	}
	// a reference not known yet is a customer to be created: it has no cards
	ref := moka.CustomerRef{}
	if !plan.CustomerCode.IsUnknown() {
		ref.CustomerCode = plan.CustomerCode.ValueString()
	}
	if !plan.DealerCustomerID.IsUnknown() {
		ref.DealerCustomerID = plan.DealerCustomerID.ValueInt64()
	}
	want := moka.NewCard{CardNumber: number.ValueString(), ExpMonth: plan.ExpMonth.ValueString(), ExpYear: plan.ExpYear.ValueString()}
	twin, err := data.creates.markedTwin(ctx, data.client, false, ref, want.Fingerprint())
	// Only a warning: the refresh before a destroy is a plan too, and the
	// apply's create refuses it (mayStoreCard).
	var refusal diag.Diagnostics
	twinRefused(&refusal, ref, twin, err, data.now())
	for _, d := range refusal {
		resp.Diagnostics.AddWarning(d.Summary(), d.Detail()+" An apply refuses to store it (a plan only warns, so that a destroy is never blocked).")
	}
}

// checkCustomerRefsAgree: Moka would refuse two references that disagree
// halfway through the apply, after a replacement removed the old card. Moka is
// asked, so that its own rule for comparing codes (exact or not) decides.
func checkCustomerRefsAgree(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var code, stateCode types.String
	var id, stateID types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("customer_code"), &code)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("dealer_customer_id"), &id)...)
	if code.IsNull() || code.IsUnknown() || id.IsNull() || id.IsUnknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("customer_code"), &stateCode)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("dealer_customer_id"), &stateID)...)
		if stateID.Equal(id) && stateCode.Equal(code) {
			return
		}
	}
	if data == nil || data.client == nil {
		return
	}
	client := data.client
	byCode, err := client.GetCustomer(ctx, moka.CustomerRef{CustomerCode: code.ValueString()})
	switch {
	case err == nil && byCode.Customer.DealerCustomerID == id.ValueInt64():
		return
	case err != nil && !moka.IsNotFound(err):
		return // the apply sends both, and Moka refuses them there if they disagree
	}
	holder := "names no customer in Moka"
	if err == nil {
		holder = fmt.Sprintf("is dealer_customer_id %d in Moka", byCode.Customer.DealerCustomerID)
	}
	byID, err := client.GetCustomer(ctx, moka.CustomerRef{DealerCustomerID: id.ValueInt64()})
	switch {
	case moka.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("dealer_customer_id"), "No such Moka customer",
			fmt.Sprintf("Moka holds no customer with dealer_customer_id %d, and customer_code %q %s. Set only customer_code, or the id of that customer.",
				id.ValueInt64(), code.ValueString(), holder))
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("customer_code"), "customer_code and dealer_customer_id name different customers",
			fmt.Sprintf("customer_code %q %s, not dealer_customer_id %d. Set only one of the two, or make them agree.",
				code.ValueString(), holder, id.ValueInt64()))
	default:
		resp.Diagnostics.AddAttributeError(path.Root("customer_code"), "customer_code and dealer_customer_id name different customers",
			fmt.Sprintf("dealer_customer_id %d is the customer with customer_code %q in Moka, and customer_code %q %s. Set only one of the two, or make them agree.",
				id.ValueInt64(), byID.Customer.CustomerCode, code.ValueString(), holder))
	}
}

// replacedByPlan: the framework does not tell ModifyPlan what the attributes'
// modifiers decided, and a replaced card's warnings belong to the new card's plan.
func replacedByPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	for _, name := range []string{"customer_code", "card_holder_full_name", "exp_month", "exp_year"} {
		var planned, prior types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(name), &planned)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(name), &prior)...)
		if !planned.IsUnknown() && !planned.Equal(prior) {
			return true
		}
	}
	for _, name := range []string{"dealer_customer_id", "card_number_wo_version"} {
		var planned, prior types.Int64
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(name), &planned)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(name), &prior)...)
		if !planned.IsUnknown() && !prior.IsNull() && !planned.Equal(prior) {
			return true
		}
	}
	return false
}

// warnIfNumberDiffers: Terraform cannot see a write-only value change.
func warnIfNumberDiffers(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var number, firstSix, lastFour types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_number_wo"), &number)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("card_number_first_six"), &firstSix)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("card_number_last_four"), &lastFour)...)
	n := number.ValueString()
	if number.IsUnknown() || len(n) < 10 || firstSix.IsNull() || lastFour.IsNull() {
		return
	}
	if n[:6] != firstSix.ValueString() || n[len(n)-4:] != lastFour.ValueString() {
		resp.Diagnostics.AddAttributeWarning(path.Root("card_number_wo"), "card_number_wo is not the stored card's number",
			fmt.Sprintf("The card kept is %s…%s; card_number_wo begins and ends otherwise. Terraform cannot see a change to a write-only value, so nothing is planned for it: "+
				"change card_number_wo_version to store the new number.", firstSix.ValueString(), lastFour.ValueString()))
	}
}

func checkCardName(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if kept, diags := keptClaimOf(ctx, req.Private); kept != "" {
		resp.Diagnostics.Append(diags...)
		keptClaimWarning(&resp.Diagnostics, "card", "name", "card_name", "update-card-refuses-empty-name")
	}
	if limit, diags := textLimitOf(ctx, req.Private); limit > 0 {
		resp.Diagnostics.Append(diags...)
		var name types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("card_name"), &name)...)
		checkTextLimit(limit, map[string]types.String{"card_name": name}, &resp.Diagnostics, false)
	}
}

// refuseExpired: Moka would refuse it halfway through the apply.
func refuseExpired(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, now time.Time) {
	var month, year types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("exp_month"), &month)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("exp_year"), &year)...)
	if month.IsUnknown() || year.IsUnknown() || month.IsNull() || year.IsNull() {
		return
	}
	if expired(month.ValueString(), year.ValueString(), now) {
		resp.Diagnostics.AddAttributeError(path.Root("exp_year"), "Card has expired",
			fmt.Sprintf("exp_month %q and exp_year %q: the card expired at the end of %s/%s, and Moka does not store an expired card.",
				month.ValueString(), year.ValueString(), month.ValueString(), year.ValueString()))
	}
}

func expired(month, year string, now time.Time) bool {
	m, errM := strconv.Atoi(month)
	y, errY := strconv.Atoi(year)
	if errM != nil || errY != nil {
		return false
	}
	return y < now.Year() || (y == now.Year() && m < int(now.Month()))
}

// requireNumberToStore: the schema cannot require card_number_wo, since an
// imported card has none to give (Moka never returns it) until it is replaced.
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
