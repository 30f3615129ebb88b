// This file checks --time-scale on the built binary: every value outside
// the one range the simulator plays (NaN included) is bad input, refused
// with one sentence that names the range.

package main

import (
	"strings"
	"testing"
)

func TestTimeScaleOutOfRange(t *testing.T) {
	for _, v := range []string{"NaN", "1e-9", "0", "-1", "11", "+Inf"} {
		t.Run(v, func(t *testing.T) {
			code, _, stderr := runBinary(t, "run", "--traffic", "real", "--time-scale", v, "--out", t.TempDir(), "../../scenarios/library/good-release.yaml")
			if code != 2 || !strings.Contains(stderr, "use a number from 0.001 to 10") {
				t.Errorf("--time-scale %s: exit %d, want 2 naming the range 0.001 to 10\nstderr: %s", v, code, stderr)
			}
		})
	}
}
