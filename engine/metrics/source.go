// This file is the Source, which measures one check of a Canary's metric: builtin and inline
// queries on the metrics server, with cached clients and rendered text.

package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Source measures a Canary's metrics. Its zero value works once the fields
// are set; it must not be copied after first use. It is safe for concurrent
// use and keeps one Prometheus client per address (and credentials), and
// the rendered text of template and inline queries.
type Source struct {
	// Provider is the controller's mesh provider, used when the Canary sets
	// none; empty means Flagger's default, istio.
	Provider string
	// MetricsServer is the Prometheus address for builtin and inline
	// metrics; a Canary's spec.metricsServer overrides it.
	MetricsServer string
	// Templates finds a MetricTemplate; nil means no template can be found.
	Templates func(namespace, name string) (*v1beta1.MetricTemplate, error)
	// Secrets returns a Secret's data, for a template's provider.secretRef.
	Secrets func(namespace, name string) (map[string][]byte, error)
	// Client is shared by every Prometheus client, for connection reuse.
	// Give it a transport that dials the synthetic Prometheus to answer
	// template addresses that do not resolve in a simulation.
	Client *http.Client
	// KnativeRevision, when set, returns the latest created revision of a
	// Knative Service: Flagger queries it as the route when the provider is
	// knative. When nil the route stays as NewModel fills it.
	KnativeRevision func(namespace, name string) (string, error)
	// AWSCredentials signs CloudWatch requests; nil reads the standard
	// AWS environment variables (EnvAWSCredentials).
	AWSCredentials func(context.Context) (AWSCredentials, error)

	clients  cache[*Prometheus]
	rendered cache[string]
}

// Measurement is one metric's value and the query that produced it.
type Measurement struct {
	// Value is the number compared with the thresholds: a percentage for
	// the success rate, whole milliseconds for request-duration, and the
	// raw result for inline and template queries.
	Value float64
	// Query is the rendered query, also set when running it failed.
	Query string
}

// Measure renders and runs the query of one check of a metric, evaluated at
// the given time. Errors wrap ErrNoValuesFound when the query found no data;
// otherwise they say what the user must fix.
func (s *Source) Measure(ctx context.Context, cd *v1beta1.Canary, m v1beta1.CanaryMetric, kind Kind, at time.Time) (Measurement, error) {
	var (
		out Measurement
		err error
	)
	switch kind {
	case KindSuccessRate, KindDuration:
		out, err = s.measureBuiltin(ctx, cd, m, kind, at)
	case KindInlineQuery:
		out, err = s.measureInline(ctx, cd, m, at)
	case KindTemplate:
		out, err = s.measureTemplate(ctx, cd, m, at)
	case KindUnusable:
		err = errors.New("no usable metric template or query: give it a templateRef, a query, " +
			"or name it request-success-rate or request-duration")
	default:
		err = fmt.Errorf("unknown measurement kind %d", int(kind))
	}
	if err != nil {
		err = fmt.Errorf("metric %q (%s): %w", m.Name, kind, err)
	}
	return out, err
}

func (s *Source) measureBuiltin(ctx context.Context, cd *v1beta1.Canary, m v1beta1.CanaryMetric, kind Kind, at time.Time) (Measurement, error) {
	provider := MetricsProvider(cd, s.Provider)
	model, err := s.model(cd, m.GetInterval(), m.TemplateVariables)
	if err != nil {
		return Measurement{}, err
	}
	name := MetricSuccessRate
	if kind == KindDuration {
		name = MetricDuration
	}
	out := Measurement{}
	if out.Query, err = BuiltinQuery(provider, name, model); err != nil {
		return out, err
	}
	out.Value, err = s.runOnServer(ctx, cd, out.Query, at)
	if err != nil {
		return out, explainNoValues(err, provider, name, cd)
	}
	if kind == KindDuration {
		out.Value = DurationMillis(provider, out.Value)
	}
	return out, nil
}

