// This file plans and lints build by build: when the manifests render
// several overlays, validate and lint name every Canary and finding after
// the build it came from, so two environments are never mixed up.

package main

import (
	"strings"

	"github.com/rehearse-dev/rehearse/engine/lint"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/sim/policy"
)

// planBuilds plans the rehearsals of every build the manifests hold (one
// per overlay when several overlays render the same Canary), validating
// each. When the manifests render more than one build, every Canary from
// a build is named after it ("apps/overlays/prod: podinfo/podinfo") and
// its scenarios carry the build in their names, so reports never mix up
// two environments. What was read but not rendered (HelmReleases...) is
// added to the plan's findings.
func planBuilds(set *manifest.Set, opts policy.Options) (*policy.Plan, error) {
	label := len(set.Variants) > 0 || set.Rendered > 1
	all := &policy.Plan{}
	var errs manifest.Errors
	for _, b := range set.Builds() {
		if err := b.Validate(); err != nil {
			errs.Add(err)
			continue
		}
		p, err := policy.Build(b, opts)
		if err != nil {
			errs.Add(err)
			continue
		}
		if label {
			labelPlan(p)
		}
		all.Rehearsals = append(all.Rehearsals, p.Rehearsals...)
		all.Skipped = append(all.Skipped, p.Skipped...)
		all.Findings = append(all.Findings, p.Findings...)
	}
	for _, n := range set.Notes {
		all.Findings = append(all.Findings, policy.Finding{Canary: n.Subject, Origin: manifest.Object{File: n.File, Line: n.Line}, Message: n.Text})
	}
	return all, errs.Err()
}

// labelPlan names each Canary rendered by a build after the build.
func labelPlan(p *policy.Plan) {
	for _, r := range p.Rehearsals {
		if b := r.Origin.Build; b != "" {
			r.Canary = b + ": " + r.Canary
			r.Scenario.Name = folderName(b) + "-" + r.Scenario.Name
		}
	}
	for i, s := range p.Skipped {
		if b := s.Origin.Build; b != "" {
			p.Skipped[i].Canary = b + ": " + s.Canary
			p.Skipped[i].Scenario = folderName(b) + "-" + s.Scenario
		}
	}
	for i, f := range p.Findings {
		if b := f.Origin.Build; b != "" {
			p.Findings[i].Canary = b + ": " + f.Canary
		}
	}
}

// labelRuns gives each run of a policy the Canary's name as the plan
// gives it, build included.
func labelRuns(results []policy.Result) []policy.Result {
	for _, r := range results {
		if r.Rehearsal != nil {
			r.Run.Canary = r.Rehearsal.Canary
		}
	}
	return results
}

// folderName keeps a-z, 0-9 and '-' (a report folder's alphabet).
func folderName(s string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '-'
	}, s), "-")
}

// lintBuilds lints each build and places every finding about an object's
// field where that field was written: for an object kustomize rendered,
// in the base or the patch that set it. A finding two builds share (a
// base's own mistake) is reported once.
func lintBuilds(set *manifest.Set, opts lint.Options) []lint.Finding {
	var out []lint.Finding
	seen := map[lint.Finding]bool{}
	for _, b := range set.Builds() {
		for _, f := range lint.Lint(b, opts) {
			if file, line, ok := b.Place(f.Object, f.Field); ok && f.Field != "" {
				f.File, f.Line = file, line
			}
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return lint.Locate(out, nil) // sorted again; the lines are already placed
}
