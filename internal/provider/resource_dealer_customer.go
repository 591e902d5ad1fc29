package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ resource.Resource                   = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithConfigure      = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithImportState    = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithIdentity       = (*dealerCustomerResource)(nil)
)

// NewDealerCustomerResource is moka_dealer_customer.
func NewDealerCustomerResource() resource.Resource {
	return &dealerCustomerResource{}
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
				// Not also Sensitive: it would change nothing Terraform shows or
				// keeps (a write-only value never reaches plan or state, and the
				// plan shows "(write-only attribute)"), yet Terraform would add a
				// sensitive path to every customer's state and process it on
				// each state write, which a large apply pays for (measured in
				// BENCHMARKS.md, "What makes a large state fast").
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

func optionalText(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Description: description, Optional: true, Validators: validators}
}

func (r *dealerCustomerResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &wo)...)
	var password types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password"), &password)...)
	// Not stringvalidator.ConflictsWith: both written is an error even while
	// their values are unknown (terraform validate knows no variable's value).
	if !password.IsNull() && !wo.IsNull() {
		// Not an attribute error: Terraform would quote the configuration's
		// line, and with it a password written there.
		resp.Diagnostics.AddError("password and password_wo together",
			"Set the customer's password with password or with password_wo, not both: password keeps it in state, password_wo keeps it out.")
	}
	resp.Diagnostics.Append(validateTimeouts(ctx, req.Config)...)
}

// ModifyPlan says in warnings what the plan's rendering cannot: a password
// that a write-only value replaces or that stops being managed, and the cards
// that go with a customer its replacement removes.
func (r *dealerCustomerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planCustomerRemoval(ctx, r.data, req, resp) // the cards a destroy or replacement removes (destroy_plan.go)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state dealerCustomerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	var passwordWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &passwordWO)...)
	flag, diags := req.Private.GetKey(ctx, privatePasswordWriteOnly)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	wasWriteOnly := string(flag) == "true"
	if kept, diags := keptClaimOf(ctx, req.Private); kept != "" {
		resp.Diagnostics.Append(diags...)
		keptClaimWarning(&resp.Diagnostics, "customer", "address, first or last name", "address, first_name or last_name", "update-keeps-empty")
	}
	limit, diags := textLimitOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	checkTextLimit(limit, plan.freeText(), &resp.Diagnostics)
	if keeps, diags := req.Private.GetKey(ctx, privateMokaKeepsEmpty); string(keeps) == "true" {
		resp.Diagnostics.Append(diags...)
		if names := emptied(plan, state); len(names) > 0 {
			resp.Diagnostics.AddError("Moka does not empty these fields", keptFieldsDetail(plan.CustomerCode.ValueString(), names))
			return
		}
	}
	if r.data != nil { // nil while the provider's settings are unknown (as in moka_card's ModifyPlan)
		r.data.creates.planSettling(ctx, req, resp, customerLookup(nil, state, nil), state.DealerCustomerID.IsNull(),
			map[string]attr.Value{"id": types.StringUnknown(), "dealer_customer_id": types.Int64Unknown()})
	}
	if !plan.Email.IsUnknown() && !plan.Email.IsNull() && !state.Email.IsNull() && !plan.Email.Equal(state.Email) &&
		moka.SameEmail(plan.Email.ValueString(), state.Email.ValueString()) {
		// The same address in another spelling (Moka's, after an import):
		// Terraform takes the prior value as the configuration's equivalent.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("email"), state.Email)...)
	}
	if names := emptyOrUnset(plan, state); len(names) > 0 {
		resp.Diagnostics.AddWarning("Only Terraform's record changes",
			fmt.Sprintf("customer_code %q: %s goes between \"\" and unset, which Terraform shows as no change. Both mean an empty field in Moka, "+
				"so Moka is not called for it; only the state records the new spelling.", plan.CustomerCode.ValueString(), strings.Join(names, ", ")))
	}
	switch {
	case !passwordWO.IsNull() && (!wasWriteOnly || !plan.PasswordWOVersion.Equal(state.PasswordWOVersion)):
		// Not an attribute warning: Terraform would quote the configuration's
		// line, and with it a password written there.
		resp.Diagnostics.AddWarning("The customer's password will be set from password_wo",
			fmt.Sprintf("customer_code %q: this apply sets the password Moka holds to the value of password_wo (it is sent whenever password_wo takes over or password_wo_version changes, "+
				"also to or from unset), which the plan cannot show (a write-only value). "+
				"Where the plan shows password going to null, that is Terraform no longer keeping it in state, not a password being cleared.", plan.CustomerCode.ValueString()))
	case !plan.Password.IsUnknown() && !plan.Password.IsNull() && plan.Password.ValueString() == "" && (state.Password.IsNull() || wasWriteOnly):
		resp.Diagnostics.AddWarning("The customer's password will be cleared",
			fmt.Sprintf("customer_code %q: password = \"\" clears the password Moka holds, whatever it is; Terraform did not manage it before, so the plan cannot show the change.", plan.CustomerCode.ValueString()))
	case passwordWO.IsNull() && plan.Password.IsNull() && (wasWriteOnly || !state.Password.IsNull()):
		resp.Diagnostics.AddWarning("The customer's password is no longer managed",
			fmt.Sprintf("customer_code %q: with neither password nor password_wo in the configuration, Terraform stops managing the password. "+
				"Moka keeps the one it holds; nothing is cleared. To clear it, set password = \"\".", plan.CustomerCode.ValueString()))
	}
	if !plan.CustomerCode.IsUnknown() && !plan.CustomerCode.Equal(state.CustomerCode) {
		r.checkReplacement(ctx, plan, state, resp)
	}
}