// explainNoValues adds Flagger's hint to a query that found nothing.
func explainNoValues(err error, provider, metric string, cd *v1beta1.Canary) error {
	if !errors.Is(err, ErrNoValuesFound) {
		return err
	}
	return fmt.Errorf("%s metric %s found nothing: probably %s.%s is not receiving traffic: %w",
		provider, metric, cd.Spec.TargetRef.Name, cd.Namespace, err)
}

// measureInline renders the deprecated inline query. Flagger ignores a
// render error and sends an empty query, which fails too; rehearse reports
// the render error instead, which fails the same check with a clearer reason.
func (s *Source) measureInline(ctx context.Context, cd *v1beta1.Canary, m v1beta1.CanaryMetric, at time.Time) (Measurement, error) {
	model, err := s.model(cd, m.GetInterval(), m.TemplateVariables)
	if err != nil {
		return Measurement{}, err
	}
	q, err := s.render(m.Query, model)
	if err != nil {
		return Measurement{}, fmt.Errorf("inline query: %w", err)
	}
	v, err := s.runOnServer(ctx, cd, q, at)
	return Measurement{Value: v, Query: q}, err
}

func (s *Source) runOnServer(ctx context.Context, cd *v1beta1.Canary, query string, at time.Time) (float64, error) {
	p, err := s.serverClient(cd)
	if err != nil {
		return 0, err
	}
	return p.RunQuery(ctx, query, at)
}

func (s *Source) serverClient(cd *v1beta1.Canary) (*Prometheus, error) {
	addr := orDefault(cd.Spec.MetricsServer, s.MetricsServer)
	p, err := s.prometheus(PrometheusConfig{Address: addr})
	if err != nil {
		return nil, fmt.Errorf("metrics server (spec.metricsServer, or the controller's default): %w", err)
	}
	return p, nil
}

// model is NewModel plus Flagger's Knative rule: with the knative provider
// the route is the Service's latest created revision.
func (s *Source) model(cd *v1beta1.Canary, interval string, vars map[string]string) (v1beta1.MetricTemplateModel, error) {
	m := NewModel(cd, interval, vars)
	if s.KnativeRevision == nil || (cd.Spec.Provider != v1beta1.KnativeProvider && s.Provider != v1beta1.KnativeProvider) {
		return m, nil
	}
	rev, err := s.KnativeRevision(cd.Namespace, cd.Spec.TargetRef.Name)
	if err != nil {
		return m, fmt.Errorf("knative service %s.%s: %w", cd.Spec.TargetRef.Name, cd.Namespace, err)
	}
	m.Route = rev
	return m, nil
}

// render is Render with a cache keyed by the query and the whole model:
// parsing a template costs far more than building the key.
func (s *Source) render(query string, m v1beta1.MetricTemplateModel) (string, error) {
	var buf [512]byte
	key := appendModelKey(append(append(buf[:0], query...), 0), m)
	if q, ok := s.rendered.get(key); ok {
		return q, nil
	}
	q, err := Render(query, m)
	if err != nil {
		return "", err
	}
	s.rendered.put(key, q)
	return q, nil
}

// prometheus returns the cached client for a configuration, building it on
// first use. The key holds credentials so a rotated secret gets a new
// client; it never leaves the process.
func (s *Source) prometheus(cfg PrometheusConfig) (*Prometheus, error) {
	var buf [256]byte
	key := appendClientKey(buf[:0], cfg)
	if p, ok := s.clients.get(key); ok {
		return p, nil
	}
	cfg.Client = s.Client
	p, err := NewPrometheus(cfg)
	if err != nil {
		return nil, err
	}
	s.clients.put(key, p)
	return p, nil
}

func appendClientKey(b []byte, cfg PrometheusConfig) []byte {
	b = append(append(b, cfg.Address...), 0)
	b = strconv.AppendBool(b, cfg.InsecureSkipVerify)
	for _, k := range sortedKeys(cfg.Headers) {
		for _, v := range cfg.Headers[k] {
			b = append(append(append(append(b, 0), k...), 1), v...)
		}
	}
	for _, k := range [...]string{"token", "username", "password"} {
		v, ok := cfg.Credentials[k]
		b = append(strconv.AppendBool(append(b, 0), ok), v...)
	}
	return strconv.AppendBool(append(b, 0), cfg.Credentials != nil)
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
