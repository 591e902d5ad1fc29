package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// A Moka may keep less text than it documents (conformance row truncate-text).
// Taking the cut value into state would be "inconsistent result" and a
// replacement on every apply, so the limit is learnt in private state: plans
// warn of longer values, and applies refuse them before calling Moka.

func textLimitOf(ctx context.Context, private privateGetter) (int, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateTextLimit)
	n, err := strconv.Atoi(string(raw))
	if len(raw) == 0 || err != nil || n <= 0 {
		return 0, diags
	}
	return n, diags
}

func learnTextLimit(ctx context.Context, private privateSetter, n int) diag.Diagnostics {
	return private.SetKey(ctx, privateTextLimit, []byte(strconv.Itoa(n)))
}

func cutText(planned map[string]types.String, stored map[string]string) (names []string, limit int) {
	for _, name := range sortedKeys(planned) {
		if n := moka.CutTo(planned[name].ValueString(), stored[name]); n > 0 {
			names = append(names, name)
			if limit == 0 || n < limit {
				limit = n
			}
		}
	}
	return names, limit
}

func cutTextDetail(what string, names []string, limit int) string {
	return fmt.Sprintf("Moka stored %s of this %s cut to %d characters, fewer than its documentation allows: this Moka keeps at most %d (conformance row truncate-text settles this for an account; the sandbox plays it with --truncate-text). "+
		"Shorten the value to %d characters; until then an apply refuses it before calling Moka, and plans warn.", joinNames(names), what, limit, limit, limit)
}

// checkTextLimit refuses, in an apply before Moka is called, text longer
// than this Moka keeps. A plan only warns: the refresh before a destroy is a
// plan too, and its errors would block the destroy.
func checkTextLimit(limit int, planned map[string]types.String, diags *diag.Diagnostics, atApply bool) bool {
	refused := false
	for _, name := range sortedKeys(planned) {
		v := planned[name]
		if limit == 0 || v.IsNull() || v.IsUnknown() || utf8.RuneCountInString(v.ValueString()) <= limit {
			continue
		}
		add := diags.AddAttributeWarning
		if atApply {
			add, refused = diags.AddAttributeError, true
		}
		add(path.Root(name), "Value longer than this Moka keeps",
			fmt.Sprintf("%s is %d characters; this Moka stored an earlier value cut to %d characters (conformance row truncate-text). Shorten it to %d characters: "+
				"until then an apply refuses it before calling Moka (a plan only warns, so that a destroy is never blocked).",
				name, utf8.RuneCountInString(v.ValueString()), limit, limit))
	}
	return refused
}

// refuseTextMokaKeeps is an update's check, before Moka is called, of what
// the plan warned of: text longer than this Moka keeps, and fields it does
// not empty. It reports whether the update is refused.
func refuseTextMokaKeeps(ctx context.Context, private privateGetter, planned map[string]types.String, emptiedNames []string, code string, diags *diag.Diagnostics) bool {
	limit, d := textLimitOf(ctx, private)
	diags.Append(d...)
	refused := checkTextLimit(limit, planned, diags, true)
	if keeps, d := private.GetKey(ctx, privateMokaKeepsEmpty); string(keeps) == "true" && len(emptiedNames) > 0 {
		diags.Append(d...)
		diags.AddError("Moka does not empty these fields", keptFieldsDetail(code, emptiedNames))
		refused = true
	}
	return refused
}

func sortedKeys(m map[string]types.String) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func joinNames(names []string) string { return strings.Join(names, ", ") }

// textRefused: Moka kept fields sent empty, or cut text short; what it did is
// learnt, and an error says so.
func textRefused(ctx context.Context, plan dealerCustomerModel, updated moka.Customer, err error, private privateSetter, diags *diag.Diagnostics) bool {
	if kept := moka.KeptFields(err); kept != nil {
		diags.AddError("Moka does not empty these fields", keptFieldsDetail(plan.CustomerCode.ValueString(), attributeNames(kept)))
		diags.Append(private.SetKey(ctx, privateMokaKeepsEmpty, privateFlag(true))...)
		return true
	}
	if names, limit := cutText(plan.freeText(), freeTextOf(updated)); limit > 0 {
		diags.AddError("Moka cut the customer's text short", cutTextDetail("customer", names, limit))
		diags.Append(learnTextLimit(ctx, private, limit)...)
		return true
	}
	return false
}
