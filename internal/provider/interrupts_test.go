package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// slowAnswers serves srv on its own port; the named operation is carried out
// at once and its answer sent after delay: an answer on its way.
func slowAnswers(t *testing.T, srv *sandbox.Server, op string, delay time.Duration, seen *atomic.Int32) string {
	t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Base(r.URL.Path) != op {
			srv.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		seen.Add(1)
		time.Sleep(delay)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// TestAccInterrupt_answerOnItsWay: Ctrl-C while AddCard's (or AddCustomer's)
// answer is on its way. The create goes on for its grace, its answer arrives,
// the object is saved in state with its id (and identity, on Terraform 1.12
// and later), untainted; the next plan changes nothing, and Moka holds one of
// each.
func TestAccInterrupt_answerOnItsWay(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	tf.TF.SkipBelow(t, 1, 11, "write-only card numbers")
	for _, op := range []string{"AddCustomer", "AddCard"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			dir := tf.Sibling(t)
			srv := accSandbox(t, sandbox.Options{})
			var seen atomic.Int32
			url := slowAnswers(t, srv, op, 2*time.Second, &seen)
			dir.Config(providerAt(url) + `
resource "moka_dealer_customer" "c" {
  customer_code = "INT-1"
  first_name    = "Kesinti"
}

resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "Kesinti Kart"
  card_number_wo        = "` + cardAkbank + `"
  exp_month             = "12"
  exp_year              = "2030"
}
`)
			apply := dir.Command(nil, "apply", "-auto-approve", "-input=false", "-no-color")
			var out strings.Builder
			apply.Stdout, apply.Stderr = &out, &out
			if err := apply.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- apply.Wait() }()
			deadline := time.Now().Add(time.Minute)
			for seen.Load() == 0 {
				if time.Now().After(deadline) {
					_ = apply.Process.Kill()
					t.Fatalf("no %s call within a minute:\n%s", op, out.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := apply.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				t.Logf("terraform ended after the interrupt: %v", err)
			case <-time.After(time.Minute):
				_ = apply.Process.Kill()
				t.Fatalf("terraform did not stop within a minute of the interrupt:\n%s", out.String())
			}
			t.Logf("interrupted apply:\n%s", tail(out.String(), 30))
			for _, bad := range []string{"Missing Resource Identity", "inconsistent result", "may exist: not confirmed"} {
				if strings.Contains(out.String(), bad) {
					t.Errorf("the interrupted apply says %q", bad)
				}
			}
			for _, r := range dir.State() {
				if r.Tainted {
					t.Errorf("%s is tainted after the interrupt", r.Address)
				}
			}
			// Finish what the interrupt left (the card, when the customer's
			// create was interrupted), then nothing more to do.
			dir.MustRun(nil, "apply", "-auto-approve", "-input=false")
			if code, plan := dir.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
				t.Errorf("the plan after the interrupted apply is not empty (exit %d):\n%s", code, tail(plan, 30))
			}
			if c, k := len(srv.Customers()), len(srv.Cards()); c != 1 || k != 1 {
				t.Errorf("the sandbox holds %d customers and %d cards, want 1 and 1", c, k)
			}
			if n := srv.Stats().Calls[op]; n != 1 {
				t.Errorf("%d %s calls, want 1: the interrupted object was made again", n, op)
			}
			dir.MustRun(nil, "destroy", "-auto-approve", "-input=false")
		})
	}
}

