package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

type cardModel struct {
	ID                  types.String `tfsdk:"id"`
	CardToken           types.String `tfsdk:"card_token"`
	CardName            types.String `tfsdk:"card_name"`
	CardNumberWO        types.String `tfsdk:"card_number_wo"`
	CardNumberWOVersion types.Int64  `tfsdk:"card_number_wo_version"`
	cardFacts
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *cardResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateTimeouts(ctx, req.Config)...)
}

func (r *cardResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_card"
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
			Description: "The customer to store the card for, by customer code. Exactly one of `customer_code` and `dealer_customer_id` is required; " +
				"the other is filled in from Moka. Changing the customer replaces the card. To have the card replaced whenever its customer is " +
				"(also by `terraform apply -replace`), refer to the customer by `dealer_customer_id` instead.",
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{nonEmptyText(100)},
			PlanModifiers: []planmodifier.String{customerChangeReplaces(), stringplanmodifier.UseStateForUnknown()},
		},
		"dealer_customer_id": schema.Int64Attribute{
			Description:   "The customer to store the card for, by Moka's id. Exactly one of `customer_code` and `dealer_customer_id` is required.",
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
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
	maps.Copy(attributes, computedCardFacts("dealer_customer_id", "customer_code", "card_holder_full_name", "exp_month", "exp_year"))
	resp.Schema = schema.Schema{
		Description: "A card stored for a customer (AddCard). Only `card_name` changes in place (UpdateCard); any other change stores a new card " +
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
		resourcevalidator.ExactlyOneOf(path.MatchRoot("customer_code"), path.MatchRoot("dealer_customer_id")),
	}
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
	customer := moka.CustomerRef{CustomerCode: plan.CustomerCode.ValueString(), DealerCustomerID: plan.DealerCustomerID.ValueInt64()}
	added, err := client.AddCard(ctx, moka.NewCard{
		Customer:           customer,
		CardHolderFullName: plan.CardHolderFullName.ValueString(),
		CardNumber:         number.ValueString(),
		ExpMonth:           plan.ExpMonth.ValueString(),
		ExpYear:            plan.ExpYear.ValueString(),
		CardName:           plan.CardName.ValueString(),
	})
	if err != nil {
		if moka.IsNotFound(err) {
			resp.Diagnostics.AddError("Moka customer not found", fmt.Sprintf("Cannot store a card for %s: Moka has no such customer.", customer))
			return
		}
		resp.Diagnostics.AddError("Cannot store Moka card", fmt.Sprintf("For %s: %v", customer, err))
		if moka.MayHaveTakenEffect(err) {
			keepUncertainCard(ctx, resp, plan, number.ValueString(), moka.CardsBefore(err))
		}
		return
	}
	plan.fill(*added)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
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
	flag, diags := req.Private.GetKey(ctx, privateCreateUncertain)
	resp.Diagnostics.Append(diags...)
	if string(flag) == "true" && state.CardToken.IsNull() {
		exclude, diags := cardsBefore(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		found, err := findUncertainCard(ctx, client, state, exclude)
		if err != nil {
			resp.Diagnostics.AddError("Cannot read Moka card", fmt.Sprintf("Looking for the card whose create lost its answer: %v", err))
			return
		}
		if found == nil {
			resp.Diagnostics.AddWarning("Moka card was not stored",
				"The card whose create lost its answer is not among the customer's cards. It is dropped from state and the next apply stores it.")
			resp.State.RemoveResource(ctx)
			return
		}
		// Found: from now on it is addressed by its token like any other.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreateUncertain, nil)...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCardsBefore, nil)...)
		state.fill(*found)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	got := readCard(ctx, client, state.CardToken.ValueString(), resp, "the next apply stores it again")
	if got == nil {
		return
	}
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
	if plan.CardName.Equal(state.CardName) {
		// Only Terraform's bookkeeping changed (card_number_wo_version set
		// after an import, timeouts): nothing to tell Moka. The plan is the
		// new state; every computed value in it is known from the old state.
		plan.CardNumberWO = types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	token := state.CardToken.ValueString()
	renamed, err := client.UpdateCard(ctx, token, plan.CardName.ValueString())
	if err != nil {
		addCardError(&resp.Diagnostics, "rename", token, err)
		return
	}
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
	if state.CardToken.IsNull() {
		// A create whose answer was lost, never refreshed since (destroy
		// -refresh=false): remove the card it may have stored, if any.
		exclude, diags := cardsBefore(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		found, err := findUncertainCard(ctx, client, state, exclude)
		if err != nil {
			resp.Diagnostics.AddError("Cannot remove Moka card", fmt.Sprintf("Looking for the card whose create lost its answer: %v", err))
		}
		if found == nil {
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
	if byIdentity != "" {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(identityCardToken), token)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), token)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("card_token"), token)...)
}

// keepUncertainCard records a create that failed although Moka may have stored
// the card: Terraform keeps the resource without a token (marked tainted, as
// after any failed create) but with the first six and last four digits, and
// the next refresh looks for the card among the customer's cards (see
// findUncertainCard). Found, it is Terraform's (and, tainted, replaced); not
// found, the record is dropped and the next apply stores the card. Without
// this record the next apply would store a second card.
func keepUncertainCard(ctx context.Context, resp *resource.CreateResponse, plan cardModel, number string, cardsBefore []string) {
	plan.ID, plan.CardToken, plan.CardNumberWO, plan.BankName = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
	if plan.CustomerCode.IsUnknown() {
		plan.CustomerCode = types.StringNull()
	}
	if plan.DealerCustomerID.IsUnknown() {
		plan.DealerCustomerID = types.Int64Null()
	}
	if plan.CardName.IsUnknown() {
		plan.CardName = types.StringNull()
	}
	plan.CardNumberFirstSix, plan.CardNumberLastFour = types.StringNull(), types.StringNull()
	if len(number) >= 10 {
		plan.CardNumberFirstSix, plan.CardNumberLastFour = types.StringValue(number[:6]), types.StringValue(number[len(number)-4:])
	}
	resp.Diagnostics.AddWarning("The Moka card may exist",
		"Moka may have stored the card although no answer said so. Terraform keeps a record of it: the next plan looks for it among the customer's cards "+
			"and replaces it if it is there, or stores it if it is not.")
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreateUncertain, privateFlag(true))...)
	before, err := json.Marshal(cardsBefore)
	if err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCardsBefore, before)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// privateCardsBefore keeps, with an uncertain create, the tokens of the cards
