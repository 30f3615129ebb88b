// This file finds the JSON path at a byte offset of a document's JSON, so a decoder error given as
// an offset leads back to the YAML value it is about.

package manifest

import (
	"bytes"
	"encoding/json"
)

// frame is one open JSON object or array while scanning.
type frame struct {
	object  bool
	wantKey bool
	key     string
	index   int
}

// jsonPathAt returns the path of the first JSON value (in document order)
// whose text ends at or after offset: the value a decoder error at that
// offset is about.
func jsonPathAt(js []byte, offset int64) []step {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return framePath(stack)
		}
		if delim, ok := tok.(json.Delim); ok && (delim == '}' || delim == ']') {
			stack = valueDone(stack[:len(stack)-1])
			continue
		}
		if key, ok := tok.(string); ok && isKey(stack) {
			stack[len(stack)-1].key, stack[len(stack)-1].wantKey = key, false
			continue
		}
		if dec.InputOffset() >= offset {
			return framePath(stack)
		}
		stack = open(stack, tok)
	}
}

func isKey(stack []frame) bool {
	return len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey
}

// open pushes a frame for '{' or '[' and otherwise records a finished scalar.
func open(stack []frame, tok json.Token) []frame {
	switch tok {
	case json.Delim('{'):
		return append(stack, frame{object: true, wantKey: true})
	case json.Delim('['):
		return append(stack, frame{})
	default:
		return valueDone(stack)
	}
}

// valueDone moves the innermost frame past the value just read.
func valueDone(stack []frame) []frame {
	if len(stack) == 0 {
		return stack
	}
	top := &stack[len(stack)-1]
	if top.object {
		top.wantKey = true
	} else {
		top.index++
	}
	return stack
}

func framePath(stack []frame) []step {
	steps := make([]step, 0, len(stack))
	for _, f := range stack {
		if f.object {
			steps = append(steps, step{key: f.key})
		} else {
			steps = append(steps, step{index: f.index, isIdx: true})
		}
	}
	return steps
}
