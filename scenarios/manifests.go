// This file converts a scenario's manifests, from files or inline blocks, keeping scenario lines
// for errors, and checks the Canary's hook and metric names and the release images against them.

package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// manifests loads the listed files and the inline block into one set,
// validates it as a whole and resolves the Canary under test.
func (c *converter) manifests(s *Scenario, spec *rawSpec) {
	if len(spec.Manifests) == 0 && strings.TrimSpace(spec.Inline) == "" {
		c.errorf("spec.manifests", "missing: list manifest files in spec.manifests or write them in spec.inline")
		return
	}
	set := &manifest.Set{}
	for i, p := range spec.Manifests {
		c.manifestFile(s, set, indexPath("spec.manifests", i), p)
	}
	if strings.TrimSpace(spec.Inline) != "" {
		c.inline(set, spec.Inline)
	}
	if len(c.errs) > 0 {
		return // a broken manifest would only produce misleading Canary errors
	}
	c.errs.Add(set.Validate())
	s.Manifests = set
	c.canary(s, set, spec)
}

func (c *converter) manifestFile(s *Scenario, set *manifest.Set, path, p string) {
	full := p
	if !filepath.IsAbs(full) {
		full = filepath.Join(c.dir, p)
	}
	info, err := os.Stat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.errorf(path, "%s does not exist (paths are relative to the scenario file): fix the path", full)
		return
	case err != nil:
		c.errorf(path, "cannot read %s: %s", full, cause(err))
		return
	case !info.IsDir() && !manifestName(full):
		// Checked before reading, so that a path to a secret (/etc/shadow,
		// a token file) is refused without its content reaching a message.
		c.errorf(path, "%s is not a .yaml, .yml or .json file: list manifest files, or folders of them", full)
		return
	}
	s.ManifestFiles = append(s.ManifestFiles, full)
	one, err := c.sets.load(full)
	c.merge(set, one, err)
}

// manifestSets keeps the manifests one Load has read, by path, since the
// scenarios of a folder mostly list the same files (the library's 18 list
// one Deployment file each, and 8 of them one Canary file), and reading a
// file is a full YAML parse and decode (issue 13). Each caller gets a copy
// of its own; a file that failed to load is read again, so that every
// scenario reports its errors.
type manifestSets struct {
	mu   sync.Mutex
	sets map[string]*manifest.Set
}

// load reads path's manifests, or copies those read before; a nil
// manifestSets reads every time.
func (m *manifestSets) load(path string) (*manifest.Set, error) {
	if m == nil {
		return manifest.LoadFiles(path)
	}
	m.mu.Lock()
	set, ok := m.sets[path]
	m.mu.Unlock()
	if ok {
		return set.DeepCopy(), nil
	}
	set, err := manifest.LoadFiles(path)
	if err != nil {
		return set, err
	}
	m.mu.Lock()
	if m.sets == nil {
		m.sets = map[string]*manifest.Set{}
	}
	m.sets[path] = set
	m.mu.Unlock()
	return set.DeepCopy(), nil
}

func manifestName(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}

// inline parses the manifests written in spec.inline, so that their errors
// point at lines and columns of the scenario file itself.
func (c *converter) inline(set *manifest.Set, text string) {
	offset := c.doc.ContentOffset("spec.inline")
	one, err := manifest.ParseAt(c.file, []byte(text), offset)
	var errs manifest.Errors
	errs.Add(err)
	indent := blockIndent(c.data, offset)
	for _, e := range errs {
		if e.File == c.file && e.Column > 0 {
			e.Column += indent
		}
	}
	c.merge(set, one, errs.Err())
}

// blockIndent is the indentation of a block scalar whose text starts after
// line offset: that of its first non-blank line.
func blockIndent(data []byte, offset int) int {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i := offset; i >= 0 && i < len(lines); i++ {
		if trimmed := strings.TrimLeft(lines[i], " "); trimmed != "" {
			return len(lines[i]) - len(trimmed)
		}
	}
	return 0
}

func (c *converter) merge(set, one *manifest.Set, err error) {
	c.errs.Add(err)
	if one != nil {
		c.errs.Add(set.Merge(one))
	}
}

// canary resolves the Canary under test and applies the provider override.
func (c *converter) canary(s *Scenario, set *manifest.Set, spec *rawSpec) {
	cd, err := set.Canary(spec.Canary)
	if err != nil {
		c.errorf(canaryPath(spec), "%v", err)
		return
	}
	if spec.Provider != "" {
		if err := manifest.CheckProvider(spec.Provider); err != nil {
			c.errorf("spec.provider", "%v", err)
		}
		cd.Spec.Provider = spec.Provider
	}
	s.Canary, s.Provider = cd, cd.Spec.Provider
}

func canaryPath(spec *rawSpec) string {
	if spec.Canary != "" {
		return "spec.canary"
	}
	if len(spec.Manifests) > 0 {
		return "spec.manifests"
	}
	return "spec.inline"
}

// againstCanary checks that every webhook and metric the scenario names is
// one the Canary has: a misspelt name would otherwise be silently unused.
func (c *converter) againstCanary(s *Scenario) {
	if s.Canary == nil {
		return
	}
	hooks, metrics := canaryNames(s.Canary)
	c.faultHooks(s)
	for _, name := range slices.Sorted(maps.Keys(s.Webhooks)) {
		c.named(keyPath("spec.webhooks", name), "webhook", name, hooks, s.Canary)
	}
	for i, t := range s.Script {
		path := indexPath("spec.script", i)
		for _, name := range slices.Sorted(maps.Keys(t.Webhooks)) {
			c.named(keyPath(path+".webhooks", name), "webhook", name, hooks, s.Canary)
		}
		for _, name := range slices.Sorted(maps.Keys(t.Metrics)) {
			c.named(keyPath(path+".metrics", name), "metric", name, metrics, s.Canary)
		}
	}
}

