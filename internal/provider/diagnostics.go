package provider

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Client errors turned into diagnostics that say what to do next. Resources,
// data sources and list resources share them, so that the same failure reads
// the same wherever it happens.

// addCustomerError turns a client error into a diagnostic that says what to do.
func addCustomerError(diags interface {
	AddError(string, string)
	AddAttributeError(path.Path, string, string)
}, action, code string, err error) {
	var conflict *moka.ConflictError
	switch {
	case errors.As(err, &conflict) && conflict.Retired:
		diags.AddAttributeError(path.Root("customer_code"), "Customer code cannot be used again", conflict.Error()+".")
	case errors.As(err, &conflict) && conflict.ClaimedByAnotherCreate:
		diags.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
			fmt.Sprintf("%v. That state adopts it on its next plan or apply; this configuration cannot create it. Choose another customer_code, or remove it from one of the two configurations.", conflict))
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
	return fmt.Sprintf("import it. Add this block, with this resource's address after \"to =\":\n\n  import {\n    to = \n    id = %q\n  }\n\nor run: terraform import ADDRESS %q  (ADDRESS: this resource's address)", id, id)
}

// addCardError turns a client error about a card into a diagnostic.
func addCardError(diags interface{ AddError(string, string) }, action, token string, err error) {
	if moka.IsNotFound(err) {
		diags.AddError("Moka card not found", fmt.Sprintf("Cannot %s card %s: Moka has no card with that token.", action, token))
		return
	}
	diags.AddError("Cannot "+action+" Moka card", fmt.Sprintf("Card %s: %v", token, err))
}
