package provider

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

var (
	_ resource.Resource                     = (*cardResource)(nil)
	_ resource.ResourceWithConfigure        = (*cardResource)(nil)
	_ resource.ResourceWithImportState      = (*cardResource)(nil)
	_ resource.ResourceWithConfigValidators = (*cardResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*cardResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*cardResource)(nil)
	_ resource.ResourceWithIdentity         = (*cardResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*cardResource)(nil)
)

// NewCardResource is moka_card.
func NewCardResource() resource.Resource {
	return &cardResource{}
}

type cardResource struct {
	resourceBase
}

func (r *cardResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateTimeouts(ctx, req.Config)...)
}

func (r *cardResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_card"
	// A pending create's identity is a placeholder until its refresh finds
	// the card's token (identity.go).
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *cardResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Description:   "The card token.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"card_token": schema.StringAttribute{
			Description:   "The token Moka gave the card, lower case without braces; use it to charge the card.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"customer_code": schema.StringAttribute{
			Description: "The customer to store the card for, by customer code. One of `customer_code` and `dealer_customer_id` is required; " +
				"the other is filled in from Moka. Both may be set (configuration generated for an import sets both) if they name the same customer. Changing the customer replaces the card. To have the card replaced whenever its customer is " +
				"(also by `terraform apply -replace`), refer to the customer by `dealer_customer_id` instead.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{nonEmptyText(100)},
			PlanModifiers: []planmodifier.String{customerChangeReplaces(), stringplanmodifier.UseStateForUnknown()},
		},
		"dealer_customer_id": schema.Int64Attribute{
			Description:   "The customer to store the card for, by Moka's id. One of `customer_code` and `dealer_customer_id` is required; both may be set if they name the same customer.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.Int64{int64validator.AtLeast(1)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIfConfigured(), int64planmodifier.UseStateForUnknown()},
		},
		"card_holder_full_name": schema.StringAttribute{
			Description:   "The card holder's name, at most 100 characters. Changing it replaces the card.",
			Required:      true,
			Validators:    []validator.String{nonEmptyText(100)},
			PlanModifiers: replace,
		},
		"card_number_wo": schema.StringAttribute{
			Description: "The full card number, digits only, with a valid Luhn check digit. Write-only (Terraform 1.11 and later): " +
				"sent to Moka once and never stored in plan or state, nor logged. Moka keeps only the first six and last four digits. " +
				"Terraform cannot see a change to it: change `card_number_wo_version` to store a new number. " +
				"Required to store a card; a card that is only imported (such as from `terraform query -generate-config-out`) can leave it out until it is replaced.",
			Optional: true,
			// Not also Sensitive, for the reason given at moka_dealer_customer's
			// password_wo: write-only is already stronger.
			WriteOnly:  true,
			Validators: []validator.String{cardNumber()},
		},
		"card_number_wo_version": schema.Int64Attribute{
			Description: "Change this number to replace the card with one holding the current `card_number_wo`. " +
				"Setting it for the first time (after an import, say) replaces nothing.",
			Optional:      true,
			PlanModifiers: []planmodifier.Int64{versionChangeReplaces()},
		},
		"exp_month": schema.StringAttribute{
			Description:   "Expiry month as two digits, `01` to `12`. Changing it replaces the card.",
			Required:      true,
			Validators:    []validator.String{expMonth()},
			PlanModifiers: replace,
		},
		"exp_year": schema.StringAttribute{
			Description:   "Expiry year as four digits, such as `2030`. Changing it replaces the card.",
			Required:      true,
			Validators:    []validator.String{expYear()},
			PlanModifiers: replace,
		},
		"card_name": schema.StringAttribute{
			Description: "A name for the card (for example \"Bonus kartım\"), at most 50 characters. Changing it renames the card in place. " +
				"When it is not set, the card is stored without a name and whatever name it gets later (from `moka_card_name`, or in Moka's panel) is kept and shown here, not undone.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{text(50)},
			PlanModifiers: []planmodifier.String{clearClaimedName(), stringplanmodifier.UseStateForUnknown()},
		},
	}
	maps.Copy(attributes, computedCardFacts("dealer_customer_id", "customer_code", "card_holder_full_name", "exp_month", "exp_year"))
	resp.Schema = schema.Schema{
		Description: "A card stored for a customer (AddCard, then UpdateCard to give it its name: a claimed create, see below). Only `card_name` changes in place (UpdateCard); any other change stores a new card " +
			"and removes the old one (RemoveCard). Add `lifecycle { create_before_destroy = true }` to store the new card before the old one goes.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

// customerChangeReplaces replaces the card when the configured customer code
// changes (as it does when a change of code replaces the customer). A customer
// replaced under the same code (terraform apply -replace) keeps its code, so
// only a dealer_customer_id reference, which is then unknown, replaces the card.
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

// clearClaimedName plans no name for a card whose name is still the claim of
// the create that stored it (see internal/moka/create.go) when the
// configuration gives it none: without it, UseStateForUnknown would keep the
// claim as the card's name for good.
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

// versionChangeReplaces replaces the card when card_number_wo_version goes from
// one number to another; setting or removing it is bookkeeping only.
func versionChangeReplaces() planmodifier.Int64 {
	return int64planmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull() && !req.PlanValue.Equal(req.StateValue)
		},
		"Replaced when the version changes from one number to another.",
		"Replaced when the version changes from one number to another.",
	)
}

