// This file holds the size limits a scenario must fit (counts, ticks, durations, samples) so a
// hostile or mistaken file is refused as bad input before it can exhaust memory or time.

package scenarios

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// Bounds on what one scenario may ask of the harness. A scenario is data
// from a file, and the harness expands it (series into samples, a duration
// into ticks) before it runs: each bound keeps that expansion finite and
// small, and turns a typo like 10000h into a message instead of an
// exhausted machine. scenarios/README.md lists them.
const (
	// MaxRunDuration bounds every time and duration in a scenario, and so
	// the virtual time of a run (spec.limits.maxDuration).
	MaxRunDuration = 7 * 24 * time.Hour
	// MaxTicks bounds tick numbers in spec.script and spec.expect.ticks. A
	// run itself never has more: MaxRunDuration over the analysis interval,
	// which is floored at v1beta1.MinAnalysisInterval as Flagger does.
	MaxTicks = 100_000
	// MaxSeries bounds spec.series, and MaxSamples the values all of them
	// expand to ("0+1x99" is 100 samples).
	MaxSeries  = 10_000
	MaxSamples = 1_000_000
	// MinSeriesInterval is the shortest spacing of a raw series' values:
	// Prometheus stores milliseconds, and no scrape comes faster than this.
	MinSeriesInterval = time.Second
	// MinScrapeInterval and MaxScrapeInterval bound spec.prometheus.
	// scrapeInterval: each scrape writes every series once, so a shorter
	// one multiplies the samples of a run, and a longer one than an hour
	// leaves any metric interval without data.
	MinScrapeInterval = time.Second
	MaxScrapeInterval = time.Hour
	// MaxVersions, MaxChanges (over all versions), MaxWebhooks,
	// MaxAnswers (over all webhooks), MaxEvents, MaxScriptTicks and
	// MaxExpectTicks bound the lists of the same names.
	MaxVersions    = 1_000
	MaxChanges     = 10_000
	MaxWebhooks    = 100
	MaxAnswers     = 10_000
	MaxEvents      = 10_000
	MaxScriptTicks = 10_000
	MaxExpectTicks = 10_000
	// MaxManifests bounds spec.manifests; each entry is read in full.
	MaxManifests = 100
	// MaxFileSize bounds a scenario file, as it does every manifest.
	MaxFileSize = manifest.MaxFileSize
)

// withinLimits checks the sizes of the raw spec before anything is
// converted, since converting an oversized list is the cost the limits
// prevent. It reports every list over its limit and says whether none was.
func (c *converter) withinLimits(spec *rawSpec) bool {
	before := len(c.errs)
	c.atMost("spec.manifests", "manifest files", len(spec.Manifests), MaxManifests)
	c.atMost("spec.versions", "versions", len(spec.Versions), MaxVersions)
	c.atMost("spec.versions", "changes over all versions", countChanges(spec.Versions), MaxChanges)
	c.atMost("spec.series", "series", len(spec.Series), MaxSeries)
	c.atMost("spec.webhooks", "webhooks", len(spec.Webhooks), MaxWebhooks)
	c.atMost("spec.webhooks", "answers over all webhooks", countAnswers(spec.Webhooks), MaxAnswers)
	c.atMost("spec.events", "events", len(spec.Events), MaxEvents)
	c.atMost("spec.script", "script ticks", len(spec.Script), MaxScriptTicks)
	if spec.Expect != nil {
		c.atMost("spec.expect.ticks", "tick expectations", len(spec.Expect.Ticks), MaxExpectTicks)
	}
	c.tickNumbers(spec)
	return len(c.errs) == before
}

func (c *converter) atMost(path, what string, n, limit int) {
	if n > limit {
		c.errorf(path, "holds %d %s, over the limit of %d: split the scenario or trim the list", n, what, limit)
	}
}

func countChanges(vs map[string]rawVersion) int {
	n := 0
	for _, v := range vs {
		n += len(v.Changes)
	}
	return n
}

