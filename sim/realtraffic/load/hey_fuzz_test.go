// This file fuzzes ParseHey: it never panics, and what it accepts loads an
// http(s) URL with a host and keeps shell syntax only inside quotes.

package load

import (
	"strings"
	"testing"
)

// shellSyntax are the characters a shell would act on outside quotes.
const shellSyntax = "|&;<>()$`"

// FuzzParseHey: ParseHey never panics; what it accepts loads an http(s)
// URL with a host; a command with no quoting at all is refused whenever it
// holds shell syntax, and an accepted command keeps shell syntax only
// inside quotes or escapes, where it is text.
func FuzzParseHey(f *testing.F) {
	for _, cmd := range []string{
		"hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/",
		"hey -z 1m -q 5 -c 2 -m POST -d '{\"a\": 1}' -H 'Content-Type: application/json' http://podinfo-canary.test/api/echo",
		"/usr/local/bin/hey -t 5 -disable-keepalive -h2 http://x/",
		"hey -n 100 -c 5 -host example.com https://[::1]:8443/?a=b",
		"hey -z 1m http://x/; rm -rf /",
		`hey -z 1m "http://x/?a=1&b=2"`,
		`hey -z 1m http://x/\;id`,
		"hey -z 1m http://:80/",
		"hey -z 1m http://user:pass@/",
	} {
		f.Add(cmd)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		h, err := ParseHey(cmd)
		if err != nil {
			if h != nil {
				t.Fatalf("%q: a command and an error", cmd)
			}
			return
		}
		checkAccepted(t, cmd, h)
	})
}

func checkAccepted(t *testing.T, cmd string, h *Hey) {
	t.Helper()
	switch {
	case h.URL == nil:
		t.Fatalf("%q: accepted without a URL", cmd)
	case h.URL.Scheme != "http" && h.URL.Scheme != "https":
		t.Fatalf("%q: accepted scheme %q", cmd, h.URL.Scheme)
	case h.URL.Hostname() == "":
		t.Fatalf("%q: accepted a URL with no host: %s", cmd, h.URL)
	case !strings.ContainsAny(cmd, `'"\`) && strings.ContainsAny(cmd, shellSyntax):
		t.Fatalf("%q: shell syntax outside quotes accepted", cmd)
	case h.Concurrency < 1 || (h.Duration <= 0 && h.Requests < h.Concurrency):
		t.Fatalf("%q: accepted %d requests over %d workers", cmd, h.Requests, h.Concurrency)
	}
}
