// This file holds the hand-written payload encoder to encoding/json's bytes.

package webhook

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// jsonPieces are the strings most likely to be written differently: every
// escape class encoding/json has, multi-byte and invalid UTF-8 (a lone
// continuation byte, a truncated sequence, an encoded surrogate), and a
// literal U+FFFD that must stay as it is.
var jsonPieces = []string{
	"", "podinfo", "test", "Progressing", `"`, `\`, "/", "\b", "\f", "\n", "\r", "\t",
	"\x00", "\x01", "\x1f", "\x7f", "<", ">", "&", "'", "\u2028", "\u2029", "\u2027", "\u202a",
	"é", "日本", "🎉", "\ufffd", "\x80", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xff", " ", "a b",
	"hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/", "1700000000000",
}

func randomJSONString(r *rand.Rand) string {
	var sb strings.Builder
	for range r.IntN(5) {
		sb.WriteString(jsonPieces[r.IntN(len(jsonPieces))])
	}
	return sb.String()
}

func randomPayload(r *rand.Rand) v1beta1.CanaryWebhookPayload {
	p := v1beta1.CanaryWebhookPayload{
		Name: randomJSONString(r), Namespace: randomJSONString(r),
		Phase: v1beta1.CanaryPhase(randomJSONString(r)), Checksum: randomJSONString(r),
	}
	switch n := r.IntN(5); n {
	case 0: // no metadata at all
	case 1:
		p.Metadata = map[string]string{} // empty: omitted like nil
	default:
		p.Metadata = map[string]string{}
		for range n + r.IntN(4) {
			p.Metadata[randomJSONString(r)] = randomJSONString(r)
		}
	}
	return p
}

// TestEncodePayloadMatchesEncodingJSON: receivers may compare or hash the
// body, so it must be what json.Marshal writes, to the byte.
func TestEncodePayloadMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 10))
	payloads := []v1beta1.CanaryWebhookPayload{{}}
	for _, s := range jsonPieces {
		payloads = append(payloads, v1beta1.CanaryWebhookPayload{Name: s, Metadata: map[string]string{s: s, "k": s}})
	}
	for range 5000 {
		payloads = append(payloads, randomPayload(r))
	}
	for _, p := range payloads {
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodePayload(p); !bytes.Equal(got, want) {
			t.Fatalf("payload %#v:\n got %s\nwant %s", p, got, want)
		}
	}
}
