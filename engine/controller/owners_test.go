// This file checks that every object the controller creates for a Canary
// carries the Canary's controller reference, as Flagger's do: envtest runs
// no garbage collector, so the test asserts the references themselves.

package controller_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// ownedTarget is a Deployment that reads a ConfigMap and a Secret, with an
// HPA: the primary, its configs and its autoscaler are all copies.
func ownedTarget(ctx SpecContext, name string) {
	d := deployment(name)
	c := &d.Spec.Template.Spec.Containers[0]
	c.EnvFrom = []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name + "-config"}}},
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name + "-secret"}}},
	}
	meta := func(n string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: n, Namespace: testNamespace} }
	one, two := int32(1), int32(2)
	for _, obj := range []client.Object{
		&corev1.ConfigMap{ObjectMeta: meta(name + "-config"), Data: map[string]string{"k": "v"}},
		&corev1.Secret{ObjectMeta: meta(name + "-secret"), StringData: map[string]string{"k": "v"}},
		&autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: meta(name), Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: name},
			MinReplicas:    &one, MaxReplicas: two}},
		d,
	} {
		Expect(k8s.Create(ctx, obj)).To(Succeed())
	}
}

var _ = Describe("what the controller creates for a Canary", func() {
	It("is owned by the Canary through a controller reference", func(ctx SpecContext) {
		ownedTarget(ctx, "owned")
		cd := skipAnalysisCanary("owned", v1beta1.KubernetesProvider)
		cd.Spec.AutoscalerRef = &v1beta1.AutoscalerReference{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler", Name: "owned"}
		Expect(k8s.Create(ctx, cd)).To(Succeed())
		markReady(ctx, client.ObjectKey{Namespace: testNamespace, Name: "owned-primary"})
		Eventually(phaseOf(ctx, cd)).WithContext(ctx).WithTimeout(settle).WithPolling(poll).
			Should(Equal(v1beta1.CanaryPhaseInitialized))

		want := metav1.OwnerReference{APIVersion: v1beta1.GroupVersion.String(), Kind: "Canary", Name: cd.Name, UID: cd.UID}
		owned := map[string]client.Object{
			"owned-primary":        &corev1.Service{},
			"owned-canary":         &corev1.Service{},
			"owned":                &corev1.Service{},
			"owned-config-primary": &corev1.ConfigMap{},
			"owned-secret-primary": &corev1.Secret{},
		}
		check := func(name string, obj client.Object) {
			Expect(k8s.Get(ctx, client.ObjectKey{Namespace: testNamespace, Name: name}, obj)).To(Succeed(), "%T %s", obj, name)
			refs := obj.GetOwnerReferences()
			Expect(refs).To(HaveLen(1), "%T %s", obj, name)
			Expect(refs[0]).To(And(
				HaveField("APIVersion", want.APIVersion), HaveField("Kind", want.Kind),
				HaveField("Name", want.Name), HaveField("UID", want.UID),
				HaveField("Controller", HaveValue(BeTrue())),
			), "%T %s", obj, name)
		}
		for name, obj := range owned {
			check(name, obj)
		}
		check("owned-primary", &autoscalingv2.HorizontalPodAutoscaler{})
		check("owned-primary", deployment(""))
	}, SpecTimeout(2*settle))
})
