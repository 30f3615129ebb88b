// This file tests that invalid UTF-8, .nan and .inf, and documents nested too deep are reported at
// their own line.

package manifest

import (
	"strings"
	"testing"
)

// TestShapeErrorsNameTheirLine: what YAML accepts and JSON or Go cannot take
// is reported at its own line, with what to fix.
func TestShapeErrorsNameTheirLine(t *testing.T) {
	deep := func(n int) string {
		return "a: 1\nb: 2\nc: " + strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n) + "\n"
	}
	tests := []struct {
		name, data, want string
	}{
		{"invalid UTF-8 on line 7", "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: ok \xff\n", "f.yaml:7:7: byte 0xff is not UTF-8"},
		{"nan", "a: 1\nmin: .nan\n", "f.yaml:2:6: .nan is not a number this field can take"},
		{"negative infinity", "a:\n  - -.Inf\n", "f.yaml:2:5: -.Inf is not a number"},
		{"10,000 levels", deep(10000), "f.yaml:3:4000: nested more than 1000 levels deep"},
		{"1,001 levels", deep(1001), "nested more than 1000 levels deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDoc("f.yaml", []byte(tt.data), 0)
			if err == nil {
				_, err = d.JSON()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := ParseDoc("f.yaml", []byte(deep(999)), 0); err != nil {
		t.Errorf("1,000 levels: %v", err)
	}
}
