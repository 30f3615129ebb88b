package cluster

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Scheme knows the built-in Kubernetes types and Flagger's.
func Scheme() (*runtime.Scheme, error) {
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
// subresources for Deployments and Canaries as a real API server has.
func NewMemory(scheme *runtime.Scheme, objs ...client.Object) client.WithWatch {
	return fake.NewClientBuilder().WithScheme(scheme).
		WithStatusSubresource(&appsv1.Deployment{}, &v1beta1.Canary{}, &corev1.Service{}).
		WithObjects(objs...).Build()
}
