// This file converts a scripted scenario's ticks: workload states, metric answers (numbers,
// named values, errors) and hook answers, with suggestions for misspelt fields.

package scenarios

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// NoValue is the script word for a query that returns no data.
const NoValue = "novalue"

func (c *converter) script(raw []rawScriptTick) []ScriptTick {
	out := make([]ScriptTick, 0, len(raw))
	for i, r := range raw {
		path := indexPath("spec.script", i)
		t := c.scriptTick(path, r)
		if i > 0 && t.Tick <= out[i-1].Tick {
			c.errorf(path+".tick", "tick %d does not come after tick %d: list ticks in ascending order, each once", t.Tick, out[i-1].Tick)
		}
		out = append(out, t)
	}
	return out
}

func (c *converter) scriptTick(path string, r rawScriptTick) ScriptTick {
	t := ScriptTick{Tick: r.Tick, Revision: r.Revision,
		Canary:  c.workloadState(path+".canary", r.Canary),
		Primary: c.workloadState(path+".primary", r.Primary)}
	if r.Tick < 1 {
		c.errorf(path+".tick", "%d is not a tick: ticks count from 1, the first reconcile after the release", r.Tick)
	}
	t.Metrics = make(map[string]MetricAnswer, len(r.Metrics))
	for _, name := range slices.Sorted(maps.Keys(r.Metrics)) {
		t.Metrics[name] = c.metricAnswer(keyPath(path+".metrics", name), r.Metrics[name])
	}
	t.Webhooks = make(map[string]HookAnswer, len(r.Webhooks))
	for _, name := range slices.Sorted(maps.Keys(r.Webhooks)) {
		t.Webhooks[name] = c.scriptHookAnswer(keyPath(path+".webhooks", name), r.Webhooks[name])
	}
	return t
}

var workloadStates = []string{string(Ready), string(NotReady), string(DeadlineExceeded)}

func (c *converter) workloadState(path, s string) WorkloadState {
	if s != "" && !slices.Contains(workloadStates, s) {
		c.errorf(path, "%q is not a workload state: use %s%s", s, strings.Join(workloadStates, ", "), suggest(s, workloadStates))
	}
	return WorkloadState(s)
}

// metricAnswer reads a number, the word novalue, or {error: "..."}.
func (c *converter) metricAnswer(path string, raw json.RawMessage) MetricAnswer {
	var v any
	_ = json.Unmarshal(raw, &v) // raw came out of the decoder, so it is valid JSON
	switch x := v.(type) {
	case float64:
		return MetricAnswer{Value: x}
	case string:
		if x == NoValue {
			return MetricAnswer{NoValue: true}
		}
		if f, ok := namedNumber(x); ok {
			return MetricAnswer{Value: f}
		}
	case map[string]any:
		return c.metricError(path, raw)
	}
	c.errorf(path, "%s is not a metric answer: give a number, %s, or {error: \"message\"}", raw, NoValue)
	return MetricAnswer{}
}

// namedNumber accepts NaN and infinities, which real queries can return.
func namedNumber(s string) (float64, bool) {
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "+inf", "inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	}
	return 0, false
}

func (c *converter) metricError(path string, raw json.RawMessage) MetricAnswer {
	fields, ok := c.fields(path, raw, "error")
	if !ok {
		return MetricAnswer{}
	}
	var msg string
	if err := json.Unmarshal(fields["error"], &msg); err != nil || msg == "" {
		c.errorf(path+".error", "give the error message as text, e.g. {error: \"connection refused\"}")
	}
	return MetricAnswer{Error: msg}
}

// scriptHookAnswer reads a status number, {timeout: true}, {refused: true}
// or {status: N, latency: D}.
func (c *converter) scriptHookAnswer(path string, raw json.RawMessage) HookAnswer {
	var status int
	if err := json.Unmarshal(raw, &status); err == nil {
		return c.hookAnswer(path, status, nil, false, false)
	}
	if len(raw) == 0 || raw[0] != '{' {
		c.errorf(path, "%s is not a webhook answer: give a status (200), {timeout: true}, {refused: true} or {status: 500, latency: 2s}", raw)
		return HookAnswer{}
	}
	f, ok := c.fields(path, raw, "status", "latency", "timeout", "refused")
	if !ok {
		return HookAnswer{}
	}
	var a rawAnswer
	c.decodeField(path+".status", f["status"], &a.Status, "a whole number")
	c.decodeField(path+".timeout", f["timeout"], &a.Timeout, "true or false")
	c.decodeField(path+".refused", f["refused"], &a.Refused, "true or false")
	return c.hookAnswer(path, a.Status, f["latency"], a.Timeout, a.Refused)
}

// fields splits a small mapping given where a scalar is also accepted,
// reporting keys outside known at their own lines; ok is false when any
// key was unknown, since further checks would only repeat the problem.
func (c *converter) fields(path string, raw json.RawMessage, known ...string) (m map[string]json.RawMessage, ok bool) {
	if err := json.Unmarshal(raw, &m); err != nil {
		c.errorf(path, "expected a mapping with %s", strings.Join(known, ", "))
		return nil, false
	}
	ok = true
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(known, k) {
			c.errorf(keyPath(path, k), "unknown field%s", suggestOr(k, known))
			ok = false
		}
	}
	return m, ok
}

func (c *converter) decodeField(path string, raw json.RawMessage, out any, want string) {
	if isAbsent(raw) {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		c.errorf(path, "expected %s, got %s", want, raw)
	}
}

// suggest is "; did you mean X?" for a near candidate, "" otherwise.
func suggest(word string, candidates []string) string {
	if best := manifest.Closest(word, candidates); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// suggestOr suggests a near candidate or else lists them all.
func suggestOr(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return s
	}
	return "; known fields: " + strings.Join(candidates, ", ")
}
