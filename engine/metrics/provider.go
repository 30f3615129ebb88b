// This file is the Provider interface and the factory for MetricTemplate providers: the types
// rehearse cannot rehearse and why, their shared HTTP helpers, and checking a template before use.

package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Provider runs a MetricTemplate's queries against one metrics API, as
// Flagger's provider of the same type does. The evaluation time is passed
// in: providers whose API takes a time window build it from at (Flagger
// uses the wall clock), the others send Flagger's relative window and let
// the server's clock place it.
type Provider interface {
	// RunQuery runs one rendered query and returns its one number; an
	// answer with no data wraps ErrNoValuesFound.
	RunQuery(ctx context.Context, query string, at time.Time) (float64, error)
	// IsOnline is Flagger's probe of the API when a Canary is first seen.
	IsOnline(ctx context.Context, at time.Time) (bool, error)
}

// The MetricTemplate provider types, as Flagger names them.
const (
	ProviderPrometheus      = "prometheus"
	ProviderDatadog         = "datadog"
	ProviderCloudWatch      = "cloudwatch"
	ProviderNewRelic        = "newrelic"
	ProviderGraphite        = "graphite"
	ProviderDynatrace       = "dynatrace"
	ProviderStackdriver     = "stackdriver"
	ProviderInfluxDB        = "influxdb"
	ProviderSplunk          = "splunk"
	ProviderKeptn           = "keptn"
	ProviderExternalMetrics = "externalmetrics"
)

// refusedProviders are the provider types Flagger supports and rehearse
// has no client for, each with what its client would need. Any type not
// here and not served is Prometheus, as in Flagger's factory.
var refusedProviders = map[string]string{
	ProviderStackdriver:     "Google Cloud Monitoring's gRPC API with Google credentials",
	ProviderInfluxDB:        "InfluxDB's Flux query API",
	ProviderSplunk:          "Splunk Observability's SignalFlow websocket API",
	ProviderKeptn:           "Keptn's KeptnMetric and Analysis resources, which Keptn's own controllers fill",
	ProviderExternalMetrics: "the Kubernetes external metrics API served by another adapter",
}

// ErrProviderNotRehearsable marks a template whose provider rehearse has no
// client for.
var ErrProviderNotRehearsable = errors.New("rehearse cannot rehearse this metrics provider")

// Refusal says why rehearse cannot rehearse a provider type, or "" when it
// can: the sentence every command prints before refusing the template.
func Refusal(providerType string) string {
	what, ok := refusedProviders[providerType]
	if !ok {
		return ""
	}
	return fmt.Sprintf("provider type %s is supported by Flagger, but rehearse cannot rehearse it: it has no client for %s, "+
		"and it never answers such a check with a made-up value; remove this template from the rehearsed manifests, "+
		"or rewrite its query for prometheus, datadog, cloudwatch, newrelic, graphite or dynatrace", providerType, what)
}

// providerConfig is what a template provider is built from, as Flagger's
// factory receives it: the metric's interval as written, the template's
// provider block and the data of its secret (nil without a secretRef).
type providerConfig struct {
	interval    string
	spec        v1beta1.MetricTemplateProvider
	credentials map[string][]byte
	client      *http.Client
	aws         func(context.Context) (AWSCredentials, error)
}

// newProvider builds the provider a template names. Prometheus is built by
// the caller, which caches its clients.
func newProvider(cfg providerConfig) (Provider, error) {
	switch cfg.spec.Type {
	case ProviderDatadog:
		return newDatadog(cfg)
	case ProviderCloudWatch:
		return newCloudWatch(cfg)
	case ProviderNewRelic:
		return newNewRelic(cfg)
	case ProviderGraphite:
		return newGraphite(cfg)
	case ProviderDynatrace:
		return newDynatrace(cfg)
	}
	if refusedProviders[cfg.spec.Type] != "" {
		return nil, fmt.Errorf("%s: %w", Refusal(cfg.spec.Type), ErrProviderNotRehearsable)
	}
	return nil, fmt.Errorf("provider type %q is not one of the non-Prometheus types", cfg.spec.Type)
}

// IsPrometheus is true for the types Flagger's factory answers with its
// Prometheus provider: prometheus, none, and any type it does not know.
func IsPrometheus(providerType string) bool {
	switch providerType {
	case ProviderDatadog, ProviderCloudWatch, ProviderNewRelic, ProviderGraphite, ProviderDynatrace:
		return false
	}
	return refusedProviders[providerType] == ""
}

