// This file reads the rehearse.dev/ annotations a Canary carries to tune its
// rehearsals (skip, budgets, expected outcomes) and places a bad one at its
// line.

package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// The annotations a Canary can carry to tune its rehearsal.
const (
	AnnotationPrefix           = "rehearse.dev/"
	AnnotationSkip             = AnnotationPrefix + "skip"
	AnnotationMaxRollbackTime  = AnnotationPrefix + "max-rollback-time"
	AnnotationMaxPromotionTime = AnnotationPrefix + "max-promotion-time"
	AnnotationExpectPrefix     = AnnotationPrefix + "expect."
)

// overrides are what a Canary's annotations change.
type overrides struct {
	skip                      map[string]bool
	expect                    map[string]v1beta1.CanaryPhase
	maxRollback, maxPromotion time.Duration // 0: the command's budget
}

// annotationError is a bad annotation, by key.
type annotationError struct {
	key, msg string
}

// readOverrides reads every rehearse.dev/ annotation of a Canary. Keys are
// read in sorted order so errors come out in a fixed order.
func readOverrides(cd *v1beta1.Canary) (overrides, []annotationError) {
	o := overrides{skip: map[string]bool{}, expect: map[string]v1beta1.CanaryPhase{}}
	var errs []annotationError
	for _, key := range slices.Sorted(maps.Keys(cd.Annotations)) {
		if !strings.HasPrefix(key, AnnotationPrefix) {
			continue
		}
		if msg := o.read(key, cd.Annotations[key]); msg != "" {
			errs = append(errs, annotationError{key, msg})
		}
	}
	errs = append(errs, o.conflicts()...)
	return o, errs
}

// read applies one annotation and returns what is wrong with it, or "".
func (o *overrides) read(key, value string) string {
	switch {
	case key == AnnotationSkip:
		return o.readSkip(value)
	case key == AnnotationMaxRollbackTime:
		return readBudget(value, &o.maxRollback)
	case key == AnnotationMaxPromotionTime:
		return readBudget(value, &o.maxPromotion)
	case strings.HasPrefix(key, AnnotationExpectPrefix):
		return o.readExpect(strings.TrimPrefix(key, AnnotationExpectPrefix), value)
	}
	known := []string{AnnotationSkip, AnnotationMaxRollbackTime, AnnotationMaxPromotionTime}
	for _, p := range Names {
		known = append(known, AnnotationExpectPrefix+p)
	}
	return fmt.Sprintf("not an annotation rehearse reads: use one of %s%s", strings.Join(known, ", "), suggest(key, known))
}

func (o *overrides) readSkip(value string) string {
	for _, name := range strings.Split(value, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(Names, name) {
			return unknownPolicy(name)
		}
		o.skip[name] = true
	}
	return ""
}

func readBudget(value string, out *time.Duration) string {
	d, err := time.ParseDuration(strings.TrimSpace(value))
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a duration: write e.g. 10m or 1h30m", value)
	case d <= 0:
		return fmt.Sprintf("%q must be longer than zero", value)
	}
	*out = d
	return ""
}

func (o *overrides) readExpect(name, value string) string {
	if !slices.Contains(Names, name) {
		return unknownPolicy(name)
	}
	phase, ok := outcomeNamed(strings.TrimSpace(value))
	if !ok {
		return fmt.Sprintf("%q is not an outcome: write Succeeded (promoted) or Failed (rolled back)", value)
	}
	o.expect[name] = phase
	return ""
}

func outcomeNamed(s string) (v1beta1.CanaryPhase, bool) {
	for _, p := range []v1beta1.CanaryPhase{v1beta1.CanaryPhaseSucceeded, v1beta1.CanaryPhaseFailed} {
		if strings.EqualFold(s, string(p)) {
			return p, true
		}
	}
	return "", false
}

// conflicts reports a policy both skipped and given an expectation.
func (o *overrides) conflicts() []annotationError {
	var errs []annotationError
	for _, name := range slices.Sorted(maps.Keys(o.expect)) {
		if o.skip[name] {
			errs = append(errs, annotationError{AnnotationExpectPrefix + name,
				fmt.Sprintf("%s is also listed in %s: remove one of the two", name, AnnotationSkip)})
		}
	}
	return errs
}

func unknownPolicy(name string) string {
	return fmt.Sprintf("%q is not a built-in policy: use %s%s", name, strings.Join(Names, ", "), suggest(name, Names))
}

func suggest(word string, candidates []string) string {
	if best := manifest.Closest(word, candidates); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// annotationPath is the path of an annotation in the Canary's document.
func annotationPath(key string) string {
	return fmt.Sprintf("metadata.annotations[%q]", key)
}
