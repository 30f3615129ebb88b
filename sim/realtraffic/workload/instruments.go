// This file builds a version's metrics from the series list the modelled
// traffic writes, counters and histograms on their own registry, so the
// provider's builtin queries select exactly them.

package workload

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/prometheus/model/labels"
)

// family is one metric as the series list shows it: its labels that never
// change, the one label (if any) that carries the answer's status, and the
// values that label takes for a good and a failed answer, in the order the
// list gives them (good first).
type family struct {
	name     string
	fixed    map[string]string
	status   string
	values   []string
	buckets  []float64 // le boundaries; empty for a counter
	seconds  bool      // histogram in seconds, else milliseconds
	isBucket bool
}

// instruments are a version's metrics, registered on their own registry: a
// mesh exports its own series, not the Go runtime's.
type instruments struct {
	reg     *prometheus.Registry
	records []func(code int, d time.Duration)
}

// newInstruments builds counters and histograms that export exactly the
// series given (as traffic.Generator.Series lists them), so the provider's
// builtin queries select them.
func newInstruments(series []labels.Labels) (*instruments, error) {
	fams, err := families(series)
	if err != nil {
		return nil, err
	}
	in := &instruments{reg: prometheus.NewRegistry()}
	for _, f := range fams {
		record, c, err := f.instrument()
		if err != nil {
			return nil, err
		}
		if err := in.reg.Register(c); err != nil {
			return nil, fmt.Errorf("registering %s: %w", f.name, err)
		}
		in.records = append(in.records, record)
	}
	return in, nil
}

// record counts one answer in every metric.
func (in *instruments) record(code int, d time.Duration) {
	for _, r := range in.records {
		r(code, d)
	}
}

// families groups the series by metric, folding a histogram's _bucket, _sum
// and _count into one family.
func families(series []labels.Labels) ([]*family, error) {
	byName := map[string]*family{}
	var order []string
	hist := histogramNames(series)
	for _, l := range series {
		name := baseName(l.Get(labels.MetricName), hist)
		f, ok := byName[name]
		if !ok {
			f = &family{name: name, isBucket: hist[name], seconds: strings.Contains(name, "_seconds")}
			byName[name] = f
			order = append(order, name)
		}
		if err := f.add(l); err != nil {
			return nil, err
		}
	}
	out := make([]*family, 0, len(order))
	for _, n := range order {
		out = append(out, byName[n])
	}
	return out, nil
}

// histogramNames are the metrics with a _bucket series carrying le.
func histogramNames(series []labels.Labels) map[string]bool {
	out := map[string]bool{}
	for _, l := range series {
		if n := l.Get(labels.MetricName); strings.HasSuffix(n, "_bucket") && l.Has("le") {
			out[strings.TrimSuffix(n, "_bucket")] = true
		}
	}
	return out
}

func baseName(name string, hist map[string]bool) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base := strings.TrimSuffix(name, suffix); base != name && hist[base] {
			return base
		}
	}
	return name
}

// add folds one series into the family: a label whose value differs from
// the first series' is the status label.
func (f *family) add(l labels.Labels) error {
	first := f.fixed == nil
	if first {
		f.fixed = map[string]string{}
	}
	var err error
	l.Range(func(lb labels.Label) {
		switch {
		case err != nil || lb.Name == labels.MetricName:
		case lb.Name == "le":
			err = f.addBucket(lb.Value)
		case first:
			f.fixed[lb.Name] = lb.Value
		default:
			err = f.addLabel(lb)
		}
	})
	return err
}

func (f *family) addLabel(lb labels.Label) error {
	v, fixed := f.fixed[lb.Name]
	switch {
	case lb.Name == f.status:
	case fixed && v == lb.Value:
		return nil
	case fixed && f.status == "":
		f.status = lb.Name
		delete(f.fixed, lb.Name)
		f.values = append(f.values, v)
	default:
		return fmt.Errorf("series of %s differ in more than one label (%s and %s): cannot tell which one is the status", f.name, f.status, lb.Name)
	}
	if !slices.Contains(f.values, lb.Value) {
		f.values = append(f.values, lb.Value)
	}
	return nil
}

func (f *family) addBucket(le string) error {
	if le == "+Inf" {
		return nil
	}
	b, err := strconv.ParseFloat(le, 64)
	if err != nil {
		return fmt.Errorf("bucket le=%q of %s is not a number: %w", le, f.name, err)
	}
	if !slices.Contains(f.buckets, b) {
		f.buckets = append(f.buckets, b)
		slices.Sort(f.buckets)
	}
	return nil
}

// instrument makes the family's collector and the function that records
// one answer in it.
func (f *family) instrument() (func(int, time.Duration), prometheus.Collector, error) {
	if f.isBucket && len(f.buckets) == 0 {
		return nil, nil, fmt.Errorf("histogram %s has no finite bucket", f.name)
	}
	if f.isBucket {
		return f.histogram()
	}
	return f.counter()
}

func (f *family) counter() (func(int, time.Duration), prometheus.Collector, error) {
	opts := prometheus.CounterOpts{Name: f.name, Help: "Requests, as the mesh counts them.", ConstLabels: f.fixed}
	if f.status == "" {
		c := prometheus.NewCounter(opts)
		return func(int, time.Duration) { c.Inc() }, c, nil
	}
	vec := prometheus.NewCounterVec(opts, []string{f.status})
	for _, v := range f.values {
		vec.WithLabelValues(v) // exported at zero from the start, as the modelled series are
	}
	return func(code int, _ time.Duration) { vec.WithLabelValues(f.statusValue(code)).Inc() }, vec, nil
}

func (f *family) histogram() (func(int, time.Duration), prometheus.Collector, error) {
	opts := prometheus.HistogramOpts{Name: f.name, Help: "Request duration, as the mesh measures it.",
		ConstLabels: f.fixed, Buckets: f.buckets}
	if f.status == "" {
		h := prometheus.NewHistogram(opts)
		return func(_ int, d time.Duration) { h.Observe(f.unit(d)) }, h, nil
	}
	vec := prometheus.NewHistogramVec(opts, []string{f.status})
	for _, v := range f.values {
		vec.WithLabelValues(v)
	}
	return func(code int, d time.Duration) { vec.WithLabelValues(f.statusValue(code)).Observe(f.unit(d)) }, vec, nil
}

func (f *family) unit(d time.Duration) float64 {
	if f.seconds {
		return d.Seconds()
	}
	return float64(d) / float64(time.Millisecond)
}

// statusValue is the status label's value for an answer: the code itself
// where the series carry codes ("200"), else the good or the failed value
// ("success", "failure") by whether the code is a 5xx.
func (f *family) statusValue(code int) string {
	ok, failed := f.values[0], f.values[len(f.values)-1]
	if _, err := strconv.Atoi(ok); err == nil {
		return strconv.Itoa(code)
	}
	if code >= 500 {
		return failed
	}
	return ok
}
