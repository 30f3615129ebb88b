// This file is strict decoding: unknown fields (with a suggestion), values of the wrong type and
// values that decode themselves, each placed at the line and column the user wrote.

package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	sigsjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"
)

// Decode decodes the document strictly into out, rejecting unknown fields,
// repeated keys and values of the wrong type. Each problem is an *Error
// (several are returned as Errors) naming file, line and field. The
// YAML-to-JSON step is the one kubectl uses, so values mean what they mean
// to Kubernetes (yes/no/on/off are booleans).
func (d *Doc) Decode(out any) error {
	errs, _ := d.decode(out)
	return errs.Err()
}

// decode reports every problem; complete is false when a value could not
// be stored, so out is not worth validating further.
func (d *Doc) decode(out any) (errs Errors, complete bool) {
	errs = d.duplicateKeys()
	js, err := d.JSON()
	if err != nil {
		errs.Add(err)
		return errs, false
	}
	t := reflect.TypeOf(out)
	strict, err := sigsjson.UnmarshalStrict(js, out)
	if err != nil {
		// The decoder stops collecting unknown fields at a type error, so
		// look for them in the YAML itself, to report everything at once.
		errs = append(errs, d.decodeError(js, t, err))
		return append(errs, d.unknownFields(t)...), false
	}
	for _, e := range strict {
		errs = append(errs, d.strictError(t, e))
	}
	return errs, true
}

// JSON is the document converted to JSON ("null" when empty). The bytes
// are shared by every caller, who must not change them.
func (d *Doc) JSON() ([]byte, error) {
	js, err := d.asJSON()
	if err != nil {
		if nf := d.nonFiniteError(); nf != nil {
			return nil, nf
		}
		return nil, d.syntaxError(err)
	}
	return js, nil
}

// strictError turns an unknown-field report into an error at the key's line,
// with a suggestion when a known field is a typo away.
func (d *Doc) strictError(out reflect.Type, err error) *Error {
	var fe sigsjson.FieldError
	if !errors.As(err, &fe) {
		return d.wholeError(err)
	}
	if strings.HasPrefix(err.Error(), "duplicate field") {
		e := d.keyError(fe.FieldPath(), "key written twice: keep one")
		e.Err = err
		return e
	}
	r := d.resolve(fe.FieldPath())
	e := d.keyError(fe.FieldPath(), "unknown field"+suggestField(out, r.steps))
	e.Err = err
	return e
}

// keyError is an error placed on the key of path rather than its value.
func (d *Doc) keyError(path, msg string) *Error {
	file, line, col := d.place(path, true)
	return &Error{File: file, Line: line, Column: col, Field: d.resolve(path).field(path), Msg: msg}
}

// unknownFields walks the YAML against the Go type and reports every key
// the type has no field for.
func (d *Doc) unknownFields(out reflect.Type) Errors {
	var errs Errors
	d.walkType(d.root, out, nil, func(steps []step) {
		errs = append(errs, d.keyError(stepsPath(steps), "unknown field"+suggestField(out, steps)))
	})
	return errs
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// decodesItself is true for types with their own UnmarshalJSON (and for
// interfaces), which strict decoding cannot look into.
func decodesItself(t reflect.Type) bool {
	return t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerType)
}

func (d *Doc) walkType(n *yaml.Node, t reflect.Type, steps []step, unknown func([]step)) {
	n, t = deref(n), indirect(t)
	if n == nil || t == nil || decodesItself(t) {
		return
	}
	for _, c := range children(n, t, steps) {
		switch {
		case c.t != nil:
			d.walkType(c.node, c.t, c.steps, unknown)
		case c.steps[len(c.steps)-1].key != "<<": // merge keys are resolved before decoding
			unknown(c.steps)
		}
	}
}

// walkValues visits, in document order, each node whose Go type decodes
// itself, until visit returns true.
func (d *Doc) walkValues(n *yaml.Node, t reflect.Type, steps []step, visit func([]step, *yaml.Node, reflect.Type) bool) bool {
	n, t = deref(n), indirect(t)
	switch {
	case n == nil || t == nil || t.Kind() == reflect.Interface:
		return false
	case decodesItself(t):
		return visit(steps, n, t)
	}
	for _, c := range children(n, t, steps) {
		if c.t != nil && d.walkValues(c.node, c.t, c.steps, visit) {
			return true
		}
	}
	return false
}

// child is one element of a YAML collection and the Go type it decodes
// into; t is nil for a key the struct has no field for.
type child struct {
	steps []step
	node  *yaml.Node
	t     reflect.Type
}

