package provider

import (
	"fmt"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// List resources (Terraform 1.14 and later): `list` blocks in a .tfquery.hcl
// file, run by `terraform query`, find what the dealer account holds; with
// -generate-config-out Terraform writes a resource block and an import block
// (by identity) for each result, which is how an existing account is adopted.
// The resource in each result is what a refresh right after the import would
// store, less what the generated configuration must not set (see each below).

// limited stops results after limit of them (the list block's limit, which
// is 100 when the block sets none); 0 means no limit. When results hold more
// than limit, the last one given carries a warning that says so: Terraform
// stops reading at the limit, so a warning after it would never be seen, and
// one result is read ahead to know that there is more. what names the
// results ("customers", "cards").
func limited(limit int64, what string, results iter.Seq[list.ListResult]) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var n int64
		var held *list.ListResult
		for r := range results {
			if held != nil {
				if n++; limit > 0 && n >= limit {
					// More to come, unless what comes is an error (then
					// nothing says whether there is more).
					if !r.Diagnostics.HasError() {
						held.Diagnostics.AddWarning(fmt.Sprintf("Listed only the first %d %s", limit, what), limitDetail(limit, what))
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
				// An error ends the list: Terraform stops at it.
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

// limitDetail is what to do about a list that stopped at its limit.
func limitDetail(limit int64, what string) string {
	return fmt.Sprintf("The dealer account has more %s than this list block's limit of %d (Terraform's default when the block sets none), so terraform query stopped there: "+
		"the rest are neither shown nor, with -generate-config-out, written. Set a limit that covers the account in the list block, such as limit = 10000, and run terraform query again.", what, limit)
}

// nullTimeouts is an absent timeouts block.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}
