// Package backtest replays a Canary's policy over metrics recorded during
// a real release ("would this Canary have caught last Tuesday's
// incident?"). A recording scenario (spec.recording) runs through the
// simulator like any other: the engine queries the recorded series, mapped
// onto the Canary's names, with its own Prometheus client, tick by tick in
// virtual time from the window's start. This package checks the recording
// first, evaluates the Canary's queries over the whole window for the
// report's charts, and words the verdict in the recording's own time:
// "would have rolled back at 14:10 UTC, 5m15s after request-success-rate
// first fell below 99, with 30% of traffic on the release".
package backtest
