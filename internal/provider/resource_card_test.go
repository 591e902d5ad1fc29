package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// opLog records, in order, the operations a sandbox answered, from its
// per-call log lines ("sandbox: AddCard -> Success").
type opLog struct {
	mu  sync.Mutex
	ops []string
}

var opLine = regexp.MustCompile(`^sandbox: ([A-Za-z]+) -> `)

func (l *opLog) logf(format string, args ...any) {
	if m := opLine.FindStringSubmatch(fmt.Sprintf(format, args...)); m != nil {
		l.mu.Lock()
		l.ops = append(l.ops, m[1])
		l.mu.Unlock()
	}
}

// since returns the operations from index from on, and the new length.
func (l *opLog) since(from int) ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ops[from:]...), len(l.ops)
}

// writes keeps the operations that change something.
func writes(ops []string) []string {
	var out []string
	for _, op := range ops {
		if strings.HasPrefix(op, "Add") || strings.HasPrefix(op, "Update") || strings.HasPrefix(op, "Remove") {
			out = append(out, op)
		}
	}
	return out
}

// secretFree is a state and plan check that fails when the JSON of the state
// or plan contains secret anywhere (attributes, outputs, variables, config).
type secretFree struct{ secret string }

func (c secretFree) find(what string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("marshal %s: %w", what, err)
	}
	if len(raw) < 50 {
		return fmt.Errorf("the %s is suspiciously small: %s", what, raw)
	}
	if strings.Contains(string(raw), c.secret) {
		return fmt.Errorf("the card number is in the %s", what)
	}
	return nil
}

func (c secretFree) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.find("state", req.State)
}

func (c secretFree) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.find("plan", req.Plan)
}

// stateWithout is a Check that scans every attribute and output of the
// plugin-testing state for secret.
func stateWithout(secret string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		seen := 0
		for _, m := range s.Modules {
			for name, r := range m.Resources {
				if r.Primary == nil {
					continue
				}
				for k, v := range r.Primary.Attributes {
					seen++
					if strings.Contains(v, secret) || strings.Contains(k, secret) {
						return fmt.Errorf("the card number is in state, %s.%s", name, k)
					}
				}
			}
			for name, o := range m.Outputs {
				if strings.Contains(fmt.Sprint(o.Value), secret) {
					return fmt.Errorf("the card number is in output %s", name)
				}
			}
		}
		if seen == 0 {
			return fmt.Errorf("the state has no attributes to scan")
		}
		return nil
	}
}

// noDigitRun matches text with no run of 12 or more digits (no card number).
const noDigitRun = `(?:[^0-9]|[0-9]{1,11}(?:[^0-9]|$))*`

// errorWithoutNumber matches an error that matches pattern and holds no run
// of 12 or more digits, so no card number, whatever its spelling.
// wrapped lets each space of pattern match any white space, as Terraform
// wraps long diagnostics.
func wrapped(pattern string) string {
	return strings.ReplaceAll(pattern, " ", `\s+`)
}

func errorWithoutNumber(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)^` + noDigitRun + `(?:` + pattern + `)` + noDigitRun + `$`)
}

func TestErrorWithoutNumber(t *testing.T) {
	re := errorWithoutNumber(`card expired`)
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Error: Cannot store Moka card\n\nFor customer_code \"CUST-1\": moka AddCard: DealerCustomer.AddCard.InvalidRequest: card expired 01/2020 (line 12)", true},
		{"card expired", true},
		{"no such thing", false},
		{"card expired for 5127541122223332", false},
		{"5127541122223332: card expired", false},
		{"card 512754112222 expired; card expired", false},
		{"card expired 51275411222", true},
	} {
		if got := re.MatchString(tc.text); got != tc.want {
			t.Errorf("%q: match %v, want %v", tc.text, got, tc.want)
		}
	}
}

// cardVars passes the card number the way a user should: an ephemeral,
// sensitive variable, which Terraform keeps out of the saved plan too.
func cardVars(number string) config.Variables {
	return config.Variables{"card_number": config.StringVariable(number)}
}

const cardNumberVariable = `
variable "card_number" {
  type      = string
  sensitive = true
  ephemeral = true
}
`

// cardConfig is one customer, Ayşe, and her card; attrs are the card's other
// attributes, card_number_wo aside.
func cardConfig(srv *sandbox.Server, code, attrs string) string {
	return providerBlock(srv) + cardNumberVariable + fmt.Sprintf(`
