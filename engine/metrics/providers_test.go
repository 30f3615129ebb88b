// This file tests each non-Prometheus provider's wire format and answers (Datadog, New Relic,
// Graphite, Dynatrace, CloudWatch), configuration errors, and SigV4 against AWS's own example.

package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// evalAt is the evaluation time of every provider test: 2026-01-01T00:10:00Z.
var evalAt = time.Date(2026, 1, 1, 0, 10, 0, 0, time.UTC)

// wire is one request a provider sent, as the server saw it.
type wire struct {
	method, path string
	query        url.Values
	header       http.Header
	body         string
}

// answering starts a server that records the request and answers status
// and body, and returns it with the recorded request.
func answering(t *testing.T, status int, body string) (*httptest.Server, *wire) {
	t.Helper()
	seen := &wire{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*seen = wire{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: string(b)}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func build(t *testing.T, cfg providerConfig) Provider {
	t.Helper()
	p, err := newProvider(cfg)
	if err != nil {
		t.Fatalf("newProvider: %v", err)
	}
	return p
}

func ddCreds() map[string][]byte {
	return map[string][]byte{"datadog_api_key": []byte("api-k"), "datadog_application_key": []byte("app-k")}
}

func TestDatadogWire(t *testing.T) {
	srv, seen := answering(t, 200, `{"status":"ok","res_type":"time_series","series":[{"metric":"trace.http.request.errors",`+
		`"pointlist":[[1767225000000.0,2.5],[1767225020000.0,3.0]],"scope":"service:podinfo-canary"}],"from_date":1767225000000,"to_date":1767225600000}`)
	p := build(t, providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "datadog", Address: srv.URL}, credentials: ddCreds()})
	q := "sum:trace.http.request.errors{service:podinfo-canary}.as_count()"
	v, err := p.RunQuery(context.Background(), q, evalAt)
	if err != nil || v != 2.5 {
		t.Fatalf("RunQuery = %v, %v; want the oldest point 2.5", v, err)
	}
	want := wire{method: "GET", path: "/api/v1/query", query: url.Values{"query": {q}, "from": {"1767225600"}, "to": {"1767226200"}}}
	checkWire(t, *seen, want, map[string]string{"DD-API-KEY": "api-k", "DD-APPLICATION-KEY": "app-k"})
}

func TestDatadogAnswers(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       float64
		noValues   bool
		wantErr    string
	}{
		{"no series", `{"series":[]}`, 200, 0, true, ""},
		{"empty pointlist", `{"series":[{"pointlist":[]}]}`, 200, 0, true, ""},
		{"first series wins", `{"series":[{"pointlist":[[1,7]]},{"pointlist":[[1,9]]}]}`, 200, 7, false, ""},
		{"null reads as zero, as in Flagger", `{"series":[{"pointlist":[[1,null],[2,4]]}]}`, 200, 0, false, ""},
		{"forbidden", `{"errors":["Forbidden"]}`, 403, 0, false, "datadog answered 403 Forbidden"},
		{"not json", `<html>`, 200, 0, false, "not the JSON of /api/v1/query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := answering(t, tt.status, tt.body)
			p := build(t, providerConfig{interval: "30s", spec: v1beta1.MetricTemplateProvider{Type: "datadog", Address: srv.URL}, credentials: ddCreds()})
			v, err := p.RunQuery(context.Background(), "avg:x{*}", evalAt)
			checkAnswer(t, v, err, tt.want, tt.noValues, tt.wantErr)
		})
	}
}

