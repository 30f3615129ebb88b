// This file is the proxy itself: the weighted, A/B or mirrored choice of
// version for each request, from the routes the engine holds at that
// moment, and the reverse proxies to the two versions.

package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// maxMirrorBody bounds the body copied for a mirrored request.
const maxMirrorBody = 1 << 20

// Routes are the weights the router holds at one moment.
type Routes struct {
	Primary, Canary int // percent of the requests to each version
	// Mirror is the percentage of requests also copied to the canary while
	// mirroring (Istio's mirrorPercentage); 0 mirrors nothing.
	Mirror int
	// AB is A/B routing: requests that match go to the canary, the others
	// to the primary, whatever the weights.
	AB bool
}

// Backend names a version.
type Backend int

// The two versions.
const (
	Primary Backend = iota
	Canary
)

func (b Backend) String() string {
	if b == Canary {
		return "canary"
	}
	return "primary"
}

// Decision is where one request goes.
type Decision struct {
	To     Backend
	Mirror bool // a copy goes to the canary too
}

// Config describes the mesh in front of two versions.
type Config struct {
	Primary, Canary string // base URLs of the versions
	// Routes returns the router's weights; it is called for every request,
	// so the split follows the engine at once.
	Routes func() Routes
	// Match holds the A/B conditions (analysis.match).
	Match []v1beta1.HTTPMatchRequest
	// Seed makes the weighted draws repeatable in order.
	Seed uint64
}

// Proxy is the mesh, listening on a loopback port.
type Proxy struct {
	cfg      Config
	match    []matcher
	backends [2]*httputil.ReverseProxy
	targets  [2]*url.URL
	tr       *http.Transport
	mu       sync.Mutex
	rng      *rand.Rand
	mirrors  sync.WaitGroup
	srv      *http.Server
	addr     string
	ctx      context.Context // ends at Close: requests in flight and mirrors stop
	cancel   context.CancelFunc
}

// New builds the proxy without listening: Handler serves in-process.
func New(cfg Config) (*Proxy, error) {
	if cfg.Routes == nil {
		return nil, errors.New("proxy: no Routes function given")
	}
	ms, err := compile(cfg.Match)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{cfg: cfg, match: ms, rng: rand.New(rand.NewPCG(cfg.Seed, 0xa11)), ctx: ctx, cancel: cancel,
		tr: &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: 30 * time.Second}}
	for i, raw := range []string{cfg.Primary, cfg.Canary} {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			cancel()
			return nil, fmt.Errorf("proxy: backend %s has no usable URL %q", Backend(i), raw)
		}
		p.targets[i] = u
		p.backends[i] = p.reverseProxy(u)
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	return p, nil
}

// Start builds the proxy and listens on 127.0.0.1 until Close.
func Start(cfg Config) (*Proxy, error) {
	p, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		p.cancel()
		return nil, fmt.Errorf("proxy: listening on loopback: %w", err)
	}
	p.addr = ln.Addr().String()
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (p *Proxy) reverseProxy(target *url.URL) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host // the service name the client asked for
		},
		Transport: p.tr,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "upstream connect error: "+err.Error(), http.StatusServiceUnavailable)
		},
	}
}

// Addr is host:port.
func (p *Proxy) Addr() string { return p.addr }

// URL is the proxy's base URL.
func (p *Proxy) URL() string { return "http://" + p.addr }

// ServeHTTP routes one request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d := p.Pick(r)
	if d.Mirror {
		p.mirror(r)
	}
	p.backends[d.To].ServeHTTP(w, r)
}

// Pick decides where a request goes, from the routes in force now.
func (p *Proxy) Pick(r *http.Request) Decision {
	rt := p.cfg.Routes()
	if rt.AB && len(p.match) > 0 {
		if matches(p.match, r) {
			return Decision{To: Canary}
		}
		return Decision{To: Primary}
	}
	d := Decision{To: Primary}
	if total := rt.Primary + rt.Canary; total > 0 && p.draw(total) < rt.Canary {
		d.To = Canary
	}
	d.Mirror = rt.Mirror > 0 && d.To == Primary && p.draw(100) < rt.Mirror
	return d
}

func (p *Proxy) draw(n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rng.IntN(n)
}

// mirror copies the request to the canary and forgets the answer, as a
// mesh's shadow traffic does; the body is read once for both.
func (p *Proxy) mirror(r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxMirrorBody))
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	out := r.Clone(p.ctx) // outlives the request it copies, not the proxy
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = p.targets[Canary].Scheme, p.targets[Canary].Host
	out.Host = r.Host + "-shadow" // Istio marks shadow traffic in the authority
	out.Body = io.NopCloser(bytes.NewReader(body))
	p.mirrors.Go(func() {
		resp, err := p.tr.RoundTrip(out)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	})
}

// Close stops listening, waits for requests and mirrored copies in flight,
// and drops idle connections to the versions.
func (p *Proxy) Close() error {
	p.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := p.srv.Shutdown(ctx)
	p.mirrors.Wait()
	p.tr.CloseIdleConnections()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(err, p.srv.Close())
	}
	return nil
}
