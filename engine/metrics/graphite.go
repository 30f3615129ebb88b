// This file is Flagger's Graphite provider: the render URL API with the template's query as its
// parameters, returning the last non-null datapoint.

package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"time"
)

// graphiteOnlineQuery is Flagger's probe: any answer but an error will do.
const graphiteOnlineQuery = "target=test"

// Graphite runs queries on Graphite's render URL API. A template's query is
// the render call's URL parameters (target=...&from=...), as in Flagger.
type Graphite struct {
	base           url.URL
	username, pass string
	client         *http.Client
}

func newGraphite(cfg providerConfig) (*Graphite, error) {
	u, err := url.Parse(cfg.spec.Address)
	if cfg.spec.Address == "" || err != nil {
		return nil, fmt.Errorf("graphite address %q is not a URL: set spec.provider.address, like http://graphite.monitoring", cfg.spec.Address)
	}
	g := &Graphite{base: *u, client: clientFor(cfg.client, cfg.spec.InsecureSkipVerify)}
	if cfg.credentials == nil {
		return g, nil
	}
	if g.username, err = secretValue(ProviderGraphite, cfg.credentials, "username", "the basic-auth user"); err != nil {
		return nil, err
	}
	if g.pass, err = secretValue(ProviderGraphite, cfg.credentials, "password", "the basic-auth password"); err != nil {
		return nil, err
	}
	return g, nil
}

var spaceRun = regexp.MustCompile(`\s+`)

// RunQuery sends the render call and returns the last non-null datapoint of
// the last series that has one, as Flagger does. The window is the query's
// own from/until (Graphite's default: the last 24 hours), placed by
// Graphite's clock, so at is not sent.
func (g *Graphite) RunQuery(ctx context.Context, query string, _ time.Time) (float64, error) {
	u, err := g.renderURL(query)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, fmt.Errorf("graphite request: %w", err)
	}
	if g.username != "" && g.pass != "" {
		req.SetBasicAuth(g.username, g.pass)
	}
	status, body, err := do(ctx, g.client, ProviderGraphite, req)
	if err != nil {
		return 0, err
	}
	if status >= http.StatusBadRequest {
		return 0, fmt.Errorf("graphite answered %d %s: %s", status, http.StatusText(status), snippet(body))
	}
	return lastGraphiteValue(body)
}

// renderURL is the address's path plus /render, with the query's
// parameters (white space collapsed) and format=json.
func (g *Graphite) renderURL(query string) (string, error) {
	q, err := url.ParseQuery(spaceRun.ReplaceAllString(query, " "))
	if err != nil {
		return "", fmt.Errorf("graphite query is not URL parameters like target=...&from=-5min: %w", err)
	}
	q.Set("format", "json")
	u := g.base
	u.Path = path.Join("/", u.Path, "render")
	u.RawPath, u.RawQuery, u.Fragment = "", q.Encode(), ""
	return u.String(), nil
}

// graphiteSeries is one target of a render answer; a datapoint is
// [value, timestamp] with a value that may be null, a number or a string.
type graphiteSeries struct {
	Target     string              `json:"target"`
	Datapoints [][]json.RawMessage `json:"datapoints"`
}

func lastGraphiteValue(body []byte) (float64, error) {
	var series []graphiteSeries
	if err := json.Unmarshal(body, &series); err != nil {
		return 0, fmt.Errorf("graphite answer is not the JSON of /render (%v): %s", err, snippet(body))
	}
	var (
		v     float64
		found bool
	)
	for _, s := range series {
		for _, p := range s.Datapoints {
			f, ok, err := graphiteValue(p)
			if err != nil {
				return 0, err
			}
			if ok {
				v, found = f, true
			}
		}
	}
	if !found {
		return 0, noValues(ProviderGraphite, body)
	}
	return v, nil
}

func graphiteValue(p []json.RawMessage) (float64, bool, error) {
	if len(p) != 2 {
		return 0, false, fmt.Errorf("graphite datapoint has %d elements, want [value, timestamp]", len(p))
	}
	var v any
	if err := json.Unmarshal(p[0], &v); err != nil {
		return 0, false, fmt.Errorf("graphite datapoint value: %w", err)
	}
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case float64:
		return x, true, nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return 0, false, fmt.Errorf("graphite datapoint value %q is not a number", x)
		}
		return f, true, nil
	}
	return 0, false, fmt.Errorf("graphite datapoint value %s is not a number", p[0])
}

// IsOnline runs Flagger's probe; no data is fine, an error is not.
func (g *Graphite) IsOnline(ctx context.Context, at time.Time) (bool, error) {
	if _, err := g.RunQuery(ctx, graphiteOnlineQuery, at); err != nil && !errors.Is(err, ErrNoValuesFound) {
		return false, fmt.Errorf("graphite probe failed: %w", err)
	}
	return true, nil
}