func TestProviderConfigErrors(t *testing.T) {
	tests := []struct {
		name     string
		cfg      providerConfig
		wantErr  string
		rehearse bool // wraps ErrProviderNotRehearsable
	}{
		{"datadog without secret", providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "datadog"}},
			`datadog needs a secretRef whose secret holds "datadog_api_key"`, false},
		{"datadog without app key", providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "datadog"},
			credentials: map[string][]byte{"datadog_api_key": nil}}, `datadog credentials have no "datadog_application_key" key`, false},
		{"datadog interval Prometheus style", providerConfig{interval: "1d", spec: v1beta1.MetricTemplateProvider{Type: "datadog"}, credentials: ddCreds()},
			`"1d" is not a Go duration`, false},
		{"newrelic account first", providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "newrelic"},
			credentials: map[string][]byte{"newrelic_query_key": []byte("k")}}, `newrelic credentials have no "newrelic_account_id" key`, false},
		{"graphite without address", providerConfig{spec: v1beta1.MetricTemplateProvider{Type: "graphite"}}, "graphite address", false},
		{"graphite secret without password", providerConfig{spec: v1beta1.MetricTemplateProvider{Type: "graphite", Address: "http://g"},
			credentials: map[string][]byte{"username": []byte("u")}}, `graphite credentials have no "password" key`, false},
		{"cloudwatch without region", providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "cloudwatch", Address: "http://x"}},
			"cloudwatch needs spec.provider.region", false},
		{"dynatrace without token", providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "dynatrace", Address: "https://e"},
			credentials: map[string][]byte{}}, `dynatrace credentials have no "dynatrace_token" key`, false},
		{"stackdriver refused", providerConfig{spec: v1beta1.MetricTemplateProvider{Type: "stackdriver"}},
			"provider type stackdriver is supported by Flagger, but rehearse cannot rehearse it", true},
		{"keptn refused", providerConfig{spec: v1beta1.MetricTemplateProvider{Type: "keptn"}}, "rehearse cannot rehearse it", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newProvider(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to say %q", err, tt.wantErr)
			}
			if errors.Is(err, ErrProviderNotRehearsable) != tt.rehearse {
				t.Errorf("errors.Is(err, ErrProviderNotRehearsable) = %v, want %v", !tt.rehearse, tt.rehearse)
			}
		})
	}
}

func TestNewRelicWire(t *testing.T) {
	srv, seen := answering(t, 200, `{"results":[{"result":2.7027027027027026}],"metadata":{"eventTypes":["Transaction"]}}`)
	p := build(t, providerConfig{interval: "2m", spec: v1beta1.MetricTemplateProvider{Type: "newrelic", Address: srv.URL},
		credentials: map[string][]byte{"newrelic_account_id": []byte("100"), "newrelic_query_key": []byte("NRIQ-k")}})
	q := "SELECT percentage(count(*), WHERE httpResponseCode >= 500) FROM Transaction WHERE appName = 'podinfo-canary'"
	v, err := p.RunQuery(context.Background(), q, evalAt)
	if err != nil || v != 2.7027027027027026 {
		t.Fatalf("RunQuery = %v, %v", v, err)
	}
	want := wire{method: "GET", path: "/v1/accounts/100/query", query: url.Values{"nrql": {q + " SINCE 120 seconds ago"}}}
	checkWire(t, *seen, want, map[string]string{"X-Query-Key": "NRIQ-k"})
}

func TestNewRelicAnswers(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       float64
		noValues   bool
		wantErr    string
	}{
		{"count alone has no result field", `{"results":[{"count":1234}]}`, 200, 0, true, ""},
		{"percentile has no result field", `{"results":[{"percentiles":{"99":0.31}}]}`, 200, 0, true, ""},
		{"arithmetic", `{"results":[{"result":0.5}]}`, 200, 0.5, false, ""},
		{"null result", `{"results":[{"result":null}]}`, 200, 0, true, ""},
		{"two results", `{"results":[{"result":1},{"result":2}]}`, 200, 0, true, ""},
		{"bad nrql", `{"error":"NRQL Syntax Error: Error evalAt line 1 position 8"}`, 400, 0, false, "new relic answered 400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := answering(t, tt.status, tt.body)
			p := build(t, providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "newrelic", Address: srv.URL},
				credentials: map[string][]byte{"newrelic_account_id": []byte("1"), "newrelic_query_key": []byte("k")}})
			v, err := p.RunQuery(context.Background(), "SELECT count(*) FROM Transaction", evalAt)
			checkAnswer(t, v, err, tt.want, tt.noValues, tt.wantErr)
		})
	}
}

