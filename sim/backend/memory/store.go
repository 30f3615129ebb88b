// This file is the in-memory Kubernetes API, Store: a client.WithWatch over
// typed objects copied with DeepCopy, with resource versions, status
// subresources, finalizers and patches (watches are not supported).

package memory

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
)

// ErrNotSupported is wrapped by every error about a verb or option the
// embedded cluster does not serve (watches, server-side apply, dry runs...).
var ErrNotSupported = errors.New("not supported by the embedded cluster")

// deletionTime marks objects deleted while finalizers hold them. The store
// has no clock (reports must not depend on the wall clock), so the mark is
// a fixed instant: what matters to controllers is that it is set.
var deletionTime = metav1.NewTime(time.Unix(0, 0).UTC())

// clusterScoped are the kinds that live outside namespaces; every other
// kind is namespaced.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "CustomResourceDefinition": true,
	"ClusterRole": true, "ClusterRoleBinding": true, "StorageClass": true, "PriorityClass": true,
	"APIService": true, "MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true,
}

// Store is a Kubernetes API held in memory: a client.WithWatch over typed
// objects that copies with the generated DeepCopy methods instead of the
// JSON round trips of controller-runtime's fake client. Stored objects are
// never changed in place, only replaced, so readers copy them outside the
// lock. Resource versions and UIDs come from counters and timestamps stay
// zero, so the same calls always produce the same objects. Events expire
// EventTTL after their last write, by their own timestamps.
type Store struct {
	scheme  *runtime.Scheme
	status  map[schema.GroupVersionKind]bool
	known   *kindCache // what it learnt of Go types, maybe with other stores
	mapper  func() meta.RESTMapper
	mu      sync.RWMutex
	objects map[schema.GroupVersionKind]map[types.NamespacedName]client.Object
	version uint64 // the last resourceVersion handed out
	serial  uint64 // the last UID or generated-name suffix handed out
	events  []queuedEvent
	// auditing keeps audit, a copy of each object as stored (see Audit).
	auditing bool
	audit    []storedCopy
}

var _ client.WithWatch = (*Store)(nil)

// NewStore returns an empty store. Kinds of the withStatus objects have a
// status subresource, as a real API server gives Deployments and custom
// resources that declare one: Update keeps their stored status and only
// Status().Update changes it.
func NewStore(scheme *runtime.Scheme, withStatus ...client.Object) (*Store, error) {
	status, err := statusKinds(scheme, withStatus)
	if err != nil {
		return nil, err
	}
	return storeOf(scheme, status), nil
}

// statusKinds are the kinds of the objects given, which have a status
// subresource.
func statusKinds(scheme *runtime.Scheme, withStatus []client.Object) (map[schema.GroupVersionKind]bool, error) {
	status := map[schema.GroupVersionKind]bool{}
	for _, o := range withStatus {
		gvk, err := apiutil.GVKForObject(o, scheme)
		if err != nil {
			return nil, fmt.Errorf("declaring a status subresource for %T: %w", o, err)
		}
		status[gvk] = true
	}
	return status, nil
}

// storeOf is an empty store whose kinds in status have a status
// subresource; status is only read, and may be shared by stores.
func storeOf(scheme *runtime.Scheme, status map[schema.GroupVersionKind]bool) *Store {
	s := &Store{scheme: scheme, status: status, known: &kindCache{},
		objects: map[schema.GroupVersionKind]map[types.NamespacedName]client.Object{}}
	s.mapper = sync.OnceValue(s.buildMapper)
	return s
}

// kindCache is what a store learns of Go types (see kindOf): a function of
// its scheme and its status subresources alone, and never changed once
// learnt, so stores that share both can share one (see NewMemory).
type kindCache struct {
	kinds sync.Map // reflect.Type → *kind
	lists sync.Map // reflect.Type → *listKind
}

// kind is what the store knows of one Go type of object.
type kind struct {
	gvk       schema.GroupVersionKind
	gr        schema.GroupResource
	typ       reflect.Type // the struct the object points to
	spec      []int        // index of the Spec field, nil when there is none
	statusF   []int        // index of the Status field, nil when there is none
	statusSub bool
	// handover: a status write can keep the sent object (see WriteStatus),
	// the status being a top-level field and every field settable.
	handover bool
	// copyStatus is the status type's generated DeepCopy, when it has one.
	copyStatus reflect.Value
}

// listKind is what the store knows of one Go type of list.
type listKind struct {
	item  *kind
	items []int // index of the Items field
}

// kindOf learns an object's kind once per Go type. A nil pointer names
// its type as well as an object (see Lend), and is learnt from a new one.
func (s *Store) kindOf(obj runtime.Object) (*kind, error) {
	t := reflect.TypeOf(obj)
	if k, ok := s.known.kinds.Load(t); ok {
		return k.(*kind), nil
	}
	if v := reflect.ValueOf(obj); v.Kind() == reflect.Pointer && v.IsNil() {
		obj = reflect.New(t.Elem()).Interface().(runtime.Object)
	}
	k, err := s.learn(obj)
	if err != nil {
		return nil, err
	}
	if s.unique(obj) {
		s.known.kinds.Store(t, k)
	}
	return k, nil
}

