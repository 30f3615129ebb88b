// This file tests the webhook receivers: answers in virtual time, gates,
// loadtester paths and tasks.

package hooks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/webhook"
)

func start(t *testing.T, behaviours map[string]Behaviour, scale float64) *Server {
	t.Helper()
	s, err := Start(behaviours, scale)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// post sends a raw body and returns the status and body of the answer.
func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func payload(name string, metadata map[string]string) string {
	b, _ := json.Marshal(v1beta1.CanaryWebhookPayload{Name: name, Namespace: "test", Phase: "Progressing", Metadata: metadata})
	return string(b)
}

func dur(d time.Duration) *time.Duration { return &d }

func TestStartRejectsBadBehaviours(t *testing.T) {
	tests := []struct {
		name      string
		b         Behaviour
		errSubstr string
	}{
		{"", Behaviour{}, "hook name is empty"},
		{"h", Behaviour{Answers: []Answer{{Status: 42}}}, `hook "h", answer 1: status 42 is not an HTTP status`},
		{"h", Behaviour{Answers: []Answer{{Status: 200}, {From: -time.Second}}}, "answer 2: from -1s is negative"},
		{"h", Behaviour{Answers: []Answer{{Latency: -time.Second}}}, "latency -1s is negative"},
		{"h", Behaviour{Answers: []Answer{{Timeout: true, Refused: true}}}, "pick one"},
		{"h", Behaviour{Answers: []Answer{{Timeout: true, Status: 500}}}, "status 500 is never sent"},
		{"h", Behaviour{Answers: []Answer{{Timeout: true, Latency: time.Second}}}, "latency means nothing"},
		{"h", Behaviour{Answers: []Answer{{From: time.Minute}, {From: time.Minute, Status: 500}}}, "already starts at 1m0s"},
		{"h", Behaviour{Gate: &Gate{OpenAt: dur(-time.Second)}}, "must not be negative"},
		{"h", Behaviour{Gate: &Gate{OpenAt: dur(time.Minute), CloseAt: dur(time.Minute)}}, "cannot open and close at once"},
	}
	for _, tt := range tests {
		s, err := Start(map[string]Behaviour{tt.name: tt.b}, 1)
		if err == nil {
			_ = s.Close()
			t.Errorf("Start(%q: %+v) succeeded, want an error containing %q", tt.name, tt.b, tt.errSubstr)
			continue
		}
		if !strings.Contains(err.Error(), tt.errSubstr) {
			t.Errorf("Start(%q: %+v) = %v, want it to contain %q", tt.name, tt.b, err, tt.errSubstr)
		}
	}
}

func TestLoadtesterGates(t *testing.T) {
	s := start(t, nil, 1)
	steps := []struct {
		path, canary string
		status       int
		body         string
	}{
		{"/gate/check", "podinfo", 403, "Forbidden"},
		{"/gate/open", "podinfo", 202, ""},
		{"/gate/check", "podinfo", 200, "Approved"},
		{"/gate/check", "other", 403, "Forbidden"}, // gates are per Canary
		{"/rollback/check", "podinfo", 403, "Forbidden"},
		{"/gate/close", "podinfo", 202, ""},
		{"/gate/check", "podinfo", 403, "Forbidden"},
		{"/rollback/open", "podinfo", 202, ""},
		{"/rollback/check", "podinfo", 200, "Approved"},
		{"/gate/check", "podinfo", 403, "Forbidden"}, // the rollback gate is its own
		{"/rollback/close", "podinfo", 202, ""},
		{"/rollback/check", "podinfo", 403, "Forbidden"},
		{"/gate/approve", "podinfo", 200, "OK"},
		{"/gate/halt", "podinfo", 403, "Forbidden"},
		{"/healthz", "podinfo", 200, "OK"},
	}
	for i, st := range steps {
		status, body := post(t, s.LoadtesterURL()+st.path, payload(st.canary, nil))
		if status != st.status || body != st.body {
			t.Errorf("step %d %s (%s) = %d %q, want %d %q", i+1, st.path, st.canary, status, body, st.status, st.body)
		}
	}
	calls := s.Calls()
	if len(calls) != len(steps) || calls[2].Path != "/gate/check" || calls[2].Hook != "" || calls[2].Status != 200 {
		t.Errorf("calls = %+v, want %d in order with paths and statuses", calls, len(steps))
	}
}

func TestLoadtesterRejectsBadPayloads(t *testing.T) {
	s := start(t, nil, 1)
	for _, path := range []string{"/gate/check", "/gate/open", "/rollback/check", "/rollback/close", "/"} {
		status, body := post(t, s.LoadtesterURL()+path, "{not json")
		if status != http.StatusBadRequest || !strings.Contains(body, "not Flagger's webhook JSON") {
			t.Errorf("%s with a bad payload = %d %q, want 400 naming the problem", path, status, body)
		}
	}
	if c := s.Calls()[0]; !strings.Contains(c.Err, "not Flagger's webhook JSON") {
		t.Errorf("recorded error = %q, want the decoding problem", c.Err)
	}
}

func TestTasks(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	tests := []struct {
		metadata  map[string]string
		status    int
		bodySubst string
	}{
		{map[string]string{"type": "cmd", "cmd": "touch " + marker}, 202, "recorded, not run"},
		{map[string]string{"cmd": "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"}, 202, "recorded, not run"},
		{map[string]string{"type": "cmd"}, 400, "metadata.cmd is missing"},
		{map[string]string{"type": "bash", "cmd": "touch " + marker}, 400, "rehearse never runs shell commands from webhook metadata"},
		{map[string]string{"type": "helm", "cmd": "test podinfo"}, 400, "never runs shell commands"},
		{map[string]string{"type": "helmv3", "cmd": "test podinfo"}, 400, "never runs shell commands"},
		{map[string]string{"type": "kubectl", "cmd": "get pods"}, 400, "never runs shell commands"},
		{map[string]string{"type": "concord", "server": "x"}, 400, "not simulated"},
		{map[string]string{"type": "ngrinder", "server": "x"}, 202, "recorded, not run"},
		{map[string]string{"type": "mystery"}, 400, `unknown task type "mystery"`},
		{nil, 400, "no metadata"},
	}
	s := start(t, nil, 1)
	for _, tt := range tests {
		status, body := post(t, s.LoadtesterURL()+"/", payload("podinfo", tt.metadata))
		if status != tt.status || !strings.Contains(body, tt.bodySubst) {
			t.Errorf("task %v = %d %q, want %d containing %q", tt.metadata, status, body, tt.status, tt.bodySubst)
		}
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("a task command ran (stat %s: %v); nothing from metadata may ever run", marker, err)
	}
	if c := s.Calls()[1]; c.Path != "/" || c.Metadata["cmd"] != tests[1].metadata["cmd"] || c.Status != 202 {
		t.Errorf("recorded task = %+v, want the cmd and 202", c)
	}
	all := s.Calls()
	for _, n := range []int{-1, 0, 1, len(all) - 1, len(all), len(all) + 5} {
		since := s.CallsSince(n)
		want := all[min(max(n, 0), len(all)):]
		if len(since) != len(want) || (len(want) > 0 && since[0].Metadata["cmd"] != want[0].Metadata["cmd"]) {
			t.Errorf("CallsSince(%d) = %d calls, want the %d after the first %d", n, len(since), len(want), n)
		}
	}
}

func TestAnswersFollowVirtualTime(t *testing.T) {
	s := start(t, map[string]Behaviour{"acceptance": {Answers: []Answer{
		{From: 5 * time.Minute, Status: 202},
		{From: 2 * time.Minute, Status: 500},
		{From: 30 * time.Second}, // Status 0: the hook's own answer, 200
		{From: 7 * time.Minute, Status: 0},
	}}}, 1)
	tests := []struct {
		now    time.Duration
		status int
	}{
		{0, 200}, // before the first answer: the hook's own answer
		{30 * time.Second, 200},
		{2*time.Minute - time.Second, 200},
		{2 * time.Minute, 500},
		{4 * time.Minute, 500},
		{5 * time.Minute, 202},
		{7 * time.Minute, 200},
		{time.Hour, 200},
		{3 * time.Minute, 500}, // time may be set back, e.g. between runs
	}
	for _, tt := range tests {
		s.SetNow(tt.now)
		if status, _ := post(t, s.URL("acceptance"), payload("podinfo", nil)); status != tt.status {
			t.Errorf("at %s: status %d, want %d", tt.now, status, tt.status)
		}
	}
	for i, c := range s.Calls() {
		if c.At != tests[i].now || c.Status != tests[i].status || c.Hook != "acceptance" || c.Path != "" {
			t.Errorf("call %d = %+v, want at %s status %d on hook acceptance", i, c, tests[i].now, tests[i].status)
		}
	}
}

func TestScenarioAnswersOverrideTheLoadtester(t *testing.T) {
	s := start(t, map[string]Behaviour{
		"helm-test": {Answers: []Answer{{From: time.Minute, Status: 200}}},
		"gate":      {Answers: []Answer{{From: 0, Latency: time.Millisecond}}, Gate: &Gate{Open: true}},
	}, 1)
	bash := payload("podinfo", map[string]string{"type": "helm", "cmd": "test podinfo"})
	if status, _ := post(t, s.URL("helm-test")+"/", bash); status != 400 {
		t.Errorf("helm task before the scenario's answer: status %d, want the loadtester's refusal 400", status)
	}
	s.SetNow(time.Minute)
	if status, body := post(t, s.URL("helm-test")+"/", bash); status != 200 || !strings.Contains(body, "scenario answer") {
		t.Errorf("helm task with a scenario answer: %d %q, want the scenario's 200", status, body)
	}
	if status, body := post(t, s.URL("gate")+"/gate/check", payload("podinfo", nil)); status != 200 || body != "Approved" {
		t.Errorf("gate check with a latency-only answer: %d %q, want the gate's own 200 Approved", status, body)
	}
}

func TestScheduledGates(t *testing.T) {
	s := start(t, map[string]Behaviour{
		"approval": {Gate: &Gate{OpenAt: dur(3 * time.Minute), CloseAt: dur(6 * time.Minute)}},
		"freeze":   {Gate: &Gate{Open: true, CloseAt: dur(time.Minute)}},
	}, 1)
	steps := []struct {
		now          time.Duration
		url          string
		status       int
		whatHappened string
	}{
		{0, s.URL("approval"), 403, "closed until 3m"},
		{0, s.URL("freeze"), 200, "open at first"},
		{time.Minute, s.URL("freeze"), 403, "closed at 1m"},
		{3 * time.Minute, s.URL("approval"), 200, "opened at 3m"},
		{6 * time.Minute, s.URL("approval"), 403, "closed at 6m"},
		// Loadtester paths under a hook combine its schedule with open/close calls.
		{time.Minute, s.URL("approval") + "/gate/check", 403, "scheduled closed"},
		{time.Minute, s.URL("approval") + "/gate/open", 202, "opened by a call"},
		{time.Minute, s.URL("approval") + "/gate/check", 200, "open after the call"},
		{2 * time.Minute, s.URL("approval") + "/gate/close", 202, "closed by a call"},
		{2 * time.Minute, s.URL("approval") + "/gate/check", 403, "closed after the call"},
		{3 * time.Minute, s.URL("approval") + "/gate/check", 200, "the schedule opens it at 3m"},
		{3 * time.Minute, s.LoadtesterURL() + "/gate/check", 403, "no schedule at the base URL, and the close call came later"},
		{3 * time.Minute, s.URL("approval") + "/gate/close", 202, "closed by a call at 3m"},
		{3 * time.Minute, s.URL("approval") + "/gate/check", 403, "a call beats the schedule at the same instant"},
	}
	for i, st := range steps {
		s.SetNow(st.now)
		if status, _ := post(t, st.url, payload("podinfo", nil)); status != st.status {
			t.Errorf("step %d (%s) at %s: status %d, want %d", i+1, st.whatHappened, st.now, status, st.status)
		}
	}
}

func TestGateOpen(t *testing.T) {
	tests := []struct {
		gate  *Gate
		calls []toggle
		now   time.Duration
		want  bool
	}{
		{nil, nil, time.Hour, false},
		{&Gate{Open: true}, nil, 0, true},
		{&Gate{OpenAt: dur(time.Minute)}, nil, time.Minute - 1, false},
		{&Gate{OpenAt: dur(time.Minute)}, nil, time.Minute, true},
		{&Gate{OpenAt: dur(2 * time.Minute), CloseAt: dur(time.Minute), Open: true}, nil, 90 * time.Second, false},
		{&Gate{OpenAt: dur(2 * time.Minute), CloseAt: dur(time.Minute), Open: true}, nil, 2 * time.Minute, true},
		{nil, []toggle{{time.Minute, true}}, 0, false},
		{nil, []toggle{{time.Minute, true}, {time.Minute, false}}, time.Minute, false},
		{&Gate{CloseAt: dur(time.Minute)}, []toggle{{time.Minute, true}}, time.Minute, true},
	}
	for i, tt := range tests {
		if got := gateOpen(tt.gate, tt.calls, tt.now); got != tt.want {
			t.Errorf("case %d: gateOpen(%+v, %v, %s) = %v, want %v", i+1, tt.gate, tt.calls, tt.now, got, tt.want)
		}
	}
}

func TestHookNamesAreEscaped(t *testing.T) {
	name := "smoke test/v2?x"
	s := start(t, map[string]Behaviour{name: {Answers: []Answer{{Status: 418}}}}, 1)
	if status, _ := post(t, s.URL(name), payload("podinfo", nil)); status != 418 {
		t.Errorf("status %d, want the behaviour of %q (418)", status, name)
	}
	if status, _ := post(t, s.URL(name)+"/gate/approve", payload("podinfo", nil)); status != 418 {
		t.Errorf("under a loadtester path: status %d, want 418", status)
	}
	if c := s.Calls()[1]; c.Hook != name || c.Path != "/gate/approve" {
		t.Errorf("recorded call = %+v, want hook %q and path /gate/approve", c, name)
	}
}

// The caller and the server share the time scale, as in a virtual-time run.
const scale = 0.001

type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return nil
}

