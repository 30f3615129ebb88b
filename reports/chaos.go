package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// ChaosResult is a chaos run: each scenario without faults, then under
// each fault set.
type ChaosResult struct {
	Mode      string          `json:"mode"` // random | catalogue
	Seeds     int             `json:"seeds,omitempty"`
	Baselines []ChaosBaseline `json:"baselines"`
	Trials    []ChaosTrial    `json:"trials"`
	Skipped   []string        `json:"skipped,omitempty"`
}

// ChaosBaseline is a scenario's outcome without faults.
type ChaosBaseline struct {
	Scenario  string   `json:"scenario"`
	Outcome   string   `json:"outcome"`
	DecidedAt *float64 `json:"decidedAt"`
}

// ChaosTrial is one replay under faults.
type ChaosTrial struct {
	Scenario  string   `json:"scenario"`
	Seed      int64    `json:"seed"`
	Faults    []string `json:"faults"`
	Baseline  string   `json:"baseline"`
	Outcome   string   `json:"outcome"`
	DecidedAt *float64 `json:"decidedAt"`
	Changed   bool     `json:"changed"`
	Why       string   `json:"why,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// Errored counts the trials the harness could not complete.
func (r *ChaosResult) Errored() int {
	n := 0
	for _, t := range r.Trials {
		if t.Error != "" {
			n++
		}
	}
	return n
}

func (r *ChaosResult) changed() []ChaosTrial {
	var out []ChaosTrial
	for _, t := range r.Trials {
		if t.Changed {
			out = append(out, t)
		}
	}
	return out
}

// WriteChaosTable prints the verdict and one line per trial that changed
// an outcome.
func WriteChaosTable(w io.Writer, r *ChaosResult) error {
	changed := r.changed()
	fmt.Fprintf(w, "%d of %d faulty replays changed the outcome (%d could not complete)\n", len(changed), len(r.Trials), r.Errored())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tSEED\tBASELINE\tOUTCOME\tFAULTS")
	for _, t := range changed {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", t.Scenario, t.Seed, t.Baseline, orDash(t.Outcome), strings.Join(t.Faults, "; "))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteChaosMarkdown writes the chaos report: the verdict, then per
// scenario the faults that changed its outcome and why, then the rest.
func WriteChaosMarkdown(w io.Writer, r *ChaosResult) error {
	changed := r.changed()
	fmt.Fprintf(w, "# Chaos report\n\n%d of %d faulty replays (%s faults) changed the rollout's outcome; %d could not complete.\n\n",
		len(changed), len(r.Trials), r.Mode, r.Errored())
	fmt.Fprintln(w, "| scenario | without faults | replays | outcome changed |")
	fmt.Fprintln(w, "|---|---|---:|---:|")
	for _, b := range r.Baselines {
		n, c := r.count(b.Scenario)
		fmt.Fprintf(w, "| %s | %s | %d | %d |\n", b.Scenario, orDash(b.Outcome), n, c)
	}
	fmt.Fprintln(w, "\n## Faults that changed the outcome")
	if len(changed) == 0 {
		fmt.Fprintln(w, "\nNone: the policy reached the same decision under every fault tried.")
	}
	for _, t := range changed {
		fmt.Fprintf(w, "\n### %s, seed %d: %s → %s\n\n", t.Scenario, t.Seed, t.Baseline, orDash(t.Outcome))
		for _, f := range t.Faults {
			fmt.Fprintf(w, "- fault: %s\n", escape(f))
		}
		fmt.Fprintf(w, "- why: %s\n", escape(t.Why))
		for _, n := range t.Notes {
			fmt.Fprintf(w, "- %s\n", escape(n))
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "\nSkipped: %s\n", escape(s))
	}
	return nil
}

func (r *ChaosResult) count(scenario string) (n, changed int) {
	for _, t := range r.Trials {
		if t.Scenario == scenario {
			n++
			if t.Changed {
				changed++
			}
		}
	}
	return n, changed
}

func escape(s string) string { return strings.NewReplacer("|", `\|`, "\n", "; ").Replace(s) }

// WriteChaosAll writes DIR/chaos.md and DIR/chaos.json.
func WriteChaosAll(dir string, r *ChaosResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	var md strings.Builder
	if err := WriteChaosMarkdown(&md, r); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "chaos.md"), []byte(md.String())); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "chaos.json"), append(js, '\n'))
}
