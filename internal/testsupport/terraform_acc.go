package testsupport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
)

// NewAccTerraform is terraform against a provider built from this module for
// the test t and its subtests: the provider runs as Terraform runs it for a
// user, in its own process, with its own logging, and nothing of the caller's
// Terraform or Moka settings (nor ~/.terraformrc) reaches the run. Like every
// acceptance test it is skipped unless TF_ACC is set.
func NewAccTerraform(t testing.TB) *Terraform {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it (it builds the provider and runs terraform; make test does)")
	}
	bin, err := TerraformPath()
	if err != nil {
		t.Fatal(err)
	}
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	plugins := t.TempDir()
	provider, err := providerFor(root, plugins)
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	if err := WriteCLIConfig(cliConfig, map[string]string{ProviderSource: plugins}); err != nil {
		t.Fatal(err)
	}
	return &Terraform{Bin: bin, Env: IsolatedEnv(cliConfig), Provider: provider}
}

// sharedBuild is the provider built once per test process: a build per test
// costs a link of seconds, dozens of times. Each test gets a link to it (a
// copy where a link cannot be made) in a directory of its own, so that the
// provider processes of one test have their own path (TestAccKilledApply
// counts them by path) while tests run in parallel.
var sharedBuild struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	// cancel ends a build StartSharedBuild began, if no test needed it.
	cancel context.CancelFunc
}

// buildShared makes the process's provider build of the module at root, once.
func buildShared(ctx context.Context, root string) {
	sharedBuild.once.Do(func() {
		sharedBuild.dir, sharedBuild.err = os.MkdirTemp("", "moka-acc-provider-")
		if sharedBuild.err == nil {
			sharedBuild.bin, sharedBuild.err = BuildProvider(ctx, root, sharedBuild.dir)
		}
	})
}

// StartSharedBuild starts the provider build that NewAccTerraform shares, in
// the background, when TF_ACC is set: a TestMain calls it so that the build
// overlaps the tests that do not need it (the serial ones run first).
func StartSharedBuild() {
	if os.Getenv("TF_ACC") == "" {
		return
	}
	if root, err := ModuleRoot(); err == nil {
		ctx, cancel := context.WithCancel(context.Background())
		sharedBuild.cancel = cancel
		go buildShared(ctx, root)
	}
}

// providerFor puts the process's provider build of the module at root into
// dir and returns its path there.
func providerFor(root, dir string) (string, error) {
	buildShared(context.Background(), root)
	if sharedBuild.err != nil {
		return "", sharedBuild.err
	}
	bin := filepath.Join(dir, providerBinary)
	if os.Link(sharedBuild.bin, bin) == nil {
		return bin, nil
	}
	return bin, copyExecutable(sharedBuild.bin, bin)
}

func copyExecutable(from, to string) error {
	src, err := os.Open(from) //nolint:gosec // the provider this process built
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o700) //nolint:gosec // a test's own directory
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		_ = dst.Close()
		return fmt.Errorf("copy the provider build: %w", err)
	}
	return dst.Close()
}

// RemoveSharedBuild removes the provider build that NewAccTerraform shares
// between the tests of a process: the TestMain of a package whose tests use
// NewAccTerraform calls it after the tests.
func RemoveSharedBuild() {
	if sharedBuild.cancel != nil {
		sharedBuild.cancel()
	}
	sharedBuild.once.Do(func() {}) // waits for a build under way
	if sharedBuild.dir != "" {
		_ = os.RemoveAll(sharedBuild.dir)
	}
}

