// This file tests reading hey command lines: the flags, and the commands
// refused (other programs, shell syntax, bad values).

package load

import (
	"strings"
	"testing"
	"time"
)

func TestParseHey(t *testing.T) {
	cases := []struct {
		cmd  string
		want Hey
		url  string
	}{
		{"hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/", Hey{Duration: time.Minute, QPS: 10, Concurrency: 2, Method: "GET", Timeout: 20 * time.Second}, "http://podinfo-canary.test:9898/"},
		{`hey -n 100 -c 5 -m post -H "Content-Type: application/json" -d '{"a": 1}' http://x/api`, Hey{Requests: 100, Concurrency: 5, Method: "POST", Headers: []string{"Content-Type: application/json"}, Body: `{"a": 1}`, Timeout: 20 * time.Second}, "http://x/api"},
		{"/usr/local/bin/hey -t 5 -disable-keepalive http://x/", Hey{Requests: 200, Concurrency: 50, Method: "GET", Timeout: 5 * time.Second}, "http://x/"},
	}
	for _, c := range cases {
		h, err := ParseHey(c.cmd)
		if err != nil {
			t.Fatalf("%s: %v", c.cmd, err)
		}
		if h.URL.String() != c.url {
			t.Errorf("%s: url %s, want %s", c.cmd, h.URL, c.url)
		}
		h.URL = nil
		if h.Duration != c.want.Duration || h.QPS != c.want.QPS || h.Concurrency != c.want.Concurrency || h.Requests != c.want.Requests ||
			h.Method != c.want.Method || h.Body != c.want.Body || h.Timeout != c.want.Timeout || strings.Join(h.Headers, "|") != strings.Join(c.want.Headers, "|") {
			t.Errorf("%s: got %+v, want %+v", c.cmd, *h, c.want)
		}
	}
}

func TestParseHeyRefuses(t *testing.T) {
	cases := map[string]string{
		"curl http://x/":                 "not a hey command",
		"hey -z 1m http://x/; rm -rf /":  "shell syntax",
		"hey -z 1m http://x/ && echo hi": "shell syntax",
		"hey -z $(whoami) http://x/":     "shell syntax",
		"hey -z 1m `id` http://x/":       "shell syntax",
		"hey -z 1m":                      "no URL",
		"hey -z banana http://x/":        "not a duration",
		"hey -q -5 http://x/":            "non-negative",
		"hey -c 0 -z 1m http://x/":       "-c must be at least 1",
		"hey -n 2 -c 5 http://x/":        "cannot be less than -c",
		"hey --bogus http://x/":          "unknown flag",
		"hey -z 1m ftp://x/":             "not an http(s) URL",
		"hey -z 1m 'http://x/":           "unclosed quote",
		"hey -z 1m http://x/ http://y/":  "more than one URL",
		"hey -z":                         "needs a value",
		"":                               "not a hey command",
		"hey -z 1m http://x/ > /tmp/out": "shell syntax",
		"bash -c 'hey -z 1m http://x/'":  "not a hey command",
	}
	for cmd, want := range cases {
		_, err := ParseHey(cmd)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseHey(%q) = %v, want an error containing %q", cmd, err, want)
		}
	}
}

func TestRate(t *testing.T) {
	h, _ := ParseHey("hey -z 1m -q 10 -c 2 http://x/")
	if h.Rate() != 20 {
		t.Errorf("Rate = %v, want 20", h.Rate())
	}
}

// TestParseHeyRemembered: a command parsed again gives the same Hey (or
// the same refusal), and each caller's Hey is its own: changing one
// changes neither the parse remembered nor another caller's.
func TestParseHeyRemembered(t *testing.T) {
	const cmd = `hey -z 1m -q 10 -c 2 -H "X-A: 1" http://podinfo-canary.test:9898/`
	first, err := ParseHey(cmd)
	if err != nil {
		t.Fatal(err)
	}
	want := *first
	wantURL := first.URL.String()
	first.Headers[0], first.URL.Host, first.QPS = "X-B: 2", "elsewhere", 99
	for range 2 {
		again, err := ParseHey(cmd)
		if err != nil {
			t.Fatal(err)
		}
		if again == first || again.URL == first.URL || again.URL.String() != wantURL || again.QPS != want.QPS ||
			strings.Join(again.Headers, "|") != "X-A: 1" {
			t.Errorf("parsed again: %+v (url %s), want a new copy of the first parse (url %s)", *again, again.URL, wantURL)
		}
		again.Headers = append(again.Headers, "X-C: 3")
	}
	for range 2 {
		if _, err := ParseHey("hey -z banana http://x/"); err == nil || !strings.Contains(err.Error(), "not a duration") {
			t.Errorf("a refused command parsed again: %v, want its refusal", err)
		}
	}
}
