// This file is the small scanner the provider query parsers share: words,
// numbers, quoted strings and punctuation.

package metricapi

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// scanner walks a query's text for the hand-written parsers of each
// query language.
type scanner struct {
	s   string
	pos int
}

func (sc *scanner) space() {
	for sc.pos < len(sc.s) && unicode.IsSpace(rune(sc.s[sc.pos])) {
		sc.pos++
	}
}

// peek is the next non-space byte, or 0 at the end.
func (sc *scanner) peek() byte {
	sc.space()
	if sc.pos >= len(sc.s) {
		return 0
	}
	return sc.s[sc.pos]
}

func (sc *scanner) done() bool { return sc.peek() == 0 }

// eat consumes tok (case-insensitively for words) when it comes next.
func (sc *scanner) eat(tok string) bool {
	sc.space()
	if len(sc.s)-sc.pos < len(tok) || !strings.EqualFold(sc.s[sc.pos:sc.pos+len(tok)], tok) {
		return false
	}
	end := sc.pos + len(tok)
	if isWordByte(tok[len(tok)-1]) && end < len(sc.s) && isWordByte(sc.s[end]) {
		return false // a prefix of a longer word
	}
	sc.pos = end
	return true
}

func (sc *scanner) expect(tok string) error {
	if !sc.eat(tok) {
		return sc.errorf("expected %q", tok)
	}
	return nil
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// word reads a run of bytes accepted by ok.
func (sc *scanner) word(ok func(byte) bool) string {
	sc.space()
	start := sc.pos
	for sc.pos < len(sc.s) && ok(sc.s[sc.pos]) {
		sc.pos++
	}
	return sc.s[start:sc.pos]
}

func (sc *scanner) ident() string {
	return sc.word(func(c byte) bool { return isWordByte(c) || c == '.' })
}

// number reads a decimal number, or reports false without moving.
func (sc *scanner) number() (float64, bool) {
	sc.space()
	start := sc.pos
	w := sc.word(func(c byte) bool { return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' })
	if w == "" || !(w[0] >= '0' && w[0] <= '9' || w[0] == '.') {
		sc.pos = start
		return 0, false
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil {
		sc.pos = start
		return 0, false
	}
	return f, true
}

// quoted reads a '...' or "..." string, with backslash escapes.
func (sc *scanner) quoted() (string, bool) {
	q := sc.peek()
	if q != '\'' && q != '"' {
		return "", false
	}
	var b strings.Builder
	for i := sc.pos + 1; i < len(sc.s); i++ {
		c := sc.s[i]
		switch {
		case c == '\\' && i+1 < len(sc.s):
			i++
			b.WriteByte(sc.s[i])
		case c == q:
			sc.pos = i + 1
			return b.String(), true
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// balanced reads up to the byte that closes the bracket just consumed,
// and consumes it.
func (sc *scanner) balanced(open, close byte) (string, error) {
	depth := 1
	for i := sc.pos; i < len(sc.s); i++ {
		switch sc.s[i] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				out := sc.s[sc.pos:i]
				sc.pos = i + 1
				return out, nil
			}
		}
	}
	return "", sc.errorf("%q is not closed", string(open))
}

func (sc *scanner) errorf(format string, args ...any) error {
	at := sc.pos
	near := sc.s[at:]
	if len(near) > 20 {
		near = near[:20] + "..."
	}
	return fmt.Errorf("at position %d (%q): %s", at, near, fmt.Sprintf(format, args...))
}

// splitTop splits at sep outside brackets and quotes.
func splitTop(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '{' || c == '[':
			depth++
		case c == ')' || c == '}' || c == ']':
			depth--
		case c == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// node is a compiled query: something that yields a series in a window.
type node interface {
	eval(r *Recorder, w window) series
}

type numNode float64

func (n numNode) eval(*Recorder, window) series { return scalar(float64(n)) }

type binNode struct {
	op   byte
	l, r node
}

func (b binNode) eval(r *Recorder, w window) series {
	return apply(b.l.eval(r, w), b.r.eval(r, w), b.op)
}

type measureNode struct{ m Measure }

func (n measureNode) eval(r *Recorder, w window) series { return r.measure(n.m, w) }

type mapNode struct {
	arg node
	f   func(series, window) series
}

func (n mapNode) eval(r *Recorder, w window) series { return n.f(n.arg.eval(r, w), w) }

// arithmetic parses + - * / and parentheses over operands read by operand,
// shared by the languages whose expressions are plain arithmetic.
type arithmetic struct {
	sc      *scanner
	operand func() (node, error)
}

func (a arithmetic) expr() (node, error) {
	l, err := a.term()
	for err == nil {
		op := a.sc.peek()
		if op != '+' && op != '-' {
			break
		}
		a.sc.pos++
		var r node
		if r, err = a.term(); err == nil {
			l = binNode{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (a arithmetic) term() (node, error) {
	l, err := a.unary()
	for err == nil {
		op := a.sc.peek()
		if op != '*' && op != '/' {
			break
		}
		a.sc.pos++
		var r node
		if r, err = a.unary(); err == nil {
			l = binNode{op: op, l: l, r: r}
		}
	}
	return l, err
}

func (a arithmetic) unary() (node, error) {
	switch a.sc.peek() {
	case '-':
		a.sc.pos++
		n, err := a.unary()
		return binNode{op: '-', l: numNode(0), r: n}, err
	case '(':
		a.sc.pos++
		n, err := a.expr()
		if err == nil {
			err = a.sc.expect(")")
		}
		return n, err
	}
	if f, ok := a.sc.number(); ok {
		return numNode(f), nil
	}
	return a.operand()
}