// the customer had before it: none of them can be the card it stored.
const privateCardsBefore = "cards_before_create"

// cardsBefore reads privateCardsBefore.
func cardsBefore(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) ([]string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateCardsBefore)
	var tokens []string
	if len(raw) > 0 && json.Unmarshal(raw, &tokens) != nil {
		diags.AddWarning("Unreadable private state", "The list of cards from before a failed create could not be read; every matching card is considered.")
	}
	return tokens, diags
}

// findUncertainCard looks among the customer's cards for the one a create
// whose answer was lost may have stored: the newest with the same first six
// and last four digits, expiry, holder and name. It returns nil when there is
// none, or no such customer.
func findUncertainCard(ctx context.Context, client *moka.Client, m cardModel, exclude []string) (*moka.CardWithCustomer, error) {
	ref := moka.CustomerRef{CustomerCode: m.CustomerCode.ValueString(), DealerCustomerID: m.DealerCustomerID.ValueInt64()}
	if ref.DealerCustomerID != 0 {
		ref.CustomerCode = ""
	}
	list, err := client.GetCardList(ctx, ref)
	if moka.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	want := moka.Card{
		CardNumberFirstSix: m.CardNumberFirstSix.ValueString(), CardNumberLastFour: m.CardNumberLastFour.ValueString(),
		ExpMonth: m.ExpMonth.ValueString(), ExpYear: m.ExpYear.ValueString(),
		CardHolderFullName: m.CardHolderFullName.ValueString(), CardName: m.CardName.ValueString(),
	}
	if found := moka.NewestMatchingCard(list.Cards, want, exclude); found != nil {
		return &moka.CardWithCustomer{Customer: list.Customer, Card: *found}, nil
	}
	return nil, nil
}

// fill sets what Moka says of the card, its name included: when the
// configuration leaves card_name out, the name is Moka's (and may be managed by
// moka_card_name) rather than a diff to undo; no name is null.
func (m *cardModel) fill(c moka.CardWithCustomer) {
	m.ID = types.StringValue(c.Card.CardToken)
	m.CardToken = types.StringValue(c.Card.CardToken)
	m.CardName = refreshed(m.CardName, c.Card.CardName, func(a, b string) bool { return a == b })
	m.CardNumberWO = types.StringNull()
	prior := m.cardFacts
	m.cardFacts = cardFactsFrom(c)
	// The facts the configuration sets keep its spelling where Moka's means the
	// same, or every apply would end in "inconsistent result" and a replacement.
	m.CustomerCode = refreshed(prior.CustomerCode, c.Customer.CustomerCode, sameText)
	m.CardHolderFullName = refreshed(prior.CardHolderFullName, c.Card.CardHolderFullName, sameTextIgnoringCase)
	m.ExpMonth = refreshed(prior.ExpMonth, c.Card.ExpMonth, sameText)
	m.ExpYear = refreshed(prior.ExpYear, c.Card.ExpYear, sameText)
}

func sameTextIgnoringCase(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
