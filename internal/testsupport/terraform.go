package testsupport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Nothing here takes a *testing.T: tools/bench uses it too, and
// terraform_acc.go wraps it for tests.

// ProviderSource is the provider's address in required_providers.
const ProviderSource = "terraform-moka/moka"

const providerBinary = "terraform-provider-moka"

// TerraformPath is TF_ACC_TERRAFORM_PATH (as terraform-plugin-testing reads
// it), else terraform on PATH.
func TerraformPath() (string, error) {
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin, nil
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("no terraform binary: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (make terraform builds one): %w", err)
	}
	return bin, nil
}

// ModuleRoot is the directory of the go.mod at or above the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// BuildProvider builds dir/terraform-provider-moka from the module at root.
func BuildProvider(ctx context.Context, root, dir string, flags ...string) (string, error) {
	bin := filepath.Join(dir, providerBinary)
	args := append(append([]string{"build"}, flags...), "-o", bin, ".")
	build := exec.CommandContext(ctx, "go", args...) //nolint:gosec // go build of this module, with the caller's flags
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// WriteCLIConfig writes a CLI configuration with dev_overrides for dirs.
func WriteCLIConfig(file string, dirs map[string]string) error {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	sources := make([]string, 0, len(dirs))
	for source := range dirs {
		sources = append(sources, source)
	}
	slices.Sort(sources)
	for _, source := range sources {
		fmt.Fprintf(&b, "    %q = %q\n", source, dirs[source])
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return os.WriteFile(file, []byte(b.String()), 0o600)
}

// IsolatedEnv is this environment less TF_*, MOKA_*, CHECKPOINT_*, plus cliConfig.
func IsolatedEnv(cliConfig string) []string {
	env := []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "MOKA_") && !strings.HasPrefix(kv, "CHECKPOINT_") {
			env = append(env, kv)
		}
	}
	return env
}

// Terraform runs one terraform binary with one environment.
type Terraform struct {
	Bin      string
	Env      []string // the whole environment of every command
	Provider string   // the provider binary, when built here

	versionOnce sync.Once
	version     Version
	versionErr  error
}

// Command and Exec are not tfexec: tests signal the process, read exit codes,
// interleaved output and CPU time, and pass arguments tfexec has no option for.
func (tf *Terraform) Command(ctx context.Context, dir string, extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, tf.Bin, args...) //nolint:gosec // the terraform binary the test or bench was given
	cmd.Dir = dir
	cmd.Env = append(slices.Clone(tf.Env), extraEnv...)
	return cmd
}

// Result is what one terraform command did.
type Result struct {
	Output   []byte        // standard output and error, interleaved
	ExitCode int           // -1 when it did not run or was killed
	CPU      time.Duration // of terraform and its providers
}

// Exec runs terraform args in dir; its error is exec's.
func (tf *Terraform) Exec(ctx context.Context, dir string, extraEnv []string, args ...string) (Result, error) {
	cmd := tf.Command(ctx, dir, extraEnv, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	res := Result{Output: buf.Bytes(), ExitCode: -1}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
		res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return res, err
}

// Version is the binary's version, asked once (tfexec reads OpenTofu's too).
func (tf *Terraform) Version(ctx context.Context) (Version, error) {
	tf.versionOnce.Do(func() {
		x, err := tf.tfexec(".", nil)
		if err == nil {
			v, _, verr := x.Version(ctx, false)
			if err = verr; err == nil {
				copy(tf.version[:], v.Segments())
			}
		}
		if err != nil {
			tf.versionErr = fmt.Errorf("%s version -json: %w", tf.Bin, err)
		}
	})
	return tf.version, tf.versionErr
}

// tfexec runs tf.Bin in dir with tf.Env and extraEnv, less the variables
// tfexec sets itself and refuses (TF_IN_AUTOMATION, TF_INPUT, TF_LOG...).
func (tf *Terraform) tfexec(dir string, extraEnv []string) (*tfexec.Terraform, error) {
	x, err := tfexec.NewTerraform(dir, tf.Bin)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for _, kv := range append(slices.Clone(tf.Env), extraEnv...) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return x, x.SetEnv(tfexec.CleanEnv(env))
}

// Version is major.minor.patch.
type Version [3]int

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]) }

func (v Version) AtLeast(major, minor int) bool {
	return slices.Compare(v[:], []int{major, minor, 0}) >= 0
}
