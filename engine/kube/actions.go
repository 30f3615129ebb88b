// This file applies one workload action in Flagger's order, and holds what every target kind
// shares: the controller reference, the selector and primary labels, and the apex, primary and
// canary Services.

package kube

import (
	"context"
	"fmt"
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Apply carries out one workload action, in Flagger's order: the primary,
// its services and its autoscaler on initialization; the target's
// autoscaler paused whenever the canary is scaled to zero and resumed when
// it is scaled up; the autoscaler's settings copied on promotion.
func (c *Cluster) Apply(ctx context.Context, cd *v1beta1.Canary, a engine.Action) error {
	k := c.kindOf(cd)
	switch a.Kind {
	case engine.ActInitialize:
		return c.initialize(ctx, cd, k)
	case engine.ActScaleToZero:
		if err := c.pauseScaler(ctx, cd); err != nil {
			return err
		}
		return k.scaleToZero(ctx, cd)
	case engine.ActScaleFromZero:
		if err := c.resumeScaler(ctx, cd); err != nil {
			return err
		}
		return k.scaleFromZero(ctx, cd)
	case engine.ActPromote:
		if err := k.promote(ctx, cd); err != nil {
			return err
		}
		return c.reconcileScaler(ctx, cd, false)
	}
	return fmt.Errorf("kube: action %s is not a workload action", a.Kind)
}

// initialize creates the primary and, for a Canary that has one, the
// primary's autoscaler; on first sight the target's autoscaler is paused.
func (c *Cluster) initialize(ctx context.Context, cd *v1beta1.Canary, k targetKind) error {
	if err := k.initialize(ctx, cd); err != nil {
		return err
	}
	if err := c.reconcileScaler(ctx, cd, true); err != nil {
		return err
	}
	if cd.Status.Phase == "" || cd.Status.Phase == v1beta1.CanaryPhaseInitializing {
		return c.pauseScaler(ctx, cd)
	}
	return nil
}

// createIfMissing creates obj unless it exists. obj is built for the create
// alone: the caller neither changes nor keeps it, so a client that adopts
// it (see adopter) is handed it.
func (c *Cluster) createIfMissing(ctx context.Context, obj client.Object) error {
	var err error
	if a, ok := c.Client.(adopter); ok {
		err = a.Adopt(obj)
	} else {
		err = c.Client.Create(ctx, obj)
	}
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating %s %s/%s: %w", kindName(obj), obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// adopter is a client that keeps an object handed over for its creation
// instead of copying it in and back out: the embedded cluster's Store (its
// Adopt). The engine builds every object it creates, an Event each tick
// among them. A client a fault decorates does not adopt, and is sent a
// Create.
type adopter interface {
	Adopt(obj client.Object) error
}

func isNotFound(err error) bool { return apierrors.IsNotFound(err) }

// ownedBy is the controller reference to cd that every object Flagger
// creates for a Canary carries, so that the garbage collector deletes them
// with it. A Canary not read from an API server (no UID) owns nothing.
func ownedBy(cd *v1beta1.Canary) []metav1.OwnerReference {
	if cd.UID == "" {
		return nil
	}
	return []metav1.OwnerReference{*metav1.NewControllerRef(cd, v1beta1.GroupVersion.WithKind("Canary"))}
}

// kindName names an object's Go type for messages: "Deployment", "Service".
func kindName(obj client.Object) string {
	s := fmt.Sprintf("%T", obj)
	return s[strings.LastIndex(s, ".")+1:]
}

// selectorLabels are the pod labels Flagger builds selectors on, in the
// order of its -selector-labels default.
var selectorLabels = []string{"app", "name", "app.kubernetes.io/name"}

// selectorLabel is the label Flagger keys on: the first of selectorLabels
// the target's selector has, else app with the target's name.
func selectorLabel(sel *metav1.LabelSelector, name string) (key, value string) {
	if sel != nil {
		for _, k := range selectorLabels {
			if v, ok := sel.MatchLabels[k]; ok {
				return k, v
			}
		}
	}
	return "app", name
}

// primaryLabels is Flagger's makePrimaryLabels: the labels with the
// selector label pointing at the primary, Flux's own labels left out.
func primaryLabels(labels map[string]string, key, value string) map[string]string {
	out := map[string]string{}
	for k, v := range labels {
		if !strings.Contains(k, toolkitMarker) && k != key {
			out[k] = v
		}
	}
	out[key] = value + "-primary"
	return out
}

// toolkitMarker marks Flux's labels and annotations, which Flagger never
// copies to the objects it creates.
const toolkitMarker = "toolkit.fluxcd.io"

func withLabel(m map[string]string, k, v string) map[string]string {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]string{}
	}
	out[k] = v
	return out
}

// createServices creates the apex (pointing at the primary), primary and
// canary Services of a target selected by key=value, leaving existing ones.
// The Canary owns those it creates, as Flagger's do.
func (c *Cluster) createServices(ctx context.Context, cd *v1beta1.Canary, key, value string) error {
	apex, primary, canary := cd.GetServiceNames()
	port := corev1.ServicePort{Name: portName(cd), Port: cd.Spec.Service.Port, TargetPort: targetPort(cd)}
	svc := func(name, selector string) *corev1.Service {
		return &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: cd.Namespace, OwnerReferences: ownedBy(cd)},
			Spec:       corev1.ServiceSpec{Selector: map[string]string{key: selector}, Ports: []corev1.ServicePort{port}},
		}
	}
	for _, s := range [...]struct{ name, selector string }{{apex, value + "-primary"}, {primary, value + "-primary"}, {canary, value}} {
		if c.holds(client.ObjectKey{Namespace: cd.Namespace, Name: s.name}, (*corev1.Service)(nil)) {
			continue
		}
		if err := c.createIfMissing(ctx, svc(s.name, s.selector)); err != nil {
			return err
		}
	}
	return nil
}

// holds reports whether a client that both peeks and adopts (the embedded
// cluster's Store) holds the object under key already, of typ's type: its
// Adopt would only refuse it, after the caller built it, on every tick
// that initializes. Any other client is sent the create, as before, so
// its calls, and the faults that hit them, stay as they were.
func (c *Cluster) holds(key client.ObjectKey, typ client.Object) bool {
	p, peeks := c.Client.(peeker)
	if _, adopts := c.Client.(adopter); !peeks || !adopts {
		return false
	}
	_, found, err := p.Peek(key, typ)
	return err == nil && found
}

func portName(cd *v1beta1.Canary) string {
	if cd.Spec.Service.PortName != "" {
		return cd.Spec.Service.PortName
	}
	return "http"
}

func targetPort(cd *v1beta1.Canary) intstr.IntOrString {
	if tp := cd.Spec.Service.TargetPort; targetPortSet(tp) {
		return tp
	}
	return intstr.FromInt32(cd.Spec.Service.Port)
}

// targetPortSet is tp.String() != "0" && tp.String() != "", without writing a
// number out to compare it.
func targetPortSet(tp intstr.IntOrString) bool {
	if tp.Type == intstr.String {
		return tp.StrVal != "0" && tp.StrVal != ""
	}
	return tp.IntVal != 0
}
