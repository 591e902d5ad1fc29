package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

const customerAddr = "moka_dealer_customer.test"

// customerConfig is the provider pointing at srv and one moka_dealer_customer
// named "test" with the given arguments.
func customerConfig(srv *sandbox.Server, args string) string {
	return providerBlock(srv) + "\nresource \"moka_dealer_customer\" \"test\" {\n" + args + "\n}\n"
}

// callCounter measures the sandbox's calls between a mark (in a step's
// PreConfig) and a check (in the same step's Check).
type callCounter struct {
	srv  *sandbox.Server
	mu   sync.Mutex
	base map[string]int
}

func newCallCounter(srv *sandbox.Server) *callCounter {
	return &callCounter{srv: srv, base: map[string]int{}}
}

func (c *callCounter) mark() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base = c.srv.Stats().Calls
}

// expect checks that exactly the calls in want were made since the mark.
func (c *callCounter) expect(want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		got := map[string]int{}
		for op, n := range c.srv.Stats().Calls {
			if d := n - c.base[op]; d != 0 {
				got[op] = d
			}
		}
		if _, counted := want[credentialsCheck]; !counted {
			delete(got, credentialsCheck) // one per provider process, at Configure
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("API calls since the step began: %v, want %v", got, want)
		}
		return nil
	}
}

// storedCustomer is the sandbox's customer with code, or an error.
func storedCustomer(srv *sandbox.Server, code string) (sandbox.Customer, error) {
	for _, c := range srv.Customers() {
		if c.CustomerCode == code {
			return c, nil
		}
	}
	return sandbox.Customer{}, fmt.Errorf("the sandbox has no customer %q (it has %d)", code, len(srv.Customers()))
}

// expectStored checks the sandbox's customer with code.
func expectStored(srv *sandbox.Server, code string, check func(sandbox.Customer) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, err := storedCustomer(srv, code)
		if err != nil {
			return err
		}
		return check(c)
	}
}

// expectStoredExactly checks every field of the sandbox's customer.
func expectStoredExactly(srv *sandbox.Server, want sandbox.Customer) resource.TestCheckFunc {
	return expectStored(srv, want.CustomerCode, func(got sandbox.Customer) error {
		if got != want {
			return fmt.Errorf("the sandbox holds\n  %+v\nwant\n  %+v", got, want)
		}
		return nil
	})
}

func expectStoredPassword(srv *sandbox.Server, code, want string) resource.TestCheckFunc {
	return expectStored(srv, code, func(c sandbox.Customer) error {
		if c.Password != want {
			// Test passwords only: safe to show.
			return fmt.Errorf("stored password %q, want %q", c.Password, want)
		}
		return nil
	})
}

// checkNoCustomers is a CheckDestroy that asks the sandbox itself.
func checkNoCustomers(srv *sandbox.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := srv.Customers(); len(left) != 0 {
			return fmt.Errorf("%d customers left in the sandbox after destroy: %+v", len(left), left)
		}
		return nil
	}
}

