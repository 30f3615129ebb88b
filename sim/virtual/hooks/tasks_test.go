// This file tests the loadtester task endpoint and its Runner.

package hooks

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRunner models every command as running for d, or refuses it.
type fakeRunner struct {
	mu      sync.Mutex
	d       time.Duration
	done    <-chan struct{}
	refuse  string
	started []Task
}

func (f *fakeRunner) Start(t Task) (Run, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse != "" && strings.Contains(t.Cmd, f.refuse) {
		return Run{}, errors.New("not a hey command")
	}
	f.started = append(f.started, t)
	return Run{For: f.d, Done: f.done}, nil
}

const hey = "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"

// TestCmdTaskRunsOnceAtATime: flagger-loadtester keeps one copy of a
// command per Canary; a call while it runs is answered 202 and starts
// nothing, and the command starts again once it has ended.
func TestCmdTaskRunsOnceAtATime(t *testing.T) {
	s := start(t, nil, 1)
	f := &fakeRunner{d: time.Minute}
	s.SetRunner(f)
	call := func(at time.Duration, name, cmd string) Call {
		s.SetNow(at)
		status, _ := post(t, s.URL("load-test")+"/", payload(name, map[string]string{"type": "cmd", "cmd": cmd}))
		if status != http.StatusAccepted {
			t.Fatalf("a cmd task at %s answered %d, want 202 at once", at, status)
		}
		calls := s.Calls()
		return calls[len(calls)-1]
	}
	steps := []struct {
		at         time.Duration
		name, cmd  string
		want, note string
	}{
		{0, "podinfo", hey, TaskStarted, ""},
		{30 * time.Second, "podinfo", hey, TaskRunning, "started at 0s, still running"},
		{30 * time.Second, "other", hey, TaskStarted, ""},         // another Canary: another key
		{45 * time.Second, "podinfo", hey + " ", TaskStarted, ""}, // another command
		{time.Minute, "podinfo", hey, TaskStarted, ""},            // ended at 1m: half-open
		{90 * time.Second, "podinfo", hey, TaskRunning, "started at 1m0s, still running"},
	}
	for _, st := range steps {
		c := call(st.at, st.name, st.cmd)
		if c.Task != st.want || c.TaskErr != st.note {
			t.Errorf("%s at %s: task %q (%q), want %q (%q)", st.name, st.at, c.Task, c.TaskErr, st.want, st.note)
		}
	}
	if len(f.started) != 4 {
		t.Errorf("started %d commands, want 4", len(f.started))
	}
	if got := f.started[1]; got.Canary != "other.test" || got.Hook != "load-test" || got.Blocking || got.At != 30*time.Second {
		t.Errorf("second start %+v, want the other Canary's background task at 30s", got)
	}
}

// TestCmdTaskRealRunEndsEarly: a command really running stops counting as
// running when it ends, even before its nominal end.
func TestCmdTaskRealRunEndsEarly(t *testing.T) {
	s := start(t, nil, 1)
	done := make(chan struct{})
	s.SetRunner(&fakeRunner{d: time.Minute, done: done})
	body := payload("podinfo", map[string]string{"cmd": hey})
	post(t, s.LoadtesterURL()+"/", body)
	s.SetNow(10 * time.Second)
	post(t, s.LoadtesterURL()+"/", body)
	close(done)
	post(t, s.LoadtesterURL()+"/", body)
	var got []string
	for _, c := range s.Calls() {
		got = append(got, c.Task)
	}
	if strings.Join(got, ",") != "started,already running,started" {
		t.Errorf("tasks %v, want started, already running, started", got)
	}
}

// TestBashTaskBlocks: a bash task is answered when its command ends (200),
// is never kept to one copy, and a command that cannot run is refused.
func TestBashTaskBlocks(t *testing.T) {
	s := start(t, nil, 0.001) // 1m of virtual time holds the call 60ms
	f := &fakeRunner{d: time.Minute, refuse: "curl"}
	s.SetRunner(f)
	for range 2 {
		begin := time.Now()
		status, body := post(t, s.LoadtesterURL()+"/", payload("podinfo", map[string]string{"type": "bash", "cmd": hey}))
		if status != http.StatusOK || !strings.Contains(body, "finished") {
			t.Errorf("bash task answered %d %q, want 200 once it finished", status, body)
		}
		if held := time.Since(begin); held < 60*time.Millisecond {
			t.Errorf("bash task answered after %s, want it held for its command's minute (60ms at this scale)", held)
		}
	}
	status, body := post(t, s.LoadtesterURL()+"/", payload("podinfo", map[string]string{"type": "bash", "cmd": "curl http://x/"}))
	if status != http.StatusBadRequest || !strings.Contains(body, "never runs shell commands") {
		t.Errorf("bash task that cannot run answered %d %q, want 400", status, body)
	}
	calls := s.Calls()
	if calls[0].Task != TaskStarted || calls[1].Task != TaskStarted || calls[2].Task != TaskNotRun || calls[2].TaskErr != "not a hey command" {
		t.Errorf("calls %+v, want two started and one not run", calls)
	}
	if len(f.started) != 2 || !f.started[0].Blocking {
		t.Errorf("started %+v, want two blocking runs", f.started)
	}
}

// TestBashTaskWaitsForARealRun: with a command really running, the answer
// waits for it to end.
func TestBashTaskWaitsForARealRun(t *testing.T) {
	s := start(t, nil, 1)
	done := make(chan struct{})
	s.SetRunner(&fakeRunner{d: time.Hour, done: done})
	answered := make(chan int)
	go func() {
		status, _ := post(t, s.LoadtesterURL()+"/", payload("podinfo", map[string]string{"type": "bash", "cmd": hey}))
		answered <- status
	}()
	select {
	case status := <-answered:
		t.Fatalf("answered %d before the command ended", status)
	case <-time.After(50 * time.Millisecond):
	}
	close(done)
	if status := <-answered; status != http.StatusOK {
		t.Errorf("answered %d once the command ended, want 200", status)
	}
}

// TestScenarioAnswerStandsForTasks: a scenario's answer for the hook is
// what the caller gets, and the command still runs.
func TestScenarioAnswerStandsForTasks(t *testing.T) {
	s := start(t, map[string]Behaviour{"load-test": {Answers: []Answer{{Status: 500}}}}, 1)
	f := &fakeRunner{d: time.Minute}
	s.SetRunner(f)
	status, _ := post(t, s.URL("load-test")+"/", payload("podinfo", map[string]string{"type": "bash", "cmd": hey}))
	if status != 500 || len(f.started) != 1 {
		t.Errorf("answered %d with %d runs, want the scenario's 500 and the command run", status, len(f.started))
	}
}
