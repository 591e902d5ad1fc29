package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
)

// equivalentStringType is a string whose values are compared by a rule of
// sameness, not byte for byte: where Moka answers with another spelling of
// the configured value, the framework keeps the configuration's spelling (or,
// after an import, plans Moka's), so no diff shows.
type equivalentStringType struct {
	basetypes.StringType
	rule sameness
}

// sameness is a rule by which two strings mean the same.
type sameness int

const (
	// sameCardToken: a card token (a GUID) in any case, braces optional. The
	// zero value, so that cardTokenType{} is the card token type.
	sameCardToken sameness = iota
	// sameEmail: an e-mail address in any case, blanks around it ignored.
	sameEmail
)

func (r sameness) same(a, b string) bool {
	if r == sameEmail {
		return moka.SameEmail(a, b)
	}
	return moka.SameCardToken(a, b)
}

// cardTokenType is the type of card_token; cardToken, its value.
type (
	cardTokenType = equivalentStringType
	cardToken     = equivalentString
)

// emailType is the type of a customer's email.
var emailType = equivalentStringType{rule: sameEmail}

var (
	_ basetypes.StringTypable                    = equivalentStringType{}
	_ basetypes.StringValuableWithSemanticEquals = equivalentString{}
)

func (t equivalentStringType) Equal(o attr.Type) bool {
	other, ok := o.(equivalentStringType)
	return ok && t.rule == other.rule && t.StringType.Equal(other.StringType)
}

func (t equivalentStringType) String() string {
	if t.rule == sameEmail {
		return "emailType"
	}
	return "cardTokenType"
}

func (t equivalentStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return equivalentString{StringValue: in, rule: t.rule}, nil
}

func (t equivalentStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return equivalentString{StringValue: s, rule: t.rule}, nil
}

func (t equivalentStringType) ValueType(context.Context) attr.Value {
	return equivalentString{rule: t.rule}
}

// equivalentString is a value of equivalentStringType.
type equivalentString struct {
	basetypes.StringValue
	rule sameness
}

func newCardToken(s string) cardToken {
	return equivalentString{StringValue: basetypes.NewStringValue(s), rule: sameCardToken}
}

// newEmail is an email value; empty is null.
func newEmail(s types.String) equivalentString {
	return equivalentString{StringValue: s, rule: sameEmail}
}

func (v equivalentString) Equal(o attr.Value) bool {
	other, ok := o.(equivalentString)
	return ok && v.rule == other.rule && v.StringValue.Equal(other.StringValue)
}

func (v equivalentString) Type(context.Context) attr.Type {
	return equivalentStringType{rule: v.rule}
}

func (v equivalentString) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	o, ok := other.(equivalentString)
	if !ok || o.rule != v.rule {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected a value of %s, got %T", equivalentStringType{rule: v.rule}, other))
		return false, diags
	}
	return v.rule.same(v.ValueString(), o.ValueString()), diags
}
