// This file tests config/, the controller's install: the Deployment's
// flags, ports and probes agree with the command's own flags, and the
// rendered RBAC is enough for a Canary to make progress when the controller
// runs as its service account on envtest (a missing verb is a refused
// request in the controller's log, or a Canary that never initializes).

package main

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/internal/envtest"
)

// serviceAccount is the user config/ binds the controller's role to.
const serviceAccount = "system:serviceaccount:rehearse-system:rehearse-controller"

// renderConfig is `kustomize build config/`, as `kubectl apply -k` runs it.
func renderConfig(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), "../../config")
	if err != nil {
		t.Fatalf("kustomize build config/: %v", err)
	}
	var objs []*unstructured.Unstructured
	for _, r := range m.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(b, &u.Object); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, u)
	}
	return objs
}

func configDeployment(t *testing.T) *appsv1.Deployment {
	t.Helper()
	for _, u := range renderConfig(t) {
		if u.GetKind() == "Deployment" {
			d := &appsv1.Deployment{}
			b, _ := yaml.Marshal(u.Object)
			if err := yaml.Unmarshal(b, d); err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatal("config/ renders no Deployment")
	return nil
}

func TestConfigDeploymentMatchesTheFlags(t *testing.T) {
	d := configDeployment(t)
	c := d.Spec.Template.Spec.Containers[0]
	if len(c.Args) == 0 || c.Args[0] != "controller" {
		t.Fatalf("the container runs %v, want rehearse controller", c.Args)
	}
	fs := pflag.NewFlagSet("controller", pflag.ContinueOnError)
	controllerSetup(fs)
	if err := fs.Parse(c.Args[1:]); err != nil {
		t.Fatalf("rehearse controller refuses the Deployment's flags: %v", err)
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, tt := range []struct{ flag, port string }{{"metrics-bind-address", "metrics"}, {"health-probe-bind-address", "health"}} {
		f := fs.Lookup(tt.flag)
		if f.Value.String() != f.DefValue {
			t.Errorf("--%s=%s in config/, the flag's documented default is %s: keep them one", tt.flag, f.Value, f.DefValue)
		}
		_, port, _ := net.SplitHostPort(f.Value.String())
		if itoa(int(ports[tt.port])) != port {
			t.Errorf("--%s=%s but the %q container port is %d", tt.flag, f.Value, tt.port, ports[tt.port])
		}
	}
	for name, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Port.String() != "health" {
			t.Errorf("the %s probe does not ask the health port: %+v", name, probe)
		}
	}
	if c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Error("liveness must ask /healthz and readiness /readyz, the paths the controller serves")
	}
	if d.Spec.Template.Spec.ServiceAccountName != "rehearse-controller" {
		t.Errorf("the pod runs as %q, not the service account the role is bound to", d.Spec.Template.Spec.ServiceAccountName)
	}
}

func TestConfigRBACRunsACanary(t *testing.T) {
	requireEnvtest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env, err := envtest.Start(ctx, envtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	applyConfig(ctx, t, env.Client, renderConfig(t))

	var stderr lockedBuffer
	cmd := exec.Command(builtBinary(t), "controller", "--kubeconfig", impersonating(t, env.Kubeconfig, serviceAccount),
		"--leader-elect", "--leader-election-namespace", "rehearse-system", "--metrics-bind-address", "0", "--health-probe-bind-address", "0")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if code := waitExit(t, cmd, 3*time.Minute); code != 0 {
			t.Errorf("the controller exited %d after SIGTERM, want 0", code)
		}
		if d := forbidden(stderr.String()); len(d) > 0 {
			t.Errorf("config/'s role lacks a verb the controller used; the API server refused:\n%s", strings.Join(d, "\n"))
		}
	}()

	canaryOnEnvtest(ctx, t, env.Client)
}

// applyConfig creates every rendered object; the CRDs envtest installed
// already exist.
func applyConfig(ctx context.Context, t *testing.T, c client.Client, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, u := range objs {
		if err := c.Create(ctx, u); err != nil && !(apierrors.IsAlreadyExists(err) && u.GetKind() == "CustomResourceDefinition") {
			t.Fatalf("apply %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
}

// canaryOnEnvtest creates a target and its Canary, stands in for the
// Deployment controller envtest lacks, and waits until the Canary is
// initialized: the primary created, the status written.
func canaryOnEnvtest(ctx context.Context, t *testing.T, c client.Client) {
	t.Helper()
	ns := "rbac-test"
	labels := map[string]string{"app": "podinfo"}
	one := int32(1)
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: ns},
			Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "podinfo", Image: "ghcr.io/stefanprodan/podinfo:6.0.0"}}}}}},
		&v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: ns}, Spec: v1beta1.CanarySpec{
			TargetRef: v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"},
			Service:   v1beta1.CanaryService{Port: 9898}, SkipAnalysis: true,
			Analysis: &v1beta1.CanaryAnalysis{Interval: "10s", Iterations: 1}}},
	}
	for _, obj := range objs {
		if err := c.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	primary := &appsv1.Deployment{}
	poll(ctx, t, "the controller never created podinfo-primary", func() bool {
		return c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "podinfo-primary"}, primary) == nil
	})
	primary.Status = appsv1.DeploymentStatus{ObservedGeneration: primary.Generation, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1}
	if err := c.Status().Update(ctx, primary); err != nil {
		t.Fatal(err)
	}
	cd := &v1beta1.Canary{}
	poll(ctx, t, "the Canary never reached Initialized", func() bool {
		return c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "podinfo"}, cd) == nil && cd.Status.Phase == v1beta1.CanaryPhaseInitialized
	})
}

// poll waits until ok, or fails with msg when ctx ends (a bound on a hang).
func poll(ctx context.Context, t *testing.T, msg string, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatal(msg)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// impersonating writes a copy of the kubeconfig at path whose user acts as
// user, as the controller's pod would authenticate.
func impersonating(t *testing.T, path, user string) string {
	t.Helper()
	kc, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, auth := range kc.AuthInfos {
		auth.Impersonate = user
	}
	out := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// forbidden are the controller's log lines that report a refused request:
// the controller logs and retries most failures (client-go's informers
// through klog, the reconciler as JSON), so a missing verb may not stop a
// Canary, but it is always logged.
func forbidden(log string) []string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(strings.ToLower(line), "forbidden") {
			out = append(out, line)
		}
	}
	return out
}
