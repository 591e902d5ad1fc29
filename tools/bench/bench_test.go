package main

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	o, err := parseOptions(strings.Fields("-n 300,1000,3000 -runs 3,1 -storage data -settings defaults,nocap,cap=5 -plan-latency 100ms -phases plan,apply -cards-n 300"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.runs, []int{3, 1, 1}) {
		t.Errorf("runs %v, want the last repeated", o.runs)
	}
	if !slices.Equal(o.phases, []string{phaseApply, phasePlan}) {
		t.Errorf("phases %v, want apply and plan in order", o.phases)
	}
	if got := o.phasesFor(300); !slices.Equal(got, []string{"apply", "plan", "plan@100ms"}) {
		t.Errorf("phasesFor(300) = %v", got)
	}
	var names []string
	for _, s := range o.settings {
		names = append(names, s.name+" "+strings.Join(s.env, " "))
	}
	want := []string{"defaults ", "cap off MOKA_MAX_REQUESTS_PER_SECOND=0", "cap 5/s MOKA_MAX_REQUESTS_PER_SECOND=5"}
	if !slices.Equal(names, want) {
		t.Errorf("settings %q, want %q", names, want)
	}
	ks := o.kindsFor(300)
	if len(ks) != 7 || ks[3].cards != 200 || ks[3].storage != storageData || ks[4].name != kindTime || ks[5].name != kindData || ks[6].name != kindFloor {
		t.Errorf("kindsFor(300) = %+v", ks)
	}
	if hcl := ks[6].hcl; !strings.Contains(hcl, `source = "terraform-moka/mokafloor"`) || !strings.Contains(hcl, `resource "mokafloor_dealer_customer" "c"`) ||
		strings.ReplaceAll(hcl, "mokafloor", "moka") != mokaConfig(300, 0, 0) {
		t.Errorf("the schema floor's configuration is not moka's with its type renamed:\n%s", hcl)
	}
	if got := len(o.kindsFor(1000)); got != 6 {
		t.Errorf("kindsFor(1000) has %d kinds, want no card variant", got)
	}

	o, err = parseOptions([]string{"-full-upto", "300", "-n", "300,1000"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.phasesFor(1000); !slices.Equal(got, []string{"apply", "plan"}) {
		t.Errorf("phasesFor above -full-upto = %v", got)
	}
	if got := o.phasesFor(300); !slices.Equal(got, allPhases) {
		t.Errorf("phasesFor at -full-upto = %v", got)
	}

	for _, bad := range []string{"-n 0", "-n x", "-runs 0", "-latency -1s", "-phases apply,refresh", "-storage disk",
		"-settings fast", "-settings cap=0", "-cards-n 500 -n 300", "-phases apply -plan-latency 100ms", "extra"} {
		if _, err := parseOptions(strings.Fields(bad), io.Discard); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseStatCPU(t *testing.T) {
	// The command name may hold spaces and parentheses.
	stat := "4242 (odd) name) S 1 4242 4242 0 -1 4194560 500 0 0 0 123 45 0 0 20 0 8 0 100 0 0"
	got, err := parseStatCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 168 * clockTick; got != want {
		t.Errorf("cpu %v, want %v", got, want)
	}
	if _, err := parseStatCPU("4242 (x) S 1"); err == nil {
		t.Error("a short line: no error")
	}
}

func TestParseUsage(t *testing.T) {
	peak, cpu := parseUsage("terraform-provider-moka 30000 120\nterraform-provider-moka 41000 80\ngarbage\n")
	if peak != 41000 || cpu != 200*time.Millisecond {
		t.Errorf("peak %d cpu %v", peak, cpu)
	}
}

func TestMedian(t *testing.T) {
	ms := func(ds ...time.Duration) []measurement {
		var out []measurement
		for _, d := range ds {
			out = append(out, measurement{took: d})
		}
		return out
	}
	if got := median(ms(3, 1, 2)); got != 2 {
		t.Errorf("odd median %v", got)
	}
	if got := median(ms(4, 1, 2, 3)); got != 2 {
		t.Errorf("even median %v", got) // (2+3)/2 in integer nanoseconds
	}
	if got := median(nil); got != 0 {
		t.Errorf("empty median %v", got)
	}
}

// TestReport builds a report from made-up measurements: the ratios, the
// refresh calls and the targets' verdicts.
func TestReport(t *testing.T) {
	o, err := parseOptions(strings.Fields("-n 3000 -storage data -settings defaults,nocap -plan-latency 100ms -phases apply,plan"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	n := 3000
	m := func(secs float64, rssMiB int64, calls map[string]int) []measurement {
		return []measurement{{took: time.Duration(secs * float64(time.Second)), rssKB: rssMiB * 1024, calls: calls}}
	}
	refresh := map[string]int{"GetCustomer": 20, "GetCustomerList": 1, "GetCard": 1}
	s := section{
		sizes: []int{n}, kinds: map[int][]kind{n: o.kindsFor(n)}, phases: map[int][]string{n: o.phasesFor(n)},
		measurements: map[int]map[string]map[string][]measurement{n: {
			"moka-data-0": {"apply": m(105, 40, nil), "plan": m(40, 50, refresh), "plan@100ms": m(60, 70, refresh)},
			"moka-data-1": {"apply": m(100, 40, nil), "plan": m(40, 50, refresh), "plan@100ms": m(45, 50, refresh)},
			kindTime:      {"apply": m(100, 300, nil), "plan": m(100, 200, nil), "plan@100ms": m(100, 200, nil)},
			kindData:      {"apply": m(50, 0, nil), "plan": m(10, 0, nil), "plan@100ms": m(10, 0, nil)},
			kindFloor:     {"apply": m(120, 30, nil), "plan": m(35, 30, nil), "plan@100ms": m(55, 30, nil)},
		}},
	}
	var out bytes.Buffer
	writeReport(&out, "a machine", o, []section{s})
	report := out.String()
	for _, want := range []string{
		"| 0 | 3000 | data | defaults | 1.05x | 0.40x | 0.60x | 70.0 MiB |",
		"| 0 | 3000 | data | cap off | 1.00x | 0.40x | 0.45x | 50.0 MiB |",
		"| 0 | 3000 | – | schema floor (no Moka) | 1.20x | 0.35x | 0.55x | 30.0 MiB |",
		"| apply within 1.1x of time_static | 3000 | data | 1.05x | yes | 1.20x |",
		"| no-change plan, Moka at 100ms, within 0.5x of time_static, N >= 3000 | 3000 | data | 0.60x | **no** | 0.55x |",
		"| provider peak memory under 64 MiB | 3000 | data | 70.0 MiB | **no** | 30.0 MiB |",
		"| 3000 | data | defaults | apply | 1 | 105.00 s | 100.00 s | 50.00 s | 120.00 s | 1.05 | 2.10 | 1.20 |",
		"| 3000 | 0 | data | defaults | plan | 20 | 1 | 1 | 0 | 22 |",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	// Targets are for the default settings: the cap-off row is not judged.
	if strings.Contains(report, "| 3000 | data | 0.45x |") || strings.Contains(report, "| 3000 | – | 0.") {
		t.Errorf("a target judged the cap-off row:\n%s", report)
	}
}
