// This file is the world's cluster part: the backend's client, the Canary
// as the cluster holds it, the workload controllers the world plays and
// the router, with what the user does to the cluster during a run (a new
// revision, a config change, a pause, a deletion).

package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kedav1alpha1 "github.com/rehearse-dev/rehearse/engine/api/keda/v1alpha1"
	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// cluster owns what the rehearsal's cluster holds and plays: the client of
// the backend the objects were loaded into, the Canary, the workload
// controllers and the router. The engine reaches it through its own client,
// which faults decorate (see newRunner); the world reads and changes it
// through this one, undecorated.
type cluster struct {
	client  client.Client
	key     client.ObjectKey
	cd      *v1beta1.Canary // the Canary as the cluster holds it (namespace mapped)
	deploys *memory.Controller
	router  runner.Router
}

// openCluster loads the objects into backend b and plays the workload
// controllers on them: pods behave as behaviour says of their image, unless
// override says otherwise of their workload.
func openCluster(ctx context.Context, b backend.Cluster, objs []client.Object, cd *v1beta1.Canary, provider string,
	behaviour memory.Behaviours, override func(name string, now time.Time) (memory.Behaviour, bool)) (cluster, error) {
	if _, adopts := b.(backend.Memory); adopts {
		objs = handedOver(objs, cd)
	}
	c, err := b.Load(ctx, objs)
	if err != nil {
		return cluster{}, err
	}
	return cluster{client: c, key: client.ObjectKeyFromObject(cd), cd: cd,
		deploys: &memory.Controller{Client: c, Namespace: cd.Namespace, Behaviour: behaviour, Kind: controllerKind(cd), Override: override},
		router:  routerFor(provider, c)}, nil
}

// handedOver is objs for the memory backend, which keeps what it loads
// (Memory.Load): the world built every object for the load alone but cd,
// the Canary it keeps reading, which the backend gets a copy of.
func handedOver(objs []client.Object, cd *v1beta1.Canary) []client.Object {
	out := slices.Clone(objs)
	for i, o := range out {
		if o == client.Object(cd) {
			out[i] = cd.DeepCopy()
		}
	}
	return out
}

// canary reads the Canary as it stands.
func (c *cluster) canary(ctx context.Context) (*v1beta1.Canary, error) {
	var cd v1beta1.Canary
	if err := c.client.Get(ctx, c.key, &cd); err != nil {
		return nil, fmt.Errorf("reading canary %s: %w", c.key, err)
	}
	return &cd, nil
}

func (c *cluster) template(ns, name string) (*v1beta1.MetricTemplate, error) {
	var t v1beta1.MetricTemplate
	if err := c.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &t); err != nil {
		return nil, fmt.Errorf("metric template %s/%s: %w", ns, name, err)
	}
	return &t, nil
}

func (c *cluster) secret(ns, name string) (map[string][]byte, error) {
	var s corev1.Secret
	if err := c.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", ns, name, err)
	}
	return s.Data, nil
}

// knativeRevision is the latest created revision of a Knative Service, for
// the metric queries of the knative provider.
func (c *cluster) knativeRevision(ns, name string) (string, error) {
	var svc knativev1.Service
	if err := c.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &svc); err != nil {
		return "", err
	}
	return svc.Status.LatestCreatedRevisionName, nil
}

// roles reads both versions and the weights; a version that is missing
// serves no traffic.
func (c *cluster) roles(ctx context.Context) roles {
	var rs roles
	rs.pods[traffic.Primary], rs.pods[traffic.Canary], _ = c.deploys.Versions(ctx, c.cd)
	if live, err := c.live(ctx); err == nil {
		rs.routes, _ = c.router.Routes(ctx, live)
	}
	return rs
}

// live is the Canary as it stands, for a reader that neither changes nor
// keeps it: on the memory backend the stored Canary itself (kube.Read, as
// the engine reads its workloads), a copy elsewhere. The traffic model
// reads the routes every tick, and a Canary's deep copy was most of that.
func (c *cluster) live(ctx context.Context) (*v1beta1.Canary, error) {
	cd, err := kube.Read[*v1beta1.Canary](ctx, c.client, c.key)
	if err != nil {
		return nil, fmt.Errorf("reading canary %s: %w", c.key, err)
	}
	return cd, nil
}

// forTick is the Canary a tick hands the engine: a shallow copy of the
// live one (see live). The engine replaces the copy's top-level fields (the
// status it writes, the metadata a write returns) and only reads what they
// point to, so the stored Canary stays as stored (TestLentObjectsStayUnchanged
// audits it over the library and the patterns); a deep copy a tick was 4%
// of a sweep's allocations.
func (c *cluster) forTick(ctx context.Context) (*v1beta1.Canary, error) {
	live, err := c.live(ctx)
	if err != nil {
		return nil, err
	}
	cd := *live
	return &cd, nil
}

