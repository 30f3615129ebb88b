// This file tests the JSON body and URL each provider type gets, Discord's endpoint and the targets
// Encode refuses.

package notify

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// The expected bodies are written out by hand from each provider's
// documented webhook format as Flagger fills it, so a change of a field
// name, an order or a colour fails here.
func TestEncodeShapes(t *testing.T) {
	fields := []Field{{"Target", "Deployment/podinfo.test"}, {"Failed checks threshold", "5"}}
	info := Message{Name: "podinfo", Namespace: "test", Text: "New revision detected, progressing canary analysis.",
		Fields: fields, Severity: v1beta1.SeverityInfo}
	failed := Message{Name: "podinfo", Namespace: "test", Text: "Failed checks threshold reached 5", Severity: v1beta1.SeverityError}
	slack := Target{Type: "slack", Address: "https://hooks.slack.com/services/T/B/X", Username: "flagger", Channel: "general", Token: "xoxb-1"}
	tests := []struct {
		name      string
		target    Target
		msg       Message
		wantURL   string
		wantToken string
		want      string
	}{
		{"slack info with fields", slack, info, slack.Address, "xoxb-1", `{
			"channel":"general","username":"flagger","icon_url":"","icon_emoji":":rocket:",
			"attachments":[{"color":"good","author_name":"podinfo.test",
				"text":"New revision detected, progressing canary analysis.","mrkdwn_in":["text"],
				"fields":[{"title":"Target","value":"Deployment/podinfo.test","short":false},
					{"title":"Failed checks threshold","value":"5","short":false}]}]}`},
		{"slack error without fields", slack, failed, slack.Address, "xoxb-1", `{
			"channel":"general","username":"flagger","icon_url":"","icon_emoji":":rocket:",
			"attachments":[{"color":"danger","author_name":"podinfo.test","text":"Failed checks threshold reached 5",
				"mrkdwn_in":["text"],"fields":[]}]}`},
		{"discord gets /slack and no token",
			Target{Type: "discord", Address: "https://discord.com/api/webhooks/1/abc", Username: "bot", Channel: "ops", Token: "t"},
			failed, "https://discord.com/api/webhooks/1/abc/slack", "", `{
			"channel":"ops","username":"bot","icon_url":"","icon_emoji":":rocket:",
			"attachments":[{"color":"danger","author_name":"podinfo.test","text":"Failed checks threshold reached 5",
				"mrkdwn_in":["text"],"fields":[]}]}`},
		{"rocket uses hex colours",
			Target{Type: "rocket", Address: "https://rocket.example.com/hooks/x", Username: "flagger", Channel: "general"},
			info, "https://rocket.example.com/hooks/x", "", `{
			"channel":"general","username":"flagger","icon_url":"","icon_emoji":":rocket:",
			"attachments":[{"color":"#0076D7","author_name":"podinfo.test",
				"text":"New revision detected, progressing canary analysis.","mrkdwn_in":["text"],
				"fields":[{"title":"Target","value":"Deployment/podinfo.test","short":false},
					{"title":"Failed checks threshold","value":"5","short":false}]}]}`},
		{"rocket error",
			Target{Type: "rocket", Address: "https://rocket.example.com/hooks/x", Username: "flagger", Channel: "general"},
			failed, "https://rocket.example.com/hooks/x", "", `{
			"channel":"general","username":"flagger","icon_url":"","icon_emoji":":rocket:",
			"attachments":[{"color":"#FF0000","author_name":"podinfo.test","text":"Failed checks threshold reached 5",
				"mrkdwn_in":["text"],"fields":[]}]}`},
		{"msteams message card", Target{Type: "msteams", Address: "https://example.webhook.office.com/webhookb2/x"},
			info, "https://example.webhook.office.com/webhookb2/x", "", `{
			"@type":"MessageCard","@context":"http://schema.org/extensions","themeColor":"0076D7",
			"summary":"podinfo.test","sections":[{"activityTitle":"New revision detected, progressing canary analysis.",
				"activitySubtitle":"podinfo.test","facts":[{"name":"Target","value":"Deployment/podinfo.test"},
					{"name":"Failed checks threshold","value":"5"}]}]}`},
		{"msteams error is red", Target{Type: "msteams", Address: "https://example.webhook.office.com/webhookb2/x"},
			failed, "https://example.webhook.office.com/webhookb2/x", "", `{
			"@type":"MessageCard","@context":"http://schema.org/extensions","themeColor":"FF0000",
			"summary":"podinfo.test","sections":[{"activityTitle":"Failed checks threshold reached 5",
				"activitySubtitle":"podinfo.test","facts":[]}]}`},
		{"google chat card", Target{Type: "gchat", Address: "https://chat.googleapis.com/v1/spaces/x/messages?key=k"},
			Message{Name: "podinfo", Namespace: "test", Text: "Canary is waiting for approval.", Fields: fields[:1], Severity: v1beta1.SeverityWarn},
			"https://chat.googleapis.com/v1/spaces/x/messages?key=k", "", `{"cards":[{
			"header":{"title":"Flagger","subtitle":"podinfo.test","imageUrl":"https://flagger.app/favicon.png"},
			"sections":[
				{"widgets":[{"textParagraph":{"text":"\u003cfont color=#848484\u003e\u003cstrong\u003eCanary is waiting for approval.\u003c/strong\u003e\u003c/font\u003e"}}]},
				{"widgets":[{"textParagraph":{"text":"Target\u003cbr\u003e\u003cfont color=#848484\u003e\u003cstrong\u003eDeployment/podinfo.test\u003c/strong\u003e\u003c/font\u003e"}}]}]}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Encode(tc.target, tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.Compact(&want, []byte(tc.want)); err != nil {
				t.Fatalf("the expected JSON is not JSON: %v", err)
			}
			if !bytes.Equal(p.Body, want.Bytes()) {
				t.Errorf("body:\n got %s\nwant %s", p.Body, want.Bytes())
			}
			if p.URL != tc.wantURL || p.Token != tc.wantToken {
				t.Errorf("posts to %q with token %q, want %q with %q", p.URL, p.Token, tc.wantURL, tc.wantToken)
			}
		})
	}
}

func TestDiscordEndpoint(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://discord.com/api/webhooks/1/abc", "https://discord.com/api/webhooks/1/abc/slack"},
		{"https://discord.com/api/webhooks/1/abc/", "https://discord.com/api/webhooks/1/abc/slack"},
		{"https://discord.com/api/webhooks/1/abc/slack", "https://discord.com/api/webhooks/1/abc/slack"},
		{"https://discord.com/api/webhooks/1/abc?wait=true", "https://discord.com/api/webhooks/1/abc/slack?wait=true"},
	}
	for _, tc := range tests {
		if got := discordEndpoint(tc.in); got != tc.want {
			t.Errorf("discordEndpoint(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name   string
		target Target
		want   string
	}{
		{"unknown type", Target{Type: "generic", Address: "https://example.com/"}, `"generic" is not one Flagger supports`},
		{"no address", Target{Type: "slack"}, "is not a URL"},
		{"relative address", Target{Type: "msteams", Address: "hooks/x"}, "is not a URL"},
	}
	for _, tc := range tests {
		_, err := Encode(tc.target, Message{Text: "x"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to say %q", tc.name, err, tc.want)
		}
	}
}