// textChange is one text attribute's value in state and in the plan.
type textChange struct {
	name           string
	planned, prior types.String
}

func textChanges(plan, state dealerCustomerModel) []textChange {
	return []textChange{
		{"first_name", plan.FirstName, state.FirstName}, {"last_name", plan.LastName, state.LastName},
		{"gender", plan.Gender, state.Gender}, {"birth_date", plan.BirthDate, state.BirthDate},
		{"gsm_number", plan.GsmNumber, state.GsmNumber}, {"email", plan.Email.StringValue, state.Email.StringValue},
		{"address", plan.Address, state.Address},
	}
}

// emptied names the attributes that go from a value to none, from state to plan.
func emptied(plan, state dealerCustomerModel) []string {
	var names []string
	for _, a := range textChanges(plan, state) {
		if !a.planned.IsUnknown() && a.planned.ValueString() == "" && a.prior.ValueString() != "" {
			names = append(names, a.name)
		}
	}
	return names
}

// attributeNames are the attributes of Moka's customer fields.
func attributeNames(fields []string) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = map[string]string{"FirstName": "first_name", "LastName": "last_name", "Gender": "gender", "BirthDate": "birth_date",
			"GsmNumber": "gsm_number", "Email": "email", "Address": "address", "Password": "password"}[f]
	}
	return names
}

// keptFieldsDetail says that this Moka cannot empty fields through its API,
// how that was learnt, and what to do.
func keptFieldsDetail(code string, fields []string) string {
	return fmt.Sprintf("customer_code %q: this Moka keeps %s when UpdateCustomer sends a field empty (as \"\" and as null); an earlier apply found this out. "+
		"The conformance command's rows update-keeps-empty and update-clears-null settle it for an account; the sandbox plays it with --update-keeps-empty. "+
		"Nothing was changed by this plan. Keep a value in the configuration, or empty the field in Moka's panel and then run terraform apply -refresh-only.",
		code, strings.Join(fields, ", "))
}

// emptyOrUnset names the text attributes that go between "" and null from
// state to plan, a change Terraform's plan does not render. Not the password:
// unset means "not managed" there, and "" means "clear it".
func emptyOrUnset(plan, state dealerCustomerModel) []string {
	var names []string
	for _, a := range textChanges(plan, state) {
		if a.planned.IsUnknown() || a.prior.IsUnknown() || a.planned.Equal(a.prior) {
			continue
		}
		if a.planned.ValueString() == "" && a.prior.ValueString() == "" {
			names = append(names, a.name)
		}
	}
	return names
}

