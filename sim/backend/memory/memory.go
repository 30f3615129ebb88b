// This file builds the embedded cluster's API server: the scheme it knows
// and NewMemory, a Store with the status subresources a real server has.

package memory

import (
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/controller"
)

var scheme = sync.OnceValues(controller.NewScheme)

// Scheme knows the built-in Kubernetes types, Flagger's, and rehearse's
// stand-ins for Knative Serving's and KEDA's. It is built once:
// a scheme is read-only once built, and building one costs milliseconds.
func Scheme() (*runtime.Scheme, error) { return scheme() }

// memoryKindCaches holds, per scheme, what NewMemory's stores learn of Go
// types: they all declare the same status subresources, so what one learns
// holds for every other, and a sweep builds a store per rehearsal (each
// relearnt its kinds).
var memoryKindCaches sync.Map // *runtime.Scheme → *kindCache

func memoryKinds(scheme *runtime.Scheme) *kindCache {
	if c, ok := memoryKindCaches.Load(scheme); ok {
		return c.(*kindCache)
	}
	c, _ := memoryKindCaches.LoadOrStore(scheme, &kindCache{})
	return c.(*kindCache)
}

// memoryStatusKinds holds, per scheme, the kinds with a status
// subresource on NewMemory's stores (see withStatus), which only read
// them: resolving them anew, from new empty objects, was a tenth of what
// a store cost a rehearsal.
var memoryStatusKinds sync.Map // *runtime.Scheme → map[schema.GroupVersionKind]bool

func memoryStatus(scheme *runtime.Scheme) (map[schema.GroupVersionKind]bool, error) {
	if m, ok := memoryStatusKinds.Load(scheme); ok {
		return m.(map[schema.GroupVersionKind]bool), nil
	}
	m, err := statusKinds(scheme, withStatus())
	if err != nil {
		return nil, err
	}
	got, _ := memoryStatusKinds.LoadOrStore(scheme, m)
	return got.(map[schema.GroupVersionKind]bool), nil
}

// withStatus are the kinds a real API server serves a status subresource
// for, of those a rehearsal stores.
func withStatus() []client.Object {
	return []client.Object{&appsv1.Deployment{}, &appsv1.DaemonSet{}, &autoscalingv2.HorizontalPodAutoscaler{},
		&v1beta1.Canary{}, &corev1.Service{}, &knativev1.Service{}, &knativev1.Revision{}}
}

// NewMemory returns an in-memory API server holding objs, with status
// subresources where a real API server has them (Deployments, DaemonSets,
// HPAs, Services, Canaries, Knative Services and Revisions). It is a Store: typed objects copied with their generated DeepCopy,
// an order of magnitude cheaper per call than the fake client's JSON round
// trips. Objects the scheme does not know are a programming error, and
// panic, as the fake client builder does.
func NewMemory(scheme *runtime.Scheme, objs ...client.Object) client.WithWatch {
	return newMemory(scheme, objs, (*Store).Add)
}

// AdoptMemory is NewMemory for a caller that hands objs over (see
// Store.AdoptAll): the server keeps them themselves, and the caller
// neither changes nor keeps them.
func AdoptMemory(scheme *runtime.Scheme, objs ...client.Object) client.WithWatch {
	return newMemory(scheme, objs, (*Store).AdoptAll)
}

func newMemory(scheme *runtime.Scheme, objs []client.Object, add func(*Store, ...client.Object) error) client.WithWatch {
	status, err := memoryStatus(scheme)
	if err == nil {
		s := storeOf(scheme, status)
		s.known = memoryKinds(scheme)
		if err = add(s, objs...); err == nil {
			return s
		}
	}
	panic(fmt.Sprintf("building the memory cluster: %v", err))
}
