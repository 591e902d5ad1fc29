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

// equivalentStringType compares values by rule R: where Moka answers another
// spelling, the framework keeps the configuration's, so no diff shows.
type equivalentStringType[R sameRule] struct {
	basetypes.StringType
}

// sameRule says when two strings mean the same; its types have no fields.
type sameRule interface {
	same(a, b string) bool
	name() string
}

// sameCardToken: a card token (a GUID) in any case, braces optional.
type sameCardToken struct{}

func (sameCardToken) same(a, b string) bool { return moka.SameCardToken(a, b) }
func (sameCardToken) name() string          { return "cardTokenType" }

// sameEmail: an e-mail address in any case, blanks around it ignored.
type sameEmail struct{}

func (sameEmail) same(a, b string) bool { return moka.SameEmail(a, b) }
func (sameEmail) name() string          { return "emailType" }

// cardTokenType is the type of card_token; cardToken, its value.
type (
	cardTokenType = equivalentStringType[sameCardToken]
	cardToken     = equivalentString[sameCardToken]
)

// emailType is the type of a customer's email; emailValue, its value.
type (
	emailType  = equivalentStringType[sameEmail]
	emailValue = equivalentString[sameEmail]
)

var (
	_ basetypes.StringTypable                    = cardTokenType{}
	_ basetypes.StringValuableWithSemanticEquals = cardToken{}
	_ basetypes.StringTypable                    = emailType{}
	_ basetypes.StringValuableWithSemanticEquals = emailValue{}
)

func (t equivalentStringType[R]) Equal(o attr.Type) bool {
	other, ok := o.(equivalentStringType[R])
	return ok && t.StringType.Equal(other.StringType)
}

func (t equivalentStringType[R]) String() string {
	var rule R
	return rule.name()
}

func (t equivalentStringType[R]) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return equivalentString[R]{StringValue: in}, nil
}

func (t equivalentStringType[R]) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return equivalentString[R]{StringValue: s}, nil
}

func (t equivalentStringType[R]) ValueType(context.Context) attr.Value {
	return equivalentString[R]{}
}

type equivalentString[R sameRule] struct {
	basetypes.StringValue
}

func newCardToken(s string) cardToken {
	return cardToken{StringValue: basetypes.NewStringValue(s)}
}

// newEmail is an email value; empty is null.
func newEmail(s types.String) emailValue {
	return emailValue{StringValue: s}
}

func (v equivalentString[R]) Equal(o attr.Value) bool {
	other, ok := o.(equivalentString[R])
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v equivalentString[R]) Type(context.Context) attr.Type {
	return equivalentStringType[R]{}
}

func (v equivalentString[R]) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	o, ok := other.(equivalentString[R])
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected a value of %s, got %T", equivalentStringType[R]{}, other))
		return false, diags
	}
	var rule R
	return rule.same(v.ValueString(), o.ValueString()), diags
}
