package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ resource.ResourceWithImportState    = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithIdentity       = (*dealerCustomerResource)(nil)
)

// NewDealerCustomerResource is moka_dealer_customer.
func NewDealerCustomerResource() resource.Resource {
	return claimed(&dealerCustomerResource{}, customerRecord)
}

type dealerCustomerResource struct {
	resourceBase
}

func (r *dealerCustomerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dealer_customer"
}

func (r *dealerCustomerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A customer of the dealer account (Moka's DealerCustomer), under which cards are stored. " +
			"Create is AddCustomer then UpdateCustomer (a claimed create: see below), read is GetCustomer, update is UpdateCustomer (every field with a value is sent, and \"\" for each field removed from the configuration), destroy is RemoveCustomer.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The DealerCustomerId, as a string.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"dealer_customer_id": schema.Int64Attribute{
				Description:   "Moka's id of the customer (DealerCustomerId).",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"customer_code": schema.StringAttribute{
				Description:   "The dealer's own unique code for the customer (CustomerCode), at most 100 characters. Changing it replaces the customer.",
				Required:      true,
				Validators:    []validator.String{nonEmptyText(100)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"first_name": optionalText("First name, at most 50 characters.", freeText(50)),
			"last_name":  optionalText("Last name, at most 50 characters.", freeText(50)),
			"gender": optionalText("`male` or `female` (sent to Moka as 1 or 2).",
				orEmpty(oneOf(genderNames[moka.GenderMale], genderNames[moka.GenderFemale]))),
			"birth_date": optionalText("Date of birth as `YYYY-MM-DD`, between 1900-01-01 and today (sent to Moka as `YYYYMMDD`).", orEmpty(calendarDate())),
			"gsm_number": optionalText("Mobile phone number, at most 20 characters.", text(20)),
			"email": schema.StringAttribute{
				Description: "E-mail address, at most 100 characters. Compared without regard to case, by the usual rules or the Turkish ones (İ and i, I and ı), so Moka's spelling of it causes no diff, after an import too.",
				Optional:    true,
				CustomType:  emailType{},
				Validators:  []validator.String{orEmpty(email())},
			},
			"address": optionalText("Postal address, at most 200 characters; it may span lines.", freeText(200)),
			"password": schema.StringAttribute{
				Description: "The customer's own password (PIN), asked when a stored card is charged, at most 50 characters. " +
					"Stored in state (marked sensitive) so that a change made in Moka shows as drift. Conflicts with `password_wo`, which keeps it out of state. " +
					"Left out (and no `password_wo`), the password is not managed: Moka keeps whatever it holds, and it is neither read into state nor changed. Set `password = \"\"` to clear it.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{text(50)},
			},
			"password_wo": schema.StringAttribute{
				Description: "The customer's password as a write-only value (Terraform 1.11 and later): sent to Moka, never stored in plan or state. " +
					"Sent on create and whenever `password_wo_version` changes; other updates leave the password in Moka as it is.",
				Optional: true,
				// Not also Sensitive: that changes nothing shown or kept, and costs every state write (BENCHMARKS.md).
				WriteOnly:  true,
				Validators: []validator.String{text(50)},
			},
			"password_wo_version": schema.Int64Attribute{
				Description: "Change this number to send `password_wo` to Moka again.",
				Optional:    true,
				Validators:  []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("password_wo"))},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *dealerCustomerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	refusePasswordWithWriteOnly(ctx, req.Config, &resp.Diagnostics)
	resp.Diagnostics.Append(validateTimeouts(ctx, req.Config)...)
}

// ConfigValidators: none beyond ValidateConfig's; declared because the
// create lifecycle wraps both claimed resources in one type (claimed).
func (r *dealerCustomerResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return nil
}

// ModifyPlan says what the plan cannot show, and refuses what Moka would refuse mid-apply.
func (r *dealerCustomerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planCustomerRemoval(ctx, r.data, req, resp) // the cards a destroy or replacement removes (destroy_plan.go)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state dealerCustomerModel
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	var passwordWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &passwordWO)...)
	flag, diags := req.Private.GetKey(ctx, privatePasswordWriteOnly)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	wasWriteOnly := string(flag) == "true"
	checkCustomerText(ctx, req, resp, plan, state)
	keepEmailSpelling(ctx, plan, state, resp)
	warnEmptyOrUnset(plan, state, &resp.Diagnostics)
	passwordPlanWarnings(plan, state, passwordWO, wasWriteOnly, &resp.Diagnostics)
	if !plan.CustomerCode.IsUnknown() && !plan.CustomerCode.Equal(state.CustomerCode) {
		checkCustomerReplacement(ctx, r.data, plan, state, resp)
	}
}