func canary() *v1beta1.Canary {
	return &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"}}
}

func callHook(s *Server, c *webhook.Caller, name, timeout string, retries int) webhook.Result {
	hook := v1beta1.CanaryWebhook{Name: name, URL: s.URL(name), Timeout: timeout, Retries: retries,
		Metadata: &map[string]string{"suite": "smoke"}}
	return c.Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
}

func TestFailuresSeenByTheCaller(t *testing.T) {
	// At this scale a 10s timeout is 500ms: long enough that a machine at a
	// load average of 15 still tells a refused connection from a timeout
	// (at 100ms it did not, once).
	const scale = 0.05
	s := start(t, map[string]Behaviour{
		"hangs":   {Answers: []Answer{{Timeout: true}}},
		"refuses": {Answers: []Answer{{Refused: true}}},
		"slow":    {Answers: []Answer{{Latency: 100 * time.Second}}},
	}, scale)
	tests := []struct {
		hook      string
		errSubstr string
		recorded  string
	}{
		{"hangs", "did not answer within 10s (attempt 3 of 3)", "scenario timeout"},
		{"refuses", "could not be reached (attempt 3 of 3)", "scenario refused"},
		{"slow", "did not answer within 10s (attempt 3 of 3)", "before the answer, due after 1m40s"},
	}
	for _, tt := range tests {
		sl := &sleeps{}
		res := callHook(s, &webhook.Caller{TimeScale: scale, Sleep: sl.sleep}, tt.hook, "10s", 2)
		if res.OK() || res.Attempts != 3 || res.Status != 0 || !strings.Contains(res.Err.Error(), tt.errSubstr) {
			t.Errorf("%s: result %+v, want 3 failed attempts: %q", tt.hook, res, tt.errSubstr)
		}
		if len(sl.waits) != 2 || sl.waits[0] != time.Second || sl.waits[1] != 2*time.Second {
			t.Errorf("%s: backoff waits %v, want [1s 2s]", tt.hook, sl.waits)
		}
	}
	_ = s.Close() // waits for the handlers, so every note is in
	calls := s.Calls()
	if len(calls) != 9 {
		t.Fatalf("recorded %d calls, want 9", len(calls))
	}
	for i, c := range calls {
		want := tests[i/3]
		if c.Hook != want.hook || c.Status != 0 || !strings.Contains(c.Err, want.recorded) {
			t.Errorf("call %d = %+v, want hook %s with %q", i, c, want.hook, want.recorded)
		}
	}
}

