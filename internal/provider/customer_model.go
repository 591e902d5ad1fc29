package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

type dealerCustomerModel struct {
	ID                types.String   `tfsdk:"id"`
	DealerCustomerID  types.Int64    `tfsdk:"dealer_customer_id"`
	CustomerCode      types.String   `tfsdk:"customer_code"`
	FirstName         types.String   `tfsdk:"first_name"`
	LastName          types.String   `tfsdk:"last_name"`
	Gender            types.String   `tfsdk:"gender"`
	BirthDate         types.String   `tfsdk:"birth_date"`
	GsmNumber         types.String   `tfsdk:"gsm_number"`
	Email             emailValue     `tfsdk:"email"`
	Address           types.String   `tfsdk:"address"`
	Password          types.String   `tfsdk:"password"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// withID: id 0 (none yet) is null.
func (m dealerCustomerModel) withID(id int64) dealerCustomerModel {
	m.ID, m.DealerCustomerID, m.PasswordWO = types.StringNull(), types.Int64Null(), types.StringNull()
	if id > 0 {
		m.ID, m.DealerCustomerID = types.StringValue(strconv.FormatInt(id, 10)), types.Int64Value(id)
	}
	return m
}

func (m dealerCustomerModel) ref() moka.CustomerRef {
	if id := m.DealerCustomerID.ValueInt64(); id > 0 {
		return moka.CustomerRef{DealerCustomerID: id}
	}
	return moka.CustomerRef{CustomerCode: m.CustomerCode.ValueString()}
}

// toAPI: the caller swaps in password_wo when that is used.
func (m dealerCustomerModel) toAPI() moka.Customer {
	return moka.Customer{
		DealerCustomerID: m.DealerCustomerID.ValueInt64(),
		CustomerCode:     m.CustomerCode.ValueString(),
		Password:         m.Password.ValueString(),
		FirstName:        m.FirstName.ValueString(),
		LastName:         m.LastName.ValueString(),
		Gender:           genderFromName(m.Gender.ValueString()),
		BirthDate:        m.BirthDate.ValueString(),
		GsmNumber:        m.GsmNumber.ValueString(),
		Email:            m.Email.ValueString(),
		Address:          m.Address.ValueString(),
	}
}

// withAPI keeps m's spelling where Moka's value means the same, so that a plan
// after apply is empty.
func (m dealerCustomerModel) withAPI(c moka.Customer, passwordWriteOnly bool) dealerCustomerModel {
	m.ID = types.StringValue(strconv.FormatInt(c.DealerCustomerID, 10))
	m.DealerCustomerID = types.Int64Value(c.DealerCustomerID)
	// Moka's spelling would plan a replacement that never settles.
	m.CustomerCode = refreshed(m.CustomerCode, c.CustomerCode, moka.SameText)
	if m.CustomerCode.IsNull() {
		m.CustomerCode = types.StringValue("")
	}
	m.FirstName = refreshed(m.FirstName, c.FirstName, moka.SameFreeText)
	m.LastName = refreshed(m.LastName, c.LastName, moka.SameFreeText)
	m.Gender = refreshed(m.Gender, genderNames[c.Gender], moka.SameText)
	m.BirthDate = refreshed(m.BirthDate, c.BirthDate, moka.SameText)
	m.GsmNumber = refreshed(m.GsmNumber, c.GsmNumber, moka.SameText)
	m.Email = newEmail(refreshed(m.Email.StringValue, c.Email, moka.SameEmail))
	m.Address = refreshed(m.Address, c.Address, moka.SameFreeText)
	m.PasswordWO = types.StringNull()
	if passwordWriteOnly || m.Password.IsNull() {
		// not managed here, or write-only: kept out of state
		m.Password = types.StringNull()
	} else {
		m.Password = refreshed(m.Password, c.Password, func(a, b string) bool { return a == b })
	}
	return m
}

// freeText: what a Moka may keep cut short or in capitals.
func (m dealerCustomerModel) freeText() map[string]types.String {
	return map[string]types.String{"first_name": m.FirstName, "last_name": m.LastName, "address": m.Address}
}

func freeTextOf(c moka.Customer) map[string]string {
	return map[string]string{"first_name": c.FirstName, "last_name": c.LastName, "address": c.Address}
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

// customerFields leave the password out, so that a data source puts no secret
// in state.
type customerFields struct {
	DealerCustomerID types.Int64  `tfsdk:"dealer_customer_id"`
	CustomerCode     types.String `tfsdk:"customer_code"`
	FirstName        types.String `tfsdk:"first_name"`
	LastName         types.String `tfsdk:"last_name"`
	Gender           types.String `tfsdk:"gender"`
	BirthDate        types.String `tfsdk:"birth_date"`
	GsmNumber        types.String `tfsdk:"gsm_number"`
	Email            types.String `tfsdk:"email"`
	Address          types.String `tfsdk:"address"`
}

func customerFieldsFrom(c moka.Customer) customerFields {
	return customerFields{
		DealerCustomerID: types.Int64Value(c.DealerCustomerID),
		CustomerCode:     types.StringValue(c.CustomerCode),
		FirstName:        types.StringValue(c.FirstName),
		LastName:         types.StringValue(c.LastName),
		Gender:           types.StringValue(genderNames[c.Gender]),
		BirthDate:        types.StringValue(c.BirthDate),
		GsmNumber:        types.StringValue(c.GsmNumber),
		Email:            types.StringValue(c.Email),
		Address:          types.StringValue(c.Address),
	}
}

var customerFieldDescriptions = map[string]string{
	"first_name": "First name.",
	"last_name":  "Last name.",
	"gender":     "`male`, `female`, or empty.",
	"birth_date": "Date of birth as `YYYY-MM-DD`, or empty; a date Moka holds in a form the provider does not know is shown as Moka holds it.",
	"gsm_number": "Mobile phone number.",
	"email":      "E-mail address.",
	"address":    "Postal address.",
}

// customerLookup: the customer holding the code, if it carries the claim.
func customerLookup(client *moka.Client, state dealerCustomerModel, found **moka.CustomerWithCards) claimLookup {
	code := state.CustomerCode.ValueString()
	return claimLookup{
		what: "customer", made: "created", makes: "creates", key: fmt.Sprintf("customer_code %q", code),
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

// customerRecord is the create lifecycle's view of a customer's state.
func customerRecord(ctx context.Context, raw tfsdk.State, private privateGetter) (recordView, diag.Diagnostics) {
	var state dealerCustomerModel
	diags := raw.Get(ctx, &state)
	flag, more := private.GetKey(ctx, privatePasswordWriteOnly)
	diags.Append(more...)
	writeOnly := string(flag) == "true"
	return recordView{
		noID:       state.DealerCustomerID.IsNull(),
		id:         state.ID.ValueString(),
		timeouts:   state.Timeouts,
		unknownIDs: map[string]attr.Value{"id": types.StringUnknown(), "dealer_customer_id": types.Int64Unknown()},
		lookup: func(client *moka.Client) (claimLookup, func() any) {
			var found *moka.CustomerWithCards
			return customerLookup(client, state, &found), func() any {
				adopted := state.withAPI(found.Customer, writeOnly)
				return &adopted
			}
		},
	}, diags
}

// updateFor clears only the fields state says held a value.
func updateFor(plan, state dealerCustomerModel, passwordWO types.String, wasWriteOnly bool) (moka.CustomerUpdate, bool) {
	previous := state.toAPI()
	update := moka.CustomerUpdate{Customer: plan.toAPI(), Previous: &previous}
	update.DealerCustomerID = state.DealerCustomerID.ValueInt64()
	writeOnly := !passwordWO.IsNull()
	switch {
	case writeOnly:
		// sent when the version changes, or when it takes over from password
		if wasWriteOnly && plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
			update.KeepPassword = true
		} else {
			update.Password = passwordWO.ValueString()
		}
	case plan.Password.IsNull():
		// Not managed, so Moka keeps the one it has; password = "" clears it.
		update.KeepPassword = true
	}
	prior := state.toAPI()
	prior.DealerCustomerID = update.DealerCustomerID
	if update.KeepPassword {
		prior.Password = update.Password
	}
	becomesManaged := !plan.Password.IsNull() && (state.Password.IsNull() || wasWriteOnly)
	return update, prior != update.Customer || becomesManaged || (writeOnly && !update.KeepPassword)
}

// readCustomerForRefresh: nil means the refresh is over (gone, or an error).
func (d *providerData) readCustomerForRefresh(ctx context.Context, ref moka.CustomerRef, needPassword bool, resp *resource.ReadResponse) (*moka.Customer, []moka.Card) {
	customer, cards, err := d.readCustomerAndCards(ctx, ref, needPassword)
	if moka.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Moka customer is gone",
			fmt.Sprintf("The customer %s no longer exists in Moka; it was removed outside Terraform. It is dropped from state and the next apply creates it again.", ref))
		resp.State.RemoveResource(ctx)
		return nil, nil
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Moka customer", fmt.Sprintf("Reading %s: %v", ref, err))
		return nil, nil
	}
	return customer, cards
}
