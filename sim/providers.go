// This file lets the templates' other metrics providers be answered by
// their stand-ins, and says when a query cannot be.

package sim

import (
	"cmp"
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/virtual/metricapi"
)

// providerNotes names each template metric of a stand-in provider whose
// query the stand-in cannot answer from the traffic model: its checks found
// no data, and the report must say that this is the rehearsal's limit, not
// the policy's.
func (m *metricServers) providerNotes(cd *v1beta1.Canary, templates func(ns, name string) (*v1beta1.MetricTemplate, error)) []string {
	a := cd.GetAnalysis()
	if a == nil || m.api == nil {
		return nil
	}
	var notes []string
	for _, m := range a.Metrics {
		if m.TemplateRef == nil {
			continue
		}
		ns := cmp.Or(m.TemplateRef.Namespace, cd.Namespace)
		tpl, err := templates(ns, m.TemplateRef.Name)
		if err != nil || !metricapi.Serves(tpl.Spec.Provider.Type) {
			continue
		}
		q, err := metrics.Render(tpl.Spec.Query, metrics.NewModel(cd, m.Interval, m.TemplateVariables))
		if err != nil {
			continue // the checks report the render error
		}
		if err := metricapi.Check(tpl.Spec.Provider.Type, q, metricapi.NamesOf(cd)); metricapi.IsUnmapped(err) {
			notes = append(notes, fmt.Sprintf("%s for metric `%s` (MetricTemplate %s): its checks find no data and are not rehearsable; rewrite the query or leave the metric out",
				metricapi.NoteFor(tpl.Spec.Provider.Type, q, err), m.Name, m.TemplateRef.Name))
		}
	}
	return notes
}

// rehearsalAWS are the credentials CloudWatch requests are signed with:
// Flagger reads them from its environment, which a rehearsal does not have.
func rehearsalAWS(context.Context) (metrics.AWSCredentials, error) { return metricapi.Credentials, nil }

// standInSecret is the Secret a stand-in provider's template names when
// the manifests do not hold it (teams keep secrets out of Git), with the
// keys Flagger's provider reads. A Secret the manifests hold is kept as
// written: a missing key fails as it would in Flagger.
func standInSecret(set *manifest.Set, t *v1beta1.MetricTemplate) []client.Object {
	ref := t.Spec.Provider.SecretRef
	if ref == nil || t.Spec.Provider.Type == metrics.ProviderCloudWatch {
		return nil
	}
	for _, s := range set.Secrets {
		if s.Name == ref.Name && s.Namespace == t.Namespace {
			return nil
		}
	}
	return []client.Object{&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: ref.Name, Namespace: t.Namespace},
		Data: metricapi.Secret(t.Spec.Provider.Type)}}
}
