// This file is the Notifier: it resolves a Canary's AlertProviders and their secrets, filters by
// severity and posts each alert with a timeout, reporting what the receiver answered.

package notify

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	corev1 "k8s.io/api/core/v1"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// DefaultTimeout bounds one post, as Flagger bounds it.
const DefaultTimeout = 5 * time.Second

// maxErrorBody is how much of a refusing provider's answer an error quotes.
const maxErrorBody = 512

// Notifier sends a Canary's alerts to its AlertProviders; it implements
// the runner's Notifier. A Canary without spec.analysis.alerts gets none:
// Flagger's global notifier (its -slack-url and -msteams-url flags) has no
// counterpart here.
type Notifier struct {
	// Reader finds AlertProviders and their Secrets.
	Reader client.Reader
	// Client posts; nil means http.DefaultClient. A provider's proxy gets
	// a client of its own.
	Client *http.Client
	// Timeout bounds each post; 0 means DefaultTimeout.
	Timeout time.Duration
	// Cluster, when set, is added to every message as a Cluster field
	// (Flagger's -cluster-name).
	Cluster string
}

// Alert posts alert a to every alert of cd whose severity accepts it. A
// provider that cannot be reached does not stop the others; every failure
// is returned, joined.
func (n *Notifier) Alert(ctx context.Context, cd *v1beta1.Canary, a engine.Alert) error {
	an := cd.GetAnalysis()
	if an == nil {
		return nil
	}
	m := NewMessage(cd, a, n.Cluster)
	var errs []error
	for _, ca := range an.Alerts {
		if !Receives(ca.Severity, a.Severity) {
			continue
		}
		if err := n.send(ctx, cd, ca, m); err != nil {
			errs = append(errs, fmt.Errorf("alert %q of canary %s/%s: %w", ca.Name, cd.Namespace, cd.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (n *Notifier) send(ctx context.Context, cd *v1beta1.Canary, ca v1beta1.CanaryAlert, m Message) error {
	t, err := n.target(ctx, providerNamespace(cd, ca), ca.ProviderRef.Name)
	if err != nil {
		return err
	}
	p, err := Encode(t, m)
	if err != nil {
		return fmt.Errorf("alert provider %s: %w", ca.ProviderRef.Name, err)
	}
	return n.post(ctx, t, p)
}

// providerNamespace is the providerRef's namespace, or the Canary's.
func providerNamespace(cd *v1beta1.Canary, ca v1beta1.CanaryAlert) string {
	if ca.ProviderRef.Namespace != "" {
		return ca.ProviderRef.Namespace
	}
	return cd.Namespace
}

// target reads the AlertProvider and, when it has one, its Secret, whose
// address key replaces spec.address and whose token key is Slack's bearer
// token.
func (n *Notifier) target(ctx context.Context, ns, name string) (Target, error) {
	var p v1beta1.AlertProvider
	if err := n.Reader.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &p); err != nil {
		return Target{}, fmt.Errorf("reading alert provider %s/%s: %w", ns, name, err)
	}
	t := Target{Type: p.Spec.Type, Address: p.Spec.Address, Username: orDefault(p.Spec.Username, "flagger"),
		Channel: orDefault(p.Spec.Channel, "general"), Proxy: p.Spec.Proxy}
	if p.Spec.SecretRef == nil {
		if t.Address == "" {
			return Target{}, fmt.Errorf("alert provider %s/%s has no address: set spec.address or spec.secretRef", ns, name)
		}
		return t, nil
	}
	var s corev1.Secret
	key := client.ObjectKey{Namespace: ns, Name: p.Spec.SecretRef.Name}
	if err := n.Reader.Get(ctx, key, &s); err != nil {
		return Target{}, fmt.Errorf("alert provider %s/%s: reading its secret %s: %w", ns, name, key.Name, err)
	}
	addr, ok := s.Data["address"]
	if !ok {
		return Target{}, fmt.Errorf("alert provider %s/%s: secret %s has no address key: add the hook URL under data.address", ns, name, key.Name)
	}
	t.Address, t.Token = string(addr), string(s.Data["token"])
	return t, nil
}

func orDefault(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// post sends p and wants a 2xx answer.
func (n *Notifier) post(ctx context.Context, t Target, p Post) error {
	c, err := n.client(t.Proxy)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(n.Timeout, DefaultTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(p.Body))
	if err != nil {
		return fmt.Errorf("%s alert to %s: %w", t.Type, redacted(p.URL), err)
	}
	req.Header.Set("Content-Type", "application/json")
	if p.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.Token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s alert to %s: %w", t.Type, redacted(p.URL), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return fmt.Errorf("%s alert to %s: answered %d: %s", t.Type, redacted(p.URL), resp.StatusCode, bytes.TrimSpace(body))
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return nil
}

// client is the Notifier's client, or one that goes through proxy.
func (n *Notifier) client(proxy string) (*http.Client, error) {
	base := n.Client
	if base == nil {
		base = http.DefaultClient
	}
	if proxy == "" {
		return base, nil
	}
	u, err := url.Parse(proxy)
	if err != nil {
		return nil, fmt.Errorf("alert proxy %q is not a URL: %w", proxy, err)
	}
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(u)}, Timeout: base.Timeout}, nil
}

// redacted keeps a hook URL's host and hides its path, which holds the
// hook's secret (Slack's and Discord's URLs are their own credentials).
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the provider's address"
	}
	return u.Scheme + "://" + u.Host + "/…"
}
