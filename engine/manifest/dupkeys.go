// This file reports a key written twice in one mapping, which YAML-to-JSON conversion would
// otherwise resolve silently by keeping the last.

package manifest

import (
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// duplicateKeys reports every key written twice in one mapping. YAML-to-JSON
// conversion keeps the last one silently, so a user who pasted a second
// "threshold:" would never learn which one counts.
func (d *Doc) duplicateKeys() Errors {
	var errs Errors
	d.walkMappings(d.root, "", func(path string, first, again *yaml.Node) {
		line, col := d.at(again)
		errs = append(errs, &Error{File: d.file, Line: line, Column: col, Field: join(path, again.Value),
			Msg: fmt.Sprintf("key written twice (first at line %d): keep one", d.offset+first.Line)})
	})
	return errs
}

func (d *Doc) walkMappings(n *yaml.Node, path string, dup func(path string, first, again *yaml.Node)) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			d.walkMappings(c, fmt.Sprintf("%s[%d]", path, i), dup)
		}
	case yaml.MappingNode:
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if first, ok := seen[k.Value]; ok && k.Value != "<<" {
				dup(path, first, k)
			} else {
				seen[k.Value] = k
			}
			d.walkMappings(n.Content[i+1], join(path, k.Value), dup)
		}
	}
}

func join(path, key string) string {
	s := step{key: key}.String(path == "")
	return path + s
}
