// This file shapes a message into one HTTP post per provider type (Slack, Teams, Discord, Rocket,
// Google Chat): the URL and the JSON body, refusing a target it cannot shape.

package notify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Target is an AlertProvider resolved for one post: its type, where to
// post, and the defaults Flagger fills in (username flagger, channel
// general).
type Target struct {
	Type     string
	Address  string
	Token    string // from the Secret's token key; only Slack sends it
	Username string
	Channel  string
	Proxy    string
}

// Post is one HTTP request an alert becomes.
type Post struct {
	URL  string
	Body []byte
	// Token, when set, goes in an Authorization: Bearer header.
	Token string
}

// Encode shapes message m for target t: the URL to post to and the JSON
// body, in the provider's own format.
func Encode(t Target, m Message) (Post, error) {
	enc, ok := encoders[t.Type]
	if !ok {
		return Post{}, fmt.Errorf("alert provider type %q is not one Flagger supports: use one of %s",
			t.Type, strings.Join(v1beta1.AlertProviderTypes, ", "))
	}
	if _, err := url.ParseRequestURI(t.Address); err != nil {
		return Post{}, fmt.Errorf("%s hook URL %q is not a URL: give the AlertProvider's address (or its Secret's address key) as https://…", t.Type, t.Address)
	}
	body, err := json.Marshal(enc.body(t, m))
	if err != nil {
		return Post{}, fmt.Errorf("encoding the %s payload: %w", t.Type, err)
	}
	p := Post{URL: t.Address, Body: body}
	if enc.endpoint != nil {
		p.URL = enc.endpoint(t.Address)
	}
	if enc.bearer {
		p.Token = t.Token
	}
	return p, nil
}

// encoder is one provider's payload shape.
type encoder struct {
	body func(Target, Message) any
	// endpoint rewrites the hook URL; nil keeps it.
	endpoint func(string) string
	// bearer: the Secret's token is sent (Slack's bot-token posting).
	bearer bool
}

var encoders = map[string]encoder{
	"slack":   {body: slackBody("good", "danger"), bearer: true},
	"discord": {body: slackBody("good", "danger"), endpoint: discordEndpoint},
	"rocket":  {body: slackBody("#0076D7", "#FF0000")},
	"msteams": {body: teamsBody},
	"gchat":   {body: gchatBody},
}

// Slack's incoming-webhook message with one attachment; Discord's Slack
// compatible endpoint and Rocket.Chat take the same shape. icon_url is
// always written, empty.
type slackMessage struct {
	Channel     string            `json:"channel"`
	Username    string            `json:"username"`
	IconURL     string            `json:"icon_url"`
	IconEmoji   string            `json:"icon_emoji"`
	Text        string            `json:"text,omitempty"`
	Attachments []slackAttachment `json:"attachments,omitempty"`
}

type slackAttachment struct {
	Color      string       `json:"color"`
	AuthorName string       `json:"author_name"`
	Text       string       `json:"text"`
	MrkdwnIn   []string     `json:"mrkdwn_in"`
	Fields     []slackField `json:"fields"`
}

type slackField struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

// slackBody colours the attachment with ok, or with bad for an error.
func slackBody(ok, bad string) func(Target, Message) any {
	return func(t Target, m Message) any {
		fields := make([]slackField, 0, len(m.Fields))
		for _, f := range m.Fields {
			fields = append(fields, slackField{Title: f.Name, Value: f.Value})
		}
		color := ok
		if m.Severity == v1beta1.SeverityError {
			color = bad
		}
		return slackMessage{Channel: t.Channel, Username: t.Username, IconEmoji: ":rocket:",
			Attachments: []slackAttachment{{Color: color, AuthorName: m.subject(), Text: m.Text,
				MrkdwnIn: []string{"text"}, Fields: fields}}}
	}
}

// discordEndpoint appends /slack to a Discord webhook URL that lacks it:
// Discord then reads the Slack shape.
func discordEndpoint(address string) string {
	if strings.HasSuffix(address, "/slack") {
		return address
	}
	u, err := url.Parse(address)
	if err != nil {
		return address // Encode has checked it already
	}
	u.Path = path.Join(u.Path, "slack")
	return u.String()
}

// An Office 365 connector MessageCard (not an Adaptive Card).
type teamsCard struct {
	Type       string         `json:"@type"`
	Context    string         `json:"@context"`
	ThemeColor string         `json:"themeColor"`
	Summary    string         `json:"summary"`
	Sections   []teamsSection `json:"sections"`
}

type teamsSection struct {
	ActivityTitle    string      `json:"activityTitle"`
	ActivitySubtitle string      `json:"activitySubtitle"`
	Facts            []teamsFact `json:"facts"`
}

type teamsFact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func teamsBody(_ Target, m Message) any {
	facts := make([]teamsFact, 0, len(m.Fields))
	for _, f := range m.Fields {
		facts = append(facts, teamsFact(f))
	}
	color := "0076D7"
	if m.Severity == v1beta1.SeverityError {
		color = "FF0000"
	}
	return teamsCard{Type: "MessageCard", Context: "http://schema.org/extensions", ThemeColor: color,
		Summary: m.subject(), Sections: []teamsSection{{ActivityTitle: m.Text, ActivitySubtitle: m.subject(), Facts: facts}}}
}

// A Google Chat card: a header, then one section with the message and one
// section per field, each a single text paragraph in Chat's HTML subset.
type gchatMessage struct {
	Cards []gchatCard `json:"cards"`
}

type gchatCard struct {
	Header   gchatHeader    `json:"header"`
	Sections []gchatSection `json:"sections"`
}

type gchatHeader struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
	ImageURL string `json:"imageUrl"`
}

type gchatSection struct {
	Widgets []gchatWidget `json:"widgets"`
}

type gchatWidget struct {
	TextParagraph gchatText `json:"textParagraph"`
}

type gchatText struct {
	Text string `json:"text"`
}

// gchatGrey is how the card sets values apart from their labels.
const gchatGrey = "<font color=#848484><strong>%s</strong></font>"

func gchatBody(_ Target, m Message) any {
	sections := []gchatSection{paragraph(fmt.Sprintf(gchatGrey, m.Text))}
	for _, f := range m.Fields {
		sections = append(sections, paragraph(f.Name+"<br>"+fmt.Sprintf(gchatGrey, f.Value)))
	}
	return gchatMessage{Cards: []gchatCard{{
		Header:   gchatHeader{Title: "Flagger", Subtitle: m.subject(), ImageURL: "https://flagger.app/favicon.png"},
		Sections: sections,
	}}}
}

func paragraph(text string) gchatSection {
	return gchatSection{Widgets: []gchatWidget{{TextParagraph: gchatText{Text: text}}}}
}
