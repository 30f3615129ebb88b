// This file tests which rehearsals wait for the CRDs an envtest session
// installs after it opens.

package sim

import (
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// TestNeedsLaterCRDs: the gatewayapi scenario waits for the Gateway API's
// CRDs; one on a simulated mesh (istio) does not, until it names a KEDA
// ScaledObject.
func TestNeedsLaterCRDs(t *testing.T) {
	gw := loadScenarios(t, "../scenarios/library/gateway-api.yaml")[0]
	if !needsLaterCRDs(gw, settingsOf(gw, Options{})) {
		t.Errorf("gateway-api does not wait for the later CRDs; its HTTPRoute needs the Gateway API's")
	}
	good := loadScenarios(t, "../scenarios/library/good-release.yaml")[0]
	if needsLaterCRDs(good, settingsOf(good, Options{})) {
		t.Errorf("good-release (provider %q) waits for the later CRDs; it writes no kind of theirs", settingsOf(good, Options{}).provider)
	}
	good.Canary.Spec.AutoscalerRef = &v1beta1.AutoscalerReference{Kind: "ScaledObject", Name: "app"}
	if !needsLaterCRDs(good, settingsOf(good, Options{})) {
		t.Errorf("a Canary scaled by a KEDA ScaledObject does not wait for the stand-in CRDs")
	}
}
