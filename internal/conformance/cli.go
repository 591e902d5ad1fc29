package conformance

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/terraform-moka/terraform-provider-moka/internal/moka"
	"github.com/terraform-moka/terraform-provider-moka/internal/provider"
)

// Exit codes.
const (
	ExitSame      = 0 // this Moka behaves like the default sandbox
	ExitDiffers   = 1 // it differs; the report names each difference and its switch
	ExitCouldNot  = 2 // the script could not run, or not to the end, or left something behind
	cleanupBudget = 2 * time.Minute
)

// productionHosts are Moka's production API hosts: the current brand's and
// the older one (MOKA-API.md, "Hosts").
var productionHosts = []string{mustHost(moka.ProductionBaseURL), "service.moka.com"}

func mustHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u.Hostname()
}

// Main is `terraform-provider-moka conformance [flags]`; it returns the exit
// code. The first SIGINT or SIGTERM stops the script and removes what it
// created; a second one abandons the removal (what is left is then listed).
func Main(args []string, stdout, stderr io.Writer) int {
	script, stopScript := context.WithCancel(context.Background())
	defer stopScript()
	cleanup, abandonCleanup := context.WithCancel(context.Background())
	defer abandonCleanup()
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	go func() {
		select {
		case <-signals:
		case <-cleanup.Done():
			return
		}
		fmt.Fprintln(stderr, "conformance: interrupted; removing what this run created (interrupt again to abandon that)")
		stopScript()
		select {
		case <-signals:
			abandonCleanup()
		case <-cleanup.Done():
		}
	}()
	return run(script, cleanup, args, os.Getenv, stdout, stderr)
}

// options are the command's settings after flags and environment.
type options struct {
	baseURL                        string
	dealerCode, username, password string
	requestTimeout                 time.Duration
	allowProduction                bool
	json                           bool
}

func usage(fs *flag.FlagSet) func() {
	return func() {
		fmt.Fprintf(fs.Output(), `Usage: terraform-provider-moka conformance [--environment test | --base-url URL] [--allow-production] [--json]

Runs a fixed script against a Moka dealer account to settle each behaviour
that Moka's documentation leaves open and the provider's sandbox had to
decide, and prints, for each: what the documentation says, what the default
sandbox does, what this Moka did, and the verdict. Where this Moka differs, it
names the sandbox switch that plays this Moka's answer.

It creates only customers whose codes start with a prefix of its own
(TFCONF-<start time, UTC, YYYYMMDDhhmmss>-XXXXXXXX-), and removes them and
their cards again, also after a failure or Ctrl-C; it lists, with ids,
whatever it could not remove. A run killed outright (kill -9) cannot remove
anything: the next run names such customers of runs that started over 30
minutes before and removes them with their cards, and never touches a
customer without the prefix. Calls that fail on the way (network errors,
timeouts, 5xx, EX) are retried with backoff, as the provider does. It
refuses Moka's production endpoint unless --allow-production is given.

Credentials and endpoint come from the same settings as the provider: the
flags below, else %s, %s, %s, %s, %s and %s
(prefer the environment for the password: flags show in process lists).

Exit status: 0 this Moka behaves like the default sandbox; 1 it differs; 2 the
script could not run, not to its end, or left something behind.

Flags:
`, provider.EnvDealerCode, provider.EnvUsername, provider.EnvPassword, provider.EnvEnvironment, provider.EnvBaseURL, provider.EnvRequestTimeout)
		fs.PrintDefaults()
	}
}

