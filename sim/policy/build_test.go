// This file checks the plan: which policies apply to which Canary, the
// expectations and names of each rehearsal, and annotation errors at their
// lines.

package policy

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// TestBuildApplicability: which policies each Canary gets, and why the
// others are skipped.
func TestBuildApplicability(t *testing.T) {
	latencyTemplate := `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: p95, namespace: ns}
spec:
  provider: {type: prometheus, address: "http://prometheus:9090"}
  query: histogram_quantile(0.95, sum(rate(istio_request_duration_milliseconds_bucket{destination_workload="{{ target }}"}[1m])) by (le))
`
	appLatencyTemplate := `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: p95, namespace: ns}
spec:
  provider: {type: prometheus}
  query: max(app_job_latency_seconds{app="{{ target }}"})
`
	// An apdex-style share of requests under 300ms: rehearse's histograms
	// have no 0.3s bucket, so it cannot produce the series.
	apdexTemplate := `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: p95, namespace: ns}
spec:
  provider: {type: prometheus}
  query: sum(rate(app_request_duration_seconds_bucket{app="{{ target }}",le="0.3"}[1m])) / sum(rate(app_request_duration_seconds_count{app="{{ target }}"}[1m]))
`
	queueTemplate := `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: queue, namespace: ns}
spec:
  provider: {type: prometheus}
  query: max(queue_depth{app="{{ target }}"})
`
	withQueue := "      - {name: queue, templateRef: {name: queue}, thresholdRange: {max: 10}}\n"
	withTemplate := "      - {name: p95-latency, templateRef: {name: p95}, thresholdRange: {max: 800}}\n"
	cases := []struct {
		name     string
		annot    string
		spec     string
		template string
		want     string            // scenario names
		skipped  map[string]string // policy → part of the reason
		finding  string
		// notRehearsable: policy → part of the reason
		notRehearsable map[string]string
	}{
		{name: "every policy", spec: analysis(successRate+duration, preRollout),
			want: "app-bad-release app-slow-release app-good-release app-failing-pre-rollout"},
		{name: "no latency check", spec: analysis(successRate, ""),
			want:    "app-bad-release app-good-release",
			skipped: map[string]string{SlowRelease: "no request-duration metric", FailingPreRollout: "no pre-rollout webhook"}},
		// A test webhook (a k6 script, a smoke test) may check latency; a
		// rehearsal answers it 200, so it cannot tell.
		{name: "no latency metric, a test webhook", spec: analysis(successRate, preRollout),
			want:           "app-bad-release app-slow-release app-good-release app-failing-pre-rollout",
			notRehearsable: map[string]string{SlowRelease: "no metric checks latency, and webhook smoke runs a test rehearse does not run"}},
		{name: "latency template over the mesh's series", spec: analysis(successRate+withTemplate, preRollout), template: latencyTemplate,
			want: "app-bad-release app-slow-release app-good-release app-failing-pre-rollout"},
		{name: "latency gauge of the application", spec: analysis(successRate+withTemplate, preRollout), template: appLatencyTemplate,
			want: "app-bad-release app-slow-release app-good-release app-failing-pre-rollout"},
		{name: "latency only checked by a query rehearse cannot produce", spec: analysis(successRate+withTemplate, preRollout), template: apdexTemplate,
			want:           "app-bad-release app-slow-release app-good-release app-failing-pre-rollout",
			notRehearsable: map[string]string{SlowRelease: "latency is only checked by p95-latency, whose series rehearse cannot produce"}},
		{name: "errors only checked by a query rehearse cannot produce", spec: analysis(duration+withQueue, ""), template: queueTemplate,
			want:           "app-bad-release app-slow-release app-good-release",
			skipped:        map[string]string{FailingPreRollout: "no pre-rollout webhook"},
			notRehearsable: map[string]string{BadRelease: "errors are only checked by queue, whose series rehearse cannot produce"}},
		{name: "no check of errors at all", spec: analysis(duration, ""),
			want:    "app-bad-release app-slow-release app-good-release",
			skipped: map[string]string{FailingPreRollout: "no pre-rollout webhook"}},
		{name: "duration bound beyond the simulator", spec: analysis(successRate+"      - {name: request-duration, thresholdRange: {max: 20000}}\n", ""),
			want:    "app-bad-release app-good-release",
			skipped: map[string]string{SlowRelease: "more than the slowest latency", FailingPreRollout: "no pre-rollout webhook"}},
		{name: "skipAnalysis", spec: "  skipAnalysis: true\n" + analysis(successRate+duration, preRollout),
			want:    "app-good-release",
			skipped: map[string]string{BadRelease: "skipAnalysis", SlowRelease: "skipAnalysis", FailingPreRollout: "skipAnalysis"},
			finding: "cannot catch a bad or slow release"},
		{name: "suspended", spec: "  suspend: true\n" + analysis(successRate+duration, preRollout),
			want: "",
			skipped: map[string]string{BadRelease: "suspend: true: Flagger does not analyse this Canary",
				SlowRelease: "suspend: true", GoodRelease: "suspend: true", FailingPreRollout: "suspend: true"}},
		{name: "suspended wins over an expectation", annot: "    rehearse.dev/expect.bad-release: Failed\n",
			spec: "  suspend: true\n" + analysis(successRate, ""), want: "",
			skipped: map[string]string{BadRelease: "suspend: true", SlowRelease: "suspend: true", GoodRelease: "suspend: true",
				FailingPreRollout: "suspend: true"}},
		{name: "skip annotation", annot: "    rehearse.dev/skip: slow-release, failing-pre-rollout\n", spec: analysis(successRate+duration, preRollout),
			want:    "app-bad-release app-good-release",
			skipped: map[string]string{SlowRelease: "rehearse.dev/skip", FailingPreRollout: "rehearse.dev/skip"}},
		{name: "an expectation forces a policy", annot: "    rehearse.dev/expect.slow-release: Succeeded\n", spec: analysis(successRate, ""),
			want:    "app-bad-release app-slow-release app-good-release",
			skipped: map[string]string{FailingPreRollout: "no pre-rollout webhook"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"canary.yaml": canaryYAML("app", c.annot, c.spec), "deploy.yaml": deploymentYAML}
			if c.template != "" {
				files["template.yaml"] = c.template
			}
			p, err := Build(loadSet(t, files), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := policiesOf(p); got != c.want {
				t.Errorf("rehearsals %q, want %q", got, c.want)
			}
			checkSkipped(t, p, c.skipped)
			checkFinding(t, p, c.finding)
			checkNotRehearsable(t, p, c.notRehearsable)
		})
	}
}

