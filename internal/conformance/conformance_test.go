package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The sandbox account's API password in these tests: it must never show.
const apiPassword = "Api-Secret-7731"

// sandboxWithCustomers starts a sandbox with opts whose account already holds
// a customer with a card, which a run must leave exactly as they are.
func sandboxWithCustomers(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	opts.Password = apiPassword
	srv := testsupport.StartSandbox(t, opts)
	c, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "PRE-1", FirstName: "Zeynep", Password: "pre-pin"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddCardDirect(c.DealerCustomerID, "Zeynep K", testCard, "12", "2030", "hers"); err != nil {
		t.Fatal(err)
	}
	return srv
}

// env is the environment of a run against srv.
func env(srv *sandbox.Server) func(string) string {
	vars := map[string]string{
		"MOKA_DEALER_CODE": "SANDBOX", "MOKA_USERNAME": "sandbox", "MOKA_PASSWORD": apiPassword, "MOKA_BASE_URL": srv.URL(),
	}
	return func(name string) string { return vars[name] }
}

// envVia is the environment of a run against srv through a proxy at baseURL.
func envVia(srv *sandbox.Server, baseURL string) func(string) string {
	return func(name string) string {
		if name == "MOKA_BASE_URL" {
			return baseURL
		}
		return env(srv)(name)
	}
}

type account struct {
	customers []sandbox.Customer
	cards     []sandbox.Card
}

func snapshot(srv *sandbox.Server) account { return account{srv.Customers(), srv.Cards()} }

func (a account) equal(b account) bool {
	return slices.Equal(a.customers, b.customers) && slices.Equal(a.cards, b.cards)
}

// secrets are what no output may show.
var secrets = []string{apiPassword, moka.CheckKey("SANDBOX", "sandbox", apiPassword), testCard, otherTestCard, luhnFailing, "pre-pin"}

func noSecrets(t *testing.T, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("the output shows a secret (%.4s...)", s)
			}
		}
	}
}

func runAgainst(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), context.Background(), args, getenv, &stdout, &stderr)
	noSecrets(t, stdout.String(), stderr.String())
	return code, stdout.String(), stderr.String()
}

func decodeReport(t *testing.T, out string) Report {
	t.Helper()
	var r Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	return r
}

// The command against the default sandbox finds it the same (exit 0), and
// under each switch finds exactly that switch's behaviour different and names
// the switch (exit 1); either way the account is left as it was.
func TestConformanceAgainstSandbox(t *testing.T) {
	cases := []struct {
		name string
		sw   *sandbox.Switch
	}{{name: "default"}}
	for _, sw := range sandbox.Switches {
		cases = append(cases, struct {
			name string
			sw   *sandbox.Switch
		}{sw.Flag, &sw})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts sandbox.Options
			wantExit := ExitSame
			if tc.sw != nil {
				tc.sw.Enable(&opts)
				wantExit = ExitDiffers
			}
			if tc.sw != nil && tc.sw.Flag == exRow {
				// An EX answer comes only by itself: let some calls fail with one.
				opts.FaultRate, opts.FaultKinds, opts.Seed = 0.2, []sandbox.FaultKind{sandbox.FaultEX}, 11
			}
			srv := sandboxWithCustomers(t, opts)
			before := snapshot(srv)

			code, out, stderr := runAgainst(t, env(srv), "--json")
			if code != wantExit {
				t.Fatalf("exit %d, want %d\n%s%s", code, wantExit, out, stderr)
			}
			rep := decodeReport(t, out)
			if rep.ExitCode != code || len(rep.Behaviours) != len(behaviours) || len(rep.LeftBehind) != 0 || rep.Interrupted {
				t.Errorf("report %+v", rep)
			}
			for _, row := range rep.Behaviours {
				switch {
				case tc.sw != nil && row.ID == tc.sw.Flag:
					if row.Verdict != VerdictDiffers || row.SandboxSwitch != "--"+tc.sw.Flag {
						t.Errorf("%s: verdict %q switch %q (this Moka: %s), want differs, --%s", row.ID, row.Verdict, row.SandboxSwitch, row.ThisMoka, tc.sw.Flag)
					}
				case row.ID == exRow && opts.FaultRate == 0:
					if row.Verdict != VerdictNotObserved {
						t.Errorf("%s: verdict %q (this Moka: %s), want not observed: nothing answered EX", row.ID, row.Verdict, row.ThisMoka)
					}
				case row.Verdict != VerdictSame:
					t.Errorf("%s: verdict %q (this Moka: %s; %s), want same", row.ID, row.Verdict, row.ThisMoka, row.Error)
				}
			}
			if after := snapshot(srv); !after.equal(before) {
				t.Errorf("the account changed:\nbefore %+v\nafter  %+v", before, after)
			}

			// The table says the same.
			_, text, _ := runAgainst(t, env(srv))
			for _, want := range []string{"BEHAVIOUR", "DOCUMENTATION", "DEFAULT SANDBOX", "THIS MOKA", "VERDICT", "Removed everything this run created"} {
				if !strings.Contains(text, want) {
					t.Errorf("the table lacks %q:\n%s", want, text)
				}
			}
			if tc.sw != nil && !strings.Contains(text, "Reproduce with: terraform-provider-moka sandbox --"+tc.sw.Flag+"\n") {
				t.Errorf("the difference's switch is not named:\n%s", text)
			}
			if after := snapshot(srv); !after.equal(before) {
				t.Errorf("the account changed after the second run")
			}
		})
	}
}

