// This file tests the recording selector parser and a scenario that replays a recording.

package scenarios

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSelector(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{in: "deployment=podinfo-v2", want: `{deployment="podinfo-v2"}`},
		{in: " namespace = prod , deployment=~podinfo-.* ", want: `{namespace="prod", deployment=~"podinfo-.*"}`},
		{in: `pod!="a,b"`, err: "is not"}, // a comma inside a value needs the braced form
		{in: `{pod!="a,b", code!~"5.."}`, want: `{pod!="a,b", code!~"5.."}`},
		{in: `deployment="podinfo"`, want: `{deployment="podinfo"}`},
		{in: "", want: "{}"},
		{in: "deployment", err: "is not label=value"},
		{in: "=podinfo", err: "is not label=value"},
		{in: "a=~(", err: "is not a selector"},
	}
	for _, tt := range tests {
		ms, err := ParseSelector(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		var parts []string
		for _, m := range ms {
			parts = append(parts, m.String())
		}
		if got := "{" + strings.Join(parts, ", ") + "}"; err != nil || got != tt.want {
			t.Errorf("%q = %s (%v), want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestRecordingScenario(t *testing.T) {
	s, err := LoadFile("testdata/valid-recording.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := s.Recording
	if r == nil || len(r.Canary) != 2 || len(r.Primary) != 2 || r.From.IsZero() || r.To.Sub(r.From).Minutes() != 15 {
		t.Fatalf("recording %+v", r)
	}
	if r.Source != filepath.Join("testdata", "..", "..", "fixtures", "recordings", "checkout-incident.om") {
		t.Errorf("source %q is not resolved against the scenario's folder", r.Source)
	}
	if s.Release.From != RecordedFrom || s.Release.To != RecordedTo {
		t.Errorf("release %+v: a recording scenario needs none", s.Release)
	}
}