func (r *cardResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		// Not ExactlyOneOf: configuration that -generate-config-out writes
		// for an imported card sets both, and must plan as it is.
		resourcevalidator.AtLeastOneOf(path.MatchRoot("customer_code"), path.MatchRoot("dealer_customer_id")),
	}
}

// ModifyPlan refuses, at plan time, to store a card that has expired: Moka
// would refuse it halfway through the apply. Only a card to be stored is
// checked: a card in state that expires since is no configuration error.
func (r *cardResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if cardFollowsItsCustomer(ctx, r.data, req, resp) { // destroy_plan.go
		return
	}
	r.checkCustomerRefsAgree(ctx, req, resp)
	if kept, diags := keptClaimOf(ctx, req.Private); kept != "" {
		resp.Diagnostics.Append(diags...)
		keptClaimWarning(&resp.Diagnostics, "card", "name", "card_name", "update-card-refuses-empty-name")
	}
	if limit, diags := textLimitOf(ctx, req.Private); limit > 0 {
		resp.Diagnostics.Append(diags...)
		var name types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("card_name"), &name)...)
		checkTextLimit(limit, map[string]types.String{"card_name": name}, &resp.Diagnostics)
	}
	var token types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("card_token"), &token)...)
	var state cardModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if r.data != nil && r.data.creates.planSettling(ctx, req, resp, cardLookup(nil, state.customerRef(), nil), state.CardToken.IsNull(),
		map[string]attr.Value{"card_token": types.StringUnknown(), "id": types.StringUnknown()}) {
		return
	}
	if !token.IsUnknown() && !req.State.Raw.IsNull() {
		if !replacedByPlan(ctx, req, resp) {
			warnIfNumberDiffers(ctx, req, resp) // kept, not stored anew
		}
		return
	}
	requireNumberToStore(ctx, req, resp)
	r.refuseMarkedTwin(ctx, req, resp)
	var month, year types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("exp_month"), &month)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("exp_year"), &year)...)
	if month.IsUnknown() || year.IsUnknown() || month.IsNull() || year.IsNull() {
		return
	}
	if expired(month.ValueString(), year.ValueString(), r.data.now()) {
		resp.Diagnostics.AddAttributeError(path.Root("exp_year"), "Card has expired",
			fmt.Sprintf("exp_month %q and exp_year %q: the card expired at the end of %s/%s, and Moka does not store an expired card.",
				month.ValueString(), year.ValueString(), month.ValueString(), year.ValueString()))
	}
}

