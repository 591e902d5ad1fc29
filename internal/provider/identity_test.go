package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// TestAccIdentity_customer: a customer's identity is its code, from create on
// and through an update; an import block with `identity = {...}` adopts it
// and plans no change.
func TestAccIdentity_customer(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	identity := map[string]knownvalue.Check{"customer_code": knownvalue.StringExact("IDN-1")}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{
			{
				Config:            customerConfig(srv, `customer_code = "IDN-1"`+"\n  first_name = \"Elif\""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(customerAddr, identity)},
			},
			{
				// An update in place keeps the identity (the framework would
				// fail the apply if it changed).
				Config: customerConfig(srv, `customer_code = "IDN-1"`+"\n  first_name = \"Elif\"\n  email = \"elif@example.com\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(customerAddr, identity),
					statecheck.ExpectIdentityValueMatchesState(customerAddr, tfjsonpath.New("customer_code")),
				},
			},
			{
				ResourceName:    customerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						expectImportNoOp{customerAddr},
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("email"), knownvalue.StringExact("elif@example.com")),
					},
				},
			},
			{
				// The import command, by ID, gives the same identity.
				ResourceName:      customerAddr,
				ImportState:       true,
				ImportStateId:     "code:IDN-1",
				ImportStateVerify: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["customer_code"] != "IDN-1" {
						return fmt.Errorf("imported %d states: %v", len(states), states)
					}
					return nil
				},
			},
		},
	})
}

// TestAccIdentity_cards: moka_card and moka_card_name on the same card have
// the same identity, its token in canonical form, however the configuration
// spells the token; both import by identity with no change.
func TestAccIdentity_cards(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	cust, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "IDN-CARD", FirstName: "Zeynep"})
	if err != nil {
		t.Fatal(err)
	}
	card, err := srv.AddCardDirect(cust.DealerCustomerID, "Zeynep Şahin", cardAkbank, "12", "2030", "Eski ad")
	if err != nil {
		t.Fatal(err)
	}
	token := card.CardToken
	shouted := "{" + strings.ToUpper(token) + "}"
	const nameAddr = "moka_card_name.test"
	configFor := func(token string) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "moka_card_name" "test" {
  card_token = %q
  card_name  = "Bonus"
}
`, token)
	}
	config := configFor(token)
	identity := map[string]knownvalue.Check{"card_token": knownvalue.StringExact(token)}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: configFor(shouted),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(nameAddr, identity),
					statecheck.ExpectKnownValue(nameAddr, tfjsonpath.New("card_token"), knownvalue.StringExact(shouted)),
				},
			},
			{
				// The import block writes the identity as the state holds it,
				// so the configuration spells the token the same way.
				Config:          config,
				ResourceName:    nameAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{expectImportNoOp{nameAddr}},
				},
			},
			{
				// The card itself, adopted by moka_card through its identity:
				// no card number needed for a card that is only imported.
				Config: config + fmt.Sprintf(`
import {
  to       = moka_card.adopted
  identity = { card_token = %q }
}

resource "moka_card" "adopted" {
  customer_code         = "IDN-CARD"
  card_holder_full_name = "Zeynep Şahin"
  exp_month             = "12"
  exp_year              = "2030"
}
`, token),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectImportNoOp{"moka_card.adopted"}},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("moka_card.adopted", identity),
					statecheck.ExpectKnownValue("moka_card.adopted", tfjsonpath.New("card_name"), knownvalue.StringExact("Bonus")),
				},
			},
			{
				// Replacing an adopted card needs its number, at plan time.
				Config: config + `
resource "moka_card" "adopted" {
  customer_code         = "IDN-CARD"
  card_holder_full_name = "Zeynep Sahin"
  exp_month             = "12"
  exp_year              = "2030"
}
`,
				ExpectError: words(`Missing card number`),
			},
		},
	})
}

// TestFillIdentity: the identity comes from the new state, else (a refresh
// that removed the object) the prior one; a known identity is never changed;
// card tokens are kept in canonical form.
func TestFillIdentity(t *testing.T) {
	ctx := context.Background()
	var schemaResp fwresource.IdentitySchemaResponse
	cardIdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &schemaResp)
	identitySchema := schemaResp.IdentitySchema
	stateType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"card_token": tftypes.String, "card_name": tftypes.String}}
	state := func(token any) tfsdk.State {
		if token == "removed" {
			return tfsdk.State{Raw: tftypes.NewValue(stateType, nil)}
		}
		return tfsdk.State{Raw: tftypes.NewValue(stateType, map[string]tftypes.Value{
			"card_token": tftypes.NewValue(tftypes.String, token), "card_name": tftypes.NewValue(tftypes.String, "x"),
		})}
	}
	for _, tc := range []struct {
		name          string
		current       any // the identity's card_token before; nil for none
		state, prior  any
		want          string
		wantFullyNull bool
	}{
		{name: "from the new state", state: "abc", want: "abc"},
		{name: "canonical form", state: "{ABC-1}", want: "abc-1"},
		{name: "kept once known", current: "abc", state: "abc", want: "abc"},
		{name: "removed: from the prior state", state: "removed", prior: "def", want: "def"},
		{name: "removed, never known", state: "removed", prior: nil, want: ""},
		// A pending create: a placeholder, so that the framework has an
		// identity and Terraform does not taint the record.
		{name: "not known yet (a lost create's answer)", state: nil, want: ""},
		{name: "the placeholder gives way to the token its refresh finds", current: "", state: "abc", want: "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idType := identitySchema.Type().TerraformType(ctx)
			raw := tftypes.NewValue(idType, nil)
			if tc.current != nil {
				raw = tftypes.NewValue(idType, map[string]tftypes.Value{"card_token": tftypes.NewValue(tftypes.String, tc.current)})
			}
			identity := &tfsdk.ResourceIdentity{Schema: identitySchema, Raw: raw}
			var prior *tfsdk.State
			if tc.prior != nil || tc.state == "removed" {
				p := state(tc.prior)
				prior = &p
			}
			var diags diag.Diagnostics
			fillIdentity(ctx, state(tc.state), prior, identity, &diags)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if tc.wantFullyNull {
				if !identity.Raw.IsFullyNull() {
					t.Errorf("identity %v, want none", identity.Raw)
				}
				return
			}
			got, ok := stateString(identity.Raw, "card_token")
			if !ok || got != tc.want {
				t.Errorf("identity card_token %q (set %v), want %q", got, ok, tc.want)
			}
		})
	}
}
