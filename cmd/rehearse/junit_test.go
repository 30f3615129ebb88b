// This file checks, on the built binary, that junit.xml gives CI dashboards
// wall-clock times and keeps the rollout's virtual time as a property.

package main

import (
	"encoding/json"
	"encoding/xml"
	"math"
	"path/filepath"
	"strconv"
	"testing"
)

// junitTimes mirrors the times of a JUnit document.
type junitTimes struct {
	Time  string `xml:"time,attr"`
	Cases []struct {
		Name  string `xml:"name,attr"`
		Time  string `xml:"time,attr"`
		Props []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
	} `xml:"testsuite>testcase"`
}

// TestJUnitTimesAreWallClock: each test case's time is what the rehearsal
// took on the machine (the suite's time their sum); the decision's virtual
// time, which the JSON report has as decidedAt, is the virtualSeconds
// property and never the time attribute.
func TestJUnitTimesAreWallClock(t *testing.T) {
	dir := t.TempDir()
	lib := "../../scenarios/library/"
	if code, _, errOut := runBinary(t, "run", "--out", dir, lib+"bad-release.yaml", lib+"good-release.yaml"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc junitTimes
	if err := xml.Unmarshal([]byte(readFile(t, filepath.Join(dir, "junit.xml"))), &doc); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, c := range doc.Cases {
		var report struct {
			DecidedAt float64 `json:"decidedAt"`
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, c.Name, "report.json"))), &report); err != nil {
			t.Fatal(err)
		}
		virtual := strconv.FormatFloat(report.DecidedAt, 'f', 3, 64)
		if len(c.Props) != 1 || c.Props[0].Name != "virtualSeconds" || c.Props[0].Value != virtual {
			t.Errorf("%s: properties %+v, want virtualSeconds=%s", c.Name, c.Props, virtual)
		}
		if c.Time == virtual {
			t.Errorf("%s: time=%s is the virtual decision time, not the wall time", c.Name, c.Time)
		}
		sum += parseSeconds(t, c.Time)
	}
	if len(doc.Cases) != 2 || math.Abs(parseSeconds(t, doc.Time)-sum) > 0.0015 {
		t.Errorf("suite time %s for %d cases summing to %.3f", doc.Time, len(doc.Cases), sum)
	}
}

func parseSeconds(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		t.Fatalf("time %q is not a number of seconds", s)
	}
	return f
}
