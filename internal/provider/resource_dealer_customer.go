package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ resource.ResourceWithIdentity       = (*dealerCustomerResource)(nil)
)

// privatePasswordWriteOnly marks, in private state, a customer whose password is
// managed through password_wo: Read must then not copy Moka's password to state.
const privatePasswordWriteOnly = "password_write_only"

// privateCreateUncertain marks, in private state, a customer whose create failed
// after Moka may have stored it (its answers were lost): it has no id yet, and
// the next Read looks it up by its code (see keepUncertainCreate).
const privateCreateUncertain = "create_uncertain"

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
			"Create is AddCustomer, read is GetCustomer, update is UpdateCustomer (every field is sent), destroy is RemoveCustomer.",
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

	customer := plan.toAPI()
	writeOnly := !passwordWO.IsNull()
	if writeOnly {
		customer.Password = passwordWO.ValueString()
	}
	created, err := client.AddCustomer(ctx, customer)
	if err != nil {
		addCustomerError(&resp.Diagnostics, "create", plan.CustomerCode.ValueString(), err)
		if moka.MayHaveTakenEffect(err) {
			r.data.customerWritten()
			keepUncertainCreate(ctx, resp, plan, writeOnly)
		}
		return
	}
	r.data.customerWritten()
	state := plan.withAPI(created.Customer, writeOnly)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
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
	uncertainFlag, diags := req.Private.GetKey(ctx, privateCreateUncertain)
	resp.Diagnostics.Append(diags...)
	uncertain := string(uncertainFlag) == "true"

	ref := state.ref()
	customer, err := r.data.readCustomer(ctx, ref)
	if moka.IsNotFound(err) {
		if uncertain {
			resp.Diagnostics.AddWarning("Moka customer was not created",
				fmt.Sprintf("The create of customer_code %q whose answer was lost did not store it. It is dropped from state and the next apply creates it.", state.CustomerCode.ValueString()))
		} else {
			resp.Diagnostics.AddWarning("Moka customer is gone",
				fmt.Sprintf("The customer %s no longer exists in Moka; it was removed outside Terraform. It is dropped from state and the next apply creates it again.", ref))
		}
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Moka customer", fmt.Sprintf("Reading %s: %v", ref, err))
		return
	}
	if uncertain {
		if !state.sameAs(*customer, writeOnly) {
			resp.Diagnostics.AddWarning("Moka customer is not the one Terraform tried to create",
				fmt.Sprintf("customer_code %q belongs to customer %d, which does not hold what the create whose answer was lost sent: it is not Terraform's. "+
					"It is dropped from state (and left alone in Moka); the next apply reports the conflict and how to import it.",
					state.CustomerCode.ValueString(), customer.DealerCustomerID))
			resp.State.RemoveResource(ctx)
			return
		}
		// Found: from now on it is addressed by its id like any other.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreateUncertain, nil)...)
	}
	state = state.withAPI(*customer, writeOnly)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
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

	update := moka.CustomerUpdate{Customer: plan.toAPI()}
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
		// A create whose answer was lost, never refreshed since (destroy
		// -refresh=false): remove the customer only if it is the one sent.
		flag, diags := req.Private.GetKey(ctx, privatePasswordWriteOnly)
		resp.Diagnostics.Append(diags...)
		found, err := client.GetCustomer(ctx, state.ref())
		if moka.IsNotFound(err) {
			return
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot remove Moka customer", fmt.Sprintf("Looking up %s: %v", state.ref(), err))
			return
		}
		if !state.sameAs(found.Customer, string(flag) == "true") {
			return // not Terraform's
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
	code, ok := importedIdentity(ctx, req, identityCustomerCode, &resp.Diagnostics)
	if !ok {
		return
	}
	if code != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("customer_code"), code)...)
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(identityCustomerCode), code)...)
		return
	}
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
	case errors.As(err, &conflict):
		id := "code:" + code
		if conflict.DealerCustomerID != 0 {
			id = strconv.FormatInt(conflict.DealerCustomerID, 10)
		}
		diags.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
			fmt.Sprintf("%v. To manage that customer with Terraform, import it instead of creating it:\n\n"+
				"  terraform import <resource address> %s\n\nor with an import block:\n\n  import {\n    to = <resource address>\n    id = %q\n  }", conflict, id, id))
	case moka.IsAlreadyExists(err):
		diags.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
			fmt.Sprintf("Moka says customer_code %q is already registered. Import it with the ID \"code:%s\".", code, code))
	case moka.IsInvalidEmail(err):
		diags.AddAttributeError(path.Root("email"), "Invalid email", fmt.Sprintf("Moka refused the e-mail address: %v", err))
	case moka.IsNotFound(err):
		diags.AddError("Moka customer is gone", fmt.Sprintf("Cannot %s customer_code %q: it no longer exists in Moka (%v). Run terraform apply again to recreate it.", action, code, err))
	default:
		diags.AddError("Cannot "+action+" Moka customer", fmt.Sprintf("customer_code %q: %v", code, err))
	}
}

// keepUncertainCreate records a create that failed although Moka may have
// stored the customer: Terraform keeps the resource without an id (marked
// tainted, as after any failed create), and the next refresh looks it up by
// its code. If Moka holds it as sent, it is Terraform's (the tainted customer is
// then replaced: removed and created again); if Moka has no such customer, the
// record is dropped and the next apply creates it; if the code belongs to a
// customer that differs, it is not Terraform's: dropped, and left alone.
// Without this record the next apply would report, for a customer Terraform
// itself created, a conflict telling the user to import it.
func keepUncertainCreate(ctx context.Context, resp *resource.CreateResponse, plan dealerCustomerModel, writeOnly bool) {
	plan.ID, plan.DealerCustomerID, plan.PasswordWO = types.StringNull(), types.Int64Null(), types.StringNull()
	resp.Diagnostics.AddWarning("The Moka customer may exist",
		fmt.Sprintf("Moka may have stored customer_code %q although no answer said so. Terraform keeps a record of it: the next plan looks it up by its code "+
			"and replaces it if Moka holds it as sent, or creates it if Moka does not.", plan.CustomerCode.ValueString()))
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privatePasswordWriteOnly, privateFlag(writeOnly))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreateUncertain, privateFlag(true))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// sameAs reports whether Moka's customer c holds what m says: a refresh from c
// would change none of m's attributes (another spelling of the same value, such
// as an e-mail address in other case, counts as the same).
func (m dealerCustomerModel) sameAs(c moka.Customer, passwordWriteOnly bool) bool {
	got := m.withAPI(c, passwordWriteOnly)
	return got.CustomerCode.Equal(m.CustomerCode) && got.FirstName.Equal(m.FirstName) && got.LastName.Equal(m.LastName) &&
		got.Gender.Equal(m.Gender) && got.BirthDate.Equal(m.BirthDate) && got.GsmNumber.Equal(m.GsmNumber) &&
		got.Email.Equal(m.Email) && got.Address.Equal(m.Address) && got.Password.Equal(m.Password)
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