// windowOf parses the metric interval the way Flagger's providers do (Go
// durations only): they size their query window from it.
func windowOf(provider, interval string) (time.Duration, error) {
	d, err := time.ParseDuration(interval)
	if err != nil {
		return 0, fmt.Errorf("%s sizes its query window from the metric's interval, and %q is not a Go duration (%v): write it like 1m or 30s",
			provider, interval, err)
	}
	return d, nil
}

// secretValue reads one key of a template's secret; Flagger requires the
// key to be there, and accepts an empty value.
func secretValue(provider string, creds map[string][]byte, key, what string) (string, error) {
	v, ok := creds[key]
	if !ok {
		if creds == nil {
			return "", fmt.Errorf("%s needs a secretRef whose secret holds %q (%s): add spec.provider.secretRef", provider, key, what)
		}
		return "", fmt.Errorf("%s credentials have no %q key: add %s to the secret under %s", provider, key, what, key)
	}
	return string(v), nil
}

// joinPath appends an API path to an address as Flagger does (by string
// concatenation), without doubling a trailing slash.
func joinPath(address, path string) string {
	return strings.TrimSuffix(address, "/") + path
}

// clientFor is the HTTP client a provider uses: the caller's, or a shared
// one (with TLS verification off when the template asks for it).
func clientFor(c *http.Client, insecure bool) *http.Client {
	return httpClient(PrometheusConfig{Client: c, InsecureSkipVerify: insecure})
}

// do sends a request within Flagger's 5 s timeout and returns the status
// and body; the provider names itself in transport errors.
func do(ctx context.Context, c *http.Client, provider string, req *http.Request) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return 0, nil, fmt.Errorf("%s request failed (is the address right and the API up?): %w", provider, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, fmt.Errorf("reading the %s answer: %w", provider, err)
	}
	return resp.StatusCode, body, nil
}

// noValues wraps ErrNoValuesFound with what the API answered.
func noValues(provider string, body []byte) error {
	return fmt.Errorf("%s answered no data point (%s): %w", provider, snippet(body), ErrNoValuesFound)
}

// secretKeys is a key each provider that needs a secret reads first.
var secretKeys = map[string]string{ProviderDatadog: datadogAPIKey, ProviderNewRelic: newRelicAccountKey, ProviderDynatrace: dynatraceTokenKey}

// sinceClause finds a New Relic query's own SINCE clause.
var sinceClause = regexp.MustCompile(`(?i)\bSINCE\b`)

// CheckTemplate finds, before any request, what fails every check of a
// template metric in Flagger: a provider that cannot be built from the
// template and the metric's interval as written, or a rendered query the
// provider cannot send. Secrets are not checked: they are seldom in Git.
func CheckTemplate(spec v1beta1.MetricTemplateProvider, interval, query string) error {
	t := spec.Type
	if IsPrometheus(t) {
		return CheckPromQL(query)
	}
	if why := Refusal(t); why != "" {
		return errors.New(why)
	}
	if t != ProviderGraphite {
		if _, err := windowOf(t, interval); err != nil {
			return err
		}
	}
	if key := secretKeys[t]; key != "" && spec.SecretRef == nil {
		_, err := secretValue(t, nil, key, "its credentials")
		return err
	}
	switch t {
	case ProviderCloudWatch:
		if spec.Region == "" {
			return errors.New("cloudwatch needs spec.provider.region, the AWS region of your metrics (like eu-west-1)")
		}
		_, err := ParseMetricDataQueries(query)
		return err
	case ProviderGraphite:
		if _, err := newGraphite(providerConfig{spec: spec}); err != nil {
			return err
		}
		_, err := (&Graphite{}).renderURL(query)
		return err
	case ProviderDynatrace:
		if spec.Address == "" {
			return errors.New("dynatrace needs spec.provider.address: your environment's URL")
		}
	case ProviderNewRelic:
		if sinceClause.MatchString(query) {
			return errors.New("the query has a SINCE clause of its own: Flagger appends \"SINCE <interval> seconds ago\" to every New Relic query, and NRQL takes one SINCE: remove it")
		}
	}
	return nil
}

// promqlParser parses rendered queries as Prometheus's HTTP API would.
var promqlParser = parser.NewParser(parser.Options{})

// CheckPromQL says why a rendered query is not PromQL Prometheus accepts
// (an interval such as 1min, which Flagger's API lets through, ends up in a
// range selector Prometheus refuses), or nil.
func CheckPromQL(query string) error {
	if _, err := promqlParser.ParseExpr(query); err != nil {
		return fmt.Errorf("Prometheus refuses the rendered query (%v): fix the query or the metric's interval", err)
	}
	return nil
}
