package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-moka/terraform-provider-moka/internal/sandbox"
	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// The examples under examples/ are what users copy and what the docs show, so
// every one of them is checked against the provider as it is built now:
// TestAccExamples runs `terraform validate` on each (the provider's own
// validators included), TestAccExampleCITestEnvironment runs the CI module's
// `terraform test` against a sandbox. Both build the provider binary and point
// Terraform at it with a dev_overrides CLI configuration in a temporary
// directory; the user's ~/.terraformrc is never read.

// exampleCase is one thing `terraform validate` checks: a set of example files
// (or a whole example module) copied into an empty directory.
type exampleCase struct {
	name  string
	files []string // absolute paths
	query bool     // .tfquery.hcl files: validate -query, Terraform 1.14+
}

func TestAccExamples(t *testing.T) {
	t.Parallel()
	tf := testsupport.NewAccTerraform(t)
	examples := filepath.Join(moduleRoot(t), "examples")

	t.Run("every resource and data source has its examples", func(t *testing.T) {
		for _, missing := range missingExampleFiles(t, examples) {
			t.Errorf("missing %s", missing)
		}
	})

	t.Run("terraform fmt", func(t *testing.T) {
		if code, out := tf.In(t, examples).Run(nil, "fmt", "-check", "-diff", "-recursive", "."); code != 0 {
			t.Fatalf("examples are not terraform fmt clean (run make generate):\n%s", out)
		}
	})

	t.Run("import.sh names a declared resource", func(t *testing.T) {
		checkImportScripts(t, examples)
	})

	cases := exampleCases(t, examples)
	if len(cases) < 10 {
		t.Fatalf("found only %d example cases under %s; the walk is broken", len(cases), examples)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if needsWriteOnly(t, c.files) {
				tf.SkipBelow(t, 1, 11, "write-only attributes")
			}
			if c.query {
				tf.SkipBelow(t, 1, 14, "list resources (terraform query)")
			}
			if importsByIdentity(t, c.files) {
				tf.SkipBelow(t, 1, 12, "import blocks by identity")
			}
			work := t.TempDir()
			declared := false
			for _, f := range c.files {
				body, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				declared = declared || bytes.Contains(body, []byte("required_providers"))
				rel := filepath.Base(f)
				if strings.Contains(f, string(filepath.Separator)+"tests"+string(filepath.Separator)) {
					rel = filepath.Join("tests", rel)
				}
				testsupport.WriteFile(t, filepath.Join(work, rel), string(body))
			}
			if !declared {
				// Snippets in the docs leave out the terraform block; without it
				// the moka provider would be looked for as hashicorp/moka.
				testsupport.WriteFile(t, filepath.Join(work, "zz_required_providers.tf"), fmt.Sprintf(
					"terraform {\n  required_providers {\n    moka = {\n      source = %q\n    }\n  }\n}\n", testsupport.ProviderSource))
			}
			validateExample(t, tf.In(t, work), c.query)
		})
	}
}

// TestSchemaDescriptions checks that the schema documents itself: the provider,
// every resource and data source, and every attribute and block in them has a
// description, which tfplugindocs puts in docs/.
func TestSchemaDescriptions(t *testing.T) {
	server := providerserver.NewProtocol6(New("test")())()
	resp, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	var missing []string
	checkSchemaBlock(&missing, "provider", resp.Provider.Block)
	if len(resp.ResourceSchemas) < 3 || len(resp.DataSourceSchemas) < 3 {
		t.Fatalf("expected at least 3 resources and 3 data sources, got %d and %d", len(resp.ResourceSchemas), len(resp.DataSourceSchemas))
	}
	for name, s := range resp.ResourceSchemas {
		checkSchemaBlock(&missing, "resource "+name, s.Block)
	}
	for name, s := range resp.DataSourceSchemas {
		checkSchemaBlock(&missing, "data source "+name, s.Block)
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no description: %s", m)
	}
}

func checkSchemaBlock(missing *[]string, where string, b *tfprotov6.SchemaBlock) {
	if strings.TrimSpace(b.Description) == "" {
		*missing = append(*missing, where)
	}
	for _, a := range b.Attributes {
		checkSchemaAttribute(missing, where+"."+a.Name, a)
	}
	for _, nb := range b.BlockTypes {
		checkSchemaBlock(missing, where+"."+nb.TypeName, nb.Block)
	}
}

func checkSchemaAttribute(missing *[]string, where string, a *tfprotov6.SchemaAttribute) {
	if strings.TrimSpace(a.Description) == "" {
		*missing = append(*missing, where)
	}
	if a.NestedType != nil {
		for _, na := range a.NestedType.Attributes {
			checkSchemaAttribute(missing, where+"."+na.Name, na)
		}
	}
}

