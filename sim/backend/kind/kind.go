// This file starts the kind cluster, or reuses one that exists, and holds
// the ways to talk to it (Options, Cluster, Start).

package kind

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/kind/pkg/cluster"
	kindlog "sigs.k8s.io/kind/pkg/log"

	"github.com/rehearse-dev/rehearse/engine/controller"
)

// DefaultName is the cluster rehearse creates or reuses.
const DefaultName = "rehearse"

// defaultWait bounds how long Create waits for the control plane to be ready.
const defaultWait = 3 * time.Minute

// Options says which cluster to use; every field may be left empty.
type Options struct {
	// Name of the kind cluster, created unless it exists. Default "rehearse".
	Name string
	// NodeImage is the kindest/node image of a new cluster; default: kind's.
	NodeImage string
	// KubeconfigPath is where the cluster's kubeconfig is written. Default: a
	// file in a temporary folder that Stop removes. A path given here is left
	// in place. Either way ~/.kube/config is not touched.
	KubeconfigPath string
	// CRDDirs are folders of CRD manifests to install, subfolders included.
	// Default: the repository's fixtures/crds (flagger.app and Gateway API).
	CRDDirs []string
	// WaitForReady bounds the wait for a new control plane. Default 3m.
	WaitForReady time.Duration
	// Logger receives kind's progress messages; nil is silent.
	Logger kindlog.Logger
}

// Cluster is a running kind cluster and the ways to talk to it.
type Cluster struct {
	// Name is the kind cluster's name.
	Name string
	// Config reaches the API server as the cluster's administrator.
	Config *rest.Config
	// Client uses Scheme.
	Client client.Client
	// Scheme holds client-go's types, flagger.app/v1beta1, Gateway API v1
	// and CustomResourceDefinitions.
	Scheme *runtime.Scheme
	// Kubeconfig is the path of a kubeconfig file for kubectl.
	Kubeconfig string
	// Created says whether Start created the cluster (and Stop deletes it).
	Created bool

	provider *cluster.Provider
	tempDir  string // removed by Stop; empty when the caller chose the path
}

// Start creates the kind cluster, or reuses it when it exists, writes its
// kubeconfig, connects, and installs the CRDs. Without a Docker engine it
// fails at once with an error wrapping ErrNoDocker. On any later error, a
// cluster this call created is deleted again.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	return start(ctx, opts, systemDocker)
}

func start(ctx context.Context, opts Options, docker dockerProbe) (*Cluster, error) {
	if err := docker.check(ctx); err != nil {
		return nil, err
	}
	opts = withDefaults(opts)
	c := &Cluster{Name: opts.Name, provider: cluster.NewProvider(cluster.ProviderWithDocker(), cluster.ProviderWithLogger(opts.Logger))}
	steps := []func(context.Context, Options) error{c.kubeconfigPath, c.createOrReuse, c.writeKubeconfig, c.connect, c.installCRDs}
	for _, step := range steps {
		if err := step(ctx, opts); err != nil {
			return nil, errors.Join(err, c.Stop())
		}
	}
	return c, nil
}

func withDefaults(o Options) Options {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.WaitForReady <= 0 {
		o.WaitForReady = defaultWait
	}
	if o.Logger == nil {
		o.Logger = kindlog.NoopLogger{}
	}
	return o
}

// createOrReuse creates the cluster unless kind already knows it.
func (c *Cluster) createOrReuse(ctx context.Context, o Options) error {
	names, err := c.provider.List()
	if err != nil {
		return fmt.Errorf("listing kind clusters: %w", err)
	}
	if slices.Contains(names, c.Name) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("create kind cluster %q: %w", c.Name, err)
	}
	create := []cluster.CreateOption{cluster.CreateWithWaitForReady(o.WaitForReady),
		cluster.CreateWithDisplayUsage(false), cluster.CreateWithDisplaySalutation(false),
		cluster.CreateWithV1Alpha4Config(clusterConfig())}
	if o.NodeImage != "" {
		create = append(create, cluster.CreateWithNodeImage(o.NodeImage))
	}
	// kind writes the kubeconfig itself when it creates a cluster; pointing
	// it at our file keeps it out of the user's ~/.kube/config.
	create = append(create, cluster.CreateWithKubeconfigPath(c.Kubeconfig))
	if err := c.provider.Create(c.Name, create...); err != nil {
		return fmt.Errorf("creating kind cluster %q (is the node image pullable? see `kind create cluster --name %s`): %w", c.Name, c.Name, err)
	}
	c.Created = true
	return nil
}