// MustVersion is the binary's version; t fails if it cannot be asked.
func (tf *Terraform) MustVersion(t testing.TB) Version {
	t.Helper()
	v, err := tf.Version(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// SkipBelow skips t, a test of a feature that Terraform has from
// major.minor on. OpenTofu reports its own version, so it skips what it has
// not yet got under the same numbers (terraform query, which OpenTofu 1.12
// does not have).
func (tf *Terraform) SkipBelow(t testing.TB, major, minor int, feature string) {
	t.Helper()
	if v := tf.MustVersion(t); !v.AtLeast(major, minor) {
		t.Skipf("%s: needs Terraform %d.%d or later; this is %s", feature, major, minor, v)
	}
}

// WorkDir is a Terraform working directory of one test.
type WorkDir struct {
	TF  *Terraform
	Dir string
	t   testing.TB
}

// NewWorkDir is an empty working directory for t.
func (tf *Terraform) NewWorkDir(t testing.TB) *WorkDir {
	return tf.In(t, t.TempDir())
}

// In is the working directory dir, for t.
func (tf *Terraform) In(t testing.TB, dir string) *WorkDir {
	return &WorkDir{TF: tf, Dir: dir, t: t}
}

// Sibling is another working directory, for t, with the same terraform and
// provider build: another Terraform state against the same Moka.
func (w *WorkDir) Sibling(t testing.TB) *WorkDir {
	return w.TF.NewWorkDir(t)
}

// Version is the binary's version.
func (w *WorkDir) Version() Version {
	w.t.Helper()
	return w.TF.MustVersion(w.t)
}

// Config writes the working directory's main.tf: hcl after a terraform block
// that requires this provider.
func (w *WorkDir) Config(hcl string) {
	w.t.Helper()
	WriteFile(w.t, filepath.Join(w.Dir, "main.tf"), `terraform {
  required_providers {
    moka = {
      source = "`+ProviderSource+`"
    }
  }
}
`+hcl)
}

// Command is terraform args in the working directory, with extraEnv; it is
// killed if still running when the test ends.
func (w *WorkDir) Command(extraEnv []string, args ...string) *exec.Cmd {
	return w.TF.Command(w.t.Context(), w.Dir, extraEnv, args...)
}

// Run runs terraform and returns its exit code and combined output; the test
// fails if terraform could not run at all.
func (w *WorkDir) Run(extraEnv []string, args ...string) (int, string) {
	w.t.Helper()
	res, err := w.TF.Exec(w.t.Context(), w.Dir, extraEnv, args...)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		w.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return res.ExitCode, string(res.Output)
}

// MustRun runs terraform and fails the test unless it exits 0.
func (w *WorkDir) MustRun(extraEnv []string, args ...string) string {
	w.t.Helper()
	code, out := w.Run(extraEnv, args...)
	if code != 0 {
		w.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// StateResource is one resource instance of `terraform show -json`.
type StateResource struct {
	Address string
	Type    string
	Values  map[string]any
	Tainted bool
}

// State is every resource instance in the state, from terraform show -json.
func (w *WorkDir) State() []StateResource {
	w.t.Helper()
	x, err := w.TF.tfexec(w.Dir, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	st, err := x.Show(w.t.Context(), tfexec.JSONNumber(false))
	if err != nil {
		w.t.Fatalf("terraform show -json: %v", err)
	}
	if st.Values == nil || st.Values.RootModule == nil {
		return nil
	}
	var out []StateResource
	for _, r := range st.Values.RootModule.Resources {
		out = append(out, StateResource{Address: r.Address, Type: r.Type, Values: r.AttributeValues, Tainted: r.Tainted})
	}
	return out
}

// SavedPlan is `terraform plan -out=tfplan` read back with show -json.
func (w *WorkDir) SavedPlan(extraEnv []string) *tfjson.Plan {
	w.t.Helper()
	x, err := w.TF.tfexec(w.Dir, extraEnv)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := x.Plan(w.t.Context(), tfexec.Out("tfplan")); err != nil {
		w.t.Fatalf("terraform plan -out=tfplan: %v", err)
	}
	plan, err := x.ShowPlanFile(w.t.Context(), "tfplan", tfexec.JSONNumber(false))
	if err != nil {
		w.t.Fatalf("terraform show -json tfplan: %v", err)
	}
	return plan
}

// WriteFile writes body to path, making its directory if need be.
func WriteFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
