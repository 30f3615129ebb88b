// This file tests the PromQL budget: subqueries counted in points per series, range-query windows,
// and queries refused for their length or nesting depth.

package budget_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/metrics/budget"
)

func TestQueryBudget(t *testing.T) {
	tests := []struct {
		name, query string
		window      time.Duration
		wantErr     string
	}{
		{"builtin", `sum(rate(http_requests_total{status!~"5.."}[1m])) / sum(rate(http_requests_total[1m])) * 100`, 0, ""},
		{"subquery in budget", `max_over_time(rate(x[5m])[1h:1m])`, 0, ""},
		{"week at a minute", `max_over_time(x[7d:1m])`, 0, ""},
		{"default step", `max_over_time(x[7d:])`, 0, ""},
		{"millisecond step", `count_over_time(vector(1)[7d:1ms])`, 0, "604800001 points per series, over the query budget of 11000 points"},
		{"nested", `max_over_time(max_over_time(x[1h:1s])[1h:1m])`, 0, "over the query budget of 11000 points"},
		{"range query window", `max_over_time(x[1h:1s])`, 3 * time.Hour, "over the query budget of 11000 points"},
		{"strings do not nest", `x{a="((((((((((((((((("}`, 0, ""},
		{"deep", strings.Repeat("abs(", 100000) + "vector(1)" + strings.Repeat(")", 100000), 0, "over the query budget of 65536 bytes"},
		{"deep but short", strings.Repeat("abs(", 5000) + "vector(1)" + strings.Repeat(")", 5000), 0, "nests 5001 levels deep, over the query budget of 200 levels"},
		{"does not parse", `sum(`, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := budget.Check(tc.query, tc.window)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v; want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
