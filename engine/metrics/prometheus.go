// This file is the Prometheus client: configuration and credentials checked as Flagger does,
// instant queries at an explicit evaluation time, and errors that never show a secret.

package metrics

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"sync"
	"time"
)

// Errors a query can end with, for errors.Is.
var (
	// ErrNoValuesFound means the query matched no series or gave NaN: in
	// Flagger's words, the canary is probably not receiving traffic.
	ErrNoValuesFound = errors.New("no values found")
	// ErrMultipleValuesReturned means the query returned a range vector.
	ErrMultipleValuesReturned = errors.New("query returned a range vector; write an instant query")
)

// Flagger's Prometheus defaults.
const (
	DefaultTimeout = 5 * time.Second
	onlineQuery    = "vector(1)"
	maxBody        = 16 << 20
	maxSnippet     = 256
)

// PrometheusConfig says where a Prometheus API is and how to reach it.
type PrometheusConfig struct {
	// Address is the base URL; the API path is joined to its path.
	Address string
	// Timeout bounds each query; DefaultTimeout when zero.
	Timeout time.Duration
	// Headers are sent with every query.
	Headers map[string][]string
	// Credentials are a Secret's data: "token" for a bearer token, else
	// "username" and "password" for basic auth. Nil means no secretRef.
	Credentials map[string][]byte
	// InsecureSkipVerify skips TLS verification; it only applies when
	// Client is nil (a caller's client is used as it is).
	InsecureSkipVerify bool
	// Client is used when set, so callers can share connections.
	Client *http.Client
}

// Prometheus runs instant queries against one Prometheus HTTP API. It is
// safe for concurrent use.
type Prometheus struct {
	endpoint string
	// request is a GET of endpoint with the header, which every query's
	// request copies: building one anew parsed the endpoint each time.
	request *http.Request
	timeout time.Duration
	client  *http.Client
	// params remembers each query text's escaped parameter.
	params escapedQueries
}

// NewPrometheus checks the configuration and builds a client. Credentials
// are validated as Flagger does: a token wins; otherwise both a username and
// a password are required.
func NewPrometheus(cfg PrometheusConfig) (*Prometheus, error) {
	endpoint, err := queryEndpoint(cfg.Address)
	if err != nil {
		return nil, err
	}
	header, err := requestHeader(cfg.Headers, cfg.Credentials)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("building the prometheus request for %s: %w", redactAddress(cfg.Address), err)
	}
	req.Header = header
	return &Prometheus{endpoint: endpoint, request: req, timeout: timeoutOrDefault(cfg.Timeout),
		client: httpClient(cfg)}, nil
}

func timeoutOrDefault(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}

// queryEndpoint joins /api/v1/query to the address's path, as Flagger does,
// so a Prometheus served under a prefix keeps it.
func queryEndpoint(address string) (string, error) {
	u, err := url.Parse(address)
	if err != nil || address == "" || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("prometheus address %q is not an http(s) URL: set it like http://prometheus.istio-system:9090",
			redactAddress(address))
	}
	u.Path = path.Join("/", u.Path, "api/v1/query")
	u.RawQuery, u.Fragment, u.RawPath = "", "", ""
	return u.String(), nil
}

// redactAddress hides a password written into an address.
func redactAddress(address string) string {
	if u, err := url.Parse(address); err == nil {
		return u.Redacted()
	}
	return "(unparsable)"
}

