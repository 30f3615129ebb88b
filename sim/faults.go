package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

// promTimeout is the Prometheus provider's query timeout (Flagger's 5s).
const promTimeout = 5 * time.Second

// chaos decides which of a scenario's faults are in force, when, and on
// which calls (seeded, so a chaos run is as repeatable as any other).
type chaos struct {
	mu     sync.Mutex
	faults []scenarios.Fault
	rng    *rand.Rand
	flaps  map[string]int // calls seen per flapping hook
	hit    map[int]bool   // faults that took effect at least once
}

func newChaos(faults []scenarios.Fault, seed int64) *chaos {
	return &chaos{faults: faults, rng: rand.New(rand.NewPCG(uint64(seed), 0xc4a05)),
		flaps: map[string]int{}, hit: map[int]bool{}}
}

// active returns the first fault of target in force at t that fires on
// this call, and whether there is one.
func (c *chaos) active(target scenarios.FaultTarget, t time.Duration, match func(scenarios.Fault) bool) (scenarios.Fault, bool) {
	if c == nil {
		return scenarios.Fault{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, f := range c.faults {
		if f.Target != target || !f.ActiveAt(t) || (match != nil && !match(f)) {
			continue
		}
		if f.Probability < 1 && c.rng.Float64() >= f.Probability {
			continue
		}
		c.hit[i] = true
		return f, true
	}
	return scenarios.Fault{}, false
}

// flap says whether this call of a flapping hook fails: every other one.
func (c *chaos) flap(hook string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flaps[hook]++
	return c.flaps[hook]%2 == 1
}

// mark records that fault i took effect.
func (c *chaos) mark(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hit[i] = true
}

// taken lists the faults that took effect, for the report's notes.
func (c *chaos) taken() []scenarios.Fault {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []scenarios.Fault
	for i, f := range c.faults {
		if c.hit[i] {
			out = append(out, f)
		}
	}
	return out
}

// applyPromFault installs the Prometheus fault in force at now, or heals.
func (w *world) applyPromFault(now time.Time) {
	if w.prom == nil || w.chaos == nil {
		return
	}
	f, ok := w.chaos.active(scenarios.FaultPrometheus, now.Sub(epoch), nil)
	w.slowMetrics, w.staleCanary = ok && f.Kind == "slow", ok && f.Kind == "stale"
	w.promDown = ok && f.Kind == "down"
	if !ok || f.Kind == "stale" {
		w.prom.SetFault(prom.Fault{})
		return
	}
	w.prom.SetFault(promFault(f))
}

// promFault is how each kind of Prometheus trouble looks on the wire.
func promFault(f scenarios.Fault) prom.Fault {
	answer := func(body string) prom.Fault { return prom.Fault{Status: 200, Body: body} }
	switch f.Kind {
	case "down":
		// The metric source dials nowhere (refusedDialer); queries that
		// still arrive (templates) are dropped.
		return prom.Fault{Refuse: true}
	case "slow":
		// Just past the provider's timeout, in the world's shrunk time.
		return prom.Fault{Delay: time.Duration(float64(promTimeout+promTimeout/10) * timeScale)}
	case "status":
		return prom.Fault{Status: f.Status}
	case "malformed":
		return answer("<html><body>502 Bad Gateway</body></html>")
	case "empty":
		return answer(`{"status":"success","data":{"resultType":"vector","result":[]}}`)
	case "nan":
		return answer(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[0,"NaN"]}]}}`)
	case "matrix":
		return answer(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[0,"1"],[15,"2"]]}]}}`)
	}
	return prom.Fault{}
}

// hookFault is the injected answer for a webhook call, if a fault fires.
func (w *world) hookFault(hook v1beta1.CanaryWebhook, t time.Duration) (hooks.Answer, bool) {
	f, ok := w.chaos.active(scenarios.FaultWebhook, t, func(f scenarios.Fault) bool {
		return f.Hook == "" || f.Hook == hook.Name
	})
	if !ok {
		return hooks.Answer{}, false
	}
	switch f.Kind {
	case "timeout":
		return hooks.Answer{Timeout: true}, true
	case "refused":
		return hooks.Answer{Refused: true}, true
	case "slow":
		// The hook's own answer, just inside its timeout.
		return hooks.Answer{Latency: hook.GetTimeout() * 9 / 10}, true
	case "flap":
		if w.chaos.flap(hook.Name) {
			return hooks.Answer{Status: 503}, true
		}
		return hooks.Answer{}, false
	}
	return hooks.Answer{Status: f.Status}, true
}

// workloadFault overrides the readiness of the canary or the primary.
func (w *world) workloadFault(name string, now time.Time) (memory.Behaviour, bool) {
	role := "canary"
	if name == w.cd.PrimaryName() {
		role = "primary"
	} else if name != w.cd.Spec.TargetRef.Name {
		return memory.Behaviour{}, false
	}
	f, ok := w.chaos.active(scenarios.FaultWorkload, now.Sub(epoch), func(f scenarios.Fault) bool { return f.Workload == role })
	if !ok {
		return memory.Behaviour{}, false
	}
	since := epoch.Add(f.At)
	switch f.Kind {
	case "crash-loop":
		return memory.Behaviour{Never: true, Reason: "CrashLoopBackOff", Since: since}, true
	case "flap":
		if int(now.Sub(since)/w.interval)%2 == 1 {
			return memory.Behaviour{}, false
		}
	}
	return memory.Behaviour{Never: true, Reason: "readiness probe failing", Since: since}, true
}

