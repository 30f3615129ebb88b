// This file stops `rehearse run --cluster envtest` as a user, CI or the
// kernel would: SIGINT and SIGTERM exit 130 with the control plane stopped
// and its folder removed; after SIGKILL no etcd or kube-apiserver outlives
// the run, and the next run removes the folder the killed one left.

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/controller"
	"github.com/rehearse-dev/rehearse/internal/envtest"
)

func TestSignalsStopAnEnvtestRun(t *testing.T) {
	bin := builtBinary(t)
	requireEnvtest(t)
	scenario := longScenario(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp, out := t.TempDir(), t.TempDir()
			cmd := envtestRun(t, bin, tmp, "--out", out, scenario)
			kids := waitForControlPlane(t, cmd, tmp)
			_ = cmd.Process.Signal(sig)
			if code := waitExit(t, cmd, 3*time.Minute); code != 130 {
				t.Errorf("exit %d after %v, want 130", code, sig)
			}
			checkInterruptedReport(t, filepath.Join(out, "long-wait", "report.json"))
			if alive := stillAlive(kids); len(alive) > 0 {
				t.Errorf("%d descendant processes outlived the run: %v", len(alive), alive)
			}
			if left := runDirs(t, tmp); len(left) > 0 {
				t.Errorf("the run left its control plane's folders: %v", left)
			}
		})
	}
}

func TestKillNineOrphansNothingAndTheNextRunReaps(t *testing.T) {
	bin := builtBinary(t)
	requireEnvtest(t)
	tmp := t.TempDir()
	cmd := envtestRun(t, bin, tmp, "--out", t.TempDir(), longScenario(t))
	kids := waitForControlPlane(t, cmd, tmp)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	for range 250 { // the kernel's death signal, not a timing assertion
		if len(stillAlive(kids)) == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if alive := stillAlive(kids); len(alive) > 0 {
		t.Errorf("%d of the killed run's processes still run: %v", len(alive), alive)
	}
	if left := runDirs(t, tmp); len(left) != 1 {
		t.Fatalf("after SIGKILL: %d control-plane folders, want the killed run's one: %v", len(left), left)
	}
	next := envtestRun(t, bin, tmp, "--out", t.TempDir(), "../../scenarios/library/good-release.yaml")
	if code := waitExit(t, next, 5*time.Minute); code != 0 {
		t.Fatalf("the next run exited %d, want 0", code)
	}
	if left := runDirs(t, tmp); len(left) > 0 {
		t.Errorf("the next run left the killed run's folder (or its own): %v", left)
	}
}

// requireEnvtest skips without the envtest binaries, as the envtest suites do.
func requireEnvtest(t *testing.T) {
	t.Helper()
	if _, err := envtest.ResolveAssets(""); err != nil {
		if os.Getenv("REHEARSE_REQUIRE_ENVTEST") != "" {
			t.Fatal(err)
		}
		t.Skip(err.Error())
	}
}

// envtestRun starts `rehearse run --cluster envtest args...` with its own
// temporary directory, where its control plane's folder goes.
func envtestRun(t *testing.T, bin, tmp string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"run", "--cluster", "envtest"}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd
}

// waitForControlPlane waits until the run's control plane is up (its
// kubeconfig, written last, is in the run's folder) and a tick has written
// a Canary's status, and returns the run's descendants then.
func waitForControlPlane(t *testing.T, cmd *exec.Cmd, tmp string) []int {
	t.Helper()
	var kc []string
	for i := 0; len(kc) == 0; i++ {
		if i == 1800 {
			t.Fatal("the envtest control plane did not come up within 3 minutes")
		}
		time.Sleep(100 * time.Millisecond)
		kc, _ = filepath.Glob(filepath.Join(tmp, "rehearse-envtest-*", "kubeconfig"))
	}
	waitForATick(t, kc[0])
	kids := descendants(cmd.Process.Pid)
	if len(kids) < 2 {
		t.Fatalf("the run has %d descendants, want etcd and kube-apiserver", len(kids))
	}
	return kids
}

// waitForATick waits until some Canary on the API server has a phase.
func waitForATick(t *testing.T, kubeconfig string) {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	scheme, err := controller.NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	for range 1800 {
		var list v1beta1.CanaryList
		if err := c.List(context.Background(), &list); err == nil && len(list.Items) > 0 && list.Items[0].Status.Phase != "" {
			time.Sleep(time.Second) // the ticks are virtual: many more finish
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no tick wrote a Canary's status within 3 minutes")
}

// waitExit waits for cmd and returns its exit code; it fails the test when
// the command outlives limit (a bound on a hang, generous for a loaded CI
// runner, not a speed check).
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%v did not end within %v", cmd.Args, limit)
		return 0
	}
}

// runDirs are the control-plane folders in tmp.
func runDirs(t *testing.T, tmp string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(tmp, "rehearse-envtest-*"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
