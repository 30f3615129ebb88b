// This file bounds a query template's rendering: the steps its ranges and
// template calls take, the bytes it writes, and the width printf may pad to.

package budget

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"text/template"
	"text/template/parse"
)

const (
	// MaxRenderBytes bounds a rendered query (64 KiB), as MaxQueryBytes
	// bounds the text sent.
	MaxRenderBytes = MaxQueryBytes
	// MaxTemplateSteps bounds the iterations of a template's ranges and its
	// template calls, together. text/template offers no step limit, and
	// `{{ range 2000000000 }}{{ end }}` spins for most of a minute writing
	// nothing, so a byte limit alone does not stop it.
	MaxTemplateSteps = 100_000
	// stepFunc is the function whose call is put at the head of every range
	// body and every template; it counts a step each time it runs.
	stepFunc = "rehearseBudgetStep"
)

// ErrRenderSize is the render budget's byte limit being reached.
var ErrRenderSize error = &Exceeded{Reason: fmt.Sprintf("the rendered query is over the render budget of %d bytes (64 KiB): shorten the template's output", MaxRenderBytes)}

// Funcs are the functions a budgeted template must be parsed with: the step
// counter, and a printf that refuses to pad past the render budget (fmt
// builds the whole padded string in memory before it is written).
func Funcs() template.FuncMap {
	steps := 0
	return template.FuncMap{
		stepFunc: func() (string, error) {
			steps++
			if steps > MaxTemplateSteps {
				return "", over("the template takes more than %d steps (range iterations and template calls), over the render budget: range over the variables you need, not over a number", MaxTemplateSteps)
			}
			return "", nil
		},
		"printf": printf,
	}
}

// wideVerb finds a verb's width or precision, and a '*' taken from an
// argument.
var wideVerb = regexp.MustCompile(`%[-+# 0]*(\*|\d*)(?:\.(\*|\d*))?`)

func printf(format string, args ...any) (string, error) {
	for _, m := range wideVerb.FindAllStringSubmatch(format, -1) {
		for _, w := range m[1:] {
			if w == "*" {
				return "", over("printf takes its width or precision from an argument (*), which the render budget does not allow: write the number in the format")
			}
			if n, err := strconv.Atoi(w); w != "" && (err != nil || n > MaxRenderBytes) {
				return "", over("printf pads to %s characters, over the render budget of %d bytes", w, MaxRenderBytes)
			}
		}
	}
	return fmt.Sprintf(format, args...), nil
}

// Instrument puts a step count at the head of each range body and each
// template of t, so Funcs' counter sees every iteration and every call.
// Call it after Parse and before Execute.
func Instrument(t *template.Template) {
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		instrumentList(tt.Tree, tt.Tree.Root)
	}
}

func instrumentList(tree *parse.Tree, l *parse.ListNode) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		instrumentNode(tree, n)
	}
	l.Nodes = append([]parse.Node{stepAction(tree, l.Pos)}, l.Nodes...)
}

// instrumentNode reaches the lists inside control nodes. Only a range's
// body and a template's root repeat; the others are walked to reach them
// and get a step too, which costs one step per pass and bounds nothing new.
func instrumentNode(tree *parse.Tree, n parse.Node) {
	switch x := n.(type) {
	case *parse.RangeNode:
		instrumentList(tree, x.List)
		instrumentList(tree, x.ElseList)
	case *parse.IfNode:
		instrumentList(tree, x.List)
		instrumentList(tree, x.ElseList)
	case *parse.WithNode:
		instrumentList(tree, x.List)
		instrumentList(tree, x.ElseList)
	case *parse.ListNode:
		instrumentList(tree, x)
	}
}

// stepAction is the node {{ rehearseBudgetStep }}; it writes nothing.
func stepAction(tree *parse.Tree, pos parse.Pos) *parse.ActionNode {
	id := parse.NewIdentifier(stepFunc).SetTree(tree).SetPos(pos)
	cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{id}}
	pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Cmds: []*parse.CommandNode{cmd}}
	return &parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Pipe: pipe}
}

// Writer keeps at most MaxRenderBytes of a render and fails the write that
// would pass it, which stops text/template's execution there.
type Writer struct{ buf []byte }

// Write implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	if len(w.buf)+len(p) > MaxRenderBytes {
		return 0, ErrRenderSize
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// String is what was rendered.
func (w *Writer) String() string { return string(w.buf) }

var _ io.Writer = (*Writer)(nil)
