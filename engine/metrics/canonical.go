// This file reads the answers Prometheus writes for a vector or a scalar without reflection,
// leaving anything else to encoding/json.

package metrics

import (
	"bytes"
	"strconv"
)

// canonicalValue reads an answer written as Prometheus writes a vector or a
// scalar: no spaces, no escapes, no warnings, the fields in its order. It
// is most of what a check's decoding cost with encoding/json (two dozen
// allocations) for one. ok is false for any other body, even valid JSON,
// which decodeJSON then reads: the two read every body canonicalValue
// accepts alike (TestCanonicalReadsAsJSON, FuzzCanonicalValue).
func canonicalValue(body []byte) (v float64, found, ok bool) {
	rest, ok := bytes.CutPrefix(body, []byte(`{"status":"success","data":{"resultType":"`))
	if !ok {
		return 0, false, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`vector","result":[`)); ok {
		return canonicalVector(rest)
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`scalar","result":`)); ok {
		v, rest, ok = canonicalPair(rest)
		return v, ok, ok && string(rest) == "}}"
	}
	return 0, false, false
}

// canonicalVector reads the samples after the vector's opening bracket and
// keeps the last one's value, as lastSampleValue does.
func canonicalVector(b []byte) (v float64, found, ok bool) {
	if string(b) == "]}}" {
		return 0, false, true
	}
	for {
		if b, ok = bytes.CutPrefix(b, []byte(`{"metric":`)); !ok {
			return 0, false, false
		}
		if b, ok = skipLabels(b); !ok {
			return 0, false, false
		}
		if b, ok = bytes.CutPrefix(b, []byte(`,"value":`)); !ok {
			return 0, false, false
		}
		if v, b, ok = canonicalPair(b); !ok {
			return 0, false, false
		}
		if string(b) == "}]}}" {
			return v, true, true
		}
		if b, ok = bytes.CutPrefix(b, []byte("},")); !ok {
			return 0, false, false
		}
	}
}

// canonicalPair reads [time,"value"] and the value's number. A value that
// does not parse is left to decodeJSON, which says why.
func canonicalPair(b []byte) (float64, []byte, bool) {
	b, ok := bytes.CutPrefix(b, []byte("["))
	if !ok {
		return 0, nil, false
	}
	if b, ok = skipNumber(b); !ok {
		return 0, nil, false
	}
	if b, ok = bytes.CutPrefix(b, []byte(",")); !ok {
		return 0, nil, false
	}
	s, b, ok := plainString(b)
	if !ok {
		return 0, nil, false
	}
	if b, ok = bytes.CutPrefix(b, []byte("]")); !ok {
		return 0, nil, false
	}
	f, err := strconv.ParseFloat(string(s), 64)
	return f, b, err == nil
}

// skipLabels passes over {"name":"value",...}.
func skipLabels(b []byte) ([]byte, bool) {
	b, ok := bytes.CutPrefix(b, []byte("{"))
	if !ok {
		return nil, false
	}
	if b, ok = bytes.CutPrefix(b, []byte("}")); ok {
		return b, true
	}
	for {
		if _, b, ok = plainString(b); !ok {
			return nil, false
		}
		if b, ok = bytes.CutPrefix(b, []byte(":")); !ok {
			return nil, false
		}
		if _, b, ok = plainString(b); !ok {
			return nil, false
		}
		if b, ok = bytes.CutPrefix(b, []byte("}")); ok {
			return b, true
		}
		if b, ok = bytes.CutPrefix(b, []byte(",")); !ok {
			return nil, false
		}
	}
}

// plainString reads a JSON string with no escapes: its bytes are its
// text. A byte encoding/json refuses in a string (a control character) or
// must unescape (a backslash) makes it not plain.
func plainString(b []byte) (s, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return b[1:i], b[i+1:], true
		case c == '\\' || c < 0x20:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// skipNumber passes over a JSON number written as Prometheus writes a
// time: an optional minus, an integer without leading zeros and an
// optional fraction (no exponent).
func skipNumber(b []byte) ([]byte, bool) {
	b, _ = bytes.CutPrefix(b, []byte("-"))
	n := digits(b)
	if n == 0 || (n > 1 && b[0] == '0') {
		return nil, false
	}
	b = b[n:]
	if frac, ok := bytes.CutPrefix(b, []byte(".")); ok {
		m := digits(frac)
		if m == 0 {
			return nil, false
		}
		b = frac[m:]
	}
	return b, true
}

// digits counts the decimal digits b starts with.
func digits(b []byte) int {
	n := 0
	for n < len(b) && '0' <= b[n] && b[n] <= '9' {
		n++
	}
	return n
}