// words is a regexp for the words of s in order, with any white space (Terraform
// wraps long diagnostics) between them.
func words(s string) *regexp.Regexp {
	parts := strings.Fields(s)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

// expectImportNoOp is a plan check: addr is imported, and nothing else changes.
type expectImportNoOp struct{ addr string }

func (e expectImportNoOp) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		switch {
		case rc.Change.Importing == nil:
			resp.Error = fmt.Errorf("%s: the plan is not an import (actions %v)", e.addr, rc.Change.Actions)
		case !rc.Change.Actions.NoOp():
			resp.Error = fmt.Errorf("%s: the import plans changes too: %v", e.addr, rc.Change.Actions)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", e.addr)
}

// TestAccDealerCustomer_lifecycle: create, update in place, replace, destroy;
// one API call per operation; the mapping of gender and birth date as the
// sandbox stores them; lengths in characters; no diff after any apply.
func TestAccDealerCustomer_lifecycle(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	calls := newCallCounter(srv)
	// 50 characters, 100 bytes: at the limit, which is in characters.
	longName := strings.Repeat("ğ", 50)
	created := sandbox.Customer{
		DealerCustomerID: 1033,
		CustomerCode:     "cust-1",
		Password:         "1234",
		FirstName:        longName,
		LastName:         "Yılmaz",
		Gender:           2,
		BirthDate:        "19901218",
		GsmNumber:        "5551234567",
		Email:            "Elif.Yilmaz@Example.com",
		Address:          "Caferağa Mah. Moda Cad. No:1, Kadıköy/İstanbul",
	}
	updated := created
	updated.FirstName = "Şükrü"
	updated.Gender = 1
	updated.BirthDate = "19850131"
	updated.Email = "sukru@example.com.tr"
	updated.GsmNumber = "" // removed from the configuration: sent empty
	updated.Address = ""   // likewise
	replaced := updated
	replaced.DealerCustomerID = 1034
	replaced.CustomerCode = "cust-2"
	replaced.Gender = 0
	replaced.BirthDate = ""
	replaced.Password = ""

	emptyAfterApply := resource.ConfigPlanChecks{}
	emptyAfterApply.PostApplyPostRefresh = []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkNoCustomers(srv),
			func(*terraform.State) error {
				// One RemoveCustomer for the replacement, one for the destroy.
				if n := srv.Stats().Calls["RemoveCustomer"]; n != 2 {
					return fmt.Errorf("RemoveCustomer called %d times, want 2", n)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				PreConfig: calls.mark,
				Config: customerConfig(srv, fmt.Sprintf(`
  customer_code = "cust-1"
  password      = "1234"
  first_name    = %q
  last_name     = "Yılmaz"
  gender        = "female"
  birth_date    = "1990-12-18"
  gsm_number    = "5551234567"
  email         = "Elif.Yilmaz@Example.com"
  address       = "Caferağa Mah. Moda Cad. No:1, Kadıköy/İstanbul"
`, longName)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(customerAddr, tfjsonpath.New("id")),
						plancheck.ExpectUnknownValue(customerAddr, tfjsonpath.New("dealer_customer_id")),
						plancheck.ExpectSensitiveValue(customerAddr, tfjsonpath.New("password")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1033")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("dealer_customer_id"), knownvalue.Int64Exact(1033)),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("gender"), knownvalue.StringExact("female")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("birth_date"), knownvalue.StringExact("1990-12-18")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("email"), knownvalue.StringExact("Elif.Yilmaz@Example.com")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.StringExact("1234")),
					statecheck.ExpectSensitiveValue(customerAddr, tfjsonpath.New("password")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					calls.expect(map[string]int{"AddCustomer": 1, "UpdateCustomer": 1}), // a claimed create: AddCustomer, then its address
					expectStoredExactly(srv, created),
				),
			},
			{
				// Every argument but customer_code changes in place.
				PreConfig: calls.mark,
				Config: customerConfig(srv, fmt.Sprintf(`
  customer_code = "cust-1"
  password      = "1234"
  first_name    = "Şükrü"
  last_name     = "Yılmaz"
  gender        = "male"
  birth_date    = "1985-01-31"
  email         = %q
`, updated.Email)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1033")),
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("dealer_customer_id"), knownvalue.Int64Exact(1033)),
					},
					PostApplyPostRefresh: emptyAfterApply.PostApplyPostRefresh,
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("gender"), knownvalue.StringExact("male")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("address"), knownvalue.Null()),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("gsm_number"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The refresh of the plan, then the update.
					calls.expect(map[string]int{"GetCustomer": 1, "UpdateCustomer": 1}),
					expectStoredExactly(srv, updated),
				),
			},
			{
				// A new customer_code is a new customer.
				PreConfig: calls.mark,
				Config: customerConfig(srv, fmt.Sprintf(`
  customer_code = "cust-2"
  first_name    = "Şükrü"
  last_name     = "Yılmaz"
  email         = %q
`, updated.Email)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectUnknownValue(customerAddr, tfjsonpath.New("id")),
					},
					PostApplyPostRefresh: emptyAfterApply.PostApplyPostRefresh,
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1034")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The plan looks whether the new code is free (GetCustomer)
					// and counts the cards the replacement removes (GetCardList).
					calls.expect(map[string]int{"GetCustomer": 2, "GetCardList": 1, "RemoveCustomer": 1, "AddCustomer": 1, "UpdateCustomer": 1}),
					expectStoredExactly(srv, replaced),
					func(*terraform.State) error {
						if n := len(srv.Customers()); n != 1 {
							return fmt.Errorf("%d customers in the sandbox, want 1", n)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccDealerCustomer_inPlace: a change of any one argument but
// customer_code plans an in-place update that keeps id and
// dealer_customer_id known; customer_code plans a replacement.
func TestAccDealerCustomer_inPlace(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	base := map[string]string{
		"customer_code": `"inplace-1"`, "first_name": `"Elif"`, "last_name": `"Yılmaz"`, "gender": `"female"`,
		"birth_date": `"1990-12-18"`, "gsm_number": `"5551234567"`, "email": `"elif@example.com"`,
		"address": `"Kadıköy"`, "password": `"1234"`,
	}
	config := func(name, value string) string {
		args := maps.Clone(base)
		if value == "" {
			delete(args, name)
		} else if name != "" {
			args[name] = value
		}
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(args)) {
			fmt.Fprintf(&b, "  %s = %s\n", k, args[k])
		}
		return customerConfig(srv, b.String())
	}
	planned := func(name, value string, action plancheck.ResourceActionType) resource.TestStep {
		checks := []plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, action)}
		if action == plancheck.ResourceActionUpdate {
			checks = append(checks,
				plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1033")),
				plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("dealer_customer_id"), knownvalue.Int64Exact(1033)))
		}
		return resource.TestStep{
			Config:             config(name, value),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: checks},
		}
	}
	update := plancheck.ResourceActionUpdate
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{
			{Config: config("", "")},
			planned("first_name", `"Ayşe"`, update),
			planned("last_name", "", update),
			planned("gender", `"male"`, update),
			planned("birth_date", `"1991-01-01"`, update),
			planned("gsm_number", `"5550000000"`, update),
			planned("email", `"ayse@example.com"`, update),
			planned("address", `"Beşiktaş"`, update),
			planned("password", `"4321"`, update),
			planned("password", "", update),
			planned("customer_code", `"inplace-2"`, plancheck.ResourceActionReplace),
			// Back to the applied configuration, for the final destroy.
			{Config: config("", ""), PlanOnly: true},
		},
	})
}

