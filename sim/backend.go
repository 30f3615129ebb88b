package sim

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/sim/cluster"
)

// backend is where a rehearsal's Kubernetes objects live: one small
// interface per kind of cluster, as kind has one per node provider.
type backend interface {
	// Name is the cluster's name in reports.
	Name() string
	// Namespace maps a manifest's namespace to the one used in this
	// cluster, so scenarios sharing an API server do not collide.
	Namespace(scenario, ns string) string
	// Load creates the objects and returns a client that sees them.
	Load(ctx context.Context, objs []client.Object) (client.Client, error)
}

// memoryBackend gives every rehearsal its own embedded API server.
type memoryBackend struct{}

func (memoryBackend) Name() string { return "memory" }

func (memoryBackend) Namespace(_, ns string) string { return ns }

func (memoryBackend) Load(_ context.Context, objs []client.Object) (client.Client, error) {
	scheme, err := cluster.Scheme()
	if err != nil {
		return nil, err
	}
	return cluster.NewMemory(scheme, objs...), nil
}

// apiServerBackend shares one real API server (envtest's kube-apiserver and
// etcd, or a kind cluster) among every rehearsal of a run; each scenario
// gets its own namespaces.
type apiServerBackend struct {
	name   string
	client client.Client
}

func (b apiServerBackend) Name() string { return b.name }

// Namespace prefixes the scenario's name, within Kubernetes' 63 characters.
func (apiServerBackend) Namespace(scenario, ns string) string {
	name := scenario + "--" + ns
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	return name
}

// Load creates the namespaces, then the objects, through the API server,
// which validates each one against its schema (Canaries against our CRD).
func (b apiServerBackend) Load(ctx context.Context, objs []client.Object) (client.Client, error) {
	c := b.client
	for _, ns := range namespaces(objs) {
		err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	for _, o := range objs {
		if err := c.Create(ctx, o); err != nil {
			return nil, fmt.Errorf("the API server refused %s %s/%s: %w", kindOf(o), o.GetNamespace(), o.GetName(), err)
		}
	}
	return c, nil
}

func namespaces(objs []client.Object) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range objs {
		if ns := o.GetNamespace(); ns != "" && !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	return out
}

func kindOf(o client.Object) string {
	if k := o.GetObjectKind().GroupVersionKind().Kind; k != "" {
		return k
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", o), "*")
}
