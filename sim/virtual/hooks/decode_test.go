// This file holds the payload fast path to encoding/json's reading.

package hooks

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

var payloadPieces = []string{
	"", "podinfo", "test", "Progressing", `"`, `\`, "\n", "\t", "\x01", "\x7f", "<", "&",
	"\u2028", "é", "🎉", "\ufffd", "\x80", "\xe2\x80", ":", ",", "{", "}", " ", "null",
	"hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/",
}

func randomPieces(r *rand.Rand) string {
	var sb strings.Builder
	for range r.IntN(4) {
		sb.WriteString(payloadPieces[r.IntN(len(payloadPieces))])
	}
	return sb.String()
}

func randomHookPayload(r *rand.Rand) v1beta1.CanaryWebhookPayload {
	p := v1beta1.CanaryWebhookPayload{Name: randomPieces(r), Namespace: randomPieces(r),
		Phase: v1beta1.CanaryPhase(randomPieces(r)), Checksum: randomPieces(r)}
	if n := r.IntN(5); n > 0 {
		p.Metadata = map[string]string{}
		for range n - 1 {
			p.Metadata[randomPieces(r)] = randomPieces(r)
		}
	}
	return p
}

// variants are other ways of writing the same or nearly the same JSON:
// none may be read differently from encoding/json.
func variants(body []byte) [][]byte {
	var indented bytes.Buffer
	_ = json.Indent(&indented, body, "", " ")
	out := [][]byte{indented.Bytes(),
		bytes.Replace(body, []byte(`"name"`), []byte(`"Name"`), 1),
		bytes.Replace(body, []byte(`{"name"`), []byte(`{"extra":1,"name"`), 1),
		bytes.Replace(body, []byte(`"checksum"`), []byte(`"phase":"x","checksum"`), 1),
		append(bytes.TrimSuffix(body, []byte("}")), []byte(`,"metadata":null}`)...),
		append(bytes.TrimSuffix(body, []byte("}")), []byte(`,"metadata":{"a":"1","a":"2"}}`)...),
		append(append([]byte(nil), body...), ' '),
	}
	for i := 0; i < len(body); i += 7 {
		out = append(out, body[:i])
	}
	return out
}

// TestDecodePayloadMatchesEncodingJSON: the fast path reads every payload
// the engine writes without escapes, and whatever it reads (there or in
// other spellings) it reads as json.Unmarshal does.
func TestDecodePayloadMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 10))
	for range 3000 {
		body, err := json.Marshal(randomHookPayload(r))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := decodePayload(string(body)); !ok && !bytes.Contains(body, []byte(`\`)) {
			t.Fatalf("the fast path refused %s, written as the engine writes it", body)
		}
		for _, b := range append(variants(body), body) {
			got, ok := decodePayload(string(b))
			if !ok {
				continue
			}
			var want v1beta1.CanaryWebhookPayload
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("the fast path read %s, which encoding/json refuses: %v", b, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: read %#v, encoding/json reads %#v", b, got, want)
			}
		}
	}
}
