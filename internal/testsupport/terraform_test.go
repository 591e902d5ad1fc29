package testsupport

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"1.11.4":               {1, 11, 4},
		"1.12.0-alpha20250319": {1, 12, 0},
	} {
		t.Setenv("VERSION", in)
		if got, err := fakeTerraform(t).Version(t.Context()); err != nil || got != want {
			t.Errorf("version %q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, tt := range []struct {
		v            Version
		major, minor int
		want         bool
	}{
		{Version{1, 11, 0}, 1, 11, true},
		{Version{1, 10, 9}, 1, 11, false},
		{Version{1, 8, 5}, 1, 11, false},
		{Version{2, 0, 0}, 1, 11, true},
	} {
		if got := tt.v.AtLeast(tt.major, tt.minor); got != tt.want {
			t.Errorf("%v.AtLeast(%d, %d) = %v, want %v", tt.v, tt.major, tt.minor, got, tt.want)
		}
	}
}

func TestIsolatedEnv(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_CLI_CONFIG_FILE", "/home/user/.terraformrc")
	t.Setenv("MOKA_PASSWORD", "production")
	t.Setenv("CHECKPOINT_TIMEOUT", "1")
	t.Setenv("TESTSUPPORT_KEPT", "yes")
	env := IsolatedEnv("/tmp/rc")
	for _, kv := range env {
		if kv == "TF_LOG=TRACE" || kv == "TF_CLI_CONFIG_FILE=/home/user/.terraformrc" || kv == "MOKA_PASSWORD=production" || kv == "CHECKPOINT_TIMEOUT=1" {
			t.Errorf("the caller's %s leaks into the run", kv)
		}
	}
	for _, want := range []string{"TF_CLI_CONFIG_FILE=/tmp/rc", "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0", "TESTSUPPORT_KEPT=yes"} {
		if !slices.Contains(env, want) {
			t.Errorf("%s missing from %v", want, env)
		}
	}
}

func TestWriteCLIConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "terraformrc")
	if err := WriteCLIConfig(file, map[string]string{ProviderSource: "/p/moka", "hashicorp/time": "/p/time"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := `provider_installation {
  dev_overrides {
    "hashicorp/time" = "/p/time"
    "terraform-moka/moka" = "/p/moka"
  }
  direct {}
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// fakeTerraform is a shell script standing in for terraform: it answers
// version and show -json, and otherwise prints its arguments, working
// directory and two variables, and exits with $EXIT.
func fakeTerraform(t *testing.T) *Terraform {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "terraform")
	script := `#!/bin/sh
if [ "$1" = version ]; then echo "{\"terraform_version\":\"${VERSION:-1.11.4}\"}"; exit 0; fi
if [ "$1 $2" = "show -json" ]; then echo '{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"moka_card.c","type":"moka_card","values":{"card_token":"T1","n":1}}]}}}'; exit 0; fi
echo "args=$* dir=$(pwd) A=$A B=$B"
echo "to stderr" >&2
exit ${EXIT:-0}
`
	if err := os.WriteFile(bin, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return &Terraform{Bin: bin, Env: []string{"PATH=" + os.Getenv("PATH"), "A=base", "B=base", "VERSION=" + os.Getenv("VERSION")}}
}

func TestTerraformExec(t *testing.T) {
	tf := fakeTerraform(t)
	dir := t.TempDir()
	res, err := tf.Exec(t.Context(), dir, []string{"B=extra"}, "plan", "-no-color")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Exec: %v, exit %d", err, res.ExitCode)
	}
	realDir, _ := filepath.EvalSymlinks(dir)
	want := "args=plan -no-color dir=" + realDir + " A=base B=extra\nto stderr\n"
	if string(res.Output) != want {
		t.Errorf("output %q, want %q", res.Output, want)
	}

	res, err = tf.Exec(t.Context(), dir, []string{"EXIT=2"}, "plan")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || res.ExitCode != 2 {
		t.Errorf("a run exiting 2: %v, exit %d", err, res.ExitCode)
	}

	w := tf.In(t, dir)
	if code, out := w.Run([]string{"EXIT=1"}, "apply"); code != 1 || !strings.Contains(out, "args=apply") {
		t.Errorf("WorkDir.Run: exit %d, %q", code, out)
	}
	if v := w.Version(); v != (Version{1, 11, 4}) {
		t.Errorf("Version() = %v", v)
	}
}

func TestWorkDirConfigAndState(t *testing.T) {
	w := fakeTerraform(t).NewWorkDir(t)
	w.Config(`resource "moka_dealer_customer" "c" {}`)
	got, err := os.ReadFile(filepath.Join(w.Dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `source = "terraform-moka/moka"`) || !strings.HasSuffix(string(got), `resource "moka_dealer_customer" "c" {}`) {
		t.Errorf("main.tf:\n%s", got)
	}
	want := []StateResource{{Address: "moka_card.c", Type: "moka_card", Values: map[string]any{"card_token": "T1", "n": float64(1)}}}
	if got := w.State(); !reflect.DeepEqual(got, want) {
		t.Errorf("State() = %+v, want %+v", got, want)
	}
	if w.Sibling(t).Dir == w.Dir {
		t.Error("a sibling shares its working directory")
	}
}
