// This file tests the template budget: ordinary templates render unchanged, while range bombs,
// output bombs, recursive calls and huge printf widths stop with their sentence.

package budget_test

import (
	"strings"
	"testing"
	"text/template"

	"github.com/rehearse-dev/rehearse/engine/metrics/budget"
)

func render(t *testing.T, text string) (string, error) {
	t.Helper()
	tpl, err := template.New("q").Funcs(budget.Funcs()).Parse(text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	budget.Instrument(tpl)
	var w budget.Writer
	err = tpl.Execute(&w, map[string]string{"a": "1", "b": "2"})
	return w.String(), err
}

func TestTemplateBudget(t *testing.T) {
	spaces := strings.Repeat(" ", 50)
	tests := []struct {
		name, text, want, wantErr string
	}{
		{"plain", `sum(rate(x[1m]))`, `sum(rate(x[1m]))`, ""},
		{"range over a map", `{{ range $k, $v := . }}{{ $k }}={{ $v }} {{ end }}`, `a=1 b=2 `, ""},
		{"small integer range", `{{ range 3 }}x{{ end }}`, `xxx`, ""},
		{"if and with", `{{ if . }}{{ with .a }}{{ . }}{{ end }}{{ else }}none{{ end }}`, `1`, ""},
		{"define and call", `{{ define "t" }}y{{ end }}{{ template "t" }}{{ template "t" }}`, `yy`, ""},
		{"printf in budget", `{{ printf "%05.1f" 3.14159 }}`, `003.1`, ""},
		{"integer range bomb", `{{ range 2000000000 }}{{ end }}1`, "", "more than 100000 steps"},
		{"nested ranges", `{{ range 1000 }}{{ range 1000 }}{{ end }}{{ end }}`, "", "more than 100000 steps"},
		{"output bomb", `1 {{ range 300000000 }}` + spaces + `{{ end }}`, "", "render budget of 65536 bytes"},
		{"recursive calls", `{{ define "a" }}{{ template "b" }}{{ template "b" }}{{ end }}{{ define "b" }}{{ template "c" }}{{ template "c" }}{{ end }}{{ define "c" }}{{ range 1000 }}{{ end }}{{ end }}{{ range 1000 }}{{ template "a" }}{{ end }}`, "", "more than 100000 steps"},
		{"printf width", `{{ printf "%01000000000d" 1 }}`, "", "printf pads to 1000000000"},
		{"printf star", `{{ printf "%*d" 1000000000 1 }}`, "", "printf takes its width"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := render(t, tc.text)
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got error %v; want one containing %q", err, tc.wantErr)
			}
		})
	}
}