// checkReplacement is the plan of a new customer_code, which removes the
// customer and creates another: an error if the new code is taken (the apply
// would remove the customer, and its cards, and then fail), else a warning
// naming the customer and how many cards Moka holds for it (RemoveCustomer
// takes them along, and the plan shows only the customer).
func (r *dealerCustomerResource) checkReplacement(ctx context.Context, plan, state dealerCustomerModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || r.data.client == nil || state.DealerCustomerID.IsNull() {
		return
	}
	client := r.data.client
	taken, err := client.GetCustomer(ctx, moka.CustomerRef{CustomerCode: plan.CustomerCode.ValueString()})
	if err == nil && taken.Customer.DealerCustomerID == state.DealerCustomerID.ValueInt64() {
		// Moka does not tell the two spellings apart (its codes compare
		// without regard to case or trailing blanks): the replacement would
		// remove the customer and its cards to make it again under what Moka
		// takes for the same code.
		resp.Diagnostics.AddAttributeError(path.Root("customer_code"), "Customer code differs only in spelling",
			fmt.Sprintf("Moka holds customer_code %q as customer %d's own code %q: it does not tell the two apart. "+
				"Changing customer_code replaces the customer, which would remove customer %d, with its cards, only to create it again under the same code. "+
				"Keep customer_code = %q.", plan.CustomerCode.ValueString(), state.DealerCustomerID.ValueInt64(), taken.Customer.CustomerCode,
				state.DealerCustomerID.ValueInt64(), state.CustomerCode.ValueString()))
		return
	}
	if err == nil {
		resp.Diagnostics.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
			fmt.Sprintf("customer_code %q belongs to customer %d already. Applying this would remove customer %d (customer_code %q), with its cards, and then fail to create the new one. "+
				"Choose another code.", plan.CustomerCode.ValueString(), taken.Customer.DealerCustomerID, state.DealerCustomerID.ValueInt64(), state.CustomerCode.ValueString()))
		return
	}
	held := "Moka holds no stored card for it."
	list, err := client.GetCardList(ctx, moka.CustomerRef{DealerCustomerID: state.DealerCustomerID.ValueInt64()})
	switch {
	case err != nil && !moka.IsNotFound(err):
		held = fmt.Sprintf("How many cards Moka holds for it could not be read (%v).", err)
	case err == nil && len(list.Cards) > 0:
		held = fmt.Sprintf("Moka holds %d stored card(s) for it, which RemoveCustomer removes too (unless this Moka keeps cards of removed customers); cards this configuration manages are stored again, others are gone for good.", len(list.Cards))
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("customer_code"), "Replacing a customer removes it from Moka",
		fmt.Sprintf("Changing customer_code replaces customer %d (customer_code %q): it is removed from Moka and a new customer is created. %s",
			state.DealerCustomerID.ValueInt64(), state.CustomerCode.ValueString(), held))
}

