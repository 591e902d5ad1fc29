package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

var (
	_ resource.Resource                   = (*cardNameResource)(nil)
	_ resource.ResourceWithConfigure      = (*cardNameResource)(nil)
	_ resource.ResourceWithImportState    = (*cardNameResource)(nil)
	_ resource.ResourceWithIdentity       = (*cardNameResource)(nil)
	_ resource.ResourceWithValidateConfig = (*cardNameResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*cardNameResource)(nil)
)

// NewCardNameResource is moka_card_name.
func NewCardNameResource() resource.Resource {
	return &cardNameResource{}
}

type cardNameResource struct {
	resourceBase
}

type cardNameModel struct {
	ID        types.String `tfsdk:"id"`
	CardToken cardToken    `tfsdk:"card_token"`
	CardName  types.String `tfsdk:"card_name"`
	cardFacts
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *cardNameResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateTimeouts(ctx, req.Config)...)
}

func (r *cardNameResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_card_name"
}

func (r *cardNameResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Description:   "The card token as Moka returns it: lower case, without braces.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"card_token": schema.StringAttribute{
			Description: "Token of a card that already exists in Moka (saved at checkout, or by `moka_card`). " +
				"Case and braces do not matter: `{51937236-82E0-...}` and `51937236-82e0-...` are the same card. Changing it to another card replaces the resource.",
			Required:      true,
			CustomType:    cardTokenType{},
			Validators:    []validator.String{nonEmptyText(38)},
			PlanModifiers: []planmodifier.String{replaceWhenOtherCard()},
		},
		"card_name": schema.StringAttribute{
			Description: "The name to give the card (for example \"Bonus kartım\"), at most 50 characters.",
			Required:    true,
			Validators:  []validator.String{text(50)},
		},
	}
	maps.Copy(attributes, computedCardFacts())
	resp.Schema = schema.Schema{
		Description: "The name of a stored card that already exists. Create and update rename it (UpdateCard), read is GetCard. " +
			"Destroy gives the card back the name it had before Terraform took it over; the card itself stays.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

// replaceWhenOtherCard: not for the same token spelled differently.
func replaceWhenOtherCard() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = req.PlanValue.IsUnknown() || !moka.SameCardToken(req.PlanValue.ValueString(), req.StateValue.ValueString())
		},
		"Replaced when the token names another card.",
		"Replaced when the token names another card.",
	)
}

// ModifyPlan warns that naming a card Moka does not have will fail.
func (r *cardNameResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.client == nil {
		return
	}
	var planned, prior cardToken
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("card_token"), &planned)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("card_token"), &prior)...)
	}
	if planned.IsUnknown() || planned.IsNull() || (!prior.IsNull() && moka.SameCardToken(prior.ValueString(), planned.ValueString())) {
		return
	}
	_, err := r.data.client.GetCard(ctx, planned.ValueString())
	if moka.IsNotFound(err) {
		// A warning, not an error: an error would also stop terraform apply
		// -refresh-only, which is how a user drops a card that is gone.
		resp.Diagnostics.AddAttributeWarning(path.Root("card_token"), "No such Moka card: the apply will fail",
			fmt.Sprintf("Moka has no card with token %s. moka_card_name names a card that exists (saved at checkout, or stored by moka_card); it cannot create one, so applying this plan fails.", planned.ValueString()))
	}
}

func (r *cardNameResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityAfterCreate(ctx, resp)
	var plan cardNameModel
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Create, timeoutCreate)
	defer cancel()
	if client == nil {
		return
	}
	token := plan.CardToken.ValueString()
	before, err := client.GetCard(ctx, token)
	if err != nil {
		addCardError(&resp.Diagnostics, "read", token, err)
		return
	}
	resp.Diagnostics.Append(rememberOriginalName(ctx, resp.Private, before.Card.CardName)...)
	renamed, err := client.UpdateCard(ctx, token, plan.CardName.ValueString())
	if moka.MayHaveTakenEffect(err) {
		// The rename may have landed: keep the resource rather than fail, as a
		// failed create is tainted and a later one would take the new name
		// for the old one to give back.
		resp.Diagnostics.AddWarning("Moka card rename not confirmed",
			fmt.Sprintf("Renaming card %s got no answer (%v). Terraform records the card with the name the configuration gives it; the next plan reads the name Moka holds and renames it again if it must.", token, err))
		name := plan.CardName
		plan.fill(*before)
		plan.CardName = name
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
		return
	}
	if err != nil {
		addCardError(&resp.Diagnostics, "rename", token, err)
		return
	}
	plan.fill(*renamed)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
}

func (r *cardNameResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identityAfterRead(ctx, req, resp)
	var state cardNameModel
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	if r.keepStateWhileUnconfigured(resp, !state.CardName.IsNull(), "card", "card "+state.CardToken.ValueString()) {
		return
	}
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Read, timeoutRead)
	defer cancel()
	if client == nil {
		return
	}
	got := readCard(ctx, client, state.CardToken.ValueString(), resp,
		"moka_card_name cannot create a card, so the next apply fails until the configuration names a card that exists")
	if got == nil {
		return
	}
	state.fill(*got)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
}

func (r *cardNameResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityAfterUpdate(ctx, resp)
	var plan cardNameModel
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Update, timeoutUpdate)
	defer cancel()
	if client == nil {
		return
	}
	token := plan.CardToken.ValueString()
	renamed, err := client.UpdateCard(ctx, token, plan.CardName.ValueString())
	if err != nil {
		addCardError(&resp.Diagnostics, "rename", token, err)
		return
	}
	plan.fill(*renamed)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
}

func (r *cardNameResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state cardNameModel
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Delete, timeoutDelete)
	defer cancel()
	if client == nil {
		return
	}
	raw, diags := req.Private.GetKey(ctx, privateOriginalCardName)
	resp.Diagnostics.Append(diags...)
	var original string
	if raw == nil || json.Unmarshal(raw, &original) != nil {
		resp.Diagnostics.AddWarning("Card name left as it is",
			"The name this card had before Terraform managed it is not known, so destroy leaves the current name in place.")
		return
	}
	token := state.CardToken.ValueString()
	if _, err := client.UpdateCard(ctx, token, original); err != nil && !moka.IsNotFound(err) {
		addCardError(&resp.Diagnostics, "restore the name of", token, err)
	}
}

// IdentitySchema: a card is known by its token (identity.go).
func (r *cardNameResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	cardIdentitySchema(ctx, req, resp)
}

// ImportState: the card's name at import is what destroy gives back.
func (r *cardNameResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	_, byIdentity, ok := importedCardToken(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	if byIdentity != "" {
		req.ID = byIdentity
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(identityCardToken), moka.NormalizeCardToken(byIdentity))...)
	}
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	got, err := client.GetCard(ctx, req.ID)
	if err != nil {
		addCardError(&resp.Diagnostics, "import", req.ID, err)
		return
	}
	resp.Diagnostics.Append(rememberOriginalName(ctx, resp.Private, got.Card.CardName)...)
	// as written, so that a configuration spelling it so plans no change
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("card_token"), strings.TrimSpace(req.ID))...)
}

func (m *cardNameModel) fill(c moka.CardWithCustomer) {
	m.ID = types.StringValue(c.Card.CardToken)
	m.CardToken = newCardToken(c.Card.CardToken)
	m.CardName = types.StringValue(c.Card.CardName)
	m.cardFacts = cardFactsFrom(c)
}

func rememberOriginalName(ctx context.Context, private privateSetter, name string) diag.Diagnostics {
	raw, err := json.Marshal(name)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot remember the card's name", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateOriginalCardName, raw)
}
