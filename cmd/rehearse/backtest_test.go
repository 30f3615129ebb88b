// This file tests `rehearse backtest` on recorded incidents: each exit
// code with what it prints, the README's worked example flag for flag,
// and the reports it writes.

package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	handWritten = "../../fixtures/recordings/checkout-incident.om"
	podinfo     = "../../fixtures/podinfo/canary.yaml"
	checkoutV2  = "destination_workload_namespace=shop,destination_workload=checkout-v2"
	checkout    = "destination_workload_namespace=shop,destination_workload=checkout"
)

// TestBacktestExitCodes: 0 for a verdict as expected, 1 when --expect
// fails, 2 for a bad recording or flag (naming what is missing), 3 when a
// live Prometheus cannot be reached.
func TestBacktestExitCodes(t *testing.T) {
	flags := []string{"--recording", handWritten, "--canary", checkoutV2, "--primary", checkout}
	loose := "--set=metrics[request-success-rate].thresholdRange.min=60"
	cases := []struct {
		name string
		args []string
		code int
		want string // on stderr for 2 and 3, on stdout otherwise
	}{
		{"rolls back", append(flags, "--expect", "rolled-back", podinfo), 0,
			"would have rolled back at 14:10 UTC, 5m15s after request-success-rate first fell below 99 (at 14:04:45), with 30% of traffic on the release. (as expected)"},
		{"a looser threshold promotes", append(flags, loose, "--expect", "promoted", podinfo), 0,
			"would have promoted at 14:09 UTC"},
		{"a scenario file", []string{"../../fixtures/recordings/checkout-incident.yaml"}, 0, "would have rolled back at 14:10 UTC"},
		{"expectation fails", append(flags, "--expect", "promoted", podinfo), 1, "NOT as expected: the backtest verdict is promoted: it is rolled back"},
		{"scenario expectation fails", []string{loose, "../../fixtures/recordings/checkout-incident.yaml"}, 1, "NOT as expected: the outcome is Failed"},
		{"no --canary", []string{"--recording", handWritten, podinfo}, 2, "--canary: say which recorded series"},
		{"bad selector", []string{"--recording", handWritten, "--canary", "destination_workload:x", podinfo}, 2, `--canary: "destination_workload:x" is not label=value`},
		{"namespace not mapped", []string{"--recording", handWritten, "--canary", "destination_workload=checkout-v2", podinfo}, 2,
			`the recording's istio_requests_total series have destination_workload_namespace "shop"`},
		{"window outside", append(flags, "--from", "2026-03-10T13:00:00Z", podinfo), 2, "before the recording does"},
		{"bad time", append(flags, "--from", "yesterday", podinfo), 2, `--from: "yesterday" is not a time`},
		{"mixed resolutions", []string{"--recording", "testdata/mixed-resolution.om", "--canary", "destination_workload=podinfo", "testdata/canary-success-rate.yaml"}, 2,
			"mixed resolutions"},
		{"no such recording", []string{"--recording", "testdata/nothing.om", "--canary", "a=b", podinfo}, 2, "cannot be read"},
		{"bad --expect", append(flags, "--expect", "maybe", podinfo), 2, "--expect"},
		{"not a recording scenario", []string{"../../scenarios/library/bad-release.yaml"}, 2, "has no spec.recording"},
		{"unreachable Prometheus", []string{"--recording", "http://" + closedPort(t), "--canary", checkoutV2, "--step", "15s",
			"--from", "2026-03-10T14:00:00Z", "--to", "2026-03-10T14:15:00Z", podinfo}, 3, "cannot be reached"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"backtest", "--out", t.TempDir()}, c.args...)
			code, out, errOut := rehearse(t, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			where := out
			if c.code >= 2 {
				where = errOut
			}
			if !strings.Contains(where, c.want) {
				t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", c.want, out, errOut)
			}
		})
	}
}

// TestBacktestShippedRecording is the README's worked example, flag for
// flag: the podinfo Canary over the TSDB snapshot Debian's Prometheus
// took of a real incident rolls back, and with a looser minimum promotes.
func TestBacktestShippedRecording(t *testing.T) {
	flags := []string{"backtest", "--out", t.TempDir(), "--recording", "../../fixtures/recordings/podinfo-releases",
		"--canary", "destination_workload_namespace=shop,destination_workload=podinfo-v2",
		"--primary", "destination_workload_namespace=shop,destination_workload=podinfo",
		"--from", "2026-12-02T10:35:30Z", "--to", "2026-12-02T10:48:30Z"}
	cases := []struct {
		extra []string
		want  string
	}{
		{[]string{"--expect", "rolled-back"},
			"would have rolled back at 10:47:30 UTC, 5m45s after request-success-rate first fell below 99 (at 10:41:45), with 50% of traffic on the release."},
		{[]string{"--expect", "promoted", "--set", "metrics[request-success-rate].thresholdRange.min=75"},
			"would have promoted at 10:44:30 UTC"},
	}
	for _, c := range cases {
		code, out, errOut := rehearse(t, append(append(flags, c.extra...), podinfo)...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s\nwant %q", c.extra, code, out, errOut, c.want)
		}
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestBacktestWritesReports(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := rehearse(t, "backtest", "--out", dir, "--recording", handWritten, "--canary", checkoutV2, "--primary", checkout, podinfo)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, f := range []string{"backtest.md", "backtest.html", "backtest.json", "request-success-rate.svg", "request-duration.svg",
		"weight.svg", "report.md", "report.json"} {
		if _, err := os.Stat(filepath.Join(dir, "checkout-incident", f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}
