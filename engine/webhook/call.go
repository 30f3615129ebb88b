// This file is one webhook call from payload to result: posting, the retry loop around attempts,
// and the caller's clock and sleep, both replaceable for tests.

package webhook

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/internal/ctxsleep"
)

// call is one webhook call in progress: what to send, and the result so far.
type call struct {
	hook    v1beta1.CanaryWebhook
	body    []byte
	timeout time.Duration
	client  *http.Client
	res     Result
}

func (c *Caller) post(ctx context.Context, hook v1beta1.CanaryWebhook, payload v1beta1.CanaryWebhookPayload, rule timeoutRule) Result {
	timeout, err := timeoutOf(hook, rule)
	if err != nil {
		return Result{Err: err}
	}
	client, done := c.httpClient(hook)
	defer done()
	k := &call{hook: hook, body: encodePayload(payload), timeout: timeout, client: client}
	c.run(ctx, k)
	return k.res
}

// run makes attempts until one is final or the retries are used up; the
// hook's retries count the requests after the first, as in Flagger.
func (c *Caller) run(ctx context.Context, k *call) {
	for {
		o := c.timedAttempt(ctx, k)
		if !retryable(ctx, o) || k.res.Attempts > k.hook.Retries {
			k.res.Err = o.verdict(k)
			return
		}
		wait := backoff(k.res.Attempts, o)
		k.res.Duration += wait
		if err := c.sleep(ctx, wait); err != nil {
			k.res.Err = fmt.Errorf("webhook %q at %s: call abandoned while waiting to retry after %d attempt(s): %w",
				k.hook.Name, k.hook.URL, k.res.Attempts, err)
			return
		}
	}
}

func (c *Caller) timedAttempt(ctx context.Context, k *call) outcome {
	start := c.now()
	o := c.attempt(ctx, k)
	k.res.Duration += c.unscale(c.now().Sub(start))
	if !o.invalid {
		k.res.Attempts++
	}
	k.res.Status = o.status
	return o
}

func (c *Caller) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	return ctxsleep.Sleep(ctx, c.scale(d))
}

func (c *Caller) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