resource "moka_dealer_customer" "ayse" {
  customer_code = %q
  first_name    = "Ayşe"
  last_name     = "Kılıç"
  gender        = "female"
  email         = "ayse.kilic@example.com"
}

resource "moka_card" "bonus" {
  card_number_wo = var.card_number
%s
}
`, code, attrs)
}

func cardAttrs(holder, month, year, name string, version int, extra string) string {
	return fmt.Sprintf(`
  customer_code          = moka_dealer_customer.ayse.customer_code
  card_holder_full_name  = %q
  exp_month              = %q
  exp_year               = %q
  card_name              = %q
  card_number_wo_version = %d
%s`, holder, month, year, name, version, extra)
}

// onlyCard is the one card the sandbox holds.
func onlyCard(srv *sandbox.Server) (sandbox.Card, error) {
	cards := srv.Cards()
	if len(cards) != 1 {
		return sandbox.Card{}, fmt.Errorf("the sandbox holds %d cards, want exactly 1", len(cards))
	}
	return cards[0], nil
}

// tokenOf reads the card token of addr from state.
func tokenOf(s *terraform.State, addr string) (string, error) {
	r, ok := s.RootModule().Resources[addr]
	if !ok || r.Primary == nil {
		return "", fmt.Errorf("%s is not in state", addr)
	}
	return r.Primary.Attributes["card_token"], nil
}

// TestAccCard_lifecycle stores a card, renames it in place, replaces it for a
// new expiry and for a new number, imports it; the number is never in a plan
// or the state.
func TestAccCard_lifecycle(t *testing.T) {
	var log opLog
	srv := accSandbox(t, sandbox.Options{Logf: log.logf})
	const addr = "moka_card.bonus"
	const code = "CUST-0042"
	var tokens []string
	mark := 0
	stepWrites := func() []string {
		ops, n := log.since(mark)
		mark = n
		return writes(ops)
	}
	expectWrites := func(want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got := stepWrites()
			if strings.Join(got, ",") != strings.Join(want, ",") {
				return fmt.Errorf("the apply wrote %v, want %v", got, want)
			}
			return nil
		}
	}
	// newCard checks that the state's card is the sandbox's only card, that
	// it is not one seen before, and that it has the wanted details.
	newCard := func(holder, number, year, name string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			token, err := tokenOf(s, addr)
			if err != nil {
				return err
			}
			for _, old := range tokens {
				if old == token {
					return fmt.Errorf("card %s was kept, want a new card", token)
				}
			}
			tokens = append(tokens, token)
			c, err := onlyCard(srv)
			if err != nil {
				return err
			}
			if c.CardToken != token || c.CardHolderFullName != holder || c.CardNumberFirstSix != number[:6] ||
				c.CardNumberLastFour != number[12:] || c.ExpYear != year || c.CardName != name {
				return fmt.Errorf("the sandbox holds %+v, state says %s", c, token)
			}
			return nil
		}
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
				Config:          cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "12", "2030", "Bonus kartım", 1, "")),
				ConfigVariables: cardVars(cardAkbank),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("card_token")),
						secretFree{cardAkbank},
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bank_name"), knownvalue.StringExact("Akbank")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_first_six"), knownvalue.StringExact("512754")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_last_four"), knownvalue.StringExact("3332")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_holder_full_name"), knownvalue.StringExact("Ayşe Kılıç")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("exp_month"), knownvalue.StringExact("12")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("exp_year"), knownvalue.StringExact("2030")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_name"), knownvalue.StringExact("Bonus kartım")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customer_code"), knownvalue.StringExact(code)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("dealer_customer_id"), knownvalue.Int64Exact(1033)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_token"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), addr, tfjsonpath.New("card_token"), compare.ValuesSame()),
					secretFree{cardAkbank},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					stateWithout(cardAkbank),
					expectWrites("AddCustomer", "UpdateCustomer", "AddCard", "UpdateCard"), // claimed creates (internal/moka/create.go)
					newCard("Ayşe Kılıç", cardAkbank, "2030", "Bonus kartım"),
				),
			},
			{
				// Only the name changes: UpdateCard, same card.
				Config:          cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "12", "2030", "Maaş kartı", 1, "")),
				ConfigVariables: cardVars(cardAkbank),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_last_four"), knownvalue.StringExact("3332")),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("bank_name"), knownvalue.StringExact("Akbank")),
						secretFree{cardAkbank},
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_name"), knownvalue.StringExact("Maaş kartı")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectWrites("UpdateCard"),
					func(s *terraform.State) error {
						token, err := tokenOf(s, addr)
						if err != nil {
							return err
						}
						if token != tokens[len(tokens)-1] {
							return fmt.Errorf("renaming replaced the card: %s, was %s", token, tokens[len(tokens)-1])
						}
						return expectCardName(srv, token, "Maaş kartı")
					},
				),
			},
			{
				// A new expiry is a new card: the old one goes first, then the new one is stored.
				Config:          cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "11", "2031", "Maaş kartı", 1, "")),
				ConfigVariables: cardVars(cardAkbank),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("exp_month"), knownvalue.StringExact("11")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("exp_year"), knownvalue.StringExact("2031")),
					secretFree{cardAkbank},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectWrites("RemoveCard", "AddCard", "UpdateCard"),
					newCard("Ayşe Kılıç", cardAkbank, "2031", "Maaş kartı"),
				),
			},
			{
				// A new number, announced by a new version: a new card.
				Config:          cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "11", "2031", "Maaş kartı", 2, "")),
				ConfigVariables: cardVars(cardVisa),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
						secretFree{cardVisa},
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_first_six"), knownvalue.StringExact("453144")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_last_four"), knownvalue.StringExact("3338")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bank_name"), knownvalue.StringExact("TEST BANK")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_wo"), knownvalue.Null()),
					secretFree{cardVisa},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					stateWithout(cardVisa),
					expectWrites("RemoveCard", "AddCard", "UpdateCard"),
					newCard("Ayşe Kılıç", cardVisa, "2031", "Maaş kartı"),
				),
			},
			{
				// A new number without a new version is not seen: nothing to do.
				Config:          cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "11", "2031", "Maaş kartı", 2, "")),
				ConfigVariables: cardVars(cardTroy),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectWrites(),
			},
			{
				Config:                  cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "11", "2031", "Maaş kartı", 2, "")),
				ConfigVariables:         cardVars(cardVisa),
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"card_number_wo_version"},
			},
			{
				Config:          cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "11", "2031", "Maaş kartı", 2, "")),
				ConfigVariables: cardVars(cardVisa),
				ResourceName:    addr,
				ImportState:     true,
				ImportStateId:   " ",
				ExpectError:     words(`Import a card by its card token`),
			},
			{
				Config:          cardConfig(srv, code, cardAttrs("Ayşe Kılıç", "11", "2031", "Maaş kartı", 2, "")),
				ConfigVariables: cardVars(cardVisa),
				ResourceName:    addr,
				ImportState:     true,
				ImportStateId:   "{}",
				ExpectError:     words(`Invalid import ID`),
			},
		},
	})
}

// TestAccCard_createBeforeDestroy: with create_before_destroy a replacement
// stores the new card before it removes the old one, and leaves one card. The
// customer is given by dealer_customer_id here.
func TestAccCard_createBeforeDestroy(t *testing.T) {
	var log opLog
	srv := accSandbox(t, sandbox.Options{Logf: log.logf})
	cust, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "CUST-0077", FirstName: "Mehmet", LastName: "Öztürk"})
	if err != nil {
		t.Fatal(err)
	}
	const addr = "moka_card.bonus"
	hcl := func(holder, extra string) string {
		return providerBlock(srv) + cardNumberVariable + fmt.Sprintf(`
