// This file pins every text Step writes in the trace tests' worlds (events, alerts, reasons and the
// Promoted condition) to a golden file, so that how a text is built can change and the text cannot.

package engine

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/texts.golden from the current texts")

// textLog, while TestTextsGolden runs, receives the texts of every
// decision world.step applies.
var textLog *strings.Builder

// logTexts writes d's texts to textLog, one a line.
func logTexts(d Decision) {
	if textLog == nil {
		return
	}
	for _, e := range d.Events {
		fmt.Fprintf(textLog, "event %s: %s\n", e.Type, e.Message)
	}
	for _, a := range d.Alerts {
		fmt.Fprintf(textLog, "alert %s metadata=%v: %s\n", a.Severity, a.Metadata, a.Message)
	}
	for _, c := range d.Status.Conditions {
		fmt.Fprintf(textLog, "condition %s %s %s: %s\n", c.Type, c.Status, c.Reason, c.Message)
	}
	fmt.Fprintf(textLog, "reason: %s\n", d.Reason)
}

// TestTextsGolden replays the trace tests, logging every applied
// decision's texts, and compares them with testdata/texts.golden. The
// reports quote these texts, so they must stay byte for byte what Flagger
// (and rehearse before) wrote; refresh the file with -update only for a
// text meant to change.
func TestTextsGolden(t *testing.T) {
	traces := []struct {
		name string
		test func(*testing.T)
	}{
		{"GoodReleasePromotes", TestTraceGoodReleasePromotes},
		{"BadReleaseRollsBack", TestTraceBadReleaseRollsBack},
		{"FailedChecksNeverDecrease", TestTraceFailedChecksNeverDecrease},
		{"PreRolloutFailureRetriesAtWeightZero", TestTracePreRolloutFailureRetriesAtWeightZero},
		{"WhatEachTickAsks", TestTraceWhatEachTickAsks},
		{"StopsAtFirstFailure", TestTraceStopsAtFirstFailure},
		{"ConfirmPromotionClosed", TestTraceConfirmPromotionClosed},
		{"WaitingPromotionStillRollsBack", TestTraceWaitingPromotionStillRollsBack},
		{"RollbackHook", TestTraceRollbackHook},
		{"ConfirmRolloutClosedWaits", TestTraceConfirmRolloutClosedWaits},
		{"BlueGreen", TestTraceBlueGreen},
		{"ABTesting", TestTraceABTesting},
		{"SkipAnalysis", TestTraceSkipAnalysis},
		{"NewRevisionMidAnalysis", TestTraceNewRevisionMidAnalysis},
		{"CanaryNotReady", TestTraceCanaryNotReady},
		{"ProgressDeadlineExceededRollsBackAtOnce", TestTraceProgressDeadlineExceededRollsBackAtOnce},
		{"StepWeights", TestTraceStepWeights},
		{"StepWeightPromotion", TestTraceStepWeightPromotion},
		{"MirrorFirstStep", TestTraceMirrorFirstStep},
		{"KubernetesProviderIsBlueGreen", TestTraceKubernetesProviderIsBlueGreen},
		{"Suspended", TestTraceSuspended},
		{"Initialization", TestTraceInitialization},
		{"PostRolloutHooksOnFinalTick", TestTracePostRolloutHooksOnFinalTick},
		{"PrimaryLostDuringPromotion", TestTracePrimaryLostDuringPromotion},
		{"ConfirmTrafficIncreaseHaltsWithoutFailure", TestTraceConfirmTrafficIncreaseHaltsWithoutFailure},
		{"PromotingWithAllTrafficOnThePrimaryFinishes", TestPromotingWithAllTrafficOnThePrimaryFinishes},
		{"TrackedConfigChangeIsANewRevision", TestTraceTrackedConfigChangeIsANewRevision},
	}
	var log strings.Builder
	textLog = &log
	defer func() { textLog = nil }()
	for _, tr := range traces {
		fmt.Fprintf(&log, "== %s\n", tr.name)
		t.Run(tr.name, tr.test)
	}
	golden := filepath.Join("testdata", "texts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(log.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got := log.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("texts differ from %s at line %d:\n got %q\nwant %q", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("texts differ from %s: %d lines, want %d", golden, len(gl), len(wl))
	}
}
