// This file opens the sweep page in headless chromium: the DOM must hold
// every chart and row, the console must stay silent, and a screenshot must
// show a picture, not a blank page.

package sweepreport

import (
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/internal/browser"
	"github.com/rehearse-dev/rehearse/reports/internal/golden"
)

// chromiumPath is Debian's chromium, which the Makefile installs.
const chromiumPath = browser.Chromium

func TestSweepPageInBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("the browser check needs Debian's chromium: apt-get install -y chromium")
	}
	dir := t.TempDir()
	res := sweepFixture()
	sum, err := Summarize(res, Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := writeTempFile(t, dir, "sweep.html", golden.Render(t, func(w io.Writer) error { return Options{}.WriteHTML(w, res) }))
	dom, logs := runChromium(t, filepath.Join(dir, "profile-dom"), "--dump-dom", "file://"+page)
	for _, c := range []struct {
		what, marker string
		want         int
	}{
		{"scatter chart", `<svg id="scatter"`, 1},
		{"time-to-decision chart", `<svg id="times"`, 1},
		{"scatter points, one per combination", `<circle class="point`, 6},
		{"CI whiskers, two per point", `<line class="whisker"`, 12},
		{"median dots of bad releases", `<circle class="median bad"`, 6},
		{"median dots of good releases", `<circle class="median good"`, 6},
		{"p95 bars", `<line class="p95 `, 12},
		{"table rows (header and combinations)", "<tr", 7},
		{"findings", `<li class="finding`, len(sum.Findings)},
	} {
		if got := strings.Count(dom, c.marker); got != c.want {
			t.Errorf("the browser's DOM has %d %s, want %d", got, c.what, c.want)
		}
	}
	if problems := consoleProblems(logs); len(problems) > 0 {
		t.Errorf("the page logged to the console:\n%s", strings.Join(problems, "\n"))
	}
	checkScreenshot(t, dir, page)
}

// TestConsoleProblemsSeesScriptErrors makes sure the console check above
// can fail: chromium's log of a broken page must trip it.
func TestConsoleProblemsSeesScriptErrors(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip("the browser check needs Debian's chromium: apt-get install -y chromium")
	}
	dir := t.TempDir()
	page := writeTempFile(t, dir, "broken.html", []byte(`<!DOCTYPE html><html><body><script>console.error("boom"); missing();</script></body></html>`))
	_, logs := runChromium(t, filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	if got := consoleProblems(logs); len(got) != 2 {
		t.Errorf("want the console error and the uncaught exception, got %d lines:\n%s", len(got), logs)
	}
}

// checkScreenshot renders the page to a PNG and checks it is a picture,
// not a blank page. Set REHEARSE_SCREENSHOT_DIR to keep it and look at it.
func checkScreenshot(t *testing.T, dir, page string) {
	t.Helper()
	out := filepath.Join(dir, "sweep.png")
	if keep := os.Getenv("REHEARSE_SCREENSHOT_DIR"); keep != "" {
		out = filepath.Join(keep, "sweep.png")
	}
	runChromium(t, filepath.Join(dir, "profile-shot"), "--screenshot="+out, "--window-size=1280,1600", "file://"+page)
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 1600 {
		t.Errorf("screenshot is %dx%d, want 1280x1600", b.Dx(), b.Dy())
	}
	if n := colorCount(img); n < 20 {
		t.Errorf("the screenshot has %d colours: the page looks blank", n)
	}
}

func colorCount(img image.Image) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	return len(seen)
}

// runChromium runs headless chromium (internal/browser); the test fails
// when it cannot.
func runChromium(t *testing.T, profile string, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, err := browser.Run(t.Context(), profile, args...)
	if err != nil {
		t.Fatal(err)
	}
	return stdout, stderr
}

// consoleProblems: the page has no script, so any console line is a defect.
func consoleProblems(logs string) []string { return browser.ConsoleProblems(logs) }

func writeTempFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
