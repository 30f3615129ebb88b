// This file words, fault by fault, what a trial's fault did and what the
// engine did while it was in force, read from the trial's own ticks.

package chaos

import (
	"fmt"
	"math"
	"strings"
	"time"

	chaosreport "github.com/rehearse-dev/rehearse/reports/chaos"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/fault"
)

// effects is one chaosreport.Effect per fault of the trial's run r.
func effects(faults []scenarios.Fault, r *reports.Run, releaseAt time.Duration) []chaosreport.Effect {
	out := make([]chaosreport.Effect, 0, len(faults))
	for _, f := range faults {
		e := chaosreport.Effect{Kind: string(f.Target) + " " + f.Kind}
		if !tookEffect(f, r.Notes) {
			e.Did = "it never took effect: nothing it breaks was called while it was in force"
		} else {
			e.Did = fault.Meaning(f)
			e.Engine = engineDid(r, window(f, releaseAt, r.Interval))
		}
		out = append(out, e)
	}
	return out
}

// tookEffect reads the run's notes, where the simulator lists every fault
// that hit a call.
func tookEffect(f scenarios.Fault, notes []string) bool {
	prefix := "fault " + f.String() + ": "
	for _, n := range notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// span is a stretch of a run in seconds from the release, end excluded.
type span struct{ from, to float64 }

// window is when the fault could change a tick: from its start until one
// interval after its end, since a tick reads what happened before it.
func window(f scenarios.Fault, releaseAt time.Duration, interval float64) span {
	from := (f.At - releaseAt).Seconds()
	switch {
	case f.Target == scenarios.FaultEngine: // a restart is over at once
		return span{from, from + interval}
	case f.For == 0:
		return span{from, math.MaxFloat64}
	}
	return span{from, from + f.For.Seconds() + interval}
}

// engineDid says what the engine did on the ticks of w: the failed checks
// it counted, what it did with the canary weight, and the decision when it
// fell there. Pure: a function of the ticks alone.
func engineDid(r *reports.Run, w span) string {
	first, last := -1, -1
	for i, t := range r.Ticks {
		if t.T >= w.from && t.T < w.to {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return "no tick of the engine fell while it was in force"
	}
	ticks := r.Ticks[first : last+1]
	prev := 0
	if first > 0 {
		prev = r.Ticks[first-1].FailedChecks
	}
	failed := 0
	for _, t := range ticks {
		if t.FailedChecks > prev {
			failed += t.FailedChecks - prev
		}
		prev = t.FailedChecks
	}
	parts := []string{countFailed(failed), weightChange(ticks[0].CanaryWeight, ticks[len(ticks)-1].CanaryWeight)}
	if d := decision(r, ticks); d != "" {
		parts = append(parts, d)
	}
	return fmt.Sprintf("on %s the engine %s", tickSpan(ticks), joinAnd(parts))
}

func countFailed(n int) string {
	switch n {
	case 0:
		return "counted no failed check"
	case 1:
		return "counted 1 failed check"
	}
	return fmt.Sprintf("counted %d failed checks", n)
}

func weightChange(from, to int) string {
	switch {
	case from == to:
		return fmt.Sprintf("held the canary weight at %d", from)
	case to > from:
		return fmt.Sprintf("advanced the canary weight from %d to %d", from, to)
	}
	return fmt.Sprintf("took the canary weight from %d to %d", from, to)
}

// decision is the run's final decision when its tick is among ticks.
func decision(r *reports.Run, ticks []reports.Tick) string {
	if r.DecidedAt == nil {
		return ""
	}
	for _, t := range ticks {
		if t.T == *r.DecidedAt {
			verb := map[string]string{"Failed": "rolled back", "Succeeded": "promoted"}[t.Phase]
			if verb == "" {
				verb = "ended in " + t.Phase
			}
			return fmt.Sprintf("%s on tick %d", verb, t.Tick)
		}
	}
	return ""
}

func tickSpan(ticks []reports.Tick) string {
	a, b := ticks[0], ticks[len(ticks)-1]
	if a.Tick == b.Tick {
		return fmt.Sprintf("tick %d (%s)", a.Tick, seconds(a.T))
	}
	return fmt.Sprintf("ticks %d–%d (%s–%s)", a.Tick, b.Tick, seconds(a.T), seconds(b.T))
}

// seconds writes a virtual time as a person reads it: 1m30s, never ns.
func seconds(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(time.Second).String()
}

func joinAnd(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
