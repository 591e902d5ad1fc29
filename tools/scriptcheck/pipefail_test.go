package scriptcheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// earlyExit matches a pipe into a command that may exit before its writer is
// done: under pipefail the writer's SIGPIPE then fails the whole pipeline, at
// random (make demo failed 16 times in 100 on `terraform version | head -n 1`).
var earlyExit = regexp.MustCompile(`\|\s*(head|grep\s+(-[a-zA-Z]*[qm][0-9]*|--quiet|--max-count))(\s|$|=)`)

// TestNoEarlyExitUnderPipefail fails on such a pipe in any script or recipe
// that sets pipefail.
func TestNoEarlyExitUnderPipefail(t *testing.T) {
	root := filepath.Join("..", "..")
	var files []string
	for _, pattern := range []string{"scripts/*.sh", "tools/*.sh", ".ci/run", "GNUmakefile", "examples/*/*.sh"} {
		matches, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) < 3 {
		t.Fatalf("found only %v: the globs no longer match the project's scripts", files)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), "pipefail") {
			continue
		}
		for i, line := range strings.Split(string(body), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			if earlyExit.MatchString(line) {
				t.Errorf("%s:%d: %q pipes into a command that can exit early, and the script sets pipefail", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

func TestEarlyExitPattern(t *testing.T) {
	for line, want := range map[string]bool{
		`v=$(terraform version | head -n 1)`: true,
		`x | grep -q foo`:                    true,
		`x | grep -m1 foo`:                   true,
		`x | sed -n 1p`:                      false,
		`x | grep foo`:                       false,
		`git diff | head -100 >&2`:           true,
	} {
		if got := earlyExit.MatchString(line); got != want {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}
