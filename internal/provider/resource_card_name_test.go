package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// Moka's test cards (MOKA-API.md), all valid through 12/2030.
const (
	cardAkbank = "5127541122223332" // Akbank MasterCard
	cardVisa   = "4531441122223338"
	cardTroy   = "9792061122223337"
)

// seedCard stores, behind the API's back, a customer and one card of theirs,
// as a card saved at checkout would be: the card exists before Terraform.
func seedCard(t *testing.T, srv *sandbox.Server, code, first, last, number, name string) (sandbox.Customer, sandbox.Card) {
	t.Helper()
	cust, err := srv.PutCustomer(sandbox.Customer{CustomerCode: code, FirstName: first, LastName: last})
	if err != nil {
		t.Fatalf("PutCustomer %s: %v", code, err)
	}
	return cust, addCard(t, srv, cust, number, name)
}

// addCard stores another card for cust behind the API's back.
func addCard(t *testing.T, srv *sandbox.Server, cust sandbox.Customer, number, name string) sandbox.Card {
	t.Helper()
	holder := strings.ToUpper(cust.FirstName + " " + cust.LastName)
	card, err := srv.AddCardDirect(cust.DealerCustomerID, holder, number, "12", "2030", name)
	if err != nil {
		t.Fatalf("AddCardDirect for %s: %v", cust.CustomerCode, err)
	}
	return card
}

// sandboxCard is the card srv holds under token, if any.
func sandboxCard(srv *sandbox.Server, token string) (sandbox.Card, bool) {
	for _, c := range srv.Cards() {
		if moka.SameCardToken(c.CardToken, token) {
			return c, true
		}
	}
	return sandbox.Card{}, false
}

// expectCardName checks that srv still holds the card under token, named name.
func expectCardName(srv *sandbox.Server, token, name string) error {
	c, ok := sandboxCard(srv, token)
	if !ok {
		return fmt.Errorf("card %s is gone from the sandbox", token)
	}
	if c.CardName != name {
		return fmt.Errorf("card %s is named %q in the sandbox, want %q", token, c.CardName, name)
	}
	return nil
}

// calls is the number of calls srv answered for each operation.
func calls(srv *sandbox.Server) map[string]int { return srv.Stats().Calls }

// sealedToken is a token as the UpdateCard seed writes it: upper case in braces.
func sealedToken(token string) string { return "{" + strings.ToUpper(token) + "}" }

// cardFactValues are the computed card details of c (owned by cust) as known values.
func cardFactValues(cust sandbox.Customer, c sandbox.Card) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"dealer_customer_id":    knownvalue.Int64Exact(cust.DealerCustomerID),
		"customer_code":         knownvalue.StringExact(cust.CustomerCode),
		"bank_name":             knownvalue.StringExact(c.BankName),
		"card_number_first_six": knownvalue.StringExact(c.CardNumberFirstSix),
		"card_number_last_four": knownvalue.StringExact(c.CardNumberLastFour),
		"card_holder_full_name": knownvalue.StringExact(c.CardHolderFullName),
		"exp_month":             knownvalue.StringExact(c.ExpMonth),
		"exp_year":              knownvalue.StringExact(c.ExpYear),
	}
}

func cardFactStateChecks(addr string, cust sandbox.Customer, c sandbox.Card) []statecheck.StateCheck {
	var out []statecheck.StateCheck
	for name, v := range cardFactValues(cust, c) {
		out = append(out, statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), v))
	}
	return out
}

func cardFactPlanChecks(addr string, cust sandbox.Customer, c sandbox.Card) []plancheck.PlanCheck {
	var out []plancheck.PlanCheck
	for name, v := range cardFactValues(cust, c) {
		out = append(out, plancheck.ExpectKnownValue(addr, tfjsonpath.New(name), v))
	}
	return out
}

func cardNameHCL(srv *sandbox.Server, token, name string) string {
	return providerBlock(srv) + fmt.Sprintf(`
resource "moka_card_name" "maas" {
  card_token = %q
  card_name  = %q
}
`, token, name)
}

