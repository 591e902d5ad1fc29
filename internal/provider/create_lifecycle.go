package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// createLifecycle owns what follows a claimed create (internal/moka/create.go)
// in one provider process. A create whose answer was lost leaves a pending
// record (planned state without Moka's id, the claim in private state), not
// an error, which would taint it and have the next apply remove the object it
// made. It also holds the only state resources share.
type createLifecycle struct {
	replacements customerRemovals // replaced under their own code; their cards go with them (destroy_plan.go)
	unconfirmed  sync.Map         // customer code -> true
	markedCards  sync.Map         // "id:N" and "code:C" -> the cards a refresh saw named with a create's mark
	now          func() time.Time // the provider's clock; nil: time.Now
}

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

// markedTwin is a card of the customer named with a create's mark and with
// want's number and expiry: storing want again would make a second one. The
// cards are those a refresh here read, else (fetch) one GetCardList.
func (l *createLifecycle) markedTwin(ctx context.Context, client *moka.Client, fetch bool, ref moka.CustomerRef, want moka.Card) (*moka.Card, error) {
	keys := []string{"id:" + strconv.FormatInt(ref.DealerCustomerID, 10), "code:" + ref.CustomerCode}
	known := false
	for _, key := range keys {
		_, ok := l.markedCards.Load(key)
		known = known || (ok && key != "id:0" && key != "code:")
	}
	if !known && fetch && client != nil {
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
			if client != nil && client.WroteCardClaim(card.CardName) {
				// this apply's own (a configuration may store one card twice)
				continue
			}
			if card.CardNumberFirstSix == want.CardNumberFirstSix && card.CardNumberLastFour == want.CardNumberLastFour &&
				card.ExpMonth == want.ExpMonth && card.ExpYear == want.ExpYear {
				return &card, nil
			}
		}
	}
	return nil, nil
}

// mayStoreCard: not for a customer whose create in this apply got no answer
// (the code may be another's customer, and AddCard would store the card
// there), nor when the customer holds a stopped apply's card alike.
func (l *createLifecycle) mayStoreCard(ctx context.Context, client *moka.Client, card moka.NewCard, now time.Time, diags *diag.Diagnostics) bool {
	code := card.Customer.CustomerCode
	if l.isUnconfirmed(code) {
		diags.AddAttributeError(path.Root("customer_code"), "Customer not confirmed",
			fmt.Sprintf("The create of customer_code %q in this apply got no answer, so nothing proves that the customer holding that code is this configuration's. "+
				"The card is not stored; the next apply stores it once the customer is settled.", code))
		return false
	}
	twin, err := l.markedTwin(ctx, client, true, card.Customer, card.Fingerprint())
	return !twinRefused(diags, card.Customer, twin, err, now)
}

func (l *createLifecycle) clock() time.Time {
	if l.now == nil {
		return time.Now()
	}
	return l.now()
}

func (l *createLifecycle) customerUnconfirmed(code string) { l.unconfirmed.Store(code, true) }

func (l *createLifecycle) isUnconfirmed(code string) bool {
	_, pending := l.unconfirmed.Load(code)
	return pending && code != ""
}

// pendingCreate is what private state says of a create that was not settled.
type pendingCreate struct {
	claim string
	// unreleased: a record of an unreleased build, with no claim to look for.
	unreleased bool
}

func (p pendingCreate) pending() bool { return p.claim != "" || p.unreleased }

func pendingCreateOf(ctx context.Context, private privateGetter) (pendingCreate, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateCreateClaim)
	unreleased, more := private.GetKey(ctx, privateCreateUncertain)
	diags.Append(more...)
	var claim string
	if len(raw) > 0 && json.Unmarshal(raw, &claim) != nil {
		diags.AddError("Unreadable private state", "The claim of an unconfirmed create could not be read from private state.")
	}
	return pendingCreate{claim: claim, unreleased: string(unreleased) == "true"}, diags
}

// claimLookup is how a resource finds the object its pending record's create
// made; the resource keeps what find found, to fill its state on adoption.
type claimLookup struct {
	what string // "customer" or "card"
	// made: "created", "stored"; makes: "creates", "stores".
	made, makes string
	// key names the object for messages: `customer_code "A-1"`.
	key string
	// waitsOutCreate: no key Moka keeps unique stops a second one (cards),
	// so a record is kept while its create may still be carried out.
	waitsOutCreate bool
	// find: ours when found; other is the id of an object holding the key
	// without the claim, or "".
	find func(ctx context.Context, claim string) (ours bool, other string, err error)
}

