package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// TestAccDataSourceCard reads a card saved at checkout by its token, in
// Moka's spelling and in the seed's, and fails clearly for an unknown token.
func TestAccDataSourceCard(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	cust, card := seedCard(t, srv, "CUST-0700", "Kemal", "Arslan", cardAkbank, "Maaş kartı")
	// A second card of the same customer, so that reading picks the right one.
	addCard(t, srv, cust, cardVisa, "Yedek")
	const missing = "51937236-82e0-4637-a8f5-2e1ec56ec870"

	var checks []statecheck.StateCheck
	for addr, token := range map[string]string{"data.moka_card.lower": card.CardToken, "data.moka_card.sealed": sealedToken(card.CardToken)} {
		checks = append(checks, cardFactStateChecks(addr, cust, card)...)
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(card.CardToken)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_token"), knownvalue.StringExact(token)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_name"), knownvalue.StringExact("Maaş kartı")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("bank_name"), knownvalue.StringExact("Akbank")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_holder_full_name"), knownvalue.StringExact("KEMAL ARSLAN")),
		)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + fmt.Sprintf(`
data "moka_card" "missing" {
  card_token = %q
}
`, sealedToken(missing)),
				ExpectError: regexp.MustCompile(`Moka card not found[\s\S]*Moka has no card with card_token\s+"\{` + regexp.QuoteMeta(sealedToken(missing)[1:])),
			},
			{
				Config: providerBlock(srv) + fmt.Sprintf(`
data "moka_card" "lower" {
  card_token = %q
}

data "moka_card" "sealed" {
  card_token = %q
}
`, card.CardToken, sealedToken(card.CardToken)),
				ConfigStateChecks: checks,
			},
		},
	})
}

// TestAccDataSources_readWhatResourcesMade: the data sources read back the
// customer and card that moka_dealer_customer and moka_card made, the card
// by its token written upper case in braces, and the next plan is empty.
func TestAccDataSources_readWhatResourcesMade(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	config := providerBlock(srv) + cardNumberVariable + `
resource "moka_dealer_customer" "selin" {
  customer_code = "CUST-0800"
  first_name    = "Selin"
  last_name     = "Güneş"
  gender        = "female"
  birth_date    = "1995-04-23"
  email         = "selin.gunes@example.com"
}

resource "moka_card" "selin" {
  dealer_customer_id    = moka_dealer_customer.selin.dealer_customer_id
  card_holder_full_name = "Selin Güneş"
  card_number_wo        = var.card_number
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = "Alışveriş"
}

data "moka_card" "selin" {
  card_token = "{${upper(moka_card.selin.card_token)}}"
}

data "moka_dealer_customer" "selin" {
  customer_code = moka_dealer_customer.selin.customer_code
  depends_on    = [moka_card.selin]
}

data "moka_dealer_customers" "all" {
  depends_on = [moka_dealer_customer.selin]
}
`
	const card, ds, customer = "moka_card.selin", "data.moka_card.selin", "data.moka_dealer_customer.selin"
	same := compare.ValuesSame()
	var checks []statecheck.StateCheck
	for _, name := range []string{"card_name", "bank_name", "card_number_first_six", "card_number_last_four", "card_holder_full_name", "exp_month", "exp_year", "customer_code", "dealer_customer_id"} {
		checks = append(checks, statecheck.CompareValuePairs(card, tfjsonpath.New(name), ds, tfjsonpath.New(name), same))
	}
	for _, name := range []string{"card_token", "card_name", "bank_name", "card_number_first_six", "card_number_last_four", "card_holder_full_name", "exp_month", "exp_year"} {
		checks = append(checks, statecheck.CompareValuePairs(card, tfjsonpath.New(name), customer, tfjsonpath.New("cards").AtSliceIndex(0).AtMapKey(name), same))
	}
	checks = append(checks,
		statecheck.CompareValuePairs(card, tfjsonpath.New("id"), ds, tfjsonpath.New("id"), same),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("bank_name"), knownvalue.StringExact("TEST BANK")),
		statecheck.ExpectKnownValue(customer, tfjsonpath.New("cards"), knownvalue.ListSizeExact(1)),
		statecheck.ExpectKnownValue(customer, tfjsonpath.New("birth_date"), knownvalue.StringExact("1995-04-23")),
		statecheck.CompareValuePairs("moka_dealer_customer.selin", tfjsonpath.New("dealer_customer_id"), customer, tfjsonpath.New("dealer_customer_id"), same),
		statecheck.CompareValuePairs("moka_dealer_customer.selin", tfjsonpath.New("dealer_customer_id"),
			"data.moka_dealer_customers.all", tfjsonpath.New("customers").AtSliceIndex(0).AtMapKey("dealer_customer_id"), same),
		statecheck.ExpectKnownValue("data.moka_dealer_customers.all", tfjsonpath.New("customers"), knownvalue.ListSizeExact(1)),
		secretFree{cardVisa},
	)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          config,
			ConfigVariables: cardVars(cardVisa),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: checks,
			Check:             stateWithout(cardVisa),
		}},
	})
}
