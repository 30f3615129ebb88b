// This file checks hook behaviours (answers, gates) before a server starts,
// so a bad scenario fails with a sentence, not mid-run.

package hooks

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// prepare checks the behaviours and returns copies with answers sorted by
// From, so the scenario's slices are never shared with the server.
func prepare(in map[string]Behaviour) (map[string]Behaviour, error) {
	out := make(map[string]Behaviour, len(in))
	var errs []error
	for name, b := range in {
		if err := checkBehaviour(name, b); err != nil {
			errs = append(errs, err)
			continue
		}
		out[name] = sorted(b)
	}
	return out, errors.Join(errs...) // map order varies, but each error names its hook
}

func sorted(b Behaviour) Behaviour {
	b.Answers = slices.Clone(b.Answers)
	slices.SortFunc(b.Answers, func(x, y Answer) int { return cmp.Compare(x.From, y.From) })
	return b
}

func checkBehaviour(name string, b Behaviour) error {
	if name == "" {
		return errors.New("webhook behaviour: the hook name is empty; use the Canary webhook's name")
	}
	seen := map[time.Duration]bool{}
	for i, a := range b.Answers {
		if err := checkAnswer(a); err != nil {
			return fmt.Errorf("hook %q, answer %d: %w", name, i+1, err)
		}
		if seen[a.From] {
			return fmt.Errorf("hook %q, answer %d: another answer already starts at %s; give each a different from", name, i+1, a.From)
		}
		seen[a.From] = true
	}
	if err := checkGate(b.Gate); err != nil {
		return fmt.Errorf("hook %q, gate: %w", name, err)
	}
	return nil
}

func checkAnswer(a Answer) error {
	switch {
	case a.From < 0:
		return fmt.Errorf("from %s is negative; virtual time starts at 0", a.From)
	case a.Latency < 0:
		return fmt.Errorf("latency %s is negative", a.Latency)
	case a.Status != 0 && (a.Status < 100 || a.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status (100 to 599)", a.Status)
	case a.Timeout && a.Refused:
		return errors.New("an answer cannot both time out and refuse the connection; pick one")
	case (a.Timeout || a.Refused) && a.Status != 0:
		return fmt.Errorf("status %d is never sent by an answer that times out or refuses the connection", a.Status)
	case a.Timeout && a.Latency != 0:
		return errors.New("latency means nothing for an answer that never comes; drop it or drop timeout")
	}
	return nil
}

func checkGate(g *Gate) error {
	switch {
	case g == nil:
		return nil
	case g.OpenAt != nil && *g.OpenAt < 0, g.CloseAt != nil && *g.CloseAt < 0:
		return errors.New("openAt and closeAt must not be negative")
	case g.OpenAt != nil && g.CloseAt != nil && *g.OpenAt == *g.CloseAt:
		return fmt.Errorf("openAt and closeAt are both %s; the gate cannot open and close at once", *g.OpenAt)
	}
	return nil
}
