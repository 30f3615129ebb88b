// This file is the stand-in server: one HTTP handler speaking each metrics
// provider's API, reachable in process through Transport.

package metricapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// Hosts the world points templates at. The .invalid top-level domain never
// resolves, so nothing meant for a stand-in can leave the machine.
const hostSuffix = ".metrics.rehearse.invalid"

// Server is every stand-in of one rehearsal, over one Recorder.
type Server struct {
	Recorder *Recorder
	names    Names
	now      func() time.Time
	apis     map[string]http.Handler // by provider type

	mu    sync.Mutex
	notes []string
}

// New builds the stand-ins for a Canary's names. now is the rehearsal's
// clock: APIs that take a relative window ("SINCE 60 seconds ago",
// from=-10min) place it by their own clock, as the real ones do.
func New(names Names, now func() time.Time) *Server {
	s := &Server{Recorder: &Recorder{}, names: names, now: now}
	s.apis = map[string]http.Handler{
		metrics.ProviderDatadog:    http.HandlerFunc(s.datadog),
		metrics.ProviderNewRelic:   http.HandlerFunc(s.newRelic),
		metrics.ProviderGraphite:   http.HandlerFunc(s.graphite),
		metrics.ProviderDynatrace:  http.HandlerFunc(s.dynatrace),
		metrics.ProviderCloudWatch: http.HandlerFunc(s.cloudWatch),
	}
	return s
}

// Serves is true for the provider types a stand-in answers.
func Serves(providerType string) bool {
	switch providerType {
	case metrics.ProviderDatadog, metrics.ProviderNewRelic, metrics.ProviderGraphite, metrics.ProviderDynatrace, metrics.ProviderCloudWatch:
		return true
	}
	return false
}

// Address is where a template of the type is pointed: the stand-in's host,
// keeping the path of the address the template gives (a Graphite served
// under /graphite stays there). CloudWatch's address is ignored by
// Flagger; its regional endpoint is routed instead.
func Address(providerType, address string) string {
	path := ""
	if i := strings.Index(address, "://"); i >= 0 {
		if j := strings.IndexByte(address[i+3:], '/'); j >= 0 {
			path = strings.TrimSuffix(address[i+3+j:], "/")
		}
	}
	return "http://" + providerType + hostSuffix + path
}

// Secret is the data of a stand-in secret for a template whose secretRef
// names a Secret the manifests do not hold (teams keep secrets out of
// Git): the keys Flagger's provider reads, with placeholder values.
func Secret(providerType string) map[string][]byte {
	keys := map[string][]string{
		metrics.ProviderDatadog:   {"datadog_api_key", "datadog_application_key"},
		metrics.ProviderNewRelic:  {"newrelic_account_id", "newrelic_query_key"},
		metrics.ProviderGraphite:  {"username", "password"},
		metrics.ProviderDynatrace: {"dynatrace_token"},
	}[providerType]
	out := map[string][]byte{}
	for _, k := range keys {
		out[k] = []byte("rehearsal")
	}
	if providerType == metrics.ProviderNewRelic {
		out["newrelic_account_id"] = []byte("1")
	}
	return out
}

// Credentials are the AWS credentials the rehearsal signs CloudWatch
// requests with.
var Credentials = metrics.AWSCredentials{AccessKeyID: "AKIAREHEARSAL", SecretAccessKey: "rehearsal"}

// Observe records what role served in (from, to]; a nil Server records
// nothing.
func (s *Server) Observe(role traffic.Role, from, to time.Time, iv traffic.Interval) {
	if s != nil {
		s.Recorder.Observe(role, from, to, iv)
	}
}

// Transport routes requests for the stand-ins' hosts (and CloudWatch's
// regional endpoints) to them in the same process, and every other one to
// next.
func (s *Server) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if s == nil {
		return next
	}
	return routed{s: s, next: next}
}

type routed struct {
	s    *Server
	next http.RoundTripper
}

func (r routed) RoundTrip(req *http.Request) (*http.Response, error) {
	h := r.s.handlerFor(req.URL.Hostname())
	if h == nil {
		return r.next.RoundTrip(req)
	}
	in := req.Clone(req.Context())
	if req.Body != nil {
		defer req.Body.Close()
	}
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

func (s *Server) handlerFor(host string) http.Handler {
	if t, ok := strings.CutSuffix(host, hostSuffix); ok {
		return s.apis[t]
	}
	if strings.HasPrefix(host, "monitoring.") && (strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn")) {
		return s.apis[metrics.ProviderCloudWatch]
	}
	return nil
}

// Notes are the queries the stand-ins could not map, once each, in the
// order they were first asked.
func (s *Server) Notes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.notes...)
}

func (s *Server) note(provider, query string, err error) {
	n := NoteFor(provider, query, err)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.notes {
		if x == n {
			return
		}
	}
	s.notes = append(s.notes, n)
}

// NoteFor says that a query cannot be rehearsed, and why.
func NoteFor(provider, query string, err error) string {
	return fmt.Sprintf("cannot produce %s data `%s` (%v)", provider, oneLine(query), err)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ErrUnmapped marks a query the stand-in parsed but cannot answer from the
// traffic model.
var ErrUnmapped = errors.New("not rehearsable")

func isUnmapped(err error) bool { return errors.Is(err, ErrUnmapped) }

// IsUnmapped is true for Check's answer about a query a stand-in parses
// but cannot answer from the traffic model.
func IsUnmapped(err error) bool { return isUnmapped(err) }

// unmappedError is an ErrUnmapped with its reason, which is all it says.
type unmappedError struct{ reason string }

func (e unmappedError) Error() string        { return e.reason }
func (e unmappedError) Is(target error) bool { return target == ErrUnmapped }

func unmapped(format string, args ...any) error {
	return unmappedError{reason: fmt.Sprintf(format, args...)}
}

// Check says whether a stand-in can answer a rendered query (nil), why
// not (an error wrapping ErrUnmapped), or why the API would refuse it.
func Check(providerType, query string, names Names) error {
	switch providerType {
	case metrics.ProviderDatadog:
		_, err := compileDatadog(query, names)
		return err
	case metrics.ProviderNewRelic:
		_, err := compileNRQL(query, names)
		return err
	case metrics.ProviderGraphite:
		_, err := compileGraphite(query, names)
		return err
	case metrics.ProviderDynatrace:
		_, err := compileDynatrace(query, names)
		return err
	case metrics.ProviderCloudWatch:
		qs, err := metrics.ParseMetricDataQueries(query)
		if err != nil {
			return err
		}
		_, err = compileCloudWatch(qs, names)
		return err
	}
	return fmt.Errorf("no stand-in answers provider type %q", providerType)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func readBody(r *http.Request) string {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	return string(b)
}
