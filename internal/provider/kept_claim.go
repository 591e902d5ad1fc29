package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// A claim Moka keeps: on a Moka that empties no field, the claim stays in the
// field; it is kept in private state and read as empty (DESIGN.md).

func keptClaimOf(ctx context.Context, private privateGetter) (string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateKeptClaim)
	var claim string
	if len(raw) > 0 && json.Unmarshal(raw, &claim) != nil {
		diags.AddWarning("Unreadable private state", "The record of a create's mark that Moka kept could not be read; it is dropped.")
		return "", diags
	}
	return claim, diags
}

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

func keptClaimWarning(diags *diag.Diagnostics, what, field, attributes, row string) {
	diags.AddWarning("Moka keeps the create's mark on this "+what,
		fmt.Sprintf("This Moka did not empty the %s's %s when asked to (it keeps a field sent as \"\" and as null; conformance row %s settles this for an account, and the sandbox plays it with --%s). "+
			"The %s is this configuration's and works, but Moka shows the create's mark there instead of nothing, and Terraform reads it as empty. "+
			"Give %s a value in the configuration to replace it.", what, field, row, row, what, attributes))
}

// strayCardsWarning only names cards marked by a create no state settled and
// that can no longer be running: nothing proves whose they are.
func strayCardsWarning(diags *diag.Diagnostics, code string, cards []moka.Card, now time.Time) {
	var stray []string
	for _, c := range cards {
		if moka.IsClaim(c.CardName) && moka.ClaimAbandoned(c.CardName, now) {
			stray = append(stray, c.CardToken)
		}
	}
	if len(stray) == 0 {
		return
	}
	diags.AddWarning("Moka holds cards of unfinished creates",
		fmt.Sprintf("customer_code %q: Moka holds %d card(s) named with a create's mark, in the form terraform-provider-moka writes, dated more than 10 minutes ago: %s. "+
			"An apply was stopped while it stored them, or a create's answer was lost and it landed later; nothing proves whose they are, so they are left alone. "+
			"A card stored without a name on a Moka that refuses an empty name keeps its mark too, and its moka_card says so; so does a card a refresh adopted from a create whose answer was lost, until an apply gives it its name. "+
			"First check that no moka_card in a state holds one of these tokens (terraform state list, terraform state show): such a card is that configuration's. "+
			"To remove one no state holds through Terraform, import it into a moka_card resource (id = its token), then remove that resource from the configuration; or remove it in Moka's panel.",
			code, len(stray), strings.Join(stray, ", ")))
}

func withoutKeptClaim(ctx context.Context, c moka.Customer, private privateGetter, out privateSetter) (moka.Customer, diag.Diagnostics) {
	kept, diags := keptClaimOf(ctx, private)
	if kept == "" {
		return c, diags
	}
	unmarked := moka.WithoutClaim(c, kept)
	if unmarked == c {
		diags.Append(setKeptClaim(ctx, out, "")...)
	}
	return unmarked, diags
}

func withoutKeptCardClaim(ctx context.Context, got *moka.CardWithCustomer, private privateGetter, out privateSetter) diag.Diagnostics {
	kept, diags := keptClaimOf(ctx, private)
	switch {
	case kept == "":
	case moka.HoldsClaim(got.Card.CardName, kept):
		got.Card.CardName = ""
	default:
		diags.Append(setKeptClaim(ctx, out, "")...)
	}
	return diags
}
