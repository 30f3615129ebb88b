// This file decides whether a scenario's gate is open at a virtual time,
// from its start state, its opening time and loadtester toggles.

package hooks

import (
	"cmp"
	"slices"
	"time"
)

// toggle is one change of a gate's state at a virtual time.
type toggle struct {
	at   time.Duration
	open bool
}

// gateOpen is a gate's state at now: its initial state, then every change
// up to now in time order. Scheduled changes come before loadtester calls
// made at the same instant, since a call reacts to the world it finds.
// Without a schedule the gate starts closed, as the loadtester's do.
func gateOpen(g *Gate, calls []toggle, now time.Duration) bool {
	open := g != nil && g.Open
	for _, t := range timeline(g, calls) {
		if t.at > now {
			break
		}
		open = t.open
	}
	return open
}

func timeline(g *Gate, calls []toggle) []toggle {
	var events []toggle
	if g != nil && g.OpenAt != nil {
		events = append(events, toggle{*g.OpenAt, true})
	}
	if g != nil && g.CloseAt != nil {
		events = append(events, toggle{*g.CloseAt, false})
	}
	events = append(events, calls...)
	slices.SortStableFunc(events, func(x, y toggle) int { return cmp.Compare(x.at, y.at) })
	return events
}
