package provider

import (
	"fmt"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestModelCodecAnswersAsTheFramework: for each resource's model and schema,
// stateModel, planModel and setStateModel give what the framework's Get and Set
// give (values and diagnostics), over states with every value set, every one
// null, every one unknown (a plan) and the timeouts block set; and they take
// their own way for those (else the test would compare the framework with
// itself).
func TestModelCodecAnswersAsTheFramework(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		resource resource.Resource
		model    func() any
	}{
		{NewDealerCustomerResource(), func() any { return &dealerCustomerModel{} }},
		{NewCardResource(), func() any { return &cardModel{} }},
		{NewCardNameResource(), func() any { return &cardNameModel{} }},
	} {
		var sr resource.SchemaResponse
		tc.resource.Schema(ctx, resource.SchemaRequest{}, &sr)
		s := sr.Schema
		objectType, ok := s.Type().TerraformType(ctx).(tftypes.Object)
		if !ok {
			t.Fatalf("%T: the schema's type is no object", tc.resource)
		}
		name := fmt.Sprintf("%T", tc.model())
		for _, row := range []struct {
			name string
			fill func(tftypes.Type) tftypes.Value
		}{
			{"every value set", sampleTerraformValue},
			{"every value null", func(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, nil) }},
			{"every value unknown", func(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, tftypes.UnknownValue) }},
		} {
			t.Run(name+"/"+row.name, func(t *testing.T) {
				values := map[string]tftypes.Value{}
				for attrName, typ := range objectType.AttributeTypes {
					values[attrName] = row.fill(typ)
				}
				raw := tftypes.NewValue(objectType, values)

				fromFramework, fromCodec := tc.model(), tc.model()
				wantDiags := tfsdk.State{Schema: s, Raw: raw}.Get(ctx, fromFramework)
				if !decodeModel(ctx, raw, s, fromCodec) {
					t.Fatal("decodeModel left it to the framework")
				}
				if got := fmt.Sprint(stateModel(ctx, tfsdk.State{Schema: s, Raw: raw}, tc.model())); got != fmt.Sprint(wantDiags) {
					t.Errorf("stateModel's diagnostics %s, the framework's %s", got, fmt.Sprint(wantDiags))
				}
				if !reflect.DeepEqual(fromFramework, fromCodec) {
					t.Errorf("decoded model differs:\nframework %+v\ncodec     %+v", fromFramework, fromCodec)
				}
				fromPlan := tc.model()
				if diags := planModel(ctx, tfsdk.Plan{Schema: s, Raw: raw}, fromPlan); diags.HasError() || !reflect.DeepEqual(fromFramework, fromPlan) {
					t.Errorf("planModel: %v, %+v", diags, fromPlan)
				}

				frameworkState := tfsdk.State{Schema: s, Raw: tftypes.NewValue(objectType, nil)}
				wantSet := frameworkState.Set(ctx, fromFramework)
				encoded, ok := encodeModel(ctx, s, fromFramework)
				if !ok {
					t.Fatal("encodeModel left it to the framework")
				}
				if !encoded.Equal(frameworkState.Raw) || wantSet.HasError() {
					t.Errorf("encoded state differs (framework diagnostics %v):\nframework %s\ncodec     %s", wantSet, frameworkState.Raw, encoded)
				}
			})
		}
	}
}

// TestModelCodecLeavesTheRestToTheFramework: what the codec does not take
// (a null or unknown state, a model that does not fit the schema) gets the
// framework's own answer, error included.
func TestModelCodecLeavesTheRestToTheFramework(t *testing.T) {
	ctx := t.Context()
	var sr resource.SchemaResponse
	NewDealerCustomerResource().Schema(ctx, resource.SchemaRequest{}, &sr)
	s := sr.Schema
	objectType := s.Type().TerraformType(ctx)
	type missingAField struct {
		ID types.String `tfsdk:"id"`
	}
	type notAValue struct {
		ID string `tfsdk:"id"`
	}
	for _, row := range []struct {
		name   string
		raw    tftypes.Value
		target func() any
	}{
		{"null state", tftypes.NewValue(objectType, nil), func() any { return &dealerCustomerModel{} }},
		{"unknown state", tftypes.NewValue(objectType, tftypes.UnknownValue), func() any { return &dealerCustomerModel{} }},
		{"a model missing fields", sampleTerraformValue(objectType), func() any { return &missingAField{} }},
		{"a field that is no attr.Value", sampleTerraformValue(objectType), func() any { return &notAValue{} }},
		{"not a pointer", sampleTerraformValue(objectType), func() any { return dealerCustomerModel{} }},
		{"a number beyond int64", beyondInt64(objectType), func() any { return &dealerCustomerModel{} }},
	} {
		t.Run(row.name, func(t *testing.T) {
			if decodeModel(ctx, row.raw, s, row.target()) {
				t.Fatal("decodeModel took it")
			}
			want := tfsdk.State{Schema: s, Raw: row.raw}.Get(ctx, row.target())
			got := stateModel(ctx, tfsdk.State{Schema: s, Raw: row.raw}, row.target())
			if !want.HasError() || len(want) != len(got) || want[0].Summary() != got[0].Summary() {
				t.Errorf("stateModel = %v, want the framework's %v", got, want)
			}
		})
	}
	if _, ok := encodeModel(ctx, s, struct {
		ID types.String `tfsdk:"id"`
	}{}); ok {
		t.Error("encodeModel took a model missing fields")
	}
	var st tfsdk.State
	st.Schema, st.Raw = s, tftypes.NewValue(objectType, nil)
	if diags := setStateModel(ctx, &st, &missingAFieldModel{}); !diags.HasError() {
		t.Error("setStateModel of a model missing fields: no error")
	}
}

// beyondInt64 is a sample state whose dealer_customer_id no int64 holds: the
// framework's types.Int64 refuses it, so the codec must leave it to it.
func beyondInt64(objectType tftypes.Type) tftypes.Value {
	var values map[string]tftypes.Value
	_ = sampleTerraformValue(objectType).As(&values)
	values["dealer_customer_id"] = tftypes.NewValue(tftypes.Number, new(big.Float).SetFloat64(1e30))
	return tftypes.NewValue(objectType, values)
}

type missingAFieldModel struct {
	ID types.String `tfsdk:"id"`
}

// sampleTerraformValue is a value of typ with something in every attribute
// and element: a timeouts block set, strings, numbers and booleans.
func sampleTerraformValue(typ tftypes.Type) tftypes.Value {
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, "10m")
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, 42)
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, true)
	case typ.Is(tftypes.Object{}):
		values := map[string]tftypes.Value{}
		object, _ := typ.(tftypes.Object)
		for name, at := range object.AttributeTypes {
			values[name] = sampleTerraformValue(at)
		}
		return tftypes.NewValue(typ, values)
	}
	return tftypes.NewValue(typ, nil)
}
