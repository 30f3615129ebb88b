// This file runs the one-line bombs of a MetricTemplate through the built
// binary under a memory limit and a time bound: each check must fail on its
// budget, quickly, in bounded memory.

package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// memoryLimitKiB is the address space the bombs run in (ulimit -v): enough
// for the Go runtime and its threads (2 GiB), far too little for the 9.6 GB a
// week-long millisecond subquery took before budgets.
const memoryLimitKiB = 2 << 20

func TestBombsFailOnTheirBudget(t *testing.T) {
	bin := builtBinary(t)
	tests := []struct{ scenario, want string }{
		{"subquery.yaml", "over the query budget of 11000 points"},
		{"template.yaml", "more than 100000 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			out := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// The script is the test's own, with the binary and the paths as
			// arguments; no scenario data reaches the shell.
			cmd := exec.CommandContext(ctx, "bash", "-c", `ulimit -v "$1" && exec "$2" run --out "$3" "$4"`, "bash",
				itoa(memoryLimitKiB), bin, out, filepath.Join("testdata", "bombs", tt.scenario))
			stdout, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("the bomb ran past 30s:\n%s", stdout)
			}
			if err != nil {
				t.Fatalf("exit %v, want 0 (the rehearsal expects the rollback):\n%s", err, stdout)
			}
			report := readFile(t, filepath.Join(out, strings.TrimSuffix(tt.scenario, ".yaml")+"-bomb", "report.md"))
			if !strings.Contains(report, tt.want) {
				t.Errorf("the report does not name the budget (%q):\n%s", tt.want, report)
			}
		})
	}
}
