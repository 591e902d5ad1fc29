package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

func TestCustomerDisplayName(t *testing.T) {
	for _, tc := range []struct {
		c    moka.Customer
		want string
	}{
		{moka.Customer{CustomerCode: "CUST-1", FirstName: "Elif", LastName: "Yetimoğlu"}, "CUST-1 (Elif Yetimoğlu)"},
		{moka.Customer{CustomerCode: "CUST-1", FirstName: " Elif "}, "CUST-1 (Elif)"},
		{moka.Customer{CustomerCode: "CUST-1", LastName: "Yetimoğlu"}, "CUST-1 (Yetimoğlu)"},
		{moka.Customer{CustomerCode: "CUST-1"}, "CUST-1"},
	} {
		if got := customerDisplayName(tc.c); got != tc.want {
			t.Errorf("customerDisplayName(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestCardDisplayName(t *testing.T) {
	card := func(name string) moka.CardWithCustomer {
		return moka.CardWithCustomer{
			Customer: moka.Customer{CustomerCode: "CUST-1"},
			Card:     moka.Card{CardName: name, CardNumberFirstSix: "512754", CardNumberLastFour: "3332"},
		}
	}
	for _, tc := range []struct {
		c    moka.CardWithCustomer
		want string
	}{
		{card("Bonus kartım"), "512754******3332 Bonus kartım (CUST-1)"},
		{card(""), "512754******3332 (CUST-1)"},
		{card("  "), "512754******3332 (CUST-1)"},
	} {
		if got := cardDisplayName(tc.c); got != tc.want {
			t.Errorf("cardDisplayName(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestLimited(t *testing.T) {
	five := func(push func(list.ListResult) bool) {
		for i := range 5 {
			if !push(list.ListResult{DisplayName: fmt.Sprint(i)}) {
				return
			}
		}
	}
	for _, tc := range []struct {
		limit int64
		stop  int // the consumer stops after this many; 0: never
		want  int
		warn  bool // the last result says the list stopped at its limit
	}{
		{0, 0, 5, false}, {3, 0, 3, true}, {5, 0, 5, false}, {9, 0, 5, false}, {0, 2, 2, false}, {4, 2, 2, false}, {1, 0, 1, true},
	} {
		got, warned := 0, false
		for r := range limited(tc.limit, "things", five) {
			got++
			warned = r.Diagnostics.WarningsCount() > 0
			if warned && !strings.Contains(r.Diagnostics.Warnings()[0].Detail(), fmt.Sprintf("limit of %d", tc.limit)) {
				t.Errorf("limit %d: the warning does not name the limit: %s", tc.limit, r.Diagnostics.Warnings()[0].Detail())
			}
			if got == tc.stop {
				break
			}
		}
		if got != tc.want || warned != tc.warn {
			t.Errorf("limit %d, consumer stops at %d: %d results (warning on the last: %v), want %d (%v)", tc.limit, tc.stop, got, warned, tc.want, tc.warn)
		}
	}
}

// seedAccount fills srv as an account that existed before Terraform: three
// customers, one with a PIN, and a card each for two of them.
func seedAccount(t *testing.T, srv *sandbox.Server) (elifCard, zeynepCard sandbox.Card) {
	t.Helper()
	put := func(c sandbox.Customer) sandbox.Customer {
		got, err := srv.PutCustomer(c)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	elif := put(sandbox.Customer{CustomerCode: "ACME-1", FirstName: "Elif", LastName: "Yetimoğlu", Gender: 2, BirthDate: "19901218", Email: "elif@example.com"})
	put(sandbox.Customer{CustomerCode: "ACME-2"})
	zeynep := put(sandbox.Customer{CustomerCode: "OTHER-1", FirstName: "Zeynep", Password: "4417"})
	var err error
	if elifCard, err = srv.AddCardDirect(elif.DealerCustomerID, "Elif Yetimoglu", cardAkbank, "12", "2030", "Bonus kartım"); err != nil {
		t.Fatal(err)
	}
	if zeynepCard, err = srv.AddCardDirect(zeynep.DealerCustomerID, "Zeynep Şahin", "4531441122223338", "01", "2031", ""); err != nil {
		t.Fatal(err)
	}
	return elifCard, zeynepCard
}

// TestAccQuery lists an account that Terraform never touched: the customers
// (all, or by code prefix) and the cards (of one customer, or of all), each
// with its identity and a display name a person recognises; with
// include_resource, the resource as an import would read it, without the PIN.
func TestAccQuery(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	elifCard, zeynepCard := seedAccount(t, srv)
	code := func(c string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"customer_code": knownvalue.StringExact(c)}
	}
	token := func(c sandbox.Card) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"card_token": knownvalue.StringExact(c.CardToken)}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A query step runs in a working directory that a config step
				// initialised.
				Config: providerBlock(srv) + "\ndata \"moka_dealer_customers\" \"all\" {}\n",
			},
			{
				// The provider block comes from the config step's files.
				Query: true,
				Config: `
list "moka_dealer_customer" "all" {
  provider         = moka
  include_resource = true
}

list "moka_dealer_customer" "acme" {
  provider = moka
  config {
    customer_code_prefix = "ACME-"
  }
}

list "moka_card" "all" {
  provider = moka
}

list "moka_card" "elif" {
  provider         = moka
  include_resource = true
  config {
    customer_code = "ACME-1"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("moka_dealer_customer.all", 3),
					querycheck.ExpectLength("moka_dealer_customer.acme", 2),
					querycheck.ExpectIdentity("moka_dealer_customer.acme", code("ACME-1")),
					querycheck.ExpectIdentity("moka_dealer_customer.acme", code("ACME-2")),
					querycheck.ExpectNoIdentity("moka_dealer_customer.acme", code("OTHER-1")),
					querycheck.ExpectResourceDisplayName("moka_dealer_customer.all", queryfilter.ByResourceIdentity(code("ACME-1")),
						knownvalue.StringExact("ACME-1 (Elif Yetimoğlu)")),
					querycheck.ExpectResourceDisplayName("moka_dealer_customer.all", queryfilter.ByResourceIdentity(code("ACME-2")),
						knownvalue.StringExact("ACME-2")),
					querycheck.ExpectResourceKnownValues("moka_dealer_customer.all", queryfilter.ByResourceIdentity(code("ACME-1")), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("birth_date"), KnownValue: knownvalue.StringExact("1990-12-18")},
						{Path: tfjsonpath.New("gender"), KnownValue: knownvalue.StringExact("female")},
						{Path: tfjsonpath.New("dealer_customer_id"), KnownValue: knownvalue.Int64Exact(1033)},
					}),
					// A list shows no secret: Zeynep's PIN is not in her result.
					querycheck.ExpectResourceKnownValues("moka_dealer_customer.all", queryfilter.ByResourceIdentity(code("OTHER-1")), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("first_name"), KnownValue: knownvalue.StringExact("Zeynep")},
						{Path: tfjsonpath.New("password"), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectLength("moka_card.all", 2),
					querycheck.ExpectResourceDisplayName("moka_card.all", queryfilter.ByResourceIdentity(token(elifCard)),
						knownvalue.StringExact("512754******3332 Bonus kartım (ACME-1)")),
					querycheck.ExpectResourceDisplayName("moka_card.all", queryfilter.ByResourceIdentity(token(zeynepCard)),
						knownvalue.StringExact("453144******3338 (OTHER-1)")),
					querycheck.ExpectLength("moka_card.elif", 1),
					querycheck.ExpectResourceKnownValues("moka_card.elif", queryfilter.ByResourceIdentity(token(elifCard)), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("customer_code"), KnownValue: knownvalue.StringExact("ACME-1")},
						// moka_card takes one of customer_code and dealer_customer_id.
						{Path: tfjsonpath.New("dealer_customer_id"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("card_name"), KnownValue: knownvalue.StringExact("Bonus kartım")},
						{Path: tfjsonpath.New("exp_year"), KnownValue: knownvalue.StringExact("2030")},
					}),
				},
			},
			{
				Query: true,
				Config: `
list "moka_card" "nobody" {
  provider = moka
  config {
    customer_code = "NOBODY"
  }
}
`,
				ExpectError: words(`The dealer account has no customer with customer_code "NOBODY".`),
			},
		},
	})
}

// TestAccQueryGenerateConfig adopts a whole account the way the docs' how-to
// says: terraform query -generate-config-out, then apply, then plan. The apply
// imports every customer and card and changes nothing in Moka; the plan after
// it is empty. The customers here have no PIN: a generated configuration
// leaves password out, and that means "not managed" only once absent
// passwords are (see the how-to).
func TestAccQueryGenerateConfig(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	tf.TF.SkipBelow(t, 1, 14, "terraform query")
	srv := accSandbox(t, sandbox.Options{})
	seedAccount(t, srv)
	// Without a PIN until an absent password means "not managed".
	zeynep, err := storedCustomer(srv, "OTHER-1")
	if err != nil {
		t.Fatal(err)
	}
	zeynep.Password = ""
	if _, err := srv.PutCustomer(zeynep); err != nil {
		t.Fatal(err)
	}

	tf.Config(fmt.Sprintf(`
provider "moka" {
  base_url = %q
}
`, srv.URL()))
	testsupport.WriteFile(t, filepath.Join(tf.Dir, "adopt.tfquery.hcl"), `
list "moka_dealer_customer" "all" {
  provider = moka
}

list "moka_card" "all" {
  provider = moka
}
`)
	env := []string{"MOKA_DEALER_CODE=SANDBOX", "MOKA_USERNAME=sandbox", "MOKA_PASSWORD=sandbox"}
	run := func(args ...string) string {
		t.Helper()
		return tf.MustRun(env, args...)
	}

	out := run("query", "-no-color", "-generate-config-out=generated.tf")
	for _, want := range []string{"ACME-1 (Elif Yetimoğlu)", "OTHER-1 (Zeynep)", "512754******3332 Bonus kartım (ACME-1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform query printed no %q:\n%s", want, out)
		}
	}
	generated, err := os.ReadFile(filepath.Join(tf.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(generated), "identity = {"); n != 5 {
		t.Errorf("generated.tf has %d import blocks by identity, want 5 (3 customers, 2 cards):\n%s", n, generated)
	}
	writes := func() map[string]int {
		w := map[string]int{}
		for op, n := range srv.Stats().Calls {
			if !strings.HasPrefix(op, "Get") {
				w[op] = n
			}
		}
		return w
	}
	customersBefore, cardsBefore := srv.Customers(), srv.Cards()

	out = run("apply", "-auto-approve", "-no-color")
	if !regexp.MustCompile(`Apply complete! Resources: 5 imported, 0 added, 0 changed, 0 destroyed`).MatchString(out) {
		t.Errorf("apply of the generated configuration:\n%s", out)
	}
	if w := writes(); len(w) != 0 {
		t.Errorf("adopting the account wrote to Moka: %v", w)
	}
	if !slices.Equal(srv.Customers(), customersBefore) || !slices.Equal(srv.Cards(), cardsBefore) {
		t.Errorf("adopting the account changed it:\n%+v\n%+v\nwas\n%+v\n%+v", srv.Customers(), srv.Cards(), customersBefore, cardsBefore)
	}

	if code, out := tf.Run(env, "plan", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after adopting is not empty (exit %d):\n%s", code, out)
	}
}

// TestAccAdoptionGuideAsWritten follows docs/guides/adopt-an-existing-account.md
// word for word: its query file and its commands, taken from the page, on an
// account of 150 customers and 110 cards, more than Terraform's default list
// limit of 100. Every customer and every card must be adopted: a query file
// without a `limit` adopts the first 100 of each and says nothing. On a Moka
// whose lists leave addresses and card names out, what is adopted must keep
// them: configuration generated with them missing would clear them.
func TestAccAdoptionGuideAsWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		opts             sandbox.Options
		customers, cards int
	}{
		{"defaults", sandbox.Options{}, 150, 110},
		{"lists-omit-fields", sandbox.Options{ListsOmitFields: true}, 12, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			followAdoptionGuide(t, tc.opts, tc.customers, tc.cards)
		})
	}
}

func followAdoptionGuide(t *testing.T, opts sandbox.Options, customers, cards int) {
	tf := newTerraformDir(t)
	tf.TF.SkipBelow(t, 1, 14, "terraform query")
	srv := accSandbox(t, opts)
	for i := range customers {
		c, err := srv.PutCustomer(sandbox.Customer{CustomerCode: fmt.Sprintf("SHOP-%04d", i), FirstName: fmt.Sprintf("Müşteri %d", i), Address: fmt.Sprintf("Cadde %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i < cards {
			if _, err := srv.AddCardDirect(c.DealerCustomerID, "Kart Sahibi", testsupport.CardNumber("512754", i, 16), "12", "2030", fmt.Sprintf("Kart %d", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := srv.Customers()
	cardsBefore := srv.Cards()

	guide, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "guides", "adopt-an-existing-account.md"))
	if err != nil {
		t.Fatal(err)
	}
	query := fencedBlockAfter(t, string(guide), "`adopt.tfquery.hcl`", "terraform")
	commands := fencedBlockAfter(t, string(guide), "## The three commands", "shell")

	// The guide's provider block names production; this one names the
	// sandbox, and the credentials come from the environment, as there.
	tf.Config(fmt.Sprintf("\nprovider \"moka\" {\n  base_url = %q\n}\n", srv.URL()))
	testsupport.WriteFile(t, filepath.Join(tf.Dir, "adopt.tfquery.hcl"), query)
	env := []string{"MOKA_DEALER_CODE=SANDBOX", "MOKA_USERNAME=sandbox", "MOKA_PASSWORD=sandbox"}
	ran := 0
	for _, line := range strings.Split(commands, "\n") {
		args := strings.Fields(line)
		if len(args) == 0 || strings.HasPrefix(args[0], "#") {
			continue
		}
		if args[0] != "terraform" {
			t.Fatalf("the guide's commands hold %q, which this test cannot follow", line)
		}
		args = append(args[1:], "-no-color")
		if args[0] == "apply" {
			args = append(args, "-auto-approve")
		}
		tf.MustRun(env, args...)
		ran++
	}
	if ran != 3 {
		t.Fatalf("the guide gives %d terraform commands, want 3:\n%s", ran, commands)
	}

	adopted := map[string]int{}
	for _, r := range tf.State() {
		adopted[r.Type]++
	}
	if adopted["moka_dealer_customer"] != customers || adopted["moka_card"] != cards {
		t.Errorf("following the guide adopted %d customers and %d cards of %d and %d (the query file's list blocks stop at their limit)",
			adopted["moka_dealer_customer"], adopted["moka_card"], customers, cards)
	}
	if !reflect.DeepEqual(srv.Customers(), before) || !reflect.DeepEqual(srv.Cards(), cardsBefore) {
		t.Errorf("adopting changed Moka: customers %v -> %v, cards %v -> %v", before, srv.Customers(), cardsBefore, srv.Cards())
	}
	if code, out := tf.Run(env, "plan", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after adopting is not empty (exit %d):\n%s", code, tail(out, 30))
	}
}

// fencedBlockAfter is the body of the first ```lang block that follows marker
// in a Markdown page.
func fencedBlockAfter(t *testing.T, page, marker, lang string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, marker)
	if !ok {
		t.Fatalf("the page has no %q", marker)
	}
	_, rest, ok = strings.Cut(rest, "```"+lang+"\n")
	if !ok {
		t.Fatalf("no ```%s block after %q", lang, marker)
	}
	body, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("unterminated ```%s block after %q", lang, marker)
	}
	return body
}
