// This file answers the loadtester's own paths (/gate/check, /gate/open,
// /rollback/check, ...) as Flagger's loadtester does.

package hooks

import (
	"fmt"
	"net/http"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// reply is what the server decided to answer to one call.
type reply struct {
	status  int
	body    string
	latency time.Duration // virtual
	timeout bool
	refused bool
	// natural: the endpoint's own answer, not a scenario's or a fault's.
	natural bool
	// done, when set, holds the answer until it is closed (a blocking
	// task's command running for real).
	done <-chan struct{}
}

// endpoint answers one loadtester path at virtual time now. gate is the
// scenario's schedule for the hook in the URL, nil at the base URL.
type endpoint func(s *Server, in input, gate *Gate, now time.Duration) reply

// endpoints are the flagger-loadtester's paths; any other path is a task
// (the loadtester routes everything else to its task handler).
var endpoints = map[string]endpoint{
	"/healthz":        func(*Server, input, *Gate, time.Duration) reply { return ok() },
	"/gate/approve":   func(*Server, input, *Gate, time.Duration) reply { return ok() },
	"/gate/halt":      func(*Server, input, *Gate, time.Duration) reply { return forbidden() },
	"/gate/check":     gateCheck(gateKey),
	"/gate/open":      gateSet(gateKey, true),
	"/gate/close":     gateSet(gateKey, false),
	"/rollback/check": gateCheck(rollbackKey),
	"/rollback/open":  gateSet(rollbackKey, true),
	"/rollback/close": gateSet(rollbackKey, false),
}

func ok() reply        { return reply{status: http.StatusOK, body: "OK"} }
func forbidden() reply { return reply{status: http.StatusForbidden, body: "Forbidden"} }

// The loadtester keeps one gate and one rollback gate per Canary.
func gateKey(p v1beta1.CanaryWebhookPayload) string { return p.Name + "." + p.Namespace }
func rollbackKey(p v1beta1.CanaryWebhookPayload) string {
	return "rollback." + p.Name + "." + p.Namespace
}

func gateCheck(key func(v1beta1.CanaryWebhookPayload) string) endpoint {
	return func(s *Server, in input, gate *Gate, now time.Duration) reply {
		if in.err != "" {
			return badPayload(in)
		}
		if gateOpen(gate, s.toggles[key(in.payload)], now) {
			return reply{status: http.StatusOK, body: "Approved"}
		}
		return forbidden()
	}
}

func gateSet(key func(v1beta1.CanaryWebhookPayload) string, open bool) endpoint {
	return func(s *Server, in input, _ *Gate, now time.Duration) reply {
		if in.err != "" {
			return badPayload(in)
		}
		k := key(in.payload)
		s.toggles[k] = append(s.toggles[k], toggle{at: now, open: open})
		return reply{status: http.StatusAccepted}
	}
}

func badPayload(in input) reply {
	return reply{status: http.StatusBadRequest, body: "rehearse loadtester: " + in.err}
}

// task is the loadtester's task endpoint. A `cmd` task is accepted at once,
// as the loadtester does before running it in the background; here it is
// only recorded (the harness may run known commands such as hey itself).
// Blocking types would run a program, which rehearse never does.
func task(in input) reply {
	if in.err != "" {
		return badPayload(in)
	}
	md := in.payload.Metadata
	if len(md) == 0 {
		return reply{status: http.StatusBadRequest, body: "rehearse loadtester: the payload has no metadata; a task needs at least metadata.cmd"}
	}
	typ, found := md["type"]
	if !found {
		typ = "cmd"
	}
	return taskOfType(typ, md)
}

func taskOfType(typ string, md map[string]string) reply {
	switch typ {
	case "cmd":
		return cmdTask(md)
	case "ngrinder":
		return reply{status: http.StatusAccepted, body: "rehearse loadtester: ngrinder task recorded, not run"}
	case "bash", "helm", "helmv3", "kubectl":
		return refuseCommand(typ, md["cmd"])
	case "concord":
		return reply{status: http.StatusBadRequest, body: "rehearse loadtester: concord jobs are not simulated; " + answerHint}
	default:
		return reply{status: http.StatusBadRequest, body: fmt.Sprintf("rehearse loadtester: unknown task type %q", typ)}
	}
}

func cmdTask(md map[string]string) reply {
	cmd, found := md["cmd"]
	if !found {
		return reply{status: http.StatusBadRequest, body: "rehearse loadtester: metadata.cmd is missing from a cmd task"}
	}
	return reply{status: http.StatusAccepted, body: fmt.Sprintf("rehearse loadtester: task %q recorded, not run", cmd)}
}

const answerHint = "give this hook an answer in the scenario to say how it responds"

func refuseCommand(typ, cmd string) reply {
	return reply{status: http.StatusBadRequest, body: fmt.Sprintf(
		"rehearse never runs shell commands from webhook metadata: refused %s task %q; %s", typ, cmd, answerHint)}
}