func canaryNames(cd *v1beta1.Canary) (hooks, metrics []string) {
	a := cd.GetAnalysis()
	if a == nil {
		return nil, nil
	}
	for _, w := range a.Webhooks {
		hooks = append(hooks, w.Name)
	}
	for _, m := range a.Metrics {
		metrics = append(metrics, m.Name)
	}
	return hooks, metrics
}

func (c *converter) named(path, what, name string, known []string, cd *v1beta1.Canary) {
	if slices.Contains(known, name) {
		return
	}
	if len(known) == 0 {
		c.errorf(path, "Canary %s/%s has no %ss: remove this %s or add it to the Canary", cd.Namespace, cd.Name, what, what)
		return
	}
	c.errorf(path, "%s %q is not in Canary %s/%s: use one of %s%s", what, name, cd.Namespace, cd.Name, strings.Join(known, ", "), suggest(name, known))
}

// images checks the release against the versions and the manifests.
func (c *converter) images(s *Scenario) {
	if !s.Scripted() && s.Recording == nil {
		c.versionFor("spec.release.from", s.Release.From, s)
		c.versionFor("spec.release.to", s.Release.To, s)
		for i, e := range s.Events {
			if e.Kind == EventRevision {
				c.versionFor(indexPath("spec.events", i)+".revision", e.Revision, s)
			}
		}
	}
	c.targetImage(s)
}

func (c *converter) versionFor(path, image string, s *Scenario) {
	if _, ok := s.Versions[image]; image != "" && !ok {
		c.errorf(path, "no entry for %s in spec.versions: add one saying how this version behaves%s", image, suggest(image, unreferenced(s)))
	}
}

// unreferenced lists the version images nothing else names: the likely
// home of a typo, and so the only ones worth suggesting.
func unreferenced(s *Scenario) []string {
	used := map[string]bool{s.Release.From: true, s.Release.To: true}
	for _, e := range s.Events {
		used[e.Revision] = true
	}
	var out []string
	for _, image := range slices.Sorted(maps.Keys(s.Versions)) {
		if !used[image] {
			out = append(out, image)
		}
	}
	return out
}

// targetImage checks release.from against the target (a Deployment, a
// DaemonSet or a Knative Service), when the manifests hold it: a rehearsal
// of the wrong starting version proves little.
func (c *converter) targetImage(s *Scenario) {
	if s.Canary == nil || s.Release.From == "" || s.Release.From == RecordedFrom {
		return
	}
	kind, containers, ok := TargetContainers(s.Manifests, s.Canary)
	if !ok {
		return
	}
	images := containerImages(containers)
	if !slices.Contains(images, s.Release.From) {
		c.errorf("spec.release.from", "%s %s/%s runs %s, not %s: make release.from the image in the manifests",
			kind, s.Canary.Namespace, s.Canary.Spec.TargetRef.Name, strings.Join(images, ", "), s.Release.From)
	}
}

// TargetContainers finds the Canary's target in the manifests and returns
// its kind, for messages, and its pod's containers.
func TargetContainers(set *manifest.Set, cd *v1beta1.Canary) (kind string, containers []corev1.Container, ok bool) {
	ref, ns := cd.Spec.TargetRef, cd.Namespace
	switch {
	case ref.IsKnativeService():
		for _, k := range set.KnativeServices {
			if k.Name == ref.Name && k.Namespace == ns {
				return "Knative Service", k.Spec.Template.Spec.Containers, true
			}
		}
	case ref.Kind == "DaemonSet":
		for _, d := range set.DaemonSets {
			if d.Name == ref.Name && d.Namespace == ns {
				return "DaemonSet", d.Spec.Template.Spec.Containers, true
			}
		}
	case ref.Kind == "Deployment":
		for _, d := range set.Deployments {
			if d.Name == ref.Name && d.Namespace == ns {
				return "Deployment", d.Spec.Template.Spec.Containers, true
			}
		}
	}
	return "", nil, false
}

// configEvents checks that each configMap: or secret: event names one the
// manifests hold in the Canary's namespace.
func (c *converter) configEvents(s *Scenario) {
	if s.Canary == nil || s.Manifests == nil {
		return
	}
	for i, e := range s.Events {
		if e.Config == nil || e.Config.Name == "" {
			continue
		}
		field := map[string]string{"ConfigMap": "configMap", "Secret": "secret"}[e.Config.Kind]
		if _, ok := s.Manifests.Origins[manifest.Key(e.Config.Kind, s.Canary.Namespace, e.Config.Name)]; !ok {
			c.errorf(indexPath("spec.events", i)+"."+field+".name", "%s %s/%s is not in the manifests: add it, or name one the target reads",
				e.Config.Kind, s.Canary.Namespace, e.Config.Name)
		}
	}
}

func containerImages(containers []corev1.Container) []string {
	images := make([]string, len(containers))
	for i, ct := range containers {
		images[i] = ct.Image
	}
	return images
}

// String names the scenario for logs.
func (s *Scenario) String() string { return fmt.Sprintf("%s (%s)", s.Name, s.File) }