// exRow is the behaviour that only EX answers that come by themselves settle.
const exRow = "ex-text-in-exception"

// Every sandbox switch is settled by one behaviour of the script, in the
// switches' order, and each behaviour names a switch.
func TestBehavioursCoverEverySwitch(t *testing.T) {
	if len(behaviours) != len(sandbox.Switches) {
		t.Fatalf("%d behaviours, %d switches", len(behaviours), len(sandbox.Switches))
	}
	for i, sw := range sandbox.Switches {
		b := behaviours[i]
		if b.ID != sw.Flag {
			t.Errorf("behaviour %d is %q, switch %d is %q", i, b.ID, i, sw.Flag)
		}
		if b.Name == "" || b.Documentation == "" || b.Sandbox == "" || b.Switched == "" || b.Sandbox == b.Switched || b.probe == nil {
			t.Errorf("behaviour %q is incomplete: %+v", b.ID, b)
		}
	}
}

// A Moka that answers in a way no switch plays is a difference without a
// switch, and the row says so.
func TestConformanceDifferenceWithoutSwitch(t *testing.T) {
	srv := sandboxWithCustomers(t, sandbox.Options{})
	// A proxy in front of the sandbox that renames UpdateCard's result codes.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if strings.HasSuffix(r.URL.Path, "/UpdateCard") {
			body = bytes.ReplaceAll(body, []byte("DealerCustomer.GetCard."), []byte("UpdateCard."))
		}
		w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
		_, _ = w.Write(body)
	}))
	defer proxy.Close()
	code, out, _ := runAgainst(t, envVia(srv, proxy.URL))
	if code != ExitDiffers || !strings.Contains(out, "No sandbox switch plays exactly this (the nearest is --update-card-own-codes)") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// Ctrl-C in the middle: the script stops, what it created is removed, exit 2.
