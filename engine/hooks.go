// This file asks the Canary's webhooks of one type and turns their answers into a gate and events;
// the world's answers come in through Observations, so no HTTP happens here.

package engine

import (
	"strconv"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// gate is the outcome of asking a series of hooks or metrics.
type gate int

const (
	passed gate = iota
	failed
	// pending: an answer is missing; the Decision asks for it.
	pending
)

// ask returns the answer to q, or records q as the tick's question (Step
// puts it on the heap once, as its Decision's Ask).
func (s *stepper) ask(q Question) (Answer, bool) {
	a, ok := s.obs.answer(q)
	if !ok {
		s.asked, s.asking = q, true
	}
	return a, ok
}

func hookIs(h v1beta1.CanaryWebhook, t v1beta1.HookType) bool {
	if t == v1beta1.RolloutHook {
		return h.IsRolloutHook()
	}
	return h.Type == t
}

// runHooks asks the hooks of type t in order, sending phase. Gates stop at the
// first failure; rollback hooks are the other way round: the first success
// means "roll back", and a failure only means "not now".
func (s *stepper) runHooks(t v1beta1.HookType, phase v1beta1.CanaryPhase) gate {
	for i, h := range s.analysis.Webhooks {
		if !hookIs(h, t) {
			continue
		}
		a, ok := s.ask(Question{Kind: AskHook, Index: i, Phase: phase})
		if !ok {
			return pending
		}
		s.lastHookIdx = i
		ok = a.HookPassed()
		s.check(Check{Question: Question{Kind: AskHook, Index: i, Phase: phase},
			Name: h.Name, HookType: t, Answer: a, Passed: ok})
		s.hookEvent(t, h, a, ok)
		if stop, g := hookVerdict(t, ok); stop {
			return g
		}
	}
	if t == v1beta1.RollbackHook {
		return failed
	}
	return passed
}

// hookVerdict says whether one hook's answer ends the series, and how.
func hookVerdict(t v1beta1.HookType, ok bool) (bool, gate) {
	if t == v1beta1.RollbackHook {
		return ok, passed
	}
	return !ok, failed
}

func (s *stepper) lastHook() v1beta1.CanaryWebhook { return s.analysis.Webhooks[s.lastHookIdx] }

// lastHookFailure says which hook failed last, and how; a quiet stepper
// has no checks to read it from, and no reason to write it into.
func (s *stepper) lastHookFailure() string {
	if s.quiet {
		return ""
	}
	return s.lastHook().Name + " failed: " + hookError(s.d.Checks[len(s.d.Checks)-1].Answer)
}

// hookEvent records what a hook's answer meant, in the words a user reads in
// `kubectl describe canary`.
// The words of a hook that passed, or of a rollback hook that did not
// signal, are joined rather than formatted (the same text): every Step of a
// tick says them again for each hook answered so far, and formatting boxed
// each name.
func (s *stepper) hookEvent(t v1beta1.HookType, h v1beta1.CanaryWebhook, a Answer, ok bool) {
	if s.quiet {
		return
	}
	switch {
	case t == v1beta1.RollbackHook && ok:
		s.say(EventWarning, "Rollback check "+h.Name+" passed")
	case t == v1beta1.RollbackHook:
		s.say(EventNormal, "Rollback hook "+h.Name+" not signaling a rollback")
	case ok:
		s.say(EventNormal, string(t)+" check "+h.Name+" passed")
	case t == v1beta1.ConfirmRolloutHook, t == v1beta1.ConfirmPromotionHook:
		// The waiting phase's own event says it.
	case t == v1beta1.ConfirmTrafficIncreaseHook:
		s.sayJoin(EventWarning, "Halt ", s.cd.Name, ".", s.cd.Namespace, " advancement waiting for traffic increase approval ", h.Name)
	default:
		s.sayJoin(EventWarning, "Halt ", s.cd.Name, ".", s.cd.Namespace, " advancement ", string(t), " check ", h.Name, " failed ", hookError(a))
	}
}

// hookError says why a hook did not pass.
func hookError(a Answer) string {
	if a.Err != "" {
		return a.Err
	}
	return "status " + strconv.Itoa(a.Status)
}