// unique says the Go type maps to one GVK, so its kind can be remembered by
// type alone.
func (s *Store) unique(obj runtime.Object) bool {
	gvks, _, err := s.scheme.ObjectKinds(obj)
	return err == nil && len(gvks) == 1
}

func (s *Store) learn(obj runtime.Object) (*kind, error) {
	if err := typed(obj); err != nil {
		return nil, err
	}
	gvk, err := apiutil.GVKForObject(obj, s.scheme)
	if err != nil {
		return nil, fmt.Errorf("the embedded cluster does not know %T: %w", obj, err)
	}
	if _, ok := obj.(client.Object); !ok {
		return nil, fmt.Errorf("%T has no object metadata: the embedded cluster stores only API objects", obj)
	}
	t := reflect.TypeOf(obj).Elem()
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	k := &kind{gvk: gvk, gr: plural.GroupResource(), typ: t, spec: fieldIndex(t, "Spec"),
		statusF: fieldIndex(t, "Status")}
	k.statusSub = s.status[gvk] && k.statusF != nil
	k.handover = k.statusSub && len(k.statusF) == 1 && allExported(t)
	if k.statusSub {
		if m, ok := reflect.PointerTo(t.FieldByIndex(k.statusF).Type).MethodByName("DeepCopy"); ok {
			k.copyStatus = m.Func
		}
	}
	return k, nil
}

// typed refuses the dynamic object forms: the store holds Go structs.
func typed(obj runtime.Object) error {
	switch obj.(type) {
	case runtime.Unstructured, *metav1.PartialObjectMetadata, *metav1.PartialObjectMetadataList:
		return fmt.Errorf("%T: unstructured and metadata-only objects are %w; use the typed struct", obj, ErrNotSupported)
	}
	if t := reflect.TypeOf(obj); t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("%T is not a pointer to a struct", obj)
	}
	return nil
}

func allExported(t reflect.Type) bool {
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

func fieldIndex(t reflect.Type, name string) []int {
	if f, ok := t.FieldByName(name); ok {
		return f.Index
	}
	return nil
}

// listKindOf learns a list's item kind once per Go type. A nil pointer
// names its type as well as a list (see PeekList), and is learnt from a
// new one.
func (s *Store) listKindOf(list client.ObjectList) (*listKind, error) {
	t := reflect.TypeOf(list)
	if lk, ok := s.known.lists.Load(t); ok {
		return lk.(*listKind), nil
	}
	if v := reflect.ValueOf(list); v.Kind() == reflect.Pointer && v.IsNil() {
		list = reflect.New(t.Elem()).Interface().(client.ObjectList)
	}
	lk, err := s.learnList(list)
	if err != nil {
		return nil, err
	}
	s.known.lists.Store(t, lk)
	return lk, nil
}

func (s *Store) learnList(list client.ObjectList) (*listKind, error) {
	if err := typed(list); err != nil {
		return nil, err
	}
	gvk, err := apiutil.GVKForObject(list, s.scheme)
	if err != nil {
		return nil, fmt.Errorf("the embedded cluster does not know %T: %w", list, err)
	}
	gvk.Kind = strings.TrimSuffix(gvk.Kind, "List")
	obj, err := s.scheme.New(gvk)
	if err != nil {
		return nil, fmt.Errorf("listing %T: no item kind %s: %w", list, gvk, err)
	}
	item, err := s.kindOf(obj)
	if err != nil {
		return nil, err
	}
	items := fieldIndex(reflect.TypeOf(list).Elem(), "Items")
	if items == nil {
		return nil, fmt.Errorf("%T has no Items field", list)
	}
	return &listKind{item: item, items: items}, nil
}

func (k *kind) notFound(name string) error { return apierrors.NewNotFound(k.gr, name) }

func (k *kind) conflict(name string) error {
	return apierrors.NewConflict(k.gr, name,
		errors.New("the object has been modified; please apply your changes to the latest version and try again"))
}

// copyInto overwrites dst with a deep copy of src, which has dst's type.
func copyInto(dst, src client.Object) {
	reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src.DeepCopyObject()).Elem())
}

// shallow copies the struct only: safe because stored objects are never
// changed in place, and the caller sets only top-level fields on the copy.
func (k *kind) shallow(obj client.Object) client.Object {
	v := reflect.New(k.typ)
	v.Elem().Set(reflect.ValueOf(obj).Elem())
	return v.Interface().(client.Object)
}

func field(obj client.Object, index []int) reflect.Value {
	return reflect.ValueOf(obj).Elem().FieldByIndex(index)
}

