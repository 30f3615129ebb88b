// This file builds the JSON payload Flagger sends to phase and event hooks, and the status
// checksum it carries.

package webhook

import (
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Metadata keys Flagger adds to the payload of event hooks.
const (
	EventMessageKey = "eventMessage"
	EventTypeKey    = "eventType"
	TimestampKey    = "timestamp"
)

func phasePayload(cd *v1beta1.Canary, phase v1beta1.CanaryPhase, hook v1beta1.CanaryWebhook) v1beta1.CanaryWebhookPayload {
	p := basePayload(cd, phase)
	if hook.Metadata != nil {
		p.Metadata = *hook.Metadata
	}
	return p
}

func eventPayload(cd *v1beta1.Canary, hook v1beta1.CanaryWebhook, message, eventType string, at time.Time) v1beta1.CanaryWebhookPayload {
	p := basePayload(cd, cd.Status.Phase)
	p.Metadata = map[string]string{
		EventMessageKey: message,
		EventTypeKey:    eventType,
		TimestampKey:    strconv.FormatInt(at.UnixMilli(), 10),
	}
	if hook.Metadata == nil {
		return p
	}
	for k, v := range *hook.Metadata {
		if _, reserved := p.Metadata[k]; !reserved {
			p.Metadata[k] = v
		}
	}
	return p
}

func basePayload(cd *v1beta1.Canary, phase v1beta1.CanaryPhase) v1beta1.CanaryWebhookPayload {
	return v1beta1.CanaryWebhookPayload{
		Name:      cd.Name,
		Namespace: cd.Namespace,
		Phase:     phase,
		Checksum:  Checksum(cd),
	}
}

// Checksum is the payload's checksum: a hash of the status fields that
// identify the revision under analysis (lastAppliedSpec and trackedConfigs),
// so a receiver can tell one rollout from the next. Receivers may compare it
// with what Flagger sent, so it must match Flagger's value exactly.
//
// Flagger's hash is FNV-32a over go-spew's deterministic "%#v" print (sorted
// map keys, no Stringer methods, types shown) of an anonymous struct of the
// two fields, written as a decimal and re-encoded in the vowel-free alphabet
// Kubernetes uses for generated names. That print is written here directly
// (spew's reflection walk was a webhook call's largest allocator);
// TestChecksumPrintMatchesSpew holds it to spew's on many statuses.
func Checksum(cd *v1beta1.Canary) string {
	h := fnvOffset32
	printChecksum(&h, cd.Status.TrackedConfigs, cd.Status.LastAppliedSpec)
	return safeDecimal(uint32(h))
}

// safeDigits maps each decimal digit to what rand.SafeEncodeString makes
// of it: that function maps a string rune by rune, so a number's encoding
// is its digits', each looked up once here.
var safeDigits = func() (d [10]byte) {
	for i := range d {
		d[i] = rand.SafeEncodeString(strconv.Itoa(i))[0]
	}
	return d
}()

// safeDecimal is rand.SafeEncodeString(strconv.FormatUint(n, 10)) in one
// allocation, where the two took three (TestSafeDecimal).
func safeDecimal(n uint32) string {
	var b [10]byte // 4294967295 has ten digits
	digits := strconv.AppendUint(b[:0], uint64(n), 10)
	for i, c := range digits {
		digits[i] = safeDigits[c-'0']
	}
	return string(digits)
}

// checksumWriter receives the checksum's print; fnv32a hashes it, and
// tests compare it with spew's.
type checksumWriter interface{ add(s string) }

// printChecksum writes spew's "%#v" print of struct{TrackedConfigs
// *map[string]string; LastAppliedSpec string}: a struct field shows its
// type, a nil pointer or a nil map <nil>, a map its entries as key:value
// sorted by key, separated by spaces, and strings their raw bytes.
func printChecksum(w checksumWriter, configs *map[string]string, spec string) {
	w.add("(struct { TrackedConfigs *map[string]string; LastAppliedSpec string }){TrackedConfigs:(*map[string]string)")
	switch {
	case configs == nil || *configs == nil:
		w.add("<nil>")
	default:
		w.add("map[")
		var keys [8]string
		for i, k := range sortedKeys(keys[:0], *configs) {
			if i > 0 {
				w.add(" ")
			}
			w.add(k)
			w.add(":")
			w.add((*configs)[k])
		}
		w.add("]")
	}
	w.add(" LastAppliedSpec:(string)")
	w.add(spec)
	w.add("}")
}

// fnv32a is the 32-bit FNV-1a hash, fed strings without copying them.
type fnv32a uint32

const (
	fnvOffset32 fnv32a = 2166136261
	fnvPrime32  fnv32a = 16777619
)

func (f *fnv32a) add(s string) {
	for i := 0; i < len(s); i++ {
		*f ^= fnv32a(s[i])
		*f *= fnvPrime32
	}
}