// TestAccDealerCustomer_validation: every limit is checked at plan time, in an
// error that names the attribute. Nothing reaches the API.
func TestAccDealerCustomer_validation(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	step := func(args, want string) resource.TestStep {
		return resource.TestStep{
			Config:      customerConfig(srv, args),
			PlanOnly:    true,
			ExpectError: words(want),
		}
	}
	long := func(n int, s string) string { return strings.Repeat(s, n) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if calls := srv.Stats().Calls; len(calls) != 0 {
				return fmt.Errorf("validation errors still called the API: %v", calls)
			}
			return nil
		},
		Steps: []resource.TestStep{
			step(`customer_code = ""`, "customer_code must not be empty."),
			step(`customer_code = "   "`, "customer_code must not be empty."),
			step(fmt.Sprintf(`customer_code = %q`, long(101, "ç")), "customer_code UTF-8 character count must be at most 100, got: 101"),
			step(`
  customer_code = "c"
  first_name    = "`+long(51, "ğ")+`"`, "first_name UTF-8 character count must be at most 50, got: 51"),
			step(`
  customer_code = "c"
  last_name     = "`+long(51, "İ")+`"`, "last_name UTF-8 character count must be at most 50, got: 51"),
			step(`
  customer_code = "c"
  gsm_number    = "`+long(21, "5")+`"`, "gsm_number UTF-8 character count must be at most 20, got: 21"),
			step(`
  customer_code = "c"
  address       = "`+long(201, "ş")+`"`, "address UTF-8 character count must be at most 200, got: 201"),
			step(`
  customer_code = "c"
  email         = "`+long(89, "ö")+`@example.com"`, "email UTF-8 character count must be at most 100, got: 101"),
			step(`
  customer_code = "c"
  email         = "elif.example.com"`, `email must be an e-mail address such as "elif.y@example.com"; got "elif.example.com".`),
			step(`
  customer_code = "c"
  email         = "elif@example"`, `email must be an e-mail address`),
			step(`
  customer_code = "c"
  password      = "`+long(51, "1")+`"`, "password UTF-8 character count must be at most 50, got: 51"),
			step(`
  customer_code = "c"
  first_name    = "Elif\u001bSu"`, "first_name contains a control character (U+001B)"),
			step(`
  customer_code = "c"
  gender        = "Male"`, `Attribute gender value must be one of:`),
			step(`
  customer_code = "c"
  gender        = "1"`, `Attribute gender value must be one of:`),
			step(`
  customer_code = "c"
  birth_date    = "2023-02-29"`, `birth_date must be a real calendar date in the form YYYY-MM-DD, such as "1990-12-18"; got "2023-02-29".`),
			step(`
  customer_code = "c"
  birth_date    = "19901218"`, `birth_date must be a real calendar date`),
			step(`
  customer_code = "c"
  birth_date    = "1890-01-01"`, `birth_date must be between 1900-01-01 and today`),
			step(`
  customer_code       = "c"
  password_wo_version = 1`, `Attribute "password_wo" must be specified when "password_wo_version" is specified`),
			step(`
  customer_code = "c"
  timeouts {
    create = "0s"
  }`, `timeouts.create must be a positive duration`),
		},
	})
}

