package provider

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

// The plan shows what the apply does. Each test applies what a user would,
// reads the plan (its text, its warnings, `terraform show -json`) and then
// Moka's own data.

// expectPassword fails unless Moka holds password for code.
func expectPassword(t *testing.T, srv *sandbox.Server, code, password string) {
	t.Helper()
	c, err := storedCustomer(srv, code)
	if err != nil {
		t.Fatal(err)
	}
	if c.Password != password {
		t.Errorf("Moka holds password %q for %s, want %q", c.Password, code, password)
	}
}

// TestAccPlanTruth_generatedConfigKeepsThePIN: terraform plan
// -generate-config-out on a customer with a PIN and an e-mail in Moka's own
// spelling; applying the generated file changes nothing in Moka, and the next
// plan is empty.
func TestAccPlanTruth_generatedConfigKeepsThePIN(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "GEN-1", FirstName: "İlker", Email: "Ilker@Example.com", Password: "4321"}); err != nil {
		t.Fatal(err)
	}
	before := srv.Customers()
	tf.Config(providerBlock(srv) + `
import {
  to = moka_dealer_customer.gen
  id = "code:GEN-1"
}
`)
	tf.MustRun(nil, "plan", "-input=false", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(tf.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated:\n%s", generated)
	for _, a := range plannedActions(t, tf, nil) {
		if !strings.HasSuffix(a, ": no-op") {
			t.Errorf("the import plans %s, want no change", a)
		}
	}
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	if after := srv.Customers(); len(after) != 1 || after[0] != before[0] {
		t.Errorf("applying generated configuration changed Moka: %+v, was %+v", after, before)
	}
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after the import is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}

// TestAccPlanTruth_generatedCardConfigPlans: -generate-config-out for an
// imported card writes both customer_code and dealer_customer_id; that
// configuration must plan the import alone, apply without touching Moka, and
// plan clean afterwards.
func TestAccPlanTruth_generatedCardConfigPlans(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	customer, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "GENCARD-1", FirstName: "Elif"})
	if err != nil {
		t.Fatal(err)
	}
	card, err := srv.AddCardDirect(customer.DealerCustomerID, "Elif Yılmaz", "5127541122223332", "12", "2030", "Maaş")
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Cards()
	tf.Config(providerBlock(srv) + fmt.Sprintf(`
import {
  to = moka_card.gen
  id = %q
}
`, card.CardToken))
	tf.MustRun(nil, "plan", "-input=false", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(tf.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(generated, []byte("customer_code")) || !bytes.Contains(generated, []byte("dealer_customer_id")) {
		t.Fatalf("the generated configuration no longer sets both customer_code and dealer_customer_id, which this test is about:\n%s", generated)
	}
	for _, a := range plannedActions(t, tf, nil) {
		if !strings.HasSuffix(a, ": no-op") {
			t.Errorf("the import plans %s, want no change", a)
		}
	}
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	if after := srv.Cards(); len(after) != 1 || after[0] != before[0] {
		t.Errorf("applying generated configuration changed Moka: %+v, was %+v", after, before)
	}
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after the import is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}

// TestAccPlanTruth_cardCodeRespelledWithItsID: a card that names its
// customer by both code and id, whose code gains a trailing blank. On a Moka
// that compares codes exactly that is another code, which the id's customer
// does not hold: the plan must refuse, not replace the card and then fail to
// store the new one with the old one gone.
func TestAccPlanTruth_cardCodeRespelledWithItsID(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	customer, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "T1"})
	if err != nil {
		t.Fatal(err)
	}
	card := func(code string) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "moka_card" "n" {
  customer_code          = %q
  dealer_customer_id     = %d
  card_holder_full_name  = "T One"
  card_number_wo         = "4531441122223338"
  card_number_wo_version = 1
  exp_month              = "12"
  exp_year               = "2030"
}
`, code, customer.DealerCustomerID)
	}
	tf.Config(card("T1"))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	before := srv.Cards()
	tf.Config(card("T1 "))
	code, out := tf.Run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	flat := flattened(out)
	if code == 0 || !strings.Contains(flat, `customer_code "T1 " names no customer in Moka`) {
		t.Errorf("a code that names no customer planned with its id (exit %d):\n%s", code, tail(out, 30))
	}
	if after := srv.Cards(); len(after) != 1 || after[0] != before[0] {
		t.Errorf("the refused apply changed Moka's cards: %+v, was %+v", after, before)
	}
}

// TestAccPlanTruth_numberWarningOnlyForAKeptCard: a card_number_wo that is
// not the kept card's number gets a warning, since Terraform cannot show a
// write-only change; when the plan replaces the card anyway (here, a new expiry
// year), the new card is stored with that number and no warning is due.
func TestAccPlanTruth_numberWarningOnlyForAKeptCard(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "W1"}); err != nil {
		t.Fatal(err)
	}
	card := func(number, year string) string {
		return providerBlock(srv) + fmt.Sprintf(`
