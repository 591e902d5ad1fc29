// Command bench measures moka_dealer_customer against its floors: the same
// number of time_static resources (hashicorp/time, on the same plugin framework,
// no network) and of Terraform's built-in terraform_data (no plugin at all).
//
// For each added latency and each N it runs, side by side and interleaved, the
// phases apply (create N), plan (no changes: a refresh of N), update (change
// every resource and apply) and destroy, each with Terraform's defaults
// (-parallelism=10, refresh on). It reports the wall times (median of the
// runs), the ratios moka/time and moka/terraform_data, moka with its default
// request-rate limit over moka without one (what the default costs), the API calls per
// resource and per operation and the TCP connections the sandbox accepted (from
// its /sandbox/stats deltas), and the providers' peak resident memory.
//
// Peak memory: Terraform is pointed (dev_overrides) at a directory whose
// terraform-provider-* is this program itself. Started under that name it
// runs the real provider as its child, with the same standard streams,
// arguments and environment, waits for it, and appends the child's peak
// resident set size (wait4's ru_maxrss, the same figure as /proc VmHWM) to a
// file. So every provider process Terraform starts is measured exactly, however
// short it lives.
//
//	go run ./tools/bench -n 100,1000 -runs 3,1 -latency 0,100ms
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
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

// wrap runs the real provider named name from $BENCH_REAL_DIR and records its
// peak memory in $BENCH_RSS_FILE as "name kilobytes".
func wrap(name string) int {
	cmd := exec.Command(filepath.Join(os.Getenv("BENCH_REAL_DIR"), name), os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// A debugging aid: BENCH_CHILD_STDERR=file sends the provider's standard
	// error (its log, GODEBUG=gctrace=1 output) there instead of to Terraform.
	if file := os.Getenv("BENCH_CHILD_STDERR"); file != "" {
		if f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			defer f.Close()
			cmd.Stderr = f
		}
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		if f, ferr := os.OpenFile(os.Getenv("BENCH_RSS_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); ferr == nil {
			cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			fmt.Fprintf(f, "%s %d %d\n", name, ru.Maxrss, cpu.Milliseconds())
			_ = f.Close()
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

type options struct {
	sizes     []int
	runs      []int
	latencies []time.Duration
	out       string
	terraform string
}

func parseOptions() (options, error) {
	var o options
	sizes := flag.String("n", "100,1000", "comma-separated numbers of resources")
	runs := flag.String("runs", "3,1", "runs of every phase for each -n (the median is reported)")
	lat := flag.String("latency", "0,100ms", "comma-separated latencies the sandbox adds to every answer")
	flag.StringVar(&o.out, "out", "", "also write the Markdown report to this file")
	flag.StringVar(&o.terraform, "terraform", "terraform", "the terraform binary")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-n: bad size %q", s)
		}
		o.sizes = append(o.sizes, n)
	}
	for _, s := range strings.Split(*runs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-runs: bad count %q", s)
		}
		o.runs = append(o.runs, n)
	}
	for len(o.runs) < len(o.sizes) {
		o.runs = append(o.runs, o.runs[len(o.runs)-1])
	}
	for _, s := range strings.Split(*lat, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d < 0 {
			return o, fmt.Errorf("-latency: bad duration %q", s)
		}
		o.latencies = append(o.latencies, d)
	}
	return o, nil
}

// bench is one run of the whole program.
type bench struct {
	opts    options
	root    string // the module
	work    string // .bench under the module
	rssFile string
	tf      *testsupport.Terraform
}

func run() error {
	opts, err := parseOptions()
	if err != nil {
		return err
	}
	root, err := testsupport.ModuleRoot()
	if err != nil {
		return fmt.Errorf("run me inside the module: %w", err)
	}
	b := &bench{opts: opts, root: root, work: filepath.Join(root, ".bench")}
	if err := os.RemoveAll(b.work); err != nil {
		return err
	}
	if err := b.setup(); err != nil {
		return err
	}
	var report bytes.Buffer
	fmt.Fprintf(&report, "Machine: %s; %s; terraform-provider-time %s; Terraform's default -parallelism=10.\n",
		machine(), terraformVersion(opts.terraform), timeProviderVersion)
	for _, lat := range opts.latencies {
		section, err := b.latencySection(lat)
		if err != nil {
			return err
		}
		report.WriteString(section)
	}
	fmt.Print("\n" + report.String())
	if opts.out != "" {
		return os.WriteFile(opts.out, report.Bytes(), 0o644)
	}
	return nil
}

// setup builds the provider, installs the time provider into ./bin, and lays
// out the wrapper directories and the Terraform CLI configuration.
func (b *bench) setup() error {
	realDir := filepath.Join(b.work, "real")
	over := filepath.Join(b.work, "override")
	for _, d := range []string{realDir, over} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	logf("building the provider")
	if _, err := testsupport.BuildProvider(context.Background(), b.root, realDir, "-trimpath"); err != nil {
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
	if err := os.Symlink(timeBin, filepath.Join(realDir, "terraform-provider-time")); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for _, name := range []string{"terraform-provider-moka", "terraform-provider-time"} {
		if err := os.Symlink(self, filepath.Join(over, name)); err != nil {
			return err
		}
	}
	rcFile := filepath.Join(b.work, "terraformrc")
	if err := testsupport.WriteCLIConfig(rcFile, map[string]string{testsupport.ProviderSource: over, "hashicorp/time": over}); err != nil {
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
		"BENCH_REAL_DIR=" + realDir,
		"BENCH_RSS_FILE=" + b.rssFile,
		"MOKA_DEALER_CODE=SANDBOX", "MOKA_USERNAME=sandbox", "MOKA_PASSWORD=sandbox",
	}
	b.tf = &testsupport.Terraform{Bin: b.opts.terraform, Env: append(os.Environ(), env...)}
	return nil
}

// kinds of resources, in the order they run in each phase.
var kinds = []struct {
	name, title, hcl string
	env              []string // added to the phase's environment
}{
	{"moka", "moka_dealer_customer", mokaHCL, nil},
	// The same without the request-rate limit: what the default
	// max_requests_per_second costs (a/d).
	{"nolimit", "moka_dealer_customer, no rate limit", strings.ReplaceAll(mokaHCL, "BENCH-", "BENCHNL-"), []string{"MOKA_MAX_REQUESTS_PER_SECOND=0"}},
	// The common account: no customer has a PIN, so GetCustomerList carries
	// no password at all, and a refresh must stay batched all the same (e).
	{"nopin", "moka_dealer_customer without PINs", noPINHCL, nil},
	{"time", "time_static", timeHCL, nil},
	{"data", "terraform_data", dataHCL, nil},
}

// noPINHCL is mokaHCL without the password.
var noPINHCL = strings.ReplaceAll(strings.Replace(mokaHCL, "  password      = format(\"PIN-%%04d\", count.index)\n", "", 1), "BENCH-", "BENCHNP-")

const mokaHCL = `
terraform {
  required_providers {
    moka = { source = "terraform-moka/moka" }
  }
}
variable "rev" { type = string }
resource "moka_dealer_customer" "c" {
  count         = %d
  customer_code = format("BENCH-%%05d", count.index)
  first_name    = "Ayşe"
  last_name     = "Yılmaz ${var.rev}"
  gender        = "female"
  birth_date    = "1990-12-18"
  gsm_number    = format("53011%%05d", count.index)
  email         = format("ayse.%%d@example.com", count.index)
  address       = "Taşdelen Mah. Çekmeköy, İstanbul"
  password      = format("PIN-%%04d", count.index)
}
`

const timeHCL = `
terraform {
  required_providers {
    time = { source = "hashicorp/time" }
  }
}
variable "rev" { type = string }
resource "time_static" "t" {
  count    = %d
  triggers = { rev = var.rev }
}
`

const dataHCL = `
variable "rev" { type = string }
resource "terraform_data" "d" {
  count = %d
  input = var.rev
}
`

var phases = []struct{ name, rev string }{
	{"apply", "1"},
	{"plan", "1"},
	{"update", "2"},
	{"destroy", "2"},
}

// measurement is one phase of one kind in one run.
type measurement struct {
	took  time.Duration
	calls map[string]int
	conns int
	rssKB int64         // the largest provider process of the phase
	cpu   time.Duration // CPU time of the phase's provider processes
	tfCPU time.Duration // CPU time of Terraform itself
}

func (b *bench) latencySection(lat time.Duration) (string, error) {
	logf("starting the sandbox with --latency %v", lat)
	sb, err := testsupport.SpawnSandbox(filepath.Join(b.work, "real", "terraform-provider-moka"), "127.0.0.1:0", io.Discard, "--latency", lat.String())
	if err != nil {
		return "", err
	}
	defer sb.Stop()
	env := []string{"MOKA_BASE_URL=" + sb.URL}

	var out strings.Builder
	fmt.Fprintf(&out, "\n### Added latency %v\n\n", latencyName(lat))
	load := loadAverage()
	var rows strings.Builder
	rows.WriteString("| N | phase | runs | moka (a) | time (b) | terraform_data (c) | moka, no rate limit (d) | a/b | a/c | a/d | provider CPU a / b | Terraform CPU a / b / c | API calls per resource (total) | connections | peak RSS a / b | no PINs (e) | e/b | e: API calls per resource |\n")
	rows.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|\n")

	// One small untimed cycle first, so that no kind pays for cold caches.
	if _, err := b.cycles(sb, env, lat, 2, 1, true); err != nil {
		return "", err
	}
	for i, n := range b.opts.sizes {
		results, err := b.cycles(sb, env, lat, n, b.opts.runs[i], false)
		if err != nil {
			return "", err
		}
		for _, ph := range phases {
			a, bb, c, d, e := results["moka"][ph.name], results["time"][ph.name], results["data"][ph.name], results["nolimit"][ph.name], results["nopin"][ph.name]
			ma, mb, mc, md, me := median(a), median(bb), median(c), median(d), median(e)
			fmt.Fprintf(&rows, "| %d | %s | %d | %s | %s | %s | %s | %.2f | %.2f | %.2f | %s / %s | %s / %s / %s | %s | %s | %s / %s | %s | %.2f | %s |\n",
				n, ph.name, len(a), secs(ma), secs(mb), secs(mc), secs(md),
				ma.Seconds()/mb.Seconds(), ma.Seconds()/mc.Seconds(), ma.Seconds()/md.Seconds(),
				secs(medianCPU(a)), secs(medianCPU(bb)),
				secs(medianTFCPU(a)), secs(medianTFCPU(bb)), secs(medianTFCPU(c)),
				perResource(a, n), connections(a), maxRSS(a), maxRSS(bb),
				secs(me), me.Seconds()/mb.Seconds(), perResource(e, n))
		}
	}
	fmt.Fprintf(&out, "Load average (1 min) %s at the start, %s at the end of this section.\n\n", load, loadAverage())
	out.WriteString(rows.String())
	return out.String(), nil
}

// cycles runs every phase for every kind runs times, interleaved, and
// returns kind -> phase -> measurements.
func (b *bench) cycles(sb *testsupport.SandboxProcess, env []string, lat time.Duration, n, runs int, warmup bool) (map[string]map[string][]measurement, error) {
	results := map[string]map[string][]measurement{}
	dirs := map[string]string{}
	for _, k := range kinds {
		results[k.name] = map[string][]measurement{}
		dir := filepath.Join(b.work, fmt.Sprintf("lat%v-n%d-%s", latencyName(lat), n, k.name))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(fmt.Sprintf(k.hcl, n)), 0o644); err != nil {
			return nil, err
		}
		dirs[k.name] = dir
	}
	for r := 0; r < runs; r++ {
		for _, ph := range phases {
			for _, k := range kinds {
				if !warmup {
					logf("latency %v, N=%d, run %d/%d: %s %s", latencyName(lat), n, r+1, runs, k.title, ph.name)
				}
				m, err := b.phase(sb, append(slices.Clone(env), k.env...), dirs[k.name], ph.name, ph.rev)
				if err != nil {
					return nil, fmt.Errorf("%s, N=%d, %s: %w", k.title, n, ph.name, err)
				}
				if (k.name == "time" || k.name == "data") && len(m.calls) > 0 {
					return nil, fmt.Errorf("%s made Moka calls %v", k.title, m.calls)
				}
				results[k.name][ph.name] = append(results[k.name][ph.name], m)
			}
		}
		left, _, err := sb.State()
		if err != nil {
			return nil, err
		}
		if len(left) != 0 {
			return nil, fmt.Errorf("after destroy the sandbox holds %d customers", len(left))
		}
	}
	return results, nil
}

// phase runs one Terraform command and measures it.
func (b *bench) phase(sb *testsupport.SandboxProcess, env []string, dir, phase, rev string) (measurement, error) {
	args := []string{"apply", "-auto-approve", "-input=false", "-no-color", "-var", "rev=" + rev}
	switch phase {
	case "plan":
		args = []string{"plan", "-detailed-exitcode", "-input=false", "-no-color", "-var", "rev=" + rev}
	case "destroy":
		args = []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-var", "rev=" + rev}
	}
	if err := os.Remove(b.rssFile); err != nil && !os.IsNotExist(err) {
		return measurement{}, err
	}
	before, err := sb.Stats()
	if err != nil {
		return measurement{}, err
	}
	logFile := filepath.Join(dir, phase+".log")
	start := time.Now()
	res, err := b.tf.Exec(context.Background(), dir, env, args...)
	took := time.Since(start)
	if werr := os.WriteFile(logFile, res.Output, 0o644); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return measurement{}, fmt.Errorf("terraform %s: %w (see %s)", strings.Join(args, " "), err, logFile)
	}
	after, err := sb.Stats()
	if err != nil {
		return measurement{}, err
	}
	m := measurement{took: took, calls: map[string]int{}, conns: after.Connections - before.Connections - 1}
	for op, v := range after.Calls {
		if d := v - before.Calls[op]; d != 0 {
			m.calls[op] = d
		}
	}
	m.rssKB, m.cpu, err = readUsage(b.rssFile)
	// The wrappers and the providers are Terraform's children: what is left
	// is Terraform's own work.
	m.tfCPU = max(res.CPU-m.cpu, 0)
	return m, err
}