resource "moka_card" "bonus" {
  dealer_customer_id    = %d
  card_holder_full_name = %q
  card_number_wo        = var.card_number
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = "Troy kartım"
%s
  lifecycle {
    create_before_destroy = true
  }
}
`, cust.DealerCustomerID, holder, extra)
	}
	var first string
	mark := 0

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
				Config:          hcl("MEHMET OZTURK", ""),
				ConfigVariables: cardVars(cardTroy),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("customer_code"), knownvalue.StringExact("CUST-0077")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("dealer_customer_id"), knownvalue.Int64Exact(cust.DealerCustomerID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("bank_name"), knownvalue.StringExact("Troy Test Bank")),
				},
				Check: func(s *terraform.State) error {
					_, mark = log.since(0)
					var err error
					first, err = tokenOf(s, addr)
					return err
				},
			},
			{
				Config:          hcl("Mehmet Öztürk", ""),
				ConfigVariables: cardVars(cardTroy),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreateBeforeDestroy)},
				},
				Check: func(s *terraform.State) error {
					var ops []string
					ops, mark = log.since(mark)
					if got := strings.Join(writes(ops), ","); got != "AddCard,UpdateCard,RemoveCard" {
						return fmt.Errorf("the replacement wrote %s, want AddCard,UpdateCard,RemoveCard", got)
					}
					token, err := tokenOf(s, addr)
					if err != nil {
						return err
					}
					c, err := onlyCard(srv)
					if err != nil {
						return err
					}
					if token == first || c.CardToken != token || c.CardHolderFullName != "Mehmet Öztürk" {
						return fmt.Errorf("state has card %s (was %s), the sandbox %+v", token, first, c)
					}
					return nil
				},
			},
			{
				// Timeouts and a first card_number_wo_version are Terraform's
				// business only: an update that calls nothing.
				Config:          hcl("Mehmet Öztürk", "  card_number_wo_version = 1\n  timeouts {\n    create = \"2m\"\n  }\n"),
				ConfigVariables: cardVars(cardTroy),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_number_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("2m")),
				},
				Check: func(s *terraform.State) error {
					ops, n := log.since(mark)
					mark = n
					if w := writes(ops); len(w) != 0 {
						return fmt.Errorf("the update wrote %v, want nothing", w)
					}
					_, err := onlyCard(srv)
					return err
				},
			},
			{
				// A card removed in Moka's panel is dropped from state on
				// refresh (with a warning) and stored again by the apply.
				PreConfig: func() {
					c, err := onlyCard(srv)
					if err != nil || !srv.DeleteCard(c.CardToken) {
						t.Fatalf("removing the card behind Terraform's back: %v", err)
					}
					first = c.CardToken
				},
				Config:          hcl("Mehmet Öztürk", "  card_number_wo_version = 1\n"),
				ConfigVariables: cardVars(cardTroy),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				Check: func(s *terraform.State) error {
					token, err := tokenOf(s, addr)
					if err != nil {
						return err
					}
					c, err := onlyCard(srv)
					if err != nil {
						return err
					}
					if token == first || c.CardToken != token || c.CardNumberLastFour != "3337" {
						return fmt.Errorf("state has card %s (removed: %s), the sandbox %+v", token, first, c)
					}
					return nil
				},
			},
		},
	})
}

// TestAccCard_customerReplaced: a card whose customer is replaced is replaced
// too, whether it names the customer by customer_code or by dealer_customer_id.
func TestAccCard_customerReplaced(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	hcl := func(code string) string {
		return providerBlock(srv) + cardNumberVariable + fmt.Sprintf(`
