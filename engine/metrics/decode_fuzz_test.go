// This file fuzzes answer decoding: no panic on any body, and NaN never reaches the analysis as a
// value.

package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"
)

// FuzzDecodeValue: decodeValue never panics on any /api/v1/query body and
// never hands NaN to the analysis as a value (NaN is ErrNoValuesFound).
func FuzzDecodeValue(f *testing.F) {
	for _, body := range []string{
		vectorBody("42"), vectorBody(), vectorBody("NaN"), vectorBody("5", "NaN"), vectorBody("+Inf"),
		`{"status":"success","data":{"resultType":"scalar","result":[1767323045.678,"42"]}}`,
		`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]}}`,
		`{"status":"success","data":{"resultType":"string","result":[1,"x"]}}`,
		`{"status":"error","errorType":"bad_data","error":"parse error"}`,
		`{"status":"success","data":{"resultType":"vector","result":[{"value":[1]}]}}`,
		`{"status":"success","data":{"resultType":"vector","result":[{"value":[1,2]}]}}`,
		`{"status":"success","data":{}}`, `null`, `[]`, ``, `{`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := decodeValue(body)
		if err == nil && math.IsNaN(v) {
			t.Fatalf("%s: NaN returned as a value", body)
		}
		if err != nil && v != 0 {
			t.Fatalf("%s: value %v with error %v", body, v, err)
		}
	})
}

// FuzzDecodeSample: a one-sample vector or a scalar carrying any text as its
// value decodes to that number when it is one, to ErrNoValuesFound when it
// is NaN, and to an error otherwise.
func FuzzDecodeSample(f *testing.F) {
	for _, s := range []string{"42", "NaN", "nan", "-Inf", "+Inf", "1e400", "0x1p-2", "", " 1", "1_000", "abc"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, value string, scalar bool) {
		q, _ := json.Marshal(value)
		body := `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,` + string(q) + `]}]}}`
		if scalar {
			body = `{"status":"success","data":{"resultType":"scalar","result":[1,` + string(q) + `]}}`
		}
		got, err := decodeValue([]byte(body))
		want, perr := strconv.ParseFloat(value, 64)
		switch {
		case perr != nil && err == nil:
			t.Fatalf("%q is not a number, yet decoded to %v", value, got)
		case perr == nil && math.IsNaN(want) && !errors.Is(err, ErrNoValuesFound):
			t.Fatalf("%q: NaN gave %v, %v; want ErrNoValuesFound", value, got, err)
		case perr == nil && !math.IsNaN(want) && (err != nil || got != want):
			t.Fatalf("%q: got %v, %v; want %v", value, got, err, want)
		}
	})
}
