package kube

import (
	"context"
	"fmt"
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Apply carries out one workload action.
func (c *Cluster) Apply(ctx context.Context, cd *v1beta1.Canary, a engine.Action) error {
	switch a.Kind {
	case engine.ActInitialize:
		return c.initialize(ctx, cd)
	case engine.ActScaleToZero:
		return c.scale(ctx, cd, func(*appsv1.Deployment) int32 { return 0 })
	case engine.ActScaleFromZero:
		return c.scale(ctx, cd, c.replicasFromZero(ctx, cd))
	case engine.ActPromote:
		return c.promote(ctx, cd)
	}
	return fmt.Errorf("kube: action %s is not a workload action", a.Kind)
}

func (c *Cluster) target(ctx context.Context, cd *v1beta1.Canary) (*appsv1.Deployment, error) {
	var d appsv1.Deployment
	key := client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}
	if err := c.Client.Get(ctx, key, &d); err != nil {
		return nil, fmt.Errorf("reading target deployment %s: %w", key, err)
	}
	return &d, nil
}

// initialize creates the primary Deployment and the apex, primary and canary
// Services, leaving existing ones alone.
func (c *Cluster) initialize(ctx context.Context, cd *v1beta1.Canary) error {
	t, err := c.target(ctx, cd)
	if err != nil {
		return err
	}
	if err := c.createIfMissing(ctx, primaryFrom(cd, t)); err != nil {
		return err
	}
	for _, s := range services(cd, t) {
		if err := c.createIfMissing(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) createIfMissing(ctx context.Context, obj client.Object) error {
	err := c.Client.Create(ctx, obj)
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating %T %s/%s: %w", obj, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// appLabel is the selector label Flagger keys on: app, else the name.
func appLabel(d *appsv1.Deployment) (key, value string) {
	for _, k := range []string{"app", "app.kubernetes.io/name", "name"} {
		if v, ok := d.Spec.Selector.MatchLabels[k]; ok {
			return k, v
		}
	}
	return "app", d.Name
}

// primaryFrom builds the primary Deployment: the target's spec under the
// -primary name and selector.
func primaryFrom(cd *v1beta1.Canary, t *appsv1.Deployment) *appsv1.Deployment {
	key, value := appLabel(t)
	labels := map[string]string{key: value + "-primary"}
	p := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: cd.PrimaryName(), Namespace: cd.Namespace, Labels: maps.Clone(labels)},
		Spec:       *t.Spec.DeepCopy(),
	}
	p.Spec.Selector = &metav1.LabelSelector{MatchLabels: labels}
	p.Spec.Template.Labels = withLabel(t.Spec.Template.Labels, key, value+"-primary")
	if p.Spec.Replicas == nil || *p.Spec.Replicas == 0 {
		one := int32(1)
		p.Spec.Replicas = &one
	}
	return p
}

func withLabel(m map[string]string, k, v string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[k] = v
	return out
}

// services are the apex (pointing at the primary), primary and canary Services.
func services(cd *v1beta1.Canary, t *appsv1.Deployment) []*corev1.Service {
	key, value := appLabel(t)
	apex, primary, canary := cd.GetServiceNames()
	port := corev1.ServicePort{Name: portName(cd), Port: cd.Spec.Service.Port, TargetPort: targetPort(cd)}
	svc := func(name, selector string) *corev1.Service {
		return &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: cd.Namespace},
			Spec:       corev1.ServiceSpec{Selector: map[string]string{key: selector}, Ports: []corev1.ServicePort{port}},
		}
	}
	return []*corev1.Service{svc(apex, value+"-primary"), svc(primary, value+"-primary"), svc(canary, value)}
}

func portName(cd *v1beta1.Canary) string {
	if cd.Spec.Service.PortName != "" {
		return cd.Spec.Service.PortName
	}
	return "http"
}

func targetPort(cd *v1beta1.Canary) intstr.IntOrString {
	if tp := cd.Spec.Service.TargetPort; tp.String() != "0" && tp.String() != "" {
		return tp
	}
	return intstr.FromInt32(cd.Spec.Service.Port)
}

// scale patches the target's replicas.
func (c *Cluster) scale(ctx context.Context, cd *v1beta1.Canary, replicas func(*appsv1.Deployment) int32) error {
	t, err := c.target(ctx, cd)
	if err != nil {
		return err
	}
	n := replicas(t)
	if t.Spec.Replicas != nil && *t.Spec.Replicas == n {
		return nil
	}
	patch := client.MergeFrom(t.DeepCopy())
	t.Spec.Replicas = &n
	if err := c.Client.Patch(ctx, t, patch); err != nil {
		return fmt.Errorf("scaling deployment %s/%s to %d: %w", t.Namespace, t.Name, n, err)
	}
	return nil
}

// replicasFromZero is Flagger's ScaleFromZero rule: the target's own
// replicas, else the primary's, else one.
func (c *Cluster) replicasFromZero(ctx context.Context, cd *v1beta1.Canary) func(*appsv1.Deployment) int32 {
	return func(t *appsv1.Deployment) int32 {
		if t.Spec.Replicas != nil && *t.Spec.Replicas > 0 {
			return *t.Spec.Replicas
		}
		var p appsv1.Deployment
		err := c.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: cd.PrimaryName()}, &p)
		if err == nil && p.Spec.Replicas != nil && *p.Spec.Replicas > 0 {
			return *p.Spec.Replicas
		}
		return 1
	}
}

// promote copies the target's pod spec to the primary, keeping the
// primary's own selector labels.
func (c *Cluster) promote(ctx context.Context, cd *v1beta1.Canary) error {
	t, err := c.target(ctx, cd)
	if err != nil {
		return err
	}
	var p appsv1.Deployment
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: cd.PrimaryName()}, &p); err != nil {
		return fmt.Errorf("reading primary deployment %s/%s: %w", cd.Namespace, cd.PrimaryName(), err)
	}
	key, value := appLabel(t)
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.Template.Spec = *t.Spec.Template.Spec.DeepCopy()
	p.Spec.Template.Annotations = maps.Clone(t.Spec.Template.Annotations)
	p.Spec.Template.Labels = withLabel(t.Spec.Template.Labels, key, value+"-primary")
	if err := c.Client.Patch(ctx, &p, patch); err != nil {
		return fmt.Errorf("promoting %s/%s to the primary: %w", cd.Namespace, cd.Spec.TargetRef.Name, err)
	}
	return nil
}
