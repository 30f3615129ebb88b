// This file is the world's receivers part: the webhook and alert receivers
// the engine's calls reach, the webhook URLs pointed at them, and how far
// the world has read the calls and alerts they received.

package sim

import (
	"net/http"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
)

// receivers owns the world's webhook and alert receivers. Its server is
// nil when the scenario scripts every answer.
type receivers struct {
	srv *hooks.Server
	// urls maps each rewritten hook URL back to the manifest's, so reports
	// name what the user wrote, not a loopback port.
	urls map[string]string
	// callsSeen and alertsSeen are how many calls and alert deliveries the
	// world has already put in a tick.
	callsSeen, alertsSeen int
	tasks                 taskNotes
	// heys are the hooks' hey commands parsed, for everything that reads
	// them (point, the hook caller, the load model).
	heys heyParses
}

// startReceivers starts the webhook receivers: on a loopback port, or,
// inProcess, reached only through client's in-process transport, with no
// socket opened and closed for each rehearsal.
func startReceivers(behaviours map[string]hooks.Behaviour, scale float64, inProcess bool) (*hooks.Server, error) {
	if inProcess {
		return hooks.StartInProcess(behaviours, scale)
	}
	return hooks.Start(behaviours, scale)
}

// client reaches the receivers: through sockets, or, inProcess, straight
// to the receivers' own handler, without a loopback socket.
func (r *receivers) client(sockets *http.Client, inProcess bool) *http.Client {
	if inProcess && r.srv != nil {
		return &http.Client{Transport: r.srv.Transport()}
	}
	return sockets
}

// point rewrites the analysis's webhooks to the receivers, remembering the
// URL each had in the manifest.
func (r *receivers) point(a *v1beta1.CanaryAnalysis) {
	if a == nil || r.srv == nil {
		return
	}
	r.urls = map[string]string{}
	for i := range a.Webhooks {
		original := a.Webhooks[i].URL
		a.Webhooks[i].URL = hookURL(r.srv, a.Webhooks[i], &r.heys)
		r.urls[a.Webhooks[i].URL] = original
	}
}

// setNow moves the receivers' scripted answers to the tick's virtual time.
func (r *receivers) setNow(now time.Time) {
	if r.srv != nil {
		r.srv.SetNow(now.Sub(epoch))
	}
}

// alertsOf are the alerts the receiver got during tick t, each with the
// severity the engine gave its message. Alerts sent before the release
// (the Canary's initialization) belong to its past and are left out.
func (r *receivers) alertsOf(t *runner.Tick, release time.Time) []reports.Alert {
	if r.srv == nil {
		return nil
	}
	all := r.srv.Deliveries()
	var out []reports.Alert
	for _, d := range all[r.alertsSeen:] {
		if epoch.Add(d.At).Before(release) {
			continue
		}
		out = append(out, reports.Alert{Provider: d.Provider, Type: d.Type, Severity: severityOf(t, d.Text),
			Message: d.Text, Error: d.Err})
	}
	r.alertsSeen = len(all)
	return out
}

// loadNotes says, once each, how the commands that started modelled load
// tests were modelled (notes from the load part), then what the loadtester
// did with the commands of the calls received since the last time.
func (r *receivers) loadNotes(modelled []string) []string {
	var out []string
	for _, n := range modelled {
		out = r.tasks.once(out, n, n)
	}
	return append(out, r.newTaskNotes()...)
}

// newTaskNotes says, once each, what the loadtester did with the commands
// of the calls received since the last time it was asked.
func (r *receivers) newTaskNotes() []string {
	calls := r.srv.CallsSince(r.callsSeen)
	r.callsSeen += len(calls)
	return r.tasks.of(calls)
}