// children pairs the elements of n with their Go types, when n's shape
// matches t's (a mapping for a struct or map, a list for a slice).
func children(n *yaml.Node, t reflect.Type, steps []step) []child {
	var out []child
	switch {
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		fields := jsonFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			out = append(out, child{with(steps, step{key: k}), n.Content[i+1], fields[k]})
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Map:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, child{with(steps, step{key: n.Content[i].Value}), n.Content[i+1], t.Elem()})
		}
	case n.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i, c := range n.Content {
			out = append(out, child{with(steps, step{index: i, isIdx: true}), c, t.Elem()})
		}
	}
	return out
}

// with returns a new slice, so sibling paths never share a backing array.
func with(steps []step, s step) []step {
	return append(steps[:len(steps):len(steps)], s)
}

// decodeError places a decoding failure at the offending value. For a
// plain type mismatch the decoder reports a byte offset into the JSON, and
// the JSON path at that offset leads back to the YAML node. Errors raised
// by types that decode themselves (quantities, times, int-or-string) carry
// no usable position, so the value is found by trying each such value alone.
func (d *Doc) decodeError(js []byte, out reflect.Type, err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if steps := jsonPathAt(js, te.Offset); typeAt(out, steps) == indirect(te.Type) {
			return d.typeError(stepsPath(steps), te, err)
		}
	}
	if steps, badErr := d.findBadValue(out); badErr != nil {
		return d.valueError(stepsPath(steps), badErr, err)
	}
	if te != nil {
		return d.typeError(te.Field, te, err)
	}
	e := d.wholeError(err)
	e.Msg = strings.TrimPrefix(err.Error(), "json: ")
	return e
}

// wholeError is an error about the document as a whole, at its first line
// (for a rendered object, that of the resource it started as).
func (d *Doc) wholeError(err error) *Error {
	file, line := d.file, d.Line()
	if d.src != nil {
		file, line = d.src.line()
	}
	return &Error{File: file, Line: line, Err: err}
}

func (d *Doc) typeError(path string, te *json.UnmarshalTypeError, err error) *Error {
	e := d.Errorf(path, "expected %s, got %s", typeWord(te.Type), d.gotWord(path, te.Value))
	e.Err = err
	return e
}

func (d *Doc) valueError(path string, cause, err error) *Error {
	var te *json.UnmarshalTypeError
	if errors.As(cause, &te) {
		return d.typeError(path, te, err)
	}
	e := d.Errorf(path, "%s", strings.TrimPrefix(cause.Error(), "json: "))
	e.Err = err
	return e
}

// findBadValue decodes, one at a time, every value whose Go type decodes
// itself, and returns the path and error of the first that fails.
func (d *Doc) findBadValue(out reflect.Type) (bad []step, badErr error) {
	d.walkValues(d.root, out, nil, func(steps []step, n *yaml.Node, t reflect.Type) bool {
		if err := decodeNode(n, t); err != nil {
			bad, badErr = steps, err
			return true
		}
		return false
	})
	return bad, badErr
}

// decodeNode decodes one YAML node, as JSON, into a new value of type t.
func decodeNode(n *yaml.Node, t reflect.Type) error {
	y, err := yaml.Marshal(n)
	if err != nil {
		return nil // not this node's fault
	}
	js, err := sigsyaml.YAMLToJSON(y)
	if err != nil {
		return nil
	}
	return json.Unmarshal(js, reflect.New(t).Interface())
}

// gotWord describes the value the user wrote, in YAML words.
func (d *Doc) gotWord(path, jsonValue string) string {
	r := d.resolve(path)
	switch {
	case jsonValue == "array":
		return "a list"
	case jsonValue == "object":
		return "a mapping"
	case r.complete && r.value.Kind == yaml.ScalarNode && jsonValue != "":
		return fmt.Sprintf("%s %q", strings.Fields(jsonValue)[0], r.value.Value)
	default:
		return jsonValue
	}
}

func typeWord(t reflect.Type) string {
	switch indirect(t).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	default:
		return t.String()
	}
}

// stepsPath spells steps with every key quoted, so resolution is exact.
func stepsPath(steps []step) string {
	var b strings.Builder
	for _, s := range steps {
		if s.isIdx {
			fmt.Fprintf(&b, "[%d]", s.index)
		} else {
			fmt.Fprintf(&b, "[%q]", s.key)
		}
	}
	return b.String()
}
