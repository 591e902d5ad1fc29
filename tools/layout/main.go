// Command layout reports how the files of the project's packages depend on
// each other, and checks the rules that keep each concern in a room of its own
// (see CONTRIBUTING.md): a resource's file is used by no file but the provider's
// registration. The rules on imports between packages (the sandbox and the
// client share no code; only tests and tools use the test toolkit) are
// depguard's, in .golangci.yml: it cannot see files within a package.
//
//	go run ./tools/layout            # the report
//	go run ./tools/layout -check     # the rules only; exit 1 when one is broken
//
// `make test` runs the same check (layout_test.go).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

const module = "github.com/terraform-moka/terraform-provider-moka"

// registration is the one provider file allowed to name resources: it lists them.
const registration = "provider.go"

func main() {
	check := flag.Bool("check", false, "only check the rules")
	flag.Parse()
	report, err := analyze(module + "/...")
	if err != nil {
		fmt.Fprintln(os.Stderr, "layout:", err)
		os.Exit(2)
	}
	if !*check {
		report.print()
	}
	for _, v := range report.violations() {
		fmt.Fprintln(os.Stderr, "layout:", v)
	}
	if len(report.violations()) > 0 {
		os.Exit(1)
	}
}

type edge struct{ from, to string }

type pkgReport struct {
	path      string
	files     map[string]int // non-test file name -> lines
	testLines int
	edges     map[edge]int // uses of a package-level name declared in another file
	imports   []string
}

type report []pkgReport

func analyze(patterns ...string) (report, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
		packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	var out report
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return nil, fmt.Errorf("%s: %w", p.PkgPath, p.Errors[0])
		}
		r := pkgReport{path: strings.TrimPrefix(p.PkgPath, module+"/"), files: map[string]int{}, edges: map[edge]int{}}
		for _, f := range p.GoFiles {
			r.files[filepath.Base(f)] = countLines(f)
		}
		tests, _ := filepath.Glob(filepath.Join(filepath.Dir(firstOr(p.GoFiles)), "*_test.go"))
		for _, f := range tests {
			r.testLines += countLines(f)
		}
		for id, obj := range p.TypesInfo.Uses {
			if obj == nil || obj.Pkg() != p.Types {
				continue
			}
			from := filepath.Base(p.Fset.Position(id.Pos()).Filename)
			to := filepath.Base(p.Fset.Position(obj.Pos()).Filename)
			if from == to || !strings.HasSuffix(to, ".go") {
				continue
			}
			r.edges[edge{from, to}]++
		}
		for imp := range p.Imports {
			if strings.HasPrefix(imp, module+"/") {
				r.imports = append(r.imports, strings.TrimPrefix(imp, module+"/"))
			}
		}
		sort.Strings(r.imports)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func firstOr(files []string) string {
	if len(files) == 0 {
		return "."
	}
	return files[0]
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

// isResourceFile names the files that hold one resource, data source or list
// resource each.
func isResourceFile(name string) bool {
	for _, prefix := range []string{"resource_", "data_source_", "list_"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// backUp reports whether an edge runs from any file to a resource's file, other
// than from the registration: a shared rule hidden in one resource's room.
func (e edge) backUp() bool { return isResourceFile(e.to) && e.from != registration }

func (r report) violations() []string {
	var out []string
	for _, p := range r {
		if p.path == "internal/provider" {
			for e := range p.edges {
				if e.backUp() {
					out = append(out, fmt.Sprintf("%s: %s uses a name declared in %s; move what both need to a file named for it", p.path, e.from, e.to))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func (r report) print() {
	for _, p := range r {
		var names []string
		total := 0
		for n, l := range p.files {
			names = append(names, n)
			total += l
		}
		sort.Strings(names)
		back := 0
		for e := range p.edges {
			if e.backUp() {
				back++
			}
		}
		fmt.Printf("## %s: %d files, %d lines (tests %d); %d file-to-file imports, %d back up into a resource's file\n",
			p.path, len(names), total, p.testLines, len(p.edges), back)
		largest := append([]string(nil), names...)
		sort.Slice(largest, func(i, j int) bool { return p.files[largest[i]] > p.files[largest[j]] })
		for i, n := range largest {
			if i == 5 {
				break
			}
			fmt.Printf("   %5d %s\n", p.files[n], n)
		}
	}
}
