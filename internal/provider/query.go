package provider

import (
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

// limited stops results after limit of them (Terraform's -limit, or the list
// block's limit); 0 means no limit.
func limited(limit int64, results iter.Seq[list.ListResult]) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var n int64
		for r := range results {
			if !push(r) {
				return
			}
			if n++; limit > 0 && n >= limit && !r.Diagnostics.HasError() {
				return
			}
		}
	}
}

// nullTimeouts is an absent timeouts block.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}