// refuseMarkedTwin refuses, at plan time, to store a card whose customer
// holds one with its number and expiry named with a create's mark, as the
// customer's refresh in this plan saw it: a stopped apply's card, which the
// plan would otherwise store a second time.
func (r *cardResource) refuseMarkedTwin(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	var plan cardModel
	var number types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_number_wo"), &number)...)
	if resp.Diagnostics.HasError() || number.IsUnknown() || number.IsNull() || plan.ExpMonth.IsUnknown() || plan.ExpYear.IsUnknown() {
		return
	}
	// A reference not known yet (a customer still to be created) is left
	// out: such a customer has no cards.
	ref := moka.CustomerRef{}
	if !plan.CustomerCode.IsUnknown() {
		ref.CustomerCode = plan.CustomerCode.ValueString()
	}
	if !plan.DealerCustomerID.IsUnknown() {
		ref.DealerCustomerID = plan.DealerCustomerID.ValueInt64()
	}
	want := moka.NewCard{CardNumber: number.ValueString(), ExpMonth: plan.ExpMonth.ValueString(), ExpYear: plan.ExpYear.ValueString()}
	// From what the customer's refresh read (no call): the apply checks again.
	twin, err := r.data.creates.markedTwin(ctx, r.data.client, false, ref, want.Fingerprint())
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read Moka cards", fmt.Sprintf("Looking at the cards of %s before storing one: %v", ref, err))
	case twin != nil:
		resp.Diagnostics.AddError("Moka holds this card already, from an unfinished create", markedTwinDetail(ref, *twin, r.data.now()))
	}
}

// checkCustomerRefsAgree refuses at plan a customer_code and a
// dealer_customer_id that name two customers, which Moka would refuse halfway
// through the apply (CustomerCodeDoesntMatchDealerCustomerId), after a
// replacement had removed the old card. Moka is asked which customer holds the
// code, so that its own rule for comparing codes (exact, or blind to case and
// trailing blanks) decides. Both exactly as the state holds them need no call:
// that is configuration generated for an import.
func (r *cardResource) checkCustomerRefsAgree(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
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
	if r.data == nil || r.data.client == nil {
		return
	}
	client := r.data.client
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

// replacedByPlan reports whether the plan changes an attribute whose change
// replaces the card (their plan modifiers in Schema): Terraform then plans the
// new card in a second call, without prior state, and what would be said of a
// kept card does not apply. The framework does not tell ModifyPlan what the
// attributes' own modifiers decided.
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
		// A version set for the first time replaces nothing (versionChangeReplaces).
		if !planned.IsUnknown() && !prior.IsNull() && !planned.Equal(prior) {
			return true
		}
	}
	return false
}

// warnIfNumberDiffers warns when card_number_wo is not the number of the card
// kept (its first six and last four digits differ): Terraform cannot see a
// write-only value change, so nothing is planned for it.
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

// expired reports whether a card valid through month/year is past its last
// day at now. A value that does not parse is left to the validators.
func expired(month, year string, now time.Time) bool {
	m, errM := strconv.Atoi(month)
	y, errY := strconv.Atoi(year)
	if errM != nil || errY != nil {
		return false
	}
	return y < now.Year() || (y == now.Year() && m < int(now.Month()))
}