func checkSkipped(t *testing.T, p *Plan, want map[string]string) {
	t.Helper()
	if len(p.Skipped) != len(want) {
		t.Errorf("skipped %+v, want %v", p.Skipped, want)
	}
	for _, s := range p.Skipped {
		if reason, ok := want[s.Policy]; !ok || !strings.Contains(s.Reason, reason) {
			t.Errorf("%s skipped because %q, want a reason with %q", s.Policy, s.Reason, reason)
		}
	}
}

func checkNotRehearsable(t *testing.T, p *Plan, want map[string]string) {
	t.Helper()
	got := p.NotRehearsable()
	if len(got) != len(want) {
		t.Errorf("not rehearsable %d, want %v", len(got), want)
	}
	for _, r := range got {
		if reason, ok := want[r.Policy]; !ok || !strings.Contains(r.NotRehearsable, reason) {
			t.Errorf("%s not rehearsable because %q, want a reason with %q", r.Policy, r.NotRehearsable, reason)
		}
		if slices.Contains(p.Scenarios(), r.Scenario) {
			t.Errorf("%s is not rehearsable, yet its scenario is to be run", r.Policy)
		}
	}
}

func checkFinding(t *testing.T, p *Plan, want string) {
	t.Helper()
	switch {
	case want == "" && len(p.Findings) > 0:
		t.Errorf("unexpected findings %+v", p.Findings)
	case want != "" && (len(p.Findings) != 1 || !strings.Contains(p.Findings[0].Message, want)):
		t.Errorf("findings %+v, want one with %q", p.Findings, want)
	}
}

