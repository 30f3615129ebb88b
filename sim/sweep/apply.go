// This file applies one combination of swept settings to a Canary: each
// path=value is set on a copy of its spec, through its JSON form, so any
// field the Canary has can be swept.

package sweep

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	kjson "sigs.k8s.io/json"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Apply returns a copy of cd with the settings applied to its spec. A path
// names spec fields as a manifest does (analysis.threshold,
// progressDeadlineSeconds); a list of metrics or webhooks is indexed by
// name: metrics[request-success-rate].thresholdRange.min. The result is
// decoded strictly, so a misspelt field or a wrong type is an error.
func Apply(cd *v1beta1.Canary, settings []sweepreport.Setting) (*v1beta1.Canary, error) {
	raw, err := json.Marshal(cd.Spec)
	if err != nil {
		return nil, err
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, err
	}
	out := cd.DeepCopy()
	for _, s := range settings {
		if err := set(spec, analysisAlias(cd, s.Path), value(s.Value)); err != nil {
			return nil, fmt.Errorf("--set %s=%s: %w", s.Path, s.Value, err)
		}
		// Decoding after each setting blames the right one for a type error.
		if err := decodeSpec(spec, &out.Spec); err != nil {
			return nil, fmt.Errorf("--set %s=%s: %w", s.Path, s.Value, err)
		}
	}
	return out, nil
}

// decodeSpec decodes the JSON tree strictly into a fresh spec.
func decodeSpec(tree map[string]any, spec *v1beta1.CanarySpec) error {
	raw, err := json.Marshal(tree)
	if err != nil {
		return err
	}
	*spec = v1beta1.CanarySpec{}
	strict, err := kjson.UnmarshalStrict(raw, spec)
	if err != nil {
		return err
	}
	if len(strict) > 0 {
		return strict[0]
	}
	return nil
}

// analysisFields are the analysis' own fields, which a path may name
// without "analysis." (metrics[request-success-rate].thresholdRange.min).
var analysisFields = jsonFields(reflect.TypeFor[v1beta1.CanaryAnalysis]())

// analysisAlias resolves a path against the spec: analysis fields may be
// written bare, and "analysis." reaches a Canary that uses the deprecated
// canaryAnalysis field.
func analysisAlias(cd *v1beta1.Canary, path string) string {
	path = strings.TrimPrefix(path, "spec.")
	first, _, _ := strings.Cut(strings.SplitN(path, ".", 2)[0], "[")
	if analysisFields[first] {
		path = "analysis." + path
	}
	if cd.Spec.Analysis == nil && cd.Spec.CanaryAnalysis != nil && strings.HasPrefix(path, "analysis.") {
		return "canaryAnalysis." + strings.TrimPrefix(path, "analysis.")
	}
	return path
}

func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[name] = true
	}
	return out
}

// value reads a setting as a number or a boolean when it is one, else a string.
func value(v string) any {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return f
	}
	if b, err := strconv.ParseBool(v); err == nil {
		return b
	}
	return v
}

// set walks path in the JSON tree and sets its leaf, creating objects on
// the way; list elements are picked by their name.
func set(node map[string]any, path string, v any) error {
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		key, name, indexed := strings.Cut(seg, "[")
		if i == len(segs)-1 && !indexed {
			node[key] = v
			return nil
		}
		if !indexed {
			next, ok := node[key].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[key] = next
			}
			node = next
			continue
		}
		elem, err := named(node, key, strings.TrimSuffix(name, "]"))
		if err != nil {
			return err
		}
		if i == len(segs)-1 {
			return fmt.Errorf("%s names a whole list element; name one of its fields", seg)
		}
		node = elem
	}
	return nil
}

func named(node map[string]any, key, name string) (map[string]any, error) {
	list, _ := node[key].([]any)
	var names []string
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if m["name"] == name {
				return m, nil
			}
			names = append(names, fmt.Sprint(m["name"]))
		}
	}
	return nil, fmt.Errorf("no %s named %q (the Canary has %s)", key, name, strings.Join(names, ", "))
}
