// This file tests that the Notifier delivers alerts to a local receiver as each provider expects.

package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// received is one post the test receiver got.
type received struct {
	path, auth string
	body       map[string]any
}

type receiver struct {
	mu    sync.Mutex
	posts []received
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil || req.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.posts = append(r.posts, received{req.URL.Path, req.Header.Get("Authorization"), body})
	r.mu.Unlock()
	if strings.HasSuffix(req.URL.Path, "/refuse") {
		http.Error(w, "invalid_token", http.StatusForbidden)
	}
}

func provider(name, typ, address string, secret string) *v1beta1.AlertProvider {
	p := &v1beta1.AlertProvider{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ops"},
		Spec: v1beta1.AlertProviderSpec{Type: typ, Address: address}}
	if secret != "" {
		p.Spec.SecretRef = &corev1.LocalObjectReference{Name: secret}
	}
	return p
}

func alertsCanary(alerts ...v1beta1.CanaryAlert) *v1beta1.Canary {
	cd := &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: v1beta1.CanarySpec{TargetRef: v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"},
			Analysis: &v1beta1.CanaryAnalysis{Alerts: alerts}}}
	return cd
}

func ref(name, sev string) v1beta1.CanaryAlert {
	return v1beta1.CanaryAlert{Name: name, Severity: v1beta1.AlertSeverity(sev),
		ProviderRef: v1beta1.CrossNamespaceObjectReference{Name: name, Namespace: "ops"}}
}

func TestNotifierDelivers(t *testing.T) {
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	s := runtime.NewScheme()
	if err := v1beta1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := corev1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "slack-url", Namespace: "ops"},
		Data: map[string][]byte{"address": []byte(srv.URL + "/from-secret"), "token": []byte("xoxb-1")}}
	noAddress := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "empty", Namespace: "ops"}}
	objs := []client.Object{secret, noAddress,
		provider("on-call", "slack", "https://hooks.slack.com/ignored-when-a-secret-is-given", "slack-url"),
		provider("team", "msteams", srv.URL+"/teams", ""),
		provider("chat", "discord", srv.URL+"/discord", ""),
		provider("broken", "slack", "", "empty"),
		provider("refusing", "rocket", srv.URL+"/refuse", ""),
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
	n := &Notifier{Reader: c, Client: srv.Client()}
	cd := alertsCanary(ref("on-call", "error"), ref("team", "info"), ref("chat", "warn"), ref("missing", "info"),
		ref("broken", "error"), ref("refusing", "error"), ref("silent", ""))

	err := n.Alert(context.Background(), cd, engine.Alert{Message: "Failed checks threshold reached 5", Severity: v1beta1.SeverityError})
	for _, want := range []string{`alert "missing"`, `not found`, `alert "broken"`, "secret empty has no address key",
		`alert "refusing"`, "answered 403: invalid_token"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to say %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "/refuse") {
		t.Errorf("error %v shows the hook URL's path, which is a credential", err)
	}
	paths := map[string]received{}
	for _, p := range rcv.posts {
		paths[p.path] = p
	}
	if len(rcv.posts) != 4 {
		t.Errorf("got %d posts %v, want on-call, team, chat and refusing", len(rcv.posts), paths)
	}
	if p, ok := paths["/from-secret"]; !ok || p.auth != "Bearer xoxb-1" || p.body["channel"] != "general" || p.body["username"] != "flagger" {
		t.Errorf("slack post from the secret's address: %+v, want it with the bearer token and default channel and username", p)
	}
	if p, ok := paths["/teams"]; !ok || p.body["@type"] != "MessageCard" || p.auth != "" {
		t.Errorf("msteams post: %+v", p)
	}
	if _, ok := paths["/discord/slack"]; !ok {
		t.Errorf("discord post went to %v, want /discord/slack", paths)
	}

	rcv.posts = nil
	if err := n.Alert(context.Background(), cd, engine.Alert{Message: "New revision detected", Severity: v1beta1.SeverityInfo}); err == nil {
		t.Error("the missing provider receives info alerts too, and must be reported")
	}
	if len(rcv.posts) != 1 || rcv.posts[0].path != "/teams" {
		t.Errorf("an info alert reached %v, want only the info-severity alert (team)", rcv.posts)
	}
}