// parse reads flags, then the environment for what the flags leave unset.
func parse(args []string, getenv func(string) string, stderr io.Writer) (options, int, bool) {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = usage(fs)
	var (
		environment     = fs.String("environment", "", "Moka environment: test or production (default: "+provider.EnvEnvironment+")")
		baseURL         = fs.String("base-url", "", "base `URL` of the DealerCustomer API, overriding --environment: a proxy, an older host, the sandbox (default: "+provider.EnvBaseURL+")")
		dealerCode      = fs.String("dealer-code", "", "dealer code (default: "+provider.EnvDealerCode+")")
		username        = fs.String("username", "", "API username (default: "+provider.EnvUsername+")")
		password        = fs.String("password", "", "API password (default: "+provider.EnvPassword+"; prefer that)")
		requestTimeout  = fs.String("request-timeout", "", "how long one HTTP attempt may take, e.g. 30s (default: "+provider.EnvRequestTimeout+", else "+moka.DefaultRequestTimeout.String()+")")
		allowProduction = fs.Bool("allow-production", false, "run against Moka's production endpoint too (it creates and removes customers and cards there)")
		asJSON          = fs.Bool("json", false, "print the report as JSON")
	)
	if sandboxFlag(fs, args, stderr) {
		return options{}, ExitCouldNot, false
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return options{}, ExitSame, false
		}
		return options{}, ExitCouldNot, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "conformance: unexpected argument %q\n", fs.Arg(0))
		return options{}, ExitCouldNot, false
	}
	or := func(flagValue, env string) string {
		if strings.TrimSpace(flagValue) != "" {
			return flagValue
		}
		return getenv(env)
	}
	o := options{
		dealerCode:      or(*dealerCode, provider.EnvDealerCode),
		username:        or(*username, provider.EnvUsername),
		password:        or(*password, provider.EnvPassword),
		allowProduction: *allowProduction,
		json:            *asJSON,
		requestTimeout:  moka.DefaultRequestTimeout,
	}
	var missing []string
	for _, c := range []struct{ value, flag, env string }{
		{o.dealerCode, "--dealer-code", provider.EnvDealerCode},
		{o.username, "--username", provider.EnvUsername},
		{o.password, "--password", provider.EnvPassword},
	} {
		if c.value == "" {
			missing = append(missing, c.flag+" (or "+c.env+")")
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "conformance: missing %s\n", strings.Join(missing, ", "))
		return options{}, ExitCouldNot, false
	}
	resolved, err := provider.ResolveBaseURL(strings.TrimSpace(or(*environment, provider.EnvEnvironment)), strings.TrimSpace(or(*baseURL, provider.EnvBaseURL)))
	if err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return options{}, ExitCouldNot, false
	}
	o.baseURL = resolved
	if v := strings.TrimSpace(or(*requestTimeout, provider.EnvRequestTimeout)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 100*time.Millisecond || d > 10*time.Minute {
			fmt.Fprintf(stderr, "conformance: --request-timeout (or %s) must be a duration between 100ms and 10m such as 30s, got %q\n", provider.EnvRequestTimeout, v)
			return options{}, ExitCouldNot, false
		}
		o.requestTimeout = d
	}
	return o, 0, true
}

// productionRefusal says why the run stops at a production endpoint, or "".
func productionRefusal(o options) string {
	u, err := url.Parse(o.baseURL)
	if err != nil || o.allowProduction {
		return ""
	}
	// "host." is the same host, written fully qualified.
	host := strings.TrimSuffix(u.Hostname(), ".")
	for _, h := range productionHosts {
		if strings.EqualFold(host, h) {
			return fmt.Sprintf("conformance: %s is Moka's production endpoint; refusing to run there.\n"+
				"The script creates and removes customers and stores and removes cards (Moka's published test cards) in the dealer account. "+
				"A production account holds real customers and their cards, and an interrupted run could leave test records among them.\n"+
				"Run it with a test account (--environment test), or pass --allow-production if you mean to.", o.baseURL)
		}
	}
	return ""
}

// run is Main with its contexts and environment given, for tests: script
// ends the script (Ctrl-C), cleanup ends the removal (a second Ctrl-C).
func run(script, cleanup context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	o, code, ok := parse(args, getenv, stderr)
	if !ok {
		return code
	}
	if why := productionRefusal(o); why != "" {
		fmt.Fprintln(stderr, why)
		return ExitCouldNot
	}
	transport := moka.NewHTTPClient().Transport.(*http.Transport) //nolint:forcetypeassert // NewHTTPClient's transport is an *http.Transport
	defer transport.CloseIdleConnections()
	watch := &exWatch{base: transport}
	newClient := func(retries int) (*moka.Client, error) {
		return moka.New(moka.Config{
			BaseURL: o.baseURL, DealerCode: o.dealerCode, Username: o.username, Password: o.password,
			HTTPClient: &http.Client{Transport: watch},
			UserAgent:  "terraform-provider-moka-conformance", MaxRetries: retries, RequestTimeout: o.requestTimeout,
			RetryBaseDelay: retryBaseDelay, RetryMaxDelay: retryMaxDelay,
		})
	}
	// The script's client makes each attempt once: the session retries
	// itself (session.callTracked), so that a probe knows when an attempt's
	// answer was lost and can tell what that attempt did from what Moka
	// does. Removal retries in the client, as the provider does.
	scriptClient, err := newClient(-1)
	if err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return ExitCouldNot
	}
	cleanupClient, err := newClient(scriptRetries)
	if err != nil {
		fmt.Fprintf(stderr, "conformance: %v\n", err)
		return ExitCouldNot
	}
	rep := execute(script, cleanup, scriptClient, cleanupClient, watch, o.baseURL, newPrefix(time.Now()))
	if o.json {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "conformance: writing the report: %v\n", err)
		return ExitCouldNot
	}
	return rep.ExitCode
}

