// This file tests the alerts a rehearsal delivers and reports.

package sim

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
)

const alertsPattern = "../fixtures/patterns/alerts-slack-msteams/scenarios/"

// tickAlerts lists every alert of a run as "tick provider type severity: message".
func tickAlerts(r *reports.Run) []string {
	var out []string
	for _, t := range r.Ticks {
		for _, a := range t.Alerts {
			line := strings.Join([]string{strconv.Itoa(t.Tick), a.Provider, a.Type, a.Severity + ":", a.Message}, " ")
			if a.Error != "" {
				line += " (refused: " + a.Error + ")"
			}
			out = append(out, line)
		}
	}
	return out
}

// TestAlertsReachTheirProviders: a rollback reaches the on-call Slack
// channel (severity error) and the team's MS Teams channel (info); a
// promotion only the team's; the alert with no severity hears nothing, and
// the report says why.
func TestAlertsReachTheirProviders(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"rollback.yaml", []string{
			"1 storefront-team msteams info: New revision detected, progressing canary analysis.",
			"5 on-call slack error: Failed checks threshold reached 2",
			"5 storefront-team msteams error: Failed checks threshold reached 2",
		}},
		{"promotion.yaml", []string{
			"1 storefront-team msteams info: New revision detected, progressing canary analysis.",
			"6 storefront-team msteams info: Canary analysis completed successfully, promotion finished.",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r := Run(context.Background(), loadScenarios(t, alertsPattern+tc.file)[0], Options{})
			if !r.Passed {
				t.Fatalf("the run did not pass: %s %+v", r.Error, r.Expectations)
			}
			if got := tickAlerts(r); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("alerts:\n got %q\nwant %q", got, tc.want)
			}
			if !strings.Contains(strings.Join(r.Notes, "\n"), "alert audit has no severity, so Flagger sends it nothing") {
				t.Errorf("notes %q do not say why the audit alert got nothing", r.Notes)
			}
		})
	}
}

// TestAlertProvidersPointAtTheReceiver: an address, a Secret's address key
// (stringData included) or a Secret the manifests leave out all end up at
// the receiver; a proxy is dropped; each assumption is noted.
func TestAlertProvidersPointAtTheReceiver(t *testing.T) {
	h, err := hooks.Start(nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	w := &world{recv: receivers{srv: h}}
	provider := func(name, typ, secret, proxy string) *v1beta1.AlertProvider {
		p := &v1beta1.AlertProvider{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "web"},
			Spec: v1beta1.AlertProviderSpec{Type: typ, Address: "https://example.com/real", Proxy: proxy}}
		if secret != "" {
			p.Spec.SecretRef = &corev1.LocalObjectReference{Name: secret}
			p.Spec.Address = ""
		}
		return p
	}
	kept := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "kept", Namespace: "web"},
		StringData: map[string]string{"address": "https://hooks.slack.com/real", "token": "t"}}
	set := &manifest.Set{AlertProviders: []*v1beta1.AlertProvider{
		provider("direct", "msteams", "", "http://proxy.corp:3128"),
		provider("from-secret", "slack", "kept", ""),
		provider("absent", "discord", "missing", ""),
	}}
	objs := w.alertProviders([]client.Object{kept}, set)
	addresses := map[string]string{}
	for _, o := range objs {
		switch o := o.(type) {
		case *v1beta1.AlertProvider:
			addresses[o.Name] = o.Spec.Address
			if o.Spec.Proxy != "" {
				t.Errorf("provider %s keeps its proxy %s", o.Name, o.Spec.Proxy)
			}
		case *corev1.Secret:
			if o.StringData["address"] != "" {
				t.Errorf("secret %s keeps stringData.address %q, which would win over data", o.Name, o.StringData["address"])
			}
			addresses[o.Name] = string(o.Data["address"])
		}
	}
	want := map[string]string{"direct": h.AlertURL("msteams", "direct"), "from-secret": "", "absent": "",
		"kept": h.AlertURL("slack", "from-secret"), "missing": h.AlertURL("discord", "absent")}
	if !reflect.DeepEqual(addresses, want) {
		t.Errorf("addresses %v, want %v", addresses, want)
	}
	notes := strings.Join(w.notes, "\n")
	for _, n := range []string{"its proxy http://proxy.corp:3128 is not used", "its secret missing is not among the manifests"} {
		if !strings.Contains(notes, n) {
			t.Errorf("notes %q lack %q", w.notes, n)
		}
	}
}