func TestLatencyWithinTheTimeout(t *testing.T) {
	const scale = 0.02 // 2s of latency is 40ms, a 1m timeout 1.2s
	s := start(t, map[string]Behaviour{"slow": {Answers: []Answer{{Latency: 2 * time.Second, Status: 201}}}}, scale)
	res := callHook(s, &webhook.Caller{TimeScale: scale}, "slow", "1m", 0)
	if !res.OK() || res.Status != 201 {
		t.Errorf("result %+v, want the 201 that came within the timeout", res)
	}
	c := s.Calls()[0]
	if c.Phase != "Progressing" || c.Metadata["suite"] != "smoke" || c.Status != 201 || c.Err != "" {
		t.Errorf("recorded call = %+v, want phase, metadata and status 201", c)
	}
}

func TestUnknownHookApproves(t *testing.T) {
	s := start(t, nil, scale)
	if res := callHook(s, &webhook.Caller{TimeScale: scale}, "anything", "1h", 0); !res.OK() || res.Status != 200 {
		t.Errorf("result %+v, want 200 from a hook with no behaviour", res)
	}
}

func TestConcurrentCallers(t *testing.T) {
	s := start(t, map[string]Behaviour{
		"flip": {Answers: []Answer{{From: 0, Status: 200}, {From: time.Minute, Status: 500}}},
		"gate": {Gate: &Gate{OpenAt: dur(time.Minute)}},
	}, scale)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 200 {
			s.SetNow(time.Duration(i) * time.Second)
			_ = s.Calls()
		}
	})
	for w := range workers {
		wg.Go(func() {
			c := &webhook.Caller{TimeScale: scale}
			for i := range each {
				name := []string{"flip", "gate", "other"}[(w+i)%3]
				// 1h is 3.6s at this scale: ample time for a busy machine.
				if res := callHook(s, c, name, "1h", 0); res.Attempts != 1 || res.Status == 0 {
					t.Errorf("%s: result %+v, want one answered attempt", name, res)
				}
				post(t, s.LoadtesterURL()+"/gate/open", payload(fmt.Sprintf("c%d", w), nil))
			}
		})
	}
	wg.Wait()
	if n := len(s.Calls()); n != 2*workers*each {
		t.Errorf("recorded %d calls, want %d", n, 2*workers*each)
	}
}