resource "moka_dealer_customer" "elif" {
  customer_code = %q
  first_name    = "Elif"
  last_name     = "Yetimoğlu"
}

resource "moka_card" "by_code" {
  customer_code         = moka_dealer_customer.elif.customer_code
  card_holder_full_name = "Elif Yetimoğlu"
  card_number_wo        = var.card_number
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = "Bonus kartım"
}

resource "moka_card" "by_id" {
  dealer_customer_id    = moka_dealer_customer.elif.dealer_customer_id
  card_holder_full_name = "Elif Yetimoğlu"
  card_number_wo        = var.card_number
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = "World kartım"
}
`, code)
	}
	before := map[string]string{}
	// cardsOf checks that both cards in state belong to the customer in state,
	// are the sandbox's only cards, and differ from those seen before.
	cardsOf := func(code string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			cust := s.RootModule().Resources["moka_dealer_customer.elif"]
			if cust == nil {
				return fmt.Errorf("no customer in state")
			}
			if n := len(srv.Cards()); n != 2 {
				return fmt.Errorf("the sandbox holds %d cards, want 2", n)
			}
			for _, name := range []string{"moka_card.by_code", "moka_card.by_id"} {
				token, err := tokenOf(s, name)
				if err != nil {
					return err
				}
				if token == before[name] {
					return fmt.Errorf("%s kept card %s", name, token)
				}
				before[name] = token
				c, ok := sandboxCard(srv, token)
				if !ok {
					return fmt.Errorf("%s: card %s is not in the sandbox", name, token)
				}
				if fmt.Sprint(c.DealerCustomerID) != cust.Primary.Attributes["dealer_customer_id"] {
					return fmt.Errorf("%s: card %s belongs to customer %d, state's customer is %s", name, token, c.DealerCustomerID, cust.Primary.Attributes["dealer_customer_id"])
				}
				if a := s.RootModule().Resources[name].Primary.Attributes; a["customer_code"] != code || a["dealer_customer_id"] != cust.Primary.Attributes["dealer_customer_id"] {
					return fmt.Errorf("%s names customer %s/%s, want %s", name, a["customer_code"], a["dealer_customer_id"], code)
				}
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Cards()) + len(srv.Customers()); n != 0 {
				return fmt.Errorf("%d customers and cards left after destroy", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:          hcl("CUST-0100"),
				ConfigVariables: cardVars(cardVisa),
				Check:           cardsOf("CUST-0100"),
			},
			{
				Config:          hcl("CUST-0101"),
				ConfigVariables: cardVars(cardVisa),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("moka_dealer_customer.elif", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction("moka_card.by_code", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction("moka_card.by_id", plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				Check: cardsOf("CUST-0101"),
			},
		},
	})
}

// TestAccCard_refused: what the plan refuses (the customer not given, or
// given twice as two customers, a mistyped number, an unreal month or year, too long a text) and
// what Moka refuses at apply (an unknown customer, an expired card). No error
// holds the card number.
func TestAccCard_refused(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	_, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "CUST-0200", FirstName: "Zeynep", LastName: "Şahin"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "CUST-0201"})
	if err != nil {
		t.Fatal(err)
	}
	hcl := func(customer, holder, month, year, name string) string {
		return providerBlock(srv) + cardNumberVariable + fmt.Sprintf(`