func keyOf(obj client.Object) types.NamespacedName {
	return types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}
}

func dryRun(verb string, modes []string) error {
	if len(modes) > 0 {
		return fmt.Errorf("%s with dry run: %w", verb, ErrNotSupported)
	}
	return nil
}

// Get copies the stored object into obj.
func (s *Store) Get(_ context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	stored, err := s.Lend(key, obj)
	if err != nil {
		return err
	}
	copyInto(obj, stored)
	return nil
}

// Lend is Get without the copy, under Peek's terms: the stored object of
// obj's type under key itself, for a reader that neither changes nor keeps
// it, or Get's error (NotFound when there is none); obj is only the type,
// and may be a nil pointer of it.
func (s *Store) Lend(key client.ObjectKey, obj client.Object) (client.Object, error) {
	k, err := s.kindOf(obj)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	stored, ok := s.objects[k.gvk][key]
	s.mu.RUnlock()
	if !ok {
		return nil, k.notFound(key.Name)
	}
	return stored, nil
}

// Peek returns the stored object of obj's type under key itself, not a
// copy, for a reader that neither changes nor keeps it: a stored object is
// never changed in place, only replaced, so it stays as the reader saw it.
// Reads that end in a decision (the workload controllers' each tick) are
// spared a deep copy. found is false when there is none; obj is only the
// type, and may be a nil pointer of it.
func (s *Store) Peek(key client.ObjectKey, obj client.Object) (stored client.Object, found bool, err error) {
	k, err := s.kindOf(obj)
	if err != nil {
		return nil, false, err
	}
	s.mu.RLock()
	stored, found = s.objects[k.gvk][key]
	s.mu.RUnlock()
	return stored, found, nil
}

// PeekList returns the stored objects of the list's item type in a
// namespace (all of them for ""), sorted as List sorts them, under Peek's
// terms: not copies, never to be changed. list is only the type, and may
// be a nil pointer of it.
func (s *Store) PeekList(list client.ObjectList, namespace string) ([]client.Object, error) {
	lk, err := s.listKindOf(list)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	picked := s.pick(lk.item.gvk, &client.ListOptions{Namespace: namespace})
	s.mu.RUnlock()
	sortByName(picked)
	return picked, nil
}

func sortByName(objs []client.Object) {
	slices.SortFunc(objs, func(a, b client.Object) int {
		return cmp.Or(cmp.Compare(a.GetNamespace(), b.GetNamespace()), cmp.Compare(a.GetName(), b.GetName()))
	})
}

// List fills list with copies of the matching objects, sorted by namespace
// and name. A limit is ignored (every item comes back at once, which the
// API allows); continue tokens and field selectors other than
// metadata.name and metadata.namespace are not supported.
func (s *Store) List(_ context.Context, list client.ObjectList, opts ...client.ListOption) error {
	lk, err := s.listKindOf(list)
	if err != nil {
		return err
	}
	o := (&client.ListOptions{}).ApplyOptions(opts)
	if err := listable(o); err != nil {
		return err
	}
	s.mu.RLock()
	picked := s.pick(lk.item.gvk, o)
	version := s.version
	s.mu.RUnlock()
	sortByName(picked)
	fillItems(reflect.ValueOf(list).Elem().FieldByIndex(lk.items), picked)
	list.SetResourceVersion(strconv.FormatUint(version, 10))
	list.SetContinue("")
	return nil
}

func listable(o *client.ListOptions) error {
	if o.Continue != "" {
		return fmt.Errorf("listing with a continue token: %w", ErrNotSupported)
	}
	if o.FieldSelector == nil {
		return nil
	}
	for _, r := range o.FieldSelector.Requirements() {
		if r.Field != "metadata.name" && r.Field != "metadata.namespace" {
			return fmt.Errorf("listing by field %q: %w (only metadata.name and metadata.namespace)", r.Field, ErrNotSupported)
		}
	}
	return nil
}

// pick returns the stored objects of gvk the options select; the caller
// holds the read lock.
func (s *Store) pick(gvk schema.GroupVersionKind, o *client.ListOptions) []client.Object {
	byKey := s.objects[gvk]
	if len(byKey) == 0 {
		return nil
	}
	out := make([]client.Object, 0, len(byKey)) // the usual list is of a namespace's every object
	for key, obj := range byKey {
		if o.Namespace != "" && key.Namespace != o.Namespace {
			continue
		}
		if o.LabelSelector != nil && !o.LabelSelector.Matches(labels.Set(obj.GetLabels())) {
			continue
		}
		if o.FieldSelector != nil && !o.FieldSelector.Matches(fields.Set{"metadata.name": key.Name, "metadata.namespace": key.Namespace}) {
			continue
		}
		out = append(out, obj)
	}
	return out
}

