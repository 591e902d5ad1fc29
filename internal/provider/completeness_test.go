package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

// TestEveryKindIsComplete is the checklist of CONTRIBUTING.md ("Adding a
// resource") as a test: whatever the provider registers has its docs page, the
// interfaces a user relies on (import, identity, plan checks) and a place in
// the shared acceptance tables. Examples are checked by TestAccExamples, the
// descriptions by TestSchemaDescriptions, the docs' freshness by make docs-check.
func TestEveryKindIsComplete(t *testing.T) {
	ctx := t.Context()
	root, err := testsupport.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := New("test")()
	short := func(typeName string) string { return strings.TrimPrefix(typeName, "moka_") }

	var resources []string
	for _, f := range p.Resources(ctx) {
		r := f()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "moka"}, &meta)
		resources = append(resources, meta.TypeName)
		t.Run(meta.TypeName, func(t *testing.T) {
			if _, ok := r.(resource.ResourceWithImportState); !ok {
				t.Error("no ImportState: every resource must import, so that an existing object can be adopted")
			}
			if withIdentity, ok := r.(resource.ResourceWithIdentity); !ok {
				t.Error("no IdentitySchema: import blocks by identity and terraform query need it")
			} else {
				var identity resource.IdentitySchemaResponse
				withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &identity)
				for name, a := range identity.IdentitySchema.Attributes {
					if strings.TrimSpace(a.GetDescription()) == "" {
						t.Errorf("identity attribute %s has no description (the registry page shows it)", name)
					}
				}
			}
			if _, ok := r.(resource.ResourceWithModifyPlan); !ok {
				t.Error("no ModifyPlan: the plan must warn about what it cannot show (see the other resources)")
			}
			if _, ok := r.(resource.ResourceWithConfigure); !ok {
				t.Error("no Configure: embed resourceBase")
			}
			mustExist(t, root, "docs", "resources", short(meta.TypeName)+".md")
			mustExist(t, root, "templates", "resources", short(meta.TypeName)+".md.tmpl")
			if !hasBadInputCase(meta.TypeName) {
				t.Errorf("no row for %s in badInputCases (bad_input_test.go): its validators are never tried through terraform validate", meta.TypeName)
			}
			if !underSomeSwitch(camel(short(meta.TypeName)) + "_") {
				t.Errorf("no test named %s_… in accUnderSwitches (switches_test.go): the resource is never tried under the sandbox's switches", camel(short(meta.TypeName)))
			}
		})
	}

	for _, f := range p.DataSources(ctx) {
		d := f()
		var meta datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "moka"}, &meta)
		t.Run("data."+meta.TypeName, func(t *testing.T) {
			if _, ok := d.(datasource.DataSourceWithConfigure); !ok {
				t.Error("no Configure: embed dataSourceBase")
			}
			mustExist(t, root, "docs", "data-sources", short(meta.TypeName)+".md")
		})
	}
	if !underSomeSwitch("DataSources_") {
		t.Error("no DataSources_… test in accUnderSwitches (switches_test.go)")
	}

	registered := map[string]bool{}
	for _, r := range resources {
		registered["resource_"+short(r)+".go"] = true
		registered[filepath.Join("examples", "resources", r)] = true
	}
	for _, f := range p.DataSources(ctx) {
		var meta datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "moka"}, &meta)
		registered["data_source_"+short(meta.TypeName)+".go"] = true
		registered[filepath.Join("examples", "data-sources", meta.TypeName)] = true
	}

	withLists, ok := p.(*mokaProvider)
	if !ok {
		t.Fatalf("New returned %T, not *mokaProvider", p)
	}
	for _, f := range withLists.ListResources(ctx) {
		l := f()
		var meta resource.MetadataResponse
		l.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "moka"}, &meta)
		t.Run("list."+meta.TypeName, func(t *testing.T) {
			found := false
			for _, r := range resources {
				found = found || r == meta.TypeName
			}
			if !found {
				t.Errorf("list %q has no resource of the same name: its results could not be imported", meta.TypeName)
			}
			mustExist(t, root, "docs", "list-resources", short(meta.TypeName)+".md")
		})
		registered["list_"+short(meta.TypeName)+".go"] = true
		registered[filepath.Join("examples", "list-resources", meta.TypeName)] = true
	}

	// The other way round: a kind's file or examples with no registration
	// means a kind someone wrote and forgot to list in provider.go.
	var written []string
	for _, pattern := range []string{"resource_*.go", "data_source_*.go", "list_*.go"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if !strings.HasSuffix(f, "_test.go") {
				written = append(written, f)
			}
		}
	}
	for _, kind := range []string{"resources", "data-sources", "list-resources"} {
		dirs, _ := filepath.Glob(filepath.Join(root, "examples", kind, "moka_*"))
		for _, d := range dirs {
			rel, _ := filepath.Rel(root, d)
			written = append(written, rel)
		}
	}
	if len(written) < len(resources) {
		t.Fatalf("found %d kind files and example directories for %d resources: the glob is broken", len(written), len(resources))
	}
	for _, w := range written {
		if !registered[w] {
			t.Errorf("%s has no registered kind of that name: register it in provider.go (Resources, DataSources or ListResources), or name the file after the kind it holds", w)
		}
	}
}

func mustExist(t *testing.T, root string, rel ...string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(append([]string{root}, rel...)...)); err != nil {
		t.Errorf("missing %s (make generate writes docs/ from templates/ and examples/)", filepath.Join(rel...))
	}
}

func hasBadInputCase(kind string) bool {
	for _, c := range badInputCases() {
		if c.kind == kind {
			return true
		}
	}
	return false
}

func underSomeSwitch(prefix string) bool {
	for _, tt := range accUnderSwitches {
		if strings.HasPrefix(tt.name, prefix) {
			return true
		}
	}
	return false
}

// camel is card_name as CardName, the way test names spell a resource.
func camel(snake string) string {
	var b strings.Builder
	for _, part := range strings.Split(snake, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
