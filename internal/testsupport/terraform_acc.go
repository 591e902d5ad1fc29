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

// NewAccTerraform is terraform against a provider built from this module, in
// its own process as for a user, with none of the caller's Terraform or Moka
// settings. t is skipped unless TF_ACC is set.
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

// sharedBuild is the provider built once per test process. Each test links
// it into a directory of its own: TestAccKilledApply counts the provider
// processes of its test by path.
var sharedBuild struct {
	once   sync.Once
	dir    string
	bin    string
	err    error
	cancel context.CancelFunc
}

func buildShared(ctx context.Context, root string) {
	sharedBuild.once.Do(func() {
		sharedBuild.dir, sharedBuild.err = os.MkdirTemp("", "moka-acc-provider-")
		if sharedBuild.err == nil {
			sharedBuild.bin, sharedBuild.err = BuildProvider(ctx, root, sharedBuild.dir)
		}
	})
}

// StartSharedBuild starts the shared build in the background, for a TestMain,
// so that it overlaps the tests that do not need it.
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

// RemoveSharedBuild is for a TestMain, after the tests.
func RemoveSharedBuild() {
	if sharedBuild.cancel != nil {
		sharedBuild.cancel()
	}
	sharedBuild.once.Do(func() {}) // waits for a build under way
	if sharedBuild.dir != "" {
		_ = os.RemoveAll(sharedBuild.dir)
	}
}

// MustVersion fails t if the version cannot be asked.
func (tf *Terraform) MustVersion(t testing.TB) Version {
	t.Helper()
	v, err := tf.Version(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// SkipBelow skips t below Terraform major.minor. OpenTofu's own numbers skip
// what it lacks, too (terraform query).
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

func (tf *Terraform) NewWorkDir(t testing.TB) *WorkDir {
	return tf.In(t, t.TempDir())
}

func (tf *Terraform) In(t testing.TB, dir string) *WorkDir {
	return &WorkDir{TF: tf, Dir: dir, t: t}
}

// Sibling is another state with the same terraform and provider.
func (w *WorkDir) Sibling(t testing.TB) *WorkDir {
	return w.TF.NewWorkDir(t)
}

func (w *WorkDir) Version() Version {
	w.t.Helper()
	return w.TF.MustVersion(w.t)
}

// Config writes main.tf: hcl after required_providers.
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

// Command is killed if still running when the test ends.
func (w *WorkDir) Command(extraEnv []string, args ...string) *exec.Cmd {
	return w.TF.Command(w.t.Context(), w.Dir, extraEnv, args...)
}

// Run returns terraform's exit code and combined output.
func (w *WorkDir) Run(extraEnv []string, args ...string) (int, string) {
	w.t.Helper()
	res, err := w.TF.Exec(w.t.Context(), w.Dir, extraEnv, args...)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		w.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return res.ExitCode, string(res.Output)
}

// MustRun fails the test unless terraform exits 0.
func (w *WorkDir) MustRun(extraEnv []string, args ...string) string {
	w.t.Helper()
	code, out := w.Run(extraEnv, args...)
	if code != 0 {
		w.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

type StateResource struct {
	Address string
	Type    string
	Values  map[string]any
	Tainted bool
}

// State is the root module's resource instances.
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

func WriteFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