// fillItems sets a list's Items (structs or pointers) to copies of objs.
func fillItems(items reflect.Value, objs []client.Object) {
	slice := reflect.MakeSlice(items.Type(), len(objs), len(objs))
	byPointer := items.Type().Elem().Kind() == reflect.Pointer
	for i, obj := range objs {
		c := reflect.ValueOf(obj.DeepCopyObject())
		if !byPointer {
			c = c.Elem()
		}
		slice.Index(i).Set(c)
	}
	items.Set(slice)
}

// Create stores a copy of obj and fills in what the server owns: UID,
// resourceVersion, generation 1, a name from generateName. A kind with a
// status subresource starts with an empty status, as on a real server.
func (s *Store) Create(_ context.Context, obj client.Object, opts ...client.CreateOption) error {
	if err := dryRun("create", (&client.CreateOptions{}).ApplyOptions(opts).DryRun); err != nil {
		return err
	}
	stored, err := s.create(obj, func(o client.Object) client.Object { return o.DeepCopyObject().(client.Object) })
	if err != nil {
		return err
	}
	copyInto(obj, stored)
	return nil
}

// Adopt is Create for a writer that hands obj over, built for the create
// alone: the store keeps obj itself, filled in as Create fills in its copy,
// and the writer neither changes nor keeps it, nor reuses it after an
// error (its UID and status may be gone). The engine builds every object it
// creates (a primary Deployment, its Services, an Event each tick), and
// copying it in and back out was all of what a create cost.
func (s *Store) Adopt(obj client.Object) error {
	_, err := s.create(obj, func(o client.Object) client.Object { return o })
	return err
}

// create stores what own makes of obj, the copy the store will own.
func (s *Store) create(obj client.Object, own func(client.Object) client.Object) (client.Object, error) {
	k, err := s.kindOf(obj)
	if err != nil {
		return nil, err
	}
	if obj.GetResourceVersion() != "" {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("creating %s %q: resourceVersion must not be set on objects to be created", k.gvk.Kind, obj.GetName()))
	}
	if s.taken(k, keyOf(obj)) {
		return nil, apierrors.NewAlreadyExists(k.gr, obj.GetName())
	}
	next := own(obj)
	next.SetUID("") // the server names every new object
	if k.statusSub {
		f := field(next, k.statusF)
		f.Set(reflect.Zero(f.Type()))
	}
	return s.insert(k, next, 1)
}

// taken says an object is stored under key. Create asks before copying
// what it would store: the engine creates every object it keeps on every
// pass (Flagger's create-if-missing), and insert would refuse the copy.
func (s *Store) taken(k *kind, key types.NamespacedName) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.objects[k.gvk][key]
	return ok
}

// Add stores objects as they are, status included, as the initial state
// of the cluster (like the fake client builder's WithObjects): server-owned
// fields the objects leave empty are filled in.
func (s *Store) Add(objs ...client.Object) error {
	return s.add(objs, func(o client.Object) client.Object { return o.DeepCopyObject().(client.Object) })
}

// AdoptAll is Add for a caller that hands objs over, as Adopt is Create:
// the store keeps each object itself, filled in as Add fills in its copy,
// and the caller neither changes nor keeps them. A rehearsal builds every
// object it loads for the load alone (copies of the manifests, stand-ins),
// and copying them again was most of what loading them cost.
func (s *Store) AdoptAll(objs ...client.Object) error {
	return s.add(objs, func(o client.Object) client.Object { return o })
}

// add stores what own makes of each object, the copy the store will own.
func (s *Store) add(objs []client.Object, own func(client.Object) client.Object) error {
	for _, obj := range objs {
		k, err := s.kindOf(obj)
		if err != nil {
			return err
		}
		next := own(obj)
		next.SetResourceVersion("")
		if _, err := s.insert(k, next, max(next.GetGeneration(), 1)); err != nil {
			return fmt.Errorf("adding %s %s/%s: %w", k.gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
		}
	}
	return nil
}

// insert stores next, an object the store owns, under a new name if it asks
// for a generated one.
func (s *Store) insert(k *kind, next client.Object, generation int64) (client.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if next.GetName() == "" && next.GetGenerateName() != "" {
		s.serial++
		next.SetName(next.GetGenerateName() + suffix(s.serial))
	}
	if next.GetName() == "" {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("creating a %s: metadata.name or metadata.generateName is required", k.gvk.Kind))
	}
	key := keyOf(next)
	if _, ok := s.objects[k.gvk][key]; ok {
		return nil, apierrors.NewAlreadyExists(k.gr, key.Name)
	}
	s.stampNew(next, generation)
	s.put(k, next)
	return next, nil
}

// suffix is a generated name's ending: five base-36 digits from a counter
// where a real server draws random ones.
func suffix(n uint64) string {
	d := strconv.FormatUint(n, 36)
	return strings.Repeat("0", max(5-len(d), 0)) + d
}