// reconcileRoutes creates or syncs the routing objects before a tick, as
// Flagger's mesh router does on every run.
func (c *cluster) reconcileRoutes(ctx context.Context, cd *v1beta1.Canary) error {
	r, ok := c.router.(interface {
		Reconcile(context.Context, *v1beta1.Canary) error
	})
	if !ok || cd.Spec.Suspend {
		return nil
	}
	if err := r.Reconcile(ctx, cd); err != nil {
		return fmt.Errorf("reconciling the routes of canary %s: %w", c.key, err)
	}
	return nil
}

// mirrorShare is the share of the apex traffic a mirroring router copies
// to the canary.
func (c *cluster) mirrorShare() float64 {
	if a := c.cd.GetAnalysis(); a != nil && a.MirrorWeight > 0 {
		return float64(a.MirrorWeight) / 100
	}
	return 1
}

// setImage releases a new image of the target, as a user's `kubectl set
// image` or a GitOps sync would. The Store (its AdoptUpdate) is handed the
// target with the image in its first container, what the merge patch
// leaves on the stored target: a shallow copy whose containers alone are
// new, the read being the stored target itself (kube.Read). Any other
// client is sent the patch, after a Get, as before. A deep copy of the
// whole Deployment, and encoding the containers into a patch and decoding
// them again, were most of what a release cost on the Store.
func (c *cluster) setImage(ctx context.Context, image string) error {
	cd := c.cd
	key := client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}
	obj, err := readTarget(ctx, c.client, cd.Spec.TargetRef.IsKnativeService(), cd.Spec.TargetRef.Kind, key)
	if err != nil {
		return fmt.Errorf("reading target %s: %w", key, err)
	}
	cs := containersOf(obj)
	if len(*cs) == 0 {
		return fmt.Errorf("target %s has no container to release %s into", key, image)
	}
	if a, ok := c.client.(kube.UpdateAdopter); ok {
		*cs = slices.Clone(*cs) // the read's are the stored target's
		(*cs)[0].Image = image
		err = a.AdoptUpdate(obj)
	} else {
		var patch client.Patch
		if patch, err = imagePatch(*cs, image); err == nil {
			err = c.client.Patch(ctx, obj, patch)
		}
	}
	if err != nil {
		return fmt.Errorf("releasing %s into %s: %w", image, key, err)
	}
	return nil
}

// readTarget is a shallow copy of the target of the kind given, read with
// kube.Read: its caller may replace the copy's fields, never change what
// they point to.
func readTarget(ctx context.Context, c client.Client, knative bool, kind string, key client.ObjectKey) (client.Object, error) {
	switch {
	case knative:
		return shallowRead[knativev1.Service](ctx, c, key)
	case kind == "DaemonSet":
		return shallowRead[appsv1.DaemonSet](ctx, c, key)
	}
	return shallowRead[appsv1.Deployment](ctx, c, key)
}

func shallowRead[T any, P interface {
	*T
	client.Object
}](ctx context.Context, c client.Client, key client.ObjectKey) (client.Object, error) {
	read, err := kube.Read[P](ctx, c, key)
	if err != nil {
		return nil, err
	}
	next := *read
	return P(&next), nil
}

// containersOf is where a target's pod containers are: a Deployment's,
// a DaemonSet's or a Knative Service's, as readTarget reads them.
func containersOf(obj client.Object) *[]corev1.Container {
	switch o := obj.(type) {
	case *knativev1.Service:
		return &o.Spec.Template.Spec.Containers
	case *appsv1.DaemonSet:
		return &o.Spec.Template.Spec.Containers
	case *appsv1.Deployment:
		return &o.Spec.Template.Spec.Containers
	}
	panic(fmt.Sprintf("containersOf: %T is not a target kind readTarget reads", obj))
}

// imagePatch is the merge patch client.MergeFrom computes when only the
// first container's image changes, written out: the pod's whole list of
// containers, since a merge patch replaces a list as a whole, and nothing
// when the image is already cs's. Encoding the target twice and diffing
// the two documents cost more than the store's whole apply of the patch.
func imagePatch(cs []corev1.Container, image string) (client.Patch, error) {
	if cs[0].Image == image {
		return client.RawPatch(types.MergePatchType, []byte("{}")), nil
	}
	next := slices.Clone(cs)
	next[0].Image = image
	list, err := json.Marshal(next)
	if err != nil {
		return nil, fmt.Errorf("encoding the containers: %w", err)
	}
	doc := append([]byte(`{"spec":{"template":{"spec":{"containers":`), list...)
	return client.RawPatch(types.MergePatchType, append(doc, "}}}}"...)), nil
}

