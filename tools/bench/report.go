package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// writeReport writes the Markdown report: per latency the table of every
// phase, the calls of each refresh, then the ratios to time_static in the
// issue's form and the targets.
func writeReport(w io.Writer, machine string, o options, sections []section) {
	fmt.Fprintf(w, "Machine: %s.\n", machine)
	fmt.Fprintf(w, "Customers without PINs; sandbox --quiet; settings: %s.\n", settingsLegend(o))
	for _, s := range sections {
		fmt.Fprintf(w, "\n### Added latency %s\n\n", latencyName(s.latency))
		fmt.Fprintf(w, "Load average (1 min) %s at the start, %s at the end of this section.\n\n", s.loadStart, s.loadEnd)
		writePhaseTable(w, s)
		writeRefreshTable(w, s)
	}
	fmt.Fprintf(w, "\n### Ratios to time_static (median wall time, a/b)\n\n")
	writeRatioTable(w, sections)
	fmt.Fprintf(w, "\n### Targets (issue 21)\n\n")
	writeTargets(w, sections)
}

func settingsLegend(o options) string {
	parts := make([]string, 0, len(o.settings))
	for _, s := range o.settings {
		if len(s.env) == 0 {
			parts = append(parts, s.name+" (no MOKA_MAX_REQUESTS_PER_SECOND)")
		} else {
			parts = append(parts, s.name+" ("+strings.Join(s.env, " ")+")")
		}
	}
	return strings.Join(parts, ", ")
}

// phaseTitle is how the tables name a phase.
func phaseTitle(ph string) string {
	if l, ok := strings.CutPrefix(ph, planAt); ok {
		return "plan, Moka at " + l
	}
	return ph
}

