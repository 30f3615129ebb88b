// Package browser runs Debian's headless chromium for the tests that check
// a report in a real browser (the sweep page, Markdown rendered as GitHub
// renders it): fixed arguments, no shell, its own profile, no network.
package browser

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Chromium is Debian's chromium, which `make browser-deps` installs.
const Chromium = "/usr/bin/chromium"

// bound stops a hung browser; it is a bound, not a speed check.
const bound = 60 * time.Second

// Available says why the browser checks cannot run here, or "".
func Available() string {
	if _, err := os.Stat(Chromium); err != nil {
		return "the browser check needs Debian's chromium: apt-get install -y chromium (make browser-deps)"
	}
	return ""
}

// Run runs headless chromium with profile as its profile folder and home,
// and returns what it wrote to stdout and stderr.
func Run(ctx context.Context, profile string, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, Chromium, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	cmd.WaitDelay = 5 * time.Second
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		return out.String(), errs.String(), fmt.Errorf("chromium %s: %w\n%s", strings.Join(args, " "), err, errs.String())
	}
	return out.String(), errs.String(), nil
}

// ConsoleProblems picks chromium's log lines that come from the page's
// console or an uncaught exception. Other ERROR lines (no D-Bus in a
// container) are the browser's own.
func ConsoleProblems(logs string) []string {
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			out = append(out, line)
		}
	}
	return out
}
