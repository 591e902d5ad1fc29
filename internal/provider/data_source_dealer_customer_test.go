package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// fatma is a customer with every field set, her PIN among them.
var fatma = sandbox.Customer{
	CustomerCode: "CUST-0500",
	Password:     "pin-1907",
	FirstName:    "Fatma",
	LastName:     "Yılmaz",
	Gender:       2,
	BirthDate:    "19880315",
	GsmNumber:    "5331234567",
	Email:        "fatma.yilmaz@example.com",
	Address:      "Alsancak Mah. Kıbrıs Şehitleri Cad. No:7, Konak, İzmir",
}

// cardObjectValue is the object the data sources show for c.
func cardObjectValue(c sandbox.Card) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"card_token":            knownvalue.StringExact(c.CardToken),
		"card_name":             knownvalue.StringExact(c.CardName),
		"bank_name":             knownvalue.StringExact(c.BankName),
		"card_number_first_six": knownvalue.StringExact(c.CardNumberFirstSix),
		"card_number_last_four": knownvalue.StringExact(c.CardNumberLastFour),
		"card_holder_full_name": knownvalue.StringExact(c.CardHolderFullName),
		"exp_month":             knownvalue.StringExact(c.ExpMonth),
		"exp_year":              knownvalue.StringExact(c.ExpYear),
	})
}

// customerValues are the attributes the data sources show for c.
func customerValues(c sandbox.Customer, gender, birthDate string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"dealer_customer_id": knownvalue.Int64Exact(c.DealerCustomerID),
		"customer_code":      knownvalue.StringExact(c.CustomerCode),
		"first_name":         knownvalue.StringExact(c.FirstName),
		"last_name":          knownvalue.StringExact(c.LastName),
		"gender":             knownvalue.StringExact(gender),
		"birth_date":         knownvalue.StringExact(birthDate),
		"gsm_number":         knownvalue.StringExact(c.GsmNumber),
		"email":              knownvalue.StringExact(c.Email),
		"address":            knownvalue.StringExact(c.Address),
	}
}

// TestAccDataSourceDealerCustomer reads a customer by customer_code and by
// dealer_customer_id, with her cards in Moka's order, a customer without
// cards, and fails clearly for a customer that does not exist.
func TestAccDataSourceDealerCustomer(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	cust, err := srv.PutCustomer(fatma)
	if err != nil {
		t.Fatal(err)
	}
	maas := addCard(t, srv, cust, cardAkbank, "Maaş kartı")
	market := addCard(t, srv, cust, cardTroy, "")
	bare, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "CUST-0501", FirstName: "Hasan"})
	if err != nil {
		t.Fatal(err)
	}

	var checks []statecheck.StateCheck
	for _, addr := range []string{"data.moka_dealer_customer.by_code", "data.moka_dealer_customer.by_id"} {
		for name, v := range customerValues(cust, "female", "1988-03-15") {
			checks = append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New(name), v))
		}
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprint(cust.DealerCustomerID))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("cards"), knownvalue.ListExact([]knownvalue.Check{
				cardObjectValue(maas), cardObjectValue(market),
			})),
		)
	}
	for name, v := range customerValues(bare, "", "") {
		checks = append(checks, statecheck.ExpectKnownValue("data.moka_dealer_customer.bare", tfjsonpath.New(name), v))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue("data.moka_dealer_customer.bare", tfjsonpath.New("cards"), knownvalue.ListSizeExact(0)),
		secretFree{fatma.Password},
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + `
data "moka_dealer_customer" "missing" {
  customer_code = "CUST-YOK"
}
`,
				ExpectError: regexp.MustCompile(`Moka customer not found[\s\S]*Moka has no customer with customer_code\s+"CUST-YOK"`),
			},
			{
				Config: providerBlock(srv) + `
data "moka_dealer_customer" "missing" {
  dealer_customer_id = 987654
}
`,
				ExpectError: regexp.MustCompile(`Moka customer not found[\s\S]*Moka has no customer with\s+dealer_customer_id\s+987654`),
			},
			{
				Config: providerBlock(srv) + `
data "moka_dealer_customer" "neither" {}
`,
				ExpectError: regexp.MustCompile(`Exactly one of these attributes must be configured:\s+\[dealer_customer_id,customer_code\]`),
			},
			{
				Config: providerBlock(srv) + fmt.Sprintf(`
data "moka_dealer_customer" "both" {
  customer_code      = "CUST-0500"
  dealer_customer_id = %d
}
`, cust.DealerCustomerID),
				ExpectError: regexp.MustCompile(`Exactly one of these attributes must be configured:\s+\[dealer_customer_id,customer_code\]`),
			},
			{
				// Last, so that the destroy at the end has a valid configuration.
				Config: providerBlock(srv) + fmt.Sprintf(`
data "moka_dealer_customer" "by_code" {
  customer_code = %q
}

data "moka_dealer_customer" "by_id" {
  dealer_customer_id = %d
}

data "moka_dealer_customer" "bare" {
  customer_code = "CUST-0501"
}
`, cust.CustomerCode, cust.DealerCustomerID),
				ConfigStateChecks: checks,
				Check:             stateWithout(fatma.Password),
			},
		},
	})
}