// planSettling is ModifyPlan's part for a pending record: its ids are
// unknown, so the plan never says "no changes" while nothing confirms it. It
// plans alike in the plan's process and the apply's (Terraform plans again
// there, and the two must agree), so it cannot depend on this run's refresh.
func (l *createLifecycle) planSettling(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, look claimLookup, ids map[string]attr.Value) {
	for id, unknown := range ids {
		var configured attr.Value
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(id), &configured)...)
		if configured != nil && !configured.IsNull() {
			continue // the configuration's value is the plan's
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(id), unknown)...)
	}
	resp.Diagnostics.AddWarning("Unconfirmed Moka "+look.what+" to be settled",
		fmt.Sprintf("The create of %s got no answer, and no look since has found what it made. "+
			"The apply looks for it again and adopts it only if it carries that create's mark; until then its id is that mark.", look.key))
}

// settle is Read's part: the object carrying the claim is adopted; else the
// record is dropped, and an object holding the key without the claim is left
// alone (the next apply reports the conflict).
func (l *createLifecycle) settle(ctx context.Context, pending pendingCreate, resp *resource.ReadResponse, look claimLookup) (adopted bool) {
	if pending.claim == "" {
		resp.Diagnostics.AddWarning("Unconfirmed Moka "+look.what+" dropped from state",
			fmt.Sprintf("The create of %s got no answer under an unreleased build of the provider, which left a record without a mark, so nothing can prove what it %s. "+
				"It is dropped from state and Moka is left as it is; the next apply creates it again, or reports that its key is taken, with the import that adopts it.", look.key, look.made))
		resp.State.RemoveResource(ctx)
		return false
	}
	ours, other, err := look.find(ctx, pending.claim)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read Moka "+look.what,
			fmt.Sprintf("Looking for %s, whose create got no answer: %v", look.key, err))
	case ours:
		resp.Diagnostics.Append(settledPendingCreate(ctx, resp.Private)...)
		return true
	case other == "" && look.waitsOutCreate && !moka.ClaimAbandoned(pending.claim, l.clock()):
		resp.Diagnostics.AddWarning("Moka "+look.what+" not "+look.made+" yet",
			fmt.Sprintf("The create of %s that got no answer has not %s it so far, and Moka may still carry out a create that timed out until %s. "+
				"Until then Terraform keeps its record and does not %s it again for this record, so that it is never %s twice: an apply or destroy that includes it fails until then. "+
				"The first refresh after that adopts it if Moka carried it out, or drops the record so that the apply %s it.",
				look.key, look.made, runningUntil(pending.claim), strings.TrimSuffix(look.makes, "s"), look.made, look.makes))
	case other == "" && !moka.ClaimAbandoned(pending.claim, l.clock()):
		// Not "not stored": a timed-out create may still land; its key
		// (a customer's code) then stops the next create.
		resp.Diagnostics.AddWarning("Moka "+look.what+" not "+look.made+" yet",
			fmt.Sprintf("The create of %s that got no answer has not %s it so far, and a create that timed out may still be carried out until %s. "+
				"It is dropped from state, and the next apply %s it again; if the create that got no answer is carried out first, the key is taken, "+
				"and the error names the %s, with the import that adopts it.", look.key, look.made, runningUntil(pending.claim), look.makes, look.what))
		resp.State.RemoveResource(ctx)
	case other == "":
		resp.Diagnostics.AddWarning("Moka "+look.what+" not found with its create's mark",
			fmt.Sprintf("Nothing in Moka carries the mark of the create of %s that got no answer, and that create can no longer be carried out: "+
				"either it never was, or the %s it made was changed or removed since (the mark is in its text). It is dropped from state and the next apply %s it. "+
				"If Moka holds it with other text, import it by its id instead, before that apply makes another.", look.key, look.what, look.makes))
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.AddWarning("Moka "+look.what+" does not carry this create's mark",
			fmt.Sprintf("%s belongs to %s %s, which does not carry the mark of the create that got no answer, so nothing proves it is this configuration's "+
				"(another configuration or application may have created it, or it was changed before this refresh). It is dropped from state and left alone in Moka; "+
				"the next apply reports the conflict. If it is this configuration's %s, %s", look.key, look.what, other, look.what, importHint(other)))
		resp.State.RemoveResource(ctx)
	}
	return false
}

