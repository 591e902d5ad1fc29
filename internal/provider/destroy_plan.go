package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// What a plan removes from Moka that it cannot show: the cards RemoveCustomer
// takes along on a destroy, -replace or create_before_destroy (DESIGN.md).

// customerRemovals is what one provider process learnt from the plans of
// customers it was asked to replace under the same code.
type customerRemovals struct {
	// replaced: the replaced customer's id -> *replacedCustomer.
	replaced sync.Map
}

type replacedCustomer struct {
	id    int64
	code  string
	cards []moka.Card
	err   error // reading its cards
	// warned is set once a card's plan has named the cards.
	warned atomic.Bool
}

// replacedCustomerMark is the private-state value of privateReplacedCustomer.
type replacedCustomerMark struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
}

func (m replacedCustomerMark) value() []byte {
	out, _ := json.Marshal(m) // two plain fields: cannot fail
	return out
}

func parseReplacedCustomerMark(raw []byte) (m replacedCustomerMark, ok bool) {
	err := json.Unmarshal(raw, &m)
	return m, len(raw) > 0 && err == nil && m.ID > 0
}

func planCustomerRemoval(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var id types.Int64
	var code types.String
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("dealer_customer_id"), &id)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("customer_code"), &code)...)
	}
	known := !id.IsNull() && !id.IsUnknown() && id.ValueInt64() > 0
	switch {
	case req.State.Raw.IsNull() && !req.Plan.Raw.IsNull():
		// a create: the second half of a replacement if the first left its mark
		raw, diags := req.Private.GetKey(ctx, privateReplacedCustomer)
		resp.Diagnostics.Append(diags...)
		mark, ok := parseReplacedCustomerMark(raw)
		if !ok {
			return
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReplacedCustomer, nil)...)
		var planned types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("customer_code"), &planned)...)
		if planned.IsUnknown() || planned.ValueString() != mark.Code || data == nil || data.client == nil {
			// a new code: checkCustomerReplacement warned, and the cards that
			// name it by code are replaced by their own plan modifier
			return
		}
		data.creates.replacements.replacing(ctx, data.client, mark.ID, mark.Code)
	case !req.State.Raw.IsNull() && !req.Plan.Raw.IsNull():
		// maybe the first half of a replacement only Terraform knows of
		if known {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReplacedCustomer, replacedCustomerMark{ID: id.ValueInt64(), Code: code.ValueString()}.value())...)
		}
	case known && data != nil && data.client != nil:
		warnCustomerDestroy(ctx, data.client, id.ValueInt64(), code.ValueString(), &resp.Diagnostics)
	}
}

// forgetReplacedCustomerMark: the mark is only for the plan that made it.
func forgetReplacedCustomerMark(ctx context.Context, private privateSetter) diag.Diagnostics {
	return private.SetKey(ctx, privateReplacedCustomer, nil)
}

func (r *customerRemovals) replacing(ctx context.Context, client *moka.Client, id int64, code string) {
	c := &replacedCustomer{id: id, code: code}
	list, err := client.GetCardList(ctx, moka.CustomerRef{DealerCustomerID: id})
	switch {
	case err == nil:
		c.cards = list.Cards
	case !moka.IsNotFound(err):
		c.err = err
	}
	r.replaced.Store(id, c)
}

func warnCustomerDestroy(ctx context.Context, client *moka.Client, id int64, code string, diags *diag.Diagnostics) {
	list, err := client.GetCardList(ctx, moka.CustomerRef{DealerCustomerID: id})
	switch {
	case moka.IsNotFound(err):
		return // gone already: the destroy removes nothing
	case err != nil:
		diags.AddWarning("Destroying a customer removes its cards from Moka",
			fmt.Sprintf("This plan removes customer %d (customer_code %q) from Moka, and RemoveCustomer removes the cards Moka holds for it too; how many it holds could not be read (%v).", id, code, err))
		return
	case len(list.Cards) == 0:
		return
	}
	diags.AddWarning("Destroying a customer removes its cards from Moka",
		fmt.Sprintf("This plan removes customer %d (customer_code %q) from Moka. Moka holds %d stored card(s) for it (%s), and RemoveCustomer removes them with it, "+
			"unless this Moka keeps cards of removed customers. The plan does not show them: "+
			"a moka_card that this plan also destroys removes its card first; a moka_card or moka_card_name still in the configuration will find its card gone "+
			"(remove its block too, or a moka_card needs card_number_wo to store the card again); any other card, such as one saved at checkout, is gone for good.",
			id, code, len(list.Cards), cardsText(list.Cards)))
}

