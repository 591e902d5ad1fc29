package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const seedToken = "51937236-82e0-4637-a8f5-2e1ec56ec870"

func TestCardTokenSemanticEquals(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", seedToken, seedToken, true},
		{"the seed's spelling against Moka's answer", "{51937236-82E0-4637-A8F5-2E1EC56EC870}", seedToken, true},
		{"Moka's answer against the seed's spelling", seedToken, "{51937236-82E0-4637-A8F5-2E1EC56EC870}", true},
		{"upper case without braces", "51937236-82E0-4637-A8F5-2E1EC56EC870", seedToken, true},
		{"braces in lower case", "{" + seedToken + "}", seedToken, true},
		{"surrounding white space", " {" + seedToken + "} ", seedToken, true},
		{"another card", "51937236-82e0-4637-a8f5-2e1ec56ec871", seedToken, false},
		{"another card in the seed's spelling", "{51937236-82E0-4637-A8F5-2E1EC56EC871}", seedToken, false},
		{"empty against a token", "", seedToken, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, diags := newCardToken(tc.a).StringSemanticEquals(ctx, newCardToken(tc.b))
			if diags.HasError() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if got != tc.want {
				t.Errorf("StringSemanticEquals(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestCardTokenSemanticEqualsOtherType(t *testing.T) {
	_, diags := newCardToken(seedToken).StringSemanticEquals(context.Background(), types.StringValue(seedToken))
	if !diags.HasError() {
		t.Error("comparing a card token with a plain string gave no error")
	}
}

func TestCardTokenEqualIsExact(t *testing.T) {
	// Equal is Terraform's exact comparison; only semantic equality ignores
	// case and braces.
	if newCardToken(seedToken).Equal(newCardToken("{" + seedToken + "}")) {
		t.Error("Equal ignores braces")
	}
	if !newCardToken(seedToken).Equal(newCardToken(seedToken)) {
		t.Error("a token is not Equal to itself")
	}
	if newCardToken(seedToken).Equal(types.StringValue(seedToken)) {
		t.Error("a card token is Equal to a plain string")
	}
}

func TestCardTokenType(t *testing.T) {
	ctx := context.Background()
	typ := cardTokenType{}
	if !typ.Equal(cardTokenType{}) || typ.Equal(types.StringType) {
		t.Error("cardTokenType.Equal is wrong")
	}
	if _, ok := typ.ValueType(ctx).(cardToken); !ok {
		t.Errorf("ValueType is %T", typ.ValueType(ctx))
	}
	if _, ok := newCardToken(seedToken).Type(ctx).(cardTokenType); !ok {
		t.Errorf("Type is %T", newCardToken(seedToken).Type(ctx))
	}
	if typ.String() == "" {
		t.Error("String is empty")
	}

	for _, tc := range []struct {
		name string
		in   tftypes.Value
		want basetypes.StringValue
	}{
		{"known", tftypes.NewValue(tftypes.String, "{"+seedToken+"}"), basetypes.NewStringValue("{" + seedToken + "}")},
		{"null", tftypes.NewValue(tftypes.String, nil), basetypes.NewStringNull()},
		{"unknown", tftypes.NewValue(tftypes.String, tftypes.UnknownValue), basetypes.NewStringUnknown()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := typ.ValueFromTerraform(ctx, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			tok, ok := v.(cardToken)
			if !ok {
				t.Fatalf("ValueFromTerraform gave %T", v)
			}
			if !tok.StringValue.Equal(tc.want) {
				t.Errorf("ValueFromTerraform = %v, want %v", tok.StringValue, tc.want)
			}
		})
	}
	if _, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Number, 1)); err == nil {
		t.Error("a number became a card token")
	}

	v, diags := typ.ValueFromString(ctx, basetypes.NewStringValue(seedToken))
	if diags.HasError() {
		t.Fatal(diags)
	}
	if tok, ok := v.(cardToken); !ok || tok.ValueString() != seedToken {
		t.Errorf("ValueFromString = %#v", v)
	}
}

func TestSameEmail(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Ilker@Example.com", "ilker@example.com", true},
		{"ELİF@EXAMPLE.COM", "elif@example.com", true},
		{" elif@example.com ", "ELIF@example.com", true},
		{"elif@example.com", "elif@example.org", false},
	} {
		if got := (sameEmail{}).same(tc.a, tc.b); got != tc.want {
			t.Errorf("same(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
