// This file is the webhook caller's retry policy: which outcomes are retried, which errors are
// permanent, and the backoff between attempts (honouring Retry-After).

package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Flagger's backoff between attempts (go-retryablehttp's defaults): the
// n-th retry waits 1s·2ⁿ⁻¹, at most 30s.
const (
	minBackoff = time.Second
	maxBackoff = 30 * time.Second
)

// retryable is Flagger's retry policy: retry transport errors other than
// permanent ones, 429, and every 5xx but 501; never retry once the caller's
// context is done. Every other status is final, success or not.
// The decision looks at the status alone once one came, as Flagger's client
// decides before the body is read.
func retryable(ctx context.Context, o outcome) bool {
	switch {
	case ctx.Err() != nil || o.invalid:
		return false
	case o.status != 0:
		return retryableStatus(o.status)
	default:
		return !permanent(o.err)
	}
}

func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || (status >= 500 && status != http.StatusNotImplemented)
}

// permanent errors cannot go away by asking again. net/http gives most of
// them no type, so they are recognised by their text.
func permanent(err error) bool {
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return true
	}
	msg := err.Error()
	for _, s := range permanentErrorTexts {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

var permanentErrorTexts = []string{
	"redirects",                   // "stopped after 10 redirects"
	"unsupported protocol scheme", // a URL without http:// or https://
	"invalid header",              // a header net/http refuses to send
	"certificate is not trusted",  // TLS verification on some platforms
}

// backoff is the wait before retry number n (1-based) after outcome o: the
// server's Retry-After for 429 and 503 when it gives one, else exponential.
func backoff(n int, o outcome) time.Duration {
	if d, ok := retryAfter(o); ok {
		return d
	}
	if n > 6 { // 2⁵s already exceeds the cap; avoid shifting into overflow
		return maxBackoff
	}
	return min(minBackoff<<(n-1), maxBackoff)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date. The
// date is measured from the answer's own Date header rather than from a
// local clock, so the wait does not depend on when the code runs.
func retryAfter(o outcome) (time.Duration, bool) {
	if o.status != http.StatusTooManyRequests && o.status != http.StatusServiceUnavailable {
		return 0, false
	}
	v := o.header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(secs) * time.Second, secs >= 0
	}
	return untilDate(v, o.header.Get("Date"))
}

func untilDate(retryAt, sent string) (time.Duration, bool) {
	at, err := time.Parse(time.RFC1123, retryAt)
	if err != nil {
		return 0, false
	}
	now, err := http.ParseTime(sent)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}