func TestCloseEndsHeldCalls(t *testing.T) {
	s, err := Start(map[string]Behaviour{"hangs": {Answers: []Answer{{Timeout: true}}}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan webhook.Result)
	go func() { done <- callHook(s, &webhook.Caller{}, "hangs", "1h", 0) }()
	for len(s.Calls()) == 0 {
		time.Sleep(time.Millisecond) // wait for the call to arrive; the test's own timeout bounds this
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if res := <-done; res.OK() {
		t.Errorf("result %+v, want a failure once the server closed", res)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func BenchmarkRoundTrip(b *testing.B) {
	s, err := Start(map[string]Behaviour{"gate": {Gate: &Gate{Open: true}}}, scale)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		name string
		c    *webhook.Caller
	}{{"fresh-pool", &webhook.Caller{TimeScale: scale}}, {"shared-client", &webhook.Caller{TimeScale: scale, Client: &http.Client{}}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if res := callHook(s, tc.c, "gate", "1h", 0); !res.OK() {
					b.Fatal(res.Err)
				}
			}
		})
	}
}

// BenchmarkInProcess is a webhook call as a sweep's rehearsal makes it:
// through the server's in-process Transport, with no socket.
func BenchmarkInProcess(b *testing.B) {
	s, err := StartInProcess(map[string]Behaviour{"gate": {Gate: &Gate{Open: true}}}, scale)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := &webhook.Caller{TimeScale: scale, Client: &http.Client{Transport: s.Transport()}}
	for b.Loop() {
		if res := callHook(s, c, "gate", "1h", 0); !res.OK() {
			b.Fatal(res.Err)
		}
	}
}
