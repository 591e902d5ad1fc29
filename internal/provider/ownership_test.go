package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// Ownership and convergence after lost answers, tried the way a user meets
// them: real Terraform, the sandbox's own fault injection, and every verdict
// taken from the sandbox's data (ids, card lists), not from state alone.
//
//  1. a customer that existed before the apply is never adopted, whatever
//     the fault;
//  2. two states creating the same codes at once never own the same customer;
//  3. and 4. an apply cut short by lost answers converges on the next one
//     without replacing the customer, with or without create_before_destroy,
//     keeping the cards an application stored meanwhile, in every sandbox mode.

// ownedIDs is the dealer_customer_id of every customer in the state, by code.
func ownedIDs(t *testing.T, tf *testsupport.WorkDir) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, r := range tf.State() {
		if r.Type != "moka_dealer_customer" {
			continue
		}
		code, _ := r.Values["customer_code"].(string)
		id, ok := r.Values["dealer_customer_id"].(float64)
		if !ok {
			t.Errorf("%s has no dealer_customer_id in state (an unsettled record after a refresh)", r.Address)
			continue
		}
		out[code] = int64(id)
	}
	return out
}

// plannedActions is every resource change of a saved plan, as "address: actions".
func plannedActions(t *testing.T, tf *testsupport.WorkDir, extraEnv []string) []string {
	t.Helper()
	var actions []string
	for _, rc := range tf.SavedPlan(extraEnv).ResourceChanges {
		if rc.Change.Actions.NoOp() || rc.Change.Actions.Read() {
			continue
		}
		var names []string
		for _, a := range rc.Change.Actions {
			names = append(names, string(a))
		}
		actions = append(actions, rc.Address+": "+strings.Join(names, ","))
	}
	return actions
}

