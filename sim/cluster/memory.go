package cluster

import (
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

var scheme = sync.OnceValues(newScheme)

// Scheme knows the built-in Kubernetes types and Flagger's. It is built once:
// a scheme is read-only once built, and building one costs milliseconds.
func Scheme() (*runtime.Scheme, error) { return scheme() }

func newScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("building the scheme: %w", err)
	}
	if err := v1beta1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("building the scheme: %w", err)
	}
	return s, nil
}

// NewMemory returns an in-memory API server holding objs, with status
// subresources for Deployments and Canaries as a real API server has. It
// keeps no managed fields: the field-managing tracker rebuilds a REST mapper
// on every write, which cost more than everything else in a rehearsal, and
// nothing here uses server-side apply.
func NewMemory(scheme *runtime.Scheme, objs ...client.Object) client.WithWatch {
	tracker := clienttesting.NewObjectTracker(scheme, serializer.NewCodecFactory(scheme).UniversalDecoder())
	return fake.NewClientBuilder().WithScheme(scheme).WithObjectTracker(tracker).
		WithStatusSubresource(&appsv1.Deployment{}, &v1beta1.Canary{}, &corev1.Service{}).
		WithObjects(objs...).Build()
}
