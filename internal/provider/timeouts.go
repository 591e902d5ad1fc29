package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Default operation timeouts; they bound the whole operation, retries included.
const (
	timeoutCreate = 5 * time.Minute
	timeoutRead   = 5 * time.Minute
	timeoutUpdate = 5 * time.Minute
	timeoutDelete = 5 * time.Minute
)

// withTimeout: a duration not positive (the timeouts package lets it through)
// is an error, and the context is already done, so that no call goes out.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration) (context.Context, context.CancelFunc, diag.Diagnostics) {
	d, diags := get(ctx, def)
	if d <= 0 {
		diags.AddError("Invalid timeout", fmt.Sprintf("A timeout must be a positive duration such as \"30s\" or \"5m\"; got %s.", d))
		c, cancel := context.WithCancel(ctx)
		cancel()
		return c, cancel, diags
	}
	c, cancel := context.WithTimeout(ctx, d)
	return c, cancel, diags
}

// validateTimeouts: "0s" or "-1m" parse, but would make every call fail at once.
func validateTimeouts(ctx context.Context, config tfsdk.Config) diag.Diagnostics {
	var block timeouts.Value
	diags := config.GetAttribute(ctx, path.Root("timeouts"), &block)
	if diags.HasError() || block.IsNull() || block.IsUnknown() {
		return diags
	}
	for name, v := range block.Attributes() {
		s, ok := v.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		d, err := time.ParseDuration(s.ValueString())
		if err == nil && d <= 0 {
			diags.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid timeout",
				fmt.Sprintf("timeouts.%s must be a positive duration such as \"30s\" or \"5m\"; got %q.", name, s.ValueString()))
		}
	}
	return diags
}
