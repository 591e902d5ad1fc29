package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// passthroughUpgrades answers UpgradeResourceState for a state already at its
// resource's schema version as the framework does (proto6server, then
// fwserver's "passthrough implementation"): the JSON decoded with the current
// schema's type, attributes the schema no longer has dropped, and encoded for
// Terraform. Terraform makes this call for every resource of every plan and
// apply; the framework's way to it builds the resource, its schema's type and
// its loggers each time, a tenth of the provider's CPU in a no-change plan
// of 3000 customers (BENCHMARKS.md). Anything else (another version, a flatmap
// state, JSON that does not decode, a schema with list or set blocks, whose
// null blocks the framework rewrites) goes to the framework, and so does
// every call when Terraform keeps the provider's logs: a user reading a trace
// then sees the framework say how it upgraded the state.
type passthroughUpgrades struct {
	once  sync.Once
	types map[string]passthroughType
}

type passthroughType struct {
	version int64
	typ     tftypes.Type
}

var passthroughDecoding = tfprotov6.UnmarshalOpts{
	ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
}

// upgrade answers req, or says (false) that the framework must.
func (p *passthroughUpgrades) upgrade(ctx context.Context, framework tfprotov6.ProviderServer, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, bool) {
	if p == nil || req == nil || req.RawState == nil || len(req.RawState.JSON) == 0 {
		return nil, false
	}
	p.once.Do(func() { p.types = passthroughTypes(ctx, framework) })
	t, ok := p.types[req.TypeName]
	if !ok || req.Version != t.version {
		return nil, false
	}
	value, err := req.RawState.UnmarshalWithOpts(t.typ, passthroughDecoding)
	if err != nil {
		return nil, false
	}
	state, err := tfprotov6.NewDynamicValue(t.typ, value)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &state}, true
}

// passthroughTypes: the resources whose states can pass through, by type name.
// None if the framework's schemas cannot be had: every call then goes to it.
func passthroughTypes(ctx context.Context, framework tfprotov6.ProviderServer) map[string]passthroughType {
	resp, err := framework.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || resp == nil || hasError(resp.Diagnostics) {
		return nil
	}
	types := make(map[string]passthroughType, len(resp.ResourceSchemas))
	for name, s := range resp.ResourceSchemas {
		if s == nil || s.Block == nil || hasCollectionBlocks(s.Block) {
			continue
		}
		types[name] = passthroughType{version: s.Version, typ: s.ValueType()}
	}
	return types
}

func hasCollectionBlocks(b *tfprotov6.SchemaBlock) bool {
	for _, nested := range b.BlockTypes {
		if nested == nil || nested.Block == nil || nested.Nesting != tfprotov6.SchemaNestedBlockNestingModeSingle || hasCollectionBlocks(nested.Block) {
			return true
		}
	}
	return false
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
