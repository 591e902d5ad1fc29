package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
)

func TestResolveBaseURL(t *testing.T) {
	for _, tc := range []struct {
		environment, baseURL string
		want                 string // the URL, or "" for an error
		attr                 string // the attribute an error names
		fragment             string // part of the error
	}{
		// environment alone
		{"test", "", moka.TestBaseURL, "", ""},
		{"production", "", moka.ProductionBaseURL, "", ""},
		{"", "", "", "environment", "never defaults to production"},
		{"prod", "", "", "environment", `must be "test" or "production", got "prod"`},
		{"Test", "", "", "environment", `got "Test"`},
		{"staging", "https://service.refmokaunited.com", "", "environment", `got "staging"`},
		// base_url overrides environment
		{"production", "http://127.0.0.1:8089", "http://127.0.0.1:8089", "", ""},
		{"test", "https://service.refmoka.com", "https://service.refmoka.com", "", ""},
		{"", "https://service.testmoka.com/", "https://service.testmoka.com", "", ""},
		{"", "https://proxy.example.com:8443/moka//", "https://proxy.example.com:8443/moka", "", ""},
		{"", "HTTPS://Service.MokaUnited.com", "HTTPS://Service.MokaUnited.com", "", ""},
		// plain http only on loopback
		{"", "http://127.0.0.1:8089", "http://127.0.0.1:8089", "", ""},
		{"", "http://127.8.9.10", "http://127.8.9.10", "", ""},
		{"", "http://localhost:8089", "http://localhost:8089", "", ""},
		{"", "http://LocalHost", "http://LocalHost", "", ""},
		{"", "http://[::1]:8089", "http://[::1]:8089", "", ""},
		{"", "http://service.mokaunited.com", "", "base_url", `plain http:// to "service.mokaunited.com"`},
		{"", "http://10.0.0.5:8089", "", "base_url", "plain http://"},
		{"", "http://0.0.0.0:8089", "", "base_url", "plain http://"},
		{"", "http://[::]:8089", "", "base_url", "plain http://"},
		{"", "http://localhost.example.com", "", "base_url", "plain http://"},
		{"", "http://127.0.0.1.nip.io", "", "base_url", "plain http://"},
		// malformed
		{"", "service.mokaunited.com", "", "base_url", "must be an absolute http(s) URL"},
		{"", "//service.mokaunited.com", "", "base_url", "must be an absolute http(s) URL"},
		{"", "https://", "", "base_url", "must be an absolute http(s) URL"},
		{"", "ftp://service.mokaunited.com", "", "base_url", "must be an absolute http(s) URL"},
		{"", "https://service.mokaunited.com?x=1", "", "base_url", "without credentials, query or fragment"},
		{"", "https://service.mokaunited.com?", "", "base_url", "without credentials, query or fragment"},
		{"", "https://service.mokaunited.com#top", "", "base_url", "without credentials, query or fragment"},
		{"", "https://bad host", "", "base_url", "must be an absolute http(s) URL"},
		{"", "https://host:port", "", "base_url", "must be an absolute http(s) URL"},
		{"", "https://user:s3cret@service.mokaunited.com", "", "base_url", `got "https://REDACTED@service.mokaunited.com"`},
		{"", "https://user:s3 cret@bad host", "", "base_url", `got "https://REDACTED@bad host"`},
	} {
		t.Run(tc.environment+"|"+tc.baseURL, func(t *testing.T) {
			got, attr, problem := resolveBaseURL(tc.environment, tc.baseURL)
			if got != tc.want {
				t.Errorf("URL %q, want %q (problem %q)", got, tc.want, problem)
			}
			if attr != tc.attr {
				t.Errorf("attribute %q, want %q", attr, tc.attr)
			}
			if (problem == "") != (tc.fragment == "") || !strings.Contains(problem, tc.fragment) {
				t.Errorf("problem %q, want one containing %q", problem, tc.fragment)
			}
			if problem != "" {
				env := map[string]string{"environment": EnvEnvironment, "base_url": EnvBaseURL}[attr]
				if !strings.Contains(problem, env) {
					t.Errorf("problem %q does not name %s", problem, env)
				}
			}
			if strings.Contains(problem, "s3cret") || strings.Contains(problem, "s3 cret") {
				t.Errorf("problem %q shows the URL's password", problem)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://service.mokaunited.com":          "https://service.mokaunited.com",
		"https://u:p@host/path":                   "https://REDACTED@host/path",
		"https://u:p@x@host":                      "https://REDACTED@host",
		"u:p@host":                                "REDACTED@host",
		"https://host/p@th":                       "https://host/p@th",
		"https://host?q=a@b":                      "https://host?q=a@b",
		"http://[::1]:8089":                       "http://[::1]:8089",
		"https://only-user@host:443/DealerCustom": "https://REDACTED@host:443/DealerCustom",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// mokaEnv lists every variable the provider reads, so that a test can clear them
// all and not depend on the shell it runs in.
var mokaEnv = []string{EnvDealerCode, EnvUsername, EnvPassword, EnvEnvironment, EnvBaseURL, EnvMaxRetries, EnvRequestTimeout, EnvMaxRequestsPS}

// clearMokaEnv empties every MOKA_* variable for the test (which cannot then be
// parallel) and gives a PreConfig-style function that sets some of them.
func clearMokaEnv(t *testing.T) func(kv ...string) func() {
	for _, k := range mokaEnv {
		t.Setenv(k, "")
	}
	return func(kv ...string) func() {
		return func() {
			for _, k := range mokaEnv {
				t.Setenv(k, "")
			}
			for i := 0; i+1 < len(kv); i += 2 {
				t.Setenv(kv[i], kv[i+1])
			}
		}
	}
}

// customerUnder is a provider block (given whole) and one small customer.
func customerUnder(providerHCL, code string) string {
	return providerHCL + fmt.Sprintf(`
resource "moka_dealer_customer" "test" {
  customer_code = %q
}
`, code)
}

// TestAccProviderConfig_errors: every configuration mistake is a diagnostic at
// plan time that names the attribute and its environment variable. It sets
// environment variables, so it is not parallel; every step is a plan.
func TestAccProviderConfig_errors(t *testing.T) {
	env := clearMokaEnv(t)
	const creds = `
  dealer_code = "SANDBOX"
  username    = "sandbox"
  password    = "sandbox"
`
	sandboxURL := `  base_url = "http://127.0.0.1:1"` + "\n"
	step := func(pre func(), providerBody string, want string) resource.TestStep {
		return resource.TestStep{
			PreConfig: pre,
			Config:    customerUnder("provider \"moka\" {\n"+providerBody+"}\n", "cfg-1"),
			PlanOnly:  true,
			// Terraform wraps long lines: any space may be a line break.
			ExpectError: regexp.MustCompile(strings.ReplaceAll(want, " ", `\s+`)),
		}
	}
	none := env()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Missing credentials: each named with its variable.
			step(none, sandboxURL+`username = "sandbox"`+"\n"+`password = "sandbox"`+"\n",
				`Missing Moka dealer code[\s\S]*"dealer_code"[\s\S]*MOKA_DEALER_CODE`),
			step(none, sandboxURL+`dealer_code = "SANDBOX"`+"\n"+`password = "sandbox"`+"\n",
				`Missing Moka username[\s\S]*"username"[\s\S]*MOKA_USERNAME`),
			step(none, sandboxURL+`dealer_code = "SANDBOX"`+"\n"+`username = "sandbox"`+"\n",
				`Missing Moka password[\s\S]*"password"[\s\S]*MOKA_PASSWORD`),
			// An empty attribute is unset, and the message says so truly.
			step(none, sandboxURL+`dealer_code = "SANDBOX"`+"\n"+`username = "sandbox"`+"\n"+`password = ""`+"\n",
				`Missing Moka password[\s\S]*MOKA_PASSWORD`),
			// Environment.
			step(none, creds+`environment = "staging"`+"\n",
				`environment \(or MOKA_ENVIRONMENT\) must be "test" or "production", got "staging"`),
			step(env(EnvEnvironment, "prod"), creds,
				`environment \(or MOKA_ENVIRONMENT\) must be "test" or "production", got "prod"`),
			step(none, creds,
				`Set environment = "test" or "production" \(or MOKA_ENVIRONMENT\), or base_url \(or MOKA_BASE_URL\)[\s\S]*never defaults to production`),
			// base_url.
			step(none, creds+`base_url = "service.mokaunited.com"`+"\n",
				`base_url \(or MOKA_BASE_URL\) must be an absolute http\(s\) URL`),
			step(env(EnvBaseURL, "https://u:hunter2@service.mokaunited.com?x=1"), creds,
				`base_url \(or MOKA_BASE_URL\) must be an absolute[\s\S]*REDACTED@service`),
			step(none, creds+`base_url = "http://service.mokaunited.com"`+"\n",
				`base_url \(or MOKA_BASE_URL\) uses plain http:// to "service.mokaunited.com"`),
			step(env(EnvBaseURL, "http://192.0.2.10:8089"), creds,
				`base_url \(or MOKA_BASE_URL\) uses plain http://`),
			// max_retries and request_timeout, from the attribute and the variable.
			step(none, sandboxURL+creds+"max_retries = 51\n",
				`max_retries \(or MOKA_MAX_RETRIES\) must be between 0 and 50, got 51`),
			step(none, sandboxURL+creds+"max_retries = -1\n",
				`max_retries \(or MOKA_MAX_RETRIES\) must be between 0 and 50, got -1`),
			step(env(EnvMaxRetries, "three"), sandboxURL+creds,
				`The MOKA_MAX_RETRIES environment variable must be a whole number, got "three"`),
			step(env(EnvMaxRetries, "99"), sandboxURL+creds,
				`must be between 0 and 50, got 99`),
			step(none, sandboxURL+creds+`request_timeout = "fast"`+"\n",
				`request_timeout \(or MOKA_REQUEST_TIMEOUT\) must be a duration between 100ms and 10m[\s\S]*got "fast"`),
			step(none, sandboxURL+creds+`request_timeout = "10ms"`+"\n", `must be a duration between 100ms`),
			step(env(EnvRequestTimeout, "11m"), sandboxURL+creds, `request_timeout \(or MOKA_REQUEST_TIMEOUT\)[\s\S]*got "11m"`),
			step(env(EnvRequestTimeout, "-5s"), sandboxURL+creds, `must be a duration between 100ms`),
			// max_requests_per_second.
			step(none, sandboxURL+creds+"max_requests_per_second = -1\n",
				`max_requests_per_second \(or MOKA_MAX_REQUESTS_PER_SECOND\) must be 0 \(no limit\) or between 1/60 \(a call a minute\) and 10000, got -1`),
			step(none, sandboxURL+creds+"max_requests_per_second = 100000\n", `must be 0 \(no limit\) or between 1/60 \(a call a minute\) and 10000, got 100000`),
			step(env(EnvMaxRequestsPS, "ten"), sandboxURL+creds,
				`The MOKA_MAX_REQUESTS_PER_SECOND environment variable must be a number such as 10 or 0.5, got "ten"`),
			step(env(EnvMaxRequestsPS, "-3"), sandboxURL+creds, `must be 0 \(no limit\) or between 1/60 \(a call a minute\) and 10000, got -3`),
		},
	})
}

// TestAccProviderConfig_fromEnvironment: every attribute can come from its
// variable, and an attribute wins over its variable. Two sandboxes with
// different accounts tell which URL and credentials were used. Not parallel:
// it sets environment variables.
func TestAccProviderConfig_fromEnvironment(t *testing.T) {
	env := clearMokaEnv(t)
	byEnv := accSandbox(t, sandbox.Options{DealerCode: "ENVDEALER", Username: "envuser", Password: "envpass"})
	byAttr := accSandbox(t, sandbox.Options{DealerCode: "ATTRDEALER", Username: "attruser", Password: "attrpass"})
	envAccount := []string{EnvDealerCode, "ENVDEALER", EnvUsername, "envuser", EnvPassword, "envpass", EnvBaseURL, byEnv.URL()}
	attrConfig := fmt.Sprintf(`
provider "moka" {
  dealer_code     = "ATTRDEALER"
  username        = "attruser"
  password        = "attrpass"
  environment     = "production"
  base_url        = %q
  max_retries     = 2
  request_timeout = "15s"
}

resource "moka_dealer_customer" "attr" {
  customer_code = "attr-1"
}
`, byAttr.URL())
	envConfig := `
provider "moka" {
  dealer_code = "" # empty is unset: MOKA_DEALER_CODE is used
}

resource "moka_dealer_customer" "env" {
  customer_code = "env-1"
}
`
	codes := func(srv *sandbox.Server, want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			var got []string
			for _, c := range srv.Customers() {
				got = append(got, c.CustomerCode)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				return fmt.Errorf("sandbox at %s has customers %q, want %q", srv.URL(), got, want)
			}
			return nil
		}
	}
	// Two test cases, not one configuration with two provider blocks: the
	// in-process provider server that the tests use is one for all of a
	// configuration's provider blocks, and the last configured one wins.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(codes(byEnv), codes(byAttr)),
		Steps: []resource.TestStep{{
			// Every attribute set, every variable set to something that would
			// fail here (another account and sandbox, a bad environment,
			// limits out of range): the attributes win.
			PreConfig: env(append(envAccount, EnvEnvironment, "staging", EnvMaxRetries, "999", EnvRequestTimeout, "forever")...),
			Config:    attrConfig,
			Check:     resource.ComposeAggregateTestCheckFunc(codes(byAttr, "attr-1"), codes(byEnv)),
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(codes(byEnv), codes(byAttr)),
		Steps: []resource.TestStep{{
			// A provider block with nothing set takes everything from the variables.
			PreConfig: env(append(envAccount, EnvEnvironment, "test", EnvMaxRetries, "0", EnvRequestTimeout, "20s")...),
			Config:    envConfig,
			Check:     resource.ComposeAggregateTestCheckFunc(codes(byEnv, "env-1"), codes(byAttr)),
		}},
	})
}

// TestAccProviderConfig_unknownAtPlan: provider settings that come from another
// resource are unknown at plan time. The plan of a new customer succeeds (its
// id unknown), so does the plan of an update, and apply configures the
// provider once they are known.
func TestAccProviderConfig_unknownAtPlan(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{})
	calls := newCallCounter(srv)
	config := func(rotation, firstName string) string {
		return fmt.Sprintf(`
resource "terraform_data" "creds" {
  input = {
    base_url = %q
    password = "sandbox"
    rotation = %q
  }
}

provider "moka" {
  base_url    = terraform_data.creds.output.base_url
  dealer_code = "SANDBOX"
  username    = "sandbox"
  password    = terraform_data.creds.output.password
}

resource "moka_dealer_customer" "test" {
  customer_code = "unknown-1"
  first_name    = %q
}
`, srv.URL(), rotation, firstName)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkNoCustomers(srv),
		Steps: []resource.TestStep{
			{
				Config: config("1", "Elif"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(customerAddr, tfjsonpath.New("id")),
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("first_name"), knownvalue.StringExact("Elif")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1033")),
				},
				Check: expectStored(srv, "unknown-1", func(c sandbox.Customer) error {
					if c.FirstName != "Elif" {
						return fmt.Errorf("first name %q", c.FirstName)
					}
					return nil
				}),
			},
			{
				// The settings are unknown again (their source changes) while
				// a customer exists: its refresh is skipped with a warning
				// instead of failing the plan, its update is planned, and
				// apply makes it with the provider configured.
				PreConfig: calls.mark,
				Config:    config("2", "Ayşe"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("terraform_data.creds", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(customerAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(customerAddr, tfjsonpath.New("id"), knownvalue.StringExact("1033")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// No GetCustomer before the update: the plan could not read.
					// The password is not managed here, so the update reads the
					// one Moka holds and sends it back (GetCustomer): a Moka that
					// clears omitted fields must not lose it.
					calls.expect(map[string]int{"GetCustomer": 1, "UpdateCustomer": 1}),
					expectStored(srv, "unknown-1", func(c sandbox.Customer) error {
						if c.FirstName != "Ayşe" {
							return fmt.Errorf("first name %q", c.FirstName)
						}
						return nil
					}),
				),
			},
		},
	})
}

// configureWith runs the provider's Configure on a configuration whose
// attributes are given as tftypes values (unset ones are null).
func configureWith(t *testing.T, attrs map[string]tftypes.Value, deferralAllowed bool) *fwprovider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var schemaResp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &schemaResp)
	objType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema is not an object: %T", schemaResp.Schema.Type().TerraformType(ctx))
	}
	values := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
		if v, ok := attrs[name]; ok {
			values[name] = v
		}
	}
	req := fwprovider.ConfigureRequest{
		Config:             tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, values)},
		ClientCapabilities: fwprovider.ConfigureProviderClientCapabilities{DeferralAllowed: deferralAllowed},
	}
	resp := &fwprovider.ConfigureResponse{}
	p.Configure(ctx, req, resp)
	return resp
}

