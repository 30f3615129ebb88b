// This file writes the webhook payload as JSON without reflection, byte for
// byte what encoding/json writes for it, since a sweep posts thousands.

package webhook

import (
	"slices"
	"unicode/utf8"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// encodePayload is json.Marshal(p) written by hand: the fields in their
// declared order, metadata omitted when empty and its keys sorted, strings
// escaped as encoding/json escapes them (TestEncodePayloadMatchesEncodingJSON
// holds it to that). It cannot fail: every field is a string.
func encodePayload(p v1beta1.CanaryWebhookPayload) []byte {
	b := make([]byte, 0, payloadSize(p))
	b = append(b, `{"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"namespace":`...)
	b = appendJSONString(b, p.Namespace)
	b = append(b, `,"phase":`...)
	b = appendJSONString(b, string(p.Phase))
	b = append(b, `,"checksum":`...)
	b = appendJSONString(b, p.Checksum)
	if len(p.Metadata) > 0 {
		b = append(b, `,"metadata":{`...)
		var keys [8]string
		for i, k := range sortedKeys(keys[:0], p.Metadata) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, p.Metadata[k])
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// sortedKeys appends m's keys to buf, sorted. Given a small array of the
// caller's, the keys of a usual map (a hook's metadata, a Canary's tracked
// configs) take no allocation.
func sortedKeys(buf []string, m map[string]string) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

// payloadSize is the payload's length when nothing needs escaping, so the
// usual payload is written into one allocation.
func payloadSize(p v1beta1.CanaryWebhookPayload) int {
	n := 64 + len(p.Name) + len(p.Namespace) + len(p.Phase) + len(p.Checksum)
	for k, v := range p.Metadata {
		n += len(k) + len(v) + 6
	}
	return n
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes a string (with
// its default HTML escaping): \" and \\, the short escapes \b \f \n \r \t,
// \u00XX for other control characters and for < > &, \u2028 and \u2029
// (line and paragraph separators, which break JavaScript), and \ufffd for
// each byte that is not valid UTF-8. Everything else is copied as is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		b = appendJSONRune(b, r, s[:n])
		s = s[n:]
	}
	return append(b, '"')
}

// appendJSONRune appends one decoded rune; raw is its bytes in the string.
func appendJSONRune(b []byte, r rune, raw string) []byte {
	switch {
	case r == utf8.RuneError && len(raw) == 1:
		return append(b, `\ufffd`...)
	case r == '"' || r == '\\':
		return append(b, '\\', byte(r))
	case r == '\b':
		return append(b, `\b`...)
	case r == '\f':
		return append(b, `\f`...)
	case r == '\n':
		return append(b, `\n`...)
	case r == '\r':
		return append(b, `\r`...)
	case r == '\t':
		return append(b, `\t`...)
	case r < 0x20 || r == '<' || r == '>' || r == '&':
		return append(b, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
	case r == '\u2028' || r == '\u2029':
		return append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
	}
	return append(b, raw...)
}