// stampNew sets the server-owned metadata of a new object; the caller holds
// the write lock.
func (s *Store) stampNew(obj client.Object, generation int64) {
	if obj.GetUID() == "" {
		s.serial++
		obj.SetUID(types.UID("uid-" + strconv.FormatUint(s.serial, 10)))
	}
	obj.SetGeneration(generation)
	obj.SetCreationTimestamp(metav1.Time{})
	obj.SetDeletionTimestamp(nil)
	obj.SetManagedFields(nil)
	s.bump(obj)
}

// bump gives obj the next resourceVersion; the caller holds the write lock.
func (s *Store) bump(obj client.Object) {
	s.version++
	obj.SetResourceVersion(strconv.FormatUint(s.version, 10))
}

// put stores obj; the caller holds the write lock.
func (s *Store) put(k *kind, obj client.Object) {
	obj.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	if sec, ok := obj.(*corev1.Secret); ok {
		foldStringData(sec)
		if sec.Type == "" {
			sec.Type = corev1.SecretTypeOpaque // the API server's default
		}
	}
	byKey := s.objects[k.gvk]
	if byKey == nil {
		byKey = map[types.NamespacedName]client.Object{}
		s.objects[k.gvk] = byKey
	}
	byKey[keyOf(obj)] = obj
	s.keep(k.gvk.Kind, obj)
	if e, ok := obj.(*corev1.Event); ok {
		s.wroteEvent(k, e)
	}
}

// Update replaces the stored object with obj. An empty resourceVersion
// updates unconditionally; a stale one is a Conflict. Kinds with a status
// subresource keep their stored status.
func (s *Store) Update(_ context.Context, obj client.Object, opts ...client.UpdateOption) error {
	if err := dryRun("update", (&client.UpdateOptions{}).ApplyOptions(opts).DryRun); err != nil {
		return err
	}
	return s.update(obj, false)
}

// AdoptUpdate is Update for a writer that hands obj over, as Adopt is
// Create: the store keeps obj itself as the updated object, and copies
// nothing back; the writer neither changes nor keeps it, nor reuses it
// after an error. obj may share values with other stored objects (a
// promoted primary shares the target's rollout settings), since no stored
// object is changed in place. The engine's promotion and a release write a
// Deployment read for the write alone.
func (s *Store) AdoptUpdate(obj client.Object) error {
	k, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.replace(k, obj, objectWrite)
	return err
}

// WriteStatus is Status().Update for a writer that hands obj over: the
// store keeps obj itself as the stored object, its fields but the status
// set to the stored ones (a status write changes nothing else), and the
// writer never changes it, or what its status points to, again; it may
// read it. A stale write is a Conflict, and leaves obj the writer's. The
// workload controllers and the engine build a new status for every write
// on a shallow copy of the object they read, and a Deployment's or a
// Canary's deep copy, pod template or analysis and all, was most of what a
// status update cost.
func (s *Store) WriteStatus(obj client.Object) error {
	k, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	stored, err := s.replace(k, obj, statusHandover)
	s.mu.Unlock()
	if err == nil && stored != obj {
		obj.SetResourceVersion(stored.GetResourceVersion())
	}
	return err
}

// update updates the object, or only its status, and copies the result
// back into obj.
func (s *Store) update(obj client.Object, status bool) error {
	stored, err := s.write(obj, status)
	if err != nil {
		return err
	}
	copyInto(obj, stored)
	return nil
}

// write updates the object, or only its status, and returns the stored
// result, which the caller must not change.
func (s *Store) write(obj client.Object, status bool) (client.Object, error) {
	k, err := s.kindOf(obj)
	if err != nil {
		return nil, err
	}
	in := k.input(obj, status)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.replace(k, in, writeOf(status))
}

// input is the store's own copy of what a write sends. A status write
// reads only the status (and the name and resourceVersion), so only the
// status is deep-copied: the rest of a Deployment, its pod template above
// all, is what a copy would cost.
func (k *kind) input(obj client.Object, status bool) client.Object {
	if !status || !k.statusSub || !k.copyStatus.IsValid() {
		return obj.DeepCopyObject().(client.Object)
	}
	in := k.shallow(obj)
	f := field(in, k.statusF)
	f.Set(k.copyStatus.Call([]reflect.Value{f.Addr()})[0].Elem())
	return in
}

// writeKind is what a write replaces: the object (but its status, when
// the kind has the subresource), or only its status, or only its status
// with the sent object kept as the stored one (see WriteStatus).
type writeKind int

const (
	objectWrite writeKind = iota
	statusWrite
	statusHandover
)

func writeOf(status bool) writeKind {
	if status {
		return statusWrite
	}
	return objectWrite
}

