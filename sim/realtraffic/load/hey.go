// Package load models and runs load tests. A loadtester webhook carries a
// hey command line in its metadata; it is parsed here, field by field, and
// never handed to a shell.
package load

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Hey is a parsed hey command line.
type Hey struct {
	Requests    int           // -n, total requests (ignored when Duration is set)
	Concurrency int           // -c, workers (default 50)
	QPS         float64       // -q, rate limit per worker; 0 means no limit
	Duration    time.Duration // -z
	Timeout     time.Duration // -t, per request (default 20s)
	Method      string        // -m (default GET)
	Headers     []string      // -H, repeatable "Name: value"
	Body        string        // -d
	ContentType string        // -T
	Host        string        // -host
	URL         *url.URL
}

// flags that take a value, and what each sets.
var heyFlags = map[string]func(*Hey, string) error{
	"-n":    func(h *Hey, v string) error { return atoi(v, &h.Requests) },
	"-c":    func(h *Hey, v string) error { return atoi(v, &h.Concurrency) },
	"-q":    func(h *Hey, v string) error { return atof(v, &h.QPS) },
	"-z":    func(h *Hey, v string) error { return dur(v, &h.Duration) },
	"-t":    func(h *Hey, v string) error { return secs(v, &h.Timeout) },
	"-m":    func(h *Hey, v string) error { h.Method = strings.ToUpper(v); return nil },
	"-H":    func(h *Hey, v string) error { h.Headers = append(h.Headers, v); return nil },
	"-d":    func(h *Hey, v string) error { h.Body = v; return nil },
	"-T":    func(h *Hey, v string) error { h.ContentType = v; return nil },
	"-host": func(h *Hey, v string) error { h.Host = v; return nil },
	"-A":    func(*Hey, string) error { return nil },
	"-a":    func(*Hey, string) error { return nil },
	"-x":    func(*Hey, string) error { return nil },
	"-cpus": func(*Hey, string) error { return nil },
	"-o":    func(*Hey, string) error { return nil },
}

// boolean flags hey accepts, which change nothing in a rehearsal.
var heyBools = map[string]bool{"-h2": true, "-disable-compression": true, "-disable-keepalive": true, "-disable-redirects": true}

// ParseHey parses a command such as `hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/`.
// Anything that is not a hey command is refused: rehearse never runs
// commands from webhook metadata through a shell. The Hey is the caller's
// own, to change as it likes.
//
// A command is parsed once a process (see parsedHeys): a sweep rehearses
// the same Canary, and so the same command, thousands of times, and its
// parse was a hundredth of a rehearsal's CPU.
func ParseHey(cmd string) (*Hey, error) {
	if p, ok := parsedHeys.Load(cmd); ok {
		return p.(heyParse).get()
	}
	h, err := parseHey(cmd)
	if parsedHeyCount.Add(1) <= maxParsedHeys {
		parsedHeys.Store(cmd, heyParse{h: h, err: err})
	}
	if err != nil {
		return nil, err
	}
	return h.clone(), nil
}

// parsedHeys remembers the parse of each command, by its text, up to
// maxParsedHeys commands: a parse is a function of the text alone, and
// each caller gets a copy of the Hey remembered, which nobody changes.
var (
	parsedHeys     sync.Map // string → heyParse
	parsedHeyCount atomic.Int64
)

const maxParsedHeys = 1024

type heyParse struct {
	h   *Hey
	err error
}

func (p heyParse) get() (*Hey, error) {
	if p.err != nil {
		return nil, p.err
	}
	return p.h.clone(), nil
}

// clone is a copy of h that shares nothing a caller could change in it.
func (h *Hey) clone() *Hey {
	c := *h
	c.Headers = slices.Clone(h.Headers)
	if h.URL != nil {
		u := *h.URL
		c.URL = &u
	}
	return &c
}

func parseHey(cmd string) (*Hey, error) {
	args, err := split(cmd)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 || (args[0] != "hey" && !strings.HasSuffix(args[0], "/hey")) {
		return nil, fmt.Errorf("command %q is not a hey command: rehearse only runs hey load tests, in-process", clip(cmd))
	}
	h := &Hey{Concurrency: 50, Method: "GET", Timeout: 20 * time.Second}
	if err := h.parseArgs(args[1:]); err != nil {
		return nil, fmt.Errorf("hey command %q: %w", clip(cmd), err)
	}
	return h, nil
}

func (h *Hey) parseArgs(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if set, ok := heyFlags[a]; ok {
			if i+1 >= len(args) {
				return fmt.Errorf("flag %s needs a value", a)
			}
			if err := set(h, args[i+1]); err != nil {
				return fmt.Errorf("flag %s: %w", a, err)
			}
			i++
			continue
		}
		if heyBools[a] {
			continue
		}
		if strings.HasPrefix(a, "-") {
			return fmt.Errorf("unknown flag %s", a)
		}
		if h.URL != nil {
			return fmt.Errorf("more than one URL (%s)", a)
		}
		u, err := url.Parse(a)
		if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("%q is not an http(s) URL with a host", a)
		}
		h.URL = u
	}
	return h.check()
}

func (h *Hey) check() error {
	switch {
	case h.URL == nil:
		return fmt.Errorf("no URL to load")
	case h.Concurrency < 1:
		return fmt.Errorf("-c must be at least 1")
	case h.Duration <= 0 && h.Requests <= 0:
		h.Requests = 200 // hey's default
	case h.Duration <= 0 && h.Requests < h.Concurrency:
		return fmt.Errorf("-n (%d) cannot be less than -c (%d)", h.Requests, h.Concurrency)
	}
	return nil
}

// Rate is the request rate the command asks for, in requests per second;
// unlimited (0) when no -q is set.
func (h *Hey) Rate() float64 { return h.QPS * float64(h.Concurrency) }

// split breaks a command line into words, honouring single and double
// quotes and backslash escapes, as a shell would, without running one.
// Shell syntax (pipes, lists, substitutions) is refused.
func split(s string) ([]string, error) { return tokenize(s, false) }

// tokenize splits as split does; lenient, an unquoted shell operator only
// ends a word, for commands rehearse reads and never runs.
func tokenize(s string, lenient bool) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quote := false, rune(0)
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '\'' || r == '"'):
			quote, inWord = r, true
		case r == '\\' && quote != '\'' && i+1 < len(runes):
			i++
			cur.WriteRune(runes[i])
			inWord = true
		case quote == 0 && !lenient && strings.ContainsRune("|&;<>()$`", r):
			return nil, fmt.Errorf("command %q uses shell syntax (%q): rehearse runs no shell", clip(s), r)
		case quote == 0 && strings.ContainsRune(" \t\n|&;<>()`", r):
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("command %q has an unclosed quote", clip(s))
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

func atoi(v string, out *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a non-negative whole number", v)
	}
	*out = n
	return nil
}

func atof(v string, out *float64) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return fmt.Errorf("%q is not a non-negative number", v)
	}
	*out = f
	return nil
}

func dur(v string, out *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is not a duration like 30s or 1m", v)
	}
	*out = d
	return nil
}

func secs(v string, out *time.Duration) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a whole number of seconds", v)
	}
	*out = time.Duration(n) * time.Second
	return nil
}
