// This file starts and stops an envtest control plane with the flagger.app CRDs installed and
// gives back the clients and kubeconfig to talk to it.

package envtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crenvtest "sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/rehearse-dev/rehearse/engine/controller"
)

// defaultStartTimeout bounds the control plane's start when ctx has no
// deadline. envtest's own default (20s) is tight on a loaded 2-core CI runner.
const defaultStartTimeout = time.Minute

// Options says where the binaries and CRDs are; every field may be left empty.
type Options struct {
	// CRDDirs are folders of CRD manifests to install. Default: the
	// $REHEARSE_CRD_DIRS list, else the repository's fixtures/crds.
	CRDDirs []string
	// LaterCRDDirs are folders of CRD manifests installed in the background
	// once Start returns; AwaitLaterCRDs waits for them. Large CRDs that only
	// some callers need (the Gateway API's take about 1.1 s of the API
	// server's CPU) then cost nothing before the first request (issue 13).
	LaterCRDDirs []string
	// Assets is the folder holding kube-apiserver and etcd. Default:
	// $KUBEBUILDER_ASSETS, else the repository's .cache/envtest/bin.
	Assets string
	// KubeconfigPath is where to write a kubeconfig for kubectl. Default: a
	// file in a temporary folder that Stop removes. A path given here is
	// left in place by Stop, since the caller asked for it.
	KubeconfigPath string
}

// Env is a running control plane and the ways to talk to it.
type Env struct {
	// Config reaches the API server as an administrator.
	Config *rest.Config
	// Client is a controller-runtime client using Scheme.
	Client client.Client
	// Scheme holds client-go's types and flagger.app/v1beta1.
	Scheme *runtime.Scheme
	// Kubeconfig is the path of a kubeconfig file for kubectl.
	Kubeconfig string
	// Reaped are the earlier runs, killed before they could stop, whose
	// processes and folders Start removed.
	Reaped []Reaped

	testEnv  *crenvtest.Environment
	dir      runDir        // this run's folder, removed by Stop
	later    chan struct{} // closed when the later CRDs are installed (nil: none)
	laterErr error         // why they could not be, read after later closes
}

// Start resolves the binaries and CRDs, reaps what earlier runs killed
// before they could stop left behind, starts etcd and kube-apiserver in a
// folder of this run's own, installs the CRDs and writes the kubeconfig. On
// any error nothing is left running.
func Start(ctx context.Context, opts Options) (*Env, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start envtest: %w", err)
	}
	testEnv, err := newEnvironment(ctx, opts)
	if err != nil {
		return nil, err
	}
	// Best effort: a folder we cannot remove must not stop this run.
	reaped, _ := Reap("", time.Now())
	dir, err := newRunDir()
	if err != nil {
		return nil, err
	}
	env := &Env{Scheme: testEnv.Scheme, Reaped: reaped, testEnv: testEnv, dir: dir}
	if err := dir.wire(testEnv, testEnv.BinaryAssetsDirectory); err != nil {
		return nil, errors.Join(err, env.Stop())
	}
	cfg, err := testEnv.Start()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start the envtest control plane from %s "+
			"(set KUBEBUILDER_ATTACH_CONTROL_PLANE_OUTPUT=true to see its logs): %w",
			testEnv.BinaryAssetsDirectory, err), env.Stop())
	}
	env.Config = cfg
	if err := dir.recordChildren(); err != nil {
		return nil, errors.Join(err, env.Stop())
	}
	if err := env.connect(testEnv.KubeConfig, opts.KubeconfigPath); err != nil {
		return nil, errors.Join(err, env.Stop())
	}
	env.installLater(opts.LaterCRDDirs)
	return env, nil
}

// newEnvironment configures, but does not start, controller-runtime's
// envtest: it fails here, before any process starts, when files are missing.
func newEnvironment(ctx context.Context, opts Options) (*crenvtest.Environment, error) {
	assets, err := ResolveAssets(opts.Assets)
	if err != nil {
		return nil, err
	}
	crdDirs, err := ResolveCRDDirs(opts.CRDDirs)
	if err != nil {
		return nil, err
	}
	scheme, err := controller.NewScheme()
	if err != nil {
		return nil, err
	}
	return &crenvtest.Environment{
		BinaryAssetsDirectory:    assets,
		CRDDirectoryPaths:        crdDirs,
		ErrorIfCRDPathMissing:    true,
		Scheme:                   scheme,
		ControlPlaneStartTimeout: startTimeout(ctx, time.Now()),
	}, nil
}

