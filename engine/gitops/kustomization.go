// This file reads a kustomization as written, before kustomize runs: the folders it includes, what
// it must be refused for (remote bases, Helm, paths outside the repository), and its lines.

package gitops

import (
	"os"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/types"
)

// folder is one kustomization as the user wrote it, read before kustomize
// runs: to refuse what must not run, to find the folders it includes and
// to know where its patches and fields are written.
type folder struct {
	dir  string // as the user's paths spell it
	file string // its kustomization file
	data []byte
	k    types.Kustomization // with kustomize's own fixes (bases are resources...)
	root *yaml.Node          // the document's top mapping, for lines; nil when empty
}

// readFolder reads the kustomization of dir; nil when dir holds none.
func readFolder(dir string) (*folder, error) {
	file, err := KustomizationFile(dir)
	if err != nil || file == "" {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &Error{File: file, Msg: "cannot read the kustomization: check the path and permissions", Err: err}
	}
	return parseFolder(dir, file, data)
}

func parseFolder(dir, file string, data []byte) (*folder, error) {
	f := &folder{dir: dir, file: file, data: data}
	if err := f.k.Unmarshal(data); err != nil {
		return nil, &Error{File: file, Line: 1, Msg: "kustomize cannot read this kustomization: " + err.Error() + ": fix the field it names", Err: err}
	}
	f.k.FixKustomization()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err == nil && doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
		f.root = doc.Content[0]
	}
	return f, nil
}

// tree reads the kustomization in dir and every kustomization it includes
// (resources, bases and components that are folders), innermost first, as
// kustomize applies them. It refuses what would reach outside the machine
// or the repository, or run a program. seen holds the folders read so far.
func tree(top *folder, root string, seen map[string]bool) ([]*folder, error) {
	seen[realPath(top.dir)] = true
	if err := top.refuse(root); err != nil {
		return nil, err
	}
	var out []*folder
	for _, entry := range append(append([]string{}, top.k.Resources...), top.k.Components...) {
		sub, err := top.included(entry, root, seen)
		if err != nil {
			return nil, err
		}
		if sub == nil {
			continue
		}
		inner, err := tree(sub, root, seen)
		if err != nil {
			return nil, err
		}
		out = append(out, inner...)
	}
	return append(out, top), nil
}

// included is the kustomization of a resource or component entry that is
// a folder, or nil for a file (or a folder already read).
func (f *folder) included(entry, root string, seen map[string]bool) (*folder, error) {
	p := filepath.Join(f.dir, entry)
	info, err := os.Stat(p)
	if err != nil || !info.IsDir() {
		return nil, nil // a file, or a mistake kustomize reports in its own words
	}
	if !within(realPath(root), realPath(p)) {
		return nil, errorAt(f.file, f.lineOf(entry), "%s is outside the repository %s%s: Flux reads only the repository's own files, so move it in", entry, root, whyRoot(root))
	}
	if seen[realPath(p)] {
		return nil, nil
	}
	return readFolder(p)
}

// refuse stops a kustomization that would fetch, clone or run something.
func (f *folder) refuse(root string) error {
	for _, ref := range f.references() {
		if isRemote(ref) {
			e := errorAt(f.file, f.lineOf(ref), "%s is a remote base: rehearse reads only the files in the repository and never fetches: vendor it into the repository and name the local folder", ref)
			e.Err = ErrNotRendered
			return e
		}
	}
	if len(f.k.HelmCharts) > 0 || f.k.HelmGlobals != nil {
		e := errorAt(f.file, f.keyLine("helmCharts", "helmChartInflationGenerator", "helmGlobals"),
			"kustomize's helmCharts run Helm, which rehearse does not do: render the chart into manifests and list those under resources")
		e.Err = ErrNotRendered
		return e
	}
	return nil
}