func TestConformanceInterrupted(t *testing.T) {
	for _, after := range []int64{3, 12, 25} {
		t.Run("", func(t *testing.T) {
			script, stop := context.WithCancel(context.Background())
			defer stop()
			var calls atomic.Int64
			srv := sandboxWithCustomers(t, sandbox.Options{Logf: func(format string, args ...any) {
				if strings.Contains(format, "->") && calls.Add(1) == after {
					stop()
				}
			}})
			before := snapshot(srv)
			var stdout, stderr bytes.Buffer
			code := run(script, context.Background(), []string{"--json"}, env(srv), &stdout, &stderr)
			if code != ExitCouldNot {
				t.Fatalf("exit %d, want %d\n%s", code, ExitCouldNot, stdout.String())
			}
			rep := decodeReport(t, stdout.String())
			if !rep.Interrupted || len(rep.LeftBehind) != 0 {
				t.Errorf("interrupted %v, left behind %v", rep.Interrupted, rep.LeftBehind)
			}
			if after := snapshot(srv); !after.equal(before) {
				t.Errorf("the account changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// What cannot be removed is listed with its code and id, and the run fails.
func TestConformanceLeftBehind(t *testing.T) {
	srv := sandboxWithCustomers(t, sandbox.Options{})
	// A proxy that refuses every RemoveCustomer of one customer.
	var refusedCode atomic.Value
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.HasSuffix(r.URL.Path, "/RemoveCustomer") && bytes.Contains(body, []byte("-UNSET")) {
			refusedCode.Store(true)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = io.WriteString(w, `{"Data":null,"ResultCode":"DealerCustomer.RemoveCustomer.InvalidRequest","ResultMessage":"refused by the test","Exception":null}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		srv.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	code, out, _ := runAgainst(t, envVia(srv, proxy.URL))
	if code != ExitCouldNot {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitCouldNot, out)
	}
	var left sandbox.Customer
	for _, c := range srv.Customers() {
		if strings.HasSuffix(c.CustomerCode, "-UNSET") {
			left = c
		}
	}
	if left.DealerCustomerID == 0 || len(srv.Customers()) != 2 {
		t.Fatalf("customers %+v: want PRE-1 and the one whose removal was refused", srv.Customers())
	}
	want := "- customer " + left.CustomerCode + " (DealerCustomerId " + itoa(left.DealerCustomerID) + "): moka RemoveCustomer: DealerCustomer.RemoveCustomer.InvalidRequest: refused by the test"
	if !strings.Contains(out, "Could not remove (remove these by hand):\n"+want+"\n") {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// Wrong credentials stop the run before it creates anything, saying so once.
func TestConformanceWrongCredentials(t *testing.T) {
	srv := sandboxWithCustomers(t, sandbox.Options{})
	getenv := func(name string) string {
		if name == "MOKA_PASSWORD" {
			return "not-" + apiPassword
		}
		return env(srv)(name)
	}
	code, out, _ := runAgainst(t, getenv)
	if code != ExitCouldNot || !strings.Contains(out, "Could not run: Moka refused the credentials") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "not-"+apiPassword) {
		t.Errorf("the output shows the password given")
	}
	if n := srv.Stats().Calls["AddCustomer"]; n != 0 {
		t.Errorf("%d AddCustomer calls with wrong credentials", n)
	}
}

// Settings: flags beat the environment, as the provider block does; nothing
// defaults to production, and production is refused without
// --allow-production, saying why.
func TestConformanceSettings(t *testing.T) {
	base := map[string]string{"MOKA_DEALER_CODE": "D", "MOKA_USERNAME": "u", "MOKA_PASSWORD": "p"}
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantURL    string
		wantStderr string // for a run that stops
	}{
		{"environment test", map[string]string{"MOKA_ENVIRONMENT": "test"}, nil, moka.TestBaseURL, ""},
		{"flag beats env", map[string]string{"MOKA_BASE_URL": "http://127.0.0.1:1"}, []string{"--environment", "test", "--base-url", "http://127.0.0.1:2"}, "http://127.0.0.1:2", ""},
		{"production allowed", nil, []string{"--environment", "production", "--allow-production"}, moka.ProductionBaseURL, ""},
		{"no endpoint", nil, nil, "", "never defaults to production"},
		{"plain http elsewhere", nil, []string{"--base-url", "http://example.com"}, "", "unencrypted"},
		{"missing credentials", map[string]string{"MOKA_PASSWORD": "", "MOKA_ENVIRONMENT": "test"}, nil, "", "missing --password (or MOKA_PASSWORD)"},
		{"bad timeout", map[string]string{"MOKA_ENVIRONMENT": "test"}, []string{"--request-timeout", "soon"}, "", "--request-timeout"},
		{"unexpected argument", map[string]string{"MOKA_ENVIRONMENT": "test"}, []string{"now"}, "", `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range base {
				vars[k] = v
			}
			for k, v := range tt.env {
				vars[k] = v
			}
			var stderr bytes.Buffer
			o, code, ok := parse(tt.args, func(n string) string { return vars[n] }, &stderr)
			if ok != (tt.wantStderr == "") {
				t.Fatalf("ok %v (exit %d): %s", ok, code, stderr.String())
			}
			if !ok {
				if code != ExitCouldNot || !strings.Contains(stderr.String(), tt.wantStderr) {
					t.Errorf("exit %d, stderr %q, want %q", code, stderr.String(), tt.wantStderr)
				}
				return
			}
			if o.baseURL != tt.wantURL {
				t.Errorf("base URL %q, want %q", o.baseURL, tt.wantURL)
			}
			if why := productionRefusal(o); why != "" {
				t.Errorf("refused: %s", why)
			}
		})
	}
}

func TestConformanceRefusesProduction(t *testing.T) {
	for _, args := range [][]string{
		{"--environment", "production"},
		{"--base-url", "https://service.mokaunited.com/"},
		{"--base-url", "https://SERVICE.MOKA.COM"},
		{"--base-url", "https://service.mokaunited.com./DealerCustomer"}, // fully qualified: the same host
		{"--base-url", "https://service.moka.com.:443"},
	} {
		vars := map[string]string{"MOKA_DEALER_CODE": "D", "MOKA_USERNAME": "u", "MOKA_PASSWORD": "p"}
		code, out, stderr := runAgainst(t, func(n string) string { return vars[n] }, args...)
		if code != ExitCouldNot || out != "" {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
		for _, want := range []string{"production endpoint; refusing to run there", "real customers", "--allow-production"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, stderr)
			}
		}
	}
}

func TestConformanceHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--allow-production", "-json", "MOKA_PASSWORD", "Exit status: 0"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-h lacks %q:\n%s", want, stderr.String())
		}
	}
}

