// This file chains the steps that make a recording ready for one Canary:
// its queries, reading, the window, the mapping, trimming and the checks.

package recording

import (
	"context"
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Prepared is a recording ready to replay one Canary over: read, cut to
// its window, mapped onto the Canary's names and checked.
type Prepared struct {
	Recording *Recording
	Window    Window
	Queries   []Query
	Mapped    *Mapped
	// Warnings are what the report must say about the recording.
	Warnings []string
}

// Prepare reads the recording s names and maps it for the Canary cd,
// whose metrics run under meshProvider and find their templates with
// templates. Errors say what the recording lacks; they wrap
// ErrUnreachable when a live Prometheus could not be asked.
func Prepare(ctx context.Context, s Spec, m Mapping, cd *v1beta1.Canary, meshProvider string, templates Templates) (*Prepared, error) {
	qs, err := QueriesOf(cd, meshProvider, templates)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("canary %s/%s has no metric with a Prometheus query: a recording has nothing to answer", cd.Namespace, cd.Name)
	}
	r, err := Open(ctx, s, WantedBy(qs, m))
	if err != nil {
		return nil, err
	}
	w, err := r.Resolve(s.From, s.To)
	if err != nil {
		return nil, err
	}
	mapped, err := Map(r, m, qs, NamesOf(cd))
	if err != nil {
		return nil, err
	}
	mapped.Trim(w.From.Add(-lookback(qs)), w.To)
	warnings, err := Check(mapped, qs, w, r.Counters)
	if err != nil {
		return nil, fmt.Errorf("the recording %s (%s): %w", r.Source, w, err)
	}
	return &Prepared{Recording: r, Window: w, Queries: qs, Mapped: mapped, Warnings: append(warnings, r.Skipped...)}, nil
}

// lookback is how far before the window the queries may read.
func lookback(qs []Query) time.Duration {
	d := lookbackDelta
	for _, q := range qs {
		d = max(d, q.Lookback)
	}
	return d
}
