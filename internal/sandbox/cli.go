package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

const defaultListen = "127.0.0.1:8089"

// Main is the `terraform-provider-moka sandbox [flags]` command. It serves
// until SIGINT or SIGTERM and returns the process exit code: 0 after a clean
// shutdown (or -h), 2 for bad flags, 1 when the server cannot start.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdout, stderr)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		listen      = fs.String("listen", defaultListen, "`address` to listen on; port 0 picks a free port")
		allowRemote = fs.Bool("allow-non-loopback", false, "allow a --listen address that is not a loopback address (the sandbox has no TLS and a well-known password)")
		dealerCode  = fs.String("dealer-code", "SANDBOX", "dealer code of the sandbox's account")
		username    = fs.String("username", "sandbox", "API username of the sandbox's account")
		password    = fs.String("password", "sandbox", "API password of the sandbox's account")
		dataFile    = fs.String("data", "", "JSON `file` that keeps the state across restarts: each write is appended before it is answered, the file compacted at start (default: memory only)")
		latency     = fs.Duration("latency", 0, "delay added before each answer, e.g. 100ms (default 0: none)")
		faultRate   = fs.Float64("fault-rate", 0, "share of calls (0..1) that fail in one of --fault-kinds (default 0: none)")
		faultKinds  = fs.String("fault-kinds", joinKinds(AllFaultKinds), "comma-separated `kinds` of failure: html503 (HTTP 503 with an HTML page), reset (connection reset), timeout (held for --timeout-hang, then dropped), ex (ResultCode EX), lostreply (commits, then the answer is lost), latecommit (held for --timeout-hang whatever the client does, then commits and drops; not in the default list nor in \"all\")")
		seed        = fs.Int64("seed", 0, "seed of the fault generator (default 0: from the clock)")
		timeoutHang = fs.Duration("timeout-hang", defaultTimeoutHang, "how long a timeout fault holds a request")
		quiet       = fs.Bool("quiet", false, "do not log each call on stderr (default: one line per call, never its content)")
	)
	switchOn := make([]*bool, len(Switches))
	for i, sw := range Switches {
		switchOn[i] = fs.Bool(sw.Flag, false, sw.Usage)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: terraform-provider-moka sandbox [flags]

Serves a local Moka DealerCustomer API (POST /DealerCustomer/{Operation}) for
tests and demos, plus GET /sandbox/stats and GET /sandbox/state. The first line
on stdout is "listening on http://HOST:PORT". SIGINT or SIGTERM stops it.

Where Moka's documentation is silent the sandbox had to choose; each choice
that a client could depend on is a switch below that plays the other answer.
`+"`terraform-provider-moka conformance`"+` tells which switches a real Moka needs.
MOKA-API.md in the provider's repository lists every choice and its source.

Flags:
`)
		fs.VisitAll(func(f *flag.Flag) {
			if !isSwitchFlag(f.Name) {
				printFlag(fs.Output(), f)
			}
		})
		fmt.Fprintf(fs.Output(), "\nSwitches for behaviour the documentation leaves open (default: off):\n")
		for _, sw := range Switches {
			printFlag(fs.Output(), fs.Lookup(sw.Flag))
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sandbox: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if !*allowRemote && !isLoopback(*listen) {
		fmt.Fprintf(stderr, "sandbox: --listen %s is not a loopback address; pass --allow-non-loopback to serve it anyway\n", *listen)
		return 2
	}
	kinds, err := parseKinds(*faultKinds)
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: --fault-kinds: %v\n", err)
		return 2
	}
	var logMu sync.Mutex
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(stderr, time.Now().Format("15:04:05.000 ")+format+"\n", args...)
	}
	opts := Options{
		DealerCode:  *dealerCode,
		Username:    *username,
		Password:    *password,
		DataFile:    *dataFile,
		Latency:     *latency,
		FaultRate:   *faultRate,
		FaultKinds:  kinds,
		Seed:        *seed,
		TimeoutHang: *timeoutHang,
	}
	var on []string
	for i, sw := range Switches {
		if *switchOn[i] {
			sw.Enable(&opts)
			on = append(on, "--"+sw.Flag)
		}
	}
	if !*quiet {
		opts.Logf = logf
	}
	s, err := New(opts)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	url, err := s.Start(*listen)
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		_ = s.Close()
		return 1
	}
	fmt.Fprintf(stdout, "listening on %s\n", url)
	flush(stdout)
	where := "memory only"
	if *dataFile != "" {
		where = fmt.Sprintf("data file %s (%d customers, %d cards)", *dataFile, len(s.Customers()), len(s.Cards()))
	}
	switches := "no switches"
	if len(on) > 0 {
		switches = "switches " + strings.Join(on, " ")
	}
	fmt.Fprintf(stderr, "sandbox: dealer code %q, username %q; %s; latency %v; fault rate %v (%s); %s\n",
		opts.DealerCode, opts.Username, where, opts.Latency, opts.FaultRate, joinKinds(kinds), switches)

	<-ctx.Done()
	fmt.Fprintln(stderr, "sandbox: shutting down")
	if err := s.Close(); err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
	}
	return 0
}

func flush(w io.Writer) {
	switch f := w.(type) {
	case interface{ Flush() error }:
		_ = f.Flush()
	case interface{ Sync() error }:
		_ = f.Sync()
	}
}

// isLoopback: an empty host (all interfaces) is not loopback.
func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseKinds(list string) ([]FaultKind, error) {
	var kinds []FaultKind
	for _, part := range strings.Split(list, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		if part == "all" {
			kinds = append(kinds, AllFaultKinds...)
			continue
		}
		k := FaultKind(part)
		if !validFaultKind(k) {
			return nil, fmt.Errorf("unknown kind %q (known: %s)", part, joinKinds(KnownFaultKinds))
		}
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return nil, errors.New("no kinds given")
	}
	return kinds, nil
}

func isSwitchFlag(name string) bool {
	_, ok := SwitchByFlag(name)
	return ok
}

// printFlag writes a flag as flag.PrintDefaults does, so that the switches
// can have a section of their own.
func printFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	line := "  -" + f.Name
	if name != "" {
		line += " " + name
	}
	line += "\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t")
	switch {
	case f.DefValue == "" || f.DefValue == "false" || f.DefValue == "0" || f.DefValue == "0s":
	case name == "string":
		line += fmt.Sprintf(" (default %q)", f.DefValue)
	default:
		line += fmt.Sprintf(" (default %s)", f.DefValue)
	}
	fmt.Fprintln(w, line)
}