// replace applies an update of in, an object the store owns, to the stored
// object of the same name; the caller holds the write lock.
func (s *Store) replace(k *kind, in client.Object, w writeKind) (client.Object, error) {
	old, ok := s.objects[k.gvk][keyOf(in)]
	if !ok {
		return nil, k.notFound(in.GetName())
	}
	if rv := in.GetResourceVersion(); rv != "" && rv != old.GetResourceVersion() {
		return nil, k.conflict(in.GetName())
	}
	next, err := k.merge(old, in, w)
	if err != nil {
		return nil, err
	}
	s.bump(next)
	if next.GetDeletionTimestamp() != nil && len(next.GetFinalizers()) == 0 {
		delete(s.objects[k.gvk], keyOf(next))
		return next, nil
	}
	s.put(k, next)
	return next, nil
}

// merge builds the object an update leaves: through the status
// subresource only the status changes; otherwise everything but the status
// (when the kind has the subresource) and the server-owned metadata.
func (k *kind) merge(old, in client.Object, w writeKind) (client.Object, error) {
	switch {
	case w != objectWrite && !k.statusSub:
		return nil, apierrors.NewNotFound(schema.GroupResource{Group: k.gr.Group, Resource: k.gr.Resource + "/status"}, in.GetName())
	case w == statusHandover && k.handover:
		k.allButStatus(in, old)
		return in, nil
	case w != objectWrite:
		next := k.shallow(old)
		field(next, k.statusF).Set(field(in, k.statusF))
		return next, nil
	case k.statusSub:
		field(in, k.statusF).Set(field(old, k.statusF))
	}
	in.SetUID(old.GetUID())
	in.SetCreationTimestamp(old.GetCreationTimestamp())
	in.SetDeletionTimestamp(old.GetDeletionTimestamp())
	in.SetManagedFields(nil)
	in.SetGeneration(k.generation(old, in))
	return in, nil
}

// allButStatus sets every top-level field of dst but the status to src's.
func (k *kind) allButStatus(dst, src client.Object) {
	d, from := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	for i := range d.NumField() {
		if i != k.statusF[0] {
			d.Field(i).Set(from.Field(i))
		}
	}
}

// generation is old's, bumped when the spec changed.
func (k *kind) generation(old, in client.Object) int64 {
	if k.spec == nil {
		return old.GetGeneration()
	}
	if semanticEqual(field(old, k.spec), field(in, k.spec)) {
		return old.GetGeneration()
	}
	return old.GetGeneration() + 1
}

// Patch applies a JSON merge, JSON or strategic merge patch (the latter on
// built-in kinds only, as on a real server) to the stored object and copies
// the result into obj. A resourceVersion in the patch must be current.
func (s *Store) Patch(_ context.Context, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
	if err := dryRun("patch", (&client.PatchOptions{}).ApplyOptions(opts).DryRun); err != nil {
		return err
	}
	return s.patch(obj, patch, false)
}

func (s *Store) patch(obj client.Object, patch client.Patch, status bool) error {
	k, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	data, err := patch.Data(obj)
	if err != nil {
		return fmt.Errorf("computing the patch of %s %s/%s: %w", k.gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
	}
	s.mu.Lock()
	stored, err := s.patchLocked(k, keyOf(obj), patch.Type(), data, status)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	copyInto(obj, stored)
	return nil
}

func (s *Store) patchLocked(k *kind, key types.NamespacedName, pt types.PatchType, data []byte, status bool) (client.Object, error) {
	old, ok := s.objects[k.gvk][key]
	if !ok {
		return nil, k.notFound(key.Name)
	}
	in, err := k.applyPatch(old, pt, data)
	if err != nil {
		return nil, err
	}
	if keyOf(in) != key {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("patching %s %s: a patch cannot change the name or namespace", k.gvk.Kind, key))
	}
	return s.replace(k, in, writeOf(status))
}

// applyPatch returns a new object: old with the patch applied. A JSON merge
// patch that only sets plain fields goes to the typed object itself (see
// mergeTyped); other merge patches work on old's unstructured form, which
// skips the JSON encoding and parsing of the whole object; a JSON patch
// needs the JSON document.
func (k *kind) applyPatch(old client.Object, pt types.PatchType, data []byte) (client.Object, error) {
	if pt == types.JSONPatchType {
		return k.applyJSONPatch(old, data)
	}
	var patch map[string]any
	if err := utiljson.Unmarshal(data, &patch); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the %s patch of %s %s is not a JSON object: %v", pt, k.gvk.Kind, old.GetName(), err))
	}
	if pt == types.MergePatchType {
		if in, ok := mergeTyped(k, old, patch); ok {
			return in, nil
		}
	}
	return k.patchUnstructured(old, patch, pt)
}

