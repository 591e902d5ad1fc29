package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// timeoutsBlock: the timeouts package gives the block no descriptions for the docs.
func timeoutsBlock(ctx context.Context) schema.Block {
	each := func(what string, def time.Duration) string {
		return fmt.Sprintf("How long %s may take, retries included, as a duration such as \"30s\" or \"2m\". Defaults to `%s`.", what, def)
	}
	block := timeouts.Block(ctx, timeouts.Opts{
		Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: each("creating", timeoutCreate),
		ReadDescription:   each("reading (on refresh and plan)", timeoutRead),
		UpdateDescription: each("updating", timeoutUpdate),
		DeleteDescription: each("destroying", timeoutDelete),
	})
	if b, ok := block.(schema.SingleNestedBlock); ok {
		b.Description = "How long each operation may take in all, retries included; each HTTP attempt is also bounded by the provider's `request_timeout`."
		return b
	}
	return block
}
