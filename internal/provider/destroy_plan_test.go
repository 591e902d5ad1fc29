package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// customerWithCardHCL is a customer and a card of it that refers to it by
// code; lifecycle goes into the card's block.
func customerWithCardHCL(srv *sandbox.Server, code, lifecycle string) string {
	return providerBlock(srv) + cardNumberVariable + fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  customer_code = %q
  first_name    = "Elif"
}

resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "Elif Yetimoglu"
  card_number_wo        = var.card_number
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = "Bonus kartım"
  %s
}
`, code, lifecycle)
}

var cardNumberEnv = []string{"TF_VAR_card_number=" + cardAkbank}

// applyWithCheckoutCard applies hcl and stores a second card for its
// customer outside Terraform (as a checkout would): Moka then holds two cards
// for the customer, one of which this configuration manages.
func applyWithCheckoutCard(t *testing.T, tf *testsupport.WorkDir, srv *sandbox.Server, code, hcl string) sandbox.Customer {
	t.Helper()
	tf.Config(hcl)
	tf.MustRun(cardNumberEnv, "apply", "-auto-approve", "-input=false", "-no-color")
	held, err := storedCustomer(srv, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddCardDirect(held.DealerCustomerID, "Elif Yetimoglu", cardVisa, "01", "2031", "Checkout"); err != nil {
		t.Fatal(err)
	}
	return held
}

// TestAccDestroyPlanNamesTheCards: every plan that destroys a customer (left
// out of the configuration, terraform destroy, -target) warns with the cards
// Moka holds for it, which RemoveCustomer takes along and the plan does not
// show; a plan that keeps the customer says nothing of the kind.
func TestAccDestroyPlanNamesTheCards(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	hcl := customerWithCardHCL(srv, "DESTROY-1", "")
	held := applyWithCheckoutCard(t, tf, srv, "DESTROY-1", hcl)
	want := []string{
		"Destroying a customer removes its cards from Moka",
		fmt.Sprintf("removes customer %d (customer_code \"DESTROY-1\")", held.DealerCustomerID),
		"Moka holds 2 stored card(s) for it", "512754******3332 \"Bonus kartım\"", "453144******3338 \"Checkout\"",
		"will find its card gone", "gone for good",
	}
	check := func(what string, out string) {
		t.Helper()
		flat := flattened(out)
		for _, w := range want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: no %q in the plan:\n%s", what, w, tail(out, 40))
			}
		}
	}
	if _, out := tf.Run(cardNumberEnv, "plan", "-input=false", "-no-color"); strings.Contains(out, "Destroying a customer") {
		t.Errorf("a plan that keeps the customer warns of its destroy:\n%s", tail(out, 30))
	}
	check("terraform plan -destroy", tf.MustRun(cardNumberEnv, "plan", "-destroy", "-input=false", "-no-color"))
	check("terraform plan -destroy -target", tf.MustRun(cardNumberEnv, "plan", "-destroy", "-target=moka_dealer_customer.c", "-input=false", "-no-color"))
	// Left out of the configuration, card and all.
	tf.Config(providerBlock(srv) + cardNumberVariable)
	check("the customer left out of the configuration", tf.MustRun(cardNumberEnv, "plan", "-input=false", "-no-color"))
	if c, err := storedCustomer(srv, "DESTROY-1"); err != nil || c.DealerCustomerID != held.DealerCustomerID || len(srv.Cards()) != 2 {
		t.Errorf("the plans changed Moka: %v, %d cards", err, len(srv.Cards()))
	}
}

// TestAccReplaceCustomerWithCards: terraform apply -replace of a customer
// with a moka_card that refers to it by code. Without create_before_destroy
// the plan warns with the cards Moka removes with the customer and replaces
// the card too, so that one apply stores it again for the new customer and
// the next plan is empty. With create_before_destroy on the card (which
// Terraform applies to the customer), the apply stops at the new customer,
// whose code the old one still holds, with advice that is true and works:
// nothing is removed, and the two steps it gives replace the customer.
func TestAccReplaceCustomerWithCards(t *testing.T) {
	t.Parallel()
	t.Run("destroy_before_create", func(t *testing.T) {
		t.Parallel()
		tf := newTerraformDir(t)
		srv := accSandbox(t, sandbox.Options{})
		held := applyWithCheckoutCard(t, tf, srv, "REPLACE-1", customerWithCardHCL(srv, "REPLACE-1", ""))
		out := tf.MustRun(cardNumberEnv, "apply", "-auto-approve", "-input=false", "-no-color", "-replace=moka_dealer_customer.c")
		flat := flattened(out)
		for _, w := range []string{
			"Replacing a customer removes its cards from Moka",
			fmt.Sprintf("replaces customer %d (customer_code \"REPLACE-1\") under the same code", held.DealerCustomerID),
			"Moka holds 2 stored card(s) for it", "453144******3338 \"Checkout\"",
			"Resources: 2 added, 0 changed, 2 destroyed",
		} {
			if !strings.Contains(flat, w) {
				t.Errorf("apply -replace: no %q in\n%s", w, tail(out, 40))
			}
		}
		now, err := storedCustomer(srv, "REPLACE-1")
		if err != nil || now.DealerCustomerID == held.DealerCustomerID {
			t.Fatalf("customer after -replace: %+v, %v (was %d)", now, err, held.DealerCustomerID)
		}
		if cards := srv.Cards(); len(cards) != 1 || cards[0].DealerCustomerID != now.DealerCustomerID || cards[0].CardNumberLastFour != "3332" {
			t.Errorf("cards after -replace: %+v, want the configured card stored again for customer %d", cards, now.DealerCustomerID)
		}
		if code, out := tf.Run(cardNumberEnv, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
			t.Errorf("the plan after -replace is not empty (exit %d):\n%s", code, tail(out, 30))
		}
	})

	t.Run("create_before_destroy", func(t *testing.T) {
		t.Parallel()
		tf := newTerraformDir(t)
		srv := accSandbox(t, sandbox.Options{})
		held := applyWithCheckoutCard(t, tf, srv, "REPLACE-2", customerWithCardHCL(srv, "REPLACE-2", "lifecycle {\n    create_before_destroy = true\n  }"))
		code, out := tf.Run(cardNumberEnv, "apply", "-auto-approve", "-input=false", "-no-color", "-replace=moka_dealer_customer.c")
		flat := flattened(out)
		if code == 0 {
			t.Fatalf("apply -replace with create_before_destroy succeeded:\n%s", tail(out, 40))
		}
		for _, w := range []string{
			"create_before_destroy in effect", "Moka lets one customer hold a code at a time",
			"the old one is still in Moka with its cards", "may be gone", "terraform destroy -target=",
		} {
			if !strings.Contains(flat, w) {
				t.Errorf("apply -replace with create_before_destroy: no %q in\n%s", w, tail(out, 40))
			}
		}
		if now, err := storedCustomer(srv, "REPLACE-2"); err != nil || now.DealerCustomerID != held.DealerCustomerID || len(srv.Cards()) != 2 {
			t.Fatalf("the refused replacement changed Moka: %+v, %v, %d cards", now, err, len(srv.Cards()))
		}
		// The advice, followed, replaces the customer.
		tf.MustRun(cardNumberEnv, "destroy", "-auto-approve", "-input=false", "-no-color", "-target=moka_dealer_customer.c")
		tf.MustRun(cardNumberEnv, "apply", "-auto-approve", "-input=false", "-no-color")
		now, err := storedCustomer(srv, "REPLACE-2")
		if err != nil || now.DealerCustomerID == held.DealerCustomerID {
			t.Fatalf("customer after the two steps: %+v, %v (was %d)", now, err, held.DealerCustomerID)
		}
		if cards := srv.Cards(); len(cards) != 1 || cards[0].DealerCustomerID != now.DealerCustomerID {
			t.Errorf("cards after the two steps: %+v, want the configured card for customer %d", cards, now.DealerCustomerID)
		}
		if code, out := tf.Run(cardNumberEnv, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
			t.Errorf("the plan after the two steps is not empty (exit %d):\n%s", code, tail(out, 30))
		}
	})
}
