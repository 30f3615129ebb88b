// This file is Flagger's config tracker: the ConfigMaps and Secrets a pod spec reads, their
// checksums in status.trackedConfigs, and the -primary copies the primary's pods read instead.

package kube

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Flagger's config tracker: the ConfigMaps and Secrets a pod spec reads
// are part of a release. Their checksums go into the Canary's
// status.trackedConfigs, a change to one is a new revision, and the primary
// reads -primary copies of them, refreshed on every promotion.

// ConfigTrackingAnnotation opts a ConfigMap or Secret out of tracking when
// its value starts with "disable".
const ConfigTrackingAnnotation = "flagger.app/config-tracking"

// The kinds of tracked config, as Flagger names them in trackedConfigs keys.
const (
	configMapRef = "configmap"
	secretRef    = "secret"
)

// configRef is one tracked ConfigMap or Secret.
type configRef struct {
	kind, name, checksum string
}

// key is the trackedConfigs key: "configmap/name" or "secret/name".
func (r configRef) key() string { return r.kind + "/" + r.name }

// configRefs are the tracked configs of one pod spec, by key.
type configRefs map[string]configRef

// references lists what a pod spec reads: ConfigMaps and Secrets by name,
// each with whether it is mandatory (a reference not marked optional). The
// maps are made at the first reference: most pod specs read no config, and
// are observed every tick.
type references struct {
	configMaps, secrets map[string]bool
}

func mandatory(optional *bool) bool { return optional == nil || !*optional }

func (r *references) configMap(name string, optional *bool) {
	if r.configMaps == nil {
		r.configMaps = map[string]bool{}
	}
	r.configMaps[name] = mandatory(optional)
}

func (r *references) secret(name string, optional *bool) {
	if r.secrets == nil {
		r.secrets = map[string]bool{}
	}
	r.secrets[name] = mandatory(optional)
}

// referencesOf scans volumes (projected ones included), env valueFrom and
// envFrom of the containers and init containers, as Flagger does.
func referencesOf(spec *corev1.PodSpec) references {
	var r references
	for i := range spec.Volumes {
		r.volume(&spec.Volumes[i])
	}
	for _, cs := range [...][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range cs {
			r.container(&cs[i])
		}
	}
	return r
}

func (r *references) volume(v *corev1.Volume) {
	if cm := v.ConfigMap; cm != nil {
		r.configMap(cm.Name, cm.Optional)
	}
	if s := v.Secret; s != nil {
		r.secret(s.SecretName, s.Optional)
	}
	if p := v.Projected; p != nil {
		for _, src := range p.Sources {
			if cm := src.ConfigMap; cm != nil {
				r.configMap(cm.Name, cm.Optional)
			}
			if s := src.Secret; s != nil {
				r.secret(s.Name, s.Optional)
			}
		}
	}
}

func (r *references) container(c *corev1.Container) {
	for _, e := range c.Env {
		switch from := e.ValueFrom; {
		case from == nil:
		case from.ConfigMapKeyRef != nil:
			r.configMap(from.ConfigMapKeyRef.Name, from.ConfigMapKeyRef.Optional)
		case from.SecretKeyRef != nil:
			r.secret(from.SecretKeyRef.Name, from.SecretKeyRef.Optional)
		}
	}
	for _, e := range c.EnvFrom {
		switch {
		case e.ConfigMapRef != nil:
			r.configMap(e.ConfigMapRef.Name, e.ConfigMapRef.Optional)
		case e.SecretRef != nil:
			r.secret(e.SecretRef.Name, e.SecretRef.Optional)
		}
	}
}

// trackedConfigs reads the configs a pod spec references: Flagger's
// GetTargetConfigs. A missing optional one is skipped; a missing mandatory
// one is an error, as it stops Flagger too.
func (c *Cluster) trackedConfigs(ctx context.Context, ns string, spec *corev1.PodSpec) (configRefs, error) {
	r := referencesOf(spec)
	var out configRefs // made at the first config tracked (see add)
	for _, name := range sortedKeys(r.configMaps) {
		var cm corev1.ConfigMap
		found, err := c.readConfig(ctx, ns, name, r.configMaps[name], &cm)
		if err != nil {
			return nil, err
		}
		if found && !trackingDisabled(cm.Annotations) {
			out = out.add(configRef{kind: configMapRef, name: name, checksum: checksum(cm.Data)})
		}
	}
	for _, name := range sortedKeys(r.secrets) {
		var s corev1.Secret
		found, err := c.readConfig(ctx, ns, name, r.secrets[name], &s)
		if err != nil {
			return nil, err
		}
		if found && trackedSecretType(s.Type) && !trackingDisabled(s.Annotations) {
			out = out.add(configRef{kind: secretRef, name: name, checksum: checksum(s.Data)})
		}
	}
	return out, nil
}

// add adds r to refs, made if nil, and returns refs.
func (refs configRefs) add(r configRef) configRefs {
	if refs == nil {
		refs = configRefs{}
	}
	refs[r.key()] = r
	return refs
}

// readConfig reads one referenced config into obj; found is false for a
// missing optional one.
func (c *Cluster) readConfig(ctx context.Context, ns, name string, required bool, obj client.Object) (found bool, err error) {
	found, err = c.get(ctx, ns, name, obj)
	if err == nil && !found && required {
		err = fmt.Errorf("%s %s/%s is referenced by the pod spec of the target but does not exist: "+
			"Flagger waits until it does; create it, or mark the reference optional", kindName(obj), ns, name)
	}
	return found, err
}

// trackedSecretType is true for the Secret types Flagger tracks; others
// (registry credentials, service account tokens) are left to the cluster.
func trackedSecretType(t corev1.SecretType) bool {
	switch t {
	case corev1.SecretTypeOpaque, corev1.SecretTypeBasicAuth, corev1.SecretTypeSSHAuth, corev1.SecretTypeTLS:
		return true
	}
	return false
}

