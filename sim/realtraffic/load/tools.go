// This file reads load-test commands other than hey (k6, ghz, wrk, vegeta,
// fortio, ab, jmeter, a curl loop...), which flagger-loadtester runs as any
// cmd task, for what the traffic model needs: the host, rate and duration.
// Rehearse never runs them.

package load

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultToolRate is the request rate rehearse assumes for a load test
// whose flags state none: the 2 workers × 10 requests/s of the hey command
// in Flagger's docs, so that a k6 or ghz test loads the canary about as the
// documented hey would.
const DefaultToolRate = 20.0

// Tool is a load-test command other than hey, as rehearse reads it.
type Tool struct {
	Name string // the program, by its base name: k6, ghz, wrk, curl...
	// Host is the host of the first URL (or gRPC host:port) the command
	// names; "" when it names none (a JMeter plan, a k6 script).
	Host string
	// Rate (requests per second) and Duration are what the command's own
	// flags state; 0 when they state none.
	Rate     float64
	Duration time.Duration
}

// toolFlags are, per tool, the flags that state a total request rate and
// a duration.
type toolFlags struct{ rate, duration []string }

var knownTools = map[string]toolFlags{
	"k6":      {rate: []string{"--rps"}, duration: []string{"--duration", "-d"}},
	"ghz":     {rate: []string{"--rps", "-r"}, duration: []string{"--duration", "-z"}},
	"wrk":     {duration: []string{"--duration", "-d"}},
	"wrk2":    {rate: []string{"--rate", "-R"}, duration: []string{"--duration", "-d"}},
	"vegeta":  {rate: []string{"-rate", "--rate"}, duration: []string{"-duration", "--duration"}},
	"fortio":  {rate: []string{"-qps"}, duration: []string{"-t"}},
	"ab":      {duration: []string{"-t"}},
	"siege":   {duration: []string{"--time", "-t"}},
	"jmeter":  {},
	"locust":  {duration: []string{"--run-time", "-t"}},
	"curl":    {},
	"wget":    {},
	"grpcurl": {},
}

// grpcTarget is a gRPC tool's target, host:port.
var grpcTarget = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[0-9]+$`)

// ParseTool reads a load-test command that is not hey: the first known
// tool it runs (possibly inside `sh -c` or a loop), the host it loads, and
// the rate and duration its flags state. A curl or wget loop with a
// `sleep N` sends one request every N seconds. It fails when the command
// runs no load-test tool rehearse knows.
func ParseTool(cmd string) (*Tool, error) {
	words, err := commandWords(cmd)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(words, func(w string) bool { _, ok := knownTools[path.Base(w)]; return ok })
	if i < 0 {
		return nil, fmt.Errorf("command %q runs no load-test tool rehearse knows (hey, k6, ghz, wrk, wrk2, vegeta, fortio, ab, siege, jmeter, locust, curl, wget, grpcurl)", clip(cmd))
	}
	t := &Tool{Name: path.Base(words[i]), Host: hostIn(words)}
	flags := knownTools[t.Name]
	args := words[i+1:]
	t.Rate = rateOf(flagValue(args, flags.rate))
	t.Duration = durationOf(flagValue(args, flags.duration))
	if (t.Name == "curl" || t.Name == "wget") && t.Rate == 0 {
		if s := durationOf(flagValue(words, []string{"sleep"})); s > 0 {
			t.Rate = 1 / s.Seconds()
		}
	}
	return t, nil
}

// maxNesting bounds how deep quoted scripts are read (sh -c "echo '...'").
const maxNesting = 3

// commandWords are the command's words, with those of quoted scripts
// (sh -c "...") read too.
func commandWords(cmd string) ([]string, error) { return nestedWords(cmd, maxNesting) }

func nestedWords(cmd string, depth int) ([]string, error) {
	words, err := tokenize(cmd, true)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range words {
		if depth == 0 || !strings.ContainsAny(w, " \t\n;|&") {
			out = append(out, w)
			continue
		}
		inner, err := nestedWords(w, depth-1)
		if err != nil {
			return nil, err
		}
		out = append(out, inner...)
	}
	return out, nil
}

// hostIn is the host of the first http(s) URL among the words, else the
// first gRPC host:port; "" when there is neither.
func hostIn(words []string) string {
	for _, w := range words {
		_, value, _ := strings.Cut(w, "=") // TARGET=http://..., --url=http://...
		for _, v := range []string{w, value} {
			if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "" {
				return u.Hostname()
			}
		}
	}
	for _, w := range words {
		if grpcTarget.MatchString(w) {
			return w[:strings.LastIndexByte(w, ':')]
		}
	}
	return ""
}

// flagValue is the value of the first of names among args, written as
// `-f v`, `-fv`, `--flag v` or `--flag=v`; "" when none is set.
func flagValue(args, names []string) string {
	for i, a := range args {
		for _, n := range names {
			switch {
			case a == n && i+1 < len(args):
				return args[i+1]
			case strings.HasPrefix(a, n+"="):
				return strings.TrimPrefix(a, n+"=")
			case len(n) == 2 && n[0] == '-' && n[1] != '-' && len(a) > 2 && strings.HasPrefix(a, n):
				return a[2:]
			}
		}
	}
	return ""
}

// rateOf reads a rate: 50, or vegeta's 50/s, 600/1m.
func rateOf(v string) float64 {
	num, per, hasPer := strings.Cut(v, "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 {
		return 0
	}
	if !hasPer {
		return n
	}
	if !strings.ContainsAny(per[:1], "0123456789") {
		per = "1" + per
	}
	d := durationOf(per)
	if d <= 0 {
		return 0
	}
	return n / d.Seconds()
}

// durationOf reads a duration: 1m, 30s, or a bare number of seconds.
func durationOf(v string) time.Duration {
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 0 {
		return time.Duration(n * float64(time.Second))
	}
	return 0
}