// requestHeader is built once and shared read-only by every request:
// net/http does not modify a request's header while sending it.
func requestHeader(headers map[string][]string, creds map[string][]byte) (http.Header, error) {
	h := http.Header{}
	for k, vs := range headers {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	auth, err := authorization(creds)
	if err != nil {
		return nil, err
	}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	return h, nil
}

// authorization follows Flagger: with a secret, "token" means a bearer
// token; otherwise username and password are both required. Empty values
// send nothing, as in Flagger. Errors name keys, never values.
func authorization(creds map[string][]byte) (string, error) {
	if creds == nil {
		return "", nil
	}
	if token, ok := creds["token"]; ok {
		return prefixed("Bearer ", string(token)), nil
	}
	user, okUser := creds["username"]
	pass, okPass := creds["password"]
	switch {
	case !okUser:
		return "", errors.New("prometheus credentials have no \"username\" key: add username and password, or a token, to the secret")
	case !okPass:
		return "", errors.New("prometheus credentials have no \"password\" key: add it to the secret")
	case len(user) == 0 || len(pass) == 0:
		return "", nil
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(string(user)+":"+string(pass))), nil
}

func prefixed(prefix, v string) string {
	if v == "" {
		return ""
	}
	return prefix + v
}

// sharedClient is used when a caller brings no client: one pool of idle
// connections for every Prometheus, sized for many queries a second.
var sharedClient = &http.Client{Transport: tunedTransport(false)}

func tunedTransport(insecure bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	if insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for it
	}
	return t
}

func httpClient(cfg PrometheusConfig) *http.Client {
	switch {
	case cfg.Client != nil:
		return cfg.Client
	case cfg.InsecureSkipVerify:
		return &http.Client{Transport: tunedTransport(true)}
	}
	return sharedClient
}

// RunQuery runs an instant query evaluated at the given time and returns one
// number. Flagger's rules: whitespace is collapsed; with several series the
// last one wins; no series, or NaN, is ErrNoValuesFound; a range vector is
// an error. Unlike Flagger, a scalar result is accepted as the value.
//
// The explicit evaluation time is rehearse's deliberate difference from
// Flagger, which always evaluates at "now": rehearse runs in virtual time.
func (p *Prometheus) RunQuery(ctx context.Context, query string, at time.Time) (float64, error) {
	buf := answerBuffers.Get().(*[]byte)
	defer putAnswerBuffer(buf)
	body, err := p.get(ctx, query, at, (*buf)[:0])
	*buf = body
	if err != nil {
		return 0, err
	}
	return decodeValue(body)
}

// answerBuffers recycles the buffers answers are read into: decodeValue
// keeps nothing of a body (its errors quote a copy), and reading each
// answer into a new one, grown from 512 bytes, was a query's largest
// allocation on the client's side.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func putAnswerBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 { // let the odd huge answer go
		answerBuffers.Put(b)
	}
}

// IsOnline runs Flagger's probe, vector(1), and expects 1.
func (p *Prometheus) IsOnline(ctx context.Context, at time.Time) (bool, error) {
	v, err := p.RunQuery(ctx, onlineQuery, at)
	if err != nil {
		return false, fmt.Errorf("prometheus is not answering %s: %w", onlineQuery, err)
	}
	if v != 1 {
		return false, fmt.Errorf("prometheus answered %v to %s, not 1", v, onlineQuery)
	}
	return true, nil
}

// get sends the query, its white space collapsed, and reads the answer's
// body into buf, which it returns (grown as needed) with the body, also on
// an error.
func (p *Prometheus) get(ctx context.Context, query string, at time.Time, buf []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.send(p.newRequest(ctx, query, at))
	if err != nil {
		return buf, fmt.Errorf("prometheus query failed (is the address right and the server up?): %w", err)
	}
	defer resp.Body.Close()
	return readAnswer(resp, buf)
}

// InProcessTransport is a RoundTripper that answers in the caller's
// process (a simulation's synthetic Prometheus) and promises what makes an
// http.Client around it a no-op: it never answers with a Location header,
// so no redirect is followed, nor with cookies, and it never returns both
// an answer and an error, nor an answer without a Body. The promise and its
// method are webhook.InProcessTransport's, so one transport may make both.
// The client then hands it the request itself: the client's header copies
// for redirects were a check's largest allocations on the client's side.
type InProcessTransport interface {
	http.RoundTripper
	// AnswersInProcess marks the promise above.
	AnswersInProcess()
}

// send is p.client.Do(req). To an InProcessTransport, behind a client
// with nothing of its own to add (no cookie jar, redirect policy or
// timeout) and a URL without user info, it sends req straight, and wraps
// an error as Do does: a *url.Error naming the method and the URL.
// TestInProcessSendMatchesClientDo holds the two paths to the same answers.
func (p *Prometheus) send(req *http.Request) (*http.Response, error) {
	c := p.client
	tr, direct := c.Transport.(InProcessTransport)
	if !direct || c.Jar != nil || c.CheckRedirect != nil || c.Timeout != 0 || req.URL.User != nil {
		return c.Do(req)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: err}
	}
	return resp, nil
}

