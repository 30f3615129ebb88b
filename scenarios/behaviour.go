// This file answers what the world looks like at a given moment: a version's behaviour, a
// webhook's answer, a gate's state and the script tick, each from the converted scenario.

package scenarios

import (
	"cmp"
	"maps"
	"net/http"
	"time"
)

// At is the version's behaviour at time t (since the start of the run):
// the base values with every change made at or before t applied in order.
func (v *Version) At(t time.Duration) Behaviour {
	b := Behaviour{SuccessRate: v.SuccessRate, Latency: v.Latency, Readiness: v.Readiness}
	for _, ch := range v.Changes {
		if ch.At > t {
			break
		}
		ch.apply(&b)
	}
	return b
}

func (ch Change) apply(b *Behaviour) {
	if ch.SuccessRate != nil {
		b.SuccessRate = *ch.SuccessRate
	}
	if ch.P50 != nil {
		b.Latency.P50 = *ch.P50
	}
	if ch.P99 != nil {
		b.Latency.P99 = *ch.P99
	}
	if ch.Readiness != nil {
		b.Readiness = *ch.Readiness
	}
}

// AnswerAt is how the webhook answers a call at time t. A gate answers 200
// when open and 403 when closed, as the flagger-loadtester does; a timeline
// gives its latest answer from at or before t, and 200 before its first.
func (w *Webhook) AnswerAt(t time.Duration) HookAnswer {
	if w.Gate != nil {
		if w.Gate.IsOpen(t) {
			return HookAnswer{Status: http.StatusOK}
		}
		return HookAnswer{Status: http.StatusForbidden}
	}
	answer := HookAnswer{Status: http.StatusOK}
	for _, a := range w.Answers {
		if a.From > t {
			break
		}
		answer = a.HookAnswer
	}
	return answer
}

// IsOpen says whether the gate is open at time t.
func (g *Gate) IsOpen(t time.Duration) bool {
	return g.Open || (g.OpenAt != nil && t >= *g.OpenAt)
}

// ScriptAt is what the script says for a tick, with values held from
// earlier entries: a metric, a webhook answer or a workload state keeps its
// last scripted value until a later entry changes it. A revision belongs to
// its own tick only. Names never scripted are absent: the simulator's
// defaults apply to them.
func (s *Scenario) ScriptAt(tick int) ScriptTick {
	out := ScriptTick{Tick: tick, Metrics: map[string]MetricAnswer{}, Webhooks: map[string]HookAnswer{}}
	for _, st := range s.Script {
		if st.Tick > tick {
			break
		}
		maps.Copy(out.Metrics, st.Metrics)
		maps.Copy(out.Webhooks, st.Webhooks)
		out.Canary = cmp.Or(st.Canary, out.Canary)
		out.Primary = cmp.Or(st.Primary, out.Primary)
		if st.Tick == tick {
			out.Revision = st.Revision
		}
	}
	return out
}
