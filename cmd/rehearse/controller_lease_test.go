// This file stops a leading `rehearse controller` with SIGTERM, as
// Kubernetes does, while a standby runs: the leader shuts down cleanly
// (exit 0), releases its Lease on the way out, and the standby takes it
// over without waiting for the lease to expire.

package main

import (
	"context"
	"os/exec"
	"syscall"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/internal/envtest"
)

func TestSIGTERMReleasesTheLeaseToTheStandby(t *testing.T) {
	bin := builtBinary(t)
	requireEnvtest(t)
	ctx := context.Background()
	env, err := envtest.Start(ctx, envtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	key := client.ObjectKey{Namespace: "default", Name: leaderElectionID}

	leader := startController(t, bin, env.Kubeconfig)
	first := waitForHolder(t, env.Client, key, func(id string) bool { return id != "" })
	standby := startController(t, bin, env.Kubeconfig)

	_ = leader.Process.Signal(syscall.SIGTERM)
	if code := waitExit(t, leader, 3*time.Minute); code != 0 {
		t.Errorf("the leader exited %d after SIGTERM, want 0 (a controller's normal end)", code)
	}
	var lease coordinationv1.Lease
	if err := env.Client.Get(ctx, key, &lease); err != nil {
		t.Fatal(err)
	}
	if holder := deref(lease.Spec.HolderIdentity); holder == first {
		t.Fatalf("the stopped leader still holds the lease (%s): it did not release it, so the standby must wait for it to expire", holder)
	}
	second := waitForHolder(t, env.Client, key, func(id string) bool { return id != "" && id != first })
	t.Logf("lease: %s released it on SIGTERM, %s took it over", first, second)
	_ = standby.Process.Signal(syscall.SIGTERM)
	if code := waitExit(t, standby, 3*time.Minute); code != 0 {
		t.Errorf("the standby exited %d after SIGTERM, want 0", code)
	}
}

// startController starts a leader-electing controller on envtest, serving
// neither metrics nor probes (two replicas on one machine would collide).
func startController(t *testing.T, bin, kubeconfig string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "controller", "--kubeconfig", kubeconfig, "--leader-elect", "--namespace", "default",
		"--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--graceful-shutdown-timeout", "10s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd
}

// waitForHolder waits until the Lease's holder satisfies ok and returns it;
// three minutes bound a hang on a loaded machine.
func waitForHolder(t *testing.T, c client.Client, key client.ObjectKey, ok func(string) bool) string {
	t.Helper()
	for range 1800 {
		var lease coordinationv1.Lease
		if err := c.Get(context.Background(), key, &lease); err == nil && ok(deref(lease.Spec.HolderIdentity)) {
			return deref(lease.Spec.HolderIdentity)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the Lease %s never got the holder the test waited for", key)
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
