// This file tests each output format against its golden file in testdata (-update rewrites them),
// GitHub's escaping, the JSON round trip, an unknown format and the rule list.

package lint

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sample has one finding of each severity, one without a line, and
// characters GitHub's workflow commands must have escaped.
var sample = []Finding{
	{Rule: RuleNeverPromotes, Severity: SeverityError, File: "deploy/canary.yaml", Line: 17, Object: "Canary/test/podinfo",
		Field: "spec.analysis.stepWeight", Message: "the canary never gets past weight 0: set stepWeight, maxWeight"},
	{Rule: RuleIntervalFloor, Severity: SeverityWarning, File: "deploy/canary.yaml", Line: 14, Object: "Canary/test/podinfo",
		Field: "spec.analysis.interval", Message: "interval 5s is below 10s: 100% of\nticks\r are 10s"},
	{Rule: RuleProvider, Severity: SeverityError, File: "odd,name:1.yaml", Message: "no line"},
}

func TestWriteGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, format, sample); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "findings."+format+".golden"), b.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestWriteFormats(t *testing.T) {
	tests := []struct {
		format string
		want   []string // lines that must be in the output
	}{
		{"text", []string{"deploy/canary.yaml:17: RH004 error: the canary never gets past weight 0: set stepWeight, maxWeight"}},
		{"github", []string{
			"::error file=deploy/canary.yaml,line=17,title=RH004::the canary never gets past weight 0: set stepWeight, maxWeight",
			"::warning file=deploy/canary.yaml,line=14,title=RH010::interval 5s is below 10s: 100%25 of%0Aticks%0D are 10s",
			"::error file=odd%2Cname%3A1.yaml,title=RH016::no line",
		}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Write(&b, tt.format, sample); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(b.String(), "\n")
		if len(lines) != len(sample)+1 {
			t.Errorf("%s: %d lines for %d findings:\n%s", tt.format, len(lines)-1, len(sample), b.String())
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w+"\n") {
				t.Errorf("%s output lacks %q:\n%s", tt.format, w, b.String())
			}
		}
	}
}

func TestWriteJSONRoundTrips(t *testing.T) {
	for _, in := range [][]Finding{nil, sample} {
		var b bytes.Buffer
		if err := Write(&b, "json", in); err != nil {
			t.Fatal(err)
		}
		var out []Finding
		if err := json.Unmarshal(b.Bytes(), &out); err != nil || out == nil || len(out) != len(in) {
			t.Fatalf("json %q decodes to %v, %v; want %d findings and never null", b.String(), out, err, len(in))
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", sample); err == nil || !strings.Contains(err.Error(), "text, github, json") {
		t.Fatalf("Write(xml) = %v, want an error listing the formats", err)
	}
	if KnownFormat("xml") || !KnownFormat("github") {
		t.Error("KnownFormat is wrong")
	}
}

func TestWriteRules(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRules(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(Rules()) || !strings.HasPrefix(lines[0], "RH000  error") {
		t.Fatalf("WriteRules printed:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "RH001  error    a metric has no builtin name, no templateRef and no query [found by the manifest loader]") {
		t.Errorf("RH001 line missing or changed:\n%s", b.String())
	}
}
