// This file reads a webhook payload in the exact form the engine writes it
// without reflection; any other form is left to encoding/json.

package hooks

import (
	"strings"
	"unicode/utf8"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// decodePayload reads body (the bytes received, as one string: every
// string decoded is a piece of it, not a copy) as json.Unmarshal would, when body is in the
// compact form Flagger's and rehearse's callers write: the fields name,
// namespace, phase, checksum and an optional metadata object, in that
// order, no whitespace, and strings without escapes. Anything else (other
// field orders or spellings, unknown fields, nulls, escapes, invalid UTF-8,
// invalid JSON) gives ok false, and the caller decodes it with
// encoding/json, so its answer and its error stay encoding/json's
// (TestDecodePayloadMatchesEncodingJSON).
func decodePayload(body string) (p v1beta1.CanaryWebhookPayload, ok bool) {
	c := cursor{rest: body, ok: true}
	c.expect(`{"name":`)
	p.Name = c.str()
	c.expect(`,"namespace":`)
	p.Namespace = c.str()
	c.expect(`,"phase":`)
	p.Phase = v1beta1.CanaryPhase(c.str())
	c.expect(`,"checksum":`)
	p.Checksum = c.str()
	if c.ok && !c.next('}') {
		c.expect(`,"metadata":{`)
		p.Metadata = c.object()
		c.expect(`}`)
	}
	return p, c.ok && len(c.rest) == 0
}

// cursor walks the body; once a step fails, ok stays false and every later
// step does nothing.
type cursor struct {
	rest string
	ok   bool
}

func (c *cursor) expect(lit string) {
	if c.ok && strings.HasPrefix(c.rest, lit) {
		c.rest = c.rest[len(lit):]
		return
	}
	c.ok = false
}

// next consumes b when it comes next.
func (c *cursor) next(b byte) bool {
	if c.ok && len(c.rest) > 0 && c.rest[0] == b {
		c.rest = c.rest[1:]
		return true
	}
	return false
}

// str reads a string without escapes: with none, its first quote ends it.
func (c *cursor) str() string {
	if !c.next('"') {
		c.ok = false
		return ""
	}
	end := strings.IndexByte(c.rest, '"')
	if end < 0 || !plain(c.rest[:end]) {
		c.ok = false
		return ""
	}
	s := c.rest[:end]
	c.rest = c.rest[end+1:]
	return s
}

// plain is true when raw needs no decoding: no escape, no control
// character (invalid in JSON), and valid UTF-8 (encoding/json would
// replace the invalid bytes).
func plain(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if b := raw[i]; b == '\\' || b < 0x20 {
			return false
		}
	}
	return utf8.ValidString(raw)
}

// object reads the members of a string-to-string object after its opening
// brace, up to and including its closing one; a repeated key keeps its last
// value, as in encoding/json.
func (c *cursor) object() map[string]string {
	m := map[string]string{}
	if c.next('}') {
		return m
	}
	for c.ok {
		k := c.str()
		c.expect(":")
		m[k] = c.str()
		if c.next('}') {
			return m
		}
		c.expect(",")
	}
	return nil
}