// TestAccCardName_renameAndRestore: create and update rename the card with
// UpdateCard, the details come from Moka and stay known in an update plan, and
// destroy gives the card back the name it had before, without removing it.
func TestAccCardName_renameAndRestore(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	cust, card := seedCard(t, srv, "CUST-ayse", "Ayşe", "Kılıç", cardAkbank, "Kartım")
	const addr = "moka_card_name.maas"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := expectCardName(srv, card.CardToken, "Kartım"); err != nil {
				return err
			}
			if n := calls(srv)["RemoveCard"]; n != 0 {
				return fmt.Errorf("moka_card_name called RemoveCard %d times; it must never remove the card", n)
			}
			if n := len(srv.Cards()); n != 1 {
				return fmt.Errorf("the sandbox holds %d cards after destroy, want 1", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cardNameHCL(srv, card.CardToken, "Maaş kartı"),
				ConfigStateChecks: append(cardFactStateChecks(addr, cust, card),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(card.CardToken)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_name"), knownvalue.StringExact("Maaş kartı")),
				),
				Check: func(*terraform.State) error {
					if n := calls(srv)["UpdateCard"]; n != 1 {
						return fmt.Errorf("UpdateCard called %d times on create, want 1", n)
					}
					return expectCardName(srv, card.CardToken, "Maaş kartı")
				},
			},
			{
				Config: cardNameHCL(srv, card.CardToken, "Bonus kartım"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append(cardFactPlanChecks(addr, cust, card),
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(card.CardToken)),
					),
				},
				ConfigStateChecks: append(cardFactStateChecks(addr, cust, card),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_name"), knownvalue.StringExact("Bonus kartım")),
				),
				Check: func(*terraform.State) error {
					if n := calls(srv)["UpdateCard"]; n != 2 {
						return fmt.Errorf("UpdateCard called %d times after the rename, want 2", n)
					}
					return expectCardName(srv, card.CardToken, "Bonus kartım")
				},
			},
			{
				// Moka counts characters, not bytes: 50 Turkish letters fit, 51 do not.
				Config:      cardNameHCL(srv, card.CardToken, strings.Repeat("ş", 51)),
				ExpectError: words(`card_name UTF-8 character count must be at most 50, got: 51`),
			},
			{
				Config:            cardNameHCL(srv, card.CardToken, strings.Repeat("ğ", 50)),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_name"), knownvalue.StringExact(strings.Repeat("ğ", 50)))},
				Check:             func(*terraform.State) error { return expectCardName(srv, card.CardToken, strings.Repeat("ğ", 50)) },
			},
		},
	})
}

// TestAccCardName_tokenSpelling: the token written as the UpdateCard seed does,
// upper case in braces, names the same card as Moka's lower-case answer, so a
// plan after apply is empty and respelling it replaces nothing.
func TestAccCardName_tokenSpelling(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	cust, card := seedCard(t, srv, "CUST-mehmet", "Mehmet", "Öztürk", cardVisa, "")
	const addr = "moka_card_name.maas"
	sealed := sealedToken(card.CardToken)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return expectCardName(srv, card.CardToken, "")
		},
		Steps: []resource.TestStep{
			{
				Config: cardNameHCL(srv, sealed, "Market alışverişi"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(cardFactStateChecks(addr, cust, card),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_token"), knownvalue.StringExact(sealed)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(card.CardToken)),
				),
				Check: func(*terraform.State) error { return expectCardName(srv, card.CardToken, "Market alışverişi") },
			},
			{
				// The same card in Moka's own spelling: no replacement.
				Config: cardNameHCL(srv, card.CardToken, "Market alışverişi"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if n := calls(srv)["RemoveCard"]; n != 0 {
						return fmt.Errorf("RemoveCard called %d times", n)
					}
					return expectCardName(srv, card.CardToken, "Market alışverişi")
				},
			},
		},
	})
}

// cardNameReadWarning calls moka_card_name's Read directly for a state naming
// token, and returns the diagnostics and whether the resource is left in state.
func cardNameRead(t *testing.T, srv *sandbox.Server, token string) (diags []string, kept bool) {
	t.Helper()
	ctx := context.Background()
	client, err := moka.New(moka.Config{BaseURL: srv.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := &cardNameResource{resourceBase{data: &providerData{client: client}}}
	var sr fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
	state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	model := cardNameModel{
		ID:        types.StringValue(moka.NormalizeCardToken(token)),
		CardToken: newCardToken(token),
		CardName:  types.StringValue("Maaş kartı"),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
		})},
	}
	model.cardFacts = cardFacts{
		DealerCustomerID: types.Int64Value(1033), CustomerCode: types.StringValue("x"), BankName: types.StringValue("x"),
		CardNumberFirstSix: types.StringValue("512754"), CardNumberLastFour: types.StringValue("3332"),
		CardHolderFullName: types.StringValue("x"), ExpMonth: types.StringValue("12"), ExpYear: types.StringValue("2030"),
	}
	if d := state.Set(ctx, &model); d.HasError() {
		t.Fatalf("building state: %v", d)
	}
	req := fwresource.ReadRequest{State: state}
	resp := fwresource.ReadResponse{State: state}
	r.Read(ctx, req, &resp)
	for _, d := range resp.Diagnostics {
		diags = append(diags, fmt.Sprintf("%s: %s: %s", d.Severity(), d.Summary(), d.Detail()))
	}
	return diags, !resp.State.Raw.IsNull()
}