// TestAccPendingCard_identity: AddCard's answer and every look for the card
// afterwards are lost, so the create ends with a pending record. On Terraform
// 1.12 and later that record has an identity (a placeholder) and so is not
// tainted; the next apply adopts the card it stored, its identity becomes
// the card's token, and nothing is stored again or replaced.
func TestAccPendingCard_identity(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	tf.TF.SkipBelow(t, 1, 12, "resource identity")
	srv := accSandbox(t, sandbox.Options{})
	var lose atomic.Bool
	url := lossyFront(t, srv, &lose, "AddCard", "GetCardList after AddCard")
	tf.Config(providerAt(url, "max_retries = 1") + `
resource "moka_dealer_customer" "c" {
  customer_code = "PEND-1"
  address       = "Moda Cd. 1"
}

resource "moka_card" "k" {
  customer_code         = moka_dealer_customer.c.customer_code
  card_holder_full_name = "Bekleyen Kart"
  card_number_wo        = "` + cardAkbank + `"
  exp_month             = "12"
  exp_year              = "2030"
}
`)
	lose.Store(true)
	code, out := tf.Run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	lose.Store(false)
	t.Logf("first apply (exit %d):\n%s", code, tail(out, 30))
	if !strings.Contains(out, "may exist: not confirmed") {
		t.Fatalf("the first apply left no pending record:\n%s", tail(out, 40))
	}
	for _, bad := range []string{"Missing Resource Identity", "Unexpected Identity Change"} {
		if strings.Contains(out, bad) {
			t.Errorf("the first apply says %q", bad)
		}
	}
	for _, r := range tf.State() {
		if r.Tainted {
			t.Errorf("%s is tainted", r.Address)
		}
	}
	out = tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if strings.Contains(out, "Identity") || strings.Contains(out, "destroy") && !strings.Contains(out, "0 to destroy") {
		t.Errorf("the settling apply:\n%s", tail(out, 40))
	}
	if code, plan := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after settling is not empty (exit %d):\n%s", code, tail(plan, 30))
	}
	cards := srv.Cards()
	if len(cards) != 1 || srv.Stats().Calls["AddCard"] != 1 {
		t.Errorf("%d cards after %d AddCard calls, want the 1 stored once: %+v", len(cards), srv.Stats().Calls["AddCard"], cards)
	}
	for _, r := range tf.State() {
		if r.Type == "moka_card" && (len(cards) != 1 || r.Values["card_token"] != cards[0].CardToken) {
			t.Errorf("state holds card %v, want %+v", r.Values["card_token"], cards)
		}
	}
	tf.MustRun(nil, "destroy", "-auto-approve", "-input=false")
}

// providerProcesses are the pids of running processes of the provider binary.
func providerProcesses(t *testing.T, binary string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc to look for provider processes: %v", err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.HasPrefix(string(cmdline), binary+"\x00") && string(cmdline) != binary {
			continue
		}
		if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && strings.Contains(string(stat), ") Z ") {
			continue // a zombie has ended
		}
		pids = append(pids, pid)
	}
	return pids
}

// TestAccKilledApply: terraform killed with -9 while it creates 12 customers
// with cards, as a CI runner stops a job. The provider exits within 5 s and
// calls Moka no more. The next apply's errors claim nothing the provider
// cannot know, and doing what they say (waiting out a fresh mark, pasting
// the import blocks) converges: every customer Terraform's, no duplicate
// customer, an empty plan; the cards the killed apply left are named.
func TestAccKilledApply(t *testing.T) {
	t.Parallel()
	newTerraformDir(t).TF.SkipBelow(t, 1, 11, "write-only card numbers")
	for _, tt := range []struct {
		during string
		rerun  []string
	}{
		{"AddCustomer", nil},
		{"AddCard", nil},
		// The customers are not refreshed: the card's create itself looks.
		{"AddCard", []string{"-refresh=false"}},
	} {
		t.Run(strings.Join(append([]string{"during " + tt.during}, tt.rerun...), ", "), func(t *testing.T) {
			// Parallel, each with a provider binary of its own: killedApply
			// looks for the provider's processes by their path.
			t.Parallel()
			killedApply(t, newTerraformDir(t), tt.during, tt.rerun)
		})
	}
}