// patchUnstructured merges the decoded patch into old's unstructured form
// and decodes the result.
func (k *kind) patchUnstructured(old client.Object, patch map[string]any, pt types.PatchType) (client.Object, error) {
	doc, err := runtime.DefaultUnstructuredConverter.ToUnstructured(old)
	if err != nil {
		return nil, fmt.Errorf("converting %s %s/%s to patch it: %w", k.gvk.Kind, old.GetNamespace(), old.GetName(), err)
	}
	if doc, err = k.mergeDoc(doc, patch, pt); err != nil {
		return nil, err
	}
	in := reflect.New(k.typ).Interface().(client.Object)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(doc, in); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the patched %s %s is not a valid %s: %v", k.gvk.Kind, old.GetName(), k.gvk.Kind, err))
	}
	return in, nil
}

func (k *kind) mergeDoc(doc, patch map[string]any, pt types.PatchType) (map[string]any, error) {
	switch pt {
	case types.MergePatchType:
		return mergeObjects(doc, patch), nil
	case types.StrategicMergePatchType:
		if !strings.HasPrefix(k.typ.PkgPath(), "k8s.io/api/") {
			return nil, unsupportedMediaType(k)
		}
		out, err := strategicpatch.StrategicMergeMapPatch(doc, patch, reflect.New(k.typ).Interface())
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("the strategic merge patch of a %s does not apply: %v", k.gvk.Kind, err))
		}
		return out, nil
	}
	return nil, fmt.Errorf("patching %s with a %s patch: %w", k.gvk.Kind, pt, ErrNotSupported)
}

// mergeObjects applies a JSON merge patch (RFC 7386) to doc, in place: null
// removes a member, an object merges member by member, anything else
// replaces.
func mergeObjects(doc, patch map[string]any) map[string]any {
	for name, p := range patch {
		if p == nil {
			delete(doc, name)
			continue
		}
		po, isObject := p.(map[string]any)
		if !isObject {
			doc[name] = p
			continue
		}
		do, ok := doc[name].(map[string]any)
		if !ok {
			do = map[string]any{}
		}
		doc[name] = mergeObjects(do, po)
	}
	return doc
}

func (k *kind) applyJSONPatch(old client.Object, data []byte) (client.Object, error) {
	doc, err := json.Marshal(old)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %s/%s to patch it: %w", k.gvk.Kind, old.GetNamespace(), old.GetName(), err)
	}
	p, err := jsonpatch.DecodePatch(data)
	if err == nil {
		doc, err = p.Apply(doc)
	}
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the JSON patch of a %s does not apply: %v", k.gvk.Kind, err))
	}
	in := reflect.New(k.typ).Interface().(client.Object)
	if err := json.Unmarshal(doc, in); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the patched %s %s is not a valid %s: %v", k.gvk.Kind, old.GetName(), k.gvk.Kind, err))
	}
	return in, nil
}

// unsupportedMediaType is a real server's answer to a strategic merge
// patch of a custom resource.
func unsupportedMediaType(k *kind) error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: http.StatusUnsupportedMediaType,
		Reason:  metav1.StatusReasonUnsupportedMediaType,
		Message: fmt.Sprintf("strategic merge patch is not supported for the custom resource %s: use a merge patch (client.MergeFrom)", k.gr)}}
}

// Delete removes the object, or marks it deleted while finalizers remain.
// Preconditions on UID and resourceVersion are honoured; there is no
// garbage collector, so owned objects stay.
func (s *Store) Delete(_ context.Context, obj client.Object, opts ...client.DeleteOption) error {
	k, err := s.kindOf(obj)
	if err != nil {
		return err
	}
	o := (&client.DeleteOptions{}).ApplyOptions(opts)
	if err := dryRun("delete", o.DryRun); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.objects[k.gvk][keyOf(obj)]
	if !ok {
		return k.notFound(obj.GetName())
	}
	if err := k.preconditions(old, o.Preconditions); err != nil {
		return err
	}
	s.remove(k, old)
	return nil
}

func (k *kind) preconditions(old client.Object, p *metav1.Preconditions) error {
	if p == nil {
		return nil
	}
	if (p.UID != nil && *p.UID != old.GetUID()) || (p.ResourceVersion != nil && *p.ResourceVersion != old.GetResourceVersion()) {
		return k.conflict(old.GetName())
	}
	return nil
}

// remove deletes old, or marks it when finalizers hold it; the caller holds
// the write lock.
func (s *Store) remove(k *kind, old client.Object) {
	if len(old.GetFinalizers()) == 0 {
		delete(s.objects[k.gvk], keyOf(old))
		return
	}
	if old.GetDeletionTimestamp() != nil {
		return
	}
	next := k.shallow(old)
	next.SetDeletionTimestamp(&deletionTime)
	s.bump(next)
	s.put(k, next)
}

// DeleteAllOf is not supported.
func (s *Store) DeleteAllOf(_ context.Context, obj client.Object, _ ...client.DeleteAllOfOption) error {
	return fmt.Errorf("deleting all %T: %w", obj, ErrNotSupported)
}

