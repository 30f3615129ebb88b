// This file writes an example string that a label's regular expression
// matches, so a pattern-selected series gets a plausible value.

package traffic

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// maxExample bounds the length of an example string: a label value is
// short, and a regex such as a{1000} must not make a long one.
const maxExample = 256

// regexExample returns a string the regular expression matches in full,
// as Prometheus matches label values (anchored at both ends), and whether
// one was found. It takes the first alternative of every choice, the fewest
// repetitions, and a letter or digit from a character class when the class
// has one, so that a pod-name pattern gives a pod-like name. Prometheus
// checks the result: a pattern this walk misreads only costs a candidate.
func regexExample(re string) (string, bool) {
	parsed, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	if !writeExample(&b, parsed.Simplify()) || b.Len() > maxExample {
		return "", false
	}
	return b.String(), true
}

func writeExample(b *strings.Builder, re *syntax.Regexp) bool {
	if b.Len() > maxExample {
		return false
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		r, ok := classRune(re.Rune)
		if !ok {
			return false
		}
		b.WriteRune(r)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
	case syntax.OpCapture, syntax.OpPlus:
		return writeExample(b, re.Sub[0])
	case syntax.OpRepeat:
		for range re.Min {
			if !writeExample(b, re.Sub[0]) {
				return false
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !writeExample(b, sub) {
				return false
			}
		}
	case syntax.OpAlternate:
		return writeExample(b, re.Sub[0])
	}
	// Empty matches, anchors, word boundaries, star and quest add nothing.
	return true
}

// classRune picks a rune of a character class (pairs of inclusive
// ranges): a lowercase letter, else a digit, else any letter, else the
// first printable one.
func classRune(ranges []rune) (rune, bool) {
	for _, want := range []func(rune) bool{unicode.IsLower, unicode.IsDigit, unicode.IsLetter, unicode.IsPrint} {
		for i := 0; i+1 < len(ranges); i += 2 {
			for r := ranges[i]; r <= ranges[i+1] && r-ranges[i] < 256; r++ {
				if want(r) {
					return r, true
				}
			}
		}
	}
	return 0, false
}
