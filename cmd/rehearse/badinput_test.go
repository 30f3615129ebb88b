// This file feeds run and lint malformed, hostile and oversized inputs
// (the large and binary ones written by the test): each is refused with
// exit 2 and its file and line, no report, no stack trace, no leaked file.

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// badInput is one input rehearse must refuse with exit status 2.
type badInputCase struct {
	name string
	cmd  string   // run or lint
	path string   // the input, relative to the test's folder
	want []string // on stderr: the file, and its line where one exists
}

// TestBadInputIsRefused walks malformed, hostile and oversized inputs
// through the CLI: each must exit 2 with a message naming the file (and
// the line, when there is one), print no report, and never a stack trace.
// The large and binary inputs are written by the test, not committed.
func TestBadInputIsRefused(t *testing.T) {
	gen := generateBadInputs(t)
	cases := []badInputCase{
		// The file as a whole.
		{"empty file", "run", "testdata/bad/empty.yaml", []string{"empty.yaml: the file is empty"}},
		{"only separators", "run", "testdata/bad/only-separators.yaml", []string{"only-separators.yaml: the file is empty"}},
		{"binary garbage", "run", gen.binary, []string{"binary.yaml:1: not UTF-8 text"}},
		{"UTF-16 file", "run", gen.utf16, []string{"utf16.yaml:1: not UTF-8 text", "save the file as UTF-8"}},
		{"a list", "run", "testdata/bad/list.yaml", []string{"list.yaml:1:1: a scenario must be a mapping"}},
		{"a scalar", "run", "testdata/bad/scalar.yaml", []string{"scalar.yaml:1:1: a scenario must be a mapping"}},
		{"wrong apiVersion", "run", "testdata/bad/wrong-apiversion.yaml", []string{"wrong-apiversion.yaml:1:13: apiVersion: rehearse.dev/v1 is not a scenario version"}},
		{"a Canary given as a scenario", "run", "testdata/bad/canary-as-scenario.yaml", []string{"canary-as-scenario.yaml:3:7: kind: Canary is not a Scenario"}},
		{"tabs for indentation", "run", "testdata/bad/tabs.yaml", []string{"tabs.yaml:8: not valid YAML: found a tab character"}},
		{"tab inside an inline manifest", "run", "testdata/bad/inline-tab.yaml", []string{"inline-tab.yaml:20: not valid YAML"}},
		{"duplicate keys", "run", "testdata/bad/duplicate-key.yaml", []string{"duplicate-key.yaml:16:3: spec.traffic: key written twice (first at line 15)"}},
		// Unknown fields, at each level.
		{"unknown top-level field", "run", "testdata/bad/unknown-top-field.yaml", []string{"unknown-top-field.yaml:5:1: colour: unknown field"}},
		{"unknown metadata field", "run", "testdata/bad/unknown-metadata-field.yaml", []string{"unknown-metadata-field.yaml:5:3: metadata.labels: unknown field"}},
		{"unknown spec field", "run", "testdata/bad/unknown-spec-field.yaml", []string{"unknown-spec-field.yaml:15:3: spec.speed: unknown field"}},
		{"unknown version field", "run", "testdata/bad/unknown-version-field.yaml", []string{"unknown-version-field.yaml:14:44:", `did you mean "successRate"?`}},
		{"unknown event field", "run", "testdata/bad/unknown-event-field.yaml", []string{"unknown-event-field.yaml:16:29: spec.events[0].when: unknown field"}},
		{"a webhook URL in an answer", "run", "testdata/bad/webhook-url.yaml", []string{"webhook-url.yaml:18:35: spec.webhooks.acceptance-test.answers[0].url: unknown field"}},
		// Wrong types and values.
		{"string for rps", "run", "testdata/bad/rps-string.yaml", []string{`rps-string.yaml:15:18: spec.traffic.rps: expected a number, got string "fast"`}},
		{"list for release", "run", "testdata/bad/release-list.yaml", []string{"release-list.yaml:9:3: spec.release: expected a mapping, got a list"}},
		{"negative duration", "run", "testdata/bad/negative-duration.yaml", []string{`negative-duration.yaml:16:12: spec.events[0].at: "-5m" is negative`}},
		{"1x as a duration", "run", "testdata/bad/bad-unit-duration.yaml", []string{`bad-unit-duration.yaml:16:12: spec.events[0].at: "1x" is not a duration`}},
		{"a bare number as a duration", "run", "testdata/bad/number-duration.yaml", []string{"number-duration.yaml:16:12: spec.events[0].at: 300 is not a duration"}},
		{"tick below range", "run", "testdata/bad/script-tick-negative.yaml", []string{"script-tick-negative.yaml:16:14: spec.script[0].tick: -3 is not a tick"}},
		{"unicode metric name in a script", "run", "testdata/bad/script-metric-unicode.yaml", []string{`script-metric-unicode.yaml:16:34:`, `metric "успех" is not in Canary`}},
		{"unicode series name", "run", "testdata/bad/series-unicode-metric.yaml", []string{`series-unicode-metric.yaml:16:16: spec.series[0].metric: "запросы_total" is not a series name`}},
		{"bad series notation", "run", "testdata/bad/series-bad-notation.yaml", []string{"series-bad-notation.yaml:16:28: spec.series[0].values:", "not promtool series notation"}},
		{"maxDuration zero", "run", "testdata/bad/max-duration-zero.yaml", []string{"max-duration-zero.yaml:15:25: spec.limits.maxDuration: must be longer than zero"}},
		// Limits.
		{"absurd duration 99999h", "run", "testdata/bad/absurd-duration.yaml", []string{`absurd-duration.yaml:16:12: spec.events[0].at: "99999h" is over the limit of 168h0m0s`}},
		{"maxDuration 10000h", "run", "testdata/bad/max-duration-10000h.yaml", []string{`max-duration-10000h.yaml:15:25: spec.limits.maxDuration: "10000h" is over the limit of 168h0m0s`}},
		{"script tick of 10^9", "run", "testdata/bad/script-tick-billion.yaml", []string{"script-tick-billion.yaml:16:14: spec.script[0].tick: tick 1000000000 is over the limit of 100000"}},
		{"expected tick of 10^9", "run", "testdata/bad/expect-tick-billion.yaml", []string{"expect-tick-billion.yaml:17:16: spec.expect.ticks[0].tick: tick 1000000000 is over the limit of 100000"}},
		{"series interval of 1ns", "run", "testdata/bad/series-interval-1ns.yaml", []string{"series-interval-1ns.yaml:16:47: spec.series[0].interval: 1ns is under the limit of 1s"}},
		{"a billion samples", "run", "testdata/bad/series-billion-samples.yaml", []string{"series-billion-samples.yaml:16:28: spec.series[0].values: expands to up to 1000000001 samples", "over the limit of 1000000"}},
		{"a repeat beyond 64 bits", "run", "testdata/bad/series-repeat-overflow.yaml", []string{"series-repeat-overflow.yaml:16:28: spec.series[0].values: expands to more than 1000000 samples"}},
		{"100k series", "run", gen.manySeries, []string{"many-series.yaml:12:3: spec.series: holds 100000 series, over the limit of 10000"}},
		{"50 MB scenario", "run", gen.bigScenario, []string{"big.yaml: the scenario is 50.0 MiB, over the limit of 10 MiB"}},
		{"billion laughs", "run", "testdata/bad/billion-laughs.yaml", []string{"billion-laughs.yaml:1: not valid YAML: document contains excessive aliasing"}},
		{"deeply nested YAML", "run", gen.deep, []string{"deep.yaml:1: not valid YAML: exceeded max depth"}},
		// Paths.
		{"scenario is a symlink loop", "run", gen.loop, []string{"loop.yaml: cannot read: too many levels of symbolic links"}},
		{"scenario is a device", "run", "/dev/zero", []string{"/dev/zero: is a device, not a file: a scenario is a YAML file"}},
		{"manifest is a device", "run", "testdata/bad/manifest-dev-zero.yaml", []string{"manifest-dev-zero.yaml:8:7: spec.manifests[1]: /dev/zero is not a .yaml, .yml or .json file"}},
		{"manifest is a device named .yaml", "run", gen.deviceManifest, []string{"zero.yaml: is a device, not a file: a manifest is a YAML file"}},
		{"manifest is a folder without YAML", "run", "testdata/bad/manifest-directory.yaml", []string{"not-yaml-dir: the folder holds no *.yaml or *.yml file"}},
		{"manifest is a symlink loop", "run", gen.manifestLoop, []string{"manifest-loop.yaml:14:7: spec.manifests[1]: cannot read", "too many levels of symbolic links"}},
		{"manifest is 50 MB", "run", gen.bigManifestScenario, []string{"big-manifest.yaml: the manifest is 50.0 MiB, over the limit of 10 MiB"}},
		{"manifest listed twice", "run", "testdata/bad/manifest-twice.yaml", []string{"fixtures/podinfo/canary.yaml:3: Canary/test/podinfo: defined twice"}},
		{"manifest escaping to /etc/shadow", "run", "testdata/bad/manifest-etc-shadow.yaml", []string{"manifest-etc-shadow.yaml:8:7: spec.manifests[1]: /etc/shadow is not a .yaml, .yml or .json file"}},
		// lint reads manifests with the same loader and the same limits.
		{"lint: 50 MB manifest", "lint", gen.bigManifest, []string{"big-manifest.yaml: the manifest is 50.0 MiB, over the limit of 10 MiB"}},
		{"lint: UTF-16 manifest", "lint", gen.utf16Manifest, []string{"utf16-manifest.yaml:1: not UTF-8 text"}},
		{"lint: billion laughs", "lint", gen.laughsManifest, []string{"laughs-manifest.yaml:1: not valid YAML: document contains excessive aliasing"}},
		{"lint: a device", "lint", "/dev/zero", []string{"/dev/zero: is a device, not a file: a manifest is a YAML file"}},
		{"lint: a folder without YAML", "lint", "testdata/bad/not-yaml-dir", []string{"not-yaml-dir: the folder holds no *.yaml or *.yml file"}},
		{"lint: a folder of 1001 YAML files", "lint", gen.manyFiles, []string{"many-files: holds more than 1000 YAML files"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{c.cmd, c.path}
			if c.cmd == "run" {
				args = []string{"run", "--out", t.TempDir(), c.path}
			}
			code, out, errOut := rehearse(t, args...)
			checkRefused(t, code, out, errOut, c.want)
		})
	}
}