// newRequest is http.NewRequestWithContext(ctx, GET, endpoint?query=…&time=…)
// with the header set, for the query with its white space collapsed: a
// copy of the request NewPrometheus built, with a copy of its URL given
// the query's parameters.
func (p *Prometheus) newRequest(ctx context.Context, query string, at time.Time) *http.Request {
	req := p.request.WithContext(ctx)
	u := *p.request.URL
	var buf [512]byte
	u.RawQuery = string(appendEvalTime(append(buf[:0], p.params.of(query)...), at))
	req.URL = &u
	return req
}

// appendQueryParams writes what url.Values{"query": ..., "time": ...}.Encode()
// does, in its order, without building the map (and three strings) for
// each query.
func appendQueryParams(b []byte, query string, at time.Time) []byte {
	// The time is digits, a point and maybe a minus: nothing to escape.
	return appendEvalTime(appendQueryParam(b, query), at)
}

// appendQueryParam writes the parameters up to the time's value.
func appendQueryParam(b []byte, query string) []byte {
	return append(appendQueryEscape(append(b, "query="...), query), "&time="...)
}

// maxEscapedQueries bounds the texts escapedQueries remembers: a client
// asked more (a long-lived controller's, as templates change) starts over.
const maxEscapedQueries = 64

// escapedQueries remembers, by query text, its parameters up to the
// time's value (appendQueryParam of the collapsed text): a check asks the
// same few texts at every tick, and collapsing and escaping a text of a
// few hundred bytes again each time was most of what building its request
// cost.
type escapedQueries struct {
	mu sync.Mutex
	m  map[string]string
}

func (e *escapedQueries) of(query string) string {
	e.mu.Lock()
	params, ok := e.m[query]
	e.mu.Unlock()
	if ok {
		return params
	}
	params = string(appendQueryParam(nil, collapseSpace(query)))
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil || len(e.m) >= maxEscapedQueries {
		e.m = map[string]string{}
	}
	e.m[query] = params
	return params
}

// appendQueryEscape writes s as url.QueryEscape does: letters, digits and
// -_.~ as they are, a space as +, every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// appendEvalTime writes Unix seconds with millisecond precision, which
// Prometheus parses exactly.
func appendEvalTime(b []byte, at time.Time) []byte {
	return strconv.AppendFloat(b, float64(at.UnixMilli())/1000, 'f', 3, 64)
}

// readAnswer reads the body into buf, up to maxBody bytes, as
// io.ReadAll(io.LimitReader(resp.Body, maxBody)) does, and returns it.
func readAnswer(resp *http.Response, buf []byte) ([]byte, error) {
	body, err := readLimited(resp.Body, buf, maxBody)
	if err != nil {
		return body, fmt.Errorf("reading the prometheus answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return body, fmt.Errorf("prometheus answered %s: %s", resp.Status, snippet(body))
	}
	return body, nil
}

// readLimited appends what r gives to b until EOF or limit bytes.
func readLimited(r io.Reader, b []byte, limit int) ([]byte, error) {
	for len(b) < limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the growth
		}
		n, err := r.Read(b[len(b):min(cap(b), limit)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// snippet is the start of a body, for an error message.
func snippet(b []byte) string {
	if len(b) > maxSnippet {
		return strconv.Quote(string(b[:maxSnippet])) + "..."
	}
	return strconv.Quote(string(b))
}

// collapseSpace turns every run of white space into one space, as Flagger
// does before sending, so multi-line templates make one-line queries.
func collapseSpace(s string) string {
	if !needsCollapse(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			space = true
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, s[i])
	}
	if space {
		b = append(b, ' ')
	}
	return string(b)
}

func needsCollapse(s string) bool {
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) && (s[i] != ' ' || (i+1 < len(s) && isSpace(s[i+1]))) {
			return true
		}
	}
	return false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
