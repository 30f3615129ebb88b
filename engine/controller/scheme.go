// This file builds the scheme every client in rehearse starts from (the controller, envtest, kind,
// the embedded cluster): client-go, flagger.app, Gateway API, rehearse's Knative and KEDA types.

package controller

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	kedav1alpha1 "github.com/rehearse-dev/rehearse/engine/api/keda/v1alpha1"
	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// NewScheme holds every type the controller reads or writes: client-go's,
// flagger.app/v1beta1, Gateway API v1 (for the gatewayapi provider), and
// Knative Services and KEDA ScaledObjects (Canary targets and autoscalers).
func NewScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	adders := []struct {
		what string
		add  func(*runtime.Scheme) error
	}{
		{"client-go", clientgoscheme.AddToScheme},
		{"flagger.app/v1beta1", v1beta1.AddToScheme},
		{"gateway.networking.k8s.io/v1", gatewayv1.Install},
		{"serving.knative.dev/v1 (rehearse's minimal types)", knativev1.AddToScheme},
		{"keda.sh/v1alpha1 (rehearse's minimal types)", kedav1alpha1.AddToScheme},
	}
	for _, a := range adders {
		if err := a.add(s); err != nil {
			return nil, fmt.Errorf("register the %s types: %w", a.what, err)
		}
	}
	return s, nil
}
