// This file is the Cluster interface every backend sits behind, and the two
// shapes a backend takes: an embedded memory API server per rehearsal, or
// one real API server (envtest's or kind's) shared by a run.

package backend

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/sim/backend/memory"
)

// Cluster is where a rehearsal's Kubernetes objects live: one small
// interface for every kind of cluster, as kind has one for its node providers.
type Cluster interface {
	// Name is the cluster's name in reports.
	Name() string
	// Namespace maps a manifest's namespace to the one used in this
	// cluster, so scenarios sharing an API server do not collide.
	Namespace(scenario, ns string) string
	// Load creates the objects and returns a client that sees them. The
	// memory backend keeps the objects themselves: a caller hands over
	// only objects it neither changes nor keeps.
	Load(ctx context.Context, objs []client.Object) (client.Client, error)
}

// Memory gives every rehearsal its own embedded API server.
type Memory struct{}

// Name is "memory".
func (Memory) Name() string { return "memory" }

// Namespace keeps ns: nothing else shares the rehearsal's API server.
func (Memory) Namespace(_, ns string) string { return ns }

// Load starts an embedded API server holding objs, which it takes over
// (see memory.AdoptMemory): the caller neither changes nor keeps them.
func (Memory) Load(_ context.Context, objs []client.Object) (client.Client, error) {
	scheme, err := memory.Scheme()
	if err != nil {
		return nil, err
	}
	return memory.AdoptMemory(scheme, objs...), nil
}

// APIServer shares one real API server (envtest's kube-apiserver and
// etcd, or a kind cluster) among every rehearsal of a run; each scenario
// gets its own namespaces.
type APIServer struct {
	Label  string // the cluster's name in reports: "envtest" or "kind"
	Client client.Client
}

// Name is the cluster's label.
func (b APIServer) Name() string { return b.Label }

// Namespace prefixes the scenario's name, within Kubernetes' 63 characters.
func (APIServer) Namespace(scenario, ns string) string {
	name := scenario + "--" + ns
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	return name
}

// Load creates the namespaces, then the objects, through the API server,
// which validates each one against its schema (Canaries against our CRD).
func (b APIServer) Load(ctx context.Context, objs []client.Object) (client.Client, error) {
	c := b.Client
	for _, ns := range namespaces(objs) {
		err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	for _, o := range objs {
		if err := c.Create(ctx, o); err != nil {
			return nil, fmt.Errorf("the API server refused %s %s/%s: %w", KindOf(o), o.GetNamespace(), o.GetName(), err)
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

// KindOf names an object's kind for a message: its GVK's, else its Go type's.
func KindOf(o client.Object) string {
	if k := o.GetObjectKind().GroupVersionKind().Kind; k != "" {
		return k
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", o), "*")
}
