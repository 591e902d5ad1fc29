package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The simulation: seeded random schedules of creates, updates, destroys,
// refreshes and imports of moka_dealer_customer, driven through the
// provider's own protocol server the way Terraform drives it (plan, then
// apply with the plan's private state; refresh with the stored private
// state), interleaved with what another client does behind Terraform's back
// (customers made, edited and removed, cards stored by the application),
// every fault kind of the sandbox, and sandbox restarts. After every step:
//
//   - nothing in state is a customer that another client made (unless the
//     schedule imported it on purpose);
//   - no card the application stored is gone, unless its customer was removed;
//   - no id is in state twice, and every id in state is Moka's customer with
//     that code.
//
// After the faults stop, two rounds of apply converge: the second changes
// nothing, state and Moka agree, and no customer Moka holds still carries a
// create's claim that no state owns.
//
// SIM_SCHEDULES sets how many schedules run (make test: 200; make soak sets
// SCHEDULES), SIM_SEED replays one schedule; a failure prints its seed.
// Schedules run in parallel (go test -parallel), each with its own sandbox
// and its own provider, tuned (retry backoff, clock, stop grace) on its own.

func TestSimulation(t *testing.T) {
	t.Parallel()
	schedules := 200
	if v := os.Getenv("SIM_SCHEDULES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SIM_SCHEDULES=%q is not a positive number", v)
		}
		schedules = n
	}
	first := uint64(time.Now().UnixNano())
	if v := os.Getenv("SIM_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("SIM_SEED=%q is not a number", v)
		}
		first, schedules = seed, 1
	}
	var steps atomic.Int64
	t.Cleanup(func() { t.Logf("%d schedules, %d steps", schedules, steps.Load()) })
	for i := range schedules {
		seed := first + uint64(i)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			steps.Add(int64(runSchedule(t, seed)))
			if t.Failed() {
				t.Logf("schedule failed; replay it with SIM_SEED=%d go test -run TestSimulation ./internal/provider/", seed)
			}
		})
	}
}

// simulation is one schedule's world: a sandbox, a provider and its state.
type simulation struct {
	t      *testing.T
	rng    *rand.Rand
	ctx    context.Context
	srv    *sandbox.Server
	opts   sandbox.Options
	listen string
	server tfprotov6.ProviderServer
	// settings configure each provider process (newProcess).
	settings map[string]tftypes.Value
	tuning   *tuning
	typ      tftypes.Object
	codes    []string
	// state and private are Terraform's state of each code's resource.
	state   map[string]tftypes.Value
	private map[string][]byte
	// desired is each configured code's first_name; absent: not configured.
	desired map[string]string
	// foreign are the ids of customers another client made; imported, those
	// the schedule imported on purpose.
	foreign, imported map[int64]bool
	// appCards are the cards the application stored, by token: customer id.
	appCards map[string]int64
	// killed are the codes whose apply was killed (kill -9) at least once:
	// a customer their create made may be held by no state until an import.
	killed map[string]bool
	log    []string
}

func runSchedule(t *testing.T, seed uint64) int {
	s := newSimulation(t, seed)
	n := 8 + s.rng.IntN(16)
	for range n {
		s.step()
		if os.Getenv("SIM_SEED") != "" {
			s.logf("  moka: %+v", s.srv.Customers())
		}
		s.checkInvariants()
		if t.Failed() {
			t.Logf("schedule:\n  %s", strings.Join(s.log, "\n  "))
			return n
		}
	}
	s.converge()
	if t.Failed() {
		t.Logf("schedule:\n  %s", strings.Join(s.log, "\n  "))
	}
	return n
}