// startTimeout lets a caller's deadline bound the start, since envtest's
// Start takes no context. A deadline already past still gets one second, so
// the error comes from envtest and names the process that was slow.
func startTimeout(ctx context.Context, now time.Time) time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return defaultStartTimeout
	}
	return max(deadline.Sub(now), time.Second)
}

// connect builds the client and writes the kubeconfig file.
func (e *Env) connect(kubeconfig []byte, path string) error {
	c, err := client.New(e.Config, client.Options{Scheme: e.Scheme})
	if err != nil {
		return fmt.Errorf("build a client for the envtest API server: %w", err)
	}
	e.Client = c
	return e.writeKubeconfig(kubeconfig, path)
}

// writeKubeconfig writes to path, or into the run's folder when path is
// empty. The file holds the admin's key, hence mode 0600.
func (e *Env) writeKubeconfig(kubeconfig []byte, path string) error {
	if path == "" {
		path = e.dir.file("kubeconfig")
	}
	if err := os.WriteFile(path, kubeconfig, 0o600); err != nil {
		return fmt.Errorf("write the envtest kubeconfig (check Options.KubeconfigPath): %w", err)
	}
	e.Kubeconfig = path
	return nil
}

// Stop stops kube-apiserver and etcd and removes the run's folder (etcd's
// data, certificates, the temporary kubeconfig). Calling it again does
// nothing.
func (e *Env) Stop() error {
	if e.testEnv == nil {
		return nil
	}
	if e.later != nil {
		<-e.later // the install must not outlive the API server it talks to
	}
	err := e.stopControlPlane()
	e.testEnv = nil
	if err != nil {
		err = fmt.Errorf("stop the envtest control plane: %w", err)
	}
	if e.dir != "" {
		err = errors.Join(err, os.RemoveAll(string(e.dir)))
		e.dir = ""
	}
	return err
}

// apiServerKillWait bounds the wait for a killed kube-apiserver to be
// reaped; SIGKILL cannot be ignored, so only a stuck kernel reaches it.
const apiServerKillWait = 10 * time.Second

// stopControlPlane kills kube-apiserver outright and then stops etcd the
// usual way. The API server's graceful shutdown takes about 1.15 s and
// saves nothing, since its only state, etcd's data, is removed with the run
// folder (issue 13). controller-runtime's own stop is not called on the
// killed API server: it would signal a process group that may be gone by
// then and fail. Where the API server's pid cannot be found (no /proc), the
// control plane stops gracefully, as controller-runtime does it.
func (e *Env) stopControlPlane() error {
	pid, ok := e.dir.child("kube-apiserver")
	if !ok {
		return e.testEnv.Stop()
	}
	p, err := os.FindProcess(pid)
	if err != nil || p.Kill() != nil {
		return e.testEnv.Stop()
	}
	// controller-runtime waits on its child, so the kill ends in a reap;
	// waiting for it keeps the promise that nothing outlives Stop.
	deadline := time.Now().Add(apiServerKillWait)
	for processExists(pid) {
		if time.Now().After(deadline) {
			return errors.Join(
				fmt.Errorf("kube-apiserver (pid %d) is still there %s after SIGKILL", pid, apiServerKillWait),
				e.testEnv.ControlPlane.Etcd.Stop())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return e.testEnv.ControlPlane.Etcd.Stop()
}

// installLater installs dirs' CRDs in the background and waits until the
// API server has established them.
func (e *Env) installLater(dirs []string) {
	if len(dirs) == 0 {
		return
	}
	e.later = make(chan struct{})
	go func() {
		defer close(e.later)
		_, err := crenvtest.InstallCRDs(e.Config, crenvtest.CRDInstallOptions{Paths: dirs, ErrorIfPathMissing: true})
		if err != nil {
			e.laterErr = fmt.Errorf("install the CRDs of %s on the envtest API server: %w", strings.Join(dirs, ", "), err)
		}
	}()
}

// AwaitLaterCRDs waits until Options.LaterCRDDirs are installed and
// established, and says why they could not be.
func (e *Env) AwaitLaterCRDs(ctx context.Context) error {
	if e.later == nil {
		return nil
	}
	select {
	case <-e.later:
		return e.laterErr
	case <-ctx.Done():
		return fmt.Errorf("wait for the envtest CRDs: %w", ctx.Err())
	}
}
