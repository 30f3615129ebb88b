// This file tests the JSON encoding of query results.

package prom

import (
	"encoding/json"
	"math"
	"testing"

	jsoniter "github.com/json-iterator/go"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/util/jsonutil"
)

// The oracles in this file are Prometheus's own encoders (util/jsonutil, the
// jsoniter stream its label encoder writes to, promql's MarshalJSON methods
// and encoding/json), so each primitive is checked against what a server
// writes rather than against a hand-written expectation.

// viaStream runs one of Prometheus's stream encoders and returns its output.
func viaStream(fn func(*jsoniter.Stream)) string {
	stream := jsoniter.ConfigCompatibleWithStandardLibrary.BorrowStream(nil)
	defer jsoniter.ConfigCompatibleWithStandardLibrary.ReturnStream(stream)
	fn(stream)
	return string(stream.Buffer())
}

var testFloats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, 2.5, 123456.789, 1e-6, 9.99e-7, 1e-7, -1e-7,
	1e20, 1e21, -1e21, 1.5e300, math.MaxFloat64, math.SmallestNonzeroFloat64,
	math.NaN(), math.Inf(1), math.Inf(-1), math.Float64frombits(value.StaleNaN), 4.3999999999999995,
}

func TestAppendSampleValueMatchesPrometheus(t *testing.T) {
	for _, f := range testFloats {
		got := string(appendSampleValue(nil, f))
		want := viaStream(func(s *jsoniter.Stream) { jsonutil.MarshalFloat(f, s) })
		if got != want {
			t.Errorf("sample value %v: got %s, want %s", f, got, want)
		}
	}
}

var testMillis = []int64{0, 1, -1, 10, 999, 1000, 1500, 1001, -1500, 1704067320000, 1704067320500, 1704067320001, 1704067320099}

func TestAppendTimestampMatchesPrometheus(t *testing.T) {
	for _, ms := range testMillis {
		got := string(appendTimestamp(nil, ms))
		want := viaStream(func(s *jsoniter.Stream) { jsonutil.MarshalTimestamp(ms, s) })
		if got != want {
			t.Errorf("timestamp %d: got %s, want %s", ms, got, want)
		}
	}
}

func TestAppendScalarMatchesPrometheus(t *testing.T) {
	for _, ms := range testMillis {
		for _, f := range testFloats {
			sc := promql.Scalar{T: ms, V: f}
			want, err := sc.MarshalJSON()
			if err != nil {
				t.Fatalf("oracle: %v", err)
			}
			if got := string(appendScalar(nil, sc)); got != string(want) {
				t.Errorf("scalar %v at %d: got %s, want %s", f, ms, got, want)
			}
		}
	}
}

var testStrings = []string{
	"", "plain", `quote"`, `back\slash`, "tab\t", "nl\n", "cr\r", "\x01ctl", "\x7f", "\b\f",
	"<a href='x'>&amp;</a>", "ünïcødé", "line\u2028sep\u2029", "bad\xffutf8", "emoji 🚀",
}

func TestAppendStringValueMatchesPrometheus(t *testing.T) {
	for _, str := range testStrings {
		sv := promql.String{T: 1704067320500, V: str}
		want, err := sv.MarshalJSON()
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		if got := string(appendStringValue(nil, sv)); got != string(want) {
			t.Errorf("string %q: got %s, want %s", str, got, want)
		}
	}
}

func TestAppendLabelStringMatchesPrometheus(t *testing.T) {
	for _, str := range testStrings {
		got := string(appendLabelString(nil, str))
		want := viaStream(func(s *jsoniter.Stream) { s.WriteString(str) })
		if got != want {
			t.Errorf("label %q: got %s, want %s", str, got, want)
		}
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, str := range testStrings {
		want, err := json.Marshal(str)
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		if got := string(appendJSONString(nil, str)); got != string(want) {
			t.Errorf("string %q: got %s, want %s", str, got, want)
		}
	}
}

func TestAppendHistogramMatchesPrometheus(t *testing.T) {
	tests := []struct {
		name string
		h    *histogram.FloatHistogram
	}{
		{"exponential with zero bucket and an empty bucket", &histogram.FloatHistogram{
			Schema: 0, ZeroThreshold: 0.001, ZeroCount: 2, Count: 12, Sum: 12.5,
			PositiveSpans: []histogram.Span{{Offset: 0, Length: 2}, {Offset: 1, Length: 1}}, PositiveBuckets: []float64{1, 0, 3},
			NegativeSpans: []histogram.Span{{Offset: 1, Length: 1}}, NegativeBuckets: []float64{6},
		}},
		{"all buckets empty", &histogram.FloatHistogram{Schema: 1, Count: 0, Sum: 0,
			PositiveSpans: []histogram.Span{{Offset: 0, Length: 1}}, PositiveBuckets: []float64{0}}},
		{"custom buckets", &histogram.FloatHistogram{
			Schema: histogram.CustomBucketsSchema, Count: 5, Sum: 0.75, CustomValues: []float64{0.1, 0.5, 1},
			PositiveSpans: []histogram.Span{{Offset: 0, Length: 4}}, PositiveBuckets: []float64{1, 2, 0, 2},
		}},
		{"NaN sum", &histogram.FloatHistogram{Count: 1, Sum: math.NaN(),
			PositiveSpans: []histogram.Span{{Offset: 3, Length: 1}}, PositiveBuckets: []float64{1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendHistogram(nil, tt.h))
			want := viaStream(func(s *jsoniter.Stream) { jsonutil.MarshalHistogram(tt.h, s) })
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}