func newSimulation(t *testing.T, seed uint64) *simulation {
	s := &simulation{
		// A seeded, replayable schedule, not a secret.
		t: t, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), ctx: context.Background(), //nolint:gosec // see above
		codes: []string{"SIM-0", "SIM-1", "SIM-2", "SIM-3"},
		state: map[string]tftypes.Value{}, private: map[string][]byte{}, desired: map[string]string{},
		foreign: map[int64]bool{}, imported: map[int64]bool{}, appCards: map[string]int64{}, killed: map[string]bool{},
	}
	s.opts = sandbox.Options{
		DataFile: filepath.Join(t.TempDir(), "moka.json"), Seed: int64(seed & math.MaxInt64), TimeoutHang: 400 * time.Millisecond,
	}
	// Every Moka the documentation allows: each switch on in a quarter of
	// the schedules, so that schedules meet them alone and together.
	var on []string
	for _, sw := range sandbox.Switches {
		if s.rng.IntN(4) == 0 {
			sw.Enable(&s.opts)
			on = append(on, sw.Flag)
		}
	}
	s.logf("sandbox switches %v", on)
	s.listen = testsupport.FreeLoopbackAddr(t)
	s.startSandbox()
	t.Cleanup(func() { _ = s.srv.Close() })

	s.tuning = &tuning{retryBaseDelay: time.Millisecond}
	s.settings = map[string]tftypes.Value{
		"max_retries":     tftypes.NewValue(tftypes.Number, int64(s.rng.IntN(3))),
		"request_timeout": tftypes.NewValue(tftypes.String, "250ms"),
	}
	s.newProcess()
	return s
}

// newProcess starts the provider anew, as each terraform command does: what
// one process keeps in memory (the refresh's list of customers, the codes
// of creates it could not confirm) does not outlive its command.
func (s *simulation) newProcess() {
	f := newTunedProtocolFixture(s.t, "http://"+s.listen, s.settings, s.tuning)
	s.server, s.typ = f.server, f.types["moka_dealer_customer"]
}