resource "moka_card" "w" {
  customer_code          = "W1"
  card_holder_full_name  = "W One"
  card_number_wo         = %q
  card_number_wo_version = 1
  exp_month              = "12"
  exp_year               = %q
}
`, number, year)
	}
	const warning = "card_number_wo is not the stored card's number"
	tf.Config(card("5127541122223332", "2030"))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")

	tf.Config(card("4531441122223338", "2030"))
	code, out := tf.Run(nil, "plan", "-input=false", "-no-color")
	if code != 0 || !strings.Contains(out, warning) {
		t.Errorf("a new number for a kept card: want the warning (exit %d):\n%s", code, tail(out, 30))
	}
	tf.Config(card("4531441122223338", "2031"))
	code, out = tf.Run(nil, "plan", "-input=false", "-no-color")
	if code != 0 || strings.Contains(out, warning) || !strings.Contains(out, "must be replaced") {
		t.Errorf("a replaced card: want a replacement and no warning about the kept number (exit %d):\n%s", code, tail(out, 30))
	}
}

// TestAccPlanTruth_emailSpellingAfterImport: Moka spells the address
// differently from the configuration; an import plans no change.
func TestAccPlanTruth_emailSpellingAfterImport(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "MAIL-1", Email: "Ilker@Example.com"}); err != nil {
		t.Fatal(err)
	}
	tf.Config(providerBlock(srv) + `
import {
  to = moka_dealer_customer.c
  id = "code:MAIL-1"
}