// TestAccOwnership_preexistingNeverAdopted: 20 customers made by another
// client, and a configuration with the same codes and the same first names,
// applied while half of all calls fail with an HTML 503. Not one of them may
// end in state, and every one must be left exactly as it was.
func TestAccOwnership_preexistingNeverAdopted(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	for _, kinds := range [][]sandbox.FaultKind{
		{sandbox.FaultHTML503},
		{sandbox.FaultLostReply},
		{sandbox.FaultReset},
		{sandbox.FaultEX},
		sandbox.AllFaultKinds,
	} {
		t.Run(joinFaultKinds(kinds), func(t *testing.T) {
			t.Parallel()
			dir := tf.Sibling(t)
			srv := accSandbox(t, sandbox.Options{FaultKinds: kinds, Seed: 11, TimeoutHang: time.Second})
			for i := range 20 {
				if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: fmt.Sprintf("PRE-%d", i), FirstName: "Önceki"}); err != nil {
					t.Fatal(err)
				}
			}
			before := srv.Customers()
			dir.Config(providerAt(srv.URL(), `request_timeout = "2s"`, "max_retries = 8") + `
resource "moka_dealer_customer" "c" {
  count         = 20
  customer_code = "PRE-${count.index}"
  first_name    = "Önceki"
}
`)
			srv.SetFaultRate(0.5)
			code, out := dir.Run(nil, "apply", "-auto-approve", "-input=false", "-parallelism=20")
			srv.SetFaultRate(0)
			if code == 0 {
				t.Fatalf("apply succeeded over 20 customers that existed before:\n%s", tail(out, 40))
			}
			if n := strings.Count(out, "Customer code already in use"); n != 20 {
				t.Errorf("%d conflict errors, want 20:\n%s", n, tail(out, 60))
			}
			if strings.Contains(out, "Creation complete") {
				t.Errorf("a create completed:\n%s", tail(out, 60))
			}
			if owned := ownedIDs(t, dir); len(owned) != 0 {
				t.Errorf("state owns %v, customers it never made", owned)
			}
			if after := srv.Customers(); !slices.Equal(after, before) {
				t.Errorf("the sandbox's customers changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

func joinFaultKinds(kinds []sandbox.FaultKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ",")
}

// TestAccOwnership_racingStates: two states with the same 30 codes applied at
// once through lost answers, resets and 503s. Each customer ends in at most
// one state (the other gets the conflict error), each state's ids are Moka's,
// and destroying one state leaves the other's customers alone.
func TestAccOwnership_racingStates(t *testing.T) {
	t.Parallel()
	a := newTerraformDir(t)
	b := a.Sibling(t)
	srv := accSandbox(t, sandbox.Options{
		FaultKinds: []sandbox.FaultKind{sandbox.FaultLostReply, sandbox.FaultReset, sandbox.FaultHTML503},
		Latency:    100 * time.Millisecond, Seed: 12,
	})
	config := providerAt(srv.URL(), `request_timeout = "2s"`, "max_retries = 6") + `
resource "moka_dealer_customer" "c" {
  count         = 30
  customer_code = "RACE-${count.index}"
  first_name    = "Yarış"
}
`
	a.Config(config)
	b.Config(config)
	srv.SetFaultRate(0.3)
	var wg sync.WaitGroup
	outs := make([]string, 2)
	for i, tf := range []*testsupport.WorkDir{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, outs[i] = tf.Run(nil, "apply", "-auto-approve", "-input=false", "-parallelism=50")
		}()
	}
	wg.Wait()
	srv.SetFaultRate(0)
	// A refresh settles any record a create could not settle itself.
	for _, tf := range []*testsupport.WorkDir{a, b} {
		tf.MustRun(nil, "apply", "-refresh-only", "-auto-approve", "-input=false")
	}
	ownedA, ownedB := ownedIDs(t, a), ownedIDs(t, b)
	inMoka := map[int64]string{}
	for _, c := range srv.Customers() {
		inMoka[c.DealerCustomerID] = c.CustomerCode
		if strings.HasPrefix(c.Address, "terraform-provider-moka create") && !slices.Contains(slices.Collect(maps.Values(ownedA)), c.DealerCustomerID) &&
			!slices.Contains(slices.Collect(maps.Values(ownedB)), c.DealerCustomerID) {
			t.Errorf("customer %d (%s) still carries a create's claim and no state owns it", c.DealerCustomerID, c.CustomerCode)
		}
	}
	if len(inMoka) != 30 {
		t.Errorf("%d customers in the sandbox, want 30", len(inMoka))
	}
	for code, id := range ownedA {
		if idB, both := ownedB[code]; both {
			t.Errorf("%s is in both states (ids %d and %d)", code, id, idB)
		}
	}
	for _, owned := range []map[string]int64{ownedA, ownedB} {
		for code, id := range owned {
			if inMoka[id] != code {
				t.Errorf("state says %s is customer %d; the sandbox has %q there", code, id, inMoka[id])
			}
		}
	}
	if len(ownedA)+len(ownedB) != 30 {
		t.Errorf("the states own %d and %d customers, %d in all, want the 30 Moka holds\nA:\n%s\nB:\n%s",
			len(ownedA), len(ownedB), len(ownedA)+len(ownedB), tail(outs[0], 30), tail(outs[1], 30))
	}
	t.Logf("state A owns %d customers, state B %d", len(ownedA), len(ownedB))
	// Destroying one state must not touch what the other owns.
	a.MustRun(nil, "destroy", "-auto-approve", "-input=false")
	for _, c := range srv.Customers() {
		if _, ok := ownedA[c.CustomerCode]; ok && ownedA[c.CustomerCode] == c.DealerCustomerID {
			t.Errorf("customer %d of destroyed state A is still there", c.DealerCustomerID)
		}
	}
	// B may now create the customers it lost the race for, but must not touch
	// the ones it owns.
	for _, action := range plannedActions(t, b, nil) {
		for code := range ownedB {
			if strings.HasPrefix(action, fmt.Sprintf("moka_dealer_customer.c[%s]:", strings.TrimPrefix(code, "RACE-"))) {
				t.Errorf("after destroying A, B plans %s for its own %s", action, code)
			}
		}
	}
	if got := ownedIDs(t, b); !maps.Equal(got, ownedB) {
		t.Errorf("B's state changed after A's destroy: %v, was %v", got, ownedB)
	}
}

// TestAccOwnership_lostCreateConverges: every answer is lost after its write
// and the client may not retry, so the create of a customer (and of what
// depends on it) cannot be settled. The next apply, with Moka answering again,
// must keep that very customer (no replacement, no untaint), keep a card that
// an application stored for it in between, and then plan nothing, with and
// without create_before_destroy, in every sandbox mode that matters.
func TestAccOwnership_lostCreateConverges(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	withCard := tf.Version().AtLeast(1, 11)
	for _, tt := range []struct {
		name string
		cbd  bool
		opts sandbox.Options
	}{
		{name: "create_before_destroy", cbd: true},
		{name: "plain", cbd: false},
		{name: "create_before_destroy, code reuse forbidden", cbd: true, opts: sandbox.Options{ForbidCodeReuse: true}},
		{name: "plain, code reuse forbidden", cbd: false, opts: sandbox.Options{ForbidCodeReuse: true}},
		{name: "plain, cards kept on remove", cbd: false, opts: sandbox.Options{KeepCardsOnRemoveCustomer: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := tf.Sibling(t)
			tt.opts.FaultKinds = []sandbox.FaultKind{sandbox.FaultLostReply}
			tt.opts.Seed = 13
			srv := accSandbox(t, tt.opts)
			lifecycle := ""
			if tt.cbd {
				lifecycle = "lifecycle {\n    create_before_destroy = true\n  }"
			}
			config := providerAt(srv.URL(), `request_timeout = "2s"`) + fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  customer_code = "LOST-1"
  first_name    = "Kayıp"
  address       = "Moda Cd. 1"
}

resource "terraform_data" "uses" {
  input = moka_dealer_customer.c.dealer_customer_id
  %s
}
`, lifecycle)
			if withCard {
				config += fmt.Sprintf(`
resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "Kayıp Kart"
  card_number_wo        = "5127541122223332"
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = "Kayıp"
  %s
}
`, lifecycle)
			}
			dir.Config(config)
			noRetries := []string{"MOKA_MAX_RETRIES=0"}
			srv.SetFaultRate(1)
			code, out := dir.Run(noRetries, "apply", "-auto-approve", "-input=false")
			srv.SetFaultRate(0)
			t.Logf("first apply (exit %d):\n%s", code, tail(out, 60))
			if !strings.Contains(out, "may exist: not confirmed") {
				t.Errorf("the first apply did not record the unconfirmed create:\n%s", tail(out, 40))
			}
			customers := srv.Customers()
			if len(customers) != 1 {
				t.Fatalf("the lost create left %d customers in the sandbox, want the 1 it stored", len(customers))
			}
			made := customers[0]
			// The application stores a card for the customer in between.
			appCard, err := srv.AddCardDirect(made.DealerCustomerID, "Uygulama Kartı", "4531441122223338", "12", "2030", "uygulama")
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range plannedActions(t, dir, nil) {
				if strings.Contains(a, "delete") {
					t.Errorf("the next plan replaces or removes: %s", a)
				}
			}
			dir.MustRun(nil, "apply", "-auto-approve", "-input=false", "tfplan")
			customers = srv.Customers()
			if len(customers) != 1 || customers[0].DealerCustomerID != made.DealerCustomerID {
				t.Fatalf("after the converging apply the sandbox holds %+v, want customer %d kept", customers, made.DealerCustomerID)
			}
			if customers[0].Address != "Moda Cd. 1" {
				t.Errorf("the customer's address is %q, want the configured one", customers[0].Address)
			}
			if owned := ownedIDs(t, dir); owned["LOST-1"] != made.DealerCustomerID {
				t.Errorf("state owns %v, want LOST-1 = %d", owned, made.DealerCustomerID)
			}
			cards := srv.Cards()
			if !slices.ContainsFunc(cards, func(c sandbox.Card) bool { return c.CardToken == appCard.CardToken }) {
				t.Errorf("the application's card %s is gone: %+v", appCard.CardToken, cards)
			}
			wantCards := 1
			if withCard {
				wantCards = 2
			}
			if len(cards) != wantCards {
				t.Errorf("%d cards, want %d: %+v", len(cards), wantCards, cards)
			}
			if code, out := dir.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
				t.Errorf("the plan after converging is not empty (exit %d):\n%s", code, tail(out, 30))
			}
			dir.MustRun(nil, "destroy", "-auto-approve", "-input=false")
			if left := srv.Customers(); len(left) != 0 {
				t.Errorf("destroy left %+v", left)
			}
		})
	}
}

// TestAccOwnership_noCardOnAnUnconfirmedCustomer: state A owns customer X1.
// State B's create of X1 gets no answer, and B's card refers to the customer
// by customer_code. The card must not be stored on A's customer, in that
// apply or the next.
func TestAccOwnership_noCardOnAnUnconfirmedCustomer(t *testing.T) {
	t.Parallel()
	a := newTerraformDir(t)
	if !a.Version().AtLeast(1, 11) {
		t.Skip("moka_card's card_number_wo is write-only: need Terraform 1.11 or later")
	}
	b := a.Sibling(t)
	srv := accSandbox(t, sandbox.Options{FaultKinds: []sandbox.FaultKind{sandbox.FaultLostReply}, Seed: 14})
	customer := providerAt(srv.URL(), `request_timeout = "2s"`) + `
resource "moka_dealer_customer" "c" {
  customer_code = "X1"
  first_name    = "Aynı"
}
`
	a.Config(customer)
	a.MustRun(nil, "apply", "-auto-approve", "-input=false")
	owned := ownedIDs(t, a)["X1"]
	b.Config(customer + `
resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "B Kartı"
  card_number_wo        = "5127541122223332"
  exp_month             = "12"
  exp_year              = "2030"
}
`)
	srv.SetFaultRate(1)
	code, out := b.Run([]string{"MOKA_MAX_RETRIES=0"}, "apply", "-auto-approve", "-input=false", "-no-color")
	srv.SetFaultRate(0)
	if flat := flattened(out); code == 0 || !strings.Contains(flat, "Customer not confirmed") {
		t.Errorf("B's first apply (exit %d) did not refuse the card:\n%s", code, tail(out, 30))
	}
	if cards := srv.Cards(); len(cards) != 0 {
		t.Fatalf("a card was stored on A's customer %d: %+v", owned, cards)
	}
	code, out = b.Run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if code == 0 || !strings.Contains(out, "already in use") {
		t.Errorf("B's second apply (exit %d) did not report the conflict:\n%s", code, tail(out, 30))
	}
	if cards := srv.Cards(); len(cards) != 0 {
		t.Errorf("a card was stored on A's customer %d: %+v", owned, cards)
	}
	if got := ownedIDs(t, b); len(got) != 0 {
		t.Errorf("B owns %v", got)
	}
}

// TestAccOwnership_importRefusesAnotherCreate: a customer or card that
// carries the mark of a create that may still be running belongs to that
// create; importing it elsewhere would give it two owners. Once the mark is
// older than any create can run, the import takes it, with a warning, and the
// next apply writes the marked field.
func TestAccOwnership_importRefusesAnotherCreate(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	young := moka.NewClaim()
	old := "0123456789abcdef tfmoka 20200101000000"
	if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "MID-1", Address: young}); err != nil {
		t.Fatal(err)
	}
	oldCust, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "MID-2", FirstName: strings.ToUpper(old)})
	if err != nil {
		t.Fatal(err)
	}
	card, err := srv.AddCardDirect(oldCust.DealerCustomerID, "Kart Sahibi", cardAkbank, "12", "2030", young)
	if err != nil {
		t.Fatal(err)
	}
	tf.Config(providerBlock(srv) + `
resource "moka_dealer_customer" "young" {
  customer_code = "MID-1"
}

resource "moka_dealer_customer" "old" {
  customer_code = "MID-2"
  first_name    = "Eski"
}
`)
	code, out := tf.Run(nil, "import", "-input=false", "-no-color", "moka_dealer_customer.young", "code:MID-1")
	if code == 0 || !strings.Contains(out, "may still be being created") || !words("import it again after").MatchString(out) {
		t.Errorf("import of a freshly marked customer (exit %d) did not refuse:\n%s", code, tail(out, 30))
	}
	if got := ownedIDs(t, tf); len(got) != 0 {
		t.Errorf("imported %v", got)
	}
	code, out = tf.Run(nil, "import", "-input=false", "-no-color", "moka_dealer_customer.old", "code:MID-2")
	if code != 0 || !strings.Contains(out, "Imported an unfinished Moka object") {
		t.Errorf("import of a customer with an old mark (exit %d):\n%s", code, tail(out, 30))
	}
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-target=moka_dealer_customer.old")
	if got := srv.Customers(); len(got) != 2 || got[1].FirstName != "Eski" {
		t.Errorf("after the apply the sandbox holds %+v, want MID-2's first name written", got)
	}
	if tf.Version().AtLeast(1, 11) {
		tf.Config(providerBlock(srv) + fmt.Sprintf(`
resource "moka_card" "k" {
  dealer_customer_id    = %d
  card_holder_full_name = "Kart Sahibi"
  exp_month             = "12"
  exp_year              = "2030"
}
`, oldCust.DealerCustomerID))
		code, out = tf.Run(nil, "import", "-input=false", "-no-color", "moka_card.k", card.CardToken)
		if code == 0 || !strings.Contains(out, "may still be being created") {
			t.Errorf("import of a freshly marked card (exit %d) did not refuse:\n%s", code, tail(out, 30))
		}
	}
}

// TestAccOwnership_settledWithoutRefresh: after an unconfirmed create,
// terraform apply -refresh=false must not say "No changes": it settles the
// record (adopting the customer only because it carries the claim).
func TestAccOwnership_settledWithoutRefresh(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{FaultKinds: []sandbox.FaultKind{sandbox.FaultLostReply}, Seed: 15})
	tf.Config(providerAt(srv.URL(), `request_timeout = "2s"`) + `
resource "moka_dealer_customer" "c" {
  customer_code = "NOREF-1"
  address       = "Bağdat Cd. 5"
}

resource "moka_dealer_customer" "bare" {
  customer_code = "NOREF-2"
}
`)
	srv.SetFaultRate(1)
	tf.MustRun([]string{"MOKA_MAX_RETRIES=0"}, "apply", "-auto-approve", "-input=false")
	srv.SetFaultRate(0)
	out := tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-refresh=false", "-no-color")
	if strings.Contains(out, "No changes") || !strings.Contains(out, "Unconfirmed Moka customer to be settled") {
		t.Errorf("apply -refresh=false did not settle the record:\n%s", tail(out, 30))
	}
	stored, err := storedCustomer(srv, "NOREF-1")
	if err != nil {
		t.Fatal(err)
	}
	if owned := ownedIDs(t, tf); owned["NOREF-1"] != stored.DealerCustomerID || stored.Address != "Bağdat Cd. 5" {
		t.Errorf("state %v, Moka %+v", owned, stored)
	}
	// Without an address in the configuration the claim must go all the same.
	if bare, err := storedCustomer(srv, "NOREF-2"); err != nil || bare.Address != "" {
		t.Errorf("NOREF-2 in Moka: %+v (%v), want no address", bare, err)
	}
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the next plan is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}