// TestAccExampleCITestEnvironment runs examples/ci-test-environment's
// `terraform test` against a sandbox, the way a user's CI would, and checks
// that it really provisioned cards there and cleaned up after itself.
func TestAccExampleCITestEnvironment(t *testing.T) {
	t.Parallel()
	tf := testsupport.NewAccTerraform(t)
	tf.SkipBelow(t, 1, 11, "write-only attributes") // the module stores cards, whose number is write-only

	srv := accSandbox(t, sandbox.Options{})
	work := t.TempDir()
	copyExampleDir(t, filepath.Join(moduleRoot(t), "examples", "ci-test-environment"), work)

	env := []string{
		"MOKA_BASE_URL=" + srv.URL(),
		"MOKA_DEALER_CODE=SANDBOX",
		"MOKA_USERNAME=sandbox",
		"MOKA_PASSWORD=sandbox",
	}
	code, out := tf.In(t, work).Run(env, "test", "-no-color")
	t.Logf("terraform test:\n%s", out)
	if code != 0 {
		t.Fatalf("terraform test failed: exit %d", code)
	}
	if !regexp.MustCompile(`Success! [1-9][0-9]* passed, 0 failed`).MatchString(out) {
		t.Fatalf("terraform test did not report success")
	}

	calls := srv.Stats().Calls
	for op, atLeast := range map[string]int{"AddCustomer": 2, "AddCard": 3, "UpdateCard": 1, "RemoveCard": 3, "RemoveCustomer": 2} {
		if calls[op] < atLeast {
			t.Errorf("sandbox saw %d %s calls, want at least %d (all calls: %v)", calls[op], op, atLeast, calls)
		}
	}
	if n := len(srv.Customers()); n != 0 {
		t.Errorf("terraform test left %d customers in the sandbox", n)
	}
	if n := len(srv.Cards()); n != 0 {
		t.Errorf("terraform test left %d cards in the sandbox", n)
	}
}

