// Command bench measures moka_dealer_customer against its floors: the same
// number of time_static resources (hashicorp/time, on the same plugin framework,
// no network), of Terraform's built-in terraform_data (no plugin at all), and
// of the schema floor (./floor: moka_dealer_customer's schema on the same
// framework, served as moka is, doing nothing).
//
// For each added latency and each N it runs, side by side and interleaved, the
// phases apply (create N), plan (no changes: a refresh of N), update (change
// every resource and apply) and destroy, each with Terraform's defaults
// (-parallelism=10, refresh on). The moka side runs in variants: each sandbox
// storage (-storage memory,data: --data FILE) times each provider setting
// (-settings defaults,nocap), each against a sandbox of its own, plus one with
// N*2/3 moka_card resources at the -cards-n sizes. An extra no-change plan at
// each -plan-latency restarts the sandbox on its data file at that latency.
//
// It reports the wall times (median of the runs), the ratios to time_static
// and terraform_data, where the time goes (CPU time of Terraform, of the
// provider processes and of the sandbox), the API calls per resource and the
// calls of each refresh (from the sandbox's /sandbox/stats deltas), the TCP
// connections, the providers' peak resident memory, and which of issue 21's
// targets hold.
//
// Peak memory and the provider's CPU: Terraform is pointed (dev_overrides) at
// a directory whose terraform-provider-* is this program itself. Started under
// that name it runs the real provider as its child, with the same standard
// streams, arguments and environment, waits for it, and appends the child's
// wait4 usage to a file (see wrap). So every provider process Terraform starts
// is measured exactly, however short it lives.
//
//	go run ./tools/bench -n 300,1000 -runs 3,1 -storage data -settings defaults,nocap -plan-latency 100ms -cards-n 300
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/testsupport"
)

const timeProviderVersion = "v0.14.2"

