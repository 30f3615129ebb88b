// This file checks that the reflection-free reading of canonical answers reads them as
// encoding/json does, and takes what Prometheus writes.

package metrics

import (
	"math"
	"testing"
)

// canonicalBodies are answers as Prometheus writes them (canonical: true)
// and near misses, which must be left to encoding/json.
var canonicalBodies = []struct {
	body      string
	canonical bool
}{
	{vectorBody("99.5"), true},
	{vectorBody("1", "2", "3"), true},
	{vectorBody(), true},
	{vectorBody("NaN"), true},
	{vectorBody("5", "NaN"), true},
	{vectorBody("+Inf"), true},
	{vectorBody("-1e-7"), true},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767323045,"0"]}]}}`, true},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b","ü":"<&>"},"value":[-1.5,"2"]}]}}`, true},
	{`{"status":"success","data":{"resultType":"scalar","result":[1767323045.678,"42"]}}`, true},
	{`{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}`, true},
	// Near misses: valid or not, encoding/json reads them.
	{vectorBody("abc"), false},
	{vectorBody("0x1p-2"), true}, // strconv.ParseFloat takes it, in decodeJSON too
	{vectorBody("\xff"), false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"\"q\""},"value":[1,"2"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"\u0032"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[01,"2"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1e3,"2"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1.,"2"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2","3"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"2"],"metric":{}}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]},"warnings":["w"]}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]}}` + "\n", false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]},]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a"},"value":[1,"2"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"b",},"value":[1,"2"]}]}}`, false},
	{`{"status":"success","data":{"resultType":"vector", "result":[]}}`, false},
	{`{"status":"success","data":{"resultType":"scalar","result":[1,"2"]},"x":1}`, false},
	{`{"status":"success","data":{"resultType":"matrix","result":[]}}`, false},
	{`{"status":"error","errorType":"bad_data","error":"parse error"}`, false},
	{``, false},
}

func TestCanonicalReadsAsJSON(t *testing.T) {
	for _, tt := range canonicalBodies {
		_, _, ok := canonicalValue([]byte(tt.body))
		if ok != tt.canonical {
			t.Errorf("%s: read without reflection %v, want %v", tt.body, ok, tt.canonical)
		}
		checkCanonical(t, []byte(tt.body))
	}
}

// FuzzCanonicalValue: whatever body canonicalValue takes, decodeJSON reads
// to the same value or error.
func FuzzCanonicalValue(f *testing.F) {
	for _, tt := range canonicalBodies {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(checkCanonical)
}

// checkCanonical fails if canonicalValue takes body and reads it otherwise
// than decodeJSON.
func checkCanonical(t *testing.T, body []byte) {
	v, found, ok := canonicalValue(body)
	if !ok {
		return
	}
	got, gotErr := valueOrNone(v, found)
	want, wantErr := decodeJSON(body)
	if math.Float64bits(got) != math.Float64bits(want) || errText(gotErr) != errText(wantErr) {
		t.Errorf("%s: read as %v, %v; encoding/json reads %v, %v", body, got, gotErr, want, wantErr)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