// TestConfigureUnknownValues: a setting unknown at plan time (from another
// resource) is no error and configures no client; when Terraform allows it,
// the provider asks to defer. Known settings configure a client.
func TestConfigureUnknownValues(t *testing.T) {
	for _, k := range mokaEnv {
		t.Setenv(k, "")
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	known := map[string]tftypes.Value{
		"base_url": str("http://127.0.0.1:8089"), "dealer_code": str("SANDBOX"), "username": str("sandbox"), "password": str("sandbox"),
		"max_retries": tftypes.NewValue(tftypes.Number, 2), "request_timeout": str("10s"),
		"max_requests_per_second": tftypes.NewValue(tftypes.Number, 2.5),
	}
	resp := configureWith(t, known, false)
	if resp.Diagnostics.HasError() || resp.ResourceData == nil || resp.DataSourceData == nil || resp.Deferred != nil {
		t.Fatalf("known settings: diags %v, resource data %v, deferred %v", resp.Diagnostics, resp.ResourceData, resp.Deferred)
	}
	for _, name := range []string{"dealer_code", "username", "password", "environment", "base_url", "max_retries", "request_timeout", "max_requests_per_second"} {
		for _, deferral := range []bool{false, true} {
			attrs := maps.Clone(known)
			typ := tftypes.Type(tftypes.String)
			if name == "max_retries" || name == "max_requests_per_second" {
				typ = tftypes.Number
			}
			attrs[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
			resp := configureWith(t, attrs, deferral)
			if resp.Diagnostics.HasError() || resp.ResourceData != nil || resp.DataSourceData != nil {
				t.Errorf("unknown %s: diags %v, data %v", name, resp.Diagnostics, resp.ResourceData)
			}
			if deferred := resp.Deferred != nil && resp.Deferred.Reason == fwprovider.DeferredReasonProviderConfigUnknown; deferred != deferral {
				t.Errorf("unknown %s, deferral allowed %t: deferred %v", name, deferral, resp.Deferred)
			}
		}
	}
}

// TestAccProviderConfig_credentialsAsGiven: the dealer code, username and
// password make the CheckKey character for character, so a space that is part
// of a password reaches Moka as it is (the other settings are trimmed).
func TestAccProviderConfig_credentialsAsGiven(t *testing.T) {
	srv := accSandbox(t, sandbox.Options{Password: " pass word "})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "moka" {
  base_url    = "  %s  "
  dealer_code = "SANDBOX"
  username    = "sandbox"
  password    = " pass word "
}

data "moka_dealer_customers" "all" {}
`, srv.URL()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.moka_dealer_customers.all", tfjsonpath.New("customers"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// TestBlockWinsOverEnvironment: a setting in the provider block beats its
// environment variable, and the endpoint does as a whole: environment =
// "test" in the block is not overridden by an exported MOKA_BASE_URL. Where a
// variable disagrees with the block, a warning names both (never a secret's
// value). Resolved without Configure, which would call the endpoint.
func TestBlockWinsOverEnvironment(t *testing.T) {
	str := types.StringValue
	for _, tt := range []struct {
		name     string
		block    providerModel
		env      map[string]string
		wantURL  string
		warnings []string // variables warned about
	}{
		{"environment in the block, MOKA_BASE_URL exported", providerModel{Environment: str("test")},
			map[string]string{EnvBaseURL: "http://127.0.0.1:9"}, moka.TestBaseURL, []string{EnvBaseURL}},
		{"base_url in the block, MOKA_BASE_URL exported", providerModel{BaseURL: str("http://127.0.0.1:8089")},
			map[string]string{EnvBaseURL: "http://127.0.0.1:9"}, "http://127.0.0.1:8089", []string{EnvBaseURL}},
		{"base_url in the block, MOKA_ENVIRONMENT exported", providerModel{BaseURL: str("http://127.0.0.1:8089")},
			map[string]string{EnvEnvironment: "production"}, "http://127.0.0.1:8089", []string{EnvEnvironment}},
		{"nothing in the block: the environment", providerModel{},
			map[string]string{EnvBaseURL: "http://127.0.0.1:9", EnvEnvironment: "production"}, "http://127.0.0.1:9", nil},
		{"environment in both, differing", providerModel{Environment: str("test")},
			map[string]string{EnvEnvironment: "production"}, moka.TestBaseURL, []string{EnvEnvironment}},
		{"password in both, differing", providerModel{BaseURL: str("http://127.0.0.1:8089"), Password: str("s3cret-block")},
			map[string]string{EnvPassword: "s3cret-env"}, "http://127.0.0.1:8089", []string{EnvPassword}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range mokaEnv {
				t.Setenv(k, "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			for _, v := range []*types.String{&tt.block.DealerCode, &tt.block.Username, &tt.block.Password, &tt.block.Environment, &tt.block.BaseURL, &tt.block.RequestTimeout} {
				if v.IsNull() || v.ValueString() == "" {
					*v = types.StringNull()
				}
			}
			var diags diag.Diagnostics
			values, unknown := resolveSettings(tt.block, &diags)
			if unknown != "" || diags.HasError() {
				t.Fatalf("unknown %q, diags %v", unknown, diags)
			}
			url, _, problem := resolveBaseURL(values["environment"], values["base_url"])
			if problem != "" || url != tt.wantURL {
				t.Errorf("calls go to %q (%s), want %s", url, problem, tt.wantURL)
			}
			var warned []string
			for _, w := range diags.Warnings() {
				warned = append(warned, w.Summary())
				if strings.Contains(w.Detail(), "s3cret") {
					t.Errorf("a warning shows a secret: %s", w.Detail())
				}
			}
			if len(warned) != len(tt.warnings) {
				t.Errorf("warnings %q, want one for each of %q", warned, tt.warnings)
			}
			for i, env := range tt.warnings {
				if i < len(warned) && !strings.Contains(warned[i], env) {
					t.Errorf("warning %q does not name %s", warned[i], env)
				}
			}
		})
	}
}

// TestRequestRateLimiter: max_requests_per_second from the attribute, else the
// variable, else the default; one limiter per cap in the process, so that
// every configuration with that cap shares its budget.
func TestRequestRateLimiter(t *testing.T) {
	for _, tc := range []struct {
		name    string
		attr    types.Float64
		env     string
		want    float64
		wantErr string
		baseURL string // moka.TestBaseURL unless set
	}{
		{"default", types.Float64Null(), "", moka.DefaultMaxRequestsPerSecond, "", ""},
		{"default, production", types.Float64Null(), "", moka.DefaultMaxRequestsPerSecond, "", moka.ProductionBaseURL},
		{"default, a proxy", types.Float64Null(), "", moka.DefaultMaxRequestsPerSecond, "", "https://moka-proxy.internal:8443"},
		{"default, loopback: none", types.Float64Null(), "", 0, "", "http://127.0.0.1:8089"},
		{"default, 127.0.0.0/8: none", types.Float64Null(), "", 0, "", "http://127.1.2.3:8089"},
		{"default, ::1: none", types.Float64Null(), "", 0, "", "http://[::1]:8089"},
		{"default, localhost: none", types.Float64Null(), "", 0, "", "https://LocalHost:8443/moka"},
		{"attribute on loopback", types.Float64Value(5), "", 5, "", "http://127.0.0.1:8089"},
		{"variable on loopback", types.Float64Null(), "5", 5, "", "http://localhost:8089"},
		{"not loopback by name", types.Float64Null(), "", moka.DefaultMaxRequestsPerSecond, "", "https://localhost.example.com"},
		{"attribute", types.Float64Value(2.5), "", 2.5, "", ""},
		{"attribute beats the variable", types.Float64Value(3), "7", 3, "", ""},
		{"variable", types.Float64Null(), " 7 ", 7, "", ""},
		{"zero is no limit", types.Float64Value(0), "", 0, "", ""},
		{"fraction", types.Float64Null(), "0.5", 0.5, "", ""},
		{"negative", types.Float64Value(-1), "", 0, "must be 0 (no limit) or between", ""},
		{"too many", types.Float64Value(10001), "", 0, "must be 0 (no limit) or between", ""},
		{"too few to be a cap", types.Float64Null(), "1e-300", 0, "must be 0 (no limit) or between", ""},
		{"one a minute", types.Float64Value(1.0 / 60), "", 1.0 / 60, "", ""},
		{"variable not a number", types.Float64Null(), "lots", 0, "must be a number", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvMaxRequestsPS, tc.env)
			if tc.baseURL == "" {
				tc.baseURL = moka.TestBaseURL
			}
			var diags diag.Diagnostics
			l := requestRateLimiter(tc.attr, tc.baseURL, &diags)
			if tc.wantErr != "" {
				if !diags.HasError() || !strings.Contains(fmt.Sprint(diags), tc.wantErr) {
					t.Fatalf("diags %v, want an error with %q", diags, tc.wantErr)
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("diags %v", diags)
			}
			if l.PerSecond() != tc.want {
				t.Errorf("cap %v, want %v", l.PerSecond(), tc.want)
			}
			if again := requestRateLimiter(tc.attr, tc.baseURL, &diags); again != l {
				t.Error("a second configuration with the same cap got a limiter of its own")
			}
		})
	}
}

// TestBlockOverridesEnvironmentUnit: a variable that disagrees with the
// provider block is a warning naming both, numbers included, and a URL's
// user and password are never shown. Serial: it sets MOKA_* variables.
func TestBlockOverridesEnvironmentUnit(t *testing.T) {
	set := clearMokaEnv(t)
	cfg := providerModel{
		DealerCode: types.StringValue("D"), Username: types.StringValue("u"), Password: types.StringValue("p"),
		BaseURL:       types.StringValue("https://moka-user:BlockUrlPw11@block.example.com/"),
		MaxRetries:    types.Int64Value(4),
		MaxRequestsPS: types.Float64Value(3),
	}
	tests := []struct {
		env  []string
		want []string // summaries' attributes, in order
	}{
		{nil, nil},
		{[]string{EnvBaseURL, "https://moka-user:PrivateUrlPw99@proxy.example.com/"}, []string{"base_url"}},
		{[]string{EnvMaxRetries, "7"}, []string{"max_retries"}},
		{[]string{EnvMaxRetries, "4"}, nil},
		{[]string{EnvMaxRequestsPS, "5"}, []string{"max_requests_per_second"}},
		{[]string{EnvMaxRequestsPS, "3"}, nil},
	}
	for _, tt := range tests {
		set(tt.env...)()
		var diags diag.Diagnostics
		resolveSettings(cfg, &diags)
		maxRetries(cfg, &diags)
		requestRateLimiter(cfg.MaxRequestsPS, cfg.BaseURL.ValueString(), &diags)
		var got []string
		for _, d := range diags {
			text := d.Summary() + " " + d.Detail()
			if strings.Contains(text, "UrlPw") {
				t.Errorf("%v: a URL's password in %q", tt.env, text)
			}
			if d.Severity() == diag.SeverityWarning && strings.HasPrefix(d.Summary(), "Provider block overrides") {
				if a, ok := d.(diag.DiagnosticWithPath); ok {
					got = append(got, a.Path().String())
				}
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%v: warnings for %v, want %v", tt.env, got, tt.want)
		}
	}
}