// TestCardNameRead_removedOutsideTerraform: a card deleted in Moka's panel is
// dropped from state with a warning (not an error) that names the card.
func TestCardNameRead_removedOutsideTerraform(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	_, card := seedCard(t, srv, "CUST-zeynep", "Zeynep", "Şahin", cardTroy, "Troy")

	diags, kept := cardNameRead(t, srv, sealedToken(card.CardToken))
	if !kept || len(diags) != 0 {
		t.Fatalf("reading an existing card: kept=%v diags=%q; want it kept without diagnostics", kept, diags)
	}
	if !srv.DeleteCard(card.CardToken) {
		t.Fatal("DeleteCard: card not found")
	}
	diags, kept = cardNameRead(t, srv, sealedToken(card.CardToken))
	if kept {
		t.Error("a card removed outside Terraform stays in state")
	}
	if len(diags) != 1 || !strings.HasPrefix(diags[0], "Warning: Moka card is gone") || !strings.Contains(strings.ToLower(diags[0]), card.CardToken) {
		t.Errorf("diagnostics %q; want one warning naming card %s", diags, card.CardToken)
	}
}

// TestAccCardName_removedOutsideTerraform: after srv.DeleteCard a refresh drops
// the resource, and the next apply fails with an error naming the card, since
// moka_card_name cannot create a card.
func TestAccCardName_removedOutsideTerraform(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	_, card := seedCard(t, srv, "CUST-zeynep", "Zeynep", "Şahin", cardTroy, "Troy")
	const addr = "moka_card_name.maas"
	config := cardNameHCL(srv, card.CardToken, "Troy kartım")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, ok := sandboxCard(srv, card.CardToken); ok {
				return fmt.Errorf("card %s came back", card.CardToken)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if !srv.DeleteCard(card.CardToken) {
						t.Fatal("DeleteCard: card not found")
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[addr]; ok {
						return fmt.Errorf("%s is still in state after its card was removed", addr)
					}
					return nil
				},
			},
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Moka card not found.*` + card.CardToken),
			},
		},
	})
}

// TestAccCardName_importAndRestore: a card imported by its token (in any
// spelling, kept as written so that a configuration spelling it the same way
// plans only the rename) gets back, on destroy, the name it had at import;
// ImportStateVerify finds the same state as the apply made.
func TestAccCardName_importAndRestore(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	cust, card := seedCard(t, srv, "CUST-elif", "Elif", "Yetimoğlu", cardAkbank, "Akbank Axess")
	const addr = "moka_card_name.maas"
	sealed := sealedToken(card.CardToken)
	config := cardNameHCL(srv, sealed, "Aile kartı")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return expectCardName(srv, card.CardToken, "Akbank Axess")
		},
		Steps: []resource.TestStep{
			{
				// Take the card over by import first, before any apply.
				Config:             config,
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      sealed,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("import made %d instances, want 1", len(states))
					}
					a := states[0].Attributes
					if a["card_token"] != sealed || a["id"] != card.CardToken || a["card_name"] != "Akbank Axess" || a["customer_code"] != cust.CustomerCode {
						return fmt.Errorf("imported %v", a)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error { return expectCardName(srv, card.CardToken, "Aile kartı") },
			},
			{
				Config:            config,
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     sealed,
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccCardName_otherCardReplaces: pointing card_token at another card
// replaces the resource: the first card gets its own name back, the second is
// renamed, and both cards stay.
func TestAccCardName_otherCardReplaces(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	cust, first := seedCard(t, srv, "CUST-can", "Can", "Doğan", cardAkbank, "Eski kart")
	second := addCard(t, srv, cust, cardVisa, "Yeni kart")
	const addr = "moka_card_name.maas"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := expectCardName(srv, first.CardToken, "Eski kart"); err != nil {
				return err
			}
			return expectCardName(srv, second.CardToken, "Yeni kart")
		},
		Steps: []resource.TestStep{
			{
				Config: cardNameHCL(srv, first.CardToken, "Maaş kartı"),
				Check:  func(*terraform.State) error { return expectCardName(srv, first.CardToken, "Maaş kartı") },
			},
			{
				Config: cardNameHCL(srv, second.CardToken, "Maaş kartı"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: append(cardFactStateChecks(addr, cust, second),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(second.CardToken)),
				),
				Check: func(*terraform.State) error {
					if err := expectCardName(srv, first.CardToken, "Eski kart"); err != nil {
						return fmt.Errorf("the card left behind: %w", err)
					}
					if n := len(srv.Cards()); n != 2 {
						return fmt.Errorf("the sandbox holds %d cards, want 2", n)
					}
					return expectCardName(srv, second.CardToken, "Maaş kartı")
				},
			},
		},
	})
}

// TestAccCardName_ofManagedCard: moka_card_name names a card that moka_card
// stored without a name; neither fights the other, and destroy removes the
// card (moka_card) after giving it its old, empty name back (moka_card_name).
func TestAccCardName_ofManagedCard(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	const addr = "moka_card_name.maas"
	hcl := func(name string) string {
		return providerBlock(srv) + cardNumberVariable + fmt.Sprintf(`
resource "moka_dealer_customer" "ali" {
  customer_code = "CUST-0300"
  first_name    = "Ali"
  last_name     = "Çelik"
}

resource "moka_card" "ali" {
  customer_code         = moka_dealer_customer.ali.customer_code
  card_holder_full_name = "Ali Çelik"
  card_number_wo        = var.card_number
  exp_month             = "12"
  exp_year              = "2030"
}

resource "moka_card_name" "maas" {
  card_token = moka_card.ali.card_token
  card_name  = %q
}
`, name)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Cards()); n != 0 {
				return fmt.Errorf("%d cards left after destroy", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:          hcl("Maaş kartı"),
				ConfigVariables: cardVars(cardAkbank),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), "moka_card.ali", tfjsonpath.New("card_token"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_holder_full_name"), knownvalue.StringExact("Ali Çelik")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bank_name"), knownvalue.StringExact("Akbank")),
				},
				Check: func(s *terraform.State) error {
					c, err := onlyCard(srv)
					if err != nil {
						return err
					}
					return expectCardName(srv, c.CardToken, "Maaş kartı")
				},
			},
			{
				Config:          hcl("Bonus kartım"),
				ConfigVariables: cardVars(cardAkbank),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("moka_card.ali", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestCardName_unconfiguredProvider: while the provider's settings are unknown
// until apply, a refresh keeps the card's state with a warning (as
// moka_dealer_customer does) instead of failing the whole plan; an import,
// with nothing in state to keep, fails.
func TestCardName_unconfiguredProvider(t *testing.T) {
	ctx := context.Background()
	r := &cardNameResource{}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	state := func(name types.String) tfsdk.State {
		m := cardNameModel{
			ID: types.StringValue("51937236-82e0-4637-a8f5-2e1ec56ec870"), CardToken: newCardToken("51937236-82e0-4637-a8f5-2e1ec56ec870"), CardName: name,
			cardFacts: cardFacts{
				DealerCustomerID: types.Int64Value(1034), CustomerCode: types.StringValue("Customer"), BankName: types.StringValue("BANKAADI"),
				CardNumberFirstSix: types.StringValue("112233"), CardNumberLastFour: types.StringValue("7788"),
				CardHolderFullName: types.StringValue("elif y"), ExpMonth: types.StringValue("01"), ExpYear: types.StringValue("2018"),
			},
			Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
				"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
			})},
		}
		st := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
		if diags := st.Set(ctx, &m); diags.HasError() {
			t.Fatal(diags)
		}
		return st
	}

	st := state(types.StringValue("Bonus kartım"))
	resp := &fwresource.ReadResponse{State: st}
	r.Read(ctx, fwresource.ReadRequest{State: st}, resp)
	if resp.Diagnostics.HasError() || len(resp.Diagnostics.Warnings()) != 1 || resp.Diagnostics.Warnings()[0].Summary() != "Moka card not refreshed" {
		t.Fatalf("want one 'not refreshed' warning, got %v", resp.Diagnostics)
	}
	if !resp.State.Raw.Equal(st.Raw) {
		t.Fatalf("state changed: %v", resp.State.Raw)
	}

	imported := state(types.StringNull())
	resp = &fwresource.ReadResponse{State: imported}
	r.Read(ctx, fwresource.ReadRequest{State: imported}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatalf("an import read without a configured provider did not fail: %v", resp.Diagnostics)
	}
}
