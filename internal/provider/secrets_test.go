package provider

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestAccSecretsStayOutOfLogsAndState runs a whole life (apply, plan, update,
// destroy) of customers with a password and a write-only password, and of
// cards, through the real terraform binary with TF_LOG=TRACE, against a
// sandbox that also fails some calls (so that retries and their error lines
// are logged too). Then it reads every log and the state file looking for the
// API password, the CheckKey, the customers' passwords and the full card
// numbers. The one secret the schema stores on purpose, `password` (sensitive),
// may appear in state in that attribute and nowhere else. The test also checks
// that the log holds the masked request lines a user needs for debugging, so
// that a log without provider lines cannot pass.
func TestAccSecretsStayOutOfLogsAndState(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	// password_wo and card_number_wo are write-only attributes, which need
	// Terraform 1.11: before it, the test runs with the plain password only.
	writeOnly := tf.Version().AtLeast(1, 11)
	if !writeOnly {
		t.Logf("Terraform %s is older than 1.11: no password_wo and no cards (card_number_wo) in this run", tf.Version())
	}
	const (
		apiPassword = "Api-S3cret-9f2"
		pinPlain    = "Cust-Pw-7Hq2"  // password: in state (sensitive), nowhere else
		pinPlain2   = "Cust-Pw-8Rz4"  // password after the update
		pinWO       = "WoPw-K8x3-aa1" // password_wo: never in state
		pinWO2      = "WoPw-M2v9-bb2" // password_wo after the version bump
	)
	cardA := testsupport.CardNumber("453144", 918_273_645, 16)
	cardB := testsupport.CardNumber("979206", 564_738_291, 16)
	checkKey := moka.CheckKey("SANDBOX", "sandbox", apiPassword)

	srv := accSandbox(t, sandbox.Options{
		Password:    apiPassword,
		FaultRate:   0.15,
		Seed:        9,
		TimeoutHang: 2 * time.Second,
	})
	secrets := map[string]string{
		"API password":                  apiPassword,
		"CheckKey":                      checkKey,
		"CheckKey (upper case)":         strings.ToUpper(checkKey),
		"customer password":             pinPlain,
		"customer password (2nd)":       pinPlain2,
		"write-only customer password":  pinWO,
		"write-only password (2nd)":     pinWO2,
		"card number A":                 cardA,
		"card number B":                 cardB,
		"card number A, middle digits":  cardA[6:12],
		"card number B, middle digits":  cardB[6:12],
		"card number A in groups of 4 ": cardA[:4] + " " + cardA[4:8] + " " + cardA[8:12],
	}
	if !writeOnly {
		for what := range secrets {
			if strings.Contains(what, "write-only") || strings.Contains(what, "card number") {
				delete(secrets, what)
			}
		}
	}

	config := func(pin, wo string, woVersion int, cardName string) string {
		plain := fmt.Sprintf(`
provider "moka" {
  base_url        = %[1]q
  dealer_code     = "SANDBOX"
  username        = "sandbox"
  password        = %[2]q
  max_retries     = 10
  request_timeout = "1s"
}

resource "moka_dealer_customer" "plain" {
  customer_code = "SEC-PLAIN"
  first_name    = "Gizli"
  password      = %[3]q
}

data "moka_dealer_customers" "all" {
  depends_on = [moka_dealer_customer.plain]
}
`, srv.URL(), apiPassword, pin)
		if !writeOnly {
			return plain
		}
		return fmt.Sprintf(`
provider "moka" {
  base_url        = %[1]q
  dealer_code     = "SANDBOX"
  username        = "sandbox"
  password        = %[2]q
  max_retries     = 10
  request_timeout = "1s"
}

resource "moka_dealer_customer" "plain" {
  customer_code = "SEC-PLAIN"
  first_name    = "Gizli"
  password      = %[3]q
}

resource "moka_dealer_customer" "wo" {
  customer_code       = "SEC-WO"
  first_name          = "Saklı"
  password_wo         = %[4]q
  password_wo_version = %[5]d
}

resource "moka_card" "a" {
  customer_code         = moka_dealer_customer.plain.customer_code
  card_holder_full_name = "Gizli Kişi"
  card_number_wo        = %[6]q
  exp_month             = "12"
  exp_year              = "2030"
  card_name             = %[8]q
}

resource "moka_card" "b" {
  dealer_customer_id    = moka_dealer_customer.wo.dealer_customer_id
  card_holder_full_name = "Saklı Kişi"
  card_number_wo        = %[7]q
  exp_month             = "12"
  exp_year              = "2030"
}

data "moka_dealer_customer" "wo" {
  customer_code = moka_dealer_customer.wo.customer_code
  depends_on    = [moka_card.b]
}

data "moka_dealer_customers" "all" {
  depends_on = [moka_card.a, moka_card.b]
}
`, srv.URL(), apiPassword, pin, wo, woVersion, cardA, cardB, cardName)
	}

	logs := filepath.Join(t.TempDir(), "logs")
	if err := os.Mkdir(logs, 0o700); err != nil {
		t.Fatal(err)
	}
	var outputs strings.Builder
	run := func(name string, args ...string) {
		t.Helper()
		env := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(logs, name+".log")}
		outputs.WriteString(tf.MustRun(env, args...))
	}

	tf.Config(config(pinPlain, pinWO, 1, "Bonus"))
	run("apply", "apply", "-auto-approve", "-input=false", "-no-color")
	run("plan", "plan", "-detailed-exitcode", "-input=false", "-no-color")
	state1, err := os.ReadFile(filepath.Join(tf.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	// The secrets were really sent: otherwise finding none of them proves nothing.
	stored := map[string]sandbox.Customer{}
	for _, c := range srv.Customers() {
		stored[c.CustomerCode] = c
	}
	if stored["SEC-PLAIN"].Password != pinPlain || writeOnly && stored["SEC-WO"].Password != pinWO {
		t.Fatalf("the sandbox holds %+v: the passwords did not arrive", stored)
	}
	if n, want := len(srv.Cards()), map[bool]int{true: 2, false: 0}[writeOnly]; n != want {
		t.Fatalf("the sandbox holds %d cards, want %d", n, want)
	}

	// An update sends both passwords again (UpdateCustomer) and renames a card.
	tf.Config(config(pinPlain2, pinWO2, 2, "Maaş"))
	run("update", "apply", "-auto-approve", "-input=false", "-no-color")
	for _, c := range srv.Customers() {
		stored[c.CustomerCode] = c
	}
	if stored["SEC-PLAIN"].Password != pinPlain2 || writeOnly && stored["SEC-WO"].Password != pinWO2 {
		t.Fatalf("the sandbox holds %+v: the new passwords did not arrive", stored)
	}
	run("refresh", "plan", "-refresh-only", "-input=false", "-no-color")
	run("show", "show", "-no-color")
	state2, err := os.ReadFile(filepath.Join(tf.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	run("destroy", "destroy", "-auto-approve", "-input=false", "-no-color")
	if n, k := len(srv.Customers()), len(srv.Cards()); n != 0 || k != 0 {
		t.Errorf("after destroy the sandbox holds %d customers and %d cards", n, k)
	}

	// The state: `password` of SEC-PLAIN holds its password, as the schema says;
	// take it out, and nothing secret may be left.
	stateText := stateWithoutPlainPassword(t, state1, pinPlain) + "\n" + stateWithoutPlainPassword(t, state2, pinPlain2)

	var allLogs strings.Builder
	entries, err := os.ReadDir(logs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(logs, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		allLogs.WriteString("\n=== " + e.Name() + "\n")
		allLogs.Write(b)
	}
	logText := allLogs.String()
	t.Logf("searched %d log files (%d bytes), the state (%d bytes) and %d bytes of terraform output",
		len(entries), len(logText), len(stateText), outputs.Len())

	for what, secret := range secrets {
		for where, text := range map[string]string{"the TRACE log": logText, "the state file": stateText, "terraform's output": outputs.String()} {
			if i := strings.Index(text, secret); i >= 0 {
				t.Errorf("the %s is in %s: ...%s...", what, where, around(text, i, len(secret)))
			}
		}
	}

	// The log is useful: every call is there, masked.
	// (Terraform 1.11 quotes a log value that holds quotes, 1.5 does not.)
	masked := func(field string) string { return `\\?"` + field + `\\?":\\?"\*\*\*\\?"` }
	wantLines := []string{"Moka API call", `moka_operation=AddCustomer`, "moka_operation=UpdateCustomer", masked("Password"), masked("CheckKey"), "attempt=2"}
	if writeOnly {
		wantLines = append(wantLines, "moka_operation=AddCard", masked("CardNumber"))
	}
	for _, want := range wantLines {
		if !regexp.MustCompile(want).MatchString(logText) {
			t.Errorf("the TRACE log has no %s: the provider's request lines are missing", want)
		}
	}
	// The first six and last four digits may show (they are in state).
	if writeOnly && !strings.Contains(stateText, cardA[len(cardA)-4:]) {
		t.Errorf("the state does not hold the card's last four digits %s", cardA[len(cardA)-4:])
	}
}

// stateWithoutPlainPassword is the state file with the one attribute that
// may hold a customer password (moka_dealer_customer.plain's `password`)
// removed, after checking that it holds want.
func stateWithoutPlainPassword(t *testing.T, state []byte, want string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(state, &doc); err != nil {
		t.Fatalf("state: %v", err)
	}
	resources, _ := doc["resources"].([]any)
	found := false
	for _, r := range resources {
		res, _ := r.(map[string]any)
		if res["type"] != "moka_dealer_customer" || res["name"] != "plain" {
			continue
		}
		instances, _ := res["instances"].([]any)
		for _, in := range instances {
			attrs, _ := in.(map[string]any)["attributes"].(map[string]any)
			if attrs["password"] != want {
				t.Errorf("moka_dealer_customer.plain: password in state is not the configured one")
			}
			delete(attrs, "password")
			found = true
		}
	}
	if !found {
		t.Fatal("moka_dealer_customer.plain is not in the state")
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// around is the text around a match, with the match itself masked, for an
// error message that must not repeat the secret it found.
func around(text string, i, n int) string {
	start, end := max(i-80, 0), min(i+n+80, len(text))
	return strings.ReplaceAll(text[start:i]+"<SECRET>"+text[i+n:end], "\n", "\\n")
}

// TestAccProductionExampleSavedPlanHoldsNoPassword plans the documented
// production configuration (examples/provider/provider-production.tf, which
// docs/index.md shows) against a sandbox holding its account, saves the plan
// with -out, and reads it back the ways a reviewer or a CI system would
// (terraform show -json, terraform show, the plan file's own entries): the API
// password must be in none of them. A variable that is sensitive but not
// ephemeral is written into the saved plan in full. Then the saved plan is
// applied, with the variable set again, as the docs say.
func TestAccProductionExampleSavedPlanHoldsNoPassword(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	if !tf.Version().AtLeast(1, 11) {
		// Ephemeral variables are Terraform 1.10's; the examples that use
		// them are checked with the write-only ones.
		t.Skip("the production example's ephemeral variable: need Terraform 1.11 or later")
	}
	const apiPassword = "Prod-Api-S3cret-4b7e"
	example, err := os.ReadFile(filepath.Join(moduleRoot(t), "examples", "provider", "provider-production.tf"))
	if err != nil {
		t.Fatal(err)
	}
	setting := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s*` + name + `\s*=\s*"([^"]*)"\s*$`).FindSubmatch(example)
		if m == nil {
			t.Fatalf("provider-production.tf sets no %s", name)
		}
		return string(m[1])
	}
	srv := accSandbox(t, sandbox.Options{DealerCode: setting("dealer_code"), Username: setting("username"), Password: apiPassword})
	// The same configuration, pointed at the sandbox instead of Moka's
	// production host.
	production := regexp.MustCompile(`(?m)^(\s*)environment(\s*)=\s*"production"\s*$`)
	if !production.Match(example) {
		t.Fatal(`provider-production.tf has no environment = "production" line`)
	}
	config := production.ReplaceAllString(string(example), fmt.Sprintf("${1}base_url   ${2}= %q", srv.URL()))
	tf.Config(config + `
resource "moka_dealer_customer" "c" {
  customer_code = "PLAN-1"
  first_name    = "Elif"
}
`)
	env := []string{"TF_VAR_moka_api_password=" + apiPassword}
	tf.MustRun(env, "plan", "-input=false", "-no-color", "-out=plan.tfplan")

	places := map[string]string{}
	code, out := tf.Run(nil, "show", "-json", "plan.tfplan")
	if code != 0 {
		t.Fatalf("terraform show -json plan.tfplan: exit %d\n%s", code, out)
	}
	places["terraform show -json plan.tfplan"] = out
	places["terraform show plan.tfplan"] = tf.MustRun(nil, "show", "-no-color", "plan.tfplan")
	zr, err := zip.OpenReader(filepath.Join(tf.Dir, "plan.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		places["plan.tfplan's "+f.Name] = string(body)
	}
	for where, text := range places {
		if strings.Contains(text, apiPassword) {
			t.Errorf("the API password is in %s", where)
		}
	}
	if !strings.Contains(places["terraform show -json plan.tfplan"], `"PLAN-1"`) {
		t.Errorf("the saved plan does not create the customer; finding no password in it proves nothing:\n%s", tail(out, 20))
	}

	tf.MustRun(env, "apply", "-input=false", "-no-color", "plan.tfplan")
	if _, err := storedCustomer(srv, "PLAN-1"); err != nil {
		t.Errorf("applying the saved plan: %v", err)
	}
}
