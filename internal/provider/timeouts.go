package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Default operation timeouts, for when a resource's timeouts block says nothing.
// They bound the whole operation, retries included.
const (
	timeoutCreate = 5 * time.Minute
	timeoutRead   = 5 * time.Minute
	timeoutUpdate = 5 * time.Minute
	timeoutDelete = 5 * time.Minute
)

// withTimeout bounds ctx by one of a timeouts block's values.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration) (context.Context, context.CancelFunc, diag.Diagnostics) {
	d, diags := get(ctx, def)
	c, cancel := context.WithTimeout(ctx, d)
	return c, cancel, diags
}