resource "moka_dealer_customer" "c" {
  customer_code = "MAIL-1"
  email         = "ilker@example.com"
}
`)
	for _, a := range plannedActions(t, tf, nil) {
		t.Errorf("the import plans %s, want no change", a)
	}
}

// TestAccPlanTruth_passwordLeftOutIsNotManaged: a customer whose password
// goes from password to nothing keeps its PIN in Moka, and the plan says so in
// a warning; password = "" clears it.
func TestAccPlanTruth_passwordLeftOutIsNotManaged(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	customer := func(extra string) string {
		return providerBlock(srv) + fmt.Sprintf("\nresource \"moka_dealer_customer\" \"c\" {\n  customer_code = \"PIN-1\"\n  %s\n}\n", extra)
	}
	tf.Config(customer(`password = "1111"`))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	expectPassword(t, srv, "PIN-1", "1111")

	tf.Config(customer(""))
	out := tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "no longer managed") {
		t.Errorf("no warning that the password is no longer managed:\n%s", tail(out, 30))
	}
	expectPassword(t, srv, "PIN-1", "1111")
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after letting the password go is not empty (exit %d):\n%s", code, tail(out, 30))
	}

	tf.Config(customer(`password = ""`))
	out = tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "will be cleared") {
		t.Errorf("no warning that password = \"\" clears the password:\n%s", tail(out, 30))
	}
	expectPassword(t, srv, "PIN-1", "")
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after clearing the password is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}

// TestAccPlanTruth_writeOnlyPassword: moving from password to password_wo
// warns that the apply sets the PIN, and sets it; dropping password_wo and its
// version warns and leaves the PIN as it is.
func TestAccPlanTruth_writeOnlyPassword(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	if !tf.Version().AtLeast(1, 11) {
		t.Skip("password_wo is write-only: need Terraform 1.11 or later")
	}
	srv := accSandbox(t, sandbox.Options{})
	customer := func(extra string) string {
		return providerBlock(srv) + fmt.Sprintf("\nresource \"moka_dealer_customer\" \"c\" {\n  customer_code = \"WO-1\"\n  %s\n}\n", extra)
	}
	tf.Config(customer(`password = "1111"`))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")

	tf.Config(customer("password_wo = \"2222\"\n  password_wo_version = 1"))
	out := tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "will be set from password_wo") {
		t.Errorf("no warning that password_wo sets the password:\n%s", tail(out, 30))
	}
	expectPassword(t, srv, "WO-1", "2222")

	tf.Config(customer(""))
	out = tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "no longer managed") {
		t.Errorf("no warning that the password is no longer managed:\n%s", tail(out, 30))
	}
	expectPassword(t, srv, "WO-1", "2222")
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after dropping password_wo is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}

// TestAccPlanTruth_replacementNamesTheCards: changing customer_code warns,
// naming the customer and how many cards Moka holds for it.
func TestAccPlanTruth_replacementNamesTheCards(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	customer := func(code string) string {
		return providerBlock(srv) + fmt.Sprintf("\nresource \"moka_dealer_customer\" \"c\" {\n  customer_code = %q\n}\n", code)
	}
	tf.Config(customer("OLD-1"))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	held, err := storedCustomer(srv, "OLD-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, number := range []string{"5127541122223332", "4531441122223338"} {
		if _, err := srv.AddCardDirect(held.DealerCustomerID, "Uygulama", number, "12", "2030", ""); err != nil {
			t.Fatal(err)
		}
	}
	tf.Config(customer("NEW-1"))
	code, out := tf.Run(nil, "plan", "-input=false", "-no-color")
	if code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	want := fmt.Sprintf("replaces customer %d", held.DealerCustomerID)
	if flat := flattened(out); !strings.Contains(flat, want) || !strings.Contains(flat, "Moka holds 2 stored card(s)") {
		t.Errorf("the plan does not warn that customer %d and its 2 cards go:\n%s", held.DealerCustomerID, tail(out, 30))
	}
	// Onto a code another customer holds: the apply would remove this one,
	// with its cards, and then fail. The plan refuses.
	if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "TAKEN-2"}); err != nil {
		t.Fatal(err)
	}
	tf.Config(customer("TAKEN-2"))
	code, out = tf.Run(nil, "plan", "-input=false", "-no-color")
	if code == 0 || !strings.Contains(out, "Customer code already in use") {
		t.Errorf("a replacement onto a taken code planned (exit %d):\n%s", code, tail(out, 30))
	}
	if _, err := storedCustomer(srv, "OLD-1"); err != nil || len(srv.Cards()) != 2 {
		t.Errorf("the plan changed Moka: %v, %d cards", err, len(srv.Cards()))
	}
}

// TestAccPlanTruth_respellingACodeMokaFolds: on a Moka whose codes ignore
// case and trailing blanks, a customer_code changed only in spelling names the
// customer's own code, not another customer's, and is refused at plan without
// touching Moka: the replacement would remove the customer with its cards.
func TestAccPlanTruth_respellingACodeMokaFolds(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{CodesIgnoreCase: true})
	customer := func(code string) string {
		return providerBlock(srv) + fmt.Sprintf("\nresource \"moka_dealer_customer\" \"c\" {\n  customer_code = %q\n}\n", code)
	}
	tf.Config(customer("CI-1"))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	held, err := storedCustomer(srv, "CI-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddCardDirect(held.DealerCustomerID, "Uygulama", "5127541122223332", "12", "2030", ""); err != nil {
		t.Fatal(err)
	}
	for _, respelled := range []string{"ci-1", "CI-1 "} {
		tf.Config(customer(respelled))
		code, out := tf.Run(nil, "plan", "-input=false", "-no-color")
		flat := flattened(out)
		if code == 0 || !strings.Contains(flat, "Customer code differs only in spelling") || !strings.Contains(flat, `Keep customer_code = "CI-1"`) {
			t.Errorf("customer_code %q: want the plan refused as a respelling of the customer's own code (exit %d):\n%s", respelled, code, tail(out, 30))
		}
		if strings.Contains(flat, "belongs to customer") {
			t.Errorf("customer_code %q: the error calls the customer's own code another's:\n%s", respelled, tail(out, 30))
		}
	}
	if got, err := storedCustomer(srv, "CI-1"); err != nil || got.DealerCustomerID != held.DealerCustomerID || len(srv.Cards()) != 1 {
		t.Errorf("the plan changed Moka: %v, %d cards", err, len(srv.Cards()))
	}
}

// TestAccPlanTruth_refusedAtPlan: what the apply would certainly fail on is
// said at plan: naming a card Moka does not have (a warning), storing a card
// that has expired (an error).
func TestAccPlanTruth_refusedAtPlan(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	if _, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "CARDS-1"}); err != nil {
		t.Fatal(err)
	}
	// A missing card is a warning (an error would stop apply -refresh-only too).
	dir := tf.Sibling(t)
	dir.Config(providerBlock(srv) + `