resource "moka_card" "bonus" {
%s
  card_holder_full_name = %q
  card_number_wo        = var.card_number
  exp_month             = %q
  exp_year              = %q
  card_name             = %q
}
`, customer, holder, month, year, name)
	}
	byCode := `  customer_code = "CUST-0200"`
	good := func(number string) resource.TestStep {
		return resource.TestStep{
			Config: hcl(byCode, "Zeynep Şahin", "12", "2030", "Bonus"), ConfigVariables: cardVars(number),
		}
	}
	refused := func(step resource.TestStep, pattern string) resource.TestStep {
		step.ExpectError = errorWithoutNumber(pattern)
		return step
	}
	with := func(customer, holder, month, year, name, number string) resource.TestStep {
		return resource.TestStep{Config: hcl(customer, holder, month, year, name), ConfigVariables: cardVars(number)}
	}
	luhnless := cardAkbank[:15] + "3" // the last digit mistyped
	const atLeastOneCustomer = `At least one of these attributes must be configured:\s+\[customer_code,dealer_customer_id\]`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := calls(srv)["AddCard"]; n != 2 {
				return fmt.Errorf("AddCard was called %d times, want 2 (the two refused at apply)", n)
			}
			if n := len(srv.Cards()); n != 0 {
				return fmt.Errorf("the sandbox stored %d cards", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			refused(with(byCode+"\n  dealer_customer_id = "+fmt.Sprint(other.DealerCustomerID), "Zeynep Şahin", "12", "2030", "Bonus", cardAkbank),
				wrapped(fmt.Sprintf(`customer_code and dealer_customer_id name different customers.*dealer_customer_id %d is the customer with customer_code "CUST-0201" in Moka, and customer_code "CUST-0200" is dealer_customer_id`, other.DealerCustomerID))),
			// A trailing blank makes another code on a Moka that compares codes
			// exactly (the sandbox's default): the code names no customer.
			refused(with(`  customer_code = "CUST-0201 "`+"\n  dealer_customer_id = "+fmt.Sprint(other.DealerCustomerID), "Zeynep Şahin", "12", "2030", "Bonus", cardAkbank),
				wrapped(`customer_code and dealer_customer_id name different customers.*customer_code "CUST-0201 " names no customer in Moka`)),
			refused(with(byCode+"\n  dealer_customer_id = "+fmt.Sprint(other.DealerCustomerID+1000), "Zeynep Şahin", "12", "2030", "Bonus", cardAkbank),
				wrapped(fmt.Sprintf(`No such Moka customer.*dealer_customer_id %d`, other.DealerCustomerID+1000))),
			refused(with("", "Zeynep Şahin", "12", "2030", "Bonus", cardAkbank),
				atLeastOneCustomer),
			refused(good(luhnless), `card_number_wo fails the Luhn check`),
			refused(good("5127 5411 2222 3332"), `card_number_wo must contain digits only`),
			refused(good("5127-5411-2222-3332"), `card_number_wo must contain digits only`),
			refused(with(byCode, "Zeynep Şahin", "13", "2030", "Bonus", cardAkbank), `exp_month must be a month as two digits`),
			refused(with(byCode, "Zeynep Şahin", "6", "2030", "Bonus", cardAkbank), `exp_month must be a month as two digits`),
			refused(with(byCode, "Zeynep Şahin", "12", "30", "Bonus", cardAkbank), `exp_year must be a year as four digits`),
			refused(with(byCode, "Zeynep Şahin", "12", "2030", strings.Repeat("ı", 51), cardAkbank), wrapped(`card_name UTF-8 character count must be at most 50, got: 51`)),
			refused(with(byCode, strings.Repeat("Ö", 101), "12", "2030", "Bonus", cardAkbank), wrapped(`card_holder_full_name UTF-8 character count must be at most 100, got: 101`)),
			refused(with("  dealer_customer_id = 0", "Zeynep Şahin", "12", "2030", "Bonus", cardAkbank), `dealer_customer_id value must be at least 1`),
			refused(with(byCode+"\n  timeouts {\n    create = \"0s\"\n  }", "Zeynep Şahin", "12", "2030", "Bonus", cardAkbank),
				`timeouts.create must be a positive duration`),
			refused(with(`  customer_code = "CUST-YOK"`, "Zeynep Şahin", "12", "2030", "Bonus", cardAkbank),
				`Moka customer not found.*customer_code "CUST-YOK"`),
			refused(with(byCode, "Zeynep Şahin", "12", "2020", "Bonus", cardAkbank), `Card has expired.*end of 12/2020`),
			{
				// Fifty and a hundred characters fit, counted as characters.
				Config:          hcl(byCode, strings.Repeat("Ö", 100), "12", "2030", strings.Repeat("ı", 50)),
				ConfigVariables: cardVars(cardAkbank),
				PlanOnly:        true, ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestCardSchema_numberIsWriteOnly: the card number is write-only (kept out
// of plan and state by Terraform itself), and nothing else in moka_card can
// hold it. It is optional in the schema, so that an imported card needs no
// number, and required by ModifyPlan for a card to be stored.
func TestCardSchema_numberIsWriteOnly(t *testing.T) {
	var resp fwresource.SchemaResponse
	NewCardResource().Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	for name, a := range resp.Schema.Attributes {
		switch {
		case name == "card_number_wo":
			if !a.IsWriteOnly() || !a.IsOptional() {
				t.Errorf("card_number_wo: write-only %v, optional %v; want both", a.IsWriteOnly(), a.IsOptional())
			}
		case a.IsWriteOnly():
			t.Errorf("%s is write-only too", name)
		}
	}
	if _, ok := resp.Schema.Attributes["card_number"]; ok {
		t.Error("moka_card has a card_number attribute, which would be kept in state")
	}
}

// TestAccCard_emptyName: card_name = "" manages the card as having no name
// (a name given later in Moka is planned away), while leaving card_name out
// leaves the name to others (a name given later is kept). Both converge.
func TestAccCard_emptyName(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	const addr = "moka_card.bonus"
	rename := func(name string) func() {
		return func() {
			c, err := onlyCard(srv)
			if err != nil {
				t.Fatal(err)
			}
			srv.RenameCard(c.CardToken, name)
		}
	}
	named := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			c, err := onlyCard(srv)
			if err != nil {
				return err
			}
			if c.CardName != want {
				return fmt.Errorf("Moka names the card %q, want %q", c.CardName, want)
			}
			return nil
		}
	}
	emptyName := cardConfig(srv, "CUST-EMPTY", cardAttrs("Ayşe Kılıç", "12", "2030", "", 1, ""))
	unset := cardConfig(srv, "CUST-EMPTY", strings.Replace(cardAttrs("Ayşe Kılıç", "12", "2030", "", 1, ""), `card_name              = ""`, "", 1))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:            emptyName,
				ConfigVariables:   cardVars(cardAkbank),
				Check:             named(""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("card_name"), knownvalue.StringExact(""))},
			},
			{
				PreConfig:       rename("Renamed in Moka"),
				Config:          emptyName,
				ConfigVariables: cardVars(cardAkbank),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: named(""),
			},
			{
				PreConfig:       rename("Given later"),
				Config:          unset,
				ConfigVariables: cardVars(cardAkbank),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: named("Given later"),
			},
		},
	})
}