func (r *dealerCustomerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identityAfterCreate(ctx, resp)
	var plan dealerCustomerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
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
	// Also after a failure: it may have stored the customer all the same.
	r.data.customerWritten()
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
	switch claim := moka.PendingClaim(err); {
	case err == nil:
		state := plan.withAPI(created.Customer, writeOnly)
		if names, limit := cutText(plan.freeText(), freeTextOf(created.Customer)); limit > 0 {
			// What the configuration says, not Moka's cut: the next plan
			// refuses it (text_limit.go).
			resp.Diagnostics.AddWarning("Moka cut the customer's text short", cutTextDetail("customer", names, limit))
			resp.Diagnostics.Append(learnTextLimit(ctx, resp.Private, limit)...)
			state.FirstName, state.LastName, state.Address = plan.FirstName, plan.LastName, plan.Address
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	case moka.KeptClaim(err) != nil:
		kept := moka.KeptClaim(err)
		keptClaimWarning(&resp.Diagnostics, "customer", kept.Field, "address, first_name or last_name", "update-keeps-empty")
		state := plan.withAPI(moka.WithoutClaim(created.Customer, kept.Claim), writeOnly)
		resp.Diagnostics.Append(setKeptClaim(ctx, resp.Private, kept.Claim)...)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateMokaKeepsEmpty, privateFlag(true))...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	case moka.IsUnfinished(err):
		// Ours, with its id; Moka still holds the claim as its address,
		// which the next refresh reads and the next plan shows.
		unfinishedCreateWarning(&resp.Diagnostics, "customer", "address", err)
		state := plan.withID(created.Customer.DealerCustomerID)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
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
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	var found *moka.CustomerWithCards
	switch r.data.creates.settle(ctx, req, resp, customerLookup(client, state, &found), state.DealerCustomerID.IsNull()) {
	case adopted:
		state = state.withAPI(found.Customer, writeOnly)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	case settled:
		return
	}
	ref := state.ref()
	customer, cards, err := r.data.readCustomerAndCards(ctx, ref, !writeOnly && !state.Password.IsNull())
	if moka.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Moka customer is gone",
			fmt.Sprintf("The customer %s no longer exists in Moka; it was removed outside Terraform. It is dropped from state and the next apply creates it again.", ref))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Moka customer", fmt.Sprintf("Reading %s: %v", ref, err))
		return
	}
	unmarked, diags := withoutKeptClaim(ctx, *customer, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	if cards != nil {
		r.data.creates.customerCardsSeen(*customer, cards)
		strayCardsWarning(&resp.Diagnostics, customer.CustomerCode, cards, r.data.now())
	}
	state = state.withAPI(unmarked, writeOnly)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// customerLookup is how the create lifecycle finds the customer a pending
// record's create made: the one holding its code, if it carries the claim.
// found receives it.
func customerLookup(client *moka.Client, state dealerCustomerModel, found **moka.CustomerWithCards) claimLookup {
	code := state.CustomerCode.ValueString()
	return claimLookup{
		what: "customer", made: "created", key: fmt.Sprintf("customer_code %q", code),
		find: func(ctx context.Context, claim string) (bool, string, error) {
			held, ours, err := client.FindClaimedCustomer(ctx, code, claim)
			if err != nil || held == nil {
				return false, "", err
			}
			*found = held
			return ours, strconv.FormatInt(held.Customer.DealerCustomerID, 10), nil
		},
	}
}

func (r *dealerCustomerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identityAfterUpdate(ctx, resp)
	var plan, state dealerCustomerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	resp.Diagnostics.Append(forgetReplacedCustomerMark(ctx, resp.Private)...)

	// The state says what Moka holds, so that only the fields that held a
	// value are cleared; a pending record's state does not (Moka holds the
	// create's claim in Address), and then every empty field is cleared.
	previous := state.toAPI()
	update := moka.CustomerUpdate{Customer: plan.toAPI(), Previous: &previous}
	// settling is an update of a pending record, planned without a refresh
	// (-refresh=false): the customer under its code is changed only if it
	// carries the claim, and its address (the claim) is always written.
	var found *moka.CustomerWithCards
	settling, ours := r.data.creates.own(ctx, req.Private, resp.Private, &resp.Diagnostics, customerLookup(client, state, &found), state.DealerCustomerID.IsNull(), false)
	if settling {
		if !ours {
			// Nothing settled: the record stays as it was, claim and all.
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
		// Ours, with its id, whatever the update below does: if it fails,
		// state keeps the settled record, not the claim's loss.
		id := found.Customer.DealerCustomerID
		state.ID, state.DealerCustomerID = types.StringValue(strconv.FormatInt(id, 10)), types.Int64Value(id)
		update.Previous = nil
	}
	update.DealerCustomerID = state.DealerCustomerID.ValueInt64()
	writeOnly := !passwordWO.IsNull()
	switch {
	case writeOnly:
		// password_wo is sent when its version changes, and when it takes over
		// from password (or from no password): Moka holds another one then.
		if wasWriteOnly && plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
			update.KeepPassword = true
		} else {
			update.Password = passwordWO.ValueString()
		}
	case plan.Password.IsNull():
		// No password in the configuration (or password_wo just left it):
		// not managed, so Moka keeps the one it has. password = "" clears it.
		update.KeepPassword = true
	}
	prior := state.toAPI()
	prior.DealerCustomerID = update.DealerCustomerID
	if update.KeepPassword {
		prior.Password = update.Password
	}
	becomesManaged := !plan.Password.IsNull() && (state.Password.IsNull() || wasWriteOnly)
	if prior == update.Customer && !settling && !becomesManaged && (update.KeepPassword || !writeOnly) {
		// Nothing Moka holds changes (a field between "" and unset, a
		// password no longer managed, timeouts): no call, only the record.
		plan.PasswordWO = types.StringNull()
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	updated, err := client.UpdateCustomer(ctx, update)
	// Also after a failure: the update may have landed all the same.
	r.data.customerWritten()
	if kept := moka.KeptFields(err); kept != nil && updated != nil {
		// What Moka holds is the state: the next plan shows the fields it
		// kept, and refuses to empty them again (ModifyPlan).
		resp.Diagnostics.AddError("Moka does not empty these fields", keptFieldsDetail(plan.CustomerCode.ValueString(), attributeNames(kept)))
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateMokaKeepsEmpty, privateFlag(true))...)
		state = state.withAPI(updated.Customer, wasWriteOnly)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if err != nil {
		addCustomerError(&resp.Diagnostics, "update", plan.CustomerCode.ValueString(), err, r.data.now())
		if settling {
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		}
		return
	}
	if names, limit := cutText(plan.freeText(), freeTextOf(updated.Customer)); limit > 0 {
		resp.Diagnostics.AddError("Moka cut the customer's text short", cutTextDetail("customer", names, limit))
		resp.Diagnostics.Append(learnTextLimit(ctx, resp.Private, limit)...)
		state = state.withAPI(updated.Customer, wasWriteOnly)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	unmarked, diags := withoutKeptClaim(ctx, updated.Customer, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	plan = plan.withAPI(unmarked, writeOnly)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *dealerCustomerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dealerCustomerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, state.Timeouts.Delete, timeoutDelete)
	defer cancel()
	if client == nil {
		return
	}

	var found *moka.CustomerWithCards
	if pending, ours := r.data.creates.own(ctx, req.Private, resp.Private, &resp.Diagnostics, customerLookup(client, state, &found), state.DealerCustomerID.IsNull(), true); pending {
		if !ours {
			return
		}
		state.DealerCustomerID = types.Int64Value(found.Customer.DealerCustomerID)
	}
	err := client.RemoveCustomer(ctx, state.ref())
	r.data.customerWritten()
	if err != nil && !moka.IsNotFound(err) {
		resp.Diagnostics.AddError("Cannot remove Moka customer", fmt.Sprintf("Removing %s: %v", state.ref(), err))
	}
}

// IdentitySchema: a customer is known by its code (identity.go).
func (r *dealerCustomerResource) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	customerIdentitySchema(ctx, req, resp)
}

func (r *dealerCustomerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ref := moka.CustomerRef{}
	byIdentity, ok := importedIdentity(ctx, req, identityCustomerCode, &resp.Diagnostics)
	if !ok {
		return
	}
	if code, ok := strings.CutPrefix(req.ID, "code:"); byIdentity != "" || (ok && code != "") {
		ref.CustomerCode = code
		if byIdentity != "" {
			ref.CustomerCode = byIdentity
		}
	} else {
		id, err := strconv.ParseInt(req.ID, 10, 64)
		if err != nil || id <= 0 {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("Import a moka_dealer_customer by its DealerCustomerId (such as \"1033\") or by its customer code as \"code:<CustomerCode>\"; got %q.", req.ID))
			return
		}
		ref.DealerCustomerID = id
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
