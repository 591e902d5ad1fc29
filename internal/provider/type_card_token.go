package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// cardTokenType is a string holding a Moka card token (a GUID). Two tokens that
// differ only in case or braces name the same card, so the framework keeps the
// configuration's spelling when Moka answers with its own, and plans no diff.
type cardTokenType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = cardTokenType{}
	_ basetypes.StringValuableWithSemanticEquals = cardToken{}
)

func (t cardTokenType) Equal(o attr.Type) bool {
	other, ok := o.(cardTokenType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t cardTokenType) String() string { return "cardTokenType" }

func (t cardTokenType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return cardToken{StringValue: in}, nil
}

func (t cardTokenType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return cardToken{StringValue: s}, nil
}

func (t cardTokenType) ValueType(context.Context) attr.Value { return cardToken{} }

// cardToken is a value of cardTokenType.
type cardToken struct {
	basetypes.StringValue
}

func newCardToken(s string) cardToken { return cardToken{StringValue: basetypes.NewStringValue(s)} }

func (v cardToken) Equal(o attr.Value) bool {
	other, ok := o.(cardToken)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v cardToken) Type(context.Context) attr.Type { return cardTokenType{} }

func (v cardToken) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	o, ok := other.(cardToken)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected a card token, got %T", other))
		return false, diags
	}
	return moka.SameCardToken(v.ValueString(), o.ValueString()), diags
}
