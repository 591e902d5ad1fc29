package provider

import (
	"context"
	"reflect"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The resources read their state, plan and config into their models, and
// write their state back, through stateModel, planModel and setStateModel
// rather than the framework's Get and Set. Those reflect over the model on
// every call and compile a regular expression for each of its fields
// (internal/reflect's isValidFieldName): in a no-change plan of 3000
// customers, a fifth of the provider's CPU (BENCHMARKS.md). Here the model's
// fields are found once per model type and each value is converted by its
// schema type, which is all the framework's reflection does for a model whose
// fields are all attr.Value. Anything else (a null or unknown object, a field
// the schema lacks or the other way round, a value its type's validation
// says anything about, a value of another type) goes to the framework, whose answer,
// error included, is then the one given. TestModelCodecAnswersAsTheFramework
// holds the two to the same results.

// schemaTyped is what tfsdk.State, Plan and Config know of their schema.
type schemaTyped interface {
	Type() attr.Type
}

func stateModel(ctx context.Context, s tfsdk.State, target any) diag.Diagnostics {
	if s.Schema != nil && decodeModel(ctx, s.Raw, s.Schema, target) {
		return nil
	}
	return s.Get(ctx, target)
}

func planModel(ctx context.Context, p tfsdk.Plan, target any) diag.Diagnostics {
	if p.Schema != nil && decodeModel(ctx, p.Raw, p.Schema, target) {
		return nil
	}
	return p.Get(ctx, target)
}

func setStateModel(ctx context.Context, s *tfsdk.State, val any) diag.Diagnostics {
	if s.Schema != nil {
		if raw, ok := encodeModel(ctx, s.Schema, val); ok {
			s.Raw = raw
			return nil
		}
	}
	return s.Set(ctx, val)
}

// modelField is one field of a model: its index (through embedded structs,
// whose fields are the model's as the framework has it) and its tfsdk tag.
type modelField struct {
	index []int
	name  string
}

var (
	modelFieldsCache sync.Map // reflect.Type of the struct -> []modelField, nil if not a plain model
	attrValueType    = reflect.TypeFor[attr.Value]()
)

// modelFields are the fields of struct type t, or nil unless every field is
// an untagged embedded struct of such fields or is exported, tagged and of a
// type implementing attr.Value.
func modelFields(t reflect.Type) []modelField {
	if cached, ok := modelFieldsCache.Load(t); ok {
		fields, _ := cached.([]modelField)
		return fields
	}
	fields, ok := appendModelFields(nil, t, nil)
	if !ok {
		fields = nil
	}
	modelFieldsCache.Store(t, fields)
	return fields
}

func appendModelFields(fields []modelField, t reflect.Type, prefix []int) ([]modelField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(slices.Clone(prefix), i)
		name := f.Tag.Get("tfsdk")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			var ok bool
			if fields, ok = appendModelFields(fields, f.Type, index); !ok {
				return nil, false
			}
			continue
		}
		if !f.IsExported() || name == "" || name == "-" || !f.Type.Implements(attrValueType) {
			return nil, false
		}
		fields = append(fields, modelField{index: index, name: name})
	}
	return fields, true
}

// attributeTypes are the schema's attribute and block types by name.
func attributeTypes(s schemaTyped) (attr.Type, map[string]attr.Type, bool) {
	objectType := s.Type()
	withAttributes, ok := objectType.(attr.TypeWithAttributeTypes)
	if !ok {
		return nil, nil, false
	}
	return objectType, withAttributes.AttributeTypes(), true
}

// decodeModel fills *target from raw, or says (false) that the framework must.
func decodeModel(ctx context.Context, raw tftypes.Value, s schemaTyped, target any) bool {
	ptr := reflect.ValueOf(target)
	if ptr.Kind() != reflect.Pointer || ptr.IsNil() || ptr.Elem().Kind() != reflect.Struct {
		return false
	}
	out := ptr.Elem()
	fields := modelFields(out.Type())
	if fields == nil || raw.IsNull() || !raw.IsKnown() {
		return false
	}
	_, types, ok := attributeTypes(s)
	if !ok || len(types) != len(fields) {
		return false
	}
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil || len(values) != len(fields) {
		return false
	}
	decoded := make([]reflect.Value, len(fields))
	for i, f := range fields {
		typ, inSchema := types[f.name]
		value, inValue := values[f.name]
		if !inSchema || !inValue {
			return false
		}
		field := out.FieldByIndex(f.index)
		v, err := typ.ValueFromTerraform(ctx, value)
		if err != nil || v == nil || reflect.TypeOf(v) != field.Type() || !field.CanSet() || !validates(ctx, typ, v, value, f.name) {
			return false
		}
		decoded[i] = reflect.ValueOf(v)
	}
	for i, f := range fields {
		out.FieldByIndex(f.index).Set(decoded[i])
	}
	return true
}

// encodeModel is the state value of the model val (a struct or a pointer to
// one), or false if the framework must make it.
func encodeModel(ctx context.Context, s schemaTyped, val any) (tftypes.Value, bool) {
	in := reflect.ValueOf(val)
	if in.Kind() == reflect.Pointer {
		if in.IsNil() {
			return tftypes.Value{}, false
		}
		in = in.Elem()
	}
	if in.Kind() != reflect.Struct {
		return tftypes.Value{}, false
	}
	fields := modelFields(in.Type())
	objectType, types, ok := attributeTypes(s)
	if fields == nil || !ok || len(types) != len(fields) {
		return tftypes.Value{}, false
	}
	values := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		typ, inSchema := types[f.name]
		field := in.FieldByIndex(f.index)
		if !field.CanInterface() {
			return tftypes.Value{}, false
		}
		v, isValue := field.Interface().(attr.Value)
		if !inSchema || !isValue || v == nil || !typ.TerraformType(ctx).Equal(v.Type(ctx).TerraformType(ctx)) {
			return tftypes.Value{}, false
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil || !validates(ctx, typ, v, tv, f.name) {
			return tftypes.Value{}, false
		}
		values[f.name] = tv
	}
	tt := objectType.TerraformType(ctx)
	if err := tftypes.ValidateValue(tt, values); err != nil {
		return tftypes.Value{}, false
	}
	return tftypes.NewValue(tt, values), true
}

// validates runs the validation the framework's Get and Set run: the value's
// own, else its type's (types.Int64: the number fits). Anything it says, even a
// warning, leaves the call to the framework, which then says it.
func validates(ctx context.Context, t attr.Type, v attr.Value, tv tftypes.Value, name string) bool {
	if own, ok := v.(xattr.ValidateableAttribute); ok {
		var resp xattr.ValidateAttributeResponse
		own.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: path.Root(name)}, &resp)
		return len(resp.Diagnostics) == 0
	}
	withValidate, ok := t.(xattr.TypeWithValidate) //nolint:staticcheck // the deprecated interface the framework still honours
	return !ok || len(withValidate.Validate(ctx, tv, path.Root(name))) == 0
}
