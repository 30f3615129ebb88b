// This file builds the JSON payload Flagger sends to phase and event hooks, and the status
// checksum it carries.

package webhook

import (
	"hash/fnv"
	"strconv"
	"time"

	"github.com/davecgh/go-spew/spew"
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
// with what Flagger sent, so it must match Flagger's value exactly. The hash
// covers the printed form of the struct below, type name included, which is
// why its field names, types and order must not change.
func Checksum(cd *v1beta1.Canary) string {
	fields := struct {
		TrackedConfigs  *map[string]string
		LastAppliedSpec string
	}{cd.Status.TrackedConfigs, cd.Status.LastAppliedSpec}
	return hashOf(fields)
}

// hashOf is Flagger's object hash: FNV-32a over a deterministic deep print
// (sorted map keys, no Stringer methods, types shown), written as a decimal
// and re-encoded in the vowel-free alphabet Kubernetes uses for generated
// names.
func hashOf(v any) string {
	printer := spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true, SpewKeys: true}
	h := fnv.New32a()
	printer.Fprintf(h, "%#v", v)
	return rand.SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}
