package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// TestAccDataSourceDealerCustomers lists every customer with one
// GetCustomerList: none in an empty account, then those made in Moka's panel
// and by moka_dealer_customer, in Moka's order, without their passwords; and a
// customer removed in the panel drops out of the list.
func TestAccDataSourceDealerCustomers(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	const addr = "data.moka_dealer_customers.all"
	var panel []sandbox.Customer
	list := providerBlock(srv) + `
data "moka_dealer_customers" "all" {}
`
	withResource := providerBlock(srv) + `
resource "moka_dealer_customer" "emre" {
  customer_code = "CUST-0602"
  first_name    = "Emre"
  last_name     = "Aydın"
  gender        = "male"
  birth_date    = "1979-11-02"
  gsm_number    = "5429876543"
  email         = "emre.aydin@example.com"
  address       = "Kültür Mah. Atatürk Cad. No:3, Nilüfer, Bursa"
}

data "moka_dealer_customers" "all" {
  depends_on = [moka_dealer_customer.emre]
}
`
	customer := func(c sandbox.Customer, gender, birthDate string) knownvalue.Check {
		return knownvalue.ObjectExact(customerValues(c, gender, birthDate))
	}
	emre := sandbox.Customer{
		CustomerCode: "CUST-0602", FirstName: "Emre", LastName: "Aydın", GsmNumber: "5429876543",
		Email: "emre.aydin@example.com", Address: "Kültür Mah. Atatürk Cad. No:3, Nilüfer, Bursa",
	}
	var listCalls int

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: list,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customers"), knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("SANDBOX")),
				},
			},
			{
				PreConfig: func() {
					listCalls = calls(srv)["GetCustomerList"]
					for _, c := range []sandbox.Customer{fatma, {CustomerCode: "CUST-0601", FirstName: "Hasan", LastName: "Koç", Password: "pin-0601"}} {
						made, err := srv.PutCustomer(c)
						if err != nil {
							t.Fatal(err)
						}
						panel = append(panel, made)
					}
				},
				Config: withResource,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customers"), knownvalue.ListSizeExact(3)),
					secretFree{fatma.Password},
					secretFree{"pin-0601"},
				},
				Check: func(s *terraform.State) error {
					// The list is checked against the sandbox's ids here, once they exist.
					emre.DealerCustomerID = panel[1].DealerCustomerID + 1
					got := s.RootModule().Resources[addr].Primary.Attributes
					want := map[string]string{
						"customers.#":                    "3",
						"customers.0.customer_code":      "CUST-0500",
						"customers.0.dealer_customer_id": fmt.Sprint(panel[0].DealerCustomerID),
						"customers.0.gender":             "female",
						"customers.0.birth_date":         "1988-03-15",
						"customers.0.address":            fatma.Address,
						"customers.1.customer_code":      "CUST-0601",
						"customers.1.last_name":          "Koç",
						"customers.1.gender":             "",
						"customers.1.birth_date":         "",
						"customers.2.customer_code":      "CUST-0602",
						"customers.2.dealer_customer_id": fmt.Sprint(emre.DealerCustomerID),
						"customers.2.gender":             "male",
						"customers.2.birth_date":         "1979-11-02",
						"customers.2.email":              emre.Email,
					}
					for k, v := range want {
						if got[k] != v {
							return fmt.Errorf("%s = %q, want %q", k, got[k], v)
						}
					}
					if _, ok := got["customers.0.password"]; ok {
						return fmt.Errorf("the list shows passwords")
					}
					if calls(srv)["GetCustomerList"] == listCalls {
						return fmt.Errorf("the list was not read with GetCustomerList")
					}
					return stateWithout(fatma.Password)(s)
				},
			},
			{
				// A customer removed in Moka's panel is gone from the list; the
				// others are checked in full, now that their ids are known.
				PreConfig: func() {
					if !srv.DeleteCustomer(panel[1].DealerCustomerID) {
						t.Fatal("DeleteCustomer: customer not found")
					}
				},
				Config: withResource,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customers"), lateCheck{func() knownvalue.Check {
						return knownvalue.ListExact([]knownvalue.Check{
							customer(panel[0], "female", "1988-03-15"),
							customer(emre, "male", "1979-11-02"),
						})
					}}),
				},
			},
		},
	})
}

// lateCheck builds its check when it runs, from values known only then.
type lateCheck struct{ make func() knownvalue.Check }

func (l lateCheck) CheckValue(v any) error { return l.make().CheckValue(v) }
func (l lateCheck) String() string         { return l.make().String() }
