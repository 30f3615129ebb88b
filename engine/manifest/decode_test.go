// This file tests the building blocks of strict decoding: error format and order, document
// splitting, placed decode errors, positions, JSON paths at an offset, and Closest.

package manifest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a.yaml", Line: 3, Column: 5, Field: "spec.x", Msg: "bad"}, "a.yaml:3:5: spec.x: bad"},
		{&Error{File: "a.yaml", Line: 3, Msg: "bad"}, "a.yaml:3: bad"},
		{&Error{File: "a.yaml", Msg: "bad"}, "a.yaml: bad"},
		{&Error{File: "a.yaml", Err: errors.New("cause")}, "a.yaml: cause"},
		{&Error{Msg: "bad"}, "<input>: bad"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestErrorsSortAndUnwrap(t *testing.T) {
	cause := errors.New("cause")
	var es Errors
	es.Add(&Error{File: "b.yaml", Line: 1, Msg: "x"})
	es.Add(Errors{{File: "a.yaml", Line: 9, Msg: "y"}, {File: "a.yaml", Line: 2, Msg: "z", Err: cause}})
	es.Add(nil)
	err := es.Err()
	if got := err.Error(); got != "a.yaml:2: z\na.yaml:9: y\nb.yaml:1: x" {
		t.Errorf("got %q", got)
	}
	if !errors.Is(err, cause) {
		t.Error("errors.Is must reach a wrapped cause")
	}
	if (Errors{}).Err() != nil {
		t.Error("no problem must give a nil error")
	}
}

func TestSplitDocuments(t *testing.T) {
	in := "\xef\xbb\xbf---\r\na: 1\r\n--- # second\r\nb: 2\r\n...\r\n---\r\nc: 3"
	docs := SplitDocuments([]byte(in))
	var got []string
	for _, d := range docs {
		got = append(got, strings.TrimSpace(string(d.Data))+"@"+string(rune('0'+d.LineOffset)))
	}
	want := []string{"@0", "a: 1@0", "# second\nb: 2@2", "@4", "c: 3@5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

type sample struct {
	Name     string            `json:"name"`
	Count    int               `json:"count"`
	Versions map[string]sub    `json:"versions"`
	Items    []sub             `json:"items"`
	Labels   map[string]string `json:"labels"`
}

type sub struct {
	Rate  float64 `json:"rate"`
	Delay string  `json:"delay"`
}

func TestDecodeStrictPlacesErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"unknown key under a dotted map key", "versions:\n  ghcr.io/x:1.0:\n    rat: 5\n",
			[]string{`f.yaml:13:5: versions["ghcr.io/x:1.0"].rat: unknown field; did you mean "rate"?`}},
		{"type error in a list", "items:\n  - rate: 1\n  - rate: fast\n",
			[]string{`f.yaml:13:11: items[1].rate: expected a number, got string "fast"`}},
		{"type error in a dotted map key", "versions:\n  a.b: {rate: [1]}\n",
			[]string{`f.yaml:12:9: versions["a.b"].rate: expected a number, got a list`}},
		{"unknown with no near name lists the fields", "zzz: 1\n",
			[]string{`f.yaml:11:1: zzz: unknown field; known fields: count, items, labels, name, versions`}},
		{"duplicate key", "name: a\nname: b\n",
			[]string{`f.yaml:12:1: name: key written twice (first at line 11): keep one`}},
		{"type error and unknown field together", "count: many\nnam: x\n",
			[]string{`f.yaml:11:8: count: expected a whole number, got string "many"`, `f.yaml:12:1: nam: unknown field; did you mean "name"?`}},
		{"syntax", "a: [1,\n", []string{`f.yaml:11: not valid YAML: did not find expected node content`}},
		{"yes is a boolean, as for kubectl", "labels: {a: yes}\n",
			[]string{`f.yaml:11:13: labels.a: expected a string, got bool "yes"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out sample
			err := decodeStrict("f.yaml", []byte(tc.doc), 10, &out)
			var got []string
			var es Errors
			var e *Error
			switch {
			case errors.As(err, &es):
				for _, e := range es {
					got = append(got, e.Error())
				}
			case errors.As(err, &e):
				got = []string{e.Error()}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// decodeStrict parses doc and decodes it into out, as the loaders do.
func decodeStrict(file string, doc []byte, lineOffset int, out any) error {
	d, err := ParseDoc(file, doc, lineOffset)
	if err != nil {
		return err
	}
	return d.Decode(out)
}

func TestDecodeStrictAcceptsGoodInput(t *testing.T) {
	var out sample
	doc := "name: x\ncount: 2\nversions:\n  ghcr.io/x:1.0: {rate: 1.5, delay: 1s}\n"
	if err := decodeStrict("f.yaml", []byte(doc), 0, &out); err != nil {
		t.Fatal(err)
	}
	if out.Versions["ghcr.io/x:1.0"].Rate != 1.5 || out.Count != 2 {
		t.Errorf("decoded %+v", out)
	}
}

func TestDocPos(t *testing.T) {
	doc := "spec:\n  versions:\n    ghcr.io/x:1.0:\n      rate: 5\n  list:\n    - a: 1\n    - b: 2\n"
	d, err := ParseDoc("f.yaml", []byte(doc), 100)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path      string
		line, col int
	}{
		{"spec.versions.ghcr.io/x:1.0.rate", 104, 13},
		{`spec.versions["ghcr.io/x:1.0"].rate`, 104, 13},
		{`spec.versions["ghcr.io/x:1.0"]`, 103, 5},
		{"spec.list[1].b", 107, 10},
		{"spec.list[1].missing", 107, 7}, // nearest existing ancestor: the list item
		{"spec.absent", 101, 1},
		{"spec.list[9]", 105, 3},
	}
	for _, tc := range cases {
		if line, col := d.Pos(tc.path); line != tc.line || col != tc.col {
			t.Errorf("Pos(%q) = %d:%d, want %d:%d", tc.path, line, col, tc.line, tc.col)
		}
	}
	if !d.Has("spec.list[0].a") || d.Has("spec.list[0].b") {
		t.Error("Has disagrees with the document")
	}
}

func TestJSONPathAt(t *testing.T) {
	js := []byte(`{"a":{"b":[1,{"c":"x"}]},"d":true}`)
	cases := []struct {
		offset int64
		want   string
	}{
		{int64(strings.Index(string(js), "1") + 1), `["a"]["b"][0]`},
		{int64(strings.Index(string(js), `"x"`) + 3), `["a"]["b"][1]["c"]`},
		{int64(strings.Index(string(js), "[") + 1), `["a"]["b"]`},
		{int64(len(js) - 1), `["d"]`},
	}
	for _, tc := range cases {
		if got := stepsPath(jsonPathAt(js, tc.offset)); got != tc.want {
			t.Errorf("offset %d: got %s, want %s", tc.offset, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	cases := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"treshold", []string{"threshold", "interval"}, "threshold"},
		{"Threshold", []string{"threshold"}, "threshold"},
		{"mx", []string{"min", "max"}, "max"},
		{"ngnix", []string{"istio", "nginx"}, "nginx"},
		{"abc", []string{"threshold"}, ""},
		{"threshold", []string{"threshold"}, ""}, // the word itself is not a suggestion
	}
	for _, tc := range cases {
		if got := Closest(tc.word, tc.candidates); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
