package provider

import (
	"fmt"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
	return fmt.Sprintf("The dealer account has more %s than this list block's limit of %d (Terraform's default when the block sets none), so terraform query stopped there: "+
		"the rest are neither shown nor, with -generate-config-out, written. Set a limit that covers the account in the list block, such as limit = 10000, and run terraform query again.", what, limit)
}

func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}