// faultyClient is the engine's view of the API server under kubernetes
// faults: errors and conflicts on the calls the faults name.
func (w *world) faultyClient(c client.Client) client.Client {
	if !w.hasFaults(scenarios.FaultKubernetes) {
		return c
	}
	ww, ok := c.(client.WithWatch)
	if !ok {
		return c
	}
	fail := func(verb string, obj client.Object) error {
		f, ok := w.chaos.active(scenarios.FaultKubernetes, w.now.Sub(epoch), func(f scenarios.Fault) bool {
			return f.Verb == "" || f.Verb == verb
		})
		if !ok {
			return nil
		}
		gr := schema.GroupResource{Resource: backend.KindOf(obj)}
		if f.Kind == "conflict" {
			return apierrors.NewConflict(gr, obj.GetName(), errors.New("injected fault: the object has been modified"))
		}
		return apierrors.NewInternalError(errors.New("injected fault: the API server failed"))
	}
	return interceptor.NewClient(ww, interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if err := fail("get", obj); err != nil {
				return err
			}
			return c.Get(ctx, key, obj, opts...)
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			if err := fail("create", obj); err != nil {
				return err
			}
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			if err := fail("update", obj); err != nil {
				return err
			}
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
			if err := fail("patch", obj); err != nil {
				return err
			}
			return c.Patch(ctx, obj, p, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			if err := fail("status", obj); err != nil {
				return err
			}
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
	})
}

func (w *world) hasFaults(target scenarios.FaultTarget) bool {
	for _, f := range w.sc.Faults {
		if f.Target == target {
			return true
		}
	}
	return false
}

// faultNotes say, in words, what Flagger does with each fault that took
// effect: where its behaviour surprises users, the report must say so.
func faultNotes(taken []scenarios.Fault) []string {
	var out []string
	for _, f := range taken {
		out = append(out, fmt.Sprintf("fault %s: %s", f, FaultMeaning(f)))
	}
	return out
}

// FaultMeaning says in one sentence what a fault did to the world and what
// Flagger does about that kind of trouble: one sentence per kind, because a
// malformed answer and an outage reach the engine differently.
func FaultMeaning(f scenarios.Fault) string {
	switch f.Target {
	case scenarios.FaultPrometheus:
		return promMeaning(f) + "; an outage longer than threshold × interval rolls back even a healthy release"
	case scenarios.FaultWebhook:
		return hookMeaning(f)
	case scenarios.FaultKubernetes:
		if f.Kind == "conflict" {
			return "the API server answered 409 Conflict to the engine's writes, as when another writer changed the object first: Flagger re-reads it and tries again on the next tick, counting no failed check, so the rollout is only delayed"
		}
		return "the API server answered 500 to the engine's calls: Flagger logs the error and tries again on the next tick, counting no failed check, so the rollout is only delayed"
	case scenarios.FaultWorkload:
		return workloadMeaning(f)
	}
	return "the controller died in the middle of a tick, after applying part of its decision, and a new one took over: the engine is level-triggered, so the new controller resumed from the Canary status and the cluster"
}

func promMeaning(f scenarios.Fault) string {
	switch f.Kind {
	case "down":
		return "Prometheus refused every connection, so each metric query failed, and Flagger counts a failed query as a failed check"
	case "slow":
		return "Prometheus answered only after the provider's 5s timeout, so each query timed out and counted as a failed check, as in an outage"
	case "status":
		return fmt.Sprintf("Prometheus answered HTTP %d, which Flagger counts as a failed check", f.Status)
	case "malformed":
		return "Prometheus answered a body that is not JSON (a proxy's error page), which Flagger cannot decode and counts as a failed check"
	case "empty":
		return "Prometheus answered no series, which Flagger reads as \"no values found\" and counts as a failed check"
	case "nan":
		return "Prometheus answered NaN, which Flagger reads as \"no values found\" and counts as a failed check"
	case "matrix":
		return "Prometheus answered a range vector where Flagger needs one number, a query error that counts as a failed check"
	}
	return "the canary's series stopped, as when its scrape target disappears; once its last samples left the query's range Flagger found no values, a failed check each tick"
}

func hookMeaning(f scenarios.Fault) string {
	hook := "hook " + f.Hook
	if f.Hook == "" {
		hook = "every hook"
	}
	what := map[string]string{
		"timeout": hook + " gave no answer before its timeout",
		"refused": hook + " refused the connection",
		"flap":    hook + " failed every other call (HTTP 503)",
		"status":  fmt.Sprintf("%s answered HTTP %d", hook, f.Status),
	}[f.Kind]
	if f.Kind == "slow" {
		return hook + " answered just inside its timeout: Flagger takes the answer as it is, so only the tick took longer"
	}
	return what + ": Flagger counts a failing pre-rollout or rollout hook as a failed check, holds the rollout at a failing confirm gate, reads a failing rollback hook as \"do not roll back\" and ignores post-rollout failures"
}

func workloadMeaning(f scenarios.Fault) string {
	what := map[string]string{
		"crash-loop": "the %s's pods crash-looped",
		"flap":       "the %s's readiness came and went every other interval",
	}[f.Kind]
	if what == "" {
		what = "the %s's pods failed their readiness probe"
	}
	what = fmt.Sprintf(what, f.Workload)
	if f.Workload == "primary" {
		return what + ": Flagger rolls back when the primary is not ready past its progress deadline, and a primary lost during promotion fails the promotion with traffic left on the canary"
	}
	return what + ": Flagger counts no failed check while it waits for the canary, then rolls back at once when the progress deadline passes"
}

// refusedDialer is the network as seen from a client of a server that is
// down: every connection is refused.
func refusedDialer(context.Context, string, string) (net.Conn, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
}
