// This file writes query results as the HTTP API's JSON, byte for byte as
// a stock Prometheus does.

package prom

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
)

// The encoders below write Prometheus's HTTP API JSON byte for byte: the
// same field order, the same number formats (which differ between sample
// values, scalars and timestamps), and "NaN"/"+Inf"/"-Inf" as strings.

// appendResult writes the "result" of a query: an array for vectors and
// matrices, a [time, "value"] pair for scalars and strings.
func appendResult(b []byte, v parser.Value) []byte {
	switch x := v.(type) {
	case promql.Vector:
		return appendVector(b, x)
	case promql.Matrix:
		return appendMatrix(b, x)
	case promql.Scalar:
		return appendScalar(b, x)
	case promql.String:
		return appendStringValue(b, x)
	}
	return append(b, "null"...)
}

func appendVector(b []byte, v promql.Vector) []byte {
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSample(b, s)
	}
	return append(b, ']')
}

// appendSample writes {"metric":{...},"value":[t,"v"]}, or "histogram" in
// place of "value" for a native histogram sample.
func appendSample(b []byte, s promql.Sample) []byte {
	b = append(b, `{"metric":`...)
	b = appendLabels(b, s.Metric)
	if s.H != nil {
		b = append(b, `,"histogram":[`...)
		b = appendTimestamp(b, s.T)
		b = append(b, ',')
		b = appendHistogram(b, s.H)
	} else {
		b = append(b, `,"value":[`...)
		b = appendTimestamp(b, s.T)
		b = append(b, ',')
		b = appendSampleValue(b, s.F)
	}
	return append(b, "]}"...)
}

func appendMatrix(b []byte, m promql.Matrix) []byte {
	b = append(b, '[')
	for i, s := range m {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSeries(b, s)
	}
	return append(b, ']')
}

// appendSeries writes {"metric":{...},"values":[...],"histograms":[...]},
// leaving out an empty "values" or "histograms".
func appendSeries(b []byte, s promql.Series) []byte {
	b = append(b, `{"metric":`...)
	b = appendLabels(b, s.Metric)
	if len(s.Floats) > 0 {
		b = append(b, `,"values":`...)
		b = appendFloatPoints(b, s.Floats)
	}
	if len(s.Histograms) > 0 {
		b = append(b, `,"histograms":`...)
		b = appendHistogramPoints(b, s.Histograms)
	}
	return append(b, '}')
}

func appendFloatPoints(b []byte, ps []promql.FPoint) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendTimestamp(b, p.T)
		b = append(b, ',')
		b = appendSampleValue(b, p.F)
		b = append(b, ']')
	}
	return append(b, ']')
}

func appendHistogramPoints(b []byte, ps []promql.HPoint) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendTimestamp(b, p.T)
		b = append(b, ',')
		b = appendHistogram(b, p.H)
		b = append(b, ']')
	}
	return append(b, ']')
}

// appendScalar writes [t,"v"]. Unlike sample values, a scalar's value is
// never in exponent form and its time has no trailing zeros (1.5, not 1.500).
func appendScalar(b []byte, s promql.Scalar) []byte {
	b = append(b, '[')
	b = appendSecondsFloat(b, s.T)
	b = append(b, ',', '"')
	b = strconv.AppendFloat(b, s.V, 'f', -1, 64)
	return append(b, '"', ']')
}

func appendStringValue(b []byte, s promql.String) []byte {
	b = append(b, '[')
	b = appendSecondsFloat(b, s.T)
	b = append(b, ',')
	b = appendJSONString(b, s.V)
	return append(b, ']')
}

func appendLabels(b []byte, ls labels.Labels) []byte {
	b = append(b, '{')
	first := true
	ls.Range(func(l labels.Label) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendLabelString(b, l.Name)
		b = append(b, ':')
		b = appendLabelString(b, l.Value)
	})
	return append(b, '}')
}

// appendTimestamp writes milliseconds as seconds with exactly the digits
// needed up to the millisecond: 1435781451.781, 1435781451.500, 1435781451.
func appendTimestamp(b []byte, t int64) []byte {
	if t < 0 {
		b = append(b, '-')
		t = -t
	}
	b = strconv.AppendInt(b, t/1000, 10)
	frac := t % 1000
	if frac == 0 {
		return b
	}
	b = append(b, '.')
	if frac < 100 {
		b = append(b, '0')
	}
	if frac < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, frac, 10)
}

// appendSecondsFloat writes a time as encoding/json writes the float64
// t/1000, which is how scalars and strings carry their time.
func appendSecondsFloat(b []byte, t int64) []byte {
	return strconv.AppendFloat(b, float64(t)/1000, 'f', -1, 64)
}

// appendSampleValue writes a sample value as a JSON string, in exponent form
// only when very small or very large.
func appendSampleValue(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = append(b, '"')
	b = strconv.AppendFloat(b, f, format, -1, 64)
	return append(b, '"')
}

// appendHistogram writes {"count":"c","sum":"s","buckets":[[rule,"lo","hi","n"],...]},
// leaving out empty buckets (and "buckets" when all are empty).
func appendHistogram(b []byte, h *histogram.FloatHistogram) []byte {
	b = append(b, `{"count":`...)
	b = appendSampleValue(b, h.Count)
	b = append(b, `,"sum":`...)
	b = appendSampleValue(b, h.Sum)
	found := false
	it := h.AllBucketIterator()
	for it.Next() {
		bucket := it.At()
		if bucket.Count == 0 {
			continue
		}
		if found {
			b = append(b, ',')
		} else {
			b = append(b, `,"buckets":[`...)
			found = true
		}
		b = appendBucket(b, bucket)
	}
	if found {
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendBucket(b []byte, bucket histogram.Bucket[float64]) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(boundaryRule(bucket.LowerInclusive, bucket.UpperInclusive)), 10)
	b = append(b, ',')
	b = appendSampleValue(b, bucket.Lower)
	b = append(b, ',')
	b = appendSampleValue(b, bucket.Upper)
	b = append(b, ',')
	b = appendSampleValue(b, bucket.Count)
	return append(b, ']')
}

// boundaryRule is the API's code for which ends of a bucket are inclusive:
// 0 upper only, 1 lower only, 2 neither, 3 both.
func boundaryRule(lowerInclusive, upperInclusive bool) int {
	switch {
	case lowerInclusive && upperInclusive:
		return 3
	case lowerInclusive:
		return 1
	case upperInclusive:
		return 0
	}
	return 2
}

// appendLabelString writes a label name or value the way Prometheus's fast
// label encoder does, which differs from encoding/json: only quote,
// backslash and control characters are escaped; <, >, &, and any byte from
// 0x80 up (valid UTF-8 or not) are written as they are.
func appendLabelString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		b = appendLabelByte(b, s[i])
	}
	return append(b, '"')
}

func appendLabelByte(b []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	switch {
	case c == '"' || c == '\\':
		return append(b, '\\', c)
	case c == '\n':
		return append(b, '\\', 'n')
	case c == '\r':
		return append(b, '\\', 'r')
	case c == '\t':
		return append(b, '\\', 't')
	case c < 0x20:
		return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
	}
	return append(b, c)
}

// appendJSONString writes s as encoding/json does (escaping <, > and & too),
// which is how Prometheus writes string results, errors and warnings.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}