func (r *cardResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityAfterCreate(ctx, resp)
	var plan cardModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var number types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_number_wo"), &number)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Create, timeoutCreate)
	defer cancel()
	if client == nil {
		return
	}
	ctx, stopLater := untilDone(ctx, r.data.stopGrace())
	defer stopLater()
	customer := moka.CustomerRef{CustomerCode: plan.CustomerCode.ValueString(), DealerCustomerID: plan.DealerCustomerID.ValueInt64()}
	if r.data.creates.isUnconfirmed(customer.CustomerCode) {
		// The customer's create in this apply was not confirmed: the code may
		// be held by another's customer, and AddCard would store the card there.
		resp.Diagnostics.AddAttributeError(path.Root("customer_code"), "Customer not confirmed",
			fmt.Sprintf("The create of customer_code %q in this apply got no answer, so nothing proves that the customer holding that code is this configuration's. "+
				"The card is not stored; the next apply stores it once the customer is settled.", customer.CustomerCode))
		return
	}
	card := moka.NewCard{
		Customer:           customer,
		CardHolderFullName: plan.CardHolderFullName.ValueString(),
		CardNumber:         number.ValueString(),
		ExpMonth:           plan.ExpMonth.ValueString(),
		ExpYear:            plan.ExpYear.ValueString(),
		CardName:           plan.CardName.ValueString(),
	}
	// A customer not refreshed by this process (a configuration of cards
	// only, -refresh=false, or the apply's own process) is asked for its
	// cards: a stopped apply's card is never stored a second time.
	twin, err := r.data.creates.markedTwin(ctx, client, true, customer, card.Fingerprint())
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read Moka cards", fmt.Sprintf("Looking at the cards of %s before storing one: %v", customer, err))
		return
	case twin != nil:
		resp.Diagnostics.AddError("Moka holds this card already, from an unfinished create", markedTwinDetail(customer, *twin, r.data.now()))
		return
	}
	added, err := client.AddCard(ctx, card)
	switch claim := moka.PendingClaim(err); {
	case err == nil:
		name := plan.CardName
		plan.fill(*added)
		if names, limit := cutText(map[string]types.String{"card_name": name}, map[string]string{"card_name": added.Card.CardName}); limit > 0 {
			resp.Diagnostics.AddWarning("Moka cut the card's name short", cutTextDetail("card", names, limit))
			resp.Diagnostics.Append(learnTextLimit(ctx, resp.Private, limit)...)
			plan.CardName = name
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	case moka.KeptClaim(err) != nil:
		kept := moka.KeptClaim(err)
		keptClaimWarning(&resp.Diagnostics, "card", "name", "card_name", "update-card-refuses-empty-name")
		added.Card.CardName = ""
		plan.fill(*added)
		resp.Diagnostics.Append(setKeptClaim(ctx, resp.Private, kept.Claim)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	case moka.IsUnfinished(err):
		// Ours, with its token; Moka still names it with the claim, which the
		// next refresh reads and the next plan shows.
		unfinishedCreateWarning(&resp.Diagnostics, "card", "name", err)
		name := plan.CardName
		plan.fill(*added)
		plan.CardName = name
		if name.IsUnknown() {
			plan.CardName = types.StringNull()
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	case claim != "":
		pending := plan.pendingRecord(number.ValueString())
		r.data.creates.recordPending(ctx, resp, claim, "card", "", &pending)
	case moka.IsNotFound(err):
		resp.Diagnostics.AddError("Moka customer not found", fmt.Sprintf("Cannot store a card for %s: Moka has no such customer.", customer))
	default:
		resp.Diagnostics.AddError("Cannot store Moka card", fmt.Sprintf("For %s: %v", customer, err))
	}
}

func (r *cardResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identityAfterRead(ctx, req, resp)
	var state cardModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.keepStateWhileUnconfigured(resp, !state.CardHolderFullName.IsNull(), "card", "card "+state.CardToken.ValueString()) {
		return
	}
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Read, timeoutRead)
	defer cancel()
	if client == nil {
		return
	}
	var found *moka.CardWithCustomer
	switch r.data.creates.settle(ctx, req, resp, cardLookup(client, state.customerRef(), &found), state.CardToken.IsNull()) {
	case adopted:
		state.fill(*found)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	case settled:
		return
	}
	got := r.data.readCardBatched(ctx, client, state.customerRef(), state.CardToken.ValueString(), resp, "the next apply stores it again from card_number_wo (Moka never gives a number back: a configuration without it, such as one generated for an import, is asked for it)")
	if got == nil {
		return
	}
	resp.Diagnostics.Append(withoutKeptCardClaim(ctx, got, req.Private, resp.Private)...)
	state.fill(*got)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *cardResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityAfterUpdate(ctx, resp)
	var plan, state cardModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Update, timeoutUpdate)
	defer cancel()
	if client == nil {
		return
	}
	if plan.CardName.Equal(state.CardName) && !state.CardToken.IsNull() {
		// Only Terraform's bookkeeping changed (card_number_wo_version set
		// after an import, timeouts): nothing to tell Moka. The plan is the
		// new state; every computed value in it is known from the old state.
		plan.CardNumberWO = types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	var found *moka.CardWithCustomer
	if settling, ours := r.data.creates.own(ctx, req.Private, resp.Private, &resp.Diagnostics, cardLookup(client, state.customerRef(), &found), state.CardToken.IsNull(), false); settling {
		if !ours {
			// Nothing settled: the record stays as it was, claim and all.
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		state.ID, state.CardToken = types.StringValue(found.Card.CardToken), types.StringValue(found.Card.CardToken)
	}
	token := state.CardToken.ValueString()
	renamed, err := client.UpdateCard(ctx, token, plan.CardName.ValueString())
	if err != nil {
		addCardError(&resp.Diagnostics, "rename", token, err)
		// The card is known now, whatever the rename did.
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if names, limit := cutText(map[string]types.String{"card_name": plan.CardName}, map[string]string{"card_name": renamed.Card.CardName}); limit > 0 {
		resp.Diagnostics.AddError("Moka cut the card's name short", cutTextDetail("card", names, limit))
		resp.Diagnostics.Append(learnTextLimit(ctx, resp.Private, limit)...)
		state.fill(*renamed)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	resp.Diagnostics.Append(withoutKeptCardClaim(ctx, renamed, req.Private, resp.Private)...)
	plan.fill(*renamed)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *cardResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state cardModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Delete, timeoutDelete)
	defer cancel()
	if client == nil {
		return
	}
	var found *moka.CardWithCustomer
	if pending, ours := r.data.creates.own(ctx, req.Private, resp.Private, &resp.Diagnostics, cardLookup(client, state.customerRef(), &found), state.CardToken.IsNull(), true); pending {
		if !ours {
			return
		}
		state.CardToken = types.StringValue(found.Card.CardToken)
	}
	token := state.CardToken.ValueString()
	if err := client.RemoveCard(ctx, token); err != nil && !moka.IsNotFound(err) {
		addCardError(&resp.Diagnostics, "remove", token, err)
	}
}

// IdentitySchema: a card is known by its token (identity.go).
func (r *cardResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	cardIdentitySchema(ctx, req, resp)
}

func (r *cardResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	byIdentity, ok := importedIdentity(ctx, req, identityCardToken, &resp.Diagnostics)
	if !ok {
		return
	}
	token := moka.NormalizeCardToken(req.ID + byIdentity)
	if client := r.client(&resp.Diagnostics); client != nil {
		if got, err := client.GetCard(ctx, token); err == nil && moka.IsClaim(got.Card.CardName) {
			if !importClaimed("Card "+token, got.Card.CardName, r.data.now(), &resp.Diagnostics) {
				return
			}
		}
	}
	if byIdentity != "" {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(identityCardToken), token)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), token)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("card_token"), token)...)
}