// validateExample runs terraform validate in w and fails t on any error.
func validateExample(t *testing.T, w *testsupport.WorkDir, query bool) {
	t.Helper()
	args := []string{"validate", "-json", "-no-color"}
	if query {
		args = append(args, "-query")
	}
	cmd := w.Command(nil, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var result struct {
		Valid       bool `json:"valid"`
		Diagnostics []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct {
					Line int `json:"line"`
				} `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &result); err != nil {
		t.Fatalf("terraform validate: %v (exit: %v)\nstdout: %s\nstderr: %s", err, runErr, out, stderr.String())
	}
	var problems []string
	for _, d := range result.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		where := ""
		if d.Range != nil {
			where = fmt.Sprintf("%s:%d: ", d.Range.Filename, d.Range.Start.Line)
		}
		problems = append(problems, fmt.Sprintf("%s%s: %s", where, d.Summary, d.Detail))
	}
	if !result.Valid || runErr != nil || len(problems) > 0 {
		t.Fatalf("terraform validate: valid=%v exit=%v\n%s\n%s", result.Valid, runErr, strings.Join(problems, "\n"), stderr.String())
	}
}

// exampleCases lists what to validate. Docs snippets (provider*.tf,
// resource*.tf, data-source*.tf) are each validated on their own, as a reader
// copies them; an import-by-string-id.tf goes with the snippet that declares
// the resource it imports into. Any other directory of .tf files under
// examples/ is a module and is validated whole.
func exampleCases(t *testing.T, examples string) []exampleCase {
	t.Helper()
	var cases []exampleCase
	err := filepath.WalkDir(examples, func(dir string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		if d.Name() == "tests" {
			return nil // a module's .tftest.hcl files go with the module
		}
		tfFiles, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		rel, _ := filepath.Rel(examples, dir)
		kind := strings.Split(filepath.ToSlash(rel), "/")[0]
		if kind == "list-resources" {
			queries, _ := filepath.Glob(filepath.Join(dir, "*.tfquery.hcl"))
			for _, q := range queries {
				if !strings.HasPrefix(filepath.Base(q), "list-resource") {
					t.Errorf("%s: tfplugindocs does not pick up %s; name it list-resource*.tfquery.hcl", rel, filepath.Base(q))
				}
				cases = append(cases, exampleCase{name: filepath.ToSlash(filepath.Join(rel, filepath.Base(q))), files: []string{q}, query: true})
			}
			return nil
		}
		if len(tfFiles) == 0 {
			return nil
		}
		if kind != "provider" && kind != "resources" && kind != "data-sources" {
			tests, _ := filepath.Glob(filepath.Join(dir, "tests", "*.tftest.hcl"))
			cases = append(cases, exampleCase{name: filepath.ToSlash(rel), files: append(tfFiles, tests...)})
			return nil
		}
		var imports []string
		var snippets []string
		for _, f := range tfFiles {
			base := filepath.Base(f)
			switch {
			case strings.HasPrefix(base, "import"):
				imports = append(imports, f)
			case strings.HasPrefix(base, "provider"), strings.HasPrefix(base, "resource"), strings.HasPrefix(base, "data-source"):
				snippets = append(snippets, f)
			default:
				t.Errorf("%s: tfplugindocs does not pick up %s; name it provider*.tf, resource*.tf, data-source*.tf, import-by-string-id.tf or import-by-identity.tf", rel, base)
			}
		}
		for _, s := range snippets {
			name := filepath.ToSlash(filepath.Join(rel, filepath.Base(s)))
			cases = append(cases, exampleCase{name: name, files: []string{s}})
			body, _ := os.ReadFile(s)
			// One case per import file: two import blocks for one resource
			// (by ID and by identity) are an error together.
			for _, imp := range imports {
				if declaresImportTarget(t, body, imp) {
					cases = append(cases, exampleCase{name: name + "+" + filepath.Base(imp), files: []string{s, imp}})
				}
			}
		}
		for _, imp := range imports {
			found := false
			for _, s := range snippets {
				body, _ := os.ReadFile(s)
				found = found || declaresImportTarget(t, body, imp)
			}
			if !found {
				t.Errorf("%s imports into a resource that no resource*.tf beside it declares", imp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

var importTo = regexp.MustCompile(`(?m)^\s*to\s*=\s*([a-z0-9_]+)\.([a-zA-Z0-9_-]+)\s*$`)

// declaresImportTarget reports whether body declares the resource that the
// import block in file imp imports into.
func declaresImportTarget(t *testing.T, body []byte, imp string) bool {
	t.Helper()
	raw, err := os.ReadFile(imp)
	if err != nil {
		t.Fatal(err)
	}
	m := importTo.FindSubmatch(raw)
	if m == nil {
		t.Fatalf("%s: no `to = <type>.<name>` line", imp)
	}
	return declaresResource(body, string(m[1]), string(m[2]))
}

func declaresResource(body []byte, typ, name string) bool {
	return regexp.MustCompile(`(?m)^resource\s+"` + regexp.QuoteMeta(typ) + `"\s+"` + regexp.QuoteMeta(name) + `"`).Match(body)
}

// checkImportScripts checks that each import.sh imports into a resource that a
// resource*.tf beside it declares, with the command's usual shape.
func checkImportScripts(t *testing.T, examples string) {
	t.Helper()
	scripts, _ := filepath.Glob(filepath.Join(examples, "resources", "*", "import.sh"))
	if len(scripts) == 0 {
		t.Fatal("no import.sh found")
	}
	command := regexp.MustCompile(`^terraform import ([a-z0-9_]+)\.([a-zA-Z0-9_-]+) (\S+)$`)
	for _, script := range scripts {
		raw, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		var snippets []byte
		tfFiles, _ := filepath.Glob(filepath.Join(filepath.Dir(script), "resource*.tf"))
		for _, f := range tfFiles {
			b, _ := os.ReadFile(f)
			snippets = append(snippets, b...)
		}
		want := filepath.Base(filepath.Dir(script))
		commands := 0
		for _, line := range strings.Split(string(raw), "\n") {
			if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			m := command.FindStringSubmatch(line)
			if m == nil {
				t.Errorf("%s: %q is not `terraform import <address> <id>`", script, line)
				continue
			}
			commands++
			if m[1] != want {
				t.Errorf("%s imports a %s, want %s", script, m[1], want)
			}
			if !declaresResource(snippets, m[1], m[2]) {
				t.Errorf("%s imports into %s.%s, which no resource*.tf beside it declares", script, m[1], m[2])
			}
		}
		if commands == 0 {
			t.Errorf("%s has no terraform import command", script)
		}
	}
}

// missingExampleFiles lists the tfplugindocs example files that the provider's
// resources and data sources lack.
func missingExampleFiles(t *testing.T, examples string) []string {
	t.Helper()
	ctx := t.Context()
	p := New("test")()
	var want []string
	for _, f := range p.Resources(ctx) {
		var resp fwresource.MetadataResponse
		f().Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "moka"}, &resp)
		for _, name := range []string{"resource.tf", "import.sh", "import-by-string-id.tf", "import-by-identity.tf"} {
			want = append(want, filepath.Join("resources", resp.TypeName, name))
		}
	}
	mp, ok := p.(interface {
		ListResources(context.Context) []func() list.ListResource
	})
	if !ok {
		t.Fatal("the provider has no list resources")
	}
	for _, f := range mp.ListResources(ctx) {
		var resp fwresource.MetadataResponse
		f().Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "moka"}, &resp)
		want = append(want, filepath.Join("list-resources", resp.TypeName, "list-resource.tfquery.hcl"))
	}
	for _, f := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "moka"}, &resp)
		want = append(want, filepath.Join("data-sources", resp.TypeName, "data-source.tf"))
	}
	want = append(want, filepath.Join("provider", "provider.tf"))
	if len(want) < 3*4+3+2+1 {
		t.Fatalf("the provider lists fewer resources and data sources than expected: %v", want)
	}
	var missing []string
	for _, rel := range want {
		if _, err := os.Stat(filepath.Join(examples, rel)); err != nil {
			missing = append(missing, "examples/"+filepath.ToSlash(rel))
		}
	}
	return missing
}

var identityImport = regexp.MustCompile(`(?m)^\s*identity\s*=\s*\{`)

// importsByIdentity reports whether the files have an import block by
// identity (Terraform 1.12+).
func importsByIdentity(t *testing.T, files []string) bool {
	t.Helper()
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if identityImport.Match(body) {
			return true
		}
	}
	return false
}

var writeOnlyUse = regexp.MustCompile(`(?m)^\s*([a-z0-9_]+_wo\s*=|ephemeral\s*=\s*true)`)

// needsWriteOnly reports whether the files set a write-only attribute or
// declare an ephemeral variable (Terraform 1.10+, used here only to feed
// write-only attributes).
func needsWriteOnly(t *testing.T, files []string) bool {
	t.Helper()
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if writeOnlyUse.Match(body) {
			return true
		}
	}
	return false
}

func TestNeedsWriteOnly(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		body string
		want bool
	}{
		{"resource \"moka_card\" \"a\" {\n  card_number_wo = var.n\n}\n", true},
		{"variable \"n\" {\n  ephemeral = true\n}\n", true},
		{"resource \"moka_dealer_customer\" \"a\" {\n  customer_code = \"CUST-1\"\n}\n", false},
		{"# card_number_wo is write-only\n", false},
		{"  password_wo_version = 1\n", false},
	}
	for i, tt := range tests {
		f := filepath.Join(dir, strconv.Itoa(i)+".tf")
		testsupport.WriteFile(t, f, tt.body)
		if got := needsWriteOnly(t, []string{f}); got != tt.want {
			t.Errorf("needsWriteOnly(%q) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

// moduleRoot is the directory of go.mod, above the test's.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := testsupport.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copyExampleDir copies the regular files of src (recursively, without .terraform
// directories or state) into dst.
func copyExampleDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(d.Name(), ".tfstate") || d.Name() == ".terraform.lock.hcl" {
			return nil
		}
		rel, _ := filepath.Rel(src, path)
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		testsupport.WriteFile(t, filepath.Join(dst, rel), string(body))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccExampleCITestEnvironmentSideBySide runs examples/ci-test-environment's
// `terraform test` three times at once against one sandbox, as three CI
// pipelines sharing a dealer account would, each in its own copy of the module
// and with its own TF_VAR_code_prefix, as the module's README shows. All three
// must pass, each must have created its customers under its own prefix (the
// verbose output shows the codes), and the sandbox must be empty afterwards.
func TestAccExampleCITestEnvironmentSideBySide(t *testing.T) {
	t.Parallel()
	tf := testsupport.NewAccTerraform(t)
	tf.SkipBelow(t, 1, 11, "write-only attributes") // the module stores cards, whose number is write-only

	srv := accSandbox(t, sandbox.Options{})
	env := []string{
		"MOKA_BASE_URL=" + srv.URL(),
		"MOKA_DEALER_CODE=SANDBOX",
		"MOKA_USERNAME=sandbox",
		"MOKA_PASSWORD=sandbox",
	}
	const pipelines = 3
	type result struct {
		out  string
		code int
		err  error
	}
	results := make([]result, pipelines)
	var wg sync.WaitGroup
	for i := range pipelines {
		work := t.TempDir()
		copyExampleDir(t, filepath.Join(moduleRoot(t), "examples", "ci-test-environment"), work)
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := tf.Exec(t.Context(), work, append(slices.Clone(env), fmt.Sprintf("TF_VAR_code_prefix=P%d-", i+1)), "test", "-no-color", "-verbose")
			results[i] = result{string(res.Output), res.ExitCode, err}
		}()
	}
	wg.Wait()

	for i, r := range results {
		prefix := fmt.Sprintf("P%d-", i+1)
		if r.code != 0 || !regexp.MustCompile(`Success! [1-9][0-9]* passed, 0 failed`).MatchString(r.out) {
			t.Errorf("pipeline %s: terraform test failed (exit %d, %v):\n%s", prefix, r.code, r.err, tail(r.out, 60))
			continue
		}
		for _, code := range []string{prefix + "CI-ELIF", prefix + "CI-MEHMET"} {
			if !strings.Contains(r.out, `"`+code+`"`) {
				t.Errorf("pipeline %s: no customer %q in its run; its codes did not go through code_prefix:\n%s", prefix, code, tail(r.out, 60))
			}
		}
		for j := range pipelines {
			if other := fmt.Sprintf("P%d-", j+1); j != i && strings.Contains(r.out, `"`+other+`CI-`) {
				t.Errorf("pipeline %s touched pipeline %s's customers", prefix, other)
			}
		}
	}
	if calls := srv.Stats().Calls; calls["AddCustomer"] < 2*pipelines || calls["RemoveCustomer"] < 2*pipelines {
		t.Errorf("the sandbox saw %d AddCustomer and %d RemoveCustomer calls, want at least %d of each", calls["AddCustomer"], calls["RemoveCustomer"], 2*pipelines)
	}
	if left := srv.Customers(); len(left) != 0 {
		t.Errorf("the pipelines left %d customers in the sandbox: %+v", len(left), left)
	}
	if left := srv.Cards(); len(left) != 0 {
		t.Errorf("the pipelines left %d cards in the sandbox", len(left))
	}
}