func trackingDisabled(annotations map[string]string) bool {
	return strings.HasPrefix(annotations[ConfigTrackingAnnotation], "disable")
}

// checksum is Flagger's: the first eight bytes of the SHA-256 of the data
// as JSON (whose map keys are sorted), in hex.
func checksum(data any) string {
	b, _ := json.Marshal(data)
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum[:8])
}

// configChecksums are the checksums the Canary's status tracks, by key.
func (c *Cluster) configChecksums(ctx context.Context, ns string, spec *corev1.PodSpec) (map[string]string, error) {
	refs, err := c.trackedConfigs(ctx, ns, spec)
	if err != nil || len(refs) == 0 {
		return nil, err
	}
	out := make(map[string]string, len(refs))
	for k, r := range refs {
		out[k] = r.checksum
	}
	return out, nil
}

// primaryConfigs creates or refreshes the -primary copy of every config
// the pod spec tracks (Flagger's CreatePrimaryConfigs) and returns them.
func (c *Cluster) primaryConfigs(ctx context.Context, cd *v1beta1.Canary, spec *corev1.PodSpec) (configRefs, error) {
	refs, err := c.trackedConfigs(ctx, cd.Namespace, spec)
	if err != nil {
		return nil, err
	}
	for _, key := range sortedKeys(refs) {
		if err := c.copyConfig(ctx, cd, refs[key]); err != nil {
			return nil, err
		}
	}
	return refs, nil
}

// copyConfig writes the -primary copy of one config: its data (and a
// Secret's type), no labels (Flagger's -include-label-prefix is empty by
// default), owned by the Canary.
func (c *Cluster) copyConfig(ctx context.Context, cd *v1beta1.Canary, r configRef) error {
	meta := metav1.ObjectMeta{Name: r.name + "-primary", Namespace: cd.Namespace, OwnerReferences: ownedBy(cd)}
	key := client.ObjectKey{Namespace: cd.Namespace, Name: r.name}
	if r.kind == configMapRef {
		var cm corev1.ConfigMap
		if err := c.Client.Get(ctx, key, &cm); err != nil {
			return fmt.Errorf("reading ConfigMap %s to copy it for the primary: %w", key, err)
		}
		return c.upsert(ctx, &corev1.ConfigMap{ObjectMeta: meta, Data: cm.Data}, &corev1.ConfigMap{})
	}
	var s corev1.Secret
	if err := c.Client.Get(ctx, key, &s); err != nil {
		return fmt.Errorf("reading Secret %s to copy it for the primary: %w", key, err)
	}
	return c.upsert(ctx, &corev1.Secret{ObjectMeta: meta, Type: s.Type, Data: s.Data}, &corev1.Secret{})
}

// upsert creates obj, or replaces the stored one (read into scratch) with
// it, as Flagger's update-or-insert does.
func (c *Cluster) upsert(ctx context.Context, obj, scratch client.Object) error {
	found, err := c.get(ctx, obj.GetNamespace(), obj.GetName(), scratch)
	if err != nil {
		return err
	}
	if !found {
		return c.createIfMissing(ctx, obj)
	}
	obj.SetResourceVersion(scratch.GetResourceVersion())
	if err := c.Client.Update(ctx, obj); err != nil {
		return fmt.Errorf("updating %s %s/%s: %w", kindName(obj), obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}

// apply is Flagger's ApplyPrimaryConfigs: a copy of the pod spec whose
// references to tracked configs name their -primary copies. Without a
// tracked config nothing is renamed, and the copy is shallow: it shares
// spec's values, which no writer changes in place (the primary built from
// it is created or promoted, never edited), and a deep copy of the pod
// spec on every initialization and promotion was most of what building
// the primary cost.
func (refs configRefs) apply(spec *corev1.PodSpec) corev1.PodSpec {
	if len(refs) == 0 {
		return *spec
	}
	out := *spec.DeepCopy()
	rename := func(kind string, name *string) {
		if _, ok := refs[kind+"/"+*name]; ok {
			*name += "-primary"
		}
	}
	for i := range out.Volumes {
		refs.renameVolume(&out.Volumes[i], rename)
	}
	for _, cs := range [][]corev1.Container{out.Containers, out.InitContainers} {
		for i := range cs {
			renameContainer(&cs[i], rename)
		}
	}
	return out
}

func (refs configRefs) renameVolume(v *corev1.Volume, rename func(kind string, name *string)) {
	if cm := v.ConfigMap; cm != nil {
		rename(configMapRef, &cm.Name)
	}
	if s := v.Secret; s != nil {
		rename(secretRef, &s.SecretName)
	}
	if p := v.Projected; p != nil {
		for i := range p.Sources {
			if cm := p.Sources[i].ConfigMap; cm != nil {
				rename(configMapRef, &cm.Name)
			}
			if s := p.Sources[i].Secret; s != nil {
				rename(secretRef, &s.Name)
			}
		}
	}
}

func renameContainer(c *corev1.Container, rename func(kind string, name *string)) {
	for i := range c.Env {
		switch from := c.Env[i].ValueFrom; {
		case from == nil:
		case from.ConfigMapKeyRef != nil:
			rename(configMapRef, &from.ConfigMapKeyRef.Name)
		case from.SecretKeyRef != nil:
			rename(secretRef, &from.SecretKeyRef.Name)
		}
	}
	for i := range c.EnvFrom {
		switch e := &c.EnvFrom[i]; {
		case e.ConfigMapRef != nil:
			rename(configMapRef, &e.ConfigMapRef.Name)
		case e.SecretRef != nil:
			rename(secretRef, &e.SecretRef.Name)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