func TestGraphiteWire(t *testing.T) {
	srv, seen := answering(t, 200, `[{"target":"a","datapoints":[[1.5,1767225540],[null,1767225550]]},`+
		`{"target":"b","datapoints":[[2,1767225540],["3.25",1767225550],[null,1767225560]]}]`)
	p := build(t, providerConfig{spec: v1beta1.MetricTemplateProvider{Type: "graphite", Address: srv.URL + "/graphite"},
		credentials: map[string][]byte{"username": []byte("u"), "password": []byte("p")}})
	q := "target=divideSeries(\n  sumSeries(stats.podinfo-canary.5xx),\n  sumSeries(stats.podinfo-canary.requests))&from=-1min"
	v, err := p.RunQuery(context.Background(), q, evalAt)
	if err != nil || v != 3.25 {
		t.Fatalf("RunQuery = %v, %v; want the last non-null value, 3.25", v, err)
	}
	want := wire{method: "GET", path: "/graphite/render", query: url.Values{"format": {"json"}, "from": {"-1min"},
		"target": {"divideSeries( sumSeries(stats.podinfo-canary.5xx), sumSeries(stats.podinfo-canary.requests))"}}}
	checkWire(t, *seen, want, map[string]string{"Authorization": "Basic dTpw"})
}

func TestGraphiteAnswers(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       float64
		noValues   bool
		wantErr    string
	}{
		{"no series", `[]`, 200, 0, true, ""},
		{"only nulls", `[{"target":"x","datapoints":[[null,1],[null,2]]}]`, 200, 0, true, ""},
		{"server error", `boom`, 500, 0, false, "graphite answered 500"},
		{"bad value", `[{"target":"x","datapoints":[["x",1]]}]`, 200, 0, false, `"x" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := answering(t, tt.status, tt.body)
			p := build(t, providerConfig{spec: v1beta1.MetricTemplateProvider{Type: "graphite", Address: srv.URL}})
			v, err := p.RunQuery(context.Background(), "target=x", evalAt)
			checkAnswer(t, v, err, tt.want, tt.noValues, tt.wantErr)
		})
	}
}

func TestDynatraceWire(t *testing.T) {
	srv, seen := answering(t, 200, `{"totalCount":1,"resolution":"Inf","result":[{"metricId":"builtin:service.errors.server.rate",`+
		`"data":[{"dimensions":["SERVICE-1"],"timestamps":[1767225600000],"values":[1.5]},{"dimensions":["SERVICE-2"],"timestamps":[1767225600000],"values":[4]}]}]}`)
	p := build(t, providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "dynatrace", Address: srv.URL},
		credentials: map[string][]byte{"dynatrace_token": []byte("dt0c01.x")}})
	q := `builtin:service.errors.server.rate:filter(eq("dt.entity.service.name","podinfo-canary")):avg`
	v, err := p.RunQuery(context.Background(), q, evalAt)
	if err != nil || v != 4 {
		t.Fatalf("RunQuery = %v, %v; want the last series' first value, 4", v, err)
	}
	want := wire{method: "GET", path: "/api/v2/metrics/query", query: url.Values{"metricSelector": {q}, "resolution": {"Inf"},
		"from": {"1767225600000"}, "to": {"1767226200000"}}}
	checkWire(t, *seen, want, map[string]string{"Authorization": "Api-Token dt0c01.x"})
}

func TestCloudWatchWire(t *testing.T) {
	srv, seen := answering(t, 200, `<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <GetMetricDataResult>
    <MetricDataResults>
      <member><Id>e1</Id><Label>ErrorRate</Label><StatusCode>Complete</StatusCode>
        <Timestamps><member>2026-01-01T00:09:00Z</member><member>2026-01-01T00:08:00Z</member></Timestamps>
        <Values><member>0.25</member><member>0.5</member></Values></member>
    </MetricDataResults>
    <Messages/>
  </GetMetricDataResult>
  <ResponseMetadata><RequestId>0f3b</RequestId></ResponseMetadata>
</GetMetricDataResponse>`)
	client := &http.Client{Transport: redirect{to: srv.URL}}
	p := build(t, providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "cloudwatch", Region: "eu-west-1"}, client: client,
		aws: func(context.Context) (AWSCredentials, error) {
			return AWSCredentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, nil
		}})
	q := `[{"Id":"e1","Expression":"m1 / m2","Label":"ErrorRate"},
	  {"Id":"m1","MetricStat":{"Metric":{"Namespace":"App","MetricName":"ErrorCount","Dimensions":[{"Name":"appName","Value":"podinfo-canary"}]},"Period":60,"Stat":"Sum"},"ReturnData":false}]`
	v, err := p.RunQuery(context.Background(), q, evalAt)
	if err != nil || v != 0.25 {
		t.Fatalf("RunQuery = %v, %v; want the newest value, 0.25", v, err)
	}
	form, _ := url.ParseQuery(seen.body)
	want := url.Values{"Action": {"GetMetricData"}, "Version": {"2010-08-01"}, "StartTime": {"2026-01-01T00:00:00Z"},
		"EndTime": {"2026-01-01T00:10:00Z"}, "MaxDatapoints": {"20"},
		"MetricDataQueries.member.1.Id": {"e1"}, "MetricDataQueries.member.1.Expression": {"m1 / m2"},
		"MetricDataQueries.member.1.Label":                                       {"ErrorRate"},
		"MetricDataQueries.member.2.Id":                                          {"m1"},
		"MetricDataQueries.member.2.MetricStat.Metric.Namespace":                 {"App"},
		"MetricDataQueries.member.2.MetricStat.Metric.MetricName":                {"ErrorCount"},
		"MetricDataQueries.member.2.MetricStat.Metric.Dimensions.member.1.Name":  {"appName"},
		"MetricDataQueries.member.2.MetricStat.Metric.Dimensions.member.1.Value": {"podinfo-canary"},
		"MetricDataQueries.member.2.MetricStat.Period":                           {"60"},
		"MetricDataQueries.member.2.MetricStat.Stat":                             {"Sum"},
		"MetricDataQueries.member.2.ReturnData":                                  {"false"},
	}
	if form.Encode() != want.Encode() {
		t.Errorf("form =\n%s\nwant\n%s", form.Encode(), want.Encode())
	}
	if seen.method != "POST" || seen.header.Get("X-Amz-Date") != "20260101T001000Z" ||
		!strings.HasPrefix(seen.header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/monitoring/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=") {
		t.Errorf("request %s with X-Amz-Date %q, Authorization %q", seen.method, seen.header.Get("X-Amz-Date"), seen.header.Get("Authorization"))
	}
	if seen.header.Get("X-Original-Host") != "monitoring.eu-west-1.amazonaws.com" {
		t.Errorf("sent to %q, want the regional endpoint", seen.header.Get("X-Original-Host"))
	}
}

func TestCloudWatchAnswers(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       float64
		noValues   bool
		wantErr    string
	}{
		{"no values", `<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member><Id>e1</Id><Timestamps/><Values/></member></MetricDataResults></GetMetricDataResult></GetMetricDataResponse>`, 200, 0, true, ""},
		{"no results", `<GetMetricDataResponse><GetMetricDataResult><MetricDataResults/></GetMetricDataResult></GetMetricDataResponse>`, 200, 0, true, ""},
		{"validation error", `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>The expression m3 is not valid</Message></Error></ErrorResponse>`,
			400, 0, false, "cloudwatch answered 400 ValidationError: The expression m3 is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := answering(t, tt.status, tt.body)
			p := build(t, providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "cloudwatch", Region: "us-east-1"},
				client: &http.Client{Transport: redirect{to: srv.URL}},
				aws: func(context.Context) (AWSCredentials, error) {
					return AWSCredentials{AccessKeyID: "a", SecretAccessKey: "b"}, nil
				}})
			v, err := p.RunQuery(context.Background(), `[{"Id":"e1","Expression":"1"}]`, evalAt)
			checkAnswer(t, v, err, tt.want, tt.noValues, tt.wantErr)
		})
	}
	if _, err := ParseMetricDataQueries(`{"Id":"e1"}`); err == nil || !strings.Contains(err.Error(), "not a JSON array of MetricDataQuery") {
		t.Errorf("an object for a query: err = %v", err)
	}
}

// TestCloudWatchOnline: AWS answers an empty GetMetricData 400 when the
// credentials may call it (online), 403 when they may not.
func TestCloudWatchOnline(t *testing.T) {
	for status, online := range map[int]bool{400: true, 200: true, 403: false} {
		srv, seen := answering(t, status, `<ErrorResponse><Error><Code>X</Code><Message>m</Message></Error></ErrorResponse>`)
		p := build(t, providerConfig{interval: "1m", spec: v1beta1.MetricTemplateProvider{Type: "cloudwatch", Region: "us-east-1"},
			client: &http.Client{Transport: redirect{to: srv.URL}},
			aws: func(context.Context) (AWSCredentials, error) {
				return AWSCredentials{AccessKeyID: "a", SecretAccessKey: "b"}, nil
			}})
		ok, err := p.IsOnline(context.Background(), evalAt)
		if ok != online || (err == nil) != online {
			t.Errorf("status %d: IsOnline = %v, %v; want %v", status, ok, err, online)
		}
		if form, _ := url.ParseQuery(seen.body); !form.Has("MetricDataQueries") || form.Get("StartTime") != "0001-01-01T00:00:00Z" {
			t.Errorf("probe form = %s, want an empty MetricDataQueries and zero times", seen.body)
		}
	}
}

// TestSignV4KnownAnswer checks the signer against the example AWS's
// general reference signs (IAM ListUsers, 2015-08-30 12:36:00 UTC).
func TestSignV4KnownAnswer(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	signV4(req, nil, AWSCredentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
		"us-east-1", "iam", time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC))
	want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
		"Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization =\n%s\nwant\n%s", got, want)
	}
}

// redirect sends every request to a test server, keeping the host the
// client meant in X-Original-Host.
type redirect struct{ to string }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	u, _ := url.Parse(r.to)
	out := req.Clone(req.Context())
	out.Header.Set("X-Original-Host", req.URL.Host)
	out.URL.Scheme, out.URL.Host, out.Host = u.Scheme, u.Host, u.Host
	return http.DefaultTransport.RoundTrip(out)
}

func checkWire(t *testing.T, got, want wire, headers map[string]string) {
	t.Helper()
	if got.method != want.method || got.path != want.path || got.query.Encode() != want.query.Encode() {
		t.Errorf("request = %s %s?%s\nwant      %s %s?%s", got.method, got.path, got.query.Encode(), want.method, want.path, want.query.Encode())
	}
	for k, v := range headers {
		if got.header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, got.header.Get(k), v)
		}
	}
}

func checkAnswer(t *testing.T, v float64, err error, want float64, noValues bool, wantErr string) {
	t.Helper()
	switch {
	case noValues:
		if !errors.Is(err, ErrNoValuesFound) {
			t.Errorf("err = %v, want ErrNoValuesFound", err)
		}
	case wantErr != "":
		if err == nil || !strings.Contains(err.Error(), wantErr) || errors.Is(err, ErrNoValuesFound) {
			t.Errorf("err = %v, want one saying %q", err, wantErr)
		}
	case err != nil || v != want:
		t.Errorf("RunQuery = %v, %v; want %v", v, err, want)
	}
}
