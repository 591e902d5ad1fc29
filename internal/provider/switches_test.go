package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// accUnderSwitches are the acceptance tests that TestAccUnderEverySwitch runs
// again under sandbox switches, each under the switches whose answers its
// calls meet. Together they make, change, read, import and remove every kind
// of object the provider manages, and every switch has at least one.
// --refuse-duplicate-card is the one switch the provider cannot support (a
// card replaced by an identical one); TestAccCard_duplicateRefused checks
// that its error is clear.
var accUnderSwitches = []struct {
	name  string
	run   func(*testing.T)
	under []string
}{
	{"DealerCustomer_lifecycle", TestAccDealerCustomer_lifecycle, []string{"codes-ignore-case", "update-clears-omitted", "forbid-code-reuse", "unset-as-null"}},
	{"DealerCustomer_writeOnlyPassword", TestAccDealerCustomer_writeOnlyPassword, []string{"update-clears-omitted"}},
	{"DealerCustomer_import", TestAccDealerCustomer_import, []string{"codes-ignore-case"}},
	{"Card_lifecycle", TestAccCard_lifecycle, []string{"keep-cards-on-remove-customer", "unset-as-null", "add-card-answers-all-cards", "skip-luhn-check", "skip-expiry-check"}},
	{"Card_createBeforeDestroy", TestAccCard_createBeforeDestroy, []string{"add-card-answers-all-cards"}},
	{"Card_duplicateRefused", TestAccCard_duplicateRefused, []string{"refuse-duplicate-card"}},
	{"CardName_renameAndRestore", TestAccCardName_renameAndRestore, []string{"update-card-own-codes", "unset-as-null"}},
	{"OtherMokas_lostCreates", TestAccOtherMokas_lostCreates, []string{"truncate-text", "upper-case-text", "lists-omit-fields", "update-keeps-empty", "update-clears-null",
		"update-card-refuses-empty-name", "birth-date-dotted", "birth-date-dotnet", "ex-text-in-exception", "unset-as-null", "add-card-answers-all-cards", "codes-ignore-case"}},
	{"DataSources_readWhatResourcesMade", TestAccDataSources_readWhatResourcesMade, []string{"unset-as-null", "extra-fields", "keep-cards-on-remove-customer"}},
}

// underEverySwitch is the name of the test that runs accUnderSwitches; its
// subtests are named <switch flag>/<test>.
const underEverySwitch = "TestAccUnderEverySwitch"

// TestAccUnderEverySwitch runs a representative part of the acceptance suite
// under each of the sandbox's switches: the other answers a real Moka may
// give where its documentation is silent. The provider must hold under each,
// or fail with a clear error. A test that runs here must start its sandbox
// with accSandbox, which turns the switch on.
func TestAccUnderEverySwitch(t *testing.T) {
	t.Parallel()
	for _, sw := range sandbox.Switches {
		t.Run(sw.Flag, func(t *testing.T) {
			t.Parallel()
			ran := 0
			for _, tt := range accUnderSwitches {
				if slices.Contains(tt.under, sw.Flag) {
					ran++
					t.Run(tt.name, tt.run)
				}
			}
			if ran == 0 {
				t.Errorf("no acceptance test runs under --%s", sw.Flag)
			}
		})
	}
	for _, tt := range accUnderSwitches {
		for _, flag := range tt.under {
			if _, ok := sandbox.SwitchByFlag(flag); !ok {
				t.Errorf("%s: no sandbox switch %q", tt.name, flag)
			}
		}
	}
}

// switchOfTest is the sandbox switch a test runs under: the one named by the
// first part of its name below TestAccUnderEverySwitch.
func switchOfTest(t *testing.T) (sandbox.Switch, bool) {
	rest, found := strings.CutPrefix(t.Name(), underEverySwitch+"/")
	if !found {
		return sandbox.Switch{}, false
	}
	flag, _, _ := strings.Cut(rest, "/")
	sw, ok := sandbox.SwitchByFlag(flag)
	if !ok {
		t.Fatalf("%s: no sandbox switch %q", t.Name(), flag)
	}
	return sw, true
}

// TestAccCard_duplicateRefused: on a Moka that refuses a card the customer has
// already (--refuse-duplicate-card), a moka_card for that card fails with
// Moka's refusal named, and nothing is stored or put in state.
func TestAccCard_duplicateRefused(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{DuplicateCardRefused: true})
	cust, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "CUST-DUP"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddCardDirect(cust.DealerCustomerID, "AYSE KAYA", cardTroy, "12", "2030", "saved at checkout"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(srv) + cardNumberVariable + fmt.Sprintf(`
resource "moka_card" "again" {
  dealer_customer_id    = %d
  card_holder_full_name = "AYSE KAYA"
  card_number_wo        = var.card_number
  exp_month             = "12"
  exp_year              = "2030"
}
`, cust.DealerCustomerID),
			ConfigVariables: cardVars(cardTroy),
			ExpectError:     words("DealerCustomer.AddCard.InvalidRequest: the customer has this card stored already"),
		}},
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Cards()); n != 1 {
				return fmt.Errorf("%d cards, want only the one stored before", n)
			}
			return nil
		},
	})
}
