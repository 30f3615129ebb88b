// This file tests the CRDs on a real API server (Canary round trip, status subresource, templates
// and providers, validation) and that the written kubeconfig works for clients and kubectl.

package envtest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/internal/envtest"
)

// podinfoCanary decodes fixtures/podinfo/canary.yaml, renamed so that specs
// do not collide; strict, so a field the Go types lack fails here.
func podinfoCanary(name string) *v1beta1.Canary {
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "podinfo", "canary.yaml"))
	Expect(err).NotTo(HaveOccurred())
	canary := &v1beta1.Canary{}
	Expect(yaml.UnmarshalStrict(data, canary)).To(Succeed())
	canary.Name = name
	return canary
}

func key(obj client.Object) client.ObjectKey { return client.ObjectKeyFromObject(obj) }

var _ = Describe("the flagger.app CRDs", func() {
	It("stores the podinfo Canary and reads it back unchanged", func(ctx SpecContext) {
		canary := podinfoCanary("podinfo")
		Expect(env.Client.Create(ctx, canary)).To(Succeed())

		got := &v1beta1.Canary{}
		Expect(env.Client.Get(ctx, key(canary), got)).To(Succeed())
		Expect(got.Spec).To(Equal(canary.Spec))
		Expect(got.Spec.Analysis.StepWeight).To(Equal(10))
		Expect(got.Spec.Analysis.Webhooks).To(HaveLen(2))
	})

	It("changes status only through the status subresource", func(ctx SpecContext) {
		canary := podinfoCanary("podinfo-status")
		Expect(env.Client.Create(ctx, canary)).To(Succeed())

		canary.Status.Phase = v1beta1.CanaryPhaseProgressing
		canary.Status.CanaryWeight = 10
		Expect(env.Client.Status().Update(ctx, canary)).To(Succeed())
		got := &v1beta1.Canary{}
		Expect(env.Client.Get(ctx, key(canary), got)).To(Succeed())
		Expect(got.Status.Phase).To(Equal(v1beta1.CanaryPhaseProgressing))
		Expect(got.Status.CanaryWeight).To(Equal(10))

		// A plain update must leave status alone, or the subresource is not on.
		got.Status.Phase = v1beta1.CanaryPhaseFailed
		Expect(env.Client.Update(ctx, got)).To(Succeed())
		Expect(env.Client.Get(ctx, key(canary), got)).To(Succeed())
		Expect(got.Status.Phase).To(Equal(v1beta1.CanaryPhaseProgressing))
	})

	It("stores a MetricTemplate and an AlertProvider", func(ctx SpecContext) {
		template := &v1beta1.MetricTemplate{
			ObjectMeta: metav1.ObjectMeta{Name: "not-found-percentage", Namespace: testNamespace},
			Spec: v1beta1.MetricTemplateSpec{
				Provider: v1beta1.MetricTemplateProvider{Type: "prometheus", Address: "http://127.0.0.1:9090"},
				Query:    `sum(rate(http_requests_total{status="404"}[{{ interval }}]))`,
			},
		}
		alert := &v1beta1.AlertProvider{
			ObjectMeta: metav1.ObjectMeta{Name: "on-call", Namespace: testNamespace},
			Spec:       v1beta1.AlertProviderSpec{Type: "slack", Channel: "on-call"},
		}
		for _, obj := range []client.Object{template, alert} {
			Expect(env.Client.Create(ctx, obj)).To(Succeed())
		}
		gotTemplate := &v1beta1.MetricTemplate{}
		Expect(env.Client.Get(ctx, key(template), gotTemplate)).To(Succeed())
		Expect(gotTemplate.Spec).To(Equal(template.Spec))
		gotAlert := &v1beta1.AlertProvider{}
		Expect(env.Client.Get(ctx, key(alert), gotAlert)).To(Succeed())
		Expect(gotAlert.Spec).To(Equal(alert.Spec))
	})

	DescribeTable("rejects what the schema forbids, with the API server's message",
		func(ctx SpecContext, obj client.Object, message string) {
			err := env.Client.Create(ctx, obj)
			Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			Expect(err.Error()).To(ContainSubstring(message))
		},
		Entry("a Canary webhook of type pre-rolout", misspelledHook(),
			`spec.analysis.webhooks[0].type: Unsupported value: "pre-rolout"`),
		Entry("an AlertProvider of type pagerduty", &v1beta1.AlertProvider{
			ObjectMeta: metav1.ObjectMeta{Name: "pager", Namespace: testNamespace},
			Spec:       v1beta1.AlertProviderSpec{Type: "pagerduty"},
		}, `spec.type: Unsupported value: "pagerduty"`),
	)
})

// misspelledHook is the podinfo Canary with its first webhook's type mistyped.
// Entries are built before the suite starts, so it must not touch env.
func misspelledHook() *v1beta1.Canary {
	canary := podinfoCanary("podinfo-typo")
	canary.Spec.Analysis.Webhooks[0].Type = "pre-rolout"
	return canary
}

var _ = Describe("the kubeconfig file", func() {
	It("lets a new client reach the API server", func(ctx SpecContext) {
		cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig)
		Expect(err).NotTo(HaveOccurred())
		c, err := client.New(cfg, client.Options{Scheme: env.Scheme})
		Expect(err).NotTo(HaveOccurred())

		template := &v1beta1.MetricTemplate{
			ObjectMeta: metav1.ObjectMeta{Name: "from-kubeconfig", Namespace: testNamespace},
			Spec:       v1beta1.MetricTemplateSpec{Provider: v1beta1.MetricTemplateProvider{Type: "prometheus"}, Query: "up"},
		}
		Expect(c.Create(ctx, template)).To(Succeed())
		Expect(env.Client.Get(ctx, key(template), &v1beta1.MetricTemplate{})).To(Succeed())
	})

	It("works for kubectl get canary", func(ctx SpecContext) {
		assets, err := envtest.ResolveAssets("")
		Expect(err).NotTo(HaveOccurred())
		kubectl := filepath.Join(assets, "kubectl")
		if _, err := os.Stat(kubectl); err != nil {
			Skip("kubectl was not built into " + assets)
		}
		Expect(env.Client.Create(ctx, podinfoCanary("podinfo-kubectl"))).To(Succeed())

		out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig", env.Kubeconfig,
			"get", "canary", "--namespace", testNamespace, "--output", "name").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "kubectl said: %s", out)
		Expect(strings.Fields(string(out))).To(ContainElement("canary.flagger.app/podinfo-kubectl"))
	})
})