func main() {
	if name := filepath.Base(os.Args[0]); strings.HasPrefix(name, "terraform-provider-") {
		os.Exit(wrap(name))
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// bench is one run of the whole program.
type bench struct {
	opts    options
	root    string // the module
	work    string // .bench under the module
	realDir string // the real providers
	rssFile string
	tf      *testsupport.Terraform
	known   map[int]bool // pids of the sandboxes running
}

func run() error {
	opts, err := parseOptions(os.Args[1:], os.Stderr)
	if err != nil {
		return err
	}
	root, err := testsupport.ModuleRoot()
	if err != nil {
		return fmt.Errorf("run me inside the module: %w", err)
	}
	b := &bench{opts: opts, root: root, work: filepath.Join(root, ".bench"), known: map[int]bool{}}
	if err := os.RemoveAll(b.work); err != nil {
		return err
	}
	if err := b.setup(); err != nil {
		return err
	}
	m := machine(opts.terraform)
	logf("%s", m)
	var sections []section
	for _, lat := range opts.latencies {
		s, err := b.latencySection(lat)
		if err != nil {
			return err
		}
		sections = append(sections, s)
	}
	var report bytes.Buffer
	writeReport(&report, m, opts, sections)
	fmt.Print("\n" + report.String())
	if opts.out != "" {
		return os.WriteFile(opts.out, report.Bytes(), 0o644)
	}
	return nil
}

// setup builds the provider, installs the time provider into ./bin, and lays
// out the wrapper directories and the Terraform CLI configuration.
func (b *bench) setup() error {
	b.realDir = filepath.Join(b.work, "real")
	over := filepath.Join(b.work, "override")
	for _, d := range []string{b.realDir, over} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	logf("building the provider")
	if _, err := testsupport.BuildProvider(context.Background(), b.root, b.realDir, "-trimpath"); err != nil {
		return err
	}
	timeBin := filepath.Join(b.root, "bin", "terraform-provider-time")
	if _, err := os.Stat(timeBin); err != nil {
		logf("installing terraform-provider-time %s into ./bin", timeProviderVersion)
		install := exec.Command("go", "install", "github.com/hashicorp/terraform-provider-time@"+timeProviderVersion)
		install.Dir = b.root
		install.Env = append(os.Environ(), "GOBIN="+filepath.Join(b.root, "bin"))
		if out, err := install.CombinedOutput(); err != nil {
			return fmt.Errorf("go install: %w\n%s", err, out)
		}
	}
	if err := os.Symlink(timeBin, filepath.Join(b.realDir, "terraform-provider-time")); err != nil {
		return err
	}
	logf("building the schema floor")
	floor := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(b.realDir, "terraform-provider-"+floorType), "./tools/bench/floor")
	floor.Dir = b.root
	if out, err := floor.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./tools/bench/floor: %w\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for _, name := range []string{"terraform-provider-moka", "terraform-provider-time", "terraform-provider-" + floorType} {
		if err := os.Symlink(self, filepath.Join(over, name)); err != nil {
			return err
		}
	}
	rcFile := filepath.Join(b.work, "terraformrc")
	if err := testsupport.WriteCLIConfig(rcFile, map[string]string{testsupport.ProviderSource: over, "hashicorp/time": over, floorSource: over}); err != nil {
		return err
	}
	b.rssFile = filepath.Join(b.work, "rss.txt")
	// Unlike the tests', this environment keeps the caller's: the wrapper
	// reads BENCH_CHILD_STDERR, and GODEBUG reaches the provider through it.
	env := []string{
		"TF_CLI_CONFIG_FILE=" + rcFile,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_LOG=",
		"BENCH_REAL_DIR=" + b.realDir,
		"BENCH_RSS_FILE=" + b.rssFile,
		"MOKA_DEALER_CODE=SANDBOX", "MOKA_USERNAME=sandbox", "MOKA_PASSWORD=sandbox",
	}
	b.tf = &testsupport.Terraform{Bin: b.opts.terraform, Env: append(os.Environ(), env...)}
	return nil
}

// kind is one column of measurements: a moka variant, time_static,
// terraform_data or the schema floor.
type kind struct {
	name    string // directory name, unique within an N
	moka    bool
	storage string // moka only
	setting setting
	cards   int // moka_card resources
	hcl     string
}

const (
	kindTime  = "time"
	kindData  = "data"
	kindFloor = "floor"
)

// kindsFor is what runs at n: every storage × setting, the card variant at
// the -cards-n sizes, then time_static, terraform_data and the schema floor.
func (o options) kindsFor(n int) []kind {
	var ks []kind
	for _, st := range o.storages {
		for i, se := range o.settings {
			ks = append(ks, kind{name: fmt.Sprintf("moka-%s-%d", st, i), moka: true, storage: st, setting: se, hcl: mokaConfig(n, 0, 0)})
		}
	}
	if slices.Contains(o.cardSizes, n) {
		c := cardCount(n)
		ks = append(ks, kind{name: "moka-cards", moka: true, storage: o.storages[0], setting: o.settings[0], cards: c, hcl: mokaConfig(n, c, o.cardsPerCust)})
	}
	return append(ks,
		kind{name: kindTime, hcl: fmt.Sprintf(timeHCL, n)},
		kind{name: kindData, hcl: fmt.Sprintf(dataHCL, n)},
		kind{name: kindFloor, hcl: floorConfig(n)})
}

// title is how the report and the log name a kind.
func (k kind) title() string {
	switch {
	case k.name == kindTime:
		return "time_static"
	case k.name == kindData:
		return "terraform_data"
	case k.name == kindFloor:
		return "schema floor"
	case k.cards > 0:
		return fmt.Sprintf("moka, %s, %s, +%d cards", k.storage, k.setting.name, k.cards)
	}
	return fmt.Sprintf("moka, %s, %s", k.storage, k.setting.name)
}

// measurement is one phase of one kind in one run.
type measurement struct {
	took  time.Duration
	calls map[string]int
	conns int
	rssKB int64         // the largest provider process of the phase
	cpu   time.Duration // CPU time of the phase's provider processes
	tfCPU time.Duration // CPU time of Terraform itself
	sbCPU time.Duration // CPU time of the sandbox during the phase
}

// section is what one latency measured: for each N, kind -> phase ->
// measurements.
type section struct {
	latency      time.Duration
	loadStart    string
	loadEnd      string
	sizes        []int
	kinds        map[int][]kind
	phases       map[int][]string
	measurements map[int]map[string]map[string][]measurement
}

func (b *bench) latencySection(lat time.Duration) (section, error) {
	s := section{latency: lat, loadStart: loadAverage(), kinds: map[int][]kind{}, phases: map[int][]string{},
		measurements: map[int]map[string]map[string][]measurement{}}
	// One small untimed cycle first, so that no kind pays for cold caches.
	if _, err := b.cycles(lat, 2, 1, true); err != nil {
		return s, err
	}
	for i, n := range b.opts.sizes {
		res, err := b.cycles(lat, n, b.opts.runs[i], false)
		if err != nil {
			return s, err
		}
		s.sizes = append(s.sizes, n)
		s.kinds[n] = b.opts.kindsFor(n)
		s.phases[n] = b.opts.phasesFor(n)
		s.measurements[n] = res
	}
	s.loadEnd = loadAverage()
	return s, nil
}

// sandbox is the sandbox of one moka variant.
type sandbox struct {
	proc     *testsupport.SandboxProcess
	pid      int
	dataFile string // "" in memory
	latency  time.Duration
}

func (b *bench) startSandbox(dataFile string, lat time.Duration) (*sandbox, error) {
	args := []string{"--quiet", "--latency", lat.String()}
	if dataFile != "" {
		args = append(args, "--data", dataFile)
	}
	proc, err := testsupport.SpawnSandbox(filepath.Join(b.realDir, "terraform-provider-moka"), "127.0.0.1:0", io.Discard, args...)
	if err != nil {
		return nil, err
	}
	pid, err := newSandboxPid(b.known)
	if err != nil {
		proc.Stop()
		return nil, err
	}
	b.known[pid] = true
	return &sandbox{proc: proc, pid: pid, dataFile: dataFile, latency: lat}, nil
}

func (b *bench) stopSandbox(sb *sandbox) {
	sb.proc.Stop()
	delete(b.known, sb.pid)
}

// setLatency restarts sb on its data file at lat, if it runs at another.
func (b *bench) setLatency(sb *sandbox, lat time.Duration) error {
	if sb.latency == lat {
		return nil
	}
	b.stopSandbox(sb)
	next, err := b.startSandbox(sb.dataFile, lat)
	if err != nil {
		return err
	}
	*sb = *next
	return nil
}

// cycles runs every phase for every kind runs times, interleaved, and
// returns kind -> phase -> measurements. Each run starts with empty
// sandboxes and states.
func (b *bench) cycles(lat time.Duration, n, runs int, warmup bool) (map[string]map[string][]measurement, error) {
	ks := b.opts.kindsFor(n)
	phases := b.opts.phasesFor(n)
	if warmup {
		ks = slices.DeleteFunc(ks, func(k kind) bool { return k.cards > 0 })
	}
	results := map[string]map[string][]measurement{}
	dirs := map[string]string{}
	for _, k := range ks {
		results[k.name] = map[string][]measurement{}
		dir := filepath.Join(b.work, fmt.Sprintf("lat%s-n%d-%s", latencyName(lat), n, k.name))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(k.hcl), 0o644); err != nil {
			return nil, err
		}
		dirs[k.name] = dir
	}
	for r := 0; r < runs; r++ {
		sandboxes := map[string]*sandbox{}
		stopAll := func() {
			for _, sb := range sandboxes {
				b.stopSandbox(sb)
			}
		}
		for _, k := range ks {
			if !k.moka {
				continue
			}
			dataFile := ""
			if k.storage == storageData {
				dataFile = filepath.Join(dirs[k.name], "sandbox.json")
				if err := os.Remove(dataFile); err != nil && !os.IsNotExist(err) {
					stopAll()
					return nil, err
				}
			}
			sb, err := b.startSandbox(dataFile, lat)
			if err != nil {
				stopAll()
				return nil, err
			}
			sandboxes[k.name] = sb
		}
		err := b.run(ks, phases, dirs, sandboxes, results, lat, n, r, runs, warmup)
		stopAll()
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// run is one run of every phase for every kind.
func (b *bench) run(ks []kind, phases []string, dirs map[string]string, sandboxes map[string]*sandbox,
	results map[string]map[string][]measurement, lat time.Duration, n, r, runs int, warmup bool,
) error {
	for _, ph := range phases {
		for _, k := range ks {
			sb := sandboxes[k.name]
			phaseLat := lat
			if l, ok := strings.CutPrefix(ph, planAt); ok {
				if k.moka && k.storage != storageData {
					continue // a sandbox in memory cannot restart with its customers
				}
				phaseLat, _ = time.ParseDuration(l)
			}
			if sb != nil {
				if err := b.setLatency(sb, phaseLat); err != nil {
					return err
				}
			}
			if !warmup {
				logf("latency %s, N=%d, run %d/%d: %s: %s", latencyName(lat), n, r+1, runs, k.title(), ph)
			}
			m, err := b.phase(k, sb, dirs[k.name], ph)
			if err != nil {
				return fmt.Errorf("%s, N=%d, %s: %w", k.title(), n, ph, err)
			}
			results[k.name][ph] = append(results[k.name][ph], m)
		}
	}
	// The end of a run: the sandboxes must be empty after a destroy;
	// without one, the states go (the sandboxes and their files go anyway).
	for _, k := range ks {
		if sb := sandboxes[k.name]; sb != nil && slices.Contains(phases, phaseDestroy) {
			customers, cards, err := sb.proc.State()
			if err != nil {
				return err
			}
			if len(customers)+len(cards) != 0 {
				return fmt.Errorf("%s: after destroy the sandbox holds %d customers and %d cards", k.title(), len(customers), len(cards))
			}
		}
		for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
			if err := os.Remove(filepath.Join(dirs[k.name], f)); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}

// phase runs one Terraform command and measures it.
func (b *bench) phase(k kind, sb *sandbox, dir, phase string) (measurement, error) {
	rev := "1"
	args := []string{"apply", "-auto-approve"}
	switch {
	case phase == phasePlan || strings.HasPrefix(phase, planAt):
		args = []string{"plan", "-detailed-exitcode"}
	case phase == phaseUpdate:
		rev = "2"
	case phase == phaseDestroy:
		rev = "2"
		args = []string{"destroy", "-auto-approve"}
	}
	args = append(args, "-input=false", "-no-color", "-var", "rev="+rev)
	var env []string
	if sb != nil {
		env = append(env, "MOKA_BASE_URL="+sb.proc.URL)
	}
	env = append(env, k.setting.env...)
	phaseFile := strings.ReplaceAll(phase, "@", "-at-")
	if b.opts.cpuProfile && k.moka {
		env = append(env, "MOKA_CPUPROFILE="+filepath.Join(dir, phaseFile+".cpu"))
	}
	if err := os.Remove(b.rssFile); err != nil && !os.IsNotExist(err) {
		return measurement{}, err
	}
	m := measurement{calls: map[string]int{}}
	var before struct {
		calls map[string]int
		conns int
		cpu   time.Duration
	}
	if sb != nil {
		st, err := sb.proc.Stats()
		if err != nil {
			return m, err
		}
		before.calls, before.conns = st.Calls, st.Connections
		if before.cpu, err = processCPU(sb.pid); err != nil {
			return m, err
		}
	}
	logFile := filepath.Join(dir, phaseFile+".log")
	start := time.Now()
	res, err := b.tf.Exec(context.Background(), dir, env, args...)
	m.took = time.Since(start)
	if werr := os.WriteFile(logFile, res.Output, 0o644); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return m, fmt.Errorf("terraform %s: %w (see %s)", strings.Join(args, " "), err, logFile)
	}
	if sb != nil {
		cpu, err := processCPU(sb.pid)
		if err != nil {
			return m, err
		}
		m.sbCPU = cpu - before.cpu
		st, err := sb.proc.Stats()
		if err != nil {
			return m, err
		}
		// The statistics' own connection, opened with Connection: close,
		// is counted: one less.
		m.conns = st.Connections - before.conns - 1
		for op, v := range st.Calls {
			if d := v - before.calls[op]; d != 0 {
				m.calls[op] = d
			}
		}
	}
	if b.opts.cpuProfile && k.moka {
		b.profileTop(dir, phaseFile)
	}
	m.rssKB, m.cpu, err = readUsage(b.rssFile)
	// The wrappers and the providers are Terraform's children: what is left
	// is Terraform's own work (and the wrappers', a few milliseconds).
	m.tfCPU = max(res.CPU-m.cpu, 0)
	return m, err
}

// profileTop writes go tool pprof -top -cum of the phase's CPU profiles so far
// (every provider process of every run) into <phase>.pprof.txt.
func (b *bench) profileTop(dir, phaseFile string) {
	files, _ := filepath.Glob(filepath.Join(dir, phaseFile+".cpu.*"))
	if len(files) == 0 {
		return
	}
	args := append([]string{"tool", "pprof", "-top", "-cum", "-nodecount=60", filepath.Join(b.realDir, "terraform-provider-moka")}, files...)
	cmd := exec.Command("go", args...)
	cmd.Dir = b.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		logf("go tool pprof: %v", err)
	}
	_ = os.WriteFile(filepath.Join(dir, phaseFile+".pprof.txt"), out, 0o644)
}

// machine names the machine and the versions: cores, CPU model, Go (of
// this build) and Terraform.
func machine(tf string) string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (nproc) of %s; %s; %s; terraform-provider-time %s; Terraform's default -parallelism=10",
		runtime.NumCPU(), cpu, runtime.Version(), terraformVersion(tf), timeProviderVersion)
}

func terraformVersion(tf string) string {
	out, err := exec.Command(tf, "version").Output() //nolint:gosec // the terraform binary the bench was given
	if err != nil {
		return "terraform (version unknown)"
	}
	return strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(data))[0]
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
