package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// firstAnswersLost serves srv on its own port and loses the answer of the
// first call of each named operation: carried out, then the connection closed.
func firstAnswersLost(t *testing.T, srv *sandbox.Server, ops ...string) string {
	t.Helper()
	var mu sync.Mutex
	lost := map[string]bool{}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := path.Base(r.URL.Path)
		mu.Lock()
		lose := !lost[op] && slices.Contains(ops, op)
		lost[op] = lost[op] || lose
		mu.Unlock()
		if !lose {
			srv.ServeHTTP(w, r)
			return
		}
		carryOutAndDrop(srv, w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// TestAccOtherMokas_lostCreates: customers and cards, with and without the
// text their claims could go in, whose first AddCustomer and AddCard answers
// are lost. Under every switch it runs under (TestAccUnderEverySwitch), the
// apply ends with exactly the configured objects, none carrying a create's
// mark unless that Moka cannot empty a field (then warned about, and read as
// empty), and the plan after it is empty.
func TestAccOtherMokas_lostCreates(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	url := firstAnswersLost(t, srv, "AddCustomer", "AddCard")
	config := providerAt(url, "max_retries = 3") + `
resource "moka_dealer_customer" "named" {
  customer_code = "OM-NAMED"
  first_name    = "Ayşe"
  last_name     = "Kaya"
  birth_date    = "1992-04-23"
  address       = "Moda Cd. 1, Kadıköy"
}

resource "moka_dealer_customer" "bare" {
  customer_code = "OM-BARE"
  email         = "bare@example.com"
}

resource "moka_card" "named" {
  customer_code         = moka_dealer_customer.named.customer_code
  card_holder_full_name = "Ayşe Kaya"
  card_number_wo        = "` + cardAkbank + `"
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = "Bonus kartım"
}

resource "moka_card" "unnamed" {
  customer_code         = moka_dealer_customer.named.customer_code
  card_holder_full_name = "Ayşe Kaya"
  card_number_wo        = "` + cardTroy + `"
  exp_month             = "12"
  exp_year              = "2030"
}
`
	var opts sandbox.Options // what accSandbox turned on
	if sw, ok := switchOfTest(t); ok {
		sw.Enable(&opts)
	}
	keepsEmpty := opts.UpdateKeepsEmpty && !opts.UpdateClearsNull && !opts.UpdateClearsOmitted
	check := func(*terraform.State) error {
		customers, cards := srv.Customers(), srv.Cards()
		if len(customers) != 2 || len(cards) != 2 {
			return fmt.Errorf("the sandbox holds %d customers and %d cards, want 2 and 2", len(customers), len(cards))
		}
		for _, c := range customers {
			claim := moka.CustomerClaim(moka.Customer{Address: c.Address, FirstName: c.FirstName, LastName: c.LastName})
			if claim != "" && !(keepsEmpty && c.CustomerCode == "OM-BARE") {
				return fmt.Errorf("customer %s carries a create's mark: %+v", c.CustomerCode, c)
			}
		}
		for _, c := range cards {
			if moka.IsClaim(c.CardName) && !(opts.UpdateCardRefusesEmptyName && c.CardNumberLastFour == cardTroy[12:]) {
				return fmt.Errorf("card %s carries a create's mark as its name %q", c.CardToken, c.CardName)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: check,
			},
			{
				Config:   config,
				PlanOnly: true,
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(srv.Customers()); n != 0 {
				return fmt.Errorf("%d customers left after destroy", n)
			}
			return nil
		},
	})
}

// TestAccOtherMokas_fieldsNotEmptied: on a Moka that keeps a field sent
// empty, as "" and as null (--update-keeps-empty), removing an address from
// the configuration fails at apply with the reason, state says what Moka
// holds (no "inconsistent result"), the next apply refuses the same change
// before calling Moka, putting the address back plans nothing, and a destroy
// with the address removed is not blocked.
func TestAccOtherMokas_fieldsNotEmptied(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{UpdateKeepsEmpty: true})
	var updates int
	with := customerConfig(srv, `
  customer_code = "KE-1"
  first_name    = "Ayşe"
  address       = "Moda Cd. 1"
`)
	without := customerConfig(srv, `
  customer_code = "KE-1"
  first_name    = "Ayşe"
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: with},
			{Config: without, ExpectError: words("this Moka keeps address when UpdateCustomer sends a field empty")},
			{
				PreConfig: func() {
					if got := srv.Customers(); len(got) != 1 || got[0].Address != "Moda Cd. 1" {
						t.Errorf("the sandbox holds %+v", got)
					}
					updates = srv.Stats().Calls["UpdateCustomer"]
				},
				Config: without, ExpectError: words("until then an apply refuses to empty it before calling Moka"),
			},
			{
				PreConfig: func() {
					if n := srv.Stats().Calls["UpdateCustomer"]; n != updates {
						t.Errorf("%d UpdateCustomer calls by the refused apply", n-updates)
					}
				},
				Config: with,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// The plan's warning does not block a destroy (its refresh is a plan too).
			{Config: without, Destroy: true},
		},
	})
}

// staleUpdates serves srv on its own port as a Moka whose UpdateCustomer and
// UpdateCard answer with the object as it was before the change (the change
// itself is made).
func staleUpdates(t *testing.T, srv *sandbox.Server) string {
	t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		read := map[string]string{"UpdateCustomer": "GetCustomer", "UpdateCard": "GetCard"}[path.Base(r.URL.Path)]
		if read == "" {
			srv.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		var req map[string]map[string]any
		if err := json.Unmarshal(body, &req); err != nil {
			panic(http.ErrAbortHandler)
		}
		ask := map[string]any{}
		for _, k := range []string{"DealerCustomerId", "CardToken"} {
			if v, ok := req["DealerCustomerRequest"][k]; ok {
				ask[k] = v
			}
		}
		readBody, _ := json.Marshal(map[string]any{"DealerCustomerAuthentication": req["DealerCustomerAuthentication"], "DealerCustomerRequest": ask})
		before := httptest.NewRecorder()
		srv.ServeHTTP(before, httptest.NewRequest(http.MethodPost, "/DealerCustomer/"+read, bytes.NewReader(readBody)))
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, r.URL.Path, bytes.NewReader(body)))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(before.Body.Bytes())
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// TestAccOtherMokas_textAndAnswers: Mokas that store text otherwise or answer
// an update with what was there before. A value cut short is kept as
// configured at create, with a warning, and refused by the next plan until it
// fits; a holder's name in capitals (Turkish ı included) is the same name; a
// stale answer to the finishing write is checked against what Moka holds.
// Never "inconsistent result", never a replacement.
func TestAccOtherMokas_textAndAnswers(t *testing.T) {
	long := "Caferağa Mah. Moda Cad. No:14, Kadıköy, İstanbul"
	config := func(url, address, cardName string) string {
		return providerAt(url) + fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  customer_code = "TX-1"
  first_name    = "Ilgın"
  address       = %q
}

resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "ılgın İnce"
  card_number_wo        = %q
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = %q
}
`, address, cardAkbank, cardName)
	}
	t.Run("truncate-text and upper-case-text", func(t *testing.T) {
		srv := accSandbox(t, sandbox.Options{TruncateText: true, UpperCaseText: true})
		short := string([]rune(long)[:40])
		var updates int
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{
				// The apply warns; the plan right after it shows Moka's cut
				// value and warns; the next apply refuses it without calling
				// Moka; the value shortened converges; a destroy whose refresh
				// plans the long value again is not blocked.
				{Config: config(srv.URL(), long, "Bonus kartım"), ExpectNonEmptyPlan: true},
				{
					PreConfig:   func() { updates = srv.Stats().Calls["UpdateCustomer"] },
					Config:      config(srv.URL(), long, "Bonus kartım"),
					ExpectError: words("Shorten it to 40 characters: until then an apply refuses it before calling Moka"),
				},
				{
					PreConfig: func() {
						if n := srv.Stats().Calls["UpdateCustomer"]; n != updates {
							t.Errorf("%d UpdateCustomer calls by the refused apply", n-updates)
						}
					},
					Config: config(srv.URL(), short, "Bonus kartım"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("moka_dealer_customer.c", plancheck.ResourceActionUpdate)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
				{Config: config(srv.URL(), long, "Bonus kartım"), Destroy: true},
			},
		})
		if n := srv.Stats().Calls["RemoveCustomer"] + srv.Stats().Calls["RemoveCard"]; n != 2 {
			t.Errorf("%d removals, want the destroy's 2: something was replaced", n)
		}
	})
	t.Run("stale answers to updates", func(t *testing.T) {
		srv := accSandbox(t, sandbox.Options{})
		url := staleUpdates(t, srv)
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: config(url, long, "Bonus kartım"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
				{
					Config: config(url, "Moda Cd. 2", "Maaş kartım"),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				},
			},
		})
	})
}
