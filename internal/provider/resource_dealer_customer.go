package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ resource.Resource                   = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithConfigure      = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithImportState    = (*dealerCustomerResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dealerCustomerResource)(nil)
)

// privatePasswordWriteOnly marks, in private state, a customer whose password is
// managed through password_wo: Read must then not copy Moka's password to state.
const privatePasswordWriteOnly = "password_write_only"

// NewDealerCustomerResource is moka_dealer_customer.
func NewDealerCustomerResource() resource.Resource {
	return &dealerCustomerResource{}
}

type dealerCustomerResource struct {
	resourceBase
}

type dealerCustomerModel struct {
	ID                types.String   `tfsdk:"id"`
	DealerCustomerID  types.Int64    `tfsdk:"dealer_customer_id"`
	CustomerCode      types.String   `tfsdk:"customer_code"`
	FirstName         types.String   `tfsdk:"first_name"`
	LastName          types.String   `tfsdk:"last_name"`
	Gender            types.String   `tfsdk:"gender"`
	BirthDate         types.String   `tfsdk:"birth_date"`
	GsmNumber         types.String   `tfsdk:"gsm_number"`
	Email             types.String   `tfsdk:"email"`
	Address           types.String   `tfsdk:"address"`
	Password          types.String   `tfsdk:"password"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *dealerCustomerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dealer_customer"
}

func (r *dealerCustomerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A customer of the dealer account (Moka's DealerCustomer), under which cards are stored. " +
			"Create is AddCustomer, read is GetCustomer, update is UpdateCustomer (every field with a value is sent, and \"\" for each field removed from the configuration), destroy is RemoveCustomer.",
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
			"first_name": optionalText("First name, at most 50 characters.", text(50)),
			"last_name":  optionalText("Last name, at most 50 characters.", text(50)),
			"gender": optionalText("`male` or `female` (sent to Moka as 1 or 2).",
				oneOf(genderNames[moka.GenderMale], genderNames[moka.GenderFemale])),
			"birth_date": optionalText("Date of birth as `YYYY-MM-DD` (sent to Moka as `YYYYMMDD`).", calendarDate()),
			"gsm_number": optionalText("Mobile phone number, at most 20 characters.", text(20)),
			"email":      optionalText("E-mail address, at most 100 characters. Compared without regard to case, so Moka's spelling of it causes no diff.", email()),
			"address":    optionalText("Postal address, at most 200 characters.", text(200)),
			"password": schema.StringAttribute{
				Description: "The customer's own password (PIN), asked when a stored card is charged, at most 50 characters. " +
					"Stored in state (marked sensitive) so that a change made in Moka shows as drift. Conflicts with `password_wo`, which keeps it out of state.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{text(50), stringvalidator.ConflictsWith(path.MatchRoot("password_wo"))},
			},
			"password_wo": schema.StringAttribute{
				Description: "The customer's password as a write-only value (Terraform 1.11 and later): sent to Moka, never stored in plan or state. " +
					"Sent on create and whenever `password_wo_version` changes; other updates leave the password in Moka as it is.",
				Optional: true,
				// Not also Sensitive: it would change nothing Terraform shows or
				// keeps (a write-only value never reaches plan or state, and the
				// plan shows "(write-only attribute)"), yet Terraform would add a
				// sensitive path to every customer's state and process it on
				// each state write: 8-14 % of a 1000-customer apply (BENCHMARKS.md).
				WriteOnly:  true,
				Validators: []validator.String{text(50)},
			},
			"password_wo_version": schema.Int64Attribute{
				Description: "Change this number to send `password_wo` to Moka again.",
				Optional:    true,
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
	var version types.Int64
	var wo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo_version"), &version)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &wo)...)
	if !version.IsNull() && !version.IsUnknown() && wo.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("password_wo_version"), "password_wo_version without password_wo",
			"password_wo_version only makes sense with password_wo: it says when to send password_wo again.")
	}
	resp.Diagnostics.Append(validateTimeouts(ctx, req.Config)...)
}

func (r *dealerCustomerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan dealerCustomerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var passwordWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("password_wo"), &passwordWO)...)
	ctx, cancel, client := r.begin(ctx, &resp.Diagnostics, plan.Timeouts.Create, timeoutCreate)
	defer cancel()
	if client == nil {
		return
	}

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
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	case moka.IsUnfinished(err):
		// Ours, with its id; Moka still holds the claim as its address,
		// which the next refresh reads and the next plan shows.
		unfinishedCreateWarning(&resp.Diagnostics, "customer", "address", err)
		state := plan.withID(created.Customer.DealerCustomerID)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	case claim != "":
		state := plan.withID(0)
		recordPendingCreate(ctx, resp, claim, "customer", &state)
	default:
		addCustomerError(&resp.Diagnostics, "create", plan.CustomerCode.ValueString(), err)
	}
}

func (r *dealerCustomerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
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
	pending, diags := pendingCreateOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if pending.pending() && state.DealerCustomerID.IsNull() {
		settlePendingCustomer(ctx, client, state, pending, writeOnly, resp)
		return
	}

	ref := state.ref()
	customer, err := r.data.readCustomer(ctx, ref)
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
	state = state.withAPI(*customer, writeOnly)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// ownPendingCustomer is the id of the customer a pending record's create
// made, for an update or destroy that comes before any refresh settled it;
// ok is false, with the reason in diags, when nothing proves there is one.
func ownPendingCustomer(ctx context.Context, client *moka.Client, state dealerCustomerModel, private privateGetter, diags *diag.Diagnostics) (int64, bool) {
	pending, more := pendingCreateOf(ctx, private)
	diags.Append(more...)
	code := state.CustomerCode.ValueString()
	held, ours, err := client.FindClaimedCustomer(ctx, code, pending.claim)
	switch {
	case err != nil:
		diags.AddError("Cannot read Moka customer", fmt.Sprintf("Looking up customer_code %q, whose create got no answer: %v", code, err))
	case held == nil:
		diags.AddError("Moka customer was not created",
			fmt.Sprintf("The create of customer_code %q that got no answer did not store it, so there is nothing to change. Run terraform apply with a refresh (without -refresh=false) to create it.", code))
	case !ours:
		diags.AddError("Moka customer is not the one Terraform created",
			fmt.Sprintf("customer_code %q belongs to customer %d, which does not carry the mark of the create that got no answer; Terraform leaves it alone. "+
				"Run terraform apply with a refresh (without -refresh=false): it drops the record and reports the conflict.", code, held.Customer.DealerCustomerID))
	default:
		return held.Customer.DealerCustomerID, true
	}
	return 0, false
}

// settlePendingCustomer is the refresh of a pending record (pending_create.go):
// the customer holding the code is adopted only if it carries the claim.
func settlePendingCustomer(ctx context.Context, client *moka.Client, state dealerCustomerModel, pending pendingCreate, writeOnly bool, resp *resource.ReadResponse) {
	code := state.CustomerCode.ValueString()
	held, ours, err := client.FindClaimedCustomer(ctx, code, pending.claim)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Moka customer",
			fmt.Sprintf("Looking up customer_code %q, whose create got no answer: %v", code, err))
		return
	}
	switch {
	case held == nil:
		resp.Diagnostics.AddWarning("Moka customer was not created",
			fmt.Sprintf("The create of customer_code %q that got no answer did not store it. It is dropped from state and the next apply creates it.", code))
		resp.State.RemoveResource(ctx)
	case ours:
		resp.Diagnostics.Append(settledPendingCreate(ctx, resp.Private)...)
		state = state.withAPI(held.Customer, writeOnly)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	default:
		resp.Diagnostics.AddWarning("Moka customer is not the one Terraform created",
			fmt.Sprintf("customer_code %q belongs to customer %d, which does not carry the mark of the create that got no answer, so nothing proves it is Terraform's "+
				"(another configuration or application may have created it, or its address was changed before this refresh). It is dropped from state and left alone in Moka; "+
				"the next apply reports the conflict. If it is this configuration's customer, import it: %s",
				code, held.Customer.DealerCustomerID, importHint(strconv.FormatInt(held.Customer.DealerCustomerID, 10))))
		resp.State.RemoveResource(ctx)
	}
}

func (r *dealerCustomerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
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

	// The state says what Moka holds, so that only the fields that held a
	// value are cleared; a pending record's state does not (Moka holds the
	// create's claim in Address), and then every empty field is cleared.
	previous := state.toAPI()
	update := moka.CustomerUpdate{Customer: plan.toAPI(), Previous: &previous}
	if state.DealerCustomerID.IsNull() {
		// A pending record, planned without a refresh (-refresh=false): the
		// customer under its code is changed only if it carries the claim.
		id, ok := ownPendingCustomer(ctx, client, state, req.Private, &resp.Diagnostics)
		if !ok {
			return
		}
		resp.Diagnostics.Append(settledPendingCreate(ctx, resp.Private)...)
		state.DealerCustomerID = types.Int64Value(id)
		update.Previous = nil
	}
	update.DealerCustomerID = state.DealerCustomerID.ValueInt64()
	writeOnly := !passwordWO.IsNull()
	if writeOnly {
		// password_wo is sent when its version changes, and when it takes over
		// from password (or from no password): Moka holds another one then.
		if wasWriteOnly && plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
			update.KeepPassword = true
		} else {
			update.Password = passwordWO.ValueString()
		}
	}
	updated, err := client.UpdateCustomer(ctx, update)
	// Also after a failure: the update may have landed all the same.
	r.data.customerWritten()
	if err != nil {
		addCustomerError(&resp.Diagnostics, "update", plan.CustomerCode.ValueString(), err)
		return
	}
	plan = plan.withAPI(updated.Customer, writeOnly)
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

	if state.DealerCustomerID.IsNull() {
		// A pending record never refreshed since (destroy -refresh=false):
		// remove the customer only if it carries the claim.
		pending, diags := pendingCreateOf(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		held, ours, err := client.FindClaimedCustomer(ctx, state.CustomerCode.ValueString(), pending.claim)
		if err != nil {
			resp.Diagnostics.AddError("Cannot remove Moka customer", fmt.Sprintf("Looking up %s: %v", state.ref(), err))
			return
		}
		if !ours {
			if held != nil {
				resp.Diagnostics.AddWarning("Moka customer left alone",
					fmt.Sprintf("customer_code %q belongs to customer %d, which nothing proves Terraform created; it is left in Moka.", state.CustomerCode.ValueString(), held.Customer.DealerCustomerID))
			}
			return
		}
		state.DealerCustomerID = types.Int64Value(held.Customer.DealerCustomerID)
	}
	err := client.RemoveCustomer(ctx, state.ref())
	r.data.customerWritten()
	if err != nil && !moka.IsNotFound(err) {
		resp.Diagnostics.AddError("Cannot remove Moka customer", fmt.Sprintf("Removing %s: %v", state.ref(), err))
	}
}

func (r *dealerCustomerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if code, ok := strings.CutPrefix(req.ID, "code:"); ok && code != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("customer_code"), code)...)
		return
	}
	id, err := strconv.ParseInt(req.ID, 10, 64)
	if err != nil || id <= 0 {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a moka_dealer_customer by its DealerCustomerId (such as \"1033\") or by its customer code as \"code:<CustomerCode>\"; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("dealer_customer_id"), id)...)
}

// addCustomerError turns a client error into a diagnostic that says what to do.
func addCustomerError(diags interface {
	AddError(string, string)
	AddAttributeError(path.Path, string, string)
}, action, code string, err error) {
	var conflict *moka.ConflictError
	switch {
	case errors.As(err, &conflict) && conflict.Retired:
		diags.AddAttributeError(path.Root("customer_code"), "Customer code cannot be used again", conflict.Error()+".")
	case errors.As(err, &conflict):
		id := "code:" + code
		if conflict.DealerCustomerID != 0 {
			id = strconv.FormatInt(conflict.DealerCustomerID, 10)
		}
		diags.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
			fmt.Sprintf("%v. Terraform did not create it, so it will not take it over on its own. To manage that customer with this configuration, %s", conflict, importHint(id)))
	case moka.IsAlreadyExists(err):
		diags.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
			fmt.Sprintf("Moka says customer_code %q is already registered. To manage that customer with this configuration, %s", code, importHint("code:"+code)))
	case moka.IsInvalidEmail(err):
		diags.AddAttributeError(path.Root("email"), "Invalid email", fmt.Sprintf("Moka refused the e-mail address: %v", err))
	case moka.IsNotFound(err):
		diags.AddError("Moka customer is gone", fmt.Sprintf("Cannot %s customer_code %q: it no longer exists in Moka (%v). Run terraform apply again to recreate it.", action, code, err))
	default:
		diags.AddError("Cannot "+action+" Moka customer", fmt.Sprintf("customer_code %q: %v", code, err))
	}
}

// importHint is how to import an existing customer (or card) with id, in a
// form a user can paste: the framework does not tell a resource its address.
func importHint(id string) string {
	return fmt.Sprintf("add an import block whose \"to\" is this resource's address and whose id is %q, or run terraform import with that address and %q.", id, id)
}

// withID is m as created, with Moka's id (0: none yet, null).
func (m dealerCustomerModel) withID(id int64) dealerCustomerModel {
	m.ID, m.DealerCustomerID, m.PasswordWO = types.StringNull(), types.Int64Null(), types.StringNull()
	if id > 0 {
		m.ID, m.DealerCustomerID = types.StringValue(strconv.FormatInt(id, 10)), types.Int64Value(id)
	}
	return m
}

// privateFlag is the private-state value of a flag: "true", or nothing at all
// for false. Terraform rewrites the whole state file after every resource it
// applies, so a key on every instance of a large state costs it time on each
// write; readers treat an absent key as false (states written before this kept
// an explicit "false").
func privateFlag(set bool) []byte {
	if !set {
		return nil
	}
	return []byte("true")
}

func (m dealerCustomerModel) ref() moka.CustomerRef {
	if id := m.DealerCustomerID.ValueInt64(); id > 0 {
		return moka.CustomerRef{DealerCustomerID: id}
	}
	return moka.CustomerRef{CustomerCode: m.CustomerCode.ValueString()}
}

// toAPI is the customer as Moka takes it; the password is the plain one (the
// caller swaps in password_wo when that is used).
func (m dealerCustomerModel) toAPI() moka.Customer {
	return moka.Customer{
		DealerCustomerID: m.DealerCustomerID.ValueInt64(),
		CustomerCode:     m.CustomerCode.ValueString(),
		Password:         m.Password.ValueString(),
		FirstName:        m.FirstName.ValueString(),
		LastName:         m.LastName.ValueString(),
		Gender:           genderFromName(m.Gender.ValueString()),
		BirthDate:        strings.ReplaceAll(m.BirthDate.ValueString(), "-", ""),
		GsmNumber:        m.GsmNumber.ValueString(),
		Email:            m.Email.ValueString(),
		Address:          m.Address.ValueString(),
	}
}

// withAPI is m refreshed from what Moka holds. Where Moka's value means the same
// as the one in m (an e-mail in other case, a date in another form), m's spelling
// is kept, so that a plan after apply is empty.
func (m dealerCustomerModel) withAPI(c moka.Customer, passwordWriteOnly bool) dealerCustomerModel {
	m.ID = types.StringValue(strconv.FormatInt(c.DealerCustomerID, 10))
	m.DealerCustomerID = types.Int64Value(c.DealerCustomerID)
	// A code Moka answers in another spelling of white space is the same code:
	// taking Moka's would plan a replacement that never settles.
	m.CustomerCode = refreshed(m.CustomerCode, c.CustomerCode, sameText)
	if m.CustomerCode.IsNull() {
		m.CustomerCode = types.StringValue("")
	}
	m.FirstName = refreshed(m.FirstName, c.FirstName, sameText)
	m.LastName = refreshed(m.LastName, c.LastName, sameText)
	m.Gender = refreshed(m.Gender, genderNames[c.Gender], sameText)
	m.BirthDate = refreshed(m.BirthDate, isoDate(c.BirthDate), sameText)
	m.GsmNumber = refreshed(m.GsmNumber, c.GsmNumber, sameText)
	m.Email = refreshed(m.Email, c.Email, strings.EqualFold)
	m.Address = refreshed(m.Address, c.Address, sameText)
	m.PasswordWO = types.StringNull()
	if passwordWriteOnly {
		m.Password = types.StringNull()
	} else {
		m.Password = refreshed(m.Password, c.Password, func(a, b string) bool { return a == b })
	}
	return m
}

// refreshed is the value to store for an optional attribute that Moka says is
// now got: empty means unset (null, unless the configuration said ""), and a
// value equal to the prior one keeps the prior one's spelling.
func refreshed(prior types.String, got string, equal func(a, b string) bool) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && equal(prior.ValueString(), got) {
		return prior
	}
	if got == "" {
		return types.StringNull()
	}
	return types.StringValue(got)
}

func sameText(a, b string) bool {
	return strings.TrimSpace(a) == strings.TrimSpace(b)
}

var genderNames = map[moka.Gender]string{
	moka.GenderUnspecified: "",
	moka.GenderMale:        "male",
	moka.GenderFemale:      "female",
}

func genderFromName(name string) moka.Gender {
	for g, n := range genderNames {
		if n == name {
			return g
		}
	}
	return moka.GenderUnspecified
}

// isoDate turns the dates Moka may answer with (YYYYMMDD as documented, or
// YYYY-MM-DD, possibly with a time of day) into YYYY-MM-DD.
func isoDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		return s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	return s
}