func countAnswers(ws map[string]rawWebhook) int {
	n := 0
	for _, w := range ws {
		n += len(w.Answers)
	}
	return n
}

// tickNumbers refuses ticks no run can reach; the lower bound is checked
// where each tick is converted.
func (c *converter) tickNumbers(spec *rawSpec) {
	for i, t := range spec.Script {
		c.tickNumber(indexPath("spec.script", i)+".tick", t.Tick)
	}
	if spec.Expect != nil {
		for i, t := range spec.Expect.Ticks {
			c.tickNumber(indexPath("spec.expect.ticks", i)+".tick", t.Tick)
		}
	}
}

func (c *converter) tickNumber(path string, tick int) {
	if tick > MaxTicks {
		c.errorf(path, "tick %d is over the limit of %d: a run of at most %v has fewer ticks", tick, MaxTicks, MaxRunDuration)
	}
}

// durationLimit refuses a time or duration no run reaches.
func (c *converter) durationLimit(path, text string, d time.Duration) bool {
	if d > MaxRunDuration {
		c.errorf(path, "%q is over the limit of %v for any time in a scenario (a run lasts at most 7 days of virtual time): shorten it", text, MaxRunDuration)
		return false
	}
	return true
}

// seriesInterval refuses a spacing too short for Prometheus to store.
func (c *converter) seriesInterval(path string, d time.Duration) {
	if d < MinSeriesInterval {
		c.errorf(path, "%v is under the limit of %v between two values of a series: space them further apart", d, MinSeriesInterval)
	}
}

// scrapeInterval refuses a scrape interval outside the bounds.
func (c *converter) scrapeInterval(path string, d time.Duration) {
	switch {
	case d < MinScrapeInterval:
		c.errorf(path, "%v is under the limit of %v between two scrapes: scrape less often (Flagger's bundled Prometheus scrapes every 5s)", d, MinScrapeInterval)
	case d > MaxScrapeInterval:
		c.errorf(path, "%v is over the limit of %v between two scrapes: scrape more often", d, MaxScrapeInterval)
	}
}

// samplesFit reports whether a series' values, once expanded, stay within
// the samples left of MaxSamples. It must run before the values are
// parsed: the parser expands "1x1000000000" into a billion values, and a
// repeat count beyond 64 bits makes it loop forever.
func (c *converter) samplesFit(path, values string) bool {
	n := sampleBound(values)
	if n > MaxSamples-c.samples {
		c.errorf(path, "expands to %s samples, which with the %d of the series before it is over the limit of %d: use fewer repeats or a longer interval",
			boundText(n), c.samples, MaxSamples)
		return false
	}
	return true
}

func boundText(n int) string {
	if n == math.MaxInt {
		return "more than " + strconv.Itoa(MaxSamples)
	}
	return "up to " + strconv.Itoa(n)
}

// sampleBound is an upper bound on the number of values promtool series
// notation expands to, computed without expanding. Items are separated by
// the lexer's blanks (space, tab, CR, LF), on which strings.Fields splits
// too. An item gives one value, or N+1 for each repeat "xN" it holds ("VxN"
// is N+1 values, "_xN" N, a histogram "{{...}}xN" N+1). The bound
// saturates at math.MaxInt.
func sampleBound(values string) int {
	n := 0
	for _, item := range strings.Fields(values) {
		n = addSat(n, itemBound(item))
	}
	return n
}

func itemBound(item string) int {
	n := 0
	for i := strings.IndexByte(item, 'x'); i >= 0; i = nextX(item, i) {
		n = addSat(n, repeatAfter(item[i+1:]))
	}
	return max(n, 1)
}

