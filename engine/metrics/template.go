// This file measures a MetricTemplate metric in Flagger's order (template, secret, provider,
// render, run), and is CheckAvailability, Flagger's check when a Canary is first seen.

package metrics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// measureTemplate runs a MetricTemplate's query against the template's own
// provider, in Flagger's order: find the template, read its secret, build
// the provider, render, run. As in Flagger, the model's interval is the
// metric's interval exactly as written, empty when unset: only the builtin
// pass applies the 1m default.
func (s *Source) measureTemplate(ctx context.Context, cd *v1beta1.Canary, m v1beta1.CanaryMetric, at time.Time) (Measurement, error) {
	ns, tpl, err := s.template(cd, m)
	if err != nil {
		return Measurement{}, err
	}
	p, err := s.templateClient(ns, tpl, m.Interval)
	if err != nil {
		return Measurement{}, err
	}
	model, err := s.model(cd, m.Interval, m.TemplateVariables)
	if err != nil {
		return Measurement{}, err
	}
	q, err := s.render(tpl.Spec.Query, model)
	if err != nil {
		return Measurement{}, fmt.Errorf("metric template %s.%s query: %w", tpl.Name, ns, err)
	}
	v, err := p.RunQuery(ctx, q, at)
	return Measurement{Value: v, Query: q}, err
}

// template finds the metric's template; its namespace falls back to the
// Canary's.
func (s *Source) template(cd *v1beta1.Canary, m v1beta1.CanaryMetric) (string, *v1beta1.MetricTemplate, error) {
	ref := m.TemplateRef
	if ref == nil {
		return "", nil, errors.New("the metric has no templateRef")
	}
	ns := orDefault(ref.Namespace, cd.Namespace)
	if s.Templates == nil {
		return ns, nil, fmt.Errorf("metric template %s.%s: no MetricTemplates are available", ref.Name, ns)
	}
	tpl, err := s.Templates(ns, ref.Name)
	if err == nil && tpl == nil {
		err = errors.New("not found")
	}
	if err != nil {
		return ns, nil, fmt.Errorf("metric template %s.%s: %w (create it, or fix the metric's templateRef)", ref.Name, ns, err)
	}
	return ns, tpl, nil
}

// templateClient builds, or reuses, the client for a template's provider,
// with the metric's interval as written (Flagger's factory sizes some
// providers' query windows from it).
func (s *Source) templateClient(ns string, tpl *v1beta1.MetricTemplate, interval string) (Provider, error) {
	prov := tpl.Spec.Provider
	creds, err := s.credentials(ns, tpl)
	if err != nil {
		return nil, err
	}
	var p Provider
	if IsPrometheus(prov.Type) {
		p, err = s.prometheus(PrometheusConfig{Address: prov.Address, Headers: prov.Headers, Credentials: creds,
			InsecureSkipVerify: prov.InsecureSkipVerify})
	} else {
		p, err = newProvider(providerConfig{interval: interval, spec: prov, credentials: creds, client: s.Client, aws: s.AWSCredentials})
	}
	if err != nil {
		return nil, fmt.Errorf("metric template %s.%s provider %s: %w", tpl.Name, ns, orDefault(prov.Type, ProviderPrometheus), err)
	}
	return p, nil
}

// credentials reads the secret a template names, from the template's
// namespace. Nil when it names none.
func (s *Source) credentials(ns string, tpl *v1beta1.MetricTemplate) (map[string][]byte, error) {
	ref := tpl.Spec.Provider.SecretRef
	if ref == nil {
		return nil, nil
	}
	if s.Secrets == nil {
		return nil, fmt.Errorf("metric template %s.%s secret %s: no Secrets are available", tpl.Name, ns, ref.Name)
	}
	data, err := s.Secrets(ns, ref.Name)
	if err != nil {
		return nil, fmt.Errorf("metric template %s.%s secret %s: %w", tpl.Name, ns, ref.Name, err)
	}
	if data == nil {
		data = map[string][]byte{}
	}
	return data, nil
}

// CheckAvailability is Flagger's check when a Canary is first seen: the
// metrics server answers for builtin metrics, and every template, its
// secret and its provider are there and answer. Flagger only records the
// first failure as an event and carries on; so should the caller.
func (s *Source) CheckAvailability(ctx context.Context, cd *v1beta1.Canary, at time.Time) error {
	a := cd.GetAnalysis()
	if a == nil {
		return nil
	}
	for _, m := range a.Metrics {
		if err := s.checkOne(ctx, cd, m, at); err != nil {
			return fmt.Errorf("metric %q: %w", m.Name, err)
		}
	}
	return nil
}

func (s *Source) checkOne(ctx context.Context, cd *v1beta1.Canary, m v1beta1.CanaryMetric, at time.Time) error {
	if m.Name == MetricSuccessRate || m.Name == MetricDuration {
		p, err := s.serverClient(cd)
		if err != nil {
			return err
		}
		_, err = p.IsOnline(ctx, at)
		return err
	}
	if m.TemplateRef == nil {
		return nil
	}
	ns, tpl, err := s.template(cd, m)
	if err != nil {
		return err
	}
	p, err := s.templateClient(ns, tpl, m.Interval)
	if err != nil {
		return err
	}
	_, err = p.IsOnline(ctx, at)
	return err
}
