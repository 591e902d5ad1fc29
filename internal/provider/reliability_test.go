package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The fault tests: a large apply against a sandbox that fails a fifth of all
// calls in every way it knows, including a call that commits and then loses
// its answer. Afterwards the sandbox must hold exactly what the state says:
// nothing lost, nothing duplicated, no orphans; the next plan is empty and
// destroy leaves the sandbox empty. Everything is asserted from the sandbox's
// own data, not from what the provider believes.

const (
	faultResources = 100
	faultRate      = 0.2
	faultSeed      = 20240611
)

// faultSandbox starts a sandbox that fails faultRate of its calls in every
// fault kind, holding a timeout fault for 3s, and counts what it injected.
func faultSandbox(t *testing.T, seed int64) (*sandbox.Server, *faultCounter) {
	t.Helper()
	fc := &faultCounter{byKind: map[string]int{}}
	srv := accSandbox(t, sandbox.Options{
		FaultRate:   faultRate,
		FaultKinds:  sandbox.AllFaultKinds,
		TimeoutHang: 3 * time.Second,
		Seed:        seed,
		Logf:        fc.logf,
	})
	return srv, fc
}

// faultProviderBlock points the provider at srv with generous retries and a
// short request timeout, so that the sandbox's timeout faults resolve fast.
func faultProviderBlock(srv *sandbox.Server) string {
	return providerAt(srv.URL(), "max_retries = 10", `request_timeout = "1500ms"`)
}

// faultCounter reads the sandbox's per-call log lines and counts the faults by
// kind ("sandbox: AddCustomer -> fault reset", "... then fault lostreply").
type faultCounter struct {
	mu     sync.Mutex
	byKind map[string]int
}

var faultLine = regexp.MustCompile(`fault ([a-z0-9]+)`)

func (f *faultCounter) logf(format string, args ...any) {
	m := faultLine.FindStringSubmatch(fmt.Sprintf(format, args...))
	if m == nil {
		return
	}
	f.mu.Lock()
	f.byKind[m[1]]++
	f.mu.Unlock()
}

func (f *faultCounter) snapshot() (map[string]int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	total := 0
	out := map[string]int{}
	for k, n := range f.byKind {
		out[k] = n
		total += n
	}
	return out, total
}

// report logs the figures of a fault run and fails the test when the sandbox
// did not inject every kind of fault (the run would then prove less than it says).
func (f *faultCounter) report(t *testing.T, srv *sandbox.Server, took time.Duration) {
	t.Helper()
	if t.Skipped() {
		return // skipped before any call (TestAccFaults_Cards below Terraform 1.11)
	}
	kinds, faulted := f.snapshot()
	calls := srv.Stats().Calls
	total := 0
	ops := make([]string, 0, len(calls))
	for op, n := range calls {
		total += n
		ops = append(ops, fmt.Sprintf("%s=%d", op, n))
	}
	slices.Sort(ops)
	t.Logf("fault run: %v, %d calls (%s), %d faulted (%v)", took.Round(time.Millisecond), total, strings.Join(ops, " "), faulted, kinds)
	for _, k := range sandbox.AllFaultKinds {
		if kinds[string(k)] == 0 {
			t.Errorf("the sandbox never injected a %q fault in %d calls: the run does not cover it", k, total)
		}
	}
}

// customersHCL is count customers FAULT-000... with every field set.
func customersHCL(count int) string {
	return fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  count         = %d
  customer_code = format("FAULT-%%03d", count.index)
  first_name    = "Ayşe"
  last_name     = format("Yılmaz %%d", count.index)
  gender        = count.index %% 2 == 0 ? "female" : "male"
  birth_date    = "1990-12-18"
  gsm_number    = format("53011%%05d", count.index)
  email         = format("ayse.%%d@example.com", count.index)
  address       = format("Taşdelen Mah. No: %%d, Çekmeköy", count.index)
  password      = format("PIN-%%04d", count.index)
}
`, count)
}

// cardsHCL stores one card for each of the customers of customersHCL.
func cardsHCL(count int) string {
	numbers := make([]string, count)
	for i := range numbers {
		numbers[i] = strconv.Quote(testsupport.CardNumber("512754", i, 16))
	}
	return fmt.Sprintf(`
