// This file tests the alert receiver's reading of each provider's payload.

package hooks

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAlertReceiver: each provider's payload is read back in its own
// shape; a payload in another shape is refused, as the provider would.
func TestAlertReceiver(t *testing.T) {
	s := start(t, nil, 1)
	s.SetNow(3 * time.Minute)
	slack := `{"channel":"general","username":"flagger","icon_url":"","icon_emoji":":rocket:","attachments":[{"color":"danger","author_name":"podinfo.test","text":"Failed checks threshold reached 5","mrkdwn_in":["text"],"fields":[]}]}`
	teams := `{"@type":"MessageCard","@context":"http://schema.org/extensions","themeColor":"0076D7","summary":"podinfo.test","sections":[{"activityTitle":"New revision detected","activitySubtitle":"podinfo.test","facts":[]}]}`
	gchat := `{"cards":[{"header":{"title":"Flagger"},"sections":[{"widgets":[{"textParagraph":{"text":"\u003cfont color=#848484\u003e\u003cstrong\u003eCanary is waiting for approval.\u003c/strong\u003e\u003c/font\u003e"}}]}]}]}`
	tests := []struct {
		typ, name, suffix, body string
		status                  int
		text, err               string
	}{
		{"slack", "on-call", "", slack, 200, "Failed checks threshold reached 5", ""},
		{"rocket", "rc", "", slack, 200, "Failed checks threshold reached 5", ""},
		{"discord", "chat", "/slack", slack, 200, "Failed checks threshold reached 5", ""},
		{"discord", "chat", "", slack, 400, "", "without the /slack suffix"},
		{"msteams", "team", "", teams, 200, "New revision detected", ""},
		{"msteams", "team", "", slack, 400, "", "not an MS Teams MessageCard"},
		{"gchat", "space", "", gchat, 200, "Canary is waiting for approval.", ""},
		{"gchat", "space", "", teams, 400, "", "no card section"},
		{"slack", "on-call", "", teams, 400, "", "neither text nor an attachment"},
		{"slack", "on-call", "", "not json", 400, "", "not a Slack message"},
	}
	for i, tc := range tests {
		status, _ := post(t, s.AlertURL(tc.typ, tc.name)+tc.suffix, tc.body)
		d := s.Deliveries()[i]
		if status != tc.status || d.Text != tc.text || !strings.Contains(d.Err, tc.err) || (tc.err == "" && d.Err != "") {
			t.Errorf("%s %s%s: %d %+v, want %d with text %q and error %q", tc.typ, tc.name, tc.suffix, status, d, tc.status, tc.text, tc.err)
		}
		if d.Type != tc.typ || d.Provider != tc.name || d.Path != tc.suffix || d.At != 3*time.Minute {
			t.Errorf("delivery %+v, want %s/%s%s at 3m", d, tc.typ, tc.name, tc.suffix)
		}
	}
	if len(s.Calls()) != 0 {
		t.Errorf("alerts were recorded as webhook calls: %+v", s.Calls())
	}
	if status, _ := post(t, s.AlertURL("slack", "a/b c"), slack); status != http.StatusOK || s.Deliveries()[len(tests)].Provider != "a/b c" {
		t.Errorf("an escaped provider name came back as %q", s.Deliveries()[len(tests)].Provider)
	}
}
