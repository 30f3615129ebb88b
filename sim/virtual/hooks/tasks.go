// This file models the loadtester's task endpoint: a task's command is
// recorded and, for load tools, handed to a Runner; nothing reaches a shell.

package hooks

import (
	"fmt"
	"time"
)

// LoadtesterTimeout is flagger-loadtester's default -timeout: no command it
// runs lasts longer.
const LoadtesterTimeout = time.Hour

// What the loadtester did with a call's command (Call.Task).
const (
	TaskStarted = "started"
	// TaskRunning: the same command for the same Canary was still running,
	// so the loadtester did not start it again.
	TaskRunning = "already running"
	// TaskNotRun: the command cannot be run here; Call.TaskErr says why.
	TaskNotRun = "not run"
)

// Task is one command the loadtester was asked to run.
type Task struct {
	Canary string // name.namespace, from the payload
	Hook   string
	Cmd    string
	// Blocking: a bash task, whose answer waits for the command; a cmd
	// task runs in the background and is answered at once.
	Blocking bool
	At       time.Duration // virtual time of the call
}

// Run is how a command the Runner started runs.
type Run struct {
	// For is how long it runs, in virtual time.
	For time.Duration
	// Done, when set, is closed when a command really running (real
	// traffic) ends; it then says when the command stops, instead of For.
	Done <-chan struct{}
}

// Runner starts the loadtester's commands: the world models them, or runs
// hey in-process, never through a shell. An error means the command cannot
// run, and says why.
type Runner interface {
	Start(t Task) (Run, error)
}

// SetRunner gives the server the runner of its tasks' commands; without
// one, tasks are only recorded.
func (s *Server) SetRunner(r Runner) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runner = r
}

// running is a background command still running, as the loadtester's task
// runner keeps it.
type running struct {
	since, until time.Duration // virtual
	done         <-chan struct{}
}

// at says whether the command still runs at virtual time now: until its
// nominal end, half-open, and no longer than a real run lasts. At the very
// end the real loadtester races (it polls for tasks every 100ms, and the
// process takes a moment to exit); the rehearsal takes a command that ends
// at now as ended, so a hey -z 1m called every minute runs back to back.
func (r running) at(now time.Duration) bool {
	if now >= r.until {
		return false
	}
	if r.done == nil {
		return true
	}
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// taskOf reads the command a call to the task endpoint carries: cmd tasks
// (type cmd, or no type) and bash tasks.
func taskOf(rt route, in input, now time.Duration) (Task, bool) {
	if rt.path == "" || endpoints[rt.path] != nil || in.err != "" {
		return Task{}, false
	}
	md := in.payload.Metadata
	cmd, typ := md["cmd"], md["type"]
	if cmd == "" || (typ != "" && typ != "cmd" && typ != "bash") {
		return Task{}, false
	}
	return Task{Canary: in.payload.Name + "." + in.payload.Namespace, Hook: rt.hook, Cmd: cmd,
		Blocking: typ == "bash", At: now}, true
}

// task runs a call's command as flagger-loadtester would, and returns the
// reply (a blocking task's answer waits for its command) with what was done.
// Called under s.mu.
func (s *Server) task(rt route, in input, rep reply) (reply, string, string) {
	t, ok := taskOf(rt, in, s.now)
	if !ok || s.runner == nil || rep.refused {
		return rep, "", ""
	}
	if t.Blocking {
		return s.block(t, rep)
	}
	state, why := s.background(t)
	return rep, state, why
}

// background starts a cmd task unless the same command for the same Canary
// is still running: the loadtester keys its tasks by Canary and command.
func (s *Server) background(t Task) (string, string) {
	key := runningKey{t.Canary, t.Cmd}
	if r, found := s.running[key]; found && r.at(t.At) {
		return TaskRunning, fmt.Sprintf("started at %s, still running", r.since)
	}
	run, err := s.runner.Start(t)
	if err != nil {
		return TaskNotRun, err.Error()
	}
	if s.running == nil {
		s.running = map[runningKey]running{}
	}
	s.running[key] = running{since: t.At, until: t.At + min(run.For, LoadtesterTimeout), done: run.Done}
	return TaskStarted, ""
}

// runningKey is how the loadtester keys a task: by Canary and command (a
// struct where a string joined from both cost an allocation a call).
type runningKey struct{ canary, cmd string }

// block runs a bash task: the loadtester answers when the command ends,
// 200 when it succeeded. A scenario's own answer for the hook stands.
func (s *Server) block(t Task, rep reply) (reply, string, string) {
	run, err := s.runner.Start(t)
	if err != nil {
		return rep, TaskNotRun, err.Error()
	}
	if !rep.natural {
		return rep, TaskStarted, ""
	}
	out := reply{status: 200, body: fmt.Sprintf("rehearse loadtester: bash task %q finished", t.Cmd),
		latency: rep.latency, done: run.Done, natural: true}
	if run.Done == nil {
		out.latency += min(run.For, LoadtesterTimeout)
	}
	return out, TaskStarted, ""
}
