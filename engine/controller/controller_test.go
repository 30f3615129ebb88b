// This file holds the envtest specs of the running controller: a kubernetes-provider Canary is
// initialized (primary created, canary scaled to zero) and a gatewayapi Canary gets its HTTPRoute.

package controller_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
)

// The second tick comes one analysis interval (10s, Flagger's floor) after
// the first, so the waits allow several intervals.
const (
	settle = 60 * time.Second
	poll   = 200 * time.Millisecond
)

func deployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	one := int32(1)
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: testNamespace},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: "ghcr.io/stefanprodan/podinfo:6.0.0"}}}}},
	}
}

func skipAnalysisCanary(name, provider string) *v1beta1.Canary {
	return &v1beta1.Canary{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: testNamespace},
		Spec: v1beta1.CanarySpec{
			Provider:     provider,
			TargetRef:    v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: name},
			Service:      v1beta1.CanaryService{Port: 9898},
			SkipAnalysis: true,
			Analysis:     &v1beta1.CanaryAnalysis{Interval: "10s", Iterations: 1},
		},
	}
}

// markReady stands in for the Deployment controller envtest lacks.
func markReady(ctx SpecContext, key client.ObjectKey) {
	d := &appsv1.Deployment{}
	Eventually(func() error { return k8s.Get(ctx, key, d) }).WithContext(ctx).WithTimeout(settle).WithPolling(poll).
		Should(Succeed(), "the controller did not create %s", key)
	n := *d.Spec.Replicas
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n,
		ReadyReplicas: n, AvailableReplicas: n}
	Expect(k8s.Status().Update(ctx, d)).To(Succeed())
}

func phaseOf(ctx SpecContext, cd *v1beta1.Canary) func() v1beta1.CanaryPhase {
	return func() v1beta1.CanaryPhase {
		got := &v1beta1.Canary{}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(cd), got); err != nil {
			return ""
		}
		return got.Status.Phase
	}
}

var _ = Describe("the canary controller", func() {
	It("initializes a kubernetes-provider Canary: primary created, canary scaled to zero", func(ctx SpecContext) {
		Expect(k8s.Create(ctx, deployment("podinfo"))).To(Succeed())
		cd := skipAnalysisCanary("podinfo", v1beta1.KubernetesProvider)
		Expect(k8s.Create(ctx, cd)).To(Succeed())

		markReady(ctx, client.ObjectKey{Namespace: testNamespace, Name: "podinfo-primary"})
		Eventually(phaseOf(ctx, cd)).WithContext(ctx).WithTimeout(settle).WithPolling(poll).
			Should(Equal(v1beta1.CanaryPhaseInitialized))

		target := &appsv1.Deployment{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: testNamespace, Name: "podinfo"}, target)).To(Succeed())
		Expect(*target.Spec.Replicas).To(BeZero(), "the canary is scaled to zero once initialized")
		for _, name := range []string{"podinfo", "podinfo-primary", "podinfo-canary"} {
			Expect(k8s.Get(ctx, client.ObjectKey{Namespace: testNamespace, Name: name}, &corev1.Service{})).To(Succeed(), "service %s", name)
		}
		events := &corev1.EventList{}
		Expect(k8s.List(ctx, events, client.InNamespace(testNamespace))).To(Succeed())
		Expect(events.Items).To(ContainElement(HaveField("Message", ContainSubstring("Initialization done! podinfo.test"))))
	}, SpecTimeout(2*settle))

	It("creates the HTTPRoute of a gatewayapi Canary, all traffic on the primary", func(ctx SpecContext) {
		Expect(k8s.Create(ctx, deployment("gwinfo"))).To(Succeed())
		cd := skipAnalysisCanary("gwinfo", v1beta1.GatewayAPIProvider)
		cd.Spec.Service.Hosts = []string{"gwinfo.example.com"}
		cd.Spec.Service.GatewayRefs = []apiextensionsv1.JSON{{Raw: []byte(`{"name":"gateway","namespace":"gateway-system"}`)}}
		Expect(k8s.Create(ctx, cd)).To(Succeed())

		hr := &gatewayv1.HTTPRoute{}
		Eventually(func() error {
			return k8s.Get(ctx, client.ObjectKey{Namespace: testNamespace, Name: "gwinfo"}, hr)
		}).WithContext(ctx).WithTimeout(settle).WithPolling(poll).Should(Succeed())
		Expect(hr.Spec.Rules).To(HaveLen(1))
		b := hr.Spec.Rules[0].BackendRefs
		Expect(b).To(HaveLen(2))
		Expect(string(b[0].Name) + "=" + itoa(*b[0].Weight)).To(Equal("gwinfo-primary=100"))
		Expect(string(b[1].Name) + "=" + itoa(*b[1].Weight)).To(Equal("gwinfo-canary=0"))
		Expect(hr.OwnerReferences).To(ContainElement(HaveField("Name", "gwinfo")))

		// What the API server defaulted (parent group and kind...) must not
		// count as a change: a new generation on every tick would keep the
		// Gateway's Accepted condition behind, and the weights unreadable.
		got := &v1beta1.Canary{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(cd), got)).To(Succeed())
		router := kube.HTTPRouteRouter{Client: k8s}
		Expect(router.Reconcile(ctx, got)).To(Succeed())
		after := &gatewayv1.HTTPRoute{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(hr), after)).To(Succeed())
		Expect(after.Generation).To(Equal(hr.Generation))
		Expect(after.ResourceVersion).To(Equal(hr.ResourceVersion))
		Expect(router.Routes(ctx, got)).To(Equal(engine.Routes{Primary: 100}))
	}, SpecTimeout(2*settle))
})

func itoa(n int32) string { return fmt.Sprint(n) }