func (s *simulation) startSandbox() {
	s.t.Helper()
	srv, err := sandbox.New(s.opts)
	if err != nil {
		s.t.Fatal(err)
	}
	for try := 0; ; try++ {
		if _, err = srv.Start(s.listen); err == nil {
			break
		}
		if try == 50 {
			s.t.Fatalf("sandbox restart on %s: %v", s.listen, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.srv = srv
}

func (s *simulation) logf(format string, args ...any) {
	s.log = append(s.log, fmt.Sprintf(format, args...))
}

// step does one random thing.
func (s *simulation) step() {
	code := s.codes[s.rng.IntN(len(s.codes))]
	switch r := s.rng.IntN(100); {
	case r < 30:
		s.desired[code] = []string{"Ayşe", "Elif", "Şükrü"}[s.rng.IntN(3)]
		s.logf("apply %s first_name=%s", code, s.desired[code])
		s.apply(code)
	case r < 38:
		delete(s.desired, code)
		s.logf("destroy %s", code)
		s.destroy(code)
	case r < 48:
		s.logf("refresh")
		s.newProcess()
		for _, c := range s.codes {
			s.refresh(c)
		}
	case r < 53:
		s.logf("import %s", code)
		s.importCode(code)
	case r < 60:
		if _, held := s.held(code); !held {
			c, err := s.srv.PutCustomer(sandbox.Customer{CustomerCode: code, FirstName: "Ayşe"})
			if err == nil {
				s.foreign[c.DealerCustomerID] = true
				s.logf("another client adds %s as %d", code, c.DealerCustomerID)
			}
		}
	case r < 66:
		if c, held := s.held(code); held {
			c.FirstName = "Başkası"
			if _, err := s.srv.PutCustomer(c); err == nil {
				s.logf("another client renames %d (%s)", c.DealerCustomerID, code)
			}
		}
	case r < 70:
		if c, held := s.held(code); held {
			s.srv.DeleteCustomer(c.DealerCustomerID)
			s.customerRemoved(c.DealerCustomerID)
			s.logf("another client removes %d (%s)", c.DealerCustomerID, code)
		}
	case r < 80:
		if c, held := s.held(code); held {
			card, err := s.srv.AddCardDirect(c.DealerCustomerID, "Uygulama", "4531441122223338", "12", "2030", "uygulama")
			if err == nil {
				s.appCards[card.CardToken] = c.DealerCustomerID
				s.logf("the application stores card %s for %d (%s)", card.CardToken, c.DealerCustomerID, code)
			}
		}
	case r < 85:
		s.desired[code] = []string{"Ayşe", "Elif", "Şükrü"}[s.rng.IntN(3)]
		after := time.Duration(s.rng.IntN(300)) * time.Millisecond
		if s.rng.IntN(2) == 0 {
			s.logf("apply %s first_name=%s, Ctrl-C after %v", code, s.desired[code], after)
			s.applyStopped(code, after, false)
		} else {
			s.logf("apply %s first_name=%s, kill -9 after %v", code, s.desired[code], after)
			s.applyStopped(code, after, true)
		}
	case r < 95:
		rate := []float64{0, 0.3, 0.6, 1}[s.rng.IntN(4)]
		kinds := slices.Clone(sandbox.AllFaultKinds)
		s.rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
		kinds = kinds[:1+s.rng.IntN(len(kinds))]
		s.logf("faults %v of %v", rate, kinds)
		s.restart(rate, kinds)
	default:
		s.logf("sandbox restart")
		s.restart(s.opts.FaultRate, s.opts.FaultKinds)
	}
}

// restart stops the sandbox and starts it again on the same port and data
// file, with new faults.
func (s *simulation) restart(rate float64, kinds []sandbox.FaultKind) {
	if err := s.srv.Close(); err != nil {
		s.t.Fatal(err)
	}
	s.opts.FaultRate, s.opts.FaultKinds = rate, kinds
	s.startSandbox()
}

// held is the customer Moka holds under code, seen directly.
func (s *simulation) held(code string) (sandbox.Customer, bool) {
	for _, c := range s.srv.Customers() {
		if c.CustomerCode == code {
			return c, true
		}
	}
	return sandbox.Customer{}, false
}

// customerRemoved forgets the application's cards of a removed customer,
// which go with it unless the sandbox keeps them.
func (s *simulation) customerRemoved(id int64) {
	if s.opts.KeepCardsOnRemoveCustomer {
		return
	}
	for token, owner := range s.appCards {
		if owner == id {
			delete(s.appCards, token)
		}
	}
}

func (s *simulation) config(code string) tftypes.Value {
	return objectOf(s.typ, map[string]tftypes.Value{
		"customer_code": tftypes.NewValue(tftypes.String, code),
		"first_name":    tftypes.NewValue(tftypes.String, s.desired[code]),
	})
}

// proposed is Terraform's proposed new state: the configuration, with the
// computed attributes it leaves out taken from the prior state.
func (s *simulation) proposed(prior, config tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	if err := config.As(&vals); err != nil {
		s.t.Fatal(err)
	}
	if !prior.IsNull() {
		priorVals := map[string]tftypes.Value{}
		if err := prior.As(&priorVals); err != nil {
			s.t.Fatal(err)
		}
		vals["id"], vals["dealer_customer_id"] = priorVals["id"], priorVals["dealer_customer_id"]
	}
	return objectOf(s.typ, vals)
}

// applyStopped is an apply whose terraform gets Ctrl-C after the given time
// (Terraform waits for the provider and saves what it returns), or is killed
// with -9 (the provider dies with it at once, and nothing is saved).
func (s *simulation) applyStopped(code string, after time.Duration, kill bool) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	timer := time.AfterFunc(after, cancel)
	defer timer.Stop()
	if !kill {
		s.applyIn(ctx, code)
		return
	}
	s.tuning.noStopGrace.Store(true)
	defer s.tuning.noStopGrace.Store(false)
	before, inState := s.state[code]
	beforePrivate := s.private[code]
	s.applyIn(ctx, code)
	// Terraform died: whatever the provider answered is lost.
	if inState {
		s.state[code], s.private[code] = before, beforePrivate
	} else {
		delete(s.state, code)
		delete(s.private, code)
	}
	s.killed[code] = true
}

// apply is terraform apply of code's configuration: plan, then apply what
// the plan says, with the plan's private state. It returns the errors.
func (s *simulation) apply(code string) []string { return s.applyIn(s.ctx, code) }

// applyIn is apply, with the apply's calls under ctx (Terraform's stop).
func (s *simulation) applyIn(ctx context.Context, code string) []string {
	s.newProcess()
	prior := s.priorState(code)
	config := s.config(code)
	plan, err := s.server.PlanResourceChange(s.ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "moka_dealer_customer", PriorState: dynamic(s.t, s.typ, prior), Config: dynamic(s.t, s.typ, config),
		ProposedNewState: dynamic(s.t, s.typ, s.proposed(prior, config)), PriorPrivate: s.private[code],
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if errs := errorsOf(plan.Diagnostics); len(errs) > 0 {
		s.logf("  plan errors: %v", errs)
		return errs
	}
	planned := unmarshal(s.t, s.typ, plan.PlannedState)
	if !prior.IsNull() && planned.Equal(prior) {
		return nil
	}
	if len(plan.RequiresReplace) > 0 && !prior.IsNull() {
		if errs := s.destroy(code); len(errs) > 0 {
			return errs
		}
		return s.applyIn(ctx, code)
	}
	resp, err := s.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "moka_dealer_customer", PriorState: dynamic(s.t, s.typ, prior), PlannedState: plan.PlannedState,
		Config: dynamic(s.t, s.typ, config), PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	s.keep(code, resp.NewState, resp.Private, prior.IsNull(), resp.Diagnostics)
	errs := errorsOf(resp.Diagnostics)
	if len(errs) > 0 {
		s.logf("  apply errors: %v", errs)
	}
	return errs
}

// keep stores what an apply returned, as Terraform does: a failed create
// keeps a non-null state tainted, which the simulation never expects.
func (s *simulation) keep(code string, state *tfprotov6.DynamicValue, private []byte, creating bool, diags []*tfprotov6.Diagnostic) {
	v := unmarshal(s.t, s.typ, state)
	if creating && hasError(diags) && !v.IsNull() {
		s.t.Errorf("a failed create of %s returned a state, which Terraform would taint: %v", code, errorsOf(diags))
	}
	if v.IsNull() {
		delete(s.state, code)
		delete(s.private, code)
		return
	}
	s.state[code], s.private[code] = v, private
}

func (s *simulation) priorState(code string) tftypes.Value {
	if v, ok := s.state[code]; ok {
		return v
	}
	return tftypes.NewValue(s.typ, nil)
}

// destroy is terraform destroy of code's resource, if it is in state.
func (s *simulation) destroy(code string) []string {
	prior, ok := s.state[code]
	if !ok {
		return nil
	}
	s.newProcess()
	id := s.stateID(code)
	if before, held := s.held(code); id == 0 && held && !s.foreign[before.DealerCustomerID] {
		// A pending record has no id in state, yet its destroy removes the
		// customer its create made (the one carrying its claim), cards and
		// all. Another client's customer under the code is never counted as
		// removed by right: its application cards must survive.
		id = before.DealerCustomerID
	}
	null := tftypes.NewValue(s.typ, nil)
	resp, err := s.server.ApplyResourceChange(s.ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "moka_dealer_customer", PriorState: dynamic(s.t, s.typ, prior), PlannedState: dynamic(s.t, s.typ, null),
		Config: dynamic(s.t, s.typ, null), PlannedPrivate: s.private[code],
	})
	if err != nil {
		s.t.Fatal(err)
	}
	// The schedule asked for the removal: the cards go with the customer,
	// also when the destroy failed after its call landed.
	if _, held := s.held(code); !held && id != 0 {
		s.customerRemoved(id)
	}
	errs := errorsOf(resp.Diagnostics)
	if len(errs) > 0 {
		s.logf("  destroy errors: %v", errs)
		return errs
	}
	delete(s.state, code)
	delete(s.private, code)
	return nil
}

// refresh is the refresh of code's resource, if it is in state; false when
// it failed.
func (s *simulation) refresh(code string) bool {
	prior, ok := s.state[code]
	if !ok {
		return true
	}
	resp, err := s.server.ReadResource(s.ctx, &tfprotov6.ReadResourceRequest{
		TypeName: "moka_dealer_customer", CurrentState: dynamic(s.t, s.typ, prior), Private: s.private[code],
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if errs := errorsOf(resp.Diagnostics); len(errs) > 0 {
		s.logf("  refresh %s errors: %v", code, errs)
		return false // Terraform keeps the prior state
	}
	v := unmarshal(s.t, s.typ, resp.NewState)
	if v.IsNull() {
		s.logf("  refresh dropped %s", code)
		delete(s.state, code)
		delete(s.private, code)
		return true
	}
	s.state[code], s.private[code] = v, resp.Private
	return true
}

// importCode imports the customer holding code, on purpose.
func (s *simulation) importCode(code string) {
	if _, ok := s.state[code]; ok {
		return
	}
	s.newProcess()
	resp, err := s.server.ImportResourceState(s.ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "moka_dealer_customer", ID: "code:" + code})
	if err != nil {
		s.t.Fatal(err)
	}
	if hasError(resp.Diagnostics) || len(resp.ImportedResources) != 1 {
		return
	}
	// Terraform reads what it imports, and keeps nothing when that read fails.
	s.state[code], s.private[code] = unmarshal(s.t, s.typ, resp.ImportedResources[0].State), resp.ImportedResources[0].Private
	if !s.refresh(code) {
		delete(s.state, code)
		delete(s.private, code)
		return
	}
	if id := s.stateID(code); id != 0 {
		s.imported[id] = true
		s.logf("  imported %d", id)
	}
}

// stateID is the dealer_customer_id code's state holds, or 0.
func (s *simulation) stateID(code string) int64 {
	v, ok := s.state[code]
	if !ok {
		return 0
	}
	vals := map[string]tftypes.Value{}
	if err := v.As(&vals); err != nil {
		s.t.Fatal(err)
	}
	if vals["dealer_customer_id"].IsNull() || !vals["dealer_customer_id"].IsKnown() {
		return 0
	}
	var n *big.Float
	if err := vals["dealer_customer_id"].As(&n); err != nil {
		s.t.Fatal(err)
	}
	id, _ := n.Int64()
	return id
}

func (s *simulation) checkInvariants() {
	s.t.Helper()
	inMoka := map[int64]sandbox.Customer{}
	for _, c := range s.srv.Customers() {
		inMoka[c.DealerCustomerID] = c
	}
	seen := map[int64]string{}
	for _, code := range s.codes {
		id := s.stateID(code)
		if id == 0 {
			continue
		}
		if s.foreign[id] && !s.imported[id] {
			s.t.Errorf("state owns %s = customer %d, which another client made", code, id)
		}
		if other, dup := seen[id]; dup {
			s.t.Errorf("customer %d is in state as %s and %s", id, other, code)
		}
		seen[id] = code
		if c, ok := inMoka[id]; ok && c.CustomerCode != code {
			s.t.Errorf("state says %s is customer %d, which Moka holds as %q", code, id, c.CustomerCode)
		}
	}
	cards := map[string]bool{}
	for _, c := range s.srv.Cards() {
		cards[c.CardToken] = true
	}
	for token, owner := range s.appCards {
		if !cards[token] {
			s.t.Errorf("the application's card %s of customer %d is gone, and its customer was not removed", token, owner)
		}
	}
}

// converge turns the faults off and applies everything twice: the second
// round must change nothing, and state and Moka must agree.
func (s *simulation) converge() {
	s.logf("faults off; converge")
	// Not a restart: connections kept alive across one fail once, which is
	// a restart's effect, not the faults'.
	s.srv.SetFaultRate(0)
	// Rounds until one goes through without an error (a loaded machine can
	// still time a call out), then one that must change nothing.
	clean := false
	for round := 1; round <= 4 && !clean; round++ {
		clean = s.convergeRound(false)
	}
	if !clean {
		s.t.Errorf("four rounds of apply without faults did not go through")
	}
	s.convergeRound(true)
	for _, c := range s.srv.Customers() {
		owned := false
		for _, code := range s.codes {
			owned = owned || s.stateID(code) == c.DealerCustomerID
		}
		_, wanted := s.desired[c.CustomerCode]
		abandoned := s.killed[c.CustomerCode] && !wanted // a killed create no longer configured: no state can know it
		if moka.CustomerClaim(moka.Customer{Address: c.Address, FirstName: c.FirstName, LastName: c.LastName}) != "" && !owned && !abandoned {
			s.t.Errorf("customer %d (%s) carries a create's claim and no state owns it", c.DealerCustomerID, c.CustomerCode)
		}
		if owned && !moka.SameFreeText(c.FirstName, s.desired[c.CustomerCode]) {
			s.t.Errorf("customer %d (%s) has first_name %q, configured %q", c.DealerCustomerID, c.CustomerCode, c.FirstName, s.desired[c.CustomerCode])
		}
	}
}

// convergeRound refreshes and applies every code once; last means nothing
// may change any more. It reports whether no call failed.
func (s *simulation) convergeRound(last bool) bool {
	clean := true
	s.newProcess()
	for _, code := range s.codes {
		clean = s.refresh(code) && clean
	}
	s.checkInvariants()
	for _, code := range s.codes {
		before, inState := s.state[code]
		var errs []string
		if _, wanted := s.desired[code]; wanted {
			errs = s.apply(code)
			if s.followAdvice(code, errs) {
				errs = s.apply(code)
			}
		} else {
			errs = s.destroy(code)
		}
		s.checkInvariants()
		if len(errs) > 0 && !s.takenByAnother(code, errs) {
			clean = false
			if last {
				s.t.Errorf("the last round of %s failed: %v", code, errs)
			}
		}
		after, stillInState := s.state[code]
		if last && (inState != stillInState || (inState && !before.Equal(after))) {
			s.t.Errorf("the last round changed %s: %v -> %v", code, before, after)
		}
	}
	return clean
}

// followAdvice does what a conflict's error says to do about a customer a
// killed apply of this configuration made: wait until no create can still be
// running for its mark (the clock is moved on), then import it. It reports
// whether it imported.
func (s *simulation) followAdvice(code string, errs []string) bool {
	c, held := s.held(code)
	msg := strings.Join(errs, " ")
	if !held || !s.killed[code] || s.foreign[c.DealerCustomerID] || !strings.Contains(msg, "import {") {
		return false
	}
	if strings.Contains(msg, "wait until") {
		s.logf("  waiting out the mark of %d (%s)", c.DealerCustomerID, code)
		s.tuning.ahead.Store(int64(moka.ClaimMayBeRunningFor + time.Minute))
		defer s.tuning.ahead.Store(0)
	}
	s.logf("  importing %s as the error says", code)
	s.importCode(code)
	return s.stateID(code) == c.DealerCustomerID
}

// takenByAnother reports whether errs is the conflict of a code that a
// customer no state made holds.
func (s *simulation) takenByAnother(code string, errs []string) bool {
	c, held := s.held(code)
	msg := strings.Join(errs, " ")
	if !held {
		return s.opts.ForbidCodeReuse && strings.Contains(msg, "cannot be used again")
	}
	return (s.foreign[c.DealerCustomerID] || s.stateID(code) == 0) && strings.Contains(msg, "already in use")
}

func objectOf(typ tftypes.Object, vals map[string]tftypes.Value) tftypes.Value {
	all := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := vals[name]; ok {
			all[name] = v
		} else {
			all[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, all)
}

func dynamic(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func unmarshal(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	if dv == nil {
		return tftypes.NewValue(typ, nil)
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
