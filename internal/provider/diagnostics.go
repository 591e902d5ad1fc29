package provider

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// Client errors as diagnostics that say what to do next, shared so that one
// failure reads the same wherever it happens.

func addCustomerError(diags interface {
	AddError(string, string)
	AddAttributeError(path.Path, string, string)
}, action, code string, err error, now time.Time) {
	var conflict *moka.ConflictError
	switch {
	case errors.As(err, &conflict) && conflict.Retired:
		diags.AddAttributeError(path.Root("customer_code"), "Customer code cannot be used again", conflict.Error()+".")
	case errors.As(err, &conflict):
		held, id := conflictHeld(code, conflict)
		diags.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
			fmt.Sprintf("%s, and this state does not record it. %s", held, unrecordedObjectAdvice("customer", conflict.Claim, id, now)))
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

func conflictHeld(code string, conflict *moka.ConflictError) (held, id string) {
	id = "code:" + code
	held = fmt.Sprintf("A Moka customer with customer_code %q already exists", code)
	if conflict.DealerCustomerID != 0 {
		id = strconv.FormatInt(conflict.DealerCustomerID, 10)
		held += fmt.Sprintf(" (dealer_customer_id %d)", conflict.DealerCustomerID)
	}
	if conflict.HeldAs != "" && conflict.HeldAs != code {
		held += fmt.Sprintf(", which Moka holds as %q (it compares codes ignoring case)", conflict.HeldAs)
	}
	return held, id
}

// importHint: the framework does not tell a resource its address, but
// Terraform names it in the diagnostic ("with moka_...").
func importHint(id string) string {
	return fmt.Sprintf("import it: add this block, with ADDRESS replaced by the resource address Terraform names with this message, and run terraform apply:\n\n  import {\n    to = ADDRESS\n    id = %q\n  }\n\nor run: terraform import ADDRESS %q", id, id)
}

// unrecordedObjectAdvice claims not to know who made the object: nothing here
// tells a stopped apply of this configuration from another owner.
func unrecordedObjectAdvice(what, claim, id string, now time.Time) string {
	if claim == "" {
		return fmt.Sprintf("Nothing here proves who created it: another configuration, the dealer's application, or an apply of this configuration that was stopped before it saved its state. "+
			"It is not taken over on its own. If it is this configuration's %s, %s", what, importHint(id))
	}
	written, known := moka.ClaimWritten(claim)
	when := "at a time it does not show"
	if known {
		when = written.Format(time.RFC3339)
	}
	if !moka.ClaimAbandoned(claim, now) {
		return fmt.Sprintf("It carries a create's mark, in the form terraform-provider-moka writes, dated %s, that no state has settled yet: that create may still be running (in this or another configuration), "+
			"or its apply was stopped before it saved its state. It is not taken over on its own. If it is this configuration's %s, wait until %s, when no create can still be running for it, then %s",
			when, what, written.Add(moka.ClaimMayBeRunningFor).Format(time.RFC3339), importHint(id))
	}
	return fmt.Sprintf("It carries a create's mark, in the form terraform-provider-moka writes, dated %s, that no state settled: an apply was stopped before it saved its state, or a create's answer was lost and it landed later (or someone wrote that text). "+
		"It is not taken over on its own. If it is this configuration's %s, %s", when, what, importHint(id))
}

func addCardError(diags interface{ AddError(string, string) }, action, token string, err error) {
	if moka.IsNotFound(err) {
		diags.AddError("Moka card not found", fmt.Sprintf("Cannot %s card %s: Moka has no card with that token.", action, token))
		return
	}
	diags.AddError("Cannot "+action+" Moka card", fmt.Sprintf("Card %s: %v", token, err))
}

// importClaimed refuses the import while the create may still be running
// somewhere, since that create would adopt the object too.
func importClaimed(what, claim string, now time.Time, diags *diag.Diagnostics) (ok bool) {
	if claim == "" {
		return true
	}
	written, known := moka.ClaimWritten(claim)
	if !moka.ClaimAbandoned(claim, now) {
		diags.AddError("Moka object may still be being created",
			fmt.Sprintf("%s carries a create's mark, in the form terraform-provider-moka writes, dated %s: that create may still be running (in this or another configuration) and would adopt it too. "+
				"If no apply is running for it (it was stopped or killed), import it again after %s.",
				what, written.Format(time.RFC3339), written.Add(moka.ClaimMayBeRunningFor).Format(time.RFC3339)))
		return false
	}
	when := "at a time it does not show"
	if known {
		when = written.Format(time.RFC3339)
	}
	diags.AddWarning("Imported an unfinished Moka object",
		fmt.Sprintf("%s carries a create's mark, in the form terraform-provider-moka writes, dated %s, that no state settled. It is imported as this configuration's, as asked; the next plan shows the marked field going to its configured value, and the apply writes it.", what, when))
	return true
}

func markedTwinDetail(customer moka.CustomerRef, twin moka.Card, now time.Time) string {
	advice := "If it is this configuration's card, " + importHint(twin.CardToken)
	if !moka.ClaimAbandoned(twin.CardName, now) {
		written, _ := moka.ClaimWritten(twin.CardName)
		advice = fmt.Sprintf("If it is this configuration's card, wait until %s, when no create can still be running for it, then %s",
			written.Add(moka.ClaimMayBeRunningFor).Format(time.RFC3339), importHint(twin.CardToken))
	}
	return fmt.Sprintf("%s holds card %s (%s…%s, %s/%s), named with the mark terraform-provider-moka writes while it stores a card, which nothing here shows to be this configuration's: "+
		"an apply was stopped while it stored it, a create's answer was lost and it landed later, or a create that is still running stored it. "+
		"Storing the card again would make a second one, so it is not stored. %s\n\n"+
		"If it is the card this apply replaces with create_before_destroy (a card a refresh adopted from a create whose answer was lost keeps the mark until an apply gives it its name), "+
		"undo the change that replaces it, apply (which names the card), then make the change again. "+
		"If it is no configuration's, remove it (in Moka's panel, or import it and destroy it) and apply again. (A card stored without a name on a Moka that refuses an empty name keeps the mark too: "+
		"if it is the card this one replaces, give card_name a value.)",
		customer, twin.CardToken, twin.CardNumberFirstSix, twin.CardNumberLastFour, twin.ExpMonth, twin.ExpYear, advice)
}

func twinRefused(diags *diag.Diagnostics, customer moka.CustomerRef, twin *moka.Card, err error, now time.Time) bool {
	switch {
	case err != nil:
		diags.AddError("Cannot read Moka cards", fmt.Sprintf("Looking at the cards of %s before storing one: %v", customer, err))
	case twin != nil:
		diags.AddError("Moka holds this card already, from an unfinished create", markedTwinDetail(customer, *twin, now))
	default:
		return false
	}
	return true
}