// own is Update's and Delete's part for a pending record no refresh settled
// (-refresh=false): the object is changed or removed only if it carries the
// claim. Otherwise: an error for an update, a warning for a destroy.
func (l *createLifecycle) own(ctx context.Context, record pendingCreate, out privateSetter, diags *diag.Diagnostics, look claimLookup, destroy bool) (ours bool) {
	var other string
	var err error
	if record.claim != "" {
		ours, other, err = look.find(ctx, record.claim)
	}
	if ours && err == nil {
		diags.Append(settledPendingCreate(ctx, out)...)
		return true
	}
	switch {
	case err != nil:
		diags.AddError("Cannot read Moka "+look.what,
			fmt.Sprintf("Looking for %s, whose create got no answer: %v", look.key, err))
	case destroy && other != "":
		diags.AddWarning("Moka "+look.what+" left alone",
			fmt.Sprintf("%s belongs to %s %s, which does not carry the mark of the create that got no answer; nothing proves it is this configuration's, so it is left in Moka.", look.key, look.what, other))
	case look.waitsOutCreate && !moka.ClaimAbandoned(record.claim, l.clock()):
		// Removing the record now could leave what lands later behind, and
		// a replacement would store a second one: the record stays.
		what := "changed"
		if destroy {
			what = "removed"
		}
		diags.AddError("Moka "+look.what+" not "+look.made+" yet",
			fmt.Sprintf("The create of %s that got no answer has not %s it so far, and Moka may still carry it out until %s. "+
				"Until then this record is not %s or replaced, so that nothing Moka %s late is left behind: run the apply (or destroy) again after that time, "+
				"or once the %s is there. It then finds the %s if Moka %s it, and works on it as planned. "+
				"(With create_before_destroy, Terraform stored the replacement before this step: if Moka carries the old create out, the customer holds both until that apply removes the old one.)",
				look.key, look.made, runningUntil(record.claim), what, look.makes, look.what, look.what, look.made))
	case destroy && record.claim == "":
		diags.AddWarning("Moka "+look.what+" left alone",
			fmt.Sprintf("Nothing identifies what the create of %s that got no answer made (its record holds no create's mark), so nothing is removed from Moka; the record is dropped from state. "+
				"A %s it made after all carries a mark in its text, which a refresh names.", look.key, look.what))
	case destroy:
	default:
		diags.AddError("Moka "+look.what+" not found with this create's mark",
			fmt.Sprintf("Nothing in Moka carries the mark of the create of %s that got no answer, so there is nothing this apply can change. "+
				"Run terraform apply with a refresh (without -refresh=false): it looks again, drops the record if the %s is not there, and reports a conflict if another holds its key.", look.key, look.what))
	}
	return false
}

// recordPending is Create's part: state is the planned object, its id the
// claim. A customer's code is held unconfirmed for the rest of the apply.
func (l *createLifecycle) recordPending(ctx context.Context, resp *resource.CreateResponse, claim, what, customerCode string, state any) {
	next := "Run terraform plan or apply again once Moka answers."
	if what == "customer" {
		l.customerUnconfirmed(customerCode)
	} else {
		next = fmt.Sprintf("Moka may still carry this create out until %s: until then a refresh that does not find the %s keeps the record, and an apply that includes it fails, naming that time.", runningUntil(claim), what)
	}
	resp.Diagnostics.AddWarning("Moka "+what+" may exist: not confirmed",
		fmt.Sprintf("Moka may have stored the %s, but it did not answer, and no look for it since has found it (a create that timed out may still be carried out later). "+
			"Terraform keeps a record of it instead of an error, so that nothing is replaced or created twice: the next plan looks for "+
			"the %s this create stored (it carries a mark no other object has) and adopts it if it is there, or creates it if it is not. "+
			"Until then its id is that mark. %s", what, what, next))
	resp.Diagnostics.Append(setPendingClaim(ctx, resp.Private, claim)...)
	resp.Diagnostics.Append(setStateModel(ctx, &resp.State, state)...)
	// Also in state: Terraform does not pass private state on to the destroy
	// of a tainted object it replaces.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), claim)...)
}

func runningUntil(claim string) string {
	written, _ := moka.ClaimWritten(claim)
	return written.Add(moka.ClaimMayBeRunningFor).Format(time.RFC3339)
}

func setPendingClaim(ctx context.Context, private privateSetter, claim string) diag.Diagnostics {
	raw, err := json.Marshal(claim)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the unconfirmed create", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateCreateClaim, raw)
}

func settledPendingCreate(ctx context.Context, private privateSetter) diag.Diagnostics {
	diags := private.SetKey(ctx, privateCreateClaim, nil)
	diags.Append(private.SetKey(ctx, privateCreateUncertain, nil)...)
	return diags
}

func unfinishedCreateWarning(diags *diag.Diagnostics, what, field string, err error) {
	diags.AddWarning("Moka "+what+" created; one field not yet set",
		fmt.Sprintf("The %s was created, but setting its %s afterwards failed (%v). Moka holds a temporary value there, which the next plan shows as a change; apply it to finish.", what, field, err))
}
