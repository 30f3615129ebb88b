// This file writes the chaos report: which injected faults changed a
// rollout's outcome, what each did and what the engine did about it.

package chaosreport

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/rehearse-dev/rehearse/reports/internal/output"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// Result is a chaos run: each scenario without faults, then under
// each fault set.
type Result struct {
	Mode      string     `json:"mode"` // random | catalogue
	Seeds     int        `json:"seeds,omitempty"`
	Baselines []Baseline `json:"baselines"`
	Trials    []Trial    `json:"trials"`
	Skipped   []string   `json:"skipped,omitempty"`
}

// Baseline is a scenario's outcome without faults.
type Baseline struct {
	Scenario  string   `json:"scenario"`
	Outcome   string   `json:"outcome"`
	DecidedAt *float64 `json:"decidedAt"`
}

// Trial is one replay under faults.
type Trial struct {
	Scenario string   `json:"scenario"`
	Seed     int64    `json:"seed"`
	Faults   []string `json:"faults"`
	// Effects say, fault by fault (in Faults' order), what it did and what
	// the engine did about it.
	Effects   []Effect `json:"effects,omitempty"`
	Baseline  string   `json:"baseline"`
	Outcome   string   `json:"outcome"`
	DecidedAt *float64 `json:"decidedAt"`
	Changed   bool     `json:"changed"`
	Why       string   `json:"why,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// Effect is one fault of a trial: what it did to the world (its kind's
// sentence, or that it never took effect) and what the engine did while it
// was in force, read from the trial's ticks.
type Effect struct {
	Kind   string `json:"kind"` // target and kind: "prometheus down"
	Did    string `json:"did"`
	Engine string `json:"engine,omitempty"`
}

// Errored counts the trials the harness could not complete.
func (r *Result) Errored() int {
	n := 0
	for _, t := range r.Trials {
		if t.Error != "" {
			n++
		}
	}
	return n
}

func (r *Result) changed() []Trial {
	var out []Trial
	for _, t := range r.Trials {
		if t.Changed {
			out = append(out, t)
		}
	}
	return out
}

// WriteTable prints the verdict and one line per trial that changed
// an outcome, or says that none did: never a table with no rows.
func WriteTable(w io.Writer, r *Result) error {
	changed := r.changed()
	fmt.Fprintf(w, "%d of %d faulty replays changed the outcome (%d could not complete)\n", len(changed), len(r.Trials), r.Errored())
	if len(changed) == 0 {
		_, err := fmt.Fprintln(w, noChangeSentence)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tSEED\tBASELINE\tOUTCOME\tFAULTS")
	for _, t := range changed {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", t.Scenario, t.Seed, t.Baseline, orDash(t.Outcome), strings.Join(t.Faults, "; "))
	}
	return tw.Flush()
}

// noChangeSentence stands where a table of changed outcomes would be empty.
const noChangeSentence = "No trial changed the outcome: the policy reached the same decision under every fault tried."

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteMarkdown writes the chaos report: the verdict, the scenarios,
// each trial that changed an outcome with, fault by fault, what it did and
// what the engine did about it, then every kind of fault tried. A table
// with no rows is never written: a sentence says why there is none.
func WriteMarkdown(w io.Writer, r *Result) error {
	changed := r.changed()
	fmt.Fprintf(w, "# Chaos report\n\n%d of %d faulty replays (%s faults) changed the rollout's outcome; %d could not complete.\n",
		len(changed), len(r.Trials), r.Mode, r.Errored())
	writeChaosBaselines(w, r)
	fmt.Fprintln(w, "\n## Faults that changed the outcome")
	if len(changed) == 0 {
		fmt.Fprintln(w, "\n"+noChangeSentence)
	}
	for _, t := range changed {
		writeChangedTrial(w, t)
	}
	writeChaosKinds(w, r)
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "\nSkipped: %s\n", escape(s))
	}
	return nil
}

func writeChaosBaselines(w io.Writer, r *Result) {
	if len(r.Baselines) == 0 {
		fmt.Fprintln(w, "\nNo scenario could be replayed under faults (see Skipped below).")
		return
	}
	fmt.Fprintln(w, "\n| scenario | without faults | decided at | replays | outcome changed |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|")
	for _, b := range r.Baselines {
		n, c := r.count(b.Scenario)
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d |\n", escape(b.Scenario), orDash(b.Outcome), formatOptionalDuration(b.DecidedAt), n, c)
	}
}

// writeChangedTrial is one trial that changed the outcome: each fault with
// what it did and what the engine did, then the deciding tick's reason.
func writeChangedTrial(w io.Writer, t Trial) {
	fmt.Fprintf(w, "\n### %s, seed %d: %s → %s", escape(t.Scenario), t.Seed, t.Baseline, orDash(t.Outcome))
	if t.DecidedAt != nil {
		fmt.Fprintf(w, " at %s", text.Duration(*t.DecidedAt))
	}
	fmt.Fprint(w, "\n\n")
	for i, f := range t.Faults {
		fmt.Fprintf(w, "- **%s**", escape(f))
		if i < len(t.Effects) {
			fmt.Fprintf(w, ": %s.", escape(t.Effects[i].Did))
			if e := t.Effects[i].Engine; e != "" {
				fmt.Fprintf(w, " %s.", escape(text.Capitalized(e)))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "- decided by %s\n", escape(t.Why))
	for _, n := range t.Notes {
		if !strings.HasPrefix(n, "fault ") { // said fault by fault above
			fmt.Fprintf(w, "- %s\n", escape(n))
		}
	}
}

// writeChaosKinds tallies every kind of fault tried: in how many replays,
// how often it took effect, how often the outcome changed with it.
func writeChaosKinds(w io.Writer, r *Result) {
	type tally struct{ replays, took, changed int }
	var kinds []string
	byKind := map[string]*tally{}
	for _, t := range r.Trials {
		for _, e := range t.Effects {
			k := byKind[e.Kind]
			if k == nil {
				k = &tally{}
				byKind[e.Kind] = k
				kinds = append(kinds, e.Kind)
			}
			k.replays++
			if e.Engine != "" {
				k.took++
			}
			if t.Changed {
				k.changed++
			}
		}
	}
	if len(kinds) == 0 {
		return
	}
	sort.Strings(kinds)
	fmt.Fprintln(w, "\n## Every kind of fault tried")
	fmt.Fprintln(w, "\n| fault | replays | took effect | outcome changed |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, k := range kinds {
		t := byKind[k]
		fmt.Fprintf(w, "| %s | %d | %d | %d |\n", k, t.replays, t.took, t.changed)
	}
}

// formatOptionalDuration is a decision time, or a dash when undecided.
func formatOptionalDuration(s *float64) string {
	if s == nil {
		return "—"
	}
	return text.Duration(*s)
}

func (r *Result) count(scenario string) (n, changed int) {
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

// WriteAll writes DIR/chaos.md and DIR/chaos.json.
func WriteAll(dir string, r *Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	var md strings.Builder
	if err := WriteMarkdown(&md, r); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := output.WriteFile(filepath.Join(dir, "chaos.md"), []byte(md.String())); err != nil {
		return err
	}
	return output.WriteFile(filepath.Join(dir, "chaos.json"), append(js, '\n'))
}
