// This file is the cluster-client decorator: errors and conflicts on the
// calls the kubernetes faults name, through controller-runtime's
// interceptor.

package fault

import (
	"context"
	"errors"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend"
)

// Client is the engine's view of the API server under the plan's
// kubernetes faults: errors and conflicts on the calls the faults name, at
// the virtual time now says. Without such faults it is c itself.
func Client(c client.Client, p *Plan, now func() time.Time) client.Client {
	if !p.has(scenarios.FaultKubernetes) {
		return c
	}
	ww, ok := c.(client.WithWatch)
	if !ok {
		return c
	}
	fail := func(verb string, obj client.Object) error {
		f, ok := p.active(scenarios.FaultKubernetes, now(), func(f scenarios.Fault) bool {
			return f.Verb == "" || f.Verb == verb
		})
		if !ok {
			return nil
		}
		gr := schema.GroupResource{Resource: backend.KindOf(obj)}
		if f.Kind == "conflict" {
			return apierrors.NewConflict(gr, obj.GetName(), errors.New("injected fault: the object has been modified"))
		}
		return apierrors.NewInternalError(errors.New("injected fault: the API server failed"))
	}
	return interceptor.NewClient(ww, interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if err := fail("get", obj); err != nil {
				return err
			}
			return c.Get(ctx, key, obj, opts...)
		},
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			if err := fail("create", obj); err != nil {
				return err
			}
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			if err := fail("update", obj); err != nil {
				return err
			}
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			if err := fail("patch", obj); err != nil {
				return err
			}
			return c.Patch(ctx, obj, patch, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			if err := fail("status", obj); err != nil {
				return err
			}
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
	})
}