// Apply (server-side apply) is not supported.
func (s *Store) Apply(context.Context, runtime.ApplyConfiguration, ...client.ApplyOption) error {
	return fmt.Errorf("server-side apply: %w", ErrNotSupported)
}

// Watch is not supported.
func (s *Store) Watch(_ context.Context, list client.ObjectList, _ ...client.ListOption) (watch.Interface, error) {
	return nil, fmt.Errorf("watching %T: %w", list, ErrNotSupported)
}

// Status is the status subresource.
func (s *Store) Status() client.SubResourceWriter { return s.SubResource("status") }

// SubResource serves "status"; every other subresource is not supported.
func (s *Store) SubResource(name string) client.SubResourceClient {
	return &subResource{store: s, name: name}
}

// Scheme is the scheme the store was built with.
func (s *Store) Scheme() *runtime.Scheme { return s.scheme }

// RESTMapper maps every object kind the scheme knows, built on first use.
func (s *Store) RESTMapper() meta.RESTMapper { return s.mapper() }

// GroupVersionKindFor is the object's GVK in the store's scheme.
func (s *Store) GroupVersionKindFor(obj runtime.Object) (schema.GroupVersionKind, error) {
	return apiutil.GVKForObject(obj, s.scheme)
}

// IsObjectNamespaced is true for every kind but the few cluster-scoped ones.
func (s *Store) IsObjectNamespaced(obj runtime.Object) (bool, error) {
	gvk, err := apiutil.GVKForObject(obj, s.scheme)
	if err != nil {
		return false, err
	}
	return !clusterScoped[gvk.Kind], nil
}

func (s *Store) buildMapper() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper(nil)
	for gvk := range s.scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		if obj, err := s.scheme.New(gvk); err != nil || !isObject(obj) {
			continue
		}
		scope := meta.RESTScopeNamespace
		if clusterScoped[gvk.Kind] {
			scope = meta.RESTScopeRoot
		}
		m.Add(gvk, scope)
	}
	return m
}

func isObject(obj runtime.Object) bool {
	_, ok := obj.(client.Object)
	return ok
}

// subResource is a subresource client; only "status" does anything.
type subResource struct {
	store *Store
	name  string
}

func (r *subResource) unsupported(verb string, obj client.Object) error {
	if r.name == "status" {
		return fmt.Errorf("%s of the status of %T: %w", verb, obj, ErrNotSupported)
	}
	return fmt.Errorf("the %q subresource of %T: %w", r.name, obj, ErrNotSupported)
}

// Get reads the whole object through the status subresource, as a real
// server answers GET .../status.
func (r *subResource) Get(ctx context.Context, obj, sub client.Object, _ ...client.SubResourceGetOption) error {
	if r.name != "status" {
		return r.unsupported("reading", obj)
	}
	if reflect.TypeOf(obj) != reflect.TypeOf(sub) {
		return fmt.Errorf("reading the status of %T into a %T: both must be the same type", obj, sub)
	}
	return r.store.Get(ctx, client.ObjectKeyFromObject(obj), sub)
}

func (r *subResource) Create(_ context.Context, obj, _ client.Object, _ ...client.SubResourceCreateOption) error {
	return r.unsupported("creating", obj)
}

// Update changes only the status of the stored object.
func (r *subResource) Update(_ context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	if r.name != "status" {
		return r.unsupported("updating", obj)
	}
	o := (&client.SubResourceUpdateOptions{}).ApplyOptions(opts)
	if err := dryRun("status update", o.DryRun); err != nil {
		return err
	}
	if o.SubResourceBody != nil {
		obj = o.SubResourceBody
	}
	return r.store.update(obj, true)
}

// Patch patches only the status of the stored object.
func (r *subResource) Patch(_ context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	if r.name != "status" {
		return r.unsupported("patching", obj)
	}
	o := (&client.SubResourcePatchOptions{}).ApplyOptions(opts)
	if err := dryRun("status patch", o.DryRun); err != nil {
		return err
	}
	if o.SubResourceBody != nil {
		obj = o.SubResourceBody
	}
	return r.store.patch(obj, patch, true)
}

func (r *subResource) Apply(_ context.Context, _ runtime.ApplyConfiguration, _ ...client.SubResourceApplyOption) error {
	return fmt.Errorf("server-side apply of the %q subresource: %w", r.name, ErrNotSupported)
}

// foldStringData moves stringData into data, as the API server does on
// every write of a Secret. The data is a new map: a patched Secret shares
// the one it had with the stored Secret (see mergeTyped).
func foldStringData(s *corev1.Secret) {
	if len(s.StringData) == 0 {
		return
	}
	s.Data = maps.Clone(s.Data)
	if s.Data == nil {
		s.Data = map[string][]byte{}
	}
	for k, v := range s.StringData {
		s.Data[k] = []byte(v)
	}
	s.StringData = nil
}
