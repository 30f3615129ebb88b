// This file is the units rule: a builtin metric's threshold written as a ratio instead of a
// percentage, or in seconds instead of milliseconds.

package lint

import (
	"fmt"
	"math"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// checkMetricUnits catches thresholds written in the wrong unit for the
// builtin metrics. Flagger's request-success-rate is a percentage (0-100)
// and request-duration a P99 in milliseconds, as Flagger's FAQ documents
// them. A ratio such as min: 0.99 lets a canary with 1% success
// pass; a duration in seconds such as max: 0.5 fails every check. Neither
// is an error Flagger can see.
func checkMetricUnits(t *target) {
	for i, m := range t.a.Metrics {
		switch m.Name {
		case manifest.RequestSuccessRate:
			t.successRateUnits(i, m)
		case manifest.RequestDuration:
			t.durationUnits(i, m)
		}
	}
}

func (t *target) successRateUnits(i int, m v1beta1.CanaryMetric) {
	field, v, ok := bound(i, m, "min")
	switch {
	case !ok:
	case v > 0 && v < 1:
		t.report(RuleMetricUnits, field,
			"request-success-rate is a percentage (0-100), so %v lets a canary with %v%% successful requests pass: write %v",
			v, v, scaled(v, 100))
	case v == 1:
		// As a ratio, 1 means "every request succeeds": 100 would roll back
		// on a single failed request, which no real service can promise.
		t.report(RuleMetricUnits, field,
			"request-success-rate is a percentage (0-100), so 1 lets a canary with 1%% successful requests pass: write a percentage such as 99 (100 would roll back on any single failed request)")
	case v > 100:
		t.report(RuleMetricUnits, field,
			"request-success-rate is a percentage (0-100), so a minimum of %v can never pass: write at most 100 (e.g. 99)", v)
	}
}

func (t *target) durationUnits(i int, m v1beta1.CanaryMetric) {
	field, v, ok := bound(i, m, "max")
	if ok && v > 0 && v < 1 {
		t.report(RuleMetricUnits, field,
			"request-duration is the P99 in milliseconds, so a maximum of %v fails every check: write %v for %vs",
			v, scaled(v, 1000), v)
	}
}

// scaled is v*k without the float noise (0.995*100 prints as 99.5).
func scaled(v, k float64) float64 { return math.Round(v*k*1e6) / 1e6 }

// bound reads a metric's min or max, falling back to the deprecated
// threshold (a minimum for the success rate, a maximum for the duration).
func bound(i int, m v1beta1.CanaryMetric, which string) (field string, v float64, ok bool) {
	if r := m.ThresholdRange; r != nil {
		p := r.Min
		if which == "max" {
			p = r.Max
		}
		if p == nil {
			return "", 0, false
		}
		return fmt.Sprintf("metrics[%d].thresholdRange.%s", i, which), *p, true
	}
	if m.Threshold != 0 {
		return fmt.Sprintf("metrics[%d].threshold", i), m.Threshold, true
	}
	return "", 0, false
}
