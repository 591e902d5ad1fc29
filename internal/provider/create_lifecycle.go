package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// A create whose answers were lost.
//
// The client creates with a claim (internal/moka/create.go): after a lost
// answer, the object carrying this create's claim is the one it made, and no
// other object ever is, however alike. When even the look for the claim gets
// no answer, or the create timed out (Moka may carry it out later), nobody
// knows yet whether the object exists. The resource then
// keeps a pending record: its state as planned but without the id Moka would
// have given, and the claim in private state. The create returns warnings,
// not an error, on purpose: Terraform marks a resource whose create failed
// tainted, and plans a tainted resource's replacement, whose destroy would
// remove the very object (and the cards stored for it since) that the next
// refresh finds. A pending record is settled instead:
//
//   - the next refresh looks for the claim: found, the object is adopted as
//     made (the field still holding the claim shows as a change to apply);
//     not there, the record is dropped and the next apply creates the object;
//     the key held by an object without the claim, the record is dropped and
//     that object left alone (the next apply reports the conflict);
//   - a destroy before any refresh (-refresh=false) removes the object only if
//     it carries the claim.
//
// Records without a claim (privateCreateUncertain, from builds before the
// claim) are dropped by a refresh, naming what it found: nothing can prove
// what they found to be Terraform's.

// createLifecycle is what the resources share of their creates in one
// provider process: the customer codes whose create could not be confirmed
// (whoever holds such a code may be another's customer, so no card is stored
// under it in this apply), and the cards named with a create's mark that
// customers' refreshes saw (so that no card is stored a second time).
type createLifecycle struct {
	unconfirmed sync.Map
	// markedCards are, by customer (id and code), the cards a refresh of the
	// customer in this process saw named with a create's mark.
	markedCards sync.Map
}

// customerCardsSeen records the marked cards among a customer's cards, as a
// refresh read them.
func (l *createLifecycle) customerCardsSeen(c moka.Customer, cards []moka.Card) {
	var marked []moka.Card
	for _, card := range cards {
		if moka.IsClaim(card.CardName) {
			marked = append(marked, card)
		}
	}
	for _, key := range []string{"id:" + strconv.FormatInt(c.DealerCustomerID, 10), "code:" + c.CustomerCode} {
		l.markedCards.Store(key, marked)
	}
}

// markedTwin is a card of the customer named with a create's mark that has
// the number and expiry of want: storing want again would make a second one.
// The customer's cards are those its refresh in this process read, or else
// one GetCardList (a customer not refreshed here: a configuration of cards
// only, or -refresh=false).
func (l *createLifecycle) markedTwin(ctx context.Context, client *moka.Client, ref moka.CustomerRef, want moka.Card) (*moka.Card, error) {
	keys := []string{"id:" + strconv.FormatInt(ref.DealerCustomerID, 10), "code:" + ref.CustomerCode}
	known := false
	for _, key := range keys {
		_, ok := l.markedCards.Load(key)
		known = known || (ok && key != "id:0" && key != "code:")
	}
	if !known && client != nil {
		list, err := client.GetCardList(ctx, ref)
		switch {
		case moka.IsNotFound(err):
			return nil, nil
		case err != nil:
			return nil, err
		}
		l.customerCardsSeen(list.Customer, list.Cards)
		keys = append(keys, "id:"+strconv.FormatInt(list.Customer.DealerCustomerID, 10))
	}
	for _, key := range keys {
		if key == "id:0" || key == "code:" {
			continue
		}
		seen, ok := l.markedCards.Load(key)
		if !ok {
			continue
		}
		for _, card := range seen.([]moka.Card) { //nolint:forcetypeassert // only customerCardsSeen stores here
			if card.CardNumberFirstSix == want.CardNumberFirstSix && card.CardNumberLastFour == want.CardNumberLastFour &&
				card.ExpMonth == want.ExpMonth && card.ExpYear == want.ExpYear {
				return &card, nil
			}
		}
	}
	return nil, nil
}

func (l *createLifecycle) customerUnconfirmed(code string) { l.unconfirmed.Store(code, true) }

func (l *createLifecycle) isUnconfirmed(code string) bool {
	_, pending := l.unconfirmed.Load(code)
	return pending && code != ""
}

// pendingCreate is what private state says of a create that was not settled.
type pendingCreate struct {
	// claim is the claim the lost create carried, or "".
	claim string
	// legacy is a 0.1 record: pending, but with no claim to look for.
	legacy bool
}

func (p pendingCreate) pending() bool { return p.claim != "" || p.legacy }

func pendingCreateOf(ctx context.Context, private privateGetter) (pendingCreate, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateCreateClaim)
	legacy, more := private.GetKey(ctx, privateCreateUncertain)
	diags.Append(more...)
	var claim string
	if len(raw) > 0 && json.Unmarshal(raw, &claim) != nil {
		diags.AddError("Unreadable private state", "The claim of an unconfirmed create could not be read from private state.")
	}
	return pendingCreate{claim: claim, legacy: string(legacy) == "true"}, diags
}

