// This file is the measure every provider's query is compiled into: which
// versions it reads, which requests it counts, and which statistic.

package metricapi

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// Roles is a set of workload versions a query reads.
type Roles struct{ Primary, Canary bool }

func (r Roles) list() []traffic.Role {
	var out []traffic.Role
	if r.Primary {
		out = append(out, traffic.Primary)
	}
	if r.Canary {
		out = append(out, traffic.Canary)
	}
	return out
}

func (r Roles) any() bool { return r.Primary || r.Canary }

func (r Roles) and(o Roles) Roles { return Roles{r.Primary && o.Primary, r.Canary && o.Canary} }

// Class is which requests a count counts: those answered without a 5xx,
// the 5xx, or both.
type Class struct{ OK, Errors bool }

// AllRequests counts every request.
var AllRequests = Class{OK: true, Errors: true}

func (c Class) and(o Class) Class { return Class{c.OK && o.OK, c.Errors && o.Errors} }

// StatKind is how a measure sums up its requests.
type StatKind int

// The kinds of statistic.
const (
	Count    StatKind = iota // requests in the bucket
	Rate                     // requests per second
	Mean                     // mean latency
	Quantile                 // latency percentile
)

// Stat is a statistic, with a latency's quantile and unit.
type Stat struct {
	Kind StatKind
	Q    float64       // for Quantile, in (0, 1)
	Unit time.Duration // for latencies: the unit of the answer
}

// Measure is one thing a query reads: a statistic of some requests of
// some versions.
type Measure struct {
	Roles Roles
	Class Class
	Stat  Stat
}

// Names are the names Flagger gives a Canary's workloads and services, by
// which a query picks a version.
type Names struct {
	Namespace string
	canary    []string
	primary   []string
}

// NamesOf reads a Canary's names: the target and its -canary service
// name the canary; the -primary workload and service, the primary.
func NamesOf(cd *v1beta1.Canary) Names {
	_, primarySvc, canarySvc := cd.GetServiceNames() // the apex serves both: it names neither
	n := Names{Namespace: cd.Namespace}
	n.canary = unique(cd.Spec.TargetRef.Name, cd.Spec.TargetRef.Name+"-canary", canarySvc)
	n.primary = unique(cd.PrimaryName(), primarySvc)
	return n
}

func unique(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// qualified are the spellings of a workload name a metric may carry:
// bare, with the namespace as a suffix (name.ns, name.ns.svc...) or as a
// prefix (ns/name, ns.name).
func (n Names) qualified(name string) []string {
	ns := n.Namespace
	return []string{name, name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local",
		ns + "/" + name, ns + "." + name, name + "-" + ns, ns + "-" + name, ns + "_" + name, name + "_" + ns}
}

// matcher says whether a value, as a query writes it (exact, glob or
// regular expression), matches a name.
type matcher func(name string) bool

func exact(v string) matcher { return func(n string) bool { return n == v } }

// glob matches shell-style patterns (*, ?, [...]) and Graphite's {a,b}.
func glob(p string) matcher {
	alts := expandBraces(p)
	return func(n string) bool {
		for _, a := range alts {
			if ok, err := path.Match(a, n); err == nil && ok {
				return true
			}
		}
		return false
	}
}

func expandBraces(p string) []string {
	i := strings.IndexByte(p, '{')
	j := strings.IndexByte(p, '}')
	if i < 0 || j < i {
		return []string{p}
	}
	var out []string
	for _, alt := range strings.Split(p[i+1:j], ",") {
		out = append(out, expandBraces(p[:i]+alt+p[j+1:])...)
	}
	return out
}

func regex(p string) matcher {
	re, err := regexp.Compile("^(?:" + p + ")$")
	if err != nil {
		return func(string) bool { return false }
	}
	return re.MatchString
}

// rolesMatching is the versions one of whose names (in any spelling)
// the matcher accepts.
func (n Names) rolesMatching(m matcher) Roles {
	return Roles{Primary: n.anyMatch(n.primary, m), Canary: n.anyMatch(n.canary, m)}
}

func (n Names) anyMatch(names []string, m matcher) bool {
	for _, name := range names {
		for _, q := range n.qualified(name) {
			if m(q) {
				return true
			}
		}
	}
	return false
}

// describe lists the names a workload filter may use, for a note.
func (n Names) describe() string {
	return fmt.Sprintf("the canary is %s, the primary %s", strings.Join(n.canary, " or "), strings.Join(n.primary, " or "))
}