// TestAccDealerCustomer_drift: changes made in Moka show in the next plan and
// apply puts the configuration back; a customer deleted in Moka is planned for
// creation; destroying a customer that is already gone succeeds.
func TestAccDealerCustomer_drift(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	calls := newCallCounter(srv)
	config := customerConfig(srv, `
  customer_code = "drift-1"
  password      = "1234"
  first_name    = "Elif"
  last_name     = "Yılmaz"
  email         = "elif@example.com"
  birth_date    = "1990-12-18"
`)
	// outOfBand changes the stored customer as Moka's merchant panel would.
	outOfBand := func(change func(*sandbox.Customer)) func() {
		return func() {
			c, err := storedCustomer(srv, "drift-1")
			if err != nil {
				t.Fatal(err)
			}
			change(&c)
			if _, err := srv.PutCustomer(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	update := plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkNoCustomers(srv),
			func(*terraform.State) error {
				// The only RemoveCustomer is the destroy of a customer that
				// was already gone; it did not fail the destroy.
				if n := srv.Stats().Calls["RemoveCustomer"]; n != 1 {
					return fmt.Errorf("RemoveCustomer called %d times, want 1", n)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Two fields changed in Moka: the plan updates, apply restores.
				PreConfig: outOfBand(func(c *sandbox.Customer) { c.FirstName = "Ayşe"; c.Gender = 2 }),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						update,
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("first_name"), knownvalue.StringExact("Elif")),
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("gender"), knownvalue.Null()),
					},
				},
				Check: expectStored(srv, "drift-1", func(c sandbox.Customer) error {
					if c.FirstName != "Elif" || c.Gender != 0 {
						return fmt.Errorf("not restored: %+v", c)
					}
					return nil
				}),
			},
			{
				// The password alone changed in Moka: a (sensitive) diff.
				PreConfig:          outOfBand(func(c *sandbox.Customer) { c.Password = "9999" }),
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{update, plancheck.ExpectSensitiveValue(customerAddr, tfjsonpath.New("password"))},
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{update}},
				Check:            expectStoredPassword(srv, "drift-1", "1234"),
			},
			{
				// Moka answers in its own spelling (e-mail in upper case, names
				// with spaces around): the same values, so no diff.
				PreConfig: outOfBand(func(c *sandbox.Customer) {
					c.Email = "ELIF@EXAMPLE.COM"
					c.FirstName = " Elif "
					c.LastName = "Yılmaz  "
				}),
				Config:   config,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Deleted in Moka: a warning, and the plan creates it again.
				PreConfig: func() {
					if !srv.DeleteCustomer(1033) {
						t.Fatal("customer 1033 was not in the sandbox")
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate)},
				},
			},
			{
				PreConfig: calls.mark,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1034")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					calls.expect(map[string]int{"GetCustomer": 1, "AddCustomer": 1, "UpdateCustomer": 1}),
					expectStoredPassword(srv, "drift-1", "1234"),
					// Last: delete it behind Terraform's back once more. The
					// plans after this step see it gone (hence
					// ExpectNonEmptyPlan) but do not save state, and the
					// test's final destroy does not refresh: Delete then
					// runs on a customer that no longer exists, and must
					// succeed (CheckDestroy counts that call).
					func(*terraform.State) error {
						if !srv.DeleteCustomer(1034) {
							return fmt.Errorf("customer 1034 was not in the sandbox")
						}
						return nil
					},
				),
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// rawStateLacks reads every state file under dir (the test case's working
// directory) as bytes and fails if one holds any of secrets.
func rawStateLacks(dir string, secrets ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var files []string
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.Contains(d.Name(), ".tfstate") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		found := false
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(`"moka_dealer_customer"`)) {
				found = true
			}
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					return fmt.Errorf("%s holds the write-only password %q", f, s)
				}
			}
		}
		if !found {
			return fmt.Errorf("no state file with a moka_dealer_customer under %s (files: %v)", dir, files)
		}
		return nil
	}
}