resource "moka_card_name" "n" {
  card_token = "51937236-82e0-4637-a8f5-2e1ec56ec870"
  card_name  = "Yok"
}
`)
	if code, out := dir.Run(nil, "plan", "-input=false", "-no-color"); code != 0 || !strings.Contains(out, "No such Moka card: the apply will fail") {
		t.Errorf("plan of moka_card_name for a missing card (exit %d) does not warn:\n%s", code, tail(out, 30))
	}
	var cases []struct{ name, hcl, want string }
	if tf.Version().AtLeast(1, 11) {
		cases = append(cases, struct{ name, hcl, want string }{"an expired card", `
resource "moka_card" "k" {
  customer_code         = "CARDS-1"
  card_holder_full_name = "Eski Kart"
  card_number_wo        = "5127541122223332"
  exp_month             = "01"
  exp_year              = "2020"
}
`, "Card has expired"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := tf.Sibling(t)
			dir.Config(providerBlock(srv) + tc.hcl)
			code, out := dir.Run(nil, "plan", "-input=false", "-no-color")
			if code == 0 || !strings.Contains(out, tc.want) {
				t.Errorf("plan exit %d, want an error %q:\n%s", code, tc.want, tail(out, 30))
			}
			if n := srv.Stats().Calls["AddCard"] + srv.Stats().Calls["UpdateCard"]; n != 0 {
				t.Errorf("%d writes reached the sandbox", n)
			}
		})
	}
}

// TestAccPlanTruth_emptyAndUnset: first_name = "" taken out of the
// configuration is a change Terraform's plan does not render. The plan says
// in a warning that only the record changes, and the apply calls Moka for
// nothing.
func TestAccPlanTruth_emptyAndUnset(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	customer := func(extra string) string {
		return providerBlock(srv) + fmt.Sprintf("\nresource \"moka_dealer_customer\" \"c\" {\n  customer_code = \"EMPTY-1\"\n  last_name     = \"Boş\"\n  %s\n}\n", extra)
	}
	tf.Config(customer(`first_name = ""`))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false")
	before := srv.Stats().Calls
	stored, err := storedCustomer(srv, "EMPTY-1")
	if err != nil {
		t.Fatal(err)
	}
	tf.Config(customer(""))
	out := tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if flat := flattened(out); !strings.Contains(flat, "Only Terraform's record changes") || !strings.Contains(flat, "first_name goes between") {
		t.Errorf("no warning naming first_name:\n%s", tail(out, 30))
	}
	if n := srv.Stats().Calls["UpdateCustomer"] - before["UpdateCustomer"]; n != 0 {
		t.Errorf("%d UpdateCustomer calls for a change Moka cannot see", n)
	}
	if after, _ := storedCustomer(srv, "EMPTY-1"); after != stored {
		t.Errorf("Moka changed: %+v, was %+v", after, stored)
	}
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the next plan is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}

// TestAccWrongCredentialsOneError: a wrong password gives one error that
// names the settings to check, not one per resource.
func TestAccWrongCredentialsOneError(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	tf.Config(fmt.Sprintf(`
provider "moka" {
  base_url    = %q
  dealer_code = "SANDBOX"
  username    = "sandbox"
  password    = "not-the-password"
}