// A sandbox that fails a fifth of the calls in every way it can (answers
// lost after a commit among them): the run retries, settles every row the
// same as the default sandbox, and removes what it created.
func TestConformanceUnderFaults(t *testing.T) {
	for _, seed := range []int64{1, 2, 3, 42} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			var faults, lost atomic.Int64
			srv := sandboxWithCustomers(t, sandbox.Options{FaultRate: 0.2, Seed: seed, TimeoutHang: 300 * time.Millisecond, Logf: func(format string, args ...any) {
				line := fmt.Sprintf(format, args...)
				if strings.Contains(line, "fault") {
					faults.Add(1)
				}
				if strings.Contains(line, "Success, then fault lostreply") {
					lost.Add(1)
				}
			}})
			before := snapshot(srv)
			code, out, stderr := runAgainst(t, env(srv), "--json", "--request-timeout", "2s")
			rep := decodeReport(t, out)
			if code != ExitSame {
				t.Errorf("exit %d, want %d\n%s%s", code, ExitSame, out, stderr)
			}
			for _, row := range rep.Behaviours {
				if row.Verdict != VerdictSame && !(row.ID == exRow && row.ThisMoka == "text in ResultMessage") {
					t.Errorf("%s: %s (this Moka: %s; %s)", row.ID, row.Verdict, row.ThisMoka, row.Error)
				}
			}
			if faults.Load() < 10 || lost.Load() == 0 {
				t.Errorf("%d faults, %d answers lost after a commit: the run met too few to show anything", faults.Load(), lost.Load())
			}
			t.Logf("%d faults, %d answers lost after a commit, %d calls", faults.Load(), lost.Load(), srv.Stats().Calls["AddCustomer"])
			srv.SetFaultRate(0)
			if after := snapshot(srv); !after.equal(before) {
				t.Errorf("the account changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

// A run killed outright (kill -9) leaves its customers; the next run names
// them, removes them with their cards, and touches nothing else: not a
// customer without the prefix, not one of a run that may still be going.
func TestConformanceRemovesKilledRunsCustomers(t *testing.T) {
	srv := sandboxWithCustomers(t, sandbox.Options{})
	old := time.Now().Add(-2 * time.Hour).UTC().Format("20060102150405")
	young := time.Now().Add(-time.Minute).UTC().Format("20060102150405")
	killed := []string{
		"TFCONF-" + old + "-0A1B2C3D-01-CASE",
		"TFCONF-" + old + "-0A1B2C3D-02-CARDS",
		"TFCONF-9F8E7D6C-03-UNSET", // the older prefix, without a start time
	}
	kept := []string{
		"TFCONF-" + young + "-11112222-01-CASE", // a run that may still be going
		"tfconf-" + old + "-0a1b2c3d-04-lower",  // not the prefix: case counts
		"TFCONFX-" + old + "-0A1B2C3D-05",
		"MY-TFCONF-" + old + "-0A1B2C3D-06",
		"CUSTOMER-7",
	}
	for _, code := range append(append([]string(nil), killed...), kept...) {
		c, err := srv.PutCustomer(sandbox.Customer{CustomerCode: code, FirstName: "Left"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.AddCardDirect(c.DealerCustomerID, "Left Over", testCard, "12", "2030", "left"); err != nil {
			t.Fatal(err)
		}
	}
	var wantCodes []string
	for _, c := range srv.Customers() {
		if !slices.Contains(killed, c.CustomerCode) {
			wantCodes = append(wantCodes, c.CustomerCode)
		}
	}

	code, out, stderr := runAgainst(t, env(srv))
	if code != ExitSame {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	for _, k := range killed {
		if !strings.Contains(out, "- customer "+k+" (DealerCustomerId ") || !strings.Contains(out, k+" (DealerCustomerId") {
			t.Errorf("the output does not name %s:\n%s", k, out)
		}
	}
	if !strings.Contains(out, "of an earlier run: removed, with its cards") || !strings.Contains(out, "may still be going: left alone") {
		t.Errorf("the output does not say what it did:\n%s", out)
	}
	var gotCodes []string
	for _, c := range srv.Customers() {
		gotCodes = append(gotCodes, c.CustomerCode)
	}
	if !slices.Equal(gotCodes, wantCodes) {
		t.Errorf("customers %v, want %v", gotCodes, wantCodes)
	}
	// Every remaining customer still has its card; the removed ones' went.
	if n := len(srv.Cards()); n != len(wantCodes) {
		t.Errorf("%d cards, want %d (one per remaining customer)", n, len(wantCodes))
	}

	// As JSON, the same list.
	_, out, _ = runAgainst(t, env(srv), "--json")
	rep := decodeReport(t, out)
	if len(rep.EarlierRuns) != 1 || rep.EarlierRuns[0].CustomerCode != kept[0] {
		t.Errorf("second run's earlier_runs %+v, want only the young run's customer", rep.EarlierRuns)
	}
}

// The start time is in the prefix, and codes parse back to their run.
func TestRunOf(t *testing.T) {
	start := time.Date(2026, 12, 7, 10, 26, 44, 0, time.UTC)
	p := newPrefix(start)
	if !strings.HasPrefix(p, "TFCONF-20261207102644-") || len(p) != len("TFCONF-20261207102644-XXXXXXXX-") {
		t.Fatalf("prefix %q", p)
	}
	for _, tc := range []struct {
		code   string
		prefix string
		ok     bool
	}{
		{p + "01-CASE", p, true},
		{"TFCONF-0A1B2C3D-01-CASE", "TFCONF-0A1B2C3D-", true},
		{"tfconf-0a1b2c3d-01", "", false},
		{"TFCONF-", "", false},
		{"PRE-1", "", false},
	} {
		prefix, started, ok := runOf(tc.code)
		if prefix != tc.prefix || ok != tc.ok {
			t.Errorf("runOf(%q) = %q, %v, want %q, %v", tc.code, prefix, ok, tc.prefix, tc.ok)
		}
		if tc.code == p+"01-CASE" && !started.Equal(start) {
			t.Errorf("started %v", started)
		}
	}
}

// A sandbox switch given to conformance (which takes none) says whose flag it
// is and how to compare an account with a sandbox run with it, instead of the
// flag package's "flag provided but not defined" and the whole usage text;
// the sandbox's other flags likewise. Exit 2, nothing on stdout.
func TestConformanceSandboxFlagsBelongToTheSandbox(t *testing.T) {
	vars := map[string]string{"MOKA_DEALER_CODE": "D", "MOKA_USERNAME": "u", "MOKA_PASSWORD": "p", "MOKA_ENVIRONMENT": "test"}
	getenv := func(n string) string { return vars[n] }
	check := func(args []string, wants ...string) {
		t.Helper()
		code, out, stderr := runAgainst(t, getenv, args...)
		if code != ExitCouldNot || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want exit %d and nothing", args, code, out, ExitCouldNot)
		}
		for _, unwanted := range []string{"Usage:", "flag provided but not defined"} {
			if strings.Contains(stderr, unwanted) {
				t.Errorf("%v: stderr has %q:\n%s", args, unwanted, stderr)
			}
		}
		for _, want := range wants {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, stderr)
			}
		}
	}
	for _, sw := range sandbox.Switches {
		for _, args := range [][]string{
			{"--" + sw.Flag},
			{"-" + sw.Flag + "=true"},
			{"--base-url", "http://127.0.0.1:1", "--json", "--" + sw.Flag},
		} {
			check(args, "--"+sw.Flag+" is a switch of the sandbox, not of conformance",
				"terraform-provider-moka sandbox --listen 127.0.0.1:0 --"+sw.Flag,
				"conformance --base-url http://127.0.0.1:PORT", "conformance --environment test")
		}
	}
	check([]string{"--latency", "100ms"}, "--latency is a flag of the sandbox, not of conformance", "conformance --base-url http://127.0.0.1:PORT")

	// Every flag of the sandbox is one of conformance's, a switch, or in
	// sandboxRunFlags: a new sandbox flag cannot slip past this message.
	var help bytes.Buffer
	sandbox.Main([]string{"-h"}, io.Discard, &help)
	names := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(help.String(), -1)
	if len(names) < len(sandbox.Switches)+5 {
		t.Fatalf("found %d flags in the sandbox's -h:\n%s", len(names), help.String())
	}
	for _, m := range names {
		name := m[1]
		if _, ok := sandbox.SwitchByFlag(name); ok || slices.Contains(sandboxRunFlags, name) || slices.Contains([]string{"dealer-code", "username", "password"}, name) {
			continue
		}
		t.Errorf("the sandbox's --%s is neither a switch, one of conformance's flags, nor in sandboxRunFlags", name)
	}

	// A flag that is nobody's is still the flag package's usage error.
	code, _, stderr := runAgainst(t, getenv, "--nonsense")
	if code != ExitCouldNot || !strings.Contains(stderr, "flag provided but not defined: -nonsense") {
		t.Errorf("--nonsense: exit %d:\n%s", code, stderr)
	}
}
