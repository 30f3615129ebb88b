// Package lint finds what Flagger does not catch before a rollout: a Canary
// that can never be promoted, a metric that will never find its template or
// its values, a setting Flagger silently ignores or rewrites. Each problem is
// a Finding with a rule id (RH001...), a severity, a message that says how to
// fix it, and the file and line where it was written.
//
// Which layer reports what. The manifest loader (engine/manifest) refuses
// input it cannot read or that no Flagger version would accept, and some of
// those refusals are exactly the mistakes lint exists for (a metric with no
// builtin name, template or query; stepWeights out of order; a misspelt
// webhook type; thresholdRange min above max; an unknown provider). Those
// checks live once, in the loader. FromLoadError gives the loader's errors
// for them a rule id and returns the rest, which stay input errors. Lint
// itself only runs on a Set that loaded, and adds the checks that need the
// whole Set or Flagger's run-time behaviour; it turns Set.Validate's errors
// (a templateRef naming a MetricTemplate that is not in the files) into
// findings instead of repeating that check.
//
// Lint is pure: it reads the Set and nothing else. The Set does not expose
// the line of each field, only of each object, so findings first point at
// their object and name their field; Locate, given the files' contents,
// moves each finding to its field's line.
package lint
