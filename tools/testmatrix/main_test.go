package main

import (
	"regexp"
	"strings"
	"testing"
)

const run = `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestWO"}
{"Action":"output","Package":"p","Test":"TestWO","Output":"=== RUN   TestWO\n"}
{"Action":"output","Package":"p","Test":"TestWO","Output":"    x_test.go:9: Terraform CLI version 1.5.7 is below minimum version 1.11.0: skipping test\n"}
{"Action":"output","Package":"p","Test":"TestWO","Output":"--- SKIP: TestWO (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestWO"}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"run","Package":"p","Test":"TestB/one"}
{"Action":"pass","Package":"p","Test":"TestB/one"}
{"Action":"run","Package":"p","Test":"TestB/two"}
{"Action":"output","Package":"p","Test":"TestB/two","Output":"    b_test.go:3: needs a network\n"}
{"Action":"skip","Package":"p","Test":"TestB/two"}
{"Action":"pass","Package":"p","Test":"TestB"}
{"Action":"pass","Package":"p"}
`

func TestSummary(t *testing.T) {
	s, err := summarise(strings.NewReader("go: downloading x\n" + run))
	if err != nil {
		t.Fatal(err)
	}
	if s.Passed != 2 || s.Skipped != 1 || s.Failed != 0 || s.SubPassed != 1 || s.SubSkipped != 1 {
		t.Fatalf("counts: %+v", s)
	}
	if got := s.Skips["TestWO"]; !strings.Contains(got, "below minimum version 1.11.0") {
		t.Fatalf("skip reason of TestWO = %q", got)
	}

	tests := []struct {
		name    string
		allowed string
		noSkips bool
		want    []string
	}{
		{"any reason", "", false, nil},
		{"only write-only skips", `1\.11`, false, []string{"skipped for a reason the matrix does not allow: TestB/two (b_test.go:3: needs a network)"}},
		{"no skips at all", "", true, []string{
			"skipped, and no skip is expected here: TestB/two (b_test.go:3: needs a network)",
			"skipped, and no skip is expected here: TestWO (x_test.go:9: Terraform CLI version 1.5.7 is below minimum version 1.11.0: skipping test)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var allowed *regexp.Regexp
			if tt.allowed != "" {
				allowed = regexp.MustCompile(tt.allowed)
			}
			got := s.problems(allowed, tt.noSkips)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSummaryFailures(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"failed subtest", `{"Action":"fail","Package":"p","Test":"TestX/y"}
{"Action":"fail","Package":"p","Test":"TestX"}
{"Action":"fail","Package":"p"}
`, "failed: TestX/y\nfailed: TestX"},
		{"build failure", `{"Action":"fail","Package":"p"}
`, "package failed outside any test (build error or panic): p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := summarise(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(s.problems(nil, false), "\n"); got != tt.want {
				t.Fatalf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}
