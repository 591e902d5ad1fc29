package provider

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestUpgradePassthroughAnswersAsTheFramework: for every resource, the served
// server's UpgradeResourceState answers each stored state exactly as the
// framework's own server does, and takes its own way for the states a plan
// sends every time (the current version, JSON that decodes).
func TestUpgradePassthroughAnswersAsTheFramework(t *testing.T) {
	ctx := t.Context()
	framework := providerserver.NewProtocol6(New("test")())()
	served, ok := newServer(New("test")(), true).(releasingServer)
	if !ok {
		t.Fatal("newServer serves no releasingServer")
	}
	schemas, err := framework.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(schemas.ResourceSchemas) == 0 {
		t.Fatal("no resource schemas")
	}
	for _, name := range slices.Sorted(maps.Keys(schemas.ResourceSchemas)) {
		s := schemas.ResourceSchemas[name]
		full := sampleState(s.Block, false)
		withGone := sampleState(s.Block, false)
		withGone["attribute_of_an_older_version"] = "x"
		missing := sampleState(s.Block, false)
		delete(missing, slices.Sorted(maps.Keys(missing))[0])
		wrongType := sampleState(s.Block, false)
		for _, a := range s.Block.Attributes {
			if a.Type.Is(tftypes.String) {
				wrongType[a.Name] = map[string]any{"not": "a string"}
				break
			}
		}
		rows := []struct {
			name          string
			raw           *tfprotov6.RawState
			version       int64
			passesThrough bool
		}{
			{"every attribute set", rawJSON(t, full), s.Version, true},
			{"every attribute null", rawJSON(t, sampleState(s.Block, true)), s.Version, true},
			{"an attribute the schema no longer has", rawJSON(t, withGone), s.Version, true},
			{"an attribute missing", rawJSON(t, missing), s.Version, true},
			{"a value of the wrong type", rawJSON(t, wrongType), s.Version, false},
			{"not JSON", &tfprotov6.RawState{JSON: []byte("{")}, s.Version, false},
			{"empty JSON", &tfprotov6.RawState{JSON: []byte{}}, s.Version, false},
			{"a later version", rawJSON(t, full), s.Version + 1, false},
			{"flatmap", &tfprotov6.RawState{Flatmap: map[string]string{"id": "1"}}, s.Version, false},
			{"no state", nil, s.Version, false},
		}
		for _, row := range rows {
			t.Run(name+"/"+row.name, func(t *testing.T) {
				req := func() *tfprotov6.UpgradeResourceStateRequest {
					return &tfprotov6.UpgradeResourceStateRequest{TypeName: name, Version: row.version, RawState: row.raw}
				}
				want, err := framework.UpgradeResourceState(ctx, req())
				if err != nil {
					t.Fatal(err)
				}
				got, err := served.UpgradeResourceState(ctx, req())
				if err != nil {
					t.Fatal(err)
				}
				if fw, sv := upgradeAnswer(t, s, want), upgradeAnswer(t, s, got); !slices.Equal(fw, sv) {
					t.Errorf("served server's answer differs from the framework's:\nframework %q\nserved    %q", fw, sv)
				}
				if _, took := served.upgrades.upgrade(ctx, framework, req()); took != row.passesThrough {
					t.Errorf("passed through = %v, want %v", took, row.passesThrough)
				}
			})
		}
	}
}

// upgradeAnswer is what Terraform reads of an answer: the state's value and
// the diagnostics.
func upgradeAnswer(t *testing.T, s *tfprotov6.Schema, resp *tfprotov6.UpgradeResourceStateResponse) []string {
	t.Helper()
	var out []string
	for _, d := range resp.Diagnostics {
		out = append(out, d.Severity.String()+": "+d.Summary+": "+d.Detail)
	}
	if resp.UpgradedState == nil {
		return append(out, "no state")
	}
	v, err := resp.UpgradedState.Unmarshal(s.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	return append(out, v.String())
}

func rawJSON(t *testing.T, v map[string]any) *tfprotov6.RawState {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.RawState{JSON: b}
}

// sampleState is a state of the block with a value of its type in every
// attribute (or every one null), its blocks null.
func sampleState(b *tfprotov6.SchemaBlock, null bool) map[string]any {
	out := map[string]any{}
	for _, a := range b.Attributes {
		out[a.Name] = nil
		if !null {
			out[a.Name] = sampleValue(a.Type)
		}
	}
	for _, nested := range b.BlockTypes {
		out[nested.TypeName] = nil
	}
	return out
}

func sampleValue(typ tftypes.Type) any {
	switch {
	case typ.Is(tftypes.String):
		return "Ayşe Yılmaz"
	case typ.Is(tftypes.Number):
		return 42
	case typ.Is(tftypes.Bool):
		return true
	}
	return nil
}
