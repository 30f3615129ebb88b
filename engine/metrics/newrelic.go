// This file is Flagger's New Relic provider: NRQL on the Insights API with the template secret's
// account and key, one metric interval appended as a SINCE clause.

package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Flagger's New Relic provider: NRQL on the Insights query API, the
// account and query key from the template's secret, the query's window
// one metric interval, appended as a relative SINCE clause.
const (
	newRelicDefaultAddress = "https://insights-api.newrelic.com"
	newRelicAccountKey     = "newrelic_account_id"
	newRelicQueryKey       = "newrelic_query_key"
	newRelicOnlineQuery    = "SELECT * FROM Metric"
)

// NewRelic runs NRQL queries on the Insights query API.
type NewRelic struct {
	endpoint  string
	queryKey  string
	fromDelta int64 // seconds
	client    *http.Client
}

func newNewRelic(cfg providerConfig) (*NewRelic, error) {
	address := orDefault(cfg.spec.Address, newRelicDefaultAddress)
	account, err := secretValue(ProviderNewRelic, cfg.credentials, newRelicAccountKey, "your New Relic account id")
	if err != nil {
		return nil, err
	}
	key, err := secretValue(ProviderNewRelic, cfg.credentials, newRelicQueryKey, "an Insights query key")
	if err != nil {
		return nil, err
	}
	interval, err := windowOf(ProviderNewRelic, cfg.interval)
	if err != nil {
		return nil, err
	}
	return &NewRelic{endpoint: joinPath(address, "/v1/accounts/"+url.PathEscape(account)+"/query"), queryKey: key,
		fromDelta: int64(interval.Seconds()), client: clientFor(cfg.client, cfg.spec.InsecureSkipVerify)}, nil
}

// newRelicAnswer is the part of an Insights answer Flagger reads: only a
// function whose result is named "result" (percentage(), arithmetic
// between functions) gives a value; count(*) alone answers "count".
type newRelicAnswer struct {
	Results []struct {
		Result *float64 `json:"result"`
	} `json:"results"`
}

// RunQuery sends the query with Flagger's SINCE clause. New Relic places
// "seconds ago" by its own clock, so at is not sent.
func (n *NewRelic) RunQuery(ctx context.Context, query string, _ time.Time) (float64, error) {
	status, body, err := n.get(ctx, query)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("new relic answered %d %s: %s", status, http.StatusText(status), snippet(body))
	}
	var a newRelicAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("new relic answer is not the JSON of the Insights query API (%v): %s", err, snippet(body))
	}
	if len(a.Results) != 1 || a.Results[0].Result == nil {
		return 0, fmt.Errorf("new relic answered no \"result\" (Flagger reads only that field: write percentage() or arithmetic between functions) (%s): %w",
			snippet(body), ErrNoValuesFound)
	}
	return *a.Results[0].Result, nil
}

// IsOnline runs Flagger's probe query and expects 200.
func (n *NewRelic) IsOnline(ctx context.Context, _ time.Time) (bool, error) {
	status, body, err := n.get(ctx, newRelicOnlineQuery)
	if err != nil {
		return false, err
	}
	if status != http.StatusOK {
		return false, fmt.Errorf("new relic refused the probe query (%d %s): %s", status, http.StatusText(status), snippet(body))
	}
	return true, nil
}

func (n *NewRelic) get(ctx context.Context, query string) (int, []byte, error) {
	v := url.Values{"nrql": {fmt.Sprintf("%s SINCE %d seconds ago", query, n.fromDelta)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.endpoint+"?"+v.Encode(), nil)
	if err != nil {
		return 0, nil, fmt.Errorf("new relic address: %w", err)
	}
	req.Header.Set("X-Query-Key", n.queryKey)
	return do(ctx, n.client, ProviderNewRelic, req)
}