// TestAccDealerCustomer_writeOnlyPassword: password_wo reaches Moka but never
// the plan or the state; a new password_wo_version sends it again; other
// updates leave Moka's password alone.
func TestAccDealerCustomer_writeOnlyPassword(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	calls := newCallCounter(srv)
	dir := t.TempDir()
	secrets := []string{"wo-secret-one", "wo-secret-two", "wo-secret-three", "wo-secret-four"}
	// config sets password_wo_version unless version is 0.
	config := func(firstName, wo string, version int) string {
		v := ""
		if version != 0 {
			v = fmt.Sprintf("password_wo_version = %d", version)
		}
		return customerConfig(srv, fmt.Sprintf(`
  customer_code       = "wo-1"
  first_name          = %q
  password_wo         = %q
  %s
`, firstName, wo, v))
	}
	nullPasswords := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.Null()),
	}
	planNullPasswords := []plancheck.PlanCheck{
		plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo"), knownvalue.Null()),
		plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.Null()),
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		WorkingDir:               dir,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{
			// Plan-time errors first: the test's final destroy uses the last
			// step's configuration, which must be valid.
			{
				Config: customerConfig(srv, `
  customer_code = "wo-1"
  password      = "1234"
  password_wo   = "1234"
`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`password\s+and\s+password_wo\s+together[\s\S]*not\s+both`),
			},
			// A module that sets one of the two from a variable that is null
			// plans (validate, which knows no variable's value, lets it pass).
			{
				Config: customerConfig(srv, `
  customer_code = "wo-1"
  password      = var.p
  password_wo   = "1234"
`) + `
variable "p" {
  type    = string
  default = null
}
`,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: customerConfig(srv, `
  customer_code = "wo-1"
  password_wo   = "`+strings.Repeat("ş", 51)+`"
`),
				PlanOnly:    true,
				ExpectError: words(`password_wo UTF-8 character count must be at most 50, got: 51`),
			},
			{
				Config: config("Elif", "wo-secret-one", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate)}, planNullPasswords...),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append([]statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password_wo_version"), knownvalue.Int64Exact(1)),
				}, nullPasswords...),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectStoredPassword(srv, "wo-1", "wo-secret-one"),
					rawStateLacks(dir, secrets...),
				),
			},
			{
				// A new version sends the new password.
				PreConfig: calls.mark,
				Config:    config("Elif", "wo-secret-two", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate)}, planNullPasswords...),
				},
				ConfigStateChecks: nullPasswords,
				Check: resource.ComposeAggregateTestCheckFunc(
					calls.expect(map[string]int{"GetCustomer": 1, "UpdateCustomer": 1}),
					expectStoredPassword(srv, "wo-1", "wo-secret-two"),
					rawStateLacks(dir, secrets...),
				),
			},
			{
				// Another argument changes, password_wo too but not its
				// version: Moka keeps the password it has.
				Config:            config("Ayşe", "wo-secret-three", 2),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: nullPasswords,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectStored(srv, "wo-1", func(c sandbox.Customer) error {
						if c.FirstName != "Ayşe" || c.Password != "wo-secret-two" {
							return fmt.Errorf("stored first name %q, password %q; want Ayşe, wo-secret-two", c.FirstName, c.Password)
						}
						return nil
					}),
					rawStateLacks(dir, secrets...),
				),
			},
			{
				// A password changed in Moka cannot show: it is not in state.
				PreConfig: func() {
					c, err := storedCustomer(srv, "wo-1")
					if err != nil {
						t.Fatal(err)
					}
					c.Password = "changed-in-panel"
					if _, err := srv.PutCustomer(c); err != nil {
						t.Fatal(err)
					}
				},
				Config:   config("Ayşe", "wo-secret-three", 2),
				PlanOnly: true,
			},
			{
				// From password_wo to password: stored, and in state.
				Config: customerConfig(srv, `
  customer_code = "wo-1"
  first_name    = "Ayşe"
  password      = "plain-pw"
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("password"), knownvalue.StringExact("plain-pw")),
				},
				Check: expectStoredPassword(srv, "wo-1", "plain-pw"),
			},
			{
				// From password to password_wo without a version (null before,
				// null now): Moka holds "plain-pw", so password_wo is sent
				// although the version did not change.
				Config:            config("Ayşe", "wo-secret-four", 0),
				ConfigStateChecks: nullPasswords,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectStoredPassword(srv, "wo-1", "wo-secret-four"),
					rawStateLacks(dir, secrets...),
				),
			},
		},
	})
}

// TestAccDealerCustomer_writeOnlyNeedsTerraform111: Terraform before 1.11
// would keep a write-only value in state; the provider refuses it there. Runs
// with an older Terraform (TF_ACC_TERRAFORM_PATH, tools/testmatrix).
func TestAccDealerCustomer_writeOnlyNeedsTerraform111(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipAbove(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{{
			Config: customerConfig(srv, `
  customer_code = "wo-old"
  password_wo   = "wo-secret-old"
`),
			PlanOnly:    true,
			ExpectError: words("Write-only attributes are only supported in Terraform 1.11 and later."),
		}},
	})
}

// TestAccDealerCustomer_import: by DealerCustomerId, by "code:<CustomerCode>",
// with an import block, and the errors of an import that cannot work.
func TestAccDealerCustomer_import(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{
			{
				Config: customerConfig(srv, `
  customer_code = "imp-1"
  first_name    = "Elif"
  last_name     = "Yılmaz"
  gender        = "female"
  birth_date    = "1990-12-18"
  gsm_number    = "5551234567"
  email         = "Elif@Example.com"
  address       = "Kadıköy, İstanbul"
`),
			},
			// ImportStateVerify ignores only the password: the import reads
			// every other argument back; a password is not managed until a
			// configuration says so, and the next apply sends it.
			{
				ResourceName:            customerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"},
			},
			{
				ResourceName:            customerAddr,
				ImportState:             true,
				ImportStateId:           "code:imp-1",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"},
			},
			{
				ResourceName:    customerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "code:imp-1",
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{
						expectImportNoOp{customerAddr},
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1033")),
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("dealer_customer_id"), knownvalue.Int64Exact(1033)),
					},
				},
			},
			{
				ResourceName:  customerAddr,
				ImportState:   true,
				ImportStateId: "imp-1",
				ExpectError:   words(`Import a moka_dealer_customer by its DealerCustomerId (such as "1033") or by its customer code as "code:<CustomerCode>"; got "imp-1".`),
			},
			{
				ResourceName:  customerAddr,
				ImportState:   true,
				ImportStateId: "code:",
				ExpectError:   words(`Invalid import ID`),
			},
			{
				ResourceName:  customerAddr,
				ImportState:   true,
				ImportStateId: "code:nobody",
				ExpectError:   words(`Cannot import non-existent remote object`),
			},
		},
	})
}

// TestAccDealerCustomer_conflict: a customer_code that Moka already has is an
// error that says how to import it; the import block it suggests works, with
// no changes.
func TestAccDealerCustomer_conflict(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	existing, err := srv.PutCustomer(sandbox.Customer{CustomerCode: "taken", FirstName: "Mevcut", Email: "mevcut@example.com", Password: "5555"})
	if err != nil {
		t.Fatal(err)
	}
	// No password: an import reads none, and one in the configuration would
	// make the import plan an update that sends it.
	args := `
  customer_code = "taken"
  first_name    = "Mevcut"
  email         = "mevcut@example.com"
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{
			{
				Config:      customerConfig(srv, args),
				ExpectError: regexp.MustCompile(`Customer code already in use[\s\S]*already\s+exists\s+\(dealer_customer_id\s+1033\)[\s\S]*Nothing\s+here\s+proves\s+who\s+created\s+it[\s\S]*import\s+\{\s+to\s+=\s+ADDRESS\s+id\s+=\s+"1033"\s+\}`),
			},
			{
				PreConfig: func() {
					if got, err := storedCustomer(srv, "taken"); err != nil || got != existing || len(srv.Customers()) != 1 {
						t.Fatalf("the failed create changed the sandbox: %+v, %v", srv.Customers(), err)
					}
				},
				Config: customerConfig(srv, args) + `
import {
  to = moka_dealer_customer.test
  id = "code:taken"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectImportNoOp{customerAddr}},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1033")),
				},
			},
		},
	})
}

// normalisingProxy serves srv's API through a proxy that answers the way a
// real server might normalise: e-mail in upper case, text trimmed, dates as
// YYYY-MM-DD with a time of day.
func normalisingProxy(t *testing.T, srv *sandbox.Server) string {
	t.Helper()
	target, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	p := httputil.NewSingleHostReverseProxy(target)
	p.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return err
		}
		var envelope map[string]any
		if json.Unmarshal(body, &envelope) == nil {
			if data, ok := envelope["Data"].(map[string]any); ok {
				if c, ok := data["DealerCustomer"].(map[string]any); ok {
					for k, v := range c {
						s, ok := v.(string)
						if !ok {
							continue
						}
						switch {
						case k == "Email":
							c[k] = strings.ToUpper(s)
						case k == "BirthDate" && len(s) == 8:
							c[k] = s[:4] + "-" + s[4:6] + "-" + s[6:] + "T00:00:00"
						case k != "Password":
							c[k] = strings.TrimSpace(s)
						}
					}
				}
			}
			if body, err = json.Marshal(envelope); err != nil {
				return err
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestAccDealerCustomer_normalisingServer: no perpetual diff when the server
// answers in another spelling of the same values.
func TestAccDealerCustomer_normalisingServer(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	provider := providerAt(normalisingProxy(t, srv))
	config := func(lastName string) string {
		return provider + fmt.Sprintf(`
resource "moka_dealer_customer" "test" {
  customer_code = "norm-1 "
  first_name    = " Elif"
  last_name     = %q
  email         = "Elif.Yilmaz@Example.com"
  birth_date    = "1990-12-18"
  address       = "Kadıköy, İstanbul  "
}
`, lastName)
	}
	empty := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{
			{
				Config:           config("Yılmaz"),
				ConfigPlanChecks: empty,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("email"), knownvalue.StringExact("Elif.Yilmaz@Example.com")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("birth_date"), knownvalue.StringExact("1990-12-18")),
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("customer_code"), knownvalue.StringExact("norm-1 ")),
				},
			},
			{
				Config: config("Kaya "),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: empty.PostApplyPostRefresh,
				},
				Check: expectStored(srv, "norm-1 ", func(c sandbox.Customer) error {
					if c.LastName != "Kaya " {
						return fmt.Errorf("last name %q", c.LastName)
					}
					return nil
				}),
			},
		},
	})
}

// --- the CRUD methods called directly, for what Terraform does not show ---

func directResource(t *testing.T, srv *sandbox.Server) (*dealerCustomerResource, fwresource.SchemaResponse) {
	t.Helper()
	client, err := moka.New(moka.Config{BaseURL: srv.URL(), DealerCode: "SANDBOX", Username: "sandbox", Password: "sandbox", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := &dealerCustomerResource{resourceBase{data: &providerData{client: client, dealerCode: "SANDBOX"}}}
	var schemaResp fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &schemaResp)
	if schemaResp.Diagnostics.HasError() {
		t.Fatal(schemaResp.Diagnostics)
	}
	return r, schemaResp
}

func stateOf(t *testing.T, schemaResp fwresource.SchemaResponse, m dealerCustomerModel) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	m.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
	st := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	if diags := st.Set(ctx, &m); diags.HasError() {
		t.Fatal(diags)
	}
	return st
}

func goneCustomerModel() dealerCustomerModel {
	m := fullModel()
	m.ID = types.StringValue("4242")
	m.DealerCustomerID = types.Int64Value(4242)
	return m
}

func TestDealerCustomerRead_goneWarnsAndForgets(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	r, schemaResp := directResource(t, srv)
	st := stateOf(t, schemaResp, goneCustomerModel())
	resp := &fwresource.ReadResponse{State: st}
	r.Read(context.Background(), fwresource.ReadRequest{State: st}, resp)

	if resp.Diagnostics.HasError() {
		t.Fatalf("Read of a gone customer failed: %v", resp.Diagnostics)
	}
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 || warnings[0].Summary() != "Moka customer is gone" ||
		!strings.Contains(warnings[0].Detail(), "dealer_customer_id 4242") || !strings.Contains(warnings[0].Detail(), "creates it again") {
		t.Fatalf("want one warning about customer 4242, got %v", resp.Diagnostics)
	}
	if !resp.State.Raw.IsNull() {
		t.Fatalf("the customer is still in state: %v", resp.State.Raw)
	}
	if got := srv.Stats().Calls; !maps.Equal(got, map[string]int{"GetCustomer": 1}) {
		t.Fatalf("calls %v, want one GetCustomer", got)
	}
}

func TestDealerCustomerDelete_goneSucceeds(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	r, schemaResp := directResource(t, srv)
	st := stateOf(t, schemaResp, goneCustomerModel())
	resp := &fwresource.DeleteResponse{State: st}
	r.Delete(context.Background(), fwresource.DeleteRequest{State: st}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Delete of a gone customer failed: %v", resp.Diagnostics)
	}
	if got := srv.Stats().Calls; !maps.Equal(got, map[string]int{"RemoveCustomer": 1}) {
		t.Fatalf("calls %v, want one RemoveCustomer", got)
	}
}

func TestDealerCustomerDelete_otherErrorsFail(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{FaultRate: 1, FaultKinds: []sandbox.FaultKind{sandbox.FaultEX}})
	r, schemaResp := directResource(t, srv)
	st := stateOf(t, schemaResp, goneCustomerModel())
	resp := &fwresource.DeleteResponse{State: st}
	r.Delete(context.Background(), fwresource.DeleteRequest{State: st}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("Delete succeeded although Moka answered EX")
	}
	if got := resp.Diagnostics.Errors()[0].Summary(); got != "Cannot remove Moka customer" {
		t.Fatalf("summary %q", got)
	}
}

func TestDealerCustomer_unconfiguredProvider(t *testing.T) {
	r := &dealerCustomerResource{}
	var schemaResp fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &schemaResp)

	// A customer in state is kept as it is, with a warning.
	st := stateOf(t, schemaResp, goneCustomerModel())
	resp := &fwresource.ReadResponse{State: st}
	r.Read(context.Background(), fwresource.ReadRequest{State: st}, resp)
	if resp.Diagnostics.HasError() || len(resp.Diagnostics.Warnings()) != 1 ||
		resp.Diagnostics.Warnings()[0].Summary() != "Moka customer not refreshed" {
		t.Fatalf("want one 'not refreshed' warning, got %v", resp.Diagnostics)
	}
	if !resp.State.Raw.Equal(st.Raw) {
		t.Fatalf("state changed: %v", resp.State.Raw)
	}

	// An import (only an id or a code) cannot be read: an error.
	for name, m := range map[string]dealerCustomerModel{
		"by id":   {ID: types.StringValue("4242"), DealerCustomerID: types.Int64Value(4242), CustomerCode: types.StringNull()},
		"by code": {ID: types.StringNull(), DealerCustomerID: types.Int64Null(), CustomerCode: types.StringValue("c")},
	} {
		st := stateOf(t, schemaResp, m)
		resp := &fwresource.ReadResponse{State: st}
		r.Read(context.Background(), fwresource.ReadRequest{State: st}, resp)
		if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "not configured yet") {
			t.Errorf("import %s: want a 'not configured' error, got %v", name, resp.Diagnostics)
		}
	}

	// Writes need the provider.
	cresp := &fwresource.DeleteResponse{State: st}
	r.Delete(context.Background(), fwresource.DeleteRequest{State: st}, cresp)
	if !cresp.Diagnostics.HasError() {
		t.Fatal("Delete without a configured provider did not fail")
	}
}

func TestDealerCustomerTimeouts(t *testing.T) {
	ctx := context.Background()
	get := func(d time.Duration) func(context.Context, time.Duration) (time.Duration, diag.Diagnostics) {
		return func(context.Context, time.Duration) (time.Duration, diag.Diagnostics) { return d, nil }
	}
	for _, d := range []time.Duration{0, -time.Minute} {
		c, cancel, diags := withTimeout(ctx, get(d), timeoutCreate)
		if !diags.HasError() || c.Err() == nil {
			t.Errorf("timeout %v: diags %v, context error %v; want an error and a done context", d, diags, c.Err())
		}
		cancel()
	}
	c, cancel, diags := withTimeout(ctx, get(time.Minute), timeoutCreate)
	defer cancel()
	deadline, ok := c.Deadline()
	if diags.HasError() || !ok || time.Until(deadline) > time.Minute || c.Err() != nil {
		t.Errorf("1m timeout: diags %v, deadline %v (%t)", diags, deadline, ok)
	}
}

// TestAccDealerCustomerStateIsLean reads the state file Terraform writes.
// Terraform rewrites that whole file after each resource it applies, and
// decodes each instance's sensitive paths on the way, so what every customer
// carries costs a large state time on every write (BENCHMARKS.md): a customer
// with a plain password has no private state and one sensitive path
// (`password`); one with password_wo has its flag and that same one path.
// A state written before the flag was left out for false (it said "false")
// still plans no change, and its next update drops the key.
func TestAccDealerCustomerStateIsLean(t *testing.T) {
	t.Parallel()
	tf := newTerraformDir(t)
	writeOnly := tf.Version().AtLeast(1, 11)
	srv := accSandbox(t, sandbox.Options{})
	config := func(lastName string) string {
		hcl := providerBlock(srv) + fmt.Sprintf(`
resource "moka_dealer_customer" "plain" {
  customer_code = "LEAN-PLAIN"
  first_name    = "Sade"
  last_name     = %q
  password      = "PIN-1"
}
`, lastName)
		if writeOnly {
			hcl += `
resource "moka_dealer_customer" "wo" {
  customer_code       = "LEAN-WO"
  first_name          = "Sade"
  password_wo         = "PIN-2"
  password_wo_version = 1
}
`
		}
		return hcl
	}
	type instance struct {
		Private             []byte            `json:"private"` // base64 in the file
		SensitiveAttributes []json.RawMessage `json:"sensitive_attributes"`
	}
	stateFile := filepath.Join(tf.Dir, "terraform.tfstate")
	readState := func() (instances map[string]instance) {
		t.Helper()
		raw, err := os.ReadFile(stateFile)
		if err != nil {
			t.Fatal(err)
		}
		var parsed struct {
			Resources []struct {
				Name      string     `json:"name"`
				Instances []instance `json:"instances"`
			} `json:"resources"`
		}
		if err := json.Unmarshal(raw, &parsed); err != nil {
			t.Fatal(err)
		}
		instances = map[string]instance{}
		for _, r := range parsed.Resources {
			if len(r.Instances) != 1 {
				t.Fatalf("%s has %d instances", r.Name, len(r.Instances))
			}
			instances[r.Name] = r.Instances[0]
		}
		return instances
	}
	privateKeys := func(in instance) map[string]string {
		t.Helper()
		if len(in.Private) == 0 {
			return nil
		}
		var keys map[string][]byte
		if err := json.Unmarshal(in.Private, &keys); err != nil {
			t.Fatalf("private state %q: %v", in.Private, err)
		}
		out := map[string]string{}
		for k, v := range keys {
			out[k] = string(v)
		}
		return out
	}
	// Terraform 1.8 and later list the schema's sensitive attributes there,
	// 1.5 lists none of them.
	onlyPasswordSensitive := func(name string, in instance) {
		t.Helper()
		if len(in.SensitiveAttributes) > 1 || len(in.SensitiveAttributes) == 1 && !strings.Contains(string(in.SensitiveAttributes[0]), `"password"`) {
			t.Errorf("%s: sensitive_attributes %s, want password at most", name, in.SensitiveAttributes)
		}
	}

	tf.Config(config("Bir"))
	tf.MustRun(nil, "apply", "-auto-approve", "-no-color")
	instances := readState()
	if keys := privateKeys(instances["plain"]); keys != nil {
		t.Errorf("plain: private state %v, want none", keys)
	}
	onlyPasswordSensitive("plain", instances["plain"])
	if writeOnly {
		if keys := privateKeys(instances["wo"]); !maps.Equal(keys, map[string]string{privatePasswordWriteOnly: "true"}) {
			t.Errorf("wo: private state %v, want only %s=true", keys, privatePasswordWriteOnly)
		}
		onlyPasswordSensitive("wo", instances["wo"])
	}

	// As the previous release wrote it: an explicit "false".
	legacy, err := json.Marshal(map[string][]byte{privatePasswordWriteOnly: []byte("false")})
	if err != nil {
		t.Fatal(err)
	}
	setPrivateState(t, stateFile, "plain", legacy)
	if instances := readState(); privateKeys(instances["plain"])[privatePasswordWriteOnly] != "false" {
		t.Fatalf("the edited state has no legacy flag: %v", privateKeys(instances["plain"]))
	}
	if code, out := tf.Run(nil, "plan", "-detailed-exitcode", "-no-color"); code != 0 {
		t.Fatalf("plan after the legacy flag: exit %d, want 0 (no changes)\n%s", code, out)
	}
	tf.Config(config("İki"))
	tf.MustRun(nil, "apply", "-auto-approve", "-no-color")
	if instances := readState(); privateKeys(instances["plain"]) != nil {
		t.Errorf("plain after an update: private state %v, want none", privateKeys(instances["plain"]))
	}
	for _, c := range srv.Customers() {
		if c.CustomerCode == "LEAN-PLAIN" && (c.Password != "PIN-1" || c.LastName != "İki") {
			t.Errorf("the sandbox holds %+v, want the update with password PIN-1", c)
		}
	}
	tf.MustRun(nil, "destroy", "-auto-approve", "-no-color")
}

// setPrivateState edits a state file as an older provider would have written
// it: the one instance of resource name gets private as its private state,
// and the serial goes up so that Terraform takes the file as it is.
func setPrivateState(t *testing.T, file, name string, private []byte) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	var serial int
	var resources []map[string]json.RawMessage
	if err := errors.Join(json.Unmarshal(raw, &doc), json.Unmarshal(doc["serial"], &serial), json.Unmarshal(doc["resources"], &resources)); err != nil {
		t.Fatalf("state file: %v", err)
	}
	found := false
	for _, res := range resources {
		var resName string
		var instances []map[string]json.RawMessage
		if err := errors.Join(json.Unmarshal(res["name"], &resName), json.Unmarshal(res["instances"], &instances)); err != nil {
			t.Fatalf("state file: %v", err)
		}
		if resName != name {
			continue
		}
		found = true
		for _, in := range instances {
			in["private"] = mustJSON(t, private) // []byte: base64, as Terraform writes it
		}
		res["instances"] = mustJSON(t, instances)
	}
	if !found {
		t.Fatalf("no resource %q in the state", name)
	}
	doc["serial"] = mustJSON(t, serial+1)
	doc["resources"] = mustJSON(t, resources)
	edited, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testsupport.WriteFile(t, file, string(edited))
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