// TestAccExampleCITestEnvironmentCleanup follows the README's cleanup of a
// stopped run: the customers (and their cards) with one prefix go, and
// nothing else; an empty prefix is refused before anything is read.
func TestAccExampleCITestEnvironmentCleanup(t *testing.T) {
	t.Parallel()
	tf := testsupport.NewAccTerraform(t)
	tf.SkipBelow(t, 1, 7, "import blocks with for_each")

	srv := accSandbox(t, sandbox.Options{})
	for i, code := range []string{"K9-CI-MEHMET", "K9-CI-ELIF", "KEEP-CI-MEHMET", "k9-CI-LOWER", "CI-K9-"} {
		c, err := srv.PutCustomer(sandbox.Customer{CustomerCode: code, FirstName: "Test", Address: "Kept as it is"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.AddCardDirect(c.DealerCustomerID, "Test Kişi", testsupport.CardNumber("512754", i, 16), "12", "2030", "Kart"); err != nil {
			t.Fatal(err)
		}
	}
	work := t.TempDir()
	copyExampleDir(t, filepath.Join(moduleRoot(t), "examples", "ci-test-environment", "cleanup"), work)
	env := []string{"MOKA_BASE_URL=" + srv.URL(), "MOKA_DEALER_CODE=SANDBOX", "MOKA_USERNAME=sandbox", "MOKA_PASSWORD=sandbox"}
	dir := tf.In(t, work)

	if code, out := dir.Run(append(slices.Clone(env), "TF_VAR_code_prefix="), "plan", "-no-color"); code == 0 || !strings.Contains(out, "must not be empty") {
		t.Errorf("an empty prefix was not refused (exit %d):\n%s", code, tail(out, 20))
	}
	env = append(env, "TF_VAR_code_prefix=K9-")
	before := srv.Stats().Calls
	if code, out := dir.Run(env, "apply", "-auto-approve", "-no-color"); code != 0 || !strings.Contains(out, "2 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the cleanup's apply (exit %d) did not only import the two customers:\n%s", code, tail(out, 30))
	}
	for _, op := range []string{"UpdateCustomer", "RemoveCustomer", "RemoveCard"} {
		if srv.Stats().Calls[op] != before[op] {
			t.Errorf("the cleanup's apply called %s", op)
		}
	}
	if code, out := dir.Run(env, "destroy", "-auto-approve", "-no-color"); code != 0 {
		t.Fatalf("the cleanup's destroy failed (exit %d):\n%s", code, tail(out, 30))
	}
	var left []string
	for _, c := range srv.Customers() {
		left = append(left, c.CustomerCode)
	}
	slices.Sort(left)
	if want := []string{"CI-K9-", "KEEP-CI-MEHMET", "k9-CI-LOWER"}; !slices.Equal(left, want) || len(srv.Cards()) != 3 {
		t.Errorf("after the cleanup Moka holds customers %v and %d cards, want %v and their 3 cards", left, len(srv.Cards()), want)
	}
}