// recordPendingCreate makes resp's state the pending record of a create that
// carried claim: state is the planned object with what only Moka could have
// given (the id) left null. what names the object for the warning.
func recordPendingCreate(ctx context.Context, resp *resource.CreateResponse, claim, what string, state any) {
	resp.Diagnostics.AddWarning("Moka "+what+" may exist: not confirmed",
		fmt.Sprintf("Moka may have stored the %s, but it did not answer, and no look for it since has found it (a create that timed out may still be carried out later). "+
			"Terraform keeps a record of it instead of an error, so that nothing is replaced or created twice: the next plan looks for "+
			"the %s this create stored (it carries a mark no other object has) and adopts it if it is there, or creates it if it is not. "+
			"Until then it has no id. Run terraform plan or apply again once Moka answers.", what, what))
	// Private state values must be JSON.
	raw, err := json.Marshal(claim)
	if err != nil {
		resp.Diagnostics.AddError("Cannot record the unconfirmed create", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCreateClaim, raw)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// settledPendingCreate removes a pending record's marks from private state.
func settledPendingCreate(ctx context.Context, private privateSetter) diag.Diagnostics {
	diags := private.SetKey(ctx, privateCreateClaim, nil)
	diags.Append(private.SetKey(ctx, privateCreateUncertain, nil)...)
	return diags
}

// unfinishedCreateWarning is the warning of a create that made its object but
// could not then write the field that held its claim.
func unfinishedCreateWarning(diags *diag.Diagnostics, what, field string, err error) {
	diags.AddWarning("Moka "+what+" created; one field not yet set",
		fmt.Sprintf("The %s was created, but setting its %s afterwards failed (%v). Moka holds a temporary value there, which the next plan shows as a change; apply it to finish.", what, field, err))
}

// A claim Moka keeps.
//
// A create's claim goes in a field the configuration gives a value, when it
// gives one, so that the finishing write replaces it. A customer with no
// address, first or last name, and a card without a name, must instead have
// the field emptied; a Moka that neither empties a field sent as "" nor as
// null (conformance rows update-keeps-empty and update-card-refuses-empty-name)
// keeps the claim there. The object is ours all the same: the claim is kept
// in private state, a field holding it is read as empty, and every plan warns
// until the configuration gives the field a value, which replaces it.

// keptClaimOf is the claim Moka kept in one of the resource's fields, or "".
func keptClaimOf(ctx context.Context, private privateGetter) (string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateKeptClaim)
	var claim string
	if len(raw) > 0 && json.Unmarshal(raw, &claim) != nil {
		diags.AddWarning("Unreadable private state", "The record of a create's mark that Moka kept could not be read; it is dropped.")
		return "", diags
	}
	return claim, diags
}

// setKeptClaim records claim as kept by Moka ("" drops the record).
func setKeptClaim(ctx context.Context, private privateSetter, claim string) diag.Diagnostics {
	if claim == "" {
		return private.SetKey(ctx, privateKeptClaim, nil)
	}
	raw, err := json.Marshal(claim)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the create's mark", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateKeptClaim, raw)
}

// keptClaimWarning says, at create and at every plan, that Moka holds the
// create's mark in a field the configuration leaves empty, and how to end it.
func keptClaimWarning(diags *diag.Diagnostics, what, field, attributes, row string) {
	diags.AddWarning("Moka keeps the create's mark on this "+what,
		fmt.Sprintf("This Moka did not empty the %s's %s when asked to (it keeps a field sent as \"\" and as null; conformance row %s settles this for an account, and the sandbox plays it with --%s). "+
			"The %s is this configuration's and works, but Moka shows the create's mark there instead of nothing, and Terraform reads it as empty. "+
			"Give %s a value in the configuration to replace it.", what, field, row, row, what, attributes))
}

// strayCardsWarning names the customer's cards whose name is the mark of a
// card create that no state settled and that can no longer be running: an
// apply killed while it stored them (the card was stored again by the next
// apply), or a create Moka carried out after every look. Nothing proves whose
// they are, so they are only named, with the way to remove them.
func strayCardsWarning(diags *diag.Diagnostics, code string, cards []moka.Card) {
	var stray []string
	for _, c := range cards {
		if moka.IsClaim(c.CardName) && moka.ClaimAbandoned(c.CardName, clock()) {
			stray = append(stray, c.CardToken)
		}
	}
	if len(stray) == 0 {
		return
	}
	diags.AddWarning("Moka holds cards of unfinished creates",
		fmt.Sprintf("customer_code %q: Moka holds %d card(s) named with a create's mark, in the form terraform-provider-moka writes, dated more than 10 minutes ago: %s. "+
			"An apply was stopped while it stored them, or a create's answer was lost and it landed later; nothing proves whose they are, so they are left alone. "+
			"A card stored without a name on a Moka that refuses an empty name keeps its mark too, and its moka_card says so. "+
			"To remove one through Terraform, import it into a moka_card resource (id = its token), then remove that resource from the configuration; or remove it in Moka's panel.",
			code, len(stray), strings.Join(stray, ", ")))
}
