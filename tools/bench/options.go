package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Phase names. planAt is the prefix of a no-change plan with the sandbox
// restarted at another latency ("plan@100ms").
const (
	phaseApply   = "apply"
	phasePlan    = "plan"
	phaseUpdate  = "update"
	phaseDestroy = "destroy"
	planAt       = "plan@"
)

var allPhases = []string{phaseApply, phasePlan, phaseUpdate, phaseDestroy}

// Storages of the sandbox: in memory, or in a file (--data FILE).
const (
	storageMemory = "memory"
	storageData   = "data"
)

// setting is one value of the settings axis: the environment a moka
// variant's Terraform runs with.
type setting struct {
	name string   // as the report shows it
	env  []string // added to the phase's environment
}

type options struct {
	sizes         []int
	runs          []int
	latencies     []time.Duration // of the sandbox, for every phase: one section each
	planLatencies []time.Duration // extra no-change plans, the sandbox restarted on its data at each
	phases        []string        // in allPhases order; apply always
	fullUpTo      int             // update and destroy only for N <= this (0: every N)
	storages      []string
	settings      []setting
	cardSizes     []int // the sizes (among sizes) that also run the card variant
	cardsPerCust  int
	cpuProfile    bool
	out           string
	terraform     string
}

// parseOptions reads the command line (without the program name).
func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("n", "100,1000", "comma-separated numbers of customers (up to 5000 and more)")
	runs := fs.String("runs", "3,1", "runs of every phase for each -n, the last repeated (the median is reported)")
	lat := fs.String("latency", "0", "comma-separated latencies the sandbox adds to every answer, one section of the report each")
	planLat := fs.String("plan-latency", "", "comma-separated latencies of an extra no-change plan after the plan, the sandbox restarted on its --data file at that latency (needs -storage data)")
	phases := fs.String("phases", strings.Join(allPhases, ","), "phases to measure, of apply,plan,update,destroy (apply always); without destroy, a run ends by resetting the sandbox and the state")
	fs.IntVar(&o.fullUpTo, "full-upto", 0, "measure update and destroy only for N up to this; larger N end after the plans, reset (0: every N)")
	storages := fs.String("storage", storageMemory, "sandbox storages, of memory,data (data: --data FILE, the data on disk); each a row of its own")
	settings := fs.String("settings", "defaults", "provider settings, each a row of its own: defaults, nocap (MOKA_MAX_REQUESTS_PER_SECOND=0), cap=R (R calls a second)")
	cards := fs.String("cards-n", "", "comma-separated sizes, among -n, that also run a variant with N*2/3 moka_card resources (first storage, first settings)")
	fs.IntVar(&o.cardsPerCust, "cards-per-customer", 2, "cards per customer holding cards in the card variant")
	fs.BoolVar(&o.cpuProfile, "cpuprofile", false, "have the moka provider write CPU profiles (MOKA_CPUPROFILE) into each phase's directory under .bench")
	fs.StringVar(&o.out, "out", "", "also write the Markdown report to this file")
	fs.StringVar(&o.terraform, "terraform", "terraform", "the terraform binary")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.sizes, err = positiveInts("-n", *sizes); err != nil {
		return o, err
	}
	if o.runs, err = positiveInts("-runs", *runs); err != nil {
		return o, err
	}
	for len(o.runs) < len(o.sizes) {
		o.runs = append(o.runs, o.runs[len(o.runs)-1])
	}
	if o.latencies, err = durations("-latency", *lat); err != nil {
		return o, err
	}
	if len(o.latencies) == 0 {
		o.latencies = []time.Duration{0}
	}
	if o.planLatencies, err = durations("-plan-latency", *planLat); err != nil {
		return o, err
	}
	for _, p := range splitList(*phases) {
		if !slices.Contains(allPhases, p) {
			return o, fmt.Errorf("-phases: unknown phase %q (apply, plan, update, destroy)", p)
		}
	}
	for _, p := range allPhases {
		if p == phaseApply || slices.Contains(splitList(*phases), p) {
			o.phases = append(o.phases, p)
		}
	}
	if len(o.planLatencies) > 0 && !slices.Contains(o.phases, phasePlan) {
		return o, fmt.Errorf("-plan-latency needs the plan phase")
	}
	for _, s := range splitList(*storages) {
		if s != storageMemory && s != storageData {
			return o, fmt.Errorf("-storage: unknown storage %q (memory, data)", s)
		}
		if !slices.Contains(o.storages, s) {
			o.storages = append(o.storages, s)
		}
	}
	if len(o.storages) == 0 {
		return o, fmt.Errorf("-storage: none given")
	}
	for _, s := range splitList(*settings) {
		st, err := parseSetting(s)
		if err != nil {
			return o, err
		}
		o.settings = append(o.settings, st)
	}
	if len(o.settings) == 0 {
		return o, fmt.Errorf("-settings: none given")
	}
	if *cards != "" {
		if o.cardSizes, err = positiveInts("-cards-n", *cards); err != nil {
			return o, err
		}
		for _, n := range o.cardSizes {
			if !slices.Contains(o.sizes, n) {
				return o, fmt.Errorf("-cards-n: %d is not among -n", n)
			}
		}
	}
	if o.cardsPerCust < 1 {
		return o, fmt.Errorf("-cards-per-customer must be at least 1")
	}
	return o, nil
}

func parseSetting(s string) (setting, error) {
	switch {
	case s == "defaults":
		return setting{name: "defaults"}, nil
	case s == "nocap":
		return setting{name: "cap off", env: []string{"MOKA_MAX_REQUESTS_PER_SECOND=0"}}, nil
	case strings.HasPrefix(s, "cap="):
		r, err := strconv.ParseFloat(strings.TrimPrefix(s, "cap="), 64)
		if err != nil || r <= 0 {
			return setting{}, fmt.Errorf("-settings: bad rate in %q", s)
		}
		v := strconv.FormatFloat(r, 'g', -1, 64)
		return setting{name: "cap " + v + "/s", env: []string{"MOKA_MAX_REQUESTS_PER_SECOND=" + v}}, nil
	}
	return setting{}, fmt.Errorf("-settings: unknown setting %q (defaults, nocap, cap=R)", s)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func positiveInts(flagName, s string) ([]int, error) {
	var out []int
	for _, f := range splitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: bad number %q", flagName, f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: none given", flagName)
	}
	return out, nil
}

func durations(flagName, s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range splitList(s) {
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%s: bad duration %q", flagName, f)
		}
		out = append(out, d)
	}
	return out, nil
}

// phasesFor is the phases of a run at n: every requested one, with a plan at
// each -plan-latency after the plan, and without update and destroy above
// -full-upto.
func (o options) phasesFor(n int) []string {
	var out []string
	for _, p := range o.phases {
		if (p == phaseUpdate || p == phaseDestroy) && o.fullUpTo > 0 && n > o.fullUpTo {
			continue
		}
		out = append(out, p)
		if p == phasePlan {
			for _, l := range o.planLatencies {
				out = append(out, planAt+latencyName(l))
			}
		}
	}
	return out
}

func latencyName(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return d.String()
}