// cardFollowsItsCustomer replaces a card of a customer that this plan
// replaces under the same code: the apply removes it with its customer.
func cardFollowsItsCustomer(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (replaced bool) {
	if data == nil || req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return false
	}
	var id, configured types.Int64
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("dealer_customer_id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("dealer_customer_id"), &configured)...)
	v, _ := data.creates.replacements.replaced.Load(id.ValueInt64())
	c, ok := v.(*replacedCustomer)
	if !ok || id.IsNull() || id.IsUnknown() {
		return false
	}
	if !configured.IsNull() && !configured.IsUnknown() {
		// a fixed id, which the replacement takes away: the apply says so
		return false
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("dealer_customer_id"), types.Int64Unknown())...)
	resp.RequiresReplace.Append(path.Root("dealer_customer_id"))
	if c.warned.CompareAndSwap(false, true) {
		held := fmt.Sprintf("Moka holds %d stored card(s) for it (%s), which RemoveCustomer removes with it", len(c.cards), cardsText(c.cards))
		if c.err != nil {
			held = fmt.Sprintf("RemoveCustomer removes the cards Moka holds for it with it (how many could not be read: %v)", c.err)
		}
		resp.Diagnostics.AddWarning("Replacing a customer removes its cards from Moka",
			fmt.Sprintf("This plan replaces customer %d (customer_code %q) under the same code (terraform apply -replace): it is removed from Moka and a new customer is created. %s. "+
				"Each moka_card that refers to the customer is replaced too, storing its card again for the new customer (this plan shows them); any other card is gone for good. "+
				"If create_before_destroy is in effect for the customer (set on it, or on a resource that depends on it, such as a moka_card), the apply stops at the new customer, "+
				"before removing anything: Moka lets one customer hold a code at a time. Then replace it in two steps: terraform destroy -target=<the customer's address>, then terraform apply.",
				c.id, c.code, held))
	}
	return true
}

func cardsText(cards []moka.Card) string {
	var names []string
	for i, c := range cards {
		if i == 10 {
			names = append(names, fmt.Sprintf("and %d more", len(cards)-10))
			break
		}
		name := c.CardNumberFirstSix + "******" + c.CardNumberLastFour
		if n := strings.TrimSpace(c.CardName); n != "" && !moka.IsClaim(n) {
			name += " " + strconv.Quote(n)
		}
		names = append(names, name+" "+moka.NormalizeCardToken(c.CardToken))
	}
	return strings.Join(names, ", ")
}

// addCustomerCreateError: a conflict on the customer's own code may be a
// create_before_destroy replacement, which nothing tells Create of (Terraform
// plans it again at apply as a plain create), so the error names that case too.
func addCustomerCreateError(diags *diag.Diagnostics, code string, err error, now time.Time) {
	var conflict *moka.ConflictError
	if !errors.As(err, &conflict) || conflict.Retired {
		addCustomerError(diags, "create", code, err, now)
		return
	}
	held, id := conflictHeld(code, conflict)
	diags.AddAttributeError(path.Root("customer_code"), "Customer code already in use",
		fmt.Sprintf("%s, and this state does not record it. %s\n\n"+
			"Other ways this happens:\n"+
			"- Pipelines or configurations side by side that use the same codes: give each its own codes (a prefix per CI job).\n"+
			"- A run that keeps no state (terraform test) was stopped before its teardown and left the customer: remove it in Moka's panel, "+
			"or adopt and destroy it from a configuration of its own (the ci-test-environment example's cleanup does it by code prefix).\n"+
			"- It is the customer this apply replaces (terraform apply -replace, or a tainted resource) with create_before_destroy in effect "+
			"(set on it, or on a resource that depends on it, such as a moka_card): Moka lets one customer hold a code at a time, so the new customer was not created, "+
			"and the old one is still in Moka with its cards; resources this apply destroyed before this create may be gone, and the next apply stores them again. "+
			"Replace it in two steps instead (terraform destroy -target=<this resource's address>, then terraform apply), or give the new customer another customer_code.",
			held, unrecordedObjectAdvice("customer", conflict.Claim, id, now)))
}
