package provider

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// The framework finds a resource's abilities by type assertion: a wrapper
// that lost one (an upgrader, a move) would silently drop it.
func TestClaimedKeepsEveryAbility(t *testing.T) {
	abilities := []reflect.Type{
		reflect.TypeFor[fwresource.ResourceWithConfigure](),
		reflect.TypeFor[fwresource.ResourceWithConfigValidators](),
		reflect.TypeFor[fwresource.ResourceWithIdentity](),
		reflect.TypeFor[fwresource.ResourceWithImportState](),
		reflect.TypeFor[fwresource.ResourceWithModifyPlan](),
		reflect.TypeFor[fwresource.ResourceWithMoveState](),
		reflect.TypeFor[fwresource.ResourceWithUpgradeState](),
		reflect.TypeFor[fwresource.ResourceWithUpgradeIdentity](),
		reflect.TypeFor[fwresource.ResourceWithValidateConfig](),
	}
	for _, tc := range []struct {
		name    string
		inner   any
		wrapped fwresource.Resource
	}{
		{"moka_dealer_customer", &dealerCustomerResource{}, NewDealerCustomerResource()},
		{"moka_card", &cardResource{}, NewCardResource()},
	} {
		if _, ok := tc.wrapped.(*claimedResource); !ok {
			t.Errorf("%s: %T is not behind the create lifecycle", tc.name, tc.wrapped)
		}
		for _, ability := range abilities {
			inner, wrapped := reflect.TypeOf(tc.inner).Implements(ability), reflect.TypeOf(tc.wrapped).Implements(ability)
			if inner != wrapped {
				t.Errorf("%s: %s: the resource %v, the wrapped resource %v", tc.name, ability.Name(), inner, wrapped)
			}
		}
	}
}

// TestClaimedRecordThroughEveryMethod: a pending record, whose create's
// object Moka holds (found) or not, through each method Terraform calls. The
// resources' own methods never see a record: each row would fail if one did
// (a read of a record has no id to read, an update or delete has no object).
func TestClaimedRecordThroughEveryMethod(t *testing.T) {
	const number = "4546711234567894"
	for _, kind := range []string{"moka_dealer_customer", "moka_card"} {
		for _, op := range []string{"read", "plan", "update", "delete"} {
			for _, found := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%s/found=%v", kind, op, found), func(t *testing.T) {
					srv := accSandbox(t, sandbox.Options{})
					f := newProtocolFixture(t, srv)
					typ := f.types[kind]
					claim := moka.NewClaim()
					str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
					var record, planned map[string]tftypes.Value
					var object func() (name string, exists bool)
					switch kind {
					case "moka_dealer_customer":
						if found {
							if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "REC-1", FirstName: claim}); err != nil {
								t.Fatal(err)
							}
						}
						record = map[string]tftypes.Value{"customer_code": str("REC-1"), "first_name": str("Elif")}
						planned = map[string]tftypes.Value{"customer_code": str("REC-1"), "first_name": str("Ayşe")}
						object = func() (string, bool) {
							for _, c := range srv.Customers() {
								if c.CustomerCode == "REC-1" {
									return c.FirstName, true
								}
							}
							return "", false
						}
					default:
						customer, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "REC-2", FirstName: "Elif"})
						if err != nil {
							t.Fatal(err)
						}
						if found {
							if _, err := srv.AddCardDirect(customer.DealerCustomerID, "Elif Yilmaz", number, "12", "2031", claim); err != nil {
								t.Fatal(err)
							}
						}
						record = map[string]tftypes.Value{
							"customer_code": str("REC-2"), "card_holder_full_name": str("Elif Yilmaz"), "exp_month": str("12"), "exp_year": str("2031"),
							"card_number_first_six": str(number[:6]), "card_number_last_four": str(number[12:]), "card_name": str("Work"),
						}
						planned = maps.Clone(record)
						planned["card_name"] = str("Home")
						object = func() (string, bool) {
							for _, c := range srv.Cards() {
								return c.CardName, true
							}
							return "", false
						}
					}
					prior := objectOf(typ, record)
					private := privateBytes(t, map[string]string{"create_claim": strconv.Quote(claim)})
					before, existed := object()
					ctx := context.Background()
					var diags []*tfprotov6.Diagnostic
					var after tftypes.Value
					switch op {
					case "read":
						resp, err := f.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: kind, CurrentState: dynamic(t, typ, prior), Private: private})
						if err != nil {
							t.Fatal(err)
						}
						diags, after = resp.Diagnostics, unmarshal(t, typ, resp.NewState)
					case "plan":
						resp, err := f.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: kind, PriorState: dynamic(t, typ, prior),
							ProposedNewState: dynamic(t, typ, prior), Config: dynamic(t, typ, objectOf(typ, record)), PriorPrivate: private})
						if err != nil {
							t.Fatal(err)
						}
						diags, after = resp.Diagnostics, unmarshal(t, typ, resp.PlannedState)
					case "update", "delete":
						next := objectOf(typ, planned)
						if op == "delete" {
							next = tftypes.NewValue(typ, nil)
						}
						config := next
						resp, err := f.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: kind, PriorState: dynamic(t, typ, prior),
							PlannedState: dynamic(t, typ, next), Config: dynamic(t, typ, config), PlannedPrivate: private})
						if err != nil {
							t.Fatal(err)
						}
						diags, after = resp.Diagnostics, unmarshal(t, typ, resp.NewState)
					}
					now, exists := object()
					id := "dealer_customer_id"
					if kind == "moka_card" {
						id = "card_token"
					}
					vals := map[string]tftypes.Value{}
					if !after.IsNull() {
						if err := after.As(&vals); err != nil {
							t.Fatal(err)
						}
					}
					idKnown := !after.IsNull() && vals[id].IsKnown() && !vals[id].IsNull()
					problems := []string{}
					want := func(ok bool, what string) {
						if !ok {
							problems = append(problems, what)
						}
					}
					switch {
					case op == "read" && found:
						want(!hasError(diags) && idKnown, "the record adopted, with its id")
					case op == "read":
						want(!hasError(diags) && after.IsNull() && strings.Contains(warningsOf(diags), "not"), "the record dropped with a warning")
					case op == "plan":
						want(!hasError(diags) && !vals[id].IsKnown() && strings.Contains(warningsOf(diags), "to be settled"), "unknown ids and the settling warning, no error")
					case op == "update" && found:
						want(!hasError(diags) && idKnown && exists && now != claim && now != before, "the object found, then changed as planned")
					case op == "update":
						want(hasError(diags) && after.Equal(prior) && exists == existed, "an error, the record kept, Moka unchanged")
					case op == "delete" && found:
						want(!hasError(diags) && !exists, "the object found, then removed")
					case op == "delete":
						want(!hasError(diags) && exists == existed && now == before, "nothing removed, no error")
					}
					if len(problems) > 0 {
						t.Errorf("want %s; got errors %v, warnings %q, state %v; Moka held %q (%v), holds %q (%v)",
							strings.Join(problems, ", "), errorsOf(diags), warningsOf(diags), after, before, existed, now, exists)
					}
				})
			}
		}
	}
}
