// This file plans every rehearsal a set of manifests calls for: for each
// Canary, the policies that apply, those skipped and why, the findings, and
// a folder name for each rehearsal.

package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// Options are the command's settings for every Canary; annotations on a
// Canary override the budgets.
type Options struct {
	// MaxRollbackTime is how long a rollout may take to roll back a bad
	// release (default DefaultMaxRollbackTime).
	MaxRollbackTime time.Duration
	// MaxPromotionTime is how long it may take to promote a good one; 0
	// derives it from each Canary's analysis.
	MaxPromotionTime time.Duration
	// Provider is the mesh provider of Canaries that name none, as
	// sim.Options.Provider (empty: Flagger's default, istio).
	Provider string
	// ReadFile reads a manifest again to place an annotation error at its
	// line; nil leaves such errors at the Canary's first line.
	ReadFile func(name string) ([]byte, error)
}

// Rehearsal is one Canary rehearsed under one policy.
type Rehearsal struct {
	Policy   string
	Canary   string          // namespace/name
	Origin   manifest.Object // where the Canary is written
	Scenario *scenarios.Scenario
	// Release describes the new version: "a release that fails 50% of its requests".
	Release string
	// Notes say what the rehearsal assumed or could not rehearse.
	Notes []string
	// NotRehearsable says why the checks that decide this policy cannot be
	// rehearsed; such a rehearsal is not run, and its report says so.
	NotRehearsable string
	// Catchers are the rehearsed checks that could catch the release.
	Catchers []string
	provider v1beta1.ProviderChoice // for the report of a run not made
}

// Skip is a policy not rehearsed for a Canary, and why.
type Skip struct {
	Policy, Canary string
	Origin         manifest.Object
	Reason         string
	Scenario       string // the rehearsal's name, had it run
}

// Finding is a warning about a Canary as a whole.
type Finding struct {
	Canary  string
	Origin  manifest.Object
	Message string
}

// Plan is every rehearsal the manifests call for.
type Plan struct {
	Rehearsals []*Rehearsal
	Skipped    []Skip
	Findings   []Finding
}

// Scenarios lists the scenarios to run, in the plan's order: every
// rehearsal's but those that are not rehearsable.
func (p *Plan) Scenarios() []*scenarios.Scenario {
	var out []*scenarios.Scenario
	for _, r := range p.Rehearsals {
		if r.NotRehearsable == "" {
			out = append(out, r.Scenario)
		}
	}
	return out
}

// NotRehearsable lists the rehearsals that are not run, because the
// checks that decide them cannot be rehearsed.
func (p *Plan) NotRehearsable() []*Rehearsal {
	var out []*Rehearsal
	for _, r := range p.Rehearsals {
		if r.NotRehearsable != "" {
			out = append(out, r)
		}
	}
	return out
}

// Build plans the rehearsals of every Canary in the set, sorted by
// namespace and name, policies in the order of Names. Scenarios are named
// <canary>-<policy>, with the namespace in front when two Canaries share a
// name. Bad rehearse.dev/ annotations are manifest.Errors at their line.
func Build(set *manifest.Set, opts Options) (*Plan, error) {
	opts.MaxRollbackTime = cmp.Or(opts.MaxRollbackTime, DefaultMaxRollbackTime)
	b := &builder{opts: opts, set: set, loc: &locator{read: opts.ReadFile}, plan: &Plan{}}
	canaries := sortedCanaries(set.Canaries)
	prefixes := scenarioPrefixes(canaries)
	for i, cd := range canaries {
		b.canary(cd, prefixes[i])
	}
	if err := b.errs.Err(); err != nil {
		return nil, err
	}
	return b.plan, nil
}

type builder struct {
	opts Options
	set  *manifest.Set
	loc  *locator
	plan *Plan
	errs manifest.Errors
}

func (b *builder) canary(cd *v1beta1.Canary, prefix string) {
	over, bad := readOverrides(cd)
	origin := b.set.Origins[manifest.Key("Canary", cd.Namespace, cd.Name)]
	for _, e := range bad {
		b.errs = append(b.errs, b.loc.errorAt(origin, annotationPath(e.key), e.msg))
	}
	if len(bad) > 0 {
		return
	}
	s := newSubject(b.set, cd, over, b.opts)
	b.canaryFindings(s)
	for _, p := range policies {
		b.policy(s, p, prefix)
	}
}