func killedApply(t *testing.T, tf *testsupport.WorkDir, during string, rerun []string) {
	srv := accSandbox(t, sandbox.Options{})
	// Moka carries out the calls of the operation at once and answers them
	// after 2 s: terraform is killed while answers are on their way.
	var seen atomic.Int32
	url := slowAnswers(t, srv, during, 2*time.Second, &seen)
	const n = 12
	tf.Config(providerAt(url) + fmt.Sprintf(`
locals {
  codes = toset([for i in range(%d) : format("KILL-%%02d", i)])
}

resource "moka_dealer_customer" "c" {
  for_each      = local.codes
  customer_code = each.key
  first_name    = "Kesik"
}

resource "moka_card" "k" {
  for_each              = local.codes
  customer_code         = moka_dealer_customer.c[each.key].customer_code
  card_holder_full_name = "Kesik Kart"
  card_number_wo        = "%s"
  exp_month             = "12"
  exp_year              = "2030"
}
`, n, cardAkbank))
	apply := tf.Command(nil, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=4")
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for seen.Load() < 4 {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("not 6 %s calls within a minute: %v", during, srv.Stats().Calls)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := apply.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("terraform killed with -9 exited 0")
	}
	cardsBefore := len(srv.Cards())
	killed := time.Now()
	for len(providerProcesses(t, tf.TF.Provider)) > 0 {
		if time.Since(killed) > 5*time.Second {
			t.Fatalf("provider processes %v still run 5 s after terraform was killed", providerProcesses(t, tf.TF.Provider))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the provider ended %v after terraform was killed", time.Since(killed).Round(10*time.Millisecond))
	total := func() int {
		sum := 0
		for _, c := range srv.Stats().Calls {
			sum += c
		}
		return sum
	}
	calls := total()
	time.Sleep(time.Second)
	if total() != calls {
		t.Errorf("Moka got %d calls after the provider ended", total()-calls)
	}

	code, out := tf.Run(nil, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, rerun...)...)
	t.Logf("the apply after the kill (exit %d):\n%s", code, tail(out, 40))
	for _, untrue := range []string{"did not create it", "another Terraform state", "not settled it yet", "to = \n"} {
		if strings.Contains(out, untrue) {
			t.Errorf("the apply after the kill says %q", untrue)
		}
	}
	// Do what the errors say: wait out fresh marks (here: date them back),
	// then import what no state records.
	owned := ownedIDs(t, tf)
	var imports strings.Builder
	for _, c := range srv.Customers() {
		if owned[c.CustomerCode] == c.DealerCustomerID {
			continue
		}
		if claim := moka.CustomerClaim(moka.Customer{Address: c.Address, FirstName: c.FirstName}); claim != "" {
			if !words("wait until").MatchString(out) {
				t.Errorf("customer %s carries a fresh mark, and no error says to wait", c.CustomerCode)
			}
			c.FirstName = claim[:17] + "tfmoka 20200101000000"
			if _, err := srv.PutCustomer(c); err != nil {
				t.Fatal(err)
			}
		}
		if !strings.Contains(out, fmt.Sprintf("id = %q", strconv.FormatInt(c.DealerCustomerID, 10))) {
			t.Errorf("no error gives the import block of customer %d (%s)", c.DealerCustomerID, c.CustomerCode)
		}
		fmt.Fprintf(&imports, "import {\n  to = moka_dealer_customer.c[%q]\n  id = %q\n}\n", c.CustomerCode, strconv.FormatInt(c.DealerCustomerID, 10))
	}
	// A card the killed apply was storing is named with its mark: the plan
	// refuses to store it again and says to import it.
	codeOf := map[int64]string{}
	for _, c := range srv.Customers() {
		codeOf[c.DealerCustomerID] = c.CustomerCode
	}
	inState := map[string]bool{}
	for _, r := range tf.State() {
		if r.Type == "moka_card" {
			inState[fmt.Sprint(r.Values["card_token"])] = true
		}
	}
	for _, card := range srv.Cards() {
		if !moka.IsClaim(card.CardName) || inState[card.CardToken] {
			continue
		}
		// The card's plan comes after its customer's: where the killed
		// apply's state lost the customer too (OpenTofu saves state less
		// often), the card's error comes once the customer is imported.
		customerKnown := owned[codeOf[card.DealerCustomerID]] != 0
		if customerKnown && (!strings.Contains(out, "Moka holds this card already") || !strings.Contains(out, fmt.Sprintf("id = %q", card.CardToken))) {
			t.Errorf("no error names the marked card %s and how to import it", card.CardToken)
		}
		srv.RenameCard(card.CardToken, card.CardName[:17]+"tfmoka 20200101000000")
		fmt.Fprintf(&imports, "import {\n  to = moka_card.k[%q]\n  id = %q\n}\n", codeOf[card.DealerCustomerID], card.CardToken)
	}
	testsupport.WriteFile(t, filepath.Join(tf.Dir, "imports.tf"), imports.String())
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	if code, plan := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the plan after following the advice is not empty (exit %d):\n%s", code, tail(plan, 30))
	}
	owned = ownedIDs(t, tf)
	customers := srv.Customers()
	if len(customers) != n || len(owned) != n {
		t.Errorf("%d customers in Moka, %d in state; want %d of each", len(customers), len(owned), n)
	}
	for _, c := range customers {
		if moka.CustomerClaim(moka.Customer{Address: c.Address, FirstName: c.FirstName}) != "" {
			t.Errorf("customer %s still carries a mark", c.CustomerCode)
		}
	}
	var stray int
	for _, c := range srv.Cards() {
		if moka.IsClaim(c.CardName) {
			stray++
		}
	}
	// A card the killed apply stored and finished, but that Terraform had
	// not yet saved in its state (it saves every 20 s or so), carries no mark
	// and no state records it: stored again, as with any provider's objects.
	// No card the killed apply had not stored may be doubled.
	t.Logf("%d cards in Moka for %d configured: %d were stored by the killed apply, %d of those still named with its mark", len(srv.Cards()), n, cardsBefore, stray)
	if len(srv.Cards()) > n+cardsBefore {
		t.Errorf("%d cards, more than the %d configured plus the %d the killed apply stored", len(srv.Cards()), n, cardsBefore)
	}
	tf.MustRun(nil, "destroy", "-auto-approve", "-input=false")
}
