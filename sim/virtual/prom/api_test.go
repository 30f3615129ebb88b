// This file tests the HTTP API's answers, byte for byte as a stock server's.

package prom

import (
	"net/http"
	"net/url"
	"runtime"
	"testing"
	"time"
)

// apiServer holds the series every API format test queries; its clock reads
// t0+2m (1704067320), the time of the last loaded sample.
func apiServer(t *testing.T) *Server {
	s := newTestServer(t, Options{}, t0.Add(2*time.Minute))
	load(t, s,
		[2]string{`up{job="b"}`, "1+1x8"}, // loaded first, answered second
		[2]string{`up{job="a"}`, "0x8"},
		[2]string{`http_requests_total{code="200"}`, "0+60x8"},
		[2]string{`http_requests_total{code="500"}`, "0+6x8"},
		[2]string{`gone`, "1 stale"},
	)
	return s
}

func TestQueryAPIFormat(t *testing.T) {
	h := apiServer(t).Handler()
	tests := []struct {
		name   string
		target string
		status int
		body   string
	}{
		{"vector sorted by labels", queryURL("/api/v1/query", "up"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1704067320,"0"]},{"metric":{"__name__":"up","job":"b"},"value":[1704067320,"9"]}]}}`},
		{"sort_desc keeps its order", queryURL("/api/v1/query", "sort_desc(up)"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"b"},"value":[1704067320,"9"]},{"metric":{"__name__":"up","job":"a"},"value":[1704067320,"0"]}]}}`},
		{"scalar", queryURL("/api/v1/query", "1+1"), 200,
			`{"status":"success","data":{"resultType":"scalar","result":[1704067320,"2"]}}`},
		{"scalar never in exponent form", queryURL("/api/v1/query", "scalar(vector(1e21))"), 200,
			`{"status":"success","data":{"resultType":"scalar","result":[1704067320,"1000000000000000000000"]}}`},
		{"string, HTML-escaped", queryURL("/api/v1/query", `"a<b"`), 200,
			`{"status":"success","data":{"resultType":"string","result":[1704067320,"a\u003cb"]}}`},
		{"matrix from a range selector, window open on the left", queryURL("/api/v1/query", `up{job="a"}[30s]`), 200,
			`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a"},"values":[[1704067305,"0"],[1704067320,"0"]]}]}}`},
		{"NaN", queryURL("/api/v1/query", "vector(0)/0"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704067320,"NaN"]}]}}`},
		{"+Inf", queryURL("/api/v1/query", "vector(1)/0"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704067320,"+Inf"]}]}}`},
		{"-Inf", queryURL("/api/v1/query", "vector(-1)/0"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704067320,"-Inf"]}]}}`},
		{"tiny value in exponent form", queryURL("/api/v1/query", "vector(1e-7)"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704067320,"1e-07"]}]}}`},
		{"sub-second time: vector pads, scalar does not", queryURL("/api/v1/query", "vector(time())", "time=1704067320.5"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704067320.500,"1704067320.5"]}]}}`},
		{"sub-second scalar time", queryURL("/api/v1/query", "time()", "time=1704067320.5"), 200,
			`{"status":"success","data":{"resultType":"scalar","result":[1704067320.5,"1704067320.5"]}}`},
		{"sum of rates of counters", queryURL("/api/v1/query", "sum(rate(http_requests_total[1m]))"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704067320,"4.3999999999999995"]}]}}`},
		{"rate of a non-counter carries an info", queryURL("/api/v1/query", `rate(up{job="b"}[1m])`), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"b"},"value":[1704067320,"0.06666666666666665"]}]},"infos":["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"up\" (1:6)"]}`},
		{"stale series is gone", queryURL("/api/v1/query", "gone"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[]}}`},
		{"limit truncates with a warning", queryURL("/api/v1/query", "up", "limit=1"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1704067320,"0"]}]},"warnings":["results truncated due to limit"]}`},
		{"lookback_delta narrows the lookback", queryURL("/api/v1/query", "up", "time=1704067330", "lookback_delta=10s"), 200,
			`{"status":"success","data":{"resultType":"vector","result":[]}}`},
		{"parse error", queryURL("/api/v1/query", "sum("), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"}`},
		{"missing query", "/api/v1/query", 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": unknown position: parse error: no expression found in input"}`},
		{"execution error", queryURL("/api/v1/query", "up + on() up"), 422,
			`{"status":"error","errorType":"execution","error":"found duplicate series for the match group {} on the right hand-side of the operation: [{__name__=\"up\", job=\"a\"}, {__name__=\"up\", job=\"b\"}];many-to-many matching not allowed: matching labels must be unique on one side"}`},
		{"timeout already passed", queryURL("/api/v1/query", "up", "timeout=-1"), 503,
			`{"status":"error","errorType":"timeout","error":"query timed out in query execution"}`},
		{"bad time", queryURL("/api/v1/query", "up", "time=yesterday"), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"time\": invalid time value for 'time': cannot parse \"yesterday\" to a valid timestamp"}`},
		{"bad timeout", queryURL("/api/v1/query", "up", "timeout=soon"), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration"}`},
		{"bad limit", queryURL("/api/v1/query", "up", "limit=x"), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax"}`},
		{"negative limit", queryURL("/api/v1/query", "up", "limit=-1"), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"limit\": limit must be non-negative"}`},
		{"bad lookback_delta", queryURL("/api/v1/query", "up", "lookback_delta=x"), 400,
			`{"status":"error","errorType":"bad_data","error":"error parsing lookback delta duration: cannot parse \"x\" to a valid duration"}`},
		{"range query", queryURL("/api/v1/query_range", "up", "start=1704067200", "end=1704067260", "step=30s"), 200,
			`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a"},"values":[[1704067200,"0"],[1704067230,"0"],[1704067260,"0"]]},{"metric":{"__name__":"up","job":"b"},"values":[[1704067200,"1"],[1704067230,"3"],[1704067260,"5"]]}]}}`},
		{"range query, RFC 3339 and float step", queryURL("/api/v1/query_range", "gone", "start=2024-01-01T00:00:00Z", "end=2024-01-01T00:00:30Z", "step=15"), 200,
			`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"gone"},"values":[[1704067200,"1"]]}]}}`},
		{"range query without start", queryURL("/api/v1/query_range", "up", "end=1704067260", "step=30s"), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"start\": cannot parse \"\" to a valid timestamp"}`},
		{"range query ending before it starts", queryURL("/api/v1/query_range", "up", "start=1704067260", "end=1704067200", "step=30s"), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"end\": end timestamp must not be before start time"}`},
		{"range query with zero step", queryURL("/api/v1/query_range", "up", "start=1704067200", "end=1704067260", "step=0"), 400,
			`{"status":"error","errorType":"bad_data","error":"invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer"}`},
		{"range query with too many points", queryURL("/api/v1/query_range", "up", "start=0", "end=1704067260", "step=1"), 400,
			`{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(t, h, tt.target)
			if got.status != tt.status || got.body != tt.body {
				t.Errorf("GET %s\n got %d %s\nwant %d %s", tt.target, got.status, got.body, tt.status, tt.body)
			}
			if got.contentType != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got.contentType)
			}
		})
	}
}

func TestQueryAPIPostForm(t *testing.T) {
	h := apiServer(t).Handler()
	tests := []struct {
		path string
		form url.Values
		want string
	}{
		{"/api/v1/query", url.Values{"query": {`up{job="b"}`}, "time": {"1704067215"}},
			`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"b"},"value":[1704067215,"2"]}]}}`},
		{"/api/v1/query_range", url.Values{"query": {`up{job="b"}`}, "start": {"1704067200"}, "end": {"1704067215"}, "step": {"15s"}},
			`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"b"},"values":[[1704067200,"1"],[1704067215,"2"]]}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := postForm(t, h, tt.path, tt.form)
			if got.status != http.StatusOK || got.body != tt.want {
				t.Errorf("POST %s %v\n got %d %s\nwant 200 %s", tt.path, tt.form, got.status, got.body, tt.want)
			}
		})
	}
}

