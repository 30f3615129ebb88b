// This file writes the JUnit report CI systems read: one test case per run,
// wall-clock times, the virtual decision time as a property.

package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// junitSuiteName names the one test suite every run belongs to.
const junitSuiteName = "rehearse"

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName  string           `xml:"classname,attr"`
	Name       string           `xml:"name,attr"`
	Time       string           `xml:"time,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Failure    *junitProblem    `xml:"failure,omitempty"`
	Error      *junitProblem    `xml:"error,omitempty"`
	Skipped    *junitSkipped    `xml:"skipped,omitempty"`
	SystemOut  string           `xml:"system-out,omitempty"`
}

// junitProperties holds what a test case says beside its wall time: the
// virtual time the engine took to decide, which is the rollout's time, not
// the test's.
type junitProperties struct {
	Properties []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// junitSkipped is a test case that was not run, or cannot tell what
// Flagger would do, and why.
type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes one JUnit test suite, "rehearse", with one test case per
// run (class name the canary, name the scenario), sorted by scenario. A run
// whose expectations failed is a failure listing them; a run that could not
// complete is an error; a run not rehearsed, or not rehearsable, is
// skipped, with its reason. Times are wall-clock seconds, each run's
// Run.Wall, because CI dashboards read them as how long the test took; the
// virtual decision time is the property virtualSeconds. Wall is the one
// input that varies from run to run, so junit.xml is the one report that is
// not byte-identical for a seed.
func WriteJUnit(w io.Writer, runs []*Run) error {
	sorted, err := sortedRuns(runs)
	if err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(junitDocument(sorted)); err != nil {
		return fmt.Errorf("encode JUnit report: %w", err)
	}
	b.WriteString("\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	return nil
}

func junitDocument(runs []*Run) junitSuites {
	suite := junitSuite{Name: junitSuiteName, Tests: len(runs)}
	total := 0.0
	for _, r := range runs {
		c := junitTestCase(r)
		suite.Failures += btoi(c.Failure != nil)
		suite.Errors += btoi(c.Error != nil)
		suite.Skipped += btoi(c.Skipped != nil)
		total += junitWall(r.Wall)
		suite.Cases = append(suite.Cases, c)
	}
	suite.Time = formatSeconds(total)
	return junitSuites{
		Name: junitSuiteName, Tests: suite.Tests, Failures: suite.Failures,
		Errors: suite.Errors, Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite},
	}
}

func junitTestCase(r *Run) junitCase {
	c := junitCase{
		ClassName: r.Canary, Name: r.Scenario, Time: formatSeconds(junitWall(r.Wall)),
		Properties: junitVirtualTime(r), SystemOut: junitSystemOut(r),
	}
	switch resultWord(r) {
	case "error":
		c.Error = &junitProblem{Message: problemSentence(r, plain), Type: "setup", Text: junitDetails(r)}
	case "failed":
		c.Failure = &junitProblem{Message: problemSentence(r, plain), Type: "expectation", Text: junitDetails(r)}
	case "skipped":
		c.Skipped = &junitSkipped{Message: text.OneLine(r.Skipped)}
		c.SystemOut = skippedSentence(r, plain)
	case NotRehearsable:
		c.Skipped = &junitSkipped{Message: NotRehearsable + ": " + text.OneLine(r.NotRehearsable)}
	}
	return c
}

// junitDetails lists the failed expectations, one per line, then the outcome.
func junitDetails(r *Run) string {
	var lines []string
	if r.Error != "" {
		lines = append(lines, "error: "+text.OneLine(r.Error))
	}
	for _, e := range failedExpectations(r) {
		lines = append(lines, "failed: "+expectationText(e, plain))
	}
	return strings.Join(append(lines, outcomeSentence(r, plain)), "\n")
}

// junitSystemOut records what a CI reader needs to replay the run.
func junitSystemOut(r *Run) string {
	return fmt.Sprintf("%s\nprovider %s, strategy %s, cluster %s, seed %d, max canary weight %d",
		outcomeSentence(r, plain), text.OneLine(ProviderText(r)), text.OneLine(r.Strategy), text.OneLine(r.Cluster), r.Seed, r.MaxWeight)
}

// junitVirtualTime is the virtual time a run took to decide, as the
// property virtualSeconds; nothing when it did not decide.
func junitVirtualTime(r *Run) *junitProperties {
	if r.DecidedAt == nil {
		return nil
	}
	return &junitProperties{[]junitProperty{{Name: "virtualSeconds", Value: formatSeconds(*r.DecidedAt)}}}
}

// junitWall is Wall rounded as JUnit writes it, so that a suite's time is
// the sum of its cases' times.
func junitWall(d time.Duration) float64 { return d.Round(time.Millisecond).Seconds() }

func formatSeconds(s float64) string {
	return strconv.FormatFloat(s, 'f', 3, 64)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