func nextX(s string, i int) int {
	j := strings.IndexByte(s[i+1:], 'x')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// repeatAfter reads the decimal count right after an 'x' (the parser reads
// it as base 10, into 64 bits), plus one; 0 when no digit follows, and
// math.MaxInt when the count does not fit.
func repeatAfter(s string) int {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 {
		return 0
	}
	r, err := strconv.ParseUint(s[:end], 10, 63)
	if err != nil {
		return math.MaxInt
	}
	return addSat(int(r), 1)
}

func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// limits reads spec.limits or derives the default bound of the run.
func (c *converter) limits(s *Scenario, r *rawLimits) Limits {
	l := Limits{MaxDuration: DefaultMaxDuration(s)}
	if s.Recording != nil {
		l.MaxDuration = MaxRunDuration // the recording's window ends the run
	}
	if r != nil {
		if d, ok := c.optDuration("spec.limits.maxDuration", r.MaxDuration); ok {
			l.MaxDuration = d
		}
		if l.MaxDuration <= 0 {
			c.errorf("spec.limits.maxDuration", "must be longer than zero")
		}
	}
	if s.Expect.Within > l.MaxDuration {
		c.errorf("spec.expect.within", "%v is beyond the run's limit of %v: raise spec.limits.maxDuration or lower within", s.Expect.Within, l.MaxDuration)
	}
	return l
}

// DefaultMaxDuration is three times the analysis' worst case after the last
// scheduled thing (release, event, gate opening, behaviour change), capped
// at MaxDurationCap. The worst case counts the ticks to reach the last step
// with every failure the threshold allows, the promotion and finalising
// ticks, and the progress deadline.
func DefaultMaxDuration(s *Scenario) time.Duration {
	if s.Canary == nil {
		return MaxDurationCap
	}
	c := s.Canary
	// Saturating sums: a Canary may say interval: 1000000h or iterations:
	// 9223372036854775807, and a wrapped product would be a negative limit.
	ticks := addSat(addSat(4+promotionTicks(c), advanceTicks(c)), c.GetAnalysisThreshold())
	worst := addDurSat(mulDurSat(ticks, c.GetAnalysisInterval()), c.GetProgressDeadline())
	last := max(lastScheduled(s), mulDurSat(lastScriptTick(s), c.GetAnalysisInterval()))
	return min(mulDurSat(3, addDurSat(last, worst)), MaxDurationCap)
}

func mulDurSat(n int, d time.Duration) time.Duration {
	if n > 0 && d > math.MaxInt64/time.Duration(n) {
		return math.MaxInt64
	}
	return time.Duration(n) * d
}

func addDurSat(a, b time.Duration) time.Duration {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// advanceTicks is the number of passing ticks from weight 0 to the last step
// (the Canary's own provider: the scenario's --provider is not known here).
func advanceTicks(c *v1beta1.Canary) int {
	a := c.GetAnalysis()
	if a == nil || c.SkipAnalysis() {
		return 1
	}
	if n, ok := a.AdvanceTicks(c.Spec.Provider); ok {
		return n
	}
	return 100 // never promotes: let the cap decide
}

func promotionTicks(c *v1beta1.Canary) int {
	if a := c.GetAnalysis(); a != nil {
		return a.PromotionTicks()
	}
	return 1
}

// lastScheduled is the latest moment the scenario itself schedules something.
func lastScheduled(s *Scenario) time.Duration {
	last := s.Release.At
	for _, e := range s.Events {
		last = max(last, e.At)
	}
	for _, v := range s.Versions {
		for _, ch := range v.Changes {
			last = max(last, ch.At)
		}
	}
	for _, w := range s.Webhooks {
		last = max(last, webhookLast(w))
	}
	return last
}

func webhookLast(w *Webhook) time.Duration {
	var last time.Duration
	for _, a := range w.Answers {
		last = max(last, a.From)
	}
	if w.Gate != nil && w.Gate.OpenAt != nil {
		last = max(last, *w.Gate.OpenAt)
	}
	return last
}

func lastScriptTick(s *Scenario) int {
	if len(s.Script) == 0 {
		return 0
	}
	return s.Script[len(s.Script)-1].Tick
}