// TestBuildDaemonSetTarget: a DaemonSet target is rehearsed like a
// Deployment, releasing a new reference to the DaemonSet's own image.
func TestBuildDaemonSetTarget(t *testing.T) {
	ds := strings.Replace(deploymentYAML, "kind: Deployment", "kind: DaemonSet", 1)
	yaml := strings.Replace(canaryYAML("app", "", analysis(successRate, "")), "kind: Deployment, name: app", "kind: DaemonSet, name: app", 1)
	p, err := Build(loadSet(t, map[string]string{"daemonset.yaml": ds, "canary.yaml": yaml}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rehearsals) == 0 || len(p.Findings) != 0 {
		t.Fatalf("rehearsals %q, findings %+v: want the DaemonSet rehearsed", policiesOf(p), p.Findings)
	}
	if rel := p.Rehearsals[0].Scenario.Release; rel.From != "registry.example.com/app:1.0" || rel.To != "registry.example.com/app:1.0-rehearsal" {
		t.Errorf("release %+v, want the DaemonSet's image and a new tag of it", rel)
	}
}

// TestBuildExpectations: the outcome and budget each policy requires, with
// the command's options and the Canary's annotations.
func TestBuildExpectations(t *testing.T) {
	spec := analysis(successRate+duration, preRollout)
	cases := []struct {
		name   string
		annot  string
		opts   Options
		policy string
		phase  v1beta1.CanaryPhase
		within time.Duration
	}{
		{"bad release, default budget", "", Options{}, BadRelease, v1beta1.CanaryPhaseFailed, 10 * time.Minute},
		{"bad release, command budget", "", Options{MaxRollbackTime: 7 * time.Minute}, BadRelease, v1beta1.CanaryPhaseFailed, 7 * time.Minute},
		{"bad release, annotation wins", "    rehearse.dev/max-rollback-time: 15m\n", Options{MaxRollbackTime: 7 * time.Minute}, BadRelease, v1beta1.CanaryPhaseFailed, 15 * time.Minute},
		{"good release, derived budget", "", Options{}, GoodRelease, v1beta1.CanaryPhaseSucceeded, 11 * time.Minute},
		{"good release, command budget", "", Options{MaxPromotionTime: 30 * time.Minute}, GoodRelease, v1beta1.CanaryPhaseSucceeded, 30 * time.Minute},
		{"good release, annotation wins", "    rehearse.dev/max-promotion-time: 20m\n", Options{MaxPromotionTime: 30 * time.Minute}, GoodRelease, v1beta1.CanaryPhaseSucceeded, 20 * time.Minute},
		{"good release expected to fail", "    rehearse.dev/expect.good-release: failed\n", Options{}, GoodRelease, v1beta1.CanaryPhaseFailed, 10 * time.Minute},
		{"slow release expected to promote", "    rehearse.dev/expect.slow-release: Succeeded\n", Options{}, SlowRelease, v1beta1.CanaryPhaseSucceeded, 11 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Build(loadSet(t, map[string]string{"canary.yaml": canaryYAML("app", c.annot, spec), "deploy.yaml": deploymentYAML}), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			e := rehearsalOf(t, p, c.policy).Scenario.Expect
			if e.Outcome != c.phase || e.Within != c.within {
				t.Errorf("expect %s within %s, want %s within %s", e.Outcome, e.Within, c.phase, c.within)
			}
		})
	}
}

func rehearsalOf(t *testing.T, p *Plan, policy string) *Rehearsal {
	t.Helper()
	for _, r := range p.Rehearsals {
		if r.Policy == policy {
			return r
		}
	}
	t.Fatalf("no %s rehearsal in %q", policy, policiesOf(p))
	return nil
}

// TestBuildAnnotationErrors: a bad rehearse.dev/ annotation is bad input at
// its own line (or the Canary's, when the file cannot be read again).
func TestBuildAnnotationErrors(t *testing.T) {
	cases := []struct {
		name, annot string
		read        bool
		want        string
	}{
		{"unknown key", "    rehearse.dev/max-rollback: 5m\n", true,
			`canary.yaml:6:32: metadata.annotations["rehearse.dev/max-rollback"]: not an annotation rehearse reads: use one of rehearse.dev/skip, rehearse.dev/max-rollback-time`},
		{"did you mean", "    rehearse.dev/skp: slow-release\n", true, `did you mean "rehearse.dev/skip"?`},
		{"bad duration", "    rehearse.dev/max-rollback-time: soon\n", true, `canary.yaml:6:37: metadata.annotations["rehearse.dev/max-rollback-time"]: "soon" is not a duration`},
		{"negative duration", "    rehearse.dev/max-promotion-time: -5m\n", true, `"-5m" must be longer than zero`},
		{"unknown policy in skip", "    rehearse.dev/skip: slow-relase\n", true, `"slow-relase" is not a built-in policy: use bad-release, slow-release, good-release, failing-pre-rollout; did you mean "slow-release"?`},
		{"unknown policy in expect", "    rehearse.dev/expect.bad: Failed\n", true, `"bad" is not a built-in policy`},
		{"unknown outcome", "    rehearse.dev/expect.bad-release: rolled-back\n", true, `"rolled-back" is not an outcome: write Succeeded (promoted) or Failed (rolled back)`},
		{"skipped and expected", "    rehearse.dev/skip: bad-release\n    rehearse.dev/expect.bad-release: Failed\n", true,
			`canary.yaml:7:38: metadata.annotations["rehearse.dev/expect.bad-release"]: bad-release is also listed in rehearse.dev/skip`},
		{"no reader: the Canary's line", "    rehearse.dev/max-rollback-time: soon\n", false, `canary.yaml:1: metadata.annotations["rehearse.dev/max-rollback-time"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"canary.yaml": canaryYAML("app", c.annot, analysis(successRate, "")), "deploy.yaml": deploymentYAML}
			opts := Options{}
			if c.read {
				opts.ReadFile = reader(files)
			}
			_, err := Build(loadSet(t, files), opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one with %q", err, c.want)
			}
		})
	}
}

// TestBuildNames: scenario names are <canary>-<policy>, with the namespace
// when two Canaries share a name, in the a-z0-9- alphabet.
func TestBuildNames(t *testing.T) {
	other := strings.Replace(canaryYAML("app", "", analysis(successRate, "")), "namespace: ns", "namespace: Team.B", 1)
	otherDeploy := strings.Replace(deploymentYAML, "namespace: ns", "namespace: Team.B", 1)
	files := map[string]string{"a.yaml": canaryYAML("app", "", analysis(successRate, "")), "b.yaml": other,
		"c.yaml": canaryYAML("web.v2", "", analysis(successRate, "")), "d.yaml": deploymentYAML, "e.yaml": otherDeploy}
	p, err := Build(loadSet(t, files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "team-b-app-bad-release team-b-app-good-release ns-app-bad-release ns-app-good-release web-v2-bad-release web-v2-good-release"
	if got := policiesOf(p); got != want {
		t.Errorf("names %q, want %q", got, want)
	}
}