// references lists every single-line path the kustomization names.
func (f *folder) references() []string {
	k := f.k
	refs := append([]string{}, k.Resources...)
	refs = append(refs, k.Components...)
	refs = append(refs, k.Crds...)
	refs = append(refs, k.Configurations...)
	refs = append(refs, k.Generators...)
	refs = append(refs, k.Transformers...)
	refs = append(refs, k.Validators...)
	refs = append(refs, k.OpenAPI["path"])
	for _, p := range append(append([]types.Patch{}, k.Patches...), k.PatchesJson6902...) {
		refs = append(refs, p.Path)
	}
	for _, p := range k.PatchesStrategicMerge {
		refs = append(refs, string(p))
	}
	for _, g := range k.ConfigMapGenerator {
		refs = append(refs, sourceFiles(g.KvPairSources)...)
	}
	for _, g := range k.SecretGenerator {
		refs = append(refs, sourceFiles(g.KvPairSources)...)
	}
	return refs
}

func sourceFiles(s types.KvPairSources) []string {
	out := append([]string{}, s.EnvSources...)
	for _, f := range s.FileSources {
		_, path, found := strings.Cut(f, "=")
		if !found {
			path = f
		}
		out = append(out, path)
	}
	return out
}

// isRemote recognises the references kustomize would fetch over the
// network (URLs, git repositories), not the ones it reads from disk.
func isRemote(ref string) bool {
	if ref == "" || strings.Contains(ref, "\n") {
		return false
	}
	for _, prefix := range []string{"git@", "github.com/", "gitlab.com/", "bitbucket.org/", "ssh:", "git::"} {
		if strings.HasPrefix(ref, prefix) {
			return true
		}
	}
	return strings.Contains(ref, "://") || strings.Contains(ref, "?ref=") || strings.Contains(ref, ".git//") || strings.Contains(ref, "_git/")
}

// lineOf is the line of the first scalar equal to value in the
// kustomization, or 1 when it is not written as such.
func (f *folder) lineOf(value string) int {
	if n := findScalar(f.root, value); n != nil {
		return n.Line
	}
	return 1
}

// keyLine is the line of the first of keys the kustomization has, or 1.
func (f *folder) keyLine(keys ...string) int {
	for _, k := range keys {
		if key, _ := mapEntry(f.root, k); key != nil {
			return key.Line
		}
	}
	return 1
}

func findScalar(n *yaml.Node, value string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Value == value {
		return n
	}
	for _, c := range n.Content {
		if found := findScalar(c, value); found != nil {
			return found
		}
	}
	return nil
}

// mapEntry is the key and value of key in mapping n.
func mapEntry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// textOffset is the line offset of a string value written in the
// kustomization (an inline patch): line 1 of the text is line offset+1.
func textOffset(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Line // the text starts on the line after the | or >
	}
	return n.Line - 1
}

// item is the i-th element of the list under key, or nil.
func item(n *yaml.Node, key string, i int) *yaml.Node {
	_, list := mapEntry(n, key)
	if list == nil || list.Kind != yaml.SequenceNode || i >= len(list.Content) {
		return nil
	}
	return list.Content[i]
}

// Included lists the folders (absolute, symlinks resolved) whose
// kustomization the kustomization in dir builds on, through resources,
// bases and components, at any depth. Folders it cannot read are left out:
// the build reports them.
func Included(dir string) []string {
	seen := map[string]bool{realPath(dir): true}
	var out []string
	var visit func(string)
	visit = func(d string) {
		f, err := readFolder(d)
		if err != nil || f == nil {
			return
		}
		for _, entry := range append(append([]string{}, f.k.Resources...), f.k.Components...) {
			p := filepath.Join(d, entry)
			if isRemote(entry) || !exists(p) || seen[realPath(p)] {
				continue
			}
			seen[realPath(p)] = true
			if kf, _ := KustomizationFile(p); kf != "" {
				out = append(out, realPath(p))
				visit(p)
			}
		}
	}
	visit(dir)
	return out
}