// execute runs the script and the removal and returns the report.
func execute(script, cleanup context.Context, scriptClient, cleanupClient *moka.Client, watch *exWatch, endpoint, prefix string) *Report {
	start := time.Now()
	rep := &Report{Endpoint: endpoint, Prefix: prefix}
	s := newSession(scriptClient, prefix)
	s.ex = watch

	// One read first: wrong credentials or a wrong endpoint should say so
	// once, not as every behaviour's failure.
	if _, err := s.lookup(script, prefix+"00-PROBE"); err != nil {
		rep.Problem = preflightProblem(err)
	} else if found, left, err := s.sweepEarlierRuns(script, start); err != nil {
		rep.Problem = err.Error()
	} else {
		rep.EarlierRuns = found
		rep.LeftBehind = append(rep.LeftBehind, left...)
		for _, b := range behaviours {
			if script.Err() != nil {
				rep.Interrupted = true
				rep.add(b, "", script.Err())
				continue
			}
			observed, err := b.probe(script, s)
			if script.Err() != nil && err != nil {
				rep.Interrupted = true
			}
			rep.add(b, observed, err)
		}
	}
	ctx, cancel := context.WithTimeout(cleanup, cleanupBudget)
	defer cancel()
	s.client = cleanupClient
	rep.LeftBehind = append(rep.LeftBehind, s.cleanup(ctx)...)
	rep.Created = len(s.codes)
	rep.Seconds = time.Since(start).Seconds()
	rep.finish()
	return rep
}

func preflightProblem(err error) string {
	if moka.Reason(err) == moka.ReasonInvalidRequest {
		return fmt.Sprintf("Moka refused the credentials (%v): check the dealer code, username and password, and that they belong to this endpoint", err)
	}
	return fmt.Sprintf("the first call failed: %v", err)
}

func asAPIError(err error, target **moka.APIError) bool {
	return errors.As(err, target)
}

// sandboxRunFlags are the sandbox's flags that are neither a switch nor one of
// conformance's own: how it runs, not how it answers.
var sandboxRunFlags = []string{"listen", "allow-non-loopback", "data", "latency", "fault-rate", "fault-kinds", "seed", "timeout-hang", "quiet"}

// sandboxFlag reports whether args give a sandbox flag and, if so, explains
// on stderr instead of the flag package's "flag provided but not defined".
func sandboxFlag(fs *flag.FlagSet, args []string, stderr io.Writer) bool {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" || !strings.HasPrefix(arg, "-") || arg == "-" {
			return false // the flag package stops here too
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if f := fs.Lookup(name); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && (!ok || !b.IsBoolFlag()) {
				i++ // its value
			}
			continue
		}
		for _, b := range behaviours {
			if b.ID == name {
				fmt.Fprintf(stderr, `conformance: --%[1]s is a switch of the sandbox, not of conformance.
A sandbox switch makes the sandbox answer as some Moka might where the documentation is silent
(--%[1]s: "%[2]s"). Conformance takes no switches: it runs its
script against a Moka, compares each answer with the default sandbox's and, where they differ,
names the switch that plays that Moka's answer.

To compare a Moka account with the sandbox under --%[1]s, run the sandbox with the
switch, point conformance at it and then at the account, and compare the two reports:

  terraform-provider-moka sandbox --listen 127.0.0.1:0 --%[1]s
  # -> listening on http://127.0.0.1:PORT
  MOKA_DEALER_CODE=SANDBOX MOKA_USERNAME=sandbox MOKA_PASSWORD=sandbox \
    terraform-provider-moka conformance --base-url http://127.0.0.1:PORT --json > sandbox.json
  terraform-provider-moka conformance --environment test --json > account.json

Where the account answers as that sandbox does, a behaviour's "this_moka" is the same in both.
To learn only whether the account needs the switch, the last command is enough: its row
%[1]s then says "differs", with sandbox_switch "--%[1]s".
`, b.ID, b.Name)
				return true
			}
		}
		for _, f := range sandboxRunFlags {
			if f == name {
				fmt.Fprintf(stderr, `conformance: --%[1]s is a flag of the sandbox, not of conformance.
Conformance runs against a Moka that is already running. To run it against a sandbox started with
--%[1]s, start that sandbox and point conformance at it:

  terraform-provider-moka sandbox --listen 127.0.0.1:0 --%[1]s ...
  # -> listening on http://127.0.0.1:PORT
  MOKA_DEALER_CODE=SANDBOX MOKA_USERNAME=sandbox MOKA_PASSWORD=sandbox \
    terraform-provider-moka conformance --base-url http://127.0.0.1:PORT

terraform-provider-moka conformance -h lists conformance's own flags.
`, name)
				return true
			}
		}
	}
	return false
}