func (b *builder) canaryFindings(s *subject) {
	if s.cd.SkipAnalysis() {
		b.finding(s.cd, s.origin, "skipAnalysis: Flagger promotes every release at once, so this Canary cannot catch a bad or slow release; only good-release is rehearsed")
	}
	if _, ok := promotionTicks(s.cd, s.provider); !ok {
		s.note("stepWeight is 0 with no stepWeights and no iterations: this Canary never promotes")
	}
	if daemonSetMeasuresPrimary(s) {
		b.finding(s.cd, s.origin, fmt.Sprintf("provider %s's builtin metrics select pods named %s-<a>-<b>: a DaemonSet's canary pods (%s-<a>) never match "+
			"and its primary's (%s-primary-<a>) do, so Flagger measures the primary; select the canary's pods in a MetricTemplate",
			s.provider, s.cd.Spec.TargetRef.Name, s.cd.Spec.TargetRef.Name, s.cd.Spec.TargetRef.Name))
	}
}

// daemonSetMeasuresPrimary says whether a DaemonSet's builtin checks read
// the primary's pods: the observers that select pods by name expect a
// Deployment's two-part pod suffix.
func daemonSetMeasuresPrimary(s *subject) bool {
	if s.cd.Spec.TargetRef.Kind != "DaemonSet" {
		return false
	}
	if o := metrics.ObserverFor(s.provider); o != metrics.ObserverHTTP && o != metrics.ObserverAppMesh {
		return false
	}
	return slices.ContainsFunc(s.metrics(), func(m v1beta1.CanaryMetric) bool { return manifest.IsBuiltinMetric(m.Name) })
}

func (b *builder) finding(cd *v1beta1.Canary, origin manifest.Object, msg string) {
	b.plan.Findings = append(b.plan.Findings, Finding{Canary: cd.Namespace + "/" + cd.Name, Origin: origin, Message: msg})
}

// policy plans one policy for a Canary, or records why it is skipped.
func (b *builder) policy(s *subject, p policy, prefix string) {
	_, forced := s.over.expect[p.name]
	why := p.applies(s)
	switch {
	case s.over.skip[p.name]:
		why = "skipped by the " + AnnotationSkip + " annotation"
	case forced && notSuspended(s) == "":
		why = ""
	}
	if why != "" {
		b.plan.Skipped = append(b.plan.Skipped, Skip{Policy: p.name, Canary: s.ref, Origin: s.origin, Reason: why,
			Scenario: prefix + "-" + p.name})
		return
	}
	b.plan.Rehearsals = append(b.plan.Rehearsals, &Rehearsal{Policy: p.name, Canary: s.ref, Origin: s.origin,
		Scenario: s.scenario(p, prefix+"-"+p.name, b.opts), Release: p.release(s), Notes: slices.Clone(s.notes),
		NotRehearsable: p.rehearsable(s), Catchers: p.catchers(s), provider: s.cd.ProviderFor(b.opts.Provider)})
}

func sortedCanaries(list []*v1beta1.Canary) []*v1beta1.Canary {
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b *v1beta1.Canary) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// scenarioPrefixes names each Canary's scenarios: its name, or
// namespace-name when another Canary has the same name, made of a-z, 0-9
// and '-' (a report folder's alphabet). A clash left after that gets a number.
func scenarioPrefixes(canaries []*v1beta1.Canary) []string {
	count := map[string]int{}
	for _, cd := range canaries {
		count[cd.Name]++
	}
	out := make([]string, len(canaries))
	used := map[string]bool{}
	for i, cd := range canaries {
		p := folderName(cd.Name)
		if count[cd.Name] > 1 {
			p = folderName(cd.Namespace + "-" + cd.Name)
		}
		out[i] = unused(p, used)
	}
	return out
}

func unused(p string, used map[string]bool) string {
	name := p
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s-%d", p, n)
	}
	used[name] = true
	return name
}

// folderName keeps a-z, 0-9 and '-' and turns anything else into '-'.
func folderName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, s)
}
