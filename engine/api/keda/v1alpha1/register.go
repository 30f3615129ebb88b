// This file registers ScaledObject and its list under keda.sh/v1alpha1, so the embedded cluster,
// the controller and test clients decode them as typed objects.

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is KEDA's API group and version.
var GroupVersion = schema.GroupVersion{Group: "keda.sh", Version: "v1alpha1"}

var (
	// SchemeBuilder registers the types with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)
	// AddToScheme adds the types to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, &ScaledObject{}, &ScaledObjectList{})
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