func (r *dealerCustomerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityAfterCreate(ctx, resp)
	var plan dealerCustomerModel
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	var passwordWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &passwordWO)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Create, timeoutCreate)
	defer cancel()
	if client == nil {
		return
	}
	ctx, stopLater := untilDone(ctx, r.data.stopGrace())
	defer stopLater()

	customer := plan.toAPI()
	writeOnly := !passwordWO.IsNull()
	if writeOnly {
		customer.Password = passwordWO.ValueString()
	}
	created, err := client.AddCustomer(ctx, customer)
	r.data.customerWritten() // also after a failure: it may have stored the customer all the same
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
	switch claim := moka.PendingClaim(err); {
	case err == nil:
		state := plan.withAPI(created.Customer, writeOnly)
		if names, limit := cutText(plan.freeText(), freeTextOf(created.Customer)); limit > 0 {
			// What the configuration says, not Moka's cut: later applies refuse it.
			resp.Diagnostics.AddWarning("Moka cut the customer's text short", cutTextDetail("customer", names, limit))
			resp.Diagnostics.Append(learnTextLimit(ctx, resp.Private, limit)...)
			state.FirstName, state.LastName, state.Address = plan.FirstName, plan.LastName, plan.Address
		}
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
	case moka.KeptClaim(err) != nil:
		kept := moka.KeptClaim(err)
		keptClaimWarning(&resp.Diagnostics, "customer", kept.Field, "address, first_name or last_name", "update-keeps-empty")
		state := plan.withAPI(moka.WithoutClaim(created.Customer, kept.Claim), writeOnly)
		resp.Diagnostics.Append(setKeptClaim(ctx, resp.Private, kept.Claim)...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateMokaKeepsEmpty, privateFlag(true))...)
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
	case moka.IsUnfinished(err):
		// Ours; Moka still holds the claim as its address, which the next plan shows.
		unfinishedCreateWarning(&resp.Diagnostics, "customer", "address (or first or last name, without an address)", err)
		state := plan.withID(created.Customer.DealerCustomerID)
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
	case claim != "":
		state := plan.withID(0)
		r.data.creates.recordPending(ctx, resp, claim, "customer", plan.CustomerCode.ValueString(), &state)
	default:
		addCustomerCreateError(&resp.Diagnostics, plan.CustomerCode.ValueString(), err, r.data.now())
	}
}

func (r *dealerCustomerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identityAfterRead(ctx, req, resp)
	var state dealerCustomerModel
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.keepStateWhileUnconfigured(resp, !state.ID.IsNull() && !state.ID.IsUnknown() && !state.CustomerCode.IsNull(), "customer", "customer "+state.ref().String()) {
		return
	}
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Read, timeoutRead)
	defer cancel()
	if client == nil {
		return
	}
	flag, diags := req.Private.GetKey(ctx, privatePasswordWriteOnly)
	resp.Diagnostics.Append(diags...)
	writeOnly := string(flag) == "true"
	customer, cards := r.data.readCustomerForRefresh(ctx, state.ref(), !writeOnly && !state.Password.IsNull(), resp)
	if customer == nil {
		return
	}
	unmarked, diags := withoutKeptClaim(ctx, *customer, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	if cards != nil {
		r.data.creates.customerCardsSeen(*customer, cards)
		strayCardsWarning(&resp.Diagnostics, customer.CustomerCode, cards, r.data.now())
	}
	state = state.withAPI(unmarked, writeOnly)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
}

func (r *dealerCustomerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityAfterUpdate(ctx, resp)
	var plan, state dealerCustomerModel
	resp.Diagnostics.Append(planModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	var passwordWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &passwordWO)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Update, timeoutUpdate)
	defer cancel()
	if client == nil {
		return
	}
	flag, diags := req.Private.GetKey(ctx, privatePasswordWriteOnly)
	resp.Diagnostics.Append(diags...)
	wasWriteOnly := string(flag) == "true"
	if refuseTextMokaKeeps(ctx, req.Private, plan.freeText(), emptied(plan, state), plan.CustomerCode.ValueString(), &resp.Diagnostics) {
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
		return
	}
	resp.Diagnostics.Append(forgetReplacedCustomerMark(ctx, resp.Private)...)
	writeOnly := !passwordWO.IsNull()
	update, changes := updateFor(plan, state, passwordWO, wasWriteOnly)
	if !changes {
		// nothing Moka holds changes ("" and unset, unmanaged password, timeouts)
		plan.PasswordWO = types.StringNull()
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
		return
	}
	updated, err := client.UpdateCustomer(ctx, update)
	r.data.customerWritten() // also after a failure: the update may have landed all the same
	if err != nil && (moka.KeptFields(err) == nil || updated == nil) {
		addCustomerError(&resp.Diagnostics, "update", plan.CustomerCode.ValueString(), err, r.data.now())
		// what Moka held before: a record the lifecycle settled keeps its id
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
		return
	}
	if textRefused(ctx, plan, updated.Customer, err, resp.Private, &resp.Diagnostics) {
		// What Moka holds is the state: the next plan shows it, and refuses the text again.
		state = state.withAPI(updated.Customer, wasWriteOnly)
		resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &state)...)
		return
	}
	unmarked, diags := withoutKeptClaim(ctx, updated.Customer, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	plan = plan.withAPI(unmarked, writeOnly)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, &plan)...)
}

func (r *dealerCustomerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dealerCustomerModel
	resp.Diagnostics.Append(stateModel(ctx, req.State, &state)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Delete, timeoutDelete)
	defer cancel()
	if client == nil {
		return
	}
	err := client.RemoveCustomer(ctx, state.ref())
	r.data.customerWritten()
	if err != nil && !moka.IsNotFound(err) {
		resp.Diagnostics.AddError("Cannot remove Moka customer", fmt.Sprintf("Removing %s: %v", state.ref(), err))
	}
}

func (r *dealerCustomerResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	customerIdentitySchema(ctx, req, resp)
}

func (r *dealerCustomerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	byIdentity, ok := importedIdentity(ctx, req, identityCustomerCode, &resp.Diagnostics)
	if !ok {
		return
	}
	ref, ok := customerImportRef(req.ID, byIdentity, &resp.Diagnostics)
	if !ok {
		return
	}
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	if got, err := client.GetCustomer(ctx, ref); err == nil {
		what := fmt.Sprintf("Customer %d (customer_code %q)", got.Customer.DealerCustomerID, got.Customer.CustomerCode)
		if !importClaimed(what, moka.CustomerClaim(got.Customer), r.data.now(), &resp.Diagnostics) {
			return
		}
	}
	if ref.CustomerCode != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("customer_code"), ref.CustomerCode)...)
		if byIdentity != "" {
			resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(identityCustomerCode), byIdentity)...)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("dealer_customer_id"), ref.DealerCustomerID)...)
}