// pendingRecord is the planned card as a pending record: no token yet, but
// the first six and last four digits, which are all a person can recognise it by.
func (m cardModel) pendingRecord(number string) cardModel {
	m.ID, m.CardToken, m.CardNumberWO, m.BankName = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
	if m.CustomerCode.IsUnknown() {
		m.CustomerCode = types.StringNull()
	}
	if m.DealerCustomerID.IsUnknown() {
		m.DealerCustomerID = types.Int64Null()
	}
	if m.CardName.IsUnknown() {
		m.CardName = types.StringNull()
	}
	m.CardNumberFirstSix, m.CardNumberLastFour = types.StringNull(), types.StringNull()
	if len(number) >= 10 {
		m.CardNumberFirstSix, m.CardNumberLastFour = types.StringValue(number[:6]), types.StringValue(number[len(number)-4:])
	}
	return m
}

// cardLookup is how the create lifecycle finds the card a pending record's
// create stored: the customer's card carrying the claim. A card has no key
// another could hold, so there is never an other. found receives it.
func cardLookup(client *moka.Client, customer moka.CustomerRef, found **moka.CardWithCustomer) claimLookup {
	return claimLookup{
		what: "card", made: "stored", key: "the card of " + customer.String(),
		find: func(ctx context.Context, claim string) (bool, string, error) {
			card, ours, err := client.FindClaimedCard(ctx, customer, claim)
			if ours && err == nil {
				*found = card
			}
			return ours, "", err
		},
	}
}