resource "moka_dealer_customer" "c" {
  count         = 3
  customer_code = "CRED-${count.index}"
}
`, srv.URL()))
	code, out := tf.Run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	flat := flattened(out)
	if code == 0 || strings.Count(out, "Error: ") != 1 || !strings.Contains(flat, "Moka refused the provider's credentials") ||
		!strings.Contains(flat, "dealer_code, username and password") || !strings.Contains(flat, "MOKA_PASSWORD") {
		t.Errorf("exit %d, want exactly one error naming the settings:\n%s", code, tail(out, 40))
	}
	if strings.Contains(out, "not-the-password") {
		t.Errorf("the error shows the password:\n%s", out)
	}
	if n := len(srv.Customers()); n != 0 {
		t.Errorf("%d customers created", n)
	}
}

// TestAccPlanTruth_emptyStringEverywhere: "" in each optional text attribute
// of a customer is taken as leaving it out, end to end: validate accepts it
// (email, gender and birth_date included), the apply stores a customer with
// those fields empty, the next plan is empty, and taking the ""s out changes
// only Terraform's record, with the warning that says so.
func TestAccPlanTruth_emptyStringEverywhere(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	srv := accSandbox(t, sandbox.Options{})
	attrs := []string{"first_name", "last_name", "gender", "birth_date", "gsm_number", "email", "address"}
	customer := func(empty bool) string {
		var b strings.Builder
		b.WriteString(providerBlock(srv) + "\nresource \"moka_dealer_customer\" \"c\" {\n  customer_code = \"EMPTY-ALL\"\n")
		for _, a := range attrs {
			if empty {
				fmt.Fprintf(&b, "  %s = \"\"\n", a)
			}
		}
		b.WriteString("}\n")
		return b.String()
	}
	tf.Config(customer(true))
	tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	stored, err := storedCustomer(srv, "EMPTY-ALL")
	if err != nil {
		t.Fatal(err)
	}
	if empty := (sandbox.Customer{CustomerCode: stored.CustomerCode, DealerCustomerID: stored.DealerCustomerID, Password: stored.Password}); stored != empty {
		t.Errorf("Moka holds %+v, want every field empty", stored)
	}
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the plan after the apply is not empty (exit %d):\n%s", code, tail(out, 30))
	}
	before := srv.Stats().Calls["UpdateCustomer"]
	tf.Config(customer(false))
	out := tf.MustRun(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if flat := flattened(out); !strings.Contains(flat, "Only Terraform's record changes") || !strings.Contains(flat, "email") {
		t.Errorf("no warning that only the record changes:\n%s", tail(out, 30))
	}
	if n := srv.Stats().Calls["UpdateCustomer"] - before; n != 0 {
		t.Errorf("%d UpdateCustomer calls for a change Moka cannot see", n)
	}
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the plan after taking the \"\"s out is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}
