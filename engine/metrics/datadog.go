// This file is Flagger's Datadog provider: the v1 query API with the template secret's keys, over
// ten metric intervals, returning the first series' oldest point.

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

// Flagger's Datadog provider: the v1 metrics query API, keys from the
// template's secret, a window of ten metric intervals.
const (
	datadogDefaultAddress = "https://api.datadoghq.com"
	datadogQueryPath      = "/api/v1/query"
	datadogValidatePath   = "/api/v1/validate"
	datadogAPIKey         = "datadog_api_key"
	datadogAppKey         = "datadog_application_key"
	// datadogWindow is how many metric intervals the query window spans.
	datadogWindow = 10
)

// Datadog runs queries on Datadog's /api/v1/query.
type Datadog struct {
	query, validate string
	apiKey, appKey  string
	fromDelta       int64 // seconds
	client          *http.Client
}

func newDatadog(cfg providerConfig) (*Datadog, error) {
	address := orDefault(cfg.spec.Address, datadogDefaultAddress)
	api, err := secretValue(ProviderDatadog, cfg.credentials, datadogAPIKey, "your Datadog API key")
	if err != nil {
		return nil, err
	}
	app, err := secretValue(ProviderDatadog, cfg.credentials, datadogAppKey, "your Datadog application key")
	if err != nil {
		return nil, err
	}
	interval, err := windowOf(ProviderDatadog, cfg.interval)
	if err != nil {
		return nil, err
	}
	return &Datadog{query: joinPath(address, datadogQueryPath), validate: joinPath(address, datadogValidatePath),
		apiKey: api, appKey: app, fromDelta: int64(datadogWindow * interval.Seconds()),
		client: clientFor(cfg.client, cfg.spec.InsecureSkipVerify)}, nil
}

// datadogAnswer is the part of a query answer Flagger reads. As in
// Flagger, a null value reads as 0.
type datadogAnswer struct {
	Series []struct {
		Pointlist [][]float64 `json:"pointlist"`
	} `json:"series"`
}

// RunQuery asks for the window that ends at at and returns the first
// series' oldest point, as Flagger does: the newest bucket is usually
// incomplete.
func (d *Datadog) RunQuery(ctx context.Context, query string, at time.Time) (float64, error) {
	to := at.Unix()
	v := url.Values{"query": {query}, "from": {strconv.FormatInt(to-d.fromDelta, 10)},
		"to": {strconv.FormatInt(to, 10)}}
	status, body, err := d.get(ctx, d.query+"?"+v.Encode())
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("datadog answered %d %s: %s", status, http.StatusText(status), snippet(body))
	}
	var a datadogAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("datadog answer is not the JSON of /api/v1/query (%v): %s", err, snippet(body))
	}
	if len(a.Series) == 0 || len(a.Series[0].Pointlist) == 0 || len(a.Series[0].Pointlist[0]) == 0 {
		return 0, noValues(ProviderDatadog, body)
	}
	p := a.Series[0].Pointlist[0]
	if len(p) < 2 {
		return 0, fmt.Errorf("datadog point %v has no value: want [timestamp, value]", p)
	}
	return p[1], nil
}

// IsOnline asks Datadog to validate the keys.
func (d *Datadog) IsOnline(ctx context.Context, _ time.Time) (bool, error) {
	status, body, err := d.get(ctx, d.validate)
	if err != nil {
		return false, err
	}
	if status != http.StatusOK {
		return false, fmt.Errorf("datadog refused the keys of the secret (%d %s): %s", status, http.StatusText(status), snippet(body))
	}
	return true, nil
}

func (d *Datadog) get(ctx context.Context, u string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("datadog address: %w", err)
	}
	req.Header.Set("DD-API-KEY", d.apiKey)
	req.Header.Set("DD-APPLICATION-KEY", d.appKey)
	return do(ctx, d.client, ProviderDatadog, req)
}
