// Command testmatrix summarises a `go test -json` run for the Terraform version
// matrix (make testacc-matrix): how many tests passed, skipped and failed, which
// were skipped and why, and whether every skip is one the matrix allows.
//
//	go test -json ./internal/provider/... | go run ./tools/testmatrix -label "Terraform 1.5.7" -skip-reason '1\.11'
//
// It exits 1 when a test failed, when a skip's reason does not match
// -skip-reason, or when -no-skips is set and anything was skipped.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

type event struct {
	Action  string `json:"Action"`
	Package string `json:"Package"`
	Test    string `json:"Test"`
	Output  string `json:"Output"`
}

// summary is what one run amounts to.
type summary struct {
	Passed, Skipped, Failed          int               // top-level tests
	SubPassed, SubSkipped, SubFailed int               // subtests
	Skips                            map[string]string // test -> reason
	FailedTests                      []string
	PackageFailures                  []string // packages that failed outside any test (build errors, panics)
	output                           map[string][]string
}

func main() {
	label := flag.String("label", "", "name of this run in the summary, such as \"Terraform 1.5.7\"")
	skipReason := flag.String("skip-reason", "", "regular expression that every skipped test's reason must match (empty: any reason)")
	noSkips := flag.Bool("no-skips", false, "fail when any test is skipped")
	flag.Parse()

	s, err := summarise(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testmatrix:", err)
		os.Exit(2)
	}
	var allowed *regexp.Regexp
	if *skipReason != "" {
		if allowed, err = regexp.Compile(*skipReason); err != nil {
			fmt.Fprintln(os.Stderr, "testmatrix: -skip-reason:", err)
			os.Exit(2)
		}
	}
	problems := s.problems(allowed, *noSkips)
	s.write(os.Stdout, *label, problems)
	if len(problems) > 0 {
		os.Exit(1)
	}
}

func summarise(r io.Reader) (*summary, error) {
	s := &summary{Skips: map[string]string{}, output: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // go test's own lines, such as a build failure
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("not go test -json output: %w", err)
		}
		s.add(e)
	}
	return s, sc.Err()
}

func (s *summary) add(e event) {
	sub := strings.Contains(e.Test, "/")
	switch e.Action {
	case "output":
		if e.Test != "" {
			s.output[e.Test] = append(s.output[e.Test], e.Output)
		}
	case "pass":
		switch {
		case e.Test == "":
		case sub:
			s.SubPassed++
		default:
			s.Passed++
		}
	case "skip":
		switch {
		case e.Test == "":
		case sub:
			s.SubSkipped++
			s.Skips[e.Test] = skipReason(s.output[e.Test])
		default:
			s.Skipped++
			s.Skips[e.Test] = skipReason(s.output[e.Test])
		}
	case "fail":
		switch {
		case e.Test == "":
			s.PackageFailures = append(s.PackageFailures, e.Package)
		case sub:
			s.SubFailed++
			s.FailedTests = append(s.FailedTests, e.Test)
		default:
			s.Failed++
			s.FailedTests = append(s.FailedTests, e.Test)
		}
	}
}

// skipReason is the message a skipped test logged: its output without the
// === RUN and --- SKIP lines.
func skipReason(lines []string) string {
	var reason []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		reason = append(reason, t)
	}
	return strings.Join(reason, " ")
}

func (s *summary) problems(allowed *regexp.Regexp, noSkips bool) []string {
	var out []string
	for _, t := range s.FailedTests {
		out = append(out, "failed: "+t)
	}
	for _, p := range s.PackageFailures {
		if len(s.FailedTests) == 0 {
			out = append(out, "package failed outside any test (build error or panic): "+p)
		}
	}
	for _, name := range sortedKeys(s.Skips) {
		switch {
		case noSkips:
			out = append(out, fmt.Sprintf("skipped, and no skip is expected here: %s (%s)", name, s.Skips[name]))
		case allowed != nil && !allowed.MatchString(s.Skips[name]):
			out = append(out, fmt.Sprintf("skipped for a reason the matrix does not allow: %s (%s)", name, s.Skips[name]))
		}
	}
	return out
}

func (s *summary) write(w io.Writer, label string, problems []string) {
	status := "ok"
	if len(problems) > 0 {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s: %s: tests %d passed, %d skipped, %d failed; subtests %d passed, %d skipped, %d failed\n",
		label, status, s.Passed, s.Skipped, s.Failed, s.SubPassed, s.SubSkipped, s.SubFailed)
	for _, name := range sortedKeys(s.Skips) {
		fmt.Fprintf(w, "  skipped %s: %s\n", name, s.Skips[name])
	}
	for _, p := range problems {
		fmt.Fprintf(w, "  PROBLEM %s\n", p)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