func checkRefused(t *testing.T, code int, out, errOut string, want []string) {
	t.Helper()
	if code != exitBadInput {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitBadInput, clipOutput(out), clipOutput(errOut))
	}
	for _, w := range want {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, clipOutput(errOut))
		}
	}
	for _, s := range []string{"panic", "goroutine ", "runtime."} {
		if strings.Contains(out+errOut, s) {
			t.Errorf("%q reached the user:\n%s", s, clipOutput(errOut))
		}
	}
	if out != "" {
		t.Errorf("bad input printed a report:\n%s", clipOutput(out))
	}
}

func clipOutput(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}

// TestBadInputDoesNotLeakFiles: a manifest path pointing at a secret is
// refused without printing what the file holds.
func TestBadInputDoesNotLeakFiles(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "shadow")
	// Shaped like /etc/shadow, and like YAML a loader might echo back.
	body := "root:$6$c2FsdHNhbHQ$hunter2hunter2hunter2:19000:0:99999:7:::\ndaemon: \"*:19000:0:99999:7:::\"\napiVersion: v1\nkind: Secret\nmetadata: {name: s3cr3t-name}\nstringData: {password: hunter2-in-yaml}\n"
	if err := os.WriteFile(secret, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	scenario := writeScenario(t, t.TempDir(), "leak.yaml", "  manifests: ["+quote(absFixture(t, "deployment.yaml"))+", "+quote(secret)+"]\n")
	code, out, errOut := rehearse(t, "run", "--out", t.TempDir(), scenario)
	checkRefused(t, code, out, errOut, []string{"leak.yaml:12:", secret + " is not a .yaml, .yml or .json file"})
	for _, s := range []string{"hunter2", "c2FsdHNhbHQ", "s3cr3t", "19000"} {
		if strings.Contains(out+errOut, s) {
			t.Errorf("the error shows the file's content %q:\n%s", s, errOut)
		}
	}
}

