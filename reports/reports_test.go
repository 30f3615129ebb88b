// This file checks what every writer must do: the same bytes for the same
// runs, inputs left unchanged, nil and empty lists alike, round trips
// through JSON, write errors reported, free text escaped.

package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports/internal/golden"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// renderAllFormats renders every format of the given runs into one map.
func renderAllFormats(t *testing.T, runs []*Run) map[string][]byte {
	t.Helper()
	out := map[string][]byte{
		"junit":   golden.Render(t, func(w io.Writer) error { return WriteJUnit(w, runs) }),
		"summary": golden.Render(t, func(w io.Writer) error { return WriteSummary(w, runs) }),
		"table":   golden.Render(t, func(w io.Writer) error { return WriteTable(w, runs) }),
	}
	for _, r := range runs {
		out[r.Scenario+".json"] = golden.Render(t, func(w io.Writer) error { return WriteJSON(w, r) })
		out[r.Scenario+".md"] = golden.Render(t, func(w io.Writer) error { return WriteMarkdown(w, r) })
	}
	return out
}

func TestDeterminism(t *testing.T) {
	want := renderAllFormats(t, allRuns())
	reversed := allRuns()
	slices.Reverse(reversed)
	for attempt, runs := range [][]*Run{allRuns(), allRuns(), reversed} {
		got := renderAllFormats(t, runs)
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("attempt %d: %s changed between renders of the same runs", attempt, name)
			}
		}
	}
}

func TestWritersDoNotChangeTheirInput(t *testing.T) {
	runs := allRuns()
	renderAllFormats(t, runs)
	if !reflect.DeepEqual(runs[2], errorRun()) || runs[0].Ticks[0].Metrics != nil {
		t.Error("rendering changed the runs it was given")
	}
}

func TestJSONNilAndEmptyListsAreTheSame(t *testing.T) {
	withNil := errorRun()
	withEmpty := errorRun()
	withEmpty.Ticks[0].Metrics, withEmpty.Ticks[0].Webhooks, withEmpty.Ticks[0].Events = []Metric{}, []Webhook{}, nil
	a := golden.Render(t, func(w io.Writer) error { return WriteJSON(w, withNil) })
	b := golden.Render(t, func(w io.Writer) error { return WriteJSON(w, withEmpty) })
	if !bytes.Equal(a, b) {
		t.Error("a nil list and an empty list give different traces")
	}
	if bytes.Contains(a, []byte(`"metrics": null`)) || bytes.Contains(a, []byte(`"webhooks": null`)) {
		t.Error("a list was written as null")
	}
	if !bytes.HasSuffix(a, []byte("}\n")) {
		t.Error("the trace does not end with a newline")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, r := range allRuns() {
		t.Run(r.Scenario, func(t *testing.T) {
			b := golden.Render(t, func(w io.Writer) error { return WriteJSON(w, r) })
			back, err := ReadJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, Normalized(r)) {
				t.Errorf("the trace read back differs from the run written")
			}
		})
	}
}

func TestMetricValueNotFinite(t *testing.T) {
	tests := []struct {
		value float64
		json  string
	}{
		{math.Inf(1), `"value":"+Inf"`},
		{math.Inf(-1), `"value":"-Inf"`},
		{math.NaN(), `"value":"NaN"`},
		{12.5, `"value":12.5`},
	}
	for _, tc := range tests {
		b, err := Metric{Name: "m", Value: ptr(tc.value)}.MarshalJSON()
		if err != nil || !strings.Contains(string(b), tc.json) {
			t.Errorf("value %v: got %s, %v; want it to contain %s", tc.value, b, err, tc.json)
			continue
		}
		var back Metric
		if err := back.UnmarshalJSON(b); err != nil || back.Value == nil || text.Value(*back.Value) != text.Value(tc.value) {
			t.Errorf("value %v: read back %+v, %v", tc.value, back, err)
		}
	}
}

func TestReadJSONRejectsBadValues(t *testing.T) {
	tests := []string{
		`{"ticks":[{"metrics":[{"name":"m","value":"fast"}]}]}`,
		`{"ticks":[{"metrics":[{"name":"m","value":true}]}]}`,
		`{"scenario":`,
	}
	for _, in := range tests {
		if _, err := ReadJSON(strings.NewReader(in)); err == nil {
			t.Errorf("ReadJSON(%s) succeeded; want an error", in)
		}
	}
}

// junit mirrors the parts of the JUnit document the test checks.
type junit struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Time      string `xml:"time,attr"`
			Props     []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnitParses: counts, classes, and times as CI dashboards read them:
