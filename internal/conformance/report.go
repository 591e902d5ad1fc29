package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Verdicts.
const (
	VerdictSame       = "same"
	VerdictDiffers    = "differs"
	VerdictNotSettled = "not settled"
	// VerdictNotObserved: the run had no occasion to see the behaviour (an
	// EX answer cannot be provoked); it neither passes nor fails the run.
	VerdictNotObserved = "not observed"
)

// Report is what a run found; --json prints it as it is.
type Report struct {
	Endpoint    string `json:"endpoint"`
	Prefix      string `json:"customer_code_prefix"`
	Problem     string `json:"problem,omitempty"` // why the script could not start
	Interrupted bool   `json:"interrupted"`
	Behaviours  []Row  `json:"behaviours"`
	Created     int    `json:"customers_created"`
	// EarlierRuns are customers of earlier runs (killed before their
	// removal) that this run found, and what it did with each.
	EarlierRuns []Leftover `json:"earlier_runs"`
	LeftBehind  []Leftover `json:"left_behind"`
	Seconds     float64    `json:"seconds"`
	ExitCode    int        `json:"exit_code"`
}

// Row is one behaviour's line of the report.
type Row struct {
	ID             string `json:"id"`
	Behaviour      string `json:"behaviour"`
	Documentation  string `json:"documentation"`
	DefaultSandbox string `json:"default_sandbox"`
	ThisMoka       string `json:"this_moka"`
	Verdict        string `json:"verdict"`
	// SandboxSwitch plays what this Moka did, when it differs and a switch
	// plays exactly that; "" otherwise.
	SandboxSwitch string `json:"sandbox_switch,omitempty"`
	Error         string `json:"error,omitempty"`
}

func (r *Report) add(b behaviour, observed string, err error) {
	row := Row{ID: b.ID, Behaviour: b.Name, Documentation: b.Documentation, DefaultSandbox: b.Sandbox, ThisMoka: observed}
	switch {
	case errors.Is(err, errNotObserved):
		row.Verdict, row.ThisMoka = VerdictNotObserved, "not observed"
	case err != nil:
		row.Verdict, row.Error, row.ThisMoka = VerdictNotSettled, err.Error(), "?"
	case observed == b.Sandbox:
		row.Verdict = VerdictSame
	default:
		row.Verdict = VerdictDiffers
		if observed == b.Switched {
			row.SandboxSwitch = "--" + b.ID
		}
	}
	r.Behaviours = append(r.Behaviours, row)
}

// finish sets the exit code: could not run (or not to the end, or left
// something behind) beats differs, which beats same.
func (r *Report) finish() {
	if r.LeftBehind == nil {
		r.LeftBehind = []Leftover{}
	}
	if r.EarlierRuns == nil {
		r.EarlierRuns = []Leftover{}
	}
	r.ExitCode = ExitSame
	for _, row := range r.Behaviours {
		switch row.Verdict {
		case VerdictDiffers:
			r.ExitCode = max(r.ExitCode, ExitDiffers)
		case VerdictNotSettled:
			r.ExitCode = ExitCouldNot
		}
	}
	if r.Problem != "" || r.Interrupted || len(r.LeftBehind) > 0 {
		r.ExitCode = ExitCouldNot
	}
}

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *Report) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Moka conformance: %s (customer codes %s*)\n\n", r.Endpoint, r.Prefix)
	if r.Problem != "" {
		fmt.Fprintf(&b, "Could not run: %s\n", r.Problem)
	}
	if len(r.Behaviours) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "BEHAVIOUR\tDOCUMENTATION\tDEFAULT SANDBOX\tTHIS MOKA\tVERDICT")
		for _, row := range r.Behaviours {
			verdict := row.Verdict
			if row.SandboxSwitch != "" {
				verdict += " (sandbox " + row.SandboxSwitch + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.Behaviour, row.Documentation, row.DefaultSandbox, row.ThisMoka, verdict)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.EarlierRuns) > 0 {
		fmt.Fprintf(&b, "\nCustomers of earlier runs (killed before they removed them):\n")
		for _, l := range r.EarlierRuns {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	var differs, unsettled, unobserved []Row
	for _, row := range r.Behaviours {
		switch row.Verdict {
		case VerdictDiffers:
			differs = append(differs, row)
		case VerdictNotSettled:
			unsettled = append(unsettled, row)
		case VerdictNotObserved:
			unobserved = append(unobserved, row)
		}
	}
	if len(differs) > 0 {
		fmt.Fprintf(&b, "\nDifferences from the default sandbox:\n")
		for _, row := range differs {
			fmt.Fprintf(&b, "- %s: this Moka: %s; default sandbox: %s.\n", row.Behaviour, row.ThisMoka, row.DefaultSandbox)
			if row.SandboxSwitch != "" {
				fmt.Fprintf(&b, "  Reproduce with: terraform-provider-moka sandbox %s\n", row.SandboxSwitch)
			} else {
				fmt.Fprintf(&b, "  No sandbox switch plays exactly this (the nearest is --%s); please report it.\n", row.ID)
			}
		}
	}
	if len(unsettled) > 0 {
		fmt.Fprintf(&b, "\nNot settled:\n")
		for _, row := range unsettled {
			fmt.Fprintf(&b, "- %s: %s\n", row.Behaviour, row.Error)
		}
	}
	if len(unobserved) > 0 {
		fmt.Fprintf(&b, "\nNot observed (neither same nor different; the run had no occasion to see it):\n")
		for _, row := range unobserved {
			fmt.Fprintf(&b, "- %s: %s\n", row.Behaviour, row.Documentation)
		}
	}
	if r.Interrupted {
		fmt.Fprintf(&b, "\nInterrupted before the script's end.\n")
	}
	if len(r.LeftBehind) > 0 {
		fmt.Fprintf(&b, "\nCould not remove (remove these by hand):\n")
		for _, l := range r.LeftBehind {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	} else {
		fmt.Fprintf(&b, "\nRemoved everything this run created (%d customers and their cards).\n", r.Created)
	}
	same := 0
	for _, row := range r.Behaviours {
		if row.Verdict == VerdictSame {
			same++
		}
	}
	fmt.Fprintf(&b, "%d behaviours: %d same, %d differ, %d not settled, %d not observed; %.1fs; exit %d\n",
		len(r.Behaviours), same, len(differs), len(unsettled), len(unobserved), r.Seconds, r.ExitCode)
	_, err := io.WriteString(w, b.String())
	return err
}