// readUsage is the largest peak RSS, in KiB, and the CPU time, summed, of
// the provider processes the wrappers recorded.
func readUsage(file string) (peakKB int64, cpu time.Duration, err error) {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 3 {
			continue
		}
		kb, err1 := strconv.ParseInt(fields[1], 10, 64)
		ms, err2 := strconv.ParseInt(fields[2], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		peakKB = max(peakKB, kb)
		cpu += time.Duration(ms) * time.Millisecond
	}
	return peakKB, cpu, nil
}

func median(ms []measurement) time.Duration {
	return medianOf(ms, func(m measurement) time.Duration { return m.took })
}

func medianCPU(ms []measurement) time.Duration {
	return medianOf(ms, func(m measurement) time.Duration { return m.cpu })
}

func medianTFCPU(ms []measurement) time.Duration {
	return medianOf(ms, func(m measurement) time.Duration { return m.tfCPU })
}

func medianOf(ms []measurement, of func(measurement) time.Duration) time.Duration {
	d := make([]time.Duration, len(ms))
	for i, m := range ms {
		d[i] = of(m)
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

// perResource is the calls per resource of each operation, from the run with
// the most calls (they do not vary between runs unless something is wrong).
func perResource(ms []measurement, n int) string {
	worst := ms[0]
	for _, m := range ms[1:] {
		if total(m.calls) > total(worst.calls) {
			worst = m
		}
	}
	ops := make([]string, 0, len(worst.calls))
	for op := range worst.calls {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		parts = append(parts, fmt.Sprintf("%s %s (%d)", op, strconv.FormatFloat(float64(worst.calls[op])/float64(n), 'g', 3, 64), worst.calls[op]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func total(calls map[string]int) int {
	t := 0
	for _, v := range calls {
		t += v
	}
	return t
}

func connections(ms []measurement) string {
	lo, hi := ms[0].conns, ms[0].conns
	for _, m := range ms[1:] {
		lo, hi = min(lo, m.conns), max(hi, m.conns)
	}
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func maxRSS(ms []measurement) string {
	var peak int64
	for _, m := range ms {
		peak = max(peak, m.rssKB)
	}
	if peak == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(peak)/1024)
}

func secs(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func latencyName(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return d.String()
}

func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	out, _ := exec.Command("nproc").Output()
	return fmt.Sprintf("%s cores of %s", strings.TrimSpace(string(out)), cpu)
}

func terraformVersion(tf string) string {
	out, err := exec.Command(tf, "version").Output()
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
