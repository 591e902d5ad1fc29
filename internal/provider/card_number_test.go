package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// TestAccCard_numberRequiredToStore: card_number_wo is optional in the schema
// (an imported card has none), but a card that is to be stored without it is
// refused at plan, on every Terraform version, before any call to Moka.
func TestAccCard_numberRequiredToStore(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "NO-NUMBER"}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + `
resource "moka_card" "test" {
  customer_code         = "NO-NUMBER"
  card_holder_full_name = "Ayşe Kılıç"
  exp_month             = "12"
  exp_year              = "2030"
}
`,
			PlanOnly:    true,
			ExpectError: words(`Missing card number`),
		}},
	})
	if calls := srv.Stats().Calls; calls["AddCard"] != 0 || calls["GetCardList"] != 0 {
		t.Errorf("a refused plan called Moka: %v", calls)
	}
}