func writePhaseTable(w io.Writer, s section) {
	fmt.Fprintln(w, "| N | storage | settings | phase | runs | moka (a) | time_static (b) | terraform_data (c) | schema floor (d) | a/b | a/c | d/b | CPU a: Terraform / provider / sandbox | CPU b: Terraform / provider | CPU d: Terraform / provider | peak RSS a / b / d | API calls per resource (total) | connections |")
	fmt.Fprintln(w, "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
	for _, n := range s.sizes {
		res := s.measurements[n]
		for _, ph := range s.phases[n] {
			b, c, d := res[kindTime][ph], res[kindData][ph], res[kindFloor][ph]
			for _, k := range s.kinds[n] {
				a := res[k.name][ph]
				if !k.moka || len(a) == 0 {
					continue
				}
				ma, mb, mc, md := median(a), median(b), median(c), median(d)
				fmt.Fprintf(w, "| %d | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s | %s / %s | %s / %s / %s | %s | %s |\n",
					n, k.storage, settingTitle(k), phaseTitle(ph), len(a), secs(ma), secs(mb), secs(mc), secs(md),
					ratio(ma, mb), ratio(ma, mc), ratio(md, mb),
					secs(medianOf(a, tfCPU)), secs(medianOf(a, providerCPU)), secs(medianOf(a, sandboxCPU)),
					secs(medianOf(b, tfCPU)), secs(medianOf(b, providerCPU)),
					secs(medianOf(d, tfCPU)), secs(medianOf(d, providerCPU)),
					maxRSS(a), maxRSS(b), maxRSS(d), perResource(a, n), connections(a))
			}
		}
	}
}

func settingTitle(k kind) string {
	if k.cards > 0 {
		return fmt.Sprintf("%s, +%d cards", k.setting.name, k.cards)
	}
	return k.setting.name
}

// refreshOps are the read calls a refresh makes, in the order shown.
var refreshOps = []string{"GetCustomer", "GetCustomerList", "GetCard", "GetCardList"}

// writeRefreshTable gives the calls of each no-change plan: a refresh of
// every customer and card (plus each provider process's credentials check).
func writeRefreshTable(w io.Writer, s section) {
	var rows []string
	for _, n := range s.sizes {
		for _, ph := range s.phases[n] {
			if ph != phasePlan && !strings.HasPrefix(ph, planAt) {
				continue
			}
			for _, k := range s.kinds[n] {
				a := s.measurements[n][k.name][ph]
				if !k.moka || len(a) == 0 {
					continue
				}
				calls := mostCalls(a)
				cells := make([]string, 0, len(refreshOps))
				for _, op := range refreshOps {
					cells = append(cells, strconv.Itoa(calls[op]))
				}
				rows = append(rows, fmt.Sprintf("| %d | %d | %s | %s | %s | %s | %d |",
					n, k.cards, k.storage, settingTitle(k), phaseTitle(ph), strings.Join(cells, " | "), total(calls)))
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "\nCalls of one no-change plan (a refresh of every resource):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| N | cards | storage | settings | phase | GetCustomer | GetCustomerList | GetCard | GetCardList | all calls |")
	fmt.Fprintln(w, "|---:|---:|---|---|---|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintln(w, r)
	}
}

// ratioRow is one row of the ratio table: a moka variant (or the schema
// floor) at one N and latency, a/b for each phase, and its peak RSS.
type ratioRow struct {
	latency time.Duration
	n       int
	kind    kind
	ratios  map[string]float64 // phase -> a/b; absent when not measured
	peakKB  int64
}

func ratioRows(sections []section) (rows []ratioRow, phases []string) {
	seen := map[string]bool{}
	for _, s := range sections {
		for _, n := range s.sizes {
			res := s.measurements[n]
			for _, k := range s.kinds[n] {
				if !k.moka && k.name != kindFloor {
					continue
				}
				r := ratioRow{latency: s.latency, n: n, kind: k, ratios: map[string]float64{}}
				for _, ph := range s.phases[n] {
					a, b := res[k.name][ph], res[kindTime][ph]
					if len(a) == 0 || len(b) == 0 {
						continue
					}
					r.ratios[ph] = median(a).Seconds() / median(b).Seconds()
					for _, m := range a {
						r.peakKB = max(r.peakKB, m.rssKB)
					}
					if !seen[ph] {
						seen[ph] = true
						phases = append(phases, ph)
					}
				}
				rows = append(rows, r)
			}
		}
	}
	order := func(ph string) int {
		switch {
		case ph == phaseApply:
			return 0
		case ph == phasePlan:
			return 1
		case strings.HasPrefix(ph, planAt):
			return 2
		case ph == phaseUpdate:
			return 3
		}
		return 4
	}
	sort.SliceStable(phases, func(i, j int) bool { return order(phases[i]) < order(phases[j]) })
	return rows, phases
}

func writeRatioTable(w io.Writer, sections []section) {
	rows, phases := ratioRows(sections)
	head := "| added latency | N | storage | settings |"
	rule := "|---|---:|---|---|"
	for _, ph := range phases {
		head += " " + phaseTitle(ph) + " |"
		rule += "---:|"
	}
	fmt.Fprintln(w, head+" provider peak RSS |")
	fmt.Fprintln(w, rule+"---:|")
	for _, r := range rows {
		line := fmt.Sprintf("| %s | %d | %s | %s |", latencyName(r.latency), r.n, rowStorage(r.kind), rowSettings(r.kind))
		for _, ph := range phases {
			if v, ok := r.ratios[ph]; ok {
				line += fmt.Sprintf(" %.2fx |", v)
			} else {
				line += " – |"
			}
		}
		fmt.Fprintln(w, line+" "+mib(r.peakKB)+" |")
	}
}

// target is one of issue 21's targets, checked on the rows of the default
// settings without cards, with no added latency in the sandbox (a plan at
// a -plan-latency restarts it at that one).
type target struct {
	text  string
	phase string // "" for peak memory
	minN  int
	limit float64 // a/b at most; for memory, MiB below
}

var targets = []target{
	{"apply within 1.1x of time_static", phaseApply, 300, 1.1},
	{"no-change plan within 0.5x of time_static, N >= 3000", phasePlan, 3000, 0.5},
	{"no-change plan, Moka at 100ms, within 0.5x of time_static, N >= 3000", planAt + "100ms", 3000, 0.5},
	{"no-change plan within 1.15x of time_static, N >= 1000 (the earlier target)", phasePlan, 1000, 1.15},
	{"provider peak memory under 64 MiB", "", 1, 64},
}

// writeTargets judges each target on the moka rows, next to what the schema
// floor, the least any provider of this schema takes, gets for it.
func writeTargets(w io.Writer, sections []section) {
	rows, _ := ratioRows(sections)
	floors := map[[2]int]ratioRow{}
	for _, r := range rows {
		if r.kind.name == kindFloor {
			floors[[2]int{int(r.latency), r.n}] = r
		}
	}
	fmt.Fprintln(w, "| target | N | storage | figure | met | schema floor |")
	fmt.Fprintln(w, "|---|---:|---|---:|---|---:|")
	for _, t := range targets {
		for _, r := range rows {
			if !r.kind.moka || r.latency != 0 || r.kind.cards > 0 || len(r.kind.setting.env) > 0 || r.n < t.minN {
				continue
			}
			floor, haveFloor := floors[[2]int{int(r.latency), r.n}]
			if t.phase == "" {
				if r.peakKB == 0 {
					continue
				}
				got := float64(r.peakKB) / 1024
				fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s |\n", t.text, r.n, r.kind.storage, mib(r.peakKB), yesNo(got < t.limit), mib(floor.peakKB))
				continue
			}
			v, ok := r.ratios[t.phase]
			if !ok {
				continue
			}
			floorFigure := "–"
			if f, ok := floor.ratios[t.phase]; ok && haveFloor {
				floorFigure = fmt.Sprintf("%.2fx", f)
			}
			fmt.Fprintf(w, "| %s | %d | %s | %.2fx | %s | %s |\n", t.text, r.n, r.kind.storage, v, yesNo(v <= t.limit), floorFigure)
		}
	}
}

// rowStorage and rowSettings name a ratio row's variant; the schema floor
// has no sandbox and no settings, and no Moka for a latency to reach.
func rowStorage(k kind) string {
	if k.name == kindFloor {
		return "–"
	}
	return k.storage
}

func rowSettings(k kind) string {
	if k.name == kindFloor {
		return "schema floor (no Moka)"
	}
	return settingTitle(k)
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func tfCPU(m measurement) time.Duration       { return m.tfCPU }
func providerCPU(m measurement) time.Duration { return m.cpu }
func sandboxCPU(m measurement) time.Duration  { return m.sbCPU }

func median(ms []measurement) time.Duration {
	return medianOf(ms, func(m measurement) time.Duration { return m.took })
}

func medianOf(ms []measurement, of func(measurement) time.Duration) time.Duration {
	if len(ms) == 0 {
		return 0
	}
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

func ratio(a, b time.Duration) string {
	if b <= 0 || a <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a.Seconds()/b.Seconds())
}

// mostCalls is the calls of the run with the most (they do not vary between
// runs unless something is wrong).
func mostCalls(ms []measurement) map[string]int {
	var worst map[string]int
	for _, m := range ms {
		if worst == nil || total(m.calls) > total(worst) {
			worst = m.calls
		}
	}
	return worst
}

// perResource is the calls per resource of each operation.
func perResource(ms []measurement, n int) string {
	calls := mostCalls(ms)
	ops := make([]string, 0, len(calls))
	for op := range calls {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		parts = append(parts, fmt.Sprintf("%s %s (%d)", op, strconv.FormatFloat(float64(calls[op])/float64(n), 'g', 3, 64), calls[op]))
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
	if len(ms) == 0 {
		return "–"
	}
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
	return mib(peak)
}

func mib(kb int64) string {
	if kb == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}

func secs(d time.Duration) string {
	if d == 0 {
		return "0 s"
	}
	return fmt.Sprintf("%.2f s", math.Round(d.Seconds()*100)/100)
}