locals {
  card_numbers = [%s]
}

resource "moka_card" "k" {
  count                 = %d
  customer_code         = moka_dealer_customer.c[count.index].customer_code
  card_holder_full_name = format("Ayşe Yılmaz %%d", count.index)
  card_number_wo        = local.card_numbers[count.index]
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = format("Kart %%d", count.index)
}
`, strings.Join(numbers, ", "), count)
}

// checkSandboxMatchesState compares the sandbox's own data with the state:
// the same customers (by id and code, each code once) and the same cards (by
// token, each on the customer the state says), and wantCustomers/wantCards of
// each. A customer or card in the sandbox that the state does not know is an
// orphan; one in state that the sandbox lacks was lost.
func checkSandboxMatchesState(srv *sandbox.Server, wantCustomers, wantCards int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		stateCustomers := map[int64]string{} // DealerCustomerId -> customer_code
		stateCards := map[string]int64{}     // card token -> DealerCustomerId
		for addr, rs := range s.RootModule().Resources {
			switch rs.Type {
			case "moka_dealer_customer":
				id, err := strconv.ParseInt(rs.Primary.Attributes["dealer_customer_id"], 10, 64)
				if err != nil {
					return fmt.Errorf("%s: dealer_customer_id %q: %w", addr, rs.Primary.Attributes["dealer_customer_id"], err)
				}
				if prev, dup := stateCustomers[id]; dup {
					return fmt.Errorf("%s: dealer_customer_id %d is in state twice (also as %s)", addr, id, prev)
				}
				stateCustomers[id] = rs.Primary.Attributes["customer_code"]
			case "moka_card":
				id, err := strconv.ParseInt(rs.Primary.Attributes["dealer_customer_id"], 10, 64)
				if err != nil {
					return fmt.Errorf("%s: dealer_customer_id %q: %w", addr, rs.Primary.Attributes["dealer_customer_id"], err)
				}
				token := rs.Primary.Attributes["card_token"]
				if _, dup := stateCards[token]; dup {
					return fmt.Errorf("%s: card %s is in state twice", addr, token)
				}
				stateCards[token] = id
			}
		}
		return compareSandbox(srv.Customers(), srv.Cards(), stateCustomers, stateCards, wantCustomers, wantCards)
	}
}

func compareSandbox(customers []sandbox.Customer, cards []sandbox.Card, stateCustomers map[int64]string, stateCards map[string]int64, wantCustomers, wantCards int) error {
	var problems []string
	seenCodes := map[string]int64{}
	for _, c := range customers {
		if other, dup := seenCodes[c.CustomerCode]; dup {
			problems = append(problems, fmt.Sprintf("customer_code %q is held by two customers, %d and %d", c.CustomerCode, other, c.DealerCustomerID))
		}
		seenCodes[c.CustomerCode] = c.DealerCustomerID
		code, known := stateCustomers[c.DealerCustomerID]
		switch {
		case !known:
			problems = append(problems, fmt.Sprintf("orphan: the sandbox holds customer %d (%q), which is not in state", c.DealerCustomerID, c.CustomerCode))
		case code != c.CustomerCode:
			problems = append(problems, fmt.Sprintf("customer %d: state says code %q, the sandbox %q", c.DealerCustomerID, code, c.CustomerCode))
		}
	}
	for id, code := range stateCustomers {
		if seenCodes[code] != id {
			problems = append(problems, fmt.Sprintf("lost: customer %d (%q) is in state but not in the sandbox", id, code))
		}
	}
	seenTokens := map[string]bool{}
	for _, k := range cards {
		seenTokens[k.CardToken] = true
		owner, known := stateCards[k.CardToken]
		switch {
		case !known:
			problems = append(problems, fmt.Sprintf("orphan: the sandbox holds card %s (%q) of customer %d, which is not in state", k.CardToken, k.CardName, k.DealerCustomerID))
		case owner != k.DealerCustomerID:
			problems = append(problems, fmt.Sprintf("card %s: state says customer %d, the sandbox %d", k.CardToken, owner, k.DealerCustomerID))
		}
	}
	for token := range stateCards {
		if !seenTokens[token] {
			problems = append(problems, fmt.Sprintf("lost: card %s is in state but not in the sandbox", token))
		}
	}
	if len(customers) != wantCustomers {
		problems = append(problems, fmt.Sprintf("the sandbox holds %d customers, want %d", len(customers), wantCustomers))
	}
	if len(cards) != wantCards {
		problems = append(problems, fmt.Sprintf("the sandbox holds %d cards, want %d", len(cards), wantCards))
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("sandbox and state disagree:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// checkFaultCustomersStored checks that every customer holds what the
// configuration sent, unmangled by retries and reconciliation.
func checkFaultCustomersStored(srv *sandbox.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, c := range srv.Customers() {
			i, err := strconv.Atoi(strings.TrimPrefix(c.CustomerCode, "FAULT-"))
			if err != nil {
				return fmt.Errorf("unexpected customer %q in the sandbox", c.CustomerCode)
			}
			gender := 2
			if i%2 == 1 {
				gender = 1
			}
			want := sandbox.Customer{
				DealerCustomerID: c.DealerCustomerID,
				CustomerCode:     c.CustomerCode,
				Password:         fmt.Sprintf("PIN-%04d", i),
				FirstName:        "Ayşe",
				LastName:         fmt.Sprintf("Yılmaz %d", i),
				Gender:           gender,
				BirthDate:        "19901218",
				GsmNumber:        fmt.Sprintf("53011%05d", i),
				Email:            fmt.Sprintf("ayse.%d@example.com", i),
				Address:          fmt.Sprintf("Taşdelen Mah. No: %d, Çekmeköy", i),
			}
			if c != want {
				return fmt.Errorf("the sandbox holds\n  %+v\nwant\n  %+v", c, want)
			}
		}
		return nil
	}
}

func checkSandboxEmpty(srv *sandbox.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n, k := len(srv.Customers()), len(srv.Cards()); n != 0 || k != 0 {
			return fmt.Errorf("after destroy the sandbox still holds %d customers and %d cards", n, k)
		}
		return nil
	}
}

// TestAccFaults_Customers applies 100 customers against a sandbox that fails
// 20% of calls in every fault kind; it runs on every Terraform version.
func TestAccFaults_Customers(t *testing.T) {
	srv, faults := faultSandbox(t, faultSeed)
	start := time.Now()
	defer func() { faults.report(t, srv, time.Since(start)) }()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: faultProviderBlock(srv) + customersHCL(faultResources),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSandboxMatchesState(srv, faultResources, 0),
					checkFaultCustomersStored(srv),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A second apply of the same configuration, with its own refresh
				// under faults: still nothing to do, nothing changed.
				Config:           faultProviderBlock(srv) + customersHCL(faultResources),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkSandboxMatchesState(srv, faultResources, 0),
			},
		},
		CheckDestroy: checkSandboxEmpty(srv),
	})
}

// TestAccFaults_Cards applies 100 customers with a card each (card_number_wo
// needs Terraform 1.11) against the same faulty sandbox. A card whose AddCard
// timed out is not sent again (it may land later, and a card has no key Moka
// keeps unique): it stays pending, kept as it is while Moka may still carry
// the create out; the next apply after that, with the faults over, settles
// it. No card is ever stored twice.
func TestAccFaults_Cards(t *testing.T) {
	srv, faults := faultSandbox(t, faultSeed+1)
	start := time.Now()
	defer func() { faults.report(t, srv, time.Since(start)) }()
	tn := &tuning{}
	// Whether a card is left pending depends on the faults: this resource
	// plans a change every time, so the step's plan is never empty either way.
	const alwaysPlans = "\nresource \"terraform_data\" \"always_plans\" {\n  input = timestamp()\n}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: tunedProviderFactories(tn),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config:             faultProviderBlock(srv) + customersHCL(faultResources) + cardsHCL(faultResources) + alwaysPlans,
				Check:              resource.ComposeAggregateTestCheckFunc(checkFaultCustomersStored(srv), checkFaultCardsStored(srv, false)),
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					srv.SetFaultRate(0)
					tn.ahead.Store(int64(moka.ClaimMayBeRunningFor + time.Minute)) // the wait the warning names
				},
				Config: faultProviderBlock(srv) + customersHCL(faultResources) + cardsHCL(faultResources),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkSandboxMatchesState(srv, faultResources, faultResources),
					checkFaultCustomersStored(srv),
					checkFaultCardsStored(srv, true),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
		CheckDestroy: checkSandboxEmpty(srv),
	})
}

// checkFaultCardsStored checks that each customer has its own card, once;
// with all, that every customer has one.
func checkFaultCardsStored(srv *sandbox.Server, all bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		codeOf := map[int64]string{}
		for _, c := range srv.Customers() {
			codeOf[c.DealerCustomerID] = c.CustomerCode
		}
		perCustomer := map[int64]int{}
		for _, k := range srv.Cards() {
			perCustomer[k.DealerCustomerID]++
			i, err := strconv.Atoi(strings.TrimPrefix(codeOf[k.DealerCustomerID], "FAULT-"))
			if err != nil {
				return fmt.Errorf("card %s belongs to customer %d, which is not one of the test's", k.CardToken, k.DealerCustomerID)
			}
			number := testsupport.CardNumber("512754", i, 16)
			want := sandbox.Card{
				CardToken:          k.CardToken,
				DealerCustomerID:   k.DealerCustomerID,
				CardName:           fmt.Sprintf("Kart %d", i),
				BankName:           k.BankName,
				CardNumberFirstSix: number[:6],
				CardNumberLastFour: number[len(number)-4:],
				CardHolderFullName: fmt.Sprintf("Ayşe Yılmaz %d", i),
				ExpMonth:           "12",
				ExpYear:            "2030",
			}
			if k != want {
				return fmt.Errorf("the sandbox holds\n  %+v\nwant\n  %+v", k, want)
			}
		}
		for id, n := range perCustomer {
			if n != 1 {
				return fmt.Errorf("customer %d (%s) has %d cards, want 1", id, codeOf[id], n)
			}
		}
		if all && len(perCustomer) != len(codeOf) {
			return fmt.Errorf("%d of %d customers have their card", len(perCustomer), len(codeOf))
		}
		return nil
	}
}

// stateMaps turns the state into the maps compareSandbox takes.
func stateMaps(t *testing.T, resources []testsupport.StateResource) (map[int64]string, map[string]int64) {
	t.Helper()
	customers := map[int64]string{}
	cards := map[string]int64{}
	for _, r := range resources {
		id, _ := r.Values["dealer_customer_id"].(float64)
		switch r.Type {
		case "moka_dealer_customer":
			if prev, dup := customers[int64(id)]; dup {
				t.Errorf("%s: dealer_customer_id %d is in state twice (also %s)", r.Address, int64(id), prev)
			}
			code, _ := r.Values["customer_code"].(string)
			customers[int64(id)] = code
		case "moka_card":
			token, _ := r.Values["card_token"].(string)
			cards[token] = int64(id)
		}
	}
	return customers, cards
}

// TestAccSandboxKilledMidApply kills the sandbox (SIGKILL) in the middle of an
// apply of 60 customers, restarts it on the same port with the same --data
// file, and applies again: whatever the first apply did, the second converges
// with every customer exactly once, the state and the sandbox agree, the next
// plan is empty and destroy empties the sandbox.
func TestAccSandboxKilledMidApply(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		downFor    time.Duration
		maxRetries int
	}{
		// Back before the retries run out: the first apply should ride it out.
		{"quick restart", 0, 10},
		// Down longer than a small retry budget: the first apply fails.
		{"long outage", 4 * time.Second, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const customers, killAfter = 60, 20
			tf := newTerraformDir(t)
			bin := tf.TF.Provider
			data := filepath.Join(t.TempDir(), "sandbox.json")
			listen := testsupport.FreeLoopbackAddr(t)
			sb := testsupport.StartSandboxProcess(t, bin, listen, "--data", data, "--latency", "50ms")
			tf.Config(providerAt(sb.URL, fmt.Sprintf("max_retries = %d", tt.maxRetries), `request_timeout = "2s"`) + strings.ReplaceAll(customersHCL(customers), "FAULT-", "KILL-"))

			apply := tf.Command(nil, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
			var out strings.Builder
			apply.Stdout, apply.Stderr = &out, &out
			start := time.Now()
			if err := apply.Start(); err != nil {
				t.Fatal(err)
			}
			applied := make(chan error, 1)
			go func() { applied <- apply.Wait() }()

			// Kill the sandbox once it has seen killAfter AddCustomer calls.
			deadline := time.Now().Add(2 * time.Minute)
			for {
				st, err := sb.Stats()
				if err == nil && st.Calls["AddCustomer"] >= killAfter {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the sandbox never saw %d AddCustomer calls (last: %v, %v)\n%s", killAfter, st.Calls, err, out.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			sb.Kill()
			killedAt := time.Since(start)
			time.Sleep(tt.downFor)
			sb = testsupport.StartSandboxProcess(t, bin, listen, "--data", data, "--latency", "50ms")
			restored, _ := sb.Contents(t)

			firstErr := <-applied
			t.Logf("killed after %v; restarted with %d customers on file; first apply: %v after %v", killedAt.Round(time.Millisecond), len(restored), firstErr, time.Since(start).Round(time.Millisecond))
			if firstErr != nil {
				t.Logf("first apply output (tail):\n%s", tail(out.String(), 15))
			}

			tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
			stateCustomers, stateCards := stateMaps(t, tf.State())
			sbCustomers, sbCards := sb.Contents(t)
			if err := compareSandbox(sbCustomers, sbCards, stateCustomers, stateCards, customers, 0); err != nil {
				t.Error(err)
			}
			if code, plan := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
				t.Errorf("the plan after the second apply is not empty (exit %d):\n%s", code, plan)
			}
			tf.MustRun(nil, "destroy", "-auto-approve", "-input=false", "-no-color")
			if left, cards := sb.Contents(t); len(left) != 0 || len(cards) != 0 {
				t.Errorf("after destroy the sandbox holds %d customers and %d cards", len(left), len(cards))
			}
		})
	}
}

// lossyFront serves srv on its own loopback port and, while lose is set,
// carries out every call of the named operations and then closes the
// connection without an answer: a lost reply for those operations only. An
// operation named "X after Y" loses its answers only once a Y answer was lost
// (the listing that looks for a card after a lost AddCard, not the one before).
func lossyFront(t *testing.T, srv *sandbox.Server, lose *atomic.Bool, ops ...string) string {
	t.Helper()
	var lostOnce sync.Map
	loses := func(op string) bool {
		for _, o := range ops {
			name, after, conditional := strings.Cut(o, " after ")
			if name != op {
				continue
			}
			if _, seen := lostOnce.Load(after); !conditional || seen {
				return true
			}
		}
		return false
	}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := path.Base(r.URL.Path)
		if !lose.Load() || !loses(op) {
			srv.ServeHTTP(w, r)
			return
		}
		lostOnce.Store(op, true)
		carryOutAndDrop(srv, w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// carryOutAndDrop serves r on srv and closes the connection without the
// answer: a reply lost after Moka carried the call out.
func carryOutAndDrop(srv *sandbox.Server, w http.ResponseWriter, r *http.Request) {
	srv.ServeHTTP(httptest.NewRecorder(), r)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// TestAccInterruptStopsAtOnce: Ctrl-C during an apply whose calls Moka holds
// (and whose request_timeout is five minutes) ends the apply in seconds:
// Terraform's StopProvider cancels the provider's contexts, and the client
// stops waiting at once, with nothing stored.
func TestAccInterruptStopsAtOnce(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{FaultRate: 1, FaultKinds: []sandbox.FaultKind{sandbox.FaultTimeout}, TimeoutHang: 10 * time.Minute})
	tf.Config(providerAt(srv.URL(), "max_retries = 10", `request_timeout = "5m"`) + strings.ReplaceAll(customersHCL(3), "FAULT-", "INT-"))
	apply := tf.Command(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	var out strings.Builder
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for srv.Stats().Calls["AddCustomer"] < 3 {
		if time.Now().After(deadline) {
			_ = apply.Process.Kill()
			t.Fatalf("the sandbox never held 3 AddCustomer calls: %v\n%s", srv.Stats().Calls, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	interrupted := time.Now()
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		took := time.Since(interrupted)
		t.Logf("terraform exited %v after the interrupt (%v)", took.Round(time.Millisecond), err)
		if err == nil {
			t.Errorf("the interrupted apply succeeded:\n%s", out.String())
		}
		if took > 10*time.Second {
			t.Errorf("terraform took %v to stop after the interrupt", took)
		}
	case <-time.After(time.Minute):
		_ = apply.Process.Kill()
		if err := <-done; err != nil {
			t.Logf("killed: %v", err)
		}
		t.Fatalf("terraform did not stop within a minute of the interrupt:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "context canceled") && !strings.Contains(out.String(), "Interrupt received") {
		t.Errorf("the output does not say the apply was interrupted:\n%s", tail(out.String(), 30))
	}
	if n := len(srv.Customers()); n != 0 {
		t.Errorf("%d customers stored by held calls", n)
	}
	if n := srv.Stats().Calls["AddCustomer"]; n != 3 {
		t.Errorf("%d AddCustomer calls, want the 3 held ones: the client retried after the interrupt", n)
	}
}

// TestAccFaults_LostAddOfAnIdenticalCard: a card replaced with
// create_before_destroy by an identical one (only card_number_wo_version
// changes) while AddCard's answer is lost. The listing that looks for the new
// card sees two identical cards; the provider must adopt the new one, not the
// old one that is about to be removed, or state would end up on a deleted card.
// (The sandbox lists cards oldest first, which a newest-match alone would also
// get right; TestAddCardAfterALostAnswer in internal/moka pins the exclusion
// of the cards that existed before, whatever the order.)
func TestAccFaults_LostAddOfAnIdenticalCard(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	var lose atomic.Bool
	url := lossyFront(t, srv, &lose, "AddCard")
	config := func(version int) string {
		return providerAt(url, "max_retries = 2") + fmt.Sprintf(`