// generated holds the paths of the inputs written by the test.
type generated struct {
	binary, utf16, manySeries, bigScenario, deep, loop                                                       string
	deviceManifest, manyFiles, manifestLoop, bigManifest, bigManifestScenario, utf16Manifest, laughsManifest string
}

func generateBadInputs(t *testing.T) generated {
	t.Helper()
	dir := t.TempDir()
	var g generated
	g.binary = writeFile(t, dir, "binary.yaml", binaryGarbage())
	g.utf16 = writeFile(t, dir, "utf16.yaml", utf16LE(validScenario(t, "")))
	g.manySeries = writeScenario(t, dir, "many-series.yaml", "  series:\n"+strings.Repeat("    - {metric: up, values: \"1\"}\n", 100_000))
	g.bigScenario = writeFile(t, dir, "big.yaml", padded(validScenario(t, ""), 50<<20))
	g.deep = writeFile(t, dir, "deep.yaml", []byte(strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)))
	g.loop = symlinkLoop(t, dir, "loop.yaml")
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	g.deviceManifest = writeScenario(t, dir, "device-manifest.yaml", "  manifests: ["+quote(absFixture(t, "deployment.yaml"))+", "+quote(zero)+"]\n")
	loop := symlinkLoop(t, dir, "loop-manifest.yaml")
	g.manifestLoop = writeScenario(t, dir, "manifest-loop.yaml", "  manifests:\n    - "+quote(absFixture(t, "deployment.yaml"))+"\n    - "+quote(loop)+"\n")
	canary, err := os.ReadFile(absFixture(t, "canary.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	g.bigManifest = writeFile(t, dir, "big-manifest.yaml", padded(canary, 50<<20))
	g.bigManifestScenario = writeScenario(t, dir, "big-manifest-scenario.yaml", "  manifests: ["+quote(absFixture(t, "deployment.yaml"))+", "+quote(g.bigManifest)+"]\n")
	g.utf16Manifest = writeFile(t, dir, "utf16-manifest.yaml", utf16LE(canary))
	laughs, err := os.ReadFile("testdata/bad/billion-laughs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g.laughsManifest = writeFile(t, dir, "laughs-manifest.yaml", laughs)
	g.manyFiles = filepath.Join(dir, "many-files")
	if err := os.Mkdir(g.manyFiles, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 1001 {
		writeFile(t, g.manyFiles, fmt.Sprintf("cm-%04d.yaml", i), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n"))
	}
	return g
}

// validScenario is a scenario that runs, with extra lines appended to spec
// and manifest paths made absolute so it can live in any folder.
func validScenario(t *testing.T, extra string) []byte {
	t.Helper()
	return []byte(`apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata:
  name: generated
spec:
  release:
    from: ghcr.io/stefanprodan/podinfo:6.0.0
    to: ghcr.io/stefanprodan/podinfo:6.0.1
  versions:
    "ghcr.io/stefanprodan/podinfo:6.0.0": {}
    "ghcr.io/stefanprodan/podinfo:6.0.1": {}
` + extraOrManifests(t, extra))
}

func extraOrManifests(t *testing.T, extra string) string {
	if strings.Contains(extra, "manifests:") {
		return extra
	}
	return extra + "  manifests: [" + quote(absFixture(t, "deployment.yaml")) + ", " + quote(absFixture(t, "canary.yaml")) + "]\n"
}

func writeScenario(t *testing.T, dir, name, extra string) string {
	t.Helper()
	return writeFile(t, dir, name, validScenario(t, extra))
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func absFixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("../../fixtures/podinfo", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// symlinkLoop makes name a link to a link back to it.
func symlinkLoop(t *testing.T, dir, name string) string {
	t.Helper()
	a, b := filepath.Join(dir, name), filepath.Join(dir, name+".other")
	if err := os.Symlink(b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a, b); err != nil {
		t.Fatal(err)
	}
	return a
}

// padded is data followed by comment lines up to size bytes: valid YAML,
// so only the size limit can refuse it.
func padded(data []byte, size int) []byte {
	line := []byte("# padding padding padding padding padding padding padding padding\n")
	out := bytes.NewBuffer(make([]byte, 0, size+len(line)))
	out.Write(data)
	for out.Len() < size {
		out.Write(line)
	}
	return out.Bytes()
}

// binaryGarbage is a fixed, deterministic stream of every byte value.
func binaryGarbage() []byte {
	out := make([]byte, 4096)
	x := uint32(2463534242)
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out[i] = byte(x)
	}
	return out
}

// utf16LE encodes text as UTF-16 little-endian with a byte-order mark,
// as Windows editors save "Unicode" files.
func utf16LE(text []byte) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(string(text))) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// BenchmarkRefuseBillionLaughs measures how fast an alias bomb is refused.
func BenchmarkRefuseBillionLaughs(b *testing.B) {
	for b.Loop() {
		if code := run(context.Background(), []string{"run", "--out", b.TempDir(), "testdata/bad/billion-laughs.yaml"}, io.Discard, io.Discard); code != exitBadInput {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkRefuse50MB measures how fast an oversized scenario is refused
// (the size is known before reading).
func BenchmarkRefuse50MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.yaml")
	if err := os.WriteFile(path, padded([]byte("kind: Scenario\n"), 50<<20), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if code := run(context.Background(), []string{"run", "--out", b.TempDir(), path}, io.Discard, io.Discard); code != exitBadInput {
			b.Fatalf("exit %d", code)
		}
	}
}
