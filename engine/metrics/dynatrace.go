// This file is Flagger's Dynatrace provider: the metrics v2 API with the template secret's token,
// resolution Inf over ten metric intervals.

package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Flagger's Dynatrace provider: the metrics v2 query API with an API token
// from the template's secret, resolution Inf over ten metric intervals.
const (
	dynatraceQueryPath    = "/api/v2/metrics/query"
	dynatraceValidatePath = "/api/v2/metrics?pageSize=1"
	dynatraceTokenKey     = "dynatrace_token"
	dynatraceWindow       = 10
)

// Dynatrace runs metric selectors on a Dynatrace environment.
type Dynatrace struct {
	query, validate string
	token           string
	fromDelta       int64 // milliseconds
	client          *http.Client
}

func newDynatrace(cfg providerConfig) (*Dynatrace, error) {
	if cfg.spec.Address == "" {
		return nil, fmt.Errorf("dynatrace needs spec.provider.address: your environment's URL, like https://{your-environment-id}.live.dynatrace.com")
	}
	token, err := secretValue(ProviderDynatrace, cfg.credentials, dynatraceTokenKey, "an API token with the metrics.read scope")
	if err != nil {
		return nil, err
	}
	interval, err := windowOf(ProviderDynatrace, cfg.interval)
	if err != nil {
		return nil, err
	}
	return &Dynatrace{query: joinPath(cfg.spec.Address, dynatraceQueryPath), validate: joinPath(cfg.spec.Address, dynatraceValidatePath),
		token: token, fromDelta: dynatraceWindow * interval.Milliseconds(), client: clientFor(cfg.client, cfg.spec.InsecureSkipVerify)}, nil
}

// dynatraceAnswer is the part of a metrics query answer Flagger reads.
type dynatraceAnswer struct {
	Result []struct {
		Data []struct {
			Values []*float64 `json:"values"`
		} `json:"data"`
	} `json:"result"`
}

// RunQuery asks for the window that ends at at (whole seconds, in
// milliseconds, as Flagger sends it) and returns the first value of the
// first metric's last series.
func (d *Dynatrace) RunQuery(ctx context.Context, query string, at time.Time) (float64, error) {
	to := at.Unix() * 1000
	v := url.Values{"metricSelector": {query}, "resolution": {"Inf"},
		"from": {strconv.FormatInt(to-d.fromDelta, 10)}, "to": {strconv.FormatInt(to, 10)}}
	status, body, err := d.get(ctx, d.query+"?"+v.Encode())
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("dynatrace answered %d %s: %s", status, http.StatusText(status), snippet(body))
	}
	var a dynatraceAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("dynatrace answer is not the JSON of /api/v2/metrics/query (%v): %s", err, snippet(body))
	}
	if len(a.Result) == 0 || len(a.Result[0].Data) == 0 {
		return 0, noValues(ProviderDynatrace, body)
	}
	data := a.Result[0].Data
	vs := data[len(data)-1].Values
	if len(vs) == 0 || vs[0] == nil {
		return 0, noValues(ProviderDynatrace, body)
	}
	return *vs[0], nil
}

// IsOnline lists one metric with the token.
func (d *Dynatrace) IsOnline(ctx context.Context, _ time.Time) (bool, error) {
	status, body, err := d.get(ctx, d.validate)
	if err != nil {
		return false, err
	}
	if status != http.StatusOK {
		return false, fmt.Errorf("dynatrace refused the token of the secret (%d %s): %s", status, http.StatusText(status), snippet(body))
	}
	return true, nil
}

func (d *Dynatrace) get(ctx context.Context, u string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("dynatrace address: %w", err)
	}
	req.Header.Set("Authorization", "Api-Token "+d.token)
	return do(ctx, d.client, ProviderDynatrace, req)
}
