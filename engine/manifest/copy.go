// This file copies a Set, so that one read of a manifest file can serve
// every scenario that lists it, each changing objects of its own.

package manifest

import (
	"maps"
	"slices"
)

// DeepCopy returns a Set whose objects are copies of s's, so changing one
// changes nothing in s. Origins, notes and the documents behind the
// objects are never changed after reading, and are shared.
func (s *Set) DeepCopy() *Set {
	if s == nil {
		return nil
	}
	out := &Set{
		Canaries:        copyAll(s.Canaries),
		MetricTemplates: copyAll(s.MetricTemplates),
		AlertProviders:  copyAll(s.AlertProviders),
		Deployments:     copyAll(s.Deployments),
		DaemonSets:      copyAll(s.DaemonSets),
		Services:        copyAll(s.Services),
		ConfigMaps:      copyAll(s.ConfigMaps),
		Secrets:         copyAll(s.Secrets),
		HPAs:            copyAll(s.HPAs),
		ScaledObjects:   copyAll(s.ScaledObjects),
		KnativeServices: copyAll(s.KnativeServices),
		Others:          copyAll(s.Others),
		Origins:         maps.Clone(s.Origins),
		Name:            s.Name,
		Notes:           slices.Clone(s.Notes),
		Rendered:        s.Rendered,
		docs:            maps.Clone(s.docs),
	}
	for _, v := range s.Variants {
		out.Variants = append(out.Variants, v.DeepCopy())
	}
	return out
}

func copyAll[T interface{ DeepCopy() T }](in []T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, o := range in {
		out[i] = o.DeepCopy()
	}
	return out
}
