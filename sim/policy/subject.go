// This file prepares one Canary for rehearsal under every policy: its
// target, the running version and the release, its webhooks and metrics.

package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// subject is one Canary, ready to be rehearsed under every policy.
type subject struct {
	cd       *v1beta1.Canary // the rehearsed copy: unrehearsable template metrics stubbed
	ref      string          // namespace/name
	origin   manifest.Object // where the Canary is written
	set      *manifest.Set
	provider string   // the effective provider
	from, to string   // the target's image, and the release rehearsed
	files    []string // the Canary's file and its target's
	over     overrides
	latency  latencyChecks
	errors   errorChecks
	stubbed  []string                 // the metrics replaced by a constant
	reads    map[string]traffic.Reads // what each rehearsed query metric reads
	notes    []string                 // what every rehearsal of this Canary assumed or left out
}

func newSubject(set *manifest.Set, cd *v1beta1.Canary, over overrides, opts Options) *subject {
	s := &subject{cd: cd.DeepCopy(), ref: cd.Namespace + "/" + cd.Name, set: set, over: over,
		origin:   set.Origins[manifest.Key("Canary", cd.Namespace, cd.Name)],
		provider: cd.ProviderFor(opts.Provider).Name}
	s.files = []string{s.origin.File}
	s.pickRelease()
	s.stubTemplates()
	s.latency = latencyOf(s, cd)
	s.errors = errorsOf(s, cd)
	return s
}

// pickRelease takes the target's image (a Deployment's, a DaemonSet's or a
// Knative Service's) as the running version and a changed reference to it
// as the release.
func (s *subject) pickRelease() {
	kind, containers, ok := scenarios.TargetContainers(s.set, s.cd)
	if !ok || len(containers) == 0 {
		s.from = s.cd.Spec.TargetRef.Name + ":current"
		s.note(fmt.Sprintf("%s %s/%s is not in the manifests: a stand-in running %s is rehearsed", targetWord(s.cd), s.cd.Namespace, s.cd.Spec.TargetRef.Name, s.from))
	} else {
		s.from = containers[0].Image
		key := kind
		if s.cd.Spec.TargetRef.IsKnativeService() {
			key = manifest.KnativeService
		}
		o := s.set.Origins[manifest.Key(key, s.cd.Namespace, s.cd.Spec.TargetRef.Name)]
		if o.File != "" && o.File != s.origin.File {
			s.files = append(s.files, o.File)
		}
	}
	s.to = rehearsalImage(s.from)
}

func targetWord(cd *v1beta1.Canary) string {
	if cd.Spec.TargetRef.IsKnativeService() {
		return "Knative Service"
	}
	return cd.Spec.TargetRef.Kind
}

// rehearsalImage is a new reference to the same image: a "-rehearsal" tag,
// or another digest for an image pinned by digest.
func rehearsalImage(image string) string {
	if name, digest, pinned := strings.Cut(image, "@"); pinned {
		sum := sha256.Sum256([]byte("rehearsal:" + digest))
		return name + "@sha256:" + hex.EncodeToString(sum[:])
	}
	if colon := strings.LastIndex(image, ":"); colon > strings.LastIndex(image, "/") {
		return image + "-rehearsal"
	}
	return image + ":rehearsal"
}

func (s *subject) note(n string) { s.notes = append(s.notes, n) }

// hooksOfType lists the names of the Canary's webhooks of one type.
func (s *subject) hooksOfType(t v1beta1.HookType) []string {
	var names []string
	for _, wh := range s.webhooks() {
		if wh.Type == t {
			names = append(names, wh.Name)
		}
	}
	return names
}

func (s *subject) webhooks() []v1beta1.CanaryWebhook {
	if a := s.cd.GetAnalysis(); a != nil {
		return a.Webhooks
	}
	return nil
}

func (s *subject) metrics() []v1beta1.CanaryMetric {
	if a := s.cd.GetAnalysis(); a != nil {
		return a.Metrics
	}
	return nil
}
