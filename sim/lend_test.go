// This file holds the embedded cluster to its promise to the engine: the
// objects it lends instead of copying are never changed in place, over
// whole rehearsals of the library.

package sim

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
)

// auditedMemory is the memory backend with every Store audited from the
// moment it holds the scenario's objects.
type auditedMemory struct {
	backend.Memory
	mu     *sync.Mutex
	stores *[]*memory.Store
}

func (a auditedMemory) Load(ctx context.Context, objs []client.Object) (client.Client, error) {
	c, err := a.Memory.Load(ctx, objs)
	if err != nil {
		return nil, err
	}
	st, ok := c.(*memory.Store)
	if !ok {
		return nil, fmt.Errorf("the memory backend's client is a %T, not a *memory.Store", c)
	}
	st.Audit()
	a.mu.Lock()
	*a.stores = append(*a.stores, st)
	a.mu.Unlock()
	return st, nil
}

// TestLentObjectsStayUnchanged rehearses the library and the scenarios of
// other teams' Canary patterns (DaemonSets, Knative, autoscalers, A/B and
// more: fixtures/patterns) on audited stores. The engine and the harness
// read Deployments, Canaries and the rest without copies (Store.Lend,
// Peek), so a write into a lent object would corrupt the cluster silently:
// every object stored must still be what was stored.
func TestLentObjectsStayUnchanged(t *testing.T) {
	var stores []*memory.Store
	s := &Session{backend: auditedMemory{mu: &sync.Mutex{}, stores: &stores}}
	scs := append(loadScenarios(t, "../scenarios/library"), patternScenarios(t)...)
	rehearsed := 0
	for _, r := range s.RunAll(context.Background(), scs, Options{}) {
		if r.Error != "" {
			t.Errorf("%s: %s", r.Scenario, r.Error)
		}
		if r.Skipped == "" {
			rehearsed++
		}
	}
	if len(stores) != rehearsed {
		t.Fatalf("%d stores audited for %d scenarios rehearsed", len(stores), rehearsed)
	}
	for i, st := range stores {
		if err := st.Audited(); err != nil {
			t.Errorf("store %d: %v", i, err)
		}
	}
}

// patternScenarios are the scenarios among fixtures/patterns' files (beside
// them are the manifests under test); a pattern that cannot be rehearsed
// (a Service target) is left out, but DaemonSets and Knative must be in.
func patternScenarios(t *testing.T) []*scenarios.Scenario {
	t.Helper()
	files, _ := filepath.Glob("../fixtures/patterns/*/*.yaml")
	more, _ := filepath.Glob("../fixtures/patterns/*/scenarios/*.yaml")
	var out []*scenarios.Scenario
	kinds := map[string]bool{}
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("\nkind: Scenario\n")) {
			continue
		}
		scs, err := scenarios.Load(f)
		if err != nil {
			t.Logf("left out: %v", err)
			continue
		}
		for _, sc := range scs {
			kinds[sc.Canary.Spec.TargetRef.Kind] = true
		}
		out = append(out, scs...)
	}
	if !kinds["DaemonSet"] || !kinds["Service"] {
		t.Fatalf("the pattern scenarios' targets are %v: DaemonSets and Knative Services must be audited too", kinds)
	}
	return out
}
