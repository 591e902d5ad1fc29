package provider

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// List resources (Terraform 1.14+): each result's resource is what a refresh
// right after its import would store, less what generated configuration
// (-generate-config-out) must not set.

// limited stops after limit results (0: none). The last one given carries the
// warning that there is more: Terraform stops reading at the limit, so one
// after it would never be seen; one result is read ahead to know.
func limited(limit int64, what string, results iter.Seq[list.ListResult]) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var n int64
		var held *list.ListResult
		for r := range results {
			if held != nil {
				if n++; limit > 0 && n >= limit {
					// an error says nothing of whether there is more
					if !r.Diagnostics.HasError() {
						held.Diagnostics.AddWarning("Listed only "+firstN(limit, what), limitDetail(limit, what))
					}
					push(*held)
					return
				}
				if !push(*held) {
					return
				}
				held = nil
			}
			if r.Diagnostics.HasError() {
				push(r)
				return
			}
			held = &r
		}
		if held != nil {
			push(*held)
		}
	}
}

func limitDetail(limit int64, what string) string {
	return fmt.Sprintf("This list block matches more %s than its limit of %d (100 when the block sets no limit), so terraform query stopped there: "+
		"the rest are neither shown nor, with -generate-config-out, written. Set a limit that covers them all in the list block, such as limit = 10000, and run terraform query again.", what, limit)
}

// firstN: "the first customer", "the first 5 customers".
func firstN(n int64, what string) string {
	if n == 1 {
		return "the first " + strings.TrimSuffix(what, "s")
	}
	return fmt.Sprintf("the first %d %s", n, what)
}

// wholeCustomer: a Moka whose list leaves Address out (complete false) is
// asked for the customer itself, or its absence would read as "no address",
// which configuration generated from it would then clear.
func wholeCustomer(ctx context.Context, client *moka.Client, c moka.Customer, complete bool) (moka.Customer, error) {
	if complete {
		return c, nil
	}
	got, err := client.GetCustomer(ctx, moka.CustomerRef{DealerCustomerID: c.DealerCustomerID})
	if err != nil {
		return c, err
	}
	return got.Customer, nil
}

// wholeCards: the cards a Moka's list gave without their names, read with GetCard.
func wholeCards(ctx context.Context, client *moka.Client, cards []moka.Card, unnamed map[string]bool) ([]moka.Card, error) {
	out := make([]moka.Card, 0, len(cards))
	for _, card := range cards {
		if unnamed[card.CardToken] {
			got, err := client.GetCard(ctx, card.CardToken)
			if moka.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			card = got.Card
		}
		out = append(out, card)
	}
	return out, nil
}

func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}
