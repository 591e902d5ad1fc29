package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
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
)

// NewCardResource is moka_card.
func NewCardResource() resource.Resource {
	return claimed(&cardResource{}, cardRecord)
}

type cardResource struct {
	resourceBase
}

func (r *cardResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateTimeouts(ctx, req.Config)...)
}

func (r *cardResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_card"
	// A pending create's identity waits for its token (identity.go).
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
			// Not also Sensitive: see moka_dealer_customer's password_wo.
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
				"`\"\"` keeps the card without a name: a name it gets later shows in the plan as a change and is removed. " +
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

func (r *cardResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		// Not ExactlyOneOf: -generate-config-out sets both for an imported card.
		resourcevalidator.AtLeastOneOf(path.MatchRoot("customer_code"), path.MatchRoot("dealer_customer_id")),
	}
}

// ModifyPlan refuses, or warns of, what Moka would refuse halfway through the apply.
func (r *cardResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if cardFollowsItsCustomer(ctx, r.data, req, resp) { // destroy_plan.go
		return
	}
	checkCustomerRefsAgree(ctx, r.data, req, resp)
	checkCardName(ctx, req, resp)
	var token types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("card_token"), &token)...)
	if !token.IsUnknown() && !req.State.Raw.IsNull() {
		if !replacedByPlan(ctx, req, resp) {
			warnIfNumberDiffers(ctx, req, resp) // kept, not stored anew
		}
		return
	}
	requireNumberToStore(ctx, req, resp)
	refuseMarkedTwin(ctx, r.data, req, resp)
	refuseExpired(ctx, req, resp, r.data.now())
}

func (r *cardResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityAfterCreate(ctx, resp)
	var plan cardModel
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	var number types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("card_number_wo"), &number)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Create, timeoutCreate)
	defer cancel()
	if client == nil {
		return
	}
	ctx, stopLater := untilDone(ctx, r.data.stopGrace())
	defer stopLater()
	card := plan.toAPI(number.ValueString())
	customer := card.Customer
	if !r.data.creates.mayStoreCard(ctx, client, card, r.data.now(), &resp.Diagnostics) {
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
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
	case moka.KeptClaim(err) != nil:
		kept := moka.KeptClaim(err)
		keptClaimWarning(&resp.Diagnostics, "card", "name", "card_name", "update-card-refuses-empty-name")
		added.Card.CardName = ""
		plan.fill(*added)
		resp.Diagnostics.Append(setKeptClaim(ctx, resp.Private, kept.Claim)...)
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
	case moka.IsUnfinished(err):
		// Ours; Moka still names it with the claim, which the next plan shows.
		unfinishedCreateWarning(&resp.Diagnostics, "card", "name", err)
		name := plan.CardName
		plan.fill(*added)
		plan.CardName = name
		if name.IsUnknown() {
			plan.CardName = types.StringNull()
		}
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
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
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	if r.keepStateWhileUnconfigured(resp, !state.CardHolderFullName.IsNull(), "card", "card "+state.CardToken.ValueString()) {
		return
	}
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Read, timeoutRead)
	defer cancel()
	if client == nil {
		return
	}
	got := r.data.readCardBatched(ctx, client, state.customerRef(), state.CardToken.ValueString(), resp, "the next apply stores it again from card_number_wo (Moka never gives a number back: a configuration without it, such as one generated for an import, is asked for it)")
	if got == nil {
		return
	}
	resp.Diagnostics.Append(withoutKeptCardClaim(ctx, got, req.Private, resp.Private)...)
	state.fill(*got)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
}

func (r *cardResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityAfterUpdate(ctx, resp)
	var plan, state cardModel
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Update, timeoutUpdate)
	defer cancel()
	if client == nil {
		return
	}
	if plan.CardName.Equal(state.CardName) && !state.CardToken.IsNull() {
		// only Terraform's bookkeeping changed: nothing to tell Moka
		plan.CardNumberWO = types.StringNull()
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
		return
	}
	if refuseTextMokaKeeps(ctx, req.Private, map[string]types.String{"card_name": plan.CardName}, nil, "", &resp.Diagnostics) {
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
		return
	}
	token := state.CardToken.ValueString()
	renamed, err := client.UpdateCard(ctx, token, plan.CardName.ValueString())
	if err != nil {
		addCardError(&resp.Diagnostics, "rename", token, err)
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
		return
	}
	if names, limit := cutText(map[string]types.String{"card_name": plan.CardName}, map[string]string{"card_name": renamed.Card.CardName}); limit > 0 {
		resp.Diagnostics.AddError("Moka cut the card's name short", cutTextDetail("card", names, limit))
		resp.Diagnostics.Append(learnTextLimit(ctx, resp.Private, limit)...)
		state.fill(*renamed)
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
		return
	}
	resp.Diagnostics.Append(withoutKeptCardClaim(ctx, renamed, req.Private, resp.Private)...)
	plan.fill(*renamed)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
}

func (r *cardResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state cardModel
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Delete, timeoutDelete)
	defer cancel()
	if client == nil {
		return
	}
	token := state.CardToken.ValueString()
	if err := client.RemoveCard(ctx, token); err != nil && !moka.IsNotFound(err) {
		addCardError(&resp.Diagnostics, "remove", token, err)
	}
}

func (r *cardResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	cardIdentitySchema(ctx, req, resp)
}

func (r *cardResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	token, byIdentity, ok := importedCardToken(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
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