// wall-clock seconds (here the fixed ones timedRuns gives), the virtual
// decision time only as the property virtualSeconds.
func TestJUnitParses(t *testing.T) {
	b := golden.Render(t, func(w io.Writer) error { return WriteJUnit(w, timedRuns()) })
	var doc junit
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("the JUnit report is not XML: %v", err)
	}
	if doc.Tests != 6 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 2 || len(doc.Suites) != 1 {
		t.Fatalf("got tests=%d failures=%d errors=%d skipped=%d suites=%d; want 6, 1, 1, 2, 1", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Name != "rehearse" || s.Tests != 6 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 2 || len(s.Cases) != 6 {
		t.Fatalf("suite %q: tests=%d failures=%d errors=%d skipped=%d cases=%d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases))
	}
	want := []struct{ name, time, virtual, problem string }{
		{"bad-release", "0.501", "540.000", ""},
		{"cluster-lost", "0.751", "", "error"},
		{"gate-closed", "1.001", "", "failure"},
		{"good-release", "0.251", "480.000", ""},
		{"queue-gauge", "1.501", "", "not rehearsable"},
		{"suspended", "1.251", "", "skipped"},
	}
	for i, w := range want {
		c := s.Cases[i]
		problem := ""
		if c.Failure != nil {
			problem = "failure"
		}
		if c.Error != nil {
			problem += "error"
		}
		switch {
		case c.Skipped == nil:
		case c.Skipped.Message == SkippedSuspended:
			problem += "skipped"
		case strings.HasPrefix(c.Skipped.Message, "not rehearsable: cannot produce series `queue_depth"):
			problem += "not rehearsable"
		default:
			t.Errorf("skipped case %s says %q", c.Name, c.Skipped.Message)
		}
		if c.Name != w.name || c.ClassName != "test/podinfo" || c.Time != w.time || problem != w.problem {
			t.Errorf("case %d: got %s %s time=%s problem=%q; want %s time=%s problem=%q",
				i, c.ClassName, c.Name, c.Time, problem, w.name, w.time, w.problem)
		}
		virtual := ""
		for _, p := range c.Props {
			if p.Name == "virtualSeconds" {
				virtual = p.Value
			}
		}
		if virtual != w.virtual {
			t.Errorf("case %s: virtualSeconds = %q, want %q", c.Name, virtual, w.virtual)
		}
	}
	if f := s.Cases[2].Failure; f == nil || !strings.Contains(f.Text, "failed: promoted within 20m0s") {
		t.Errorf("the failure does not list the failed expectation: %+v", f)
	}
}

func TestJUnitKeepsHostileTextWellFormed(t *testing.T) {
	r := errorRun()
	r.Error = "bad \x00 byte & <tag> \"quoted\" ]]>"
	b := golden.Render(t, func(w io.Writer) error { return WriteJUnit(w, []*Run{r}) })
	var doc junit
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("the JUnit report is not XML: %v\n%s", err, b)
	}
	if doc.Errors != 1 || !strings.Contains(doc.Suites[0].Cases[0].Error.Message, `& <tag> "quoted" ]]>`) {
		t.Errorf("the error message did not survive: %+v", doc.Suites[0].Cases[0].Error)
	}
}

func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	if err := WriteAll(dir, allRuns()); err != nil {
		t.Fatal(err)
	}
	want := renderAllFormats(t, allRuns())
	files := map[string]string{"junit.xml": "junit", "summary.md": "summary"}
	for _, r := range allRuns() {
		files[filepath.Join(r.Scenario, "report.json")] = r.Scenario + ".json"
		files[filepath.Join(r.Scenario, "report.md")] = r.Scenario + ".md"
	}
	for path, key := range files {
		got, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil || !bytes.Equal(got, want[key]) {
			t.Errorf("%s: does not hold the %s report (err %v)", path, key, err)
		}
	}
	if n := countFiles(t, dir); n != len(files)+1 { // and the index of the set
		t.Errorf("WriteAll wrote %d files; want %d", n, len(files)+1)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWriteAllRejects(t *testing.T) {
	named := func(name string) *Run { r := promotedRun(); r.Scenario = name; return r }
	tests := []struct {
		name string
		runs []*Run
		want string
	}{
		{"path in the name", []*Run{named("../escape")}, "use only a-z, 0-9 and '-'"},
		{"capitals", []*Run{named("Good")}, "use only a-z, 0-9 and '-'"},
		{"no name", []*Run{named("")}, "has no scenario name"},
		{"twice the same name", []*Run{named("same"), named("same")}, `two runs are named "same"`},
		{"a nil run", []*Run{promotedRun(), nil}, "run 3 of 3 is nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := WriteAll(dir, append([]*Run{rolledBackRun()}, tc.runs...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v; want one containing %q", err, tc.want)
			}
			if n := countFiles(t, dir); n != 0 {
				t.Errorf("a refused rehearsal still wrote %d files", n)
			}
		})
	}
}

// failingWriter refuses every write, like a full disk.
type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWritersReportWriteErrors(t *testing.T) {
	runs := allRuns()
	writers := map[string]func(io.Writer) error{
		"json":     func(w io.Writer) error { return WriteJSON(w, runs[0]) },
		"markdown": func(w io.Writer) error { return WriteMarkdown(w, runs[0]) },
		"junit":    func(w io.Writer) error { return WriteJUnit(w, runs) },
		"summary":  func(w io.Writer) error { return WriteSummary(w, runs) },
		"table":    func(w io.Writer) error { return WriteTable(w, runs) },
	}
	for name, write := range writers {
		if err := write(failingWriter{}); !errors.Is(err, errDiskFull) {
			t.Errorf("%s: got %v; want the writer's error wrapped", name, err)
		}
	}
}

func TestWritersRefuseNilRuns(t *testing.T) {
	if WriteJSON(io.Discard, nil) == nil || WriteMarkdown(io.Discard, nil) == nil ||
		WriteJUnit(io.Discard, []*Run{nil}) == nil || WriteSummary(io.Discard, []*Run{nil}) == nil ||
		WriteTable(io.Discard, []*Run{nil}) == nil {
		t.Error("a writer accepted a nil run")
	}
}

func TestSummaryOfNoRuns(t *testing.T) {
	b := golden.Render(t, func(w io.Writer) error { return WriteSummary(w, nil) })
	if string(b) != "# Rehearsal summary\n\n⚠️ No scenario was run.\n" {
		t.Errorf("got %q", b)
	}
}

func TestMarkdownEscapesFreeText(t *testing.T) {
	r := promotedRun()
	r.Ticks[0].Reason = "a | b <script> *bold*\nsecond line"
	b := string(golden.Render(t, func(w io.Writer) error { return WriteMarkdown(w, r) }))
	want := `a \| b &lt;script&gt; \*bold\*; second line`
	if !strings.Contains(b, want) || strings.Contains(b, "<script>") {
		t.Errorf("the reason was not escaped to %q:\n%s", want, b)
	}
}
