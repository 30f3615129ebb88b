// This file is the world's alerting: AlertProviders pointed at a local
// receiver, and the alerts each tick delivered, for the report.

package sim

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/engine/notify"
	"github.com/rehearse-dev/rehearse/engine/runner"
)

// receiverName replaces the alert receiver's loopback address in errors,
// so reports do not change with the port.
const receiverName = "the rehearsal's alert receiver"

// alertProviders adds the AlertProviders to the cluster's objects, each
// pointed at the world's alert receiver: spec.address, or the address key
// of the provider's Secret (created when the manifests leave it out, as a
// real cluster would hold it). A proxy is dropped: nothing leaves the
// machine.
func (w *world) alertProviders(objs []client.Object, set *manifest.Set) []client.Object {
	for _, p := range set.AlertProviders {
		p = p.DeepCopy()
		if w.recv.srv != nil {
			objs = w.pointAtReceiver(objs, p)
		}
		objs = append(objs, p)
	}
	return objs
}

func (w *world) pointAtReceiver(objs []client.Object, p *v1beta1.AlertProvider) []client.Object {
	addr := w.recv.srv.AlertURL(p.Spec.Type, p.Name)
	if p.Spec.Proxy != "" {
		w.notes = append(w.notes, fmt.Sprintf("alert provider %s: its proxy %s is not used in the rehearsal; alerts go to %s", p.Name, p.Spec.Proxy, receiverName))
		p.Spec.Proxy = ""
	}
	if p.Spec.SecretRef == nil {
		p.Spec.Address = addr
		return objs
	}
	s := findSecret(objs, p.Namespace, p.Spec.SecretRef.Name)
	if s == nil {
		w.notes = append(w.notes, fmt.Sprintf("alert provider %s: its secret %s is not among the manifests; the rehearsal assumes it holds the hook URL under address", p.Name, p.Spec.SecretRef.Name))
		s = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: p.Spec.SecretRef.Name, Namespace: p.Namespace}}
		objs = append(objs, s)
	}
	if s.Data == nil {
		s.Data = map[string][]byte{}
	}
	delete(s.StringData, "address") // stringData would win over data
	s.Data["address"] = []byte(addr)
	return objs
}

func findSecret(objs []client.Object, ns, name string) *corev1.Secret {
	for _, o := range objs {
		if s, ok := o.(*corev1.Secret); ok && s.Namespace == ns && s.Name == name {
			return s
		}
	}
	return nil
}

// noteSilentAlerts says which of the Canary's alerts Flagger sends nothing.
func (w *world) noteSilentAlerts(cd *v1beta1.Canary) {
	a := cd.GetAnalysis()
	if a == nil {
		return
	}
	for _, ca := range a.Alerts {
		if ca.Severity == "" {
			w.notes = append(w.notes, fmt.Sprintf("alert %s has no severity, so Flagger sends it nothing: its code matches the severity as written, though its documentation says info is the default; write severity: info to get every alert", ca.Name))
		}
	}
}

// mapAlertRefs follows the namespaces the backend moved AlertProviders to.
func (w *world) mapAlertRefs(scenario string, cd *v1beta1.Canary) {
	a := cd.GetAnalysis()
	if a == nil {
		return
	}
	for i := range a.Alerts {
		if ref := &a.Alerts[i].ProviderRef; ref.Namespace != "" {
			ref.Namespace = w.backend.Namespace(scenario, ref.Namespace)
		}
	}
}

// newNotifier delivers alerts to the world's receiver, through the same
// client as the webhooks; nil when the world has no receiver.
func (w *world) newNotifier() runner.Notifier {
	if w.recv.srv == nil {
		return nil
	}
	c := w.recv.client(w.http, w.inProcess)
	return stableNotifier{n: &notify.Notifier{Reader: w.cluster.client, Client: c}, base: w.recv.srv.LoadtesterURL()}
}

// stableNotifier names the receiver in errors instead of its port.
type stableNotifier struct {
	n    *notify.Notifier
	base string
}

func (s stableNotifier) Alert(ctx context.Context, cd *v1beta1.Canary, a engine.Alert) error {
	err := s.n.Alert(ctx, cd, a)
	if err == nil {
		return nil
	}
	return errors.New(strings.ReplaceAll(err.Error(), s.base, receiverName))
}

func severityOf(t *runner.Tick, text string) string {
	for _, a := range t.Decision.Alerts {
		if a.Message == text {
			return string(a.Severity)
		}
	}
	return ""
}
