package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// refusePasswordWithWriteOnly refuses both known and set: a module may set
// either from a variable that is null (Terraform validates again at plan, with
// the values). Not an attribute error, which would quote the configuration's
// line, and with it a password written there.
func refusePasswordWithWriteOnly(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var password, wo types.String
	diags.Append(config.GetAttribute(ctx, path.Root("password_wo"), &wo)...)
	diags.Append(config.GetAttribute(ctx, path.Root("password"), &password)...)
	if !password.IsNull() && !password.IsUnknown() && !wo.IsNull() && !wo.IsUnknown() {
		diags.AddError("password and password_wo together",
			"Set the customer's password with password or with password_wo, not both: password keeps it in state, password_wo keeps it out.")
	}
}

// checkCustomerText warns of what the apply will refuse (refuseTextMokaKeeps).
func checkCustomerText(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan, state dealerCustomerModel) {
	if kept, diags := keptClaimOf(ctx, req.Private); kept != "" {
		resp.Diagnostics.Append(diags...)
		keptClaimWarning(&resp.Diagnostics, "customer", "address, first or last name", "address, first_name or last_name", "update-keeps-empty")
	}
	limit, diags := textLimitOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	checkTextLimit(limit, plan.freeText(), &resp.Diagnostics, false)
	if keeps, diags := req.Private.GetKey(ctx, privateMokaKeepsEmpty); string(keeps) == "true" {
		resp.Diagnostics.Append(diags...)
		if names := emptied(plan, state); len(names) > 0 {
			resp.Diagnostics.AddWarning("Moka does not empty these fields", keptFieldsDetail(plan.CustomerCode.ValueString(), names))
		}
	}
}

// keepEmailSpelling: the same address in Moka's spelling (after an import).
func keepEmailSpelling(ctx context.Context, plan, state dealerCustomerModel, resp *resource.ModifyPlanResponse) {
	if !plan.Email.IsUnknown() && !plan.Email.IsNull() && !state.Email.IsNull() && !plan.Email.Equal(state.Email) &&
		moka.SameEmail(plan.Email.ValueString(), state.Email.ValueString()) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("email"), state.Email)...)
	}
}

func warnEmptyOrUnset(plan, state dealerCustomerModel, diags *diag.Diagnostics) {
	if names := emptyOrUnset(plan, state); len(names) > 0 {
		diags.AddWarning("Only Terraform's record changes",
			fmt.Sprintf("customer_code %q: %s goes between \"\" and unset, which Terraform shows as no change. Both mean an empty field in Moka, "+
				"so Moka is not called for it; only the state records the new spelling.", plan.CustomerCode.ValueString(), strings.Join(names, ", ")))
	}
}

// passwordPlanWarnings says what the plan cannot show of the password.
func passwordPlanWarnings(plan, state dealerCustomerModel, passwordWO types.String, wasWriteOnly bool, diags *diag.Diagnostics) {
	switch {
	case !passwordWO.IsNull() && (!wasWriteOnly || !plan.PasswordWOVersion.Equal(state.PasswordWOVersion)):
		// Not an attribute warning: Terraform would quote the configuration's
		// line, and with it a password written there.
		diags.AddWarning("The customer's password will be set from password_wo",
			fmt.Sprintf("customer_code %q: this apply sets the password Moka holds to the value of password_wo (it is sent whenever password_wo takes over or password_wo_version changes, "+
				"also to or from unset), which the plan cannot show (a write-only value). "+
				"Where the plan shows password going to null, that is Terraform no longer keeping it in state, not a password being cleared.", plan.CustomerCode.ValueString()))
	case !plan.Password.IsUnknown() && !plan.Password.IsNull() && plan.Password.ValueString() == "" && (state.Password.IsNull() || wasWriteOnly):
		diags.AddWarning("The customer's password will be cleared",
			fmt.Sprintf("customer_code %q: password = \"\" clears the password Moka holds, whatever it is; Terraform did not manage it before, so the plan cannot show the change.", plan.CustomerCode.ValueString()))
	case passwordWO.IsNull() && plan.Password.IsNull() && (wasWriteOnly || !state.Password.IsNull()):
		diags.AddWarning("The customer's password is no longer managed",
			fmt.Sprintf("customer_code %q: with neither password nor password_wo in the configuration, Terraform stops managing the password. "+
				"Moka keeps the one it holds; nothing is cleared. To clear it, set password = \"\".", plan.CustomerCode.ValueString()))
	}
}

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

func emptied(plan, state dealerCustomerModel) []string {
	var names []string
	for _, a := range textChanges(plan, state) {
		if !a.planned.IsUnknown() && a.planned.ValueString() == "" && a.prior.ValueString() != "" {
			names = append(names, a.name)
		}
	}
	return names
}

func attributeNames(fields []string) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = map[string]string{"FirstName": "first_name", "LastName": "last_name", "Gender": "gender", "BirthDate": "birth_date",
			"GsmNumber": "gsm_number", "Email": "email", "Address": "address", "Password": "password"}[f]
	}
	return names
}

func keptFieldsDetail(code string, fields []string) string {
	return fmt.Sprintf("customer_code %q: this Moka keeps %s when UpdateCustomer sends a field empty (as \"\" and as null); an earlier apply found this out. "+
		"The conformance command's rows update-keeps-empty and update-clears-null settle it for an account; the sandbox plays it with --update-keeps-empty. "+
		"Keep a value in the configuration, or empty the field in Moka's panel and then run terraform apply -refresh-only; until then an apply refuses to empty it before calling Moka (a plan only warns, so that a destroy is never blocked).",
		code, strings.Join(fields, ", "))
}

// emptyOrUnset: not the password, where unset means "not managed" and ""
// means "clear it".
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

// checkCustomerReplacement: an error if the new code is taken (the apply would
// remove the customer and its cards, then fail), else a warning counting the
// cards RemoveCustomer takes along, which the plan does not show.
func checkCustomerReplacement(ctx context.Context, data *providerData, plan, state dealerCustomerModel, resp *resource.ModifyPlanResponse) {
	if data == nil || data.client == nil || state.DealerCustomerID.IsNull() {
		return
	}
	client := data.client
	taken, err := client.GetCustomer(ctx, moka.CustomerRef{CustomerCode: plan.CustomerCode.ValueString()})
	if err == nil && taken.Customer.DealerCustomerID == state.DealerCustomerID.ValueInt64() {
		// Moka does not tell the two spellings apart (case, trailing blanks).
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