func TestOtherEndpoints(t *testing.T) {
	h := apiServer(t).Handler()
	tests := []struct {
		method, target string
		status         int
		body           string
	}{
		{"GET", "/-/healthy", 200, "Prometheus Server is Healthy.\n"},
		{"GET", "/-/ready", 200, "Prometheus Server is Ready.\n"},
		{"GET", "/api/v1/status/buildinfo", 200,
			`{"status":"success","data":{"version":"3.13.5","revision":"","branch":"","buildUser":"rehearse","buildDate":"","goVersion":"` + runtime.Version() + `"}}`},
		{"OPTIONS", "/api/v1/query", 204, ""},
		{"DELETE", "/api/v1/query", 405, "Method Not Allowed\n"},
		{"GET", "/api/v1/labels", 404, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			got := serve(t, h, newRequest(tt.method, tt.target))
			if got.status != tt.status || got.body != tt.body {
				t.Errorf("%s %s\n got %d %q\nwant %d %q", tt.method, tt.target, got.status, got.body, tt.status, tt.body)
			}
		})
	}
}

func TestNativeHistogramAnswers(t *testing.T) {
	s := newTestServer(t, Options{}, t0.Add(15*time.Second))
	load(t, s, [2]string{"h", "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x1"})
	h := s.Handler()
	tests := []struct{ query, want string }{
		{"h", `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"h"},"histogram":[1704067215,{"count":"4","sum":"5","buckets":[[0,"0.5","1","1"],[0,"1","2","2"],[0,"2","4","1"]]}]}]}}`},
		{"h[30s]", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"h"},"histograms":[[1704067200,{"count":"4","sum":"5","buckets":[[0,"0.5","1","1"],[0,"1","2","2"],[0,"2","4","1"]]}],[1704067215,{"count":"4","sum":"5","buckets":[[0,"0.5","1","1"],[0,"1","2","2"],[0,"2","4","1"]]}]]}]}}`},
	}
	for _, tt := range tests {
		got := get(t, h, queryURL("/api/v1/query", tt.query))
		if got.body != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.query, got.body, tt.want)
		}
	}
}