// setConfig replaces a ConfigMap's or a Secret's data, as a GitOps sync of
// an edited one would.
func (c *cluster) setConfig(ctx context.Context, change *scenarios.ConfigChange) error {
	key := client.ObjectKey{Namespace: c.cd.Namespace, Name: change.Name}
	var obj client.Object
	if change.Kind == "Secret" {
		var s corev1.Secret
		if err := c.client.Get(ctx, key, &s); err != nil {
			return fmt.Errorf("reading Secret %s: %w", key, err)
		}
		s.Data, s.StringData = nil, change.Data
		obj = &s
	} else {
		var cm corev1.ConfigMap
		if err := c.client.Get(ctx, key, &cm); err != nil {
			return fmt.Errorf("reading ConfigMap %s: %w", key, err)
		}
		cm.Data = change.Data
		obj = &cm
	}
	if err := c.client.Update(ctx, obj); err != nil {
		return fmt.Errorf("changing the data of %s %s: %w", change.Kind, key, err)
	}
	return nil
}

// suspend sets the Canary's spec.suspend, as a user pausing a rollout would.
func (c *cluster) suspend(ctx context.Context, on bool) error {
	cd, err := c.canary(ctx)
	if err != nil {
		return err
	}
	patch := client.MergeFrom(cd.DeepCopy())
	cd.Spec.Suspend = on
	if err := c.client.Patch(ctx, cd, patch); err != nil {
		return fmt.Errorf("setting suspend=%v on canary %s: %w", on, c.key, err)
	}
	return nil
}

// deleteCanary deletes the Canary, as a user would; one already gone is
// no error.
func (c *cluster) deleteCanary(ctx context.Context) error {
	cd, err := c.canary(ctx)
	if err == nil {
		err = c.client.Delete(ctx, cd)
	}
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// copiesNote says what Flagger's initialization made beside the primary:
// the -primary copy of the autoscaler and of each tracked config, which a
// report cannot otherwise show.
func (c *cluster) copiesNote(ctx context.Context) []string {
	cd, err := c.live(ctx) // read alone: a deep copy of the Canary was most of a note's cost
	if err != nil {
		return nil
	}
	var made []string
	if s := c.primaryScaler(ctx, cd); s != "" {
		made = append(made, s)
	}
	configs := 0
	if t := cd.Status.TrackedConfigs; t != nil {
		for _, key := range slices.Sorted(maps.Keys(*t)) {
			kind, name, _ := strings.Cut(key, "/")
			made = append(made, map[string]string{"configmap": "ConfigMap", "secret": "Secret"}[kind]+" "+name+"-primary")
			configs++
		}
	}
	if len(made) == 0 {
		return nil
	}
	note := "initialization created, beside " + cd.PrimaryName() + ": " + strings.Join(made, ", ")
	if configs > 0 {
		note += "; the primary's pods read the -primary configs, which every promotion copies again, and a change to a tracked config is a new revision"
	}
	return []string{note}
}

// primaryScaler describes the primary's autoscaler, if the Canary has one
// and it exists.
func (c *cluster) primaryScaler(ctx context.Context, cd *v1beta1.Canary) string {
	ref := cd.Spec.AutoscalerRef
	if ref == nil {
		return ""
	}
	key := client.ObjectKey{Namespace: cd.Namespace, Name: ref.Name + "-primary"}
	switch ref.Kind {
	case "HorizontalPodAutoscaler":
		var h autoscalingv2.HorizontalPodAutoscaler
		if c.client.Get(ctx, key, &h) == nil {
			return fmt.Sprintf("HorizontalPodAutoscaler %s (min %s, max %d, scaling %s %s)", h.Name, bound(h.Spec.MinReplicas), h.Spec.MaxReplicas,
				h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name)
		}
	case "ScaledObject":
		var so kedav1alpha1.ScaledObject
		if c.client.Get(ctx, key, &so) == nil && so.Spec.ScaleTargetRef != nil {
			return fmt.Sprintf("KEDA ScaledObject %s (min %s, max %s, scaling %s)", so.Name, bound(so.Spec.MinReplicaCount),
				bound(so.Spec.MaxReplicaCount), so.Spec.ScaleTargetRef.Name)
		}
	}
	return ""
}

func bound(n *int32) string {
	if n == nil {
		return "default"
	}
	return fmt.Sprint(*n)
}
