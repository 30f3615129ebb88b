// This file tests the parsing of query parameters and its error messages.

package prom

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"1704067200", t0, false},
		{"1704067200.5", t0.Add(500 * time.Millisecond), false},
		{"1704067200.1234", t0.Add(123 * time.Millisecond), false}, // rounded to the millisecond
		{"1704067200.9996", t0.Add(time.Second), false},
		{"1e3", time.Unix(1000, 0).UTC(), false},
		{"2024-01-01T00:00:00Z", t0, false},
		{"2024-01-01T01:00:00.25+01:00", t0.Add(250 * time.Millisecond), false},
		{"", time.Time{}, true},
		{"2024-01-01", time.Time{}, true},
		{"now", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in)
		if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"30", 30 * time.Second, false},
		{"0.5", 500 * time.Millisecond, false},
		{"-1", -time.Second, false},
		{"5m", 5 * time.Minute, false},
		{"1h30m", 90 * time.Minute, false},
		{"1e10", 0, true}, // overflows int64 nanoseconds
		{"5 minutes", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// Flagger's client sends no time: the query runs at the server's clock.
func TestTimeParameter(t *testing.T) {
	now := t0.Add(90 * time.Second)
	h := newTestServer(t, Options{}, now).Handler()
	tests := []struct {
		name  string
		extra []string
		want  string
	}{
		{"absent: the server's clock", nil, `[1704067290,"1704067290"]`},
		{"unix seconds", []string{"time=1704067200"}, `[1704067200,"1704067200"]`},
		{"unix seconds with milliseconds", []string{"time=1704067200.123"}, `[1704067200.123,"1704067200.123"]`},
		{"RFC 3339", []string{"time=2024-01-01T00:00:30Z"}, `[1704067230,"1704067230"]`},
		{"RFC 3339 with offset", []string{"time=2024-01-01T02:00:00+02:00"}, `[1704067200,"1704067200"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(t, h, queryURL("/api/v1/query", "time()", tt.extra...))
			want := `{"status":"success","data":{"resultType":"scalar","result":` + tt.want + `}}`
			if got.body != want {
				t.Errorf("got  %s\nwant %s", got.body, want)
			}
		})
	}
}
