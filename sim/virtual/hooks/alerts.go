// This file is the alert receiver: Slack, Rocket, Discord, MS Teams and
// Google Chat payloads read into one Delivery per alert, for the report.

package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// alertsPrefix is where the Canary's AlertProviders post, by type and name:
// /alerts/<type>/<provider>[/<what the notifier appends>].
const alertsPrefix = "/alerts/"

// Delivery is one alert the receiver got.
type Delivery struct {
	At       time.Duration // virtual time of arrival
	Type     string        // the provider type the URL names (slack, msteams, ...)
	Provider string        // the AlertProvider's name
	// Path is what the notifier appended to the provider's address
	// ("/slack" for Discord), empty when nothing.
	Path string
	// Text is the alert's message, read back from the payload; Err says how
	// the payload missed the provider's shape (it was then answered 400).
	Text string
	Err  string
}

// AlertURL is the address to give an AlertProvider of type typ, named name.
func (s *Server) AlertURL(typ, name string) string {
	return s.base + alertsPrefix + url.PathEscape(typ) + "/" + url.PathEscape(name)
}

// Deliveries returns every alert received, in order of arrival.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.alerts...)
}

// receiveAlert records one alert and answers as the provider would: 200
// for a payload in its shape, 400 otherwise.
func (s *Server) receiveAlert(w http.ResponseWriter, r *http.Request, rest string) {
	d := alertRoute(rest)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload))
	if err == nil {
		d.Text, err = readAlert(d, body)
	}
	if err != nil {
		d.Err = err.Error()
	}
	s.mu.Lock()
	d.At = s.now
	s.alerts = append(s.alerts, d)
	s.mu.Unlock()
	if err != nil {
		http.Error(w, "rehearse alert receiver: "+d.Err, http.StatusBadRequest)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

func alertRoute(rest string) Delivery {
	parts := strings.SplitN(rest, "/", 3)
	d := Delivery{Type: unescape(parts[0])}
	if len(parts) > 1 {
		d.Provider = unescape(parts[1])
	}
	if len(parts) > 2 {
		d.Path = "/" + unescape(parts[2])
	}
	return d
}

// readAlert reads the message out of a payload in d.Type's shape; each
// reader knows only the fields its provider needs, as the provider does.
func readAlert(d Delivery, body []byte) (string, error) {
	switch d.Type {
	case "slack", "rocket":
		return readSlack(body)
	case "discord":
		if d.Path != "/slack" {
			return "", errors.New("a Slack-shaped payload sent to a Discord webhook without the /slack suffix")
		}
		return readSlack(body)
	case "msteams":
		return readTeams(body)
	case "gchat":
		return readGChat(body)
	}
	return "", fmt.Errorf("no alert provider of type %q", d.Type)
}

func readSlack(body []byte) (string, error) {
	var p struct {
		Channel     string `json:"channel"`
		Text        string `json:"text"`
		Attachments []struct {
			Text  string `json:"text"`
			Color string `json:"color"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "", fmt.Errorf("not a Slack message: %w", err)
	}
	if len(p.Attachments) == 0 || p.Attachments[0].Text == "" {
		return p.Text, nonEmpty(p.Text, "a Slack message with neither text nor an attachment's text")
	}
	return p.Attachments[0].Text, nil
}

func readTeams(body []byte) (string, error) {
	var p struct {
		Type     string `json:"@type"`
		Sections []struct {
			ActivityTitle string `json:"activityTitle"`
		} `json:"sections"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "", fmt.Errorf("not an MS Teams card: %w", err)
	}
	if p.Type != "MessageCard" || len(p.Sections) == 0 {
		return "", fmt.Errorf("not an MS Teams MessageCard with a section (@type %q)", p.Type)
	}
	return p.Sections[0].ActivityTitle, nonEmpty(p.Sections[0].ActivityTitle, "an MS Teams card with no activityTitle")
}

// chatMarkup is the HTML subset Google Chat text paragraphs use.
var chatMarkup = regexp.MustCompile(`<[^>]*>`)

func readGChat(body []byte) (string, error) {
	var p struct {
		Cards []struct {
			Sections []struct {
				Widgets []struct {
					TextParagraph struct {
						Text string `json:"text"`
					} `json:"textParagraph"`
				} `json:"widgets"`
			} `json:"sections"`
		} `json:"cards"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "", fmt.Errorf("not a Google Chat card message: %w", err)
	}
	if len(p.Cards) == 0 || len(p.Cards[0].Sections) == 0 || len(p.Cards[0].Sections[0].Widgets) == 0 {
		return "", errors.New("a Google Chat message with no card section to show")
	}
	text := chatMarkup.ReplaceAllString(p.Cards[0].Sections[0].Widgets[0].TextParagraph.Text, "")
	return text, nonEmpty(text, "a Google Chat card whose first paragraph is empty")
}

func nonEmpty(s, what string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New(what)
	}
	return nil
}