// simulatedControllers are the kube-controller-manager controllers a
// rehearsal's simulator stands in for: it plays the Deployments' rollouts
// (their pods run images that need not exist) and writes their status, as
// it does on envtest, which runs no controllers at all, and it plays a
// DaemonSet target's rollout the same way. Left on, the real ones would
// create pods that never get ready (no registry serves their images) and
// overwrite that status.
const simulatedControllers = "*,-deployment-controller,-replicaset-controller,-daemonset-controller"

// clusterConfig is kind's default cluster with simulatedControllers turned
// off, in both forms of kubeadm's configuration (extraArgs became a list in
// v1beta4, Kubernetes 1.36); kind applies the one matching the node.
func clusterConfig() *v1alpha4.Cluster {
	return &v1alpha4.Cluster{KubeadmConfigPatches: []string{
		"apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n" +
			"  - {name: enable-hostpath-provisioner, value: \"true\"}\n" +
			"  - {name: controllers, value: \"" + simulatedControllers + "\"}\n",
		"apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n" +
			"    controllers: \"" + simulatedControllers + "\"\n",
	}}
}

// kubeconfigPath picks the kubeconfig file: the caller's, or one in a new
// temporary folder.
func (c *Cluster) kubeconfigPath(_ context.Context, o Options) error {
	if o.KubeconfigPath != "" {
		c.Kubeconfig = o.KubeconfigPath
		return nil
	}
	dir, err := os.MkdirTemp("", "rehearse-kind-")
	if err != nil {
		return fmt.Errorf("create a folder for the kind kubeconfig: %w", err)
	}
	c.tempDir, c.Kubeconfig = dir, filepath.Join(dir, "kubeconfig")
	return nil
}

// writeKubeconfig writes the cluster's external kubeconfig, also for a
// reused cluster. It holds the admin's key: mode 0600.
func (c *Cluster) writeKubeconfig(context.Context, Options) error {
	cfg, err := c.provider.KubeConfig(c.Name, false)
	if err != nil {
		return fmt.Errorf("reading the kubeconfig of kind cluster %q: %w", c.Name, err)
	}
	if err := os.WriteFile(c.Kubeconfig, []byte(cfg), 0o600); err != nil {
		return fmt.Errorf("write the kind kubeconfig (check Options.KubeconfigPath): %w", err)
	}
	return nil
}

// connect builds the REST config and the client from the kubeconfig.
func (c *Cluster) connect(context.Context, Options) error {
	raw, err := os.ReadFile(c.Kubeconfig)
	if err != nil {
		return fmt.Errorf("read the kind kubeconfig: %w", err)
	}
	if c.Config, err = clientcmd.RESTConfigFromKubeConfig(raw); err != nil {
		return fmt.Errorf("parse the kubeconfig of kind cluster %q: %w", c.Name, err)
	}
	if c.Scheme, err = NewScheme(); err != nil {
		return err
	}
	if c.Client, err = client.New(c.Config, client.Options{Scheme: c.Scheme}); err != nil {
		return fmt.Errorf("build a client for kind cluster %q: %w", c.Name, err)
	}
	return nil
}

// NewScheme is the controller's scheme plus CustomResourceDefinitions, which
// Start installs.
func NewScheme() (*runtime.Scheme, error) {
	s, err := controller.NewScheme()
	if err != nil {
		return nil, err
	}
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("register the apiextensions.k8s.io/v1 types: %w", err)
	}
	return s, nil
}

// Detach leaves the cluster and its kubeconfig file in place for the user:
// a Stop after it deletes nothing.
func (c *Cluster) Detach() {
	c.Created = false
	c.tempDir = ""
}

// Stop deletes the cluster if Start created it, and removes the temporary
// kubeconfig. A reused cluster is left running. Calling it again does
// nothing.
func (c *Cluster) Stop() error {
	var err error
	if c.Created {
		c.Created = false
		if derr := c.provider.Delete(c.Name, c.Kubeconfig); derr != nil {
			err = fmt.Errorf("delete kind cluster %q: %w", c.Name, derr)
		}
	}
	if c.tempDir != "" {
		err = errors.Join(err, os.RemoveAll(c.tempDir))
		c.tempDir = ""
	}
	return err
}