resource "moka_dealer_customer" "c" {
  customer_code = "TWIN-1"
}

resource "moka_card" "k" {
  customer_code          = moka_dealer_customer.c.customer_code
  card_holder_full_name  = "Ayşe Çiftçi"
  card_number_wo         = "4531441122223338"
  card_number_wo_version = %d
  exp_month              = "12"
  exp_year               = "2030"
  card_name              = "İkiz"

  lifecycle {
    create_before_destroy = true
  }
}
`, version)
	}
	var oldToken string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: config(1),
				Check: func(*terraform.State) error {
					cards := srv.Cards()
					if len(cards) != 1 {
						return fmt.Errorf("%d cards after create, want 1", len(cards))
					}
					oldToken = cards[0].CardToken
					return nil
				},
			},
			{
				PreConfig: func() { lose.Store(true) },
				Config:    config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("moka_card.k", plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: func(s *terraform.State) error {
					lose.Store(false)
					cards := srv.Cards()
					if len(cards) != 1 {
						return fmt.Errorf("%d cards after the replacement, want 1", len(cards))
					}
					got := s.RootModule().Resources["moka_card.k"].Primary.Attributes["card_token"]
					if got == oldToken {
						return fmt.Errorf("state adopted the old card %s, which the replacement removed", oldToken)
					}
					if got != cards[0].CardToken {
						return fmt.Errorf("state has card %s, the sandbox has %s", got, cards[0].CardToken)
					}
					if n := srv.Stats().Calls["AddCard"]; n != 2 {
						return fmt.Errorf("%d AddCard calls in all, want 2 (one per card, no retry after the lost answer)", n)
					}
					return nil
				},
			},
		},
		CheckDestroy: checkSandboxEmpty(srv),
	})
}
