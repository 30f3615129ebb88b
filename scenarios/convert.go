// This file is the converter from raw to checked scenario: it collects every error with its path
// and line, and converts metadata, releases, modes, durations, percentages and weights.

package scenarios

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// converter turns the raw, strictly decoded YAML into validated types,
// collecting every problem with its line.
type converter struct {
	file, dir string
	data      []byte // the scenario file, for the indentation of inline manifests
	doc       *manifest.Doc
	errs      manifest.Errors
	samples   int // values of the series converted so far, against MaxSamples
	sets      *manifestSets
}

func (c *converter) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, c.doc.Errorf(path, format, args...))
}

func (c *converter) scenario(r *rawScenario) *Scenario {
	s := &Scenario{File: c.file, Dir: c.dir, doc: c.doc}
	if !c.withinLimits(&r.Spec) {
		return s
	}
	c.metadata(s, r.Metadata)
	s.Recording = c.recording(r.Spec.Recording)
	s.Release = c.release(r.Spec.Release, s.Recording != nil)
	s.Versions = c.versions(r.Spec.Versions)
	s.Traffic = c.traffic(r.Spec.Traffic)
	s.Prometheus = c.prometheus(r.Spec.Prometheus)
	s.Series = c.series(r.Spec.Series)
	s.Webhooks = c.webhooks(r.Spec.Webhooks)
	s.Script = c.script(r.Spec.Script)
	s.Events = c.events(r.Spec.Events)
	s.Expect = c.expect(r.Spec.Expect)
	s.Faults = c.faults(r.Spec.Faults)
	c.modes(&r.Spec)
	c.recordingModes(&r.Spec)
	c.manifests(s, &r.Spec)
	c.againstCanary(s)
	c.images(s)
	c.configEvents(s)
	s.Limits = c.limits(s, r.Spec.Limits)
	return s
}

var namePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (c *converter) metadata(s *Scenario, m rawMetadata) {
	s.Name, s.Description = m.Name, m.Description
	switch {
	case m.Name == "":
		c.errorf("metadata.name", "missing: name the scenario (lowercase letters, digits and dashes; it names the report folder)")
	case !namePattern.MatchString(m.Name):
		c.errorf("metadata.name", "%q is not a valid name: use lowercase letters, digits and dashes (it names the report folder)", m.Name)
	}
}

func (c *converter) release(r *rawRelease, recorded bool) Release {
	if r == nil && recorded {
		return Release{From: RecordedFrom, To: RecordedTo}
	}
	if r == nil {
		c.errorf("spec.release", "missing: say which image the rollout goes from and to (release: {from: IMAGE, to: IMAGE})")
		return Release{}
	}
	rel := Release{From: r.From, To: r.To, At: c.duration("spec.release.at", r.At, 0)}
	if r.From == "" {
		c.errorf("spec.release.from", "missing: give the image running before the release")
	}
	if r.To == "" {
		c.errorf("spec.release.to", "missing: give the image being released")
	}
	if r.From != "" && r.From == r.To {
		c.errorf("spec.release.to", "is the same image as release.from: Flagger would see no new revision")
	}
	return rel
}

// modes refuses to mix script mode with the world description it replaces.
func (c *converter) modes(spec *rawSpec) {
	if len(spec.Script) == 0 {
		return
	}
	world := []struct {
		name string
		set  bool
	}{{"traffic", spec.Traffic != nil}, {"prometheus", spec.Prometheus != nil}, {"series", len(spec.Series) > 0}, {"webhooks", len(spec.Webhooks) > 0}}
	for _, w := range world {
		if w.set {
			c.errorf("spec."+w.name, "cannot be used with spec.script: a script gives metric values and webhook answers per tick; remove one of them")
		}
	}
}

// duration parses a Go duration ("90s", "1m30s"); the number 0 is accepted
// too. An absent value gives def.
func (c *converter) duration(path string, raw json.RawMessage, def time.Duration) time.Duration {
	if d, ok := c.optDuration(path, raw); ok {
		return d
	}
	return def
}

// optDuration parses a duration and says whether one was given and valid.
func (c *converter) optDuration(path string, raw json.RawMessage) (time.Duration, bool) {
	if isAbsent(raw) {
		return 0, false
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		if string(raw) == "0" {
			return 0, true
		}
		c.errorf(path, "%s is not a duration: write it with a unit, e.g. 30s, 2m or 1h30m", raw)
		return 0, false
	}
	d, err := time.ParseDuration(text)
	switch {
	case err != nil:
		c.errorf(path, "%q is not a duration: write e.g. 30s, 2m or 1h30m", text)
		return 0, false
	case d < 0:
		c.errorf(path, "%q is negative: durations here count forward from the start of the run", text)
		return 0, false
	}
	return d, c.durationLimit(path, text, d)
}

func isAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

func (c *converter) percent(path string, v float64) {
	if v < 0 || v > 100 {
		c.errorf(path, "%v is outside 0..100: a success rate is a percentage", v)
	}
}

func (c *converter) weight(path string, v *int) {
	if v != nil && (*v < 0 || *v > 100) {
		c.errorf(path, "%d is not a weight: use 0 to 100", *v)
	}
}

func indexPath(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

func keyPath(parent, key string) string { return fmt.Sprintf("%s[%q]", parent, key) }
