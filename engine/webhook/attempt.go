// This file is one HTTP attempt of a webhook call and how its outcome (status, body, error, expired
// deadline) becomes the call's verdict.

package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// maxBody bounds how much of an answer is read; only its start is reported.
const (
	maxBody       = 64 << 10
	maxBodyReport = 512
)

// outcome is what one HTTP request produced.
type outcome struct {
	status   int
	body     []byte // turned into a string only for a failure's reason
	header   http.Header
	err      error // no answer, or the answer could not be read
	timedOut bool  // the attempt's own timeout expired
	invalid  bool  // the request could not even be built
}

// attempt posts the payload once, within the hook's timeout. Like Flagger's
// client timeout, the deadline covers reading the answer too.
func (c *Caller) attempt(ctx context.Context, k *call) outcome {
	actx, cancel := context.WithTimeout(ctx, c.scale(k.timeout))
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, k.hook.URL, bytes.NewReader(k.body))
	if err != nil {
		return outcome{err: err, invalid: true}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := k.send(req)
	if err != nil {
		return outcome{err: err, timedOut: expired(ctx, actx)}
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	return outcome{status: resp.StatusCode, body: body, header: resp.Header, err: readError(err), timedOut: expired(ctx, actx)}
}

// InProcessTransport is a RoundTripper that answers in the caller's
// process (a simulation's webhook receivers) and promises what makes an
// http.Client around it a no-op: it never answers with a Location header,
// so no redirect is followed, nor with cookies, and it never returns both
// an answer and an error, nor an answer without a Body. The Caller then
// hands it the request itself; the client's header copies for redirects
// and its URL clone for cookies were a fifth of an in-process call's
// allocations.
type InProcessTransport interface {
	http.RoundTripper
	// AnswersInProcess marks the promise above.
	AnswersInProcess()
}

// send is k.client.Do(req). To an InProcessTransport, behind a client
// with nothing of its own to add (no cookie jar, redirect policy or
// timeout) and a URL without user info, it sends req straight, and
// wraps an error as Do does: a *url.Error naming the method and the URL.
// TestInProcessSendMatchesClientDo holds the two paths to the same results.
func (k *call) send(req *http.Request) (*http.Response, error) {
	c := k.client
	tr, direct := c.Transport.(InProcessTransport)
	if !direct || c.Jar != nil || c.CheckRedirect != nil || c.Timeout != 0 || req.URL.User != nil {
		return c.Do(req)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return nil, &url.Error{Op: "Post", URL: req.URL.String(), Err: err}
	}
	return resp, nil
}

// readBody is io.ReadAll(io.LimitReader(resp.Body, maxBody)) without the
// LimitReader and, when the answer says its length, into one buffer of that
// length (and a byte to see its end): an empty answer, which net/http (and
// the in-process receivers) give as http.NoBody, is not read at all.
// TestReadBodyMatchesReadAll holds it to the original.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.Body == http.NoBody {
		return nil, nil
	}
	size := 512 // io.ReadAll's first buffer
	if n := resp.ContentLength; n >= 0 && n < maxBody {
		size = int(n) + 1
	}
	return readLimited(resp.Body, make([]byte, 0, size), maxBody)
}

// readLimited appends what r gives to b until r ends or b holds limit
// bytes, growing b as append does; the end of r is no error.
func readLimited(r io.Reader, b []byte, limit int) ([]byte, error) {
	for len(b) < limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
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

// expired tells the attempt's own deadline from the caller giving up.
func expired(parent, attempt context.Context) bool {
	return parent.Err() == nil && errors.Is(attempt.Err(), context.DeadlineExceeded)
}

func readError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("reading the answer: %w", err)
}

// verdict turns the final outcome into the call's error, nil for approval.
func (o outcome) verdict(k *call) error {
	switch {
	case o.invalid:
		return fmt.Errorf("webhook %q: url %q cannot be called; fix the Canary's webhook: %w", k.hook.Name, k.hook.URL, o.err)
	case o.status != 0:
		return o.statusVerdict(k)
	case o.timedOut:
		return fmt.Errorf("webhook %q at %s did not answer within %s (%s): %w", k.hook.Name, k.hook.URL, k.timeout, tries(k), o.err)
	default:
		return fmt.Errorf("webhook %q at %s could not be reached (%s): %w", k.hook.Name, k.hook.URL, tries(k), o.err)
	}
}

// statusVerdict applies Flagger's success rule: any status up to 202 passes.
// An answer that could not be read fails, whatever its status, as in
// Flagger.
func (o outcome) statusVerdict(k *call) error {
	if o.err != nil {
		return fmt.Errorf("webhook %q at %s answered HTTP %d but its body could not be read (%s): %w",
			k.hook.Name, k.hook.URL, o.status, tries(k), o.err)
	}
	if o.status <= http.StatusAccepted {
		return nil
	}
	return fmt.Errorf("webhook %q at %s answered HTTP %d (%s): %s", k.hook.Name, k.hook.URL, o.status, tries(k), summary(string(o.body)))
}

// tries says how many requests were made out of how many allowed, so a
// reader sees whether retries were used up or the answer was final.
func tries(k *call) string {
	return fmt.Sprintf("attempt %d of %d", k.res.Attempts, max(k.hook.Retries, 0)+1)
}

// summary is the start of an answer's body, for a one-line reason.
func summary(body string) string {
	body = strings.TrimSpace(body)
	if body == "" {
		return "(empty body)"
	}
	if len(body) <= maxBodyReport {
		return body
	}
	cut := maxBodyReport
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return body[:cut] + "… (truncated)"
}

// httpClient returns the client for one call and what to do when the call
// ends. Without a configured client each call gets a fresh connection pool,
// as in Flagger, so a connection a server dropped is never reused.
func (c *Caller) httpClient(hook v1beta1.CanaryWebhook) (*http.Client, func()) {
	if c.Client == nil {
		tr := transport(nil, hook.DisableTLS)
		return &http.Client{Transport: tr}, tr.CloseIdleConnections
	}
	if !hook.DisableTLS {
		return c.Client, func() {}
	}
	base, ok := c.Client.Transport.(*http.Transport)
	if !ok && c.Client.Transport != nil {
		return c.Client, func() {} // a custom RoundTripper keeps its own TLS rules
	}
	client := *c.Client
	tr := transport(base, true)
	client.Transport = tr
	return &client, tr.CloseIdleConnections
}

// transport clones base (or the default transport); disableTLS skips
// certificate verification because the Canary's webhook asked for it.
func transport(base *http.Transport, disableTLS bool) *http.Transport {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	tr := base.Clone()
	if disableTLS {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user's disableTLS
	}
	return tr
}

func errNoCanary(hook v1beta1.CanaryWebhook) error {
	return fmt.Errorf("webhook %q: no Canary given to build the payload from", hook.Name)
}
