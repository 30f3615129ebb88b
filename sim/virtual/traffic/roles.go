// This file names what each version's series are labelled with (pods,
// workloads, services, hosts) for a Canary.

package traffic

import (
	"slices"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// The labels whose values tell the two versions apart, by what they name.
// Flagger names the primary's objects <target>-primary (its Deployment,
// its pods' app label) and adds <service>-canary and <service>-primary
// Services beside the apex <service>, which routes to the primary.
var (
	podLabels = []string{"pod", "pod_name", "kubernetes_pod_name", "exported_pod"}
	// workloadLabels name the Deployment, or the app label its pods carry.
	workloadLabels = []string{"deployment", "destination_workload", "workload", "app", "app_kubernetes_io_name",
		"destination_app", "destination_name", "destination_canonical_service", "kubernetes_deployment", "daemonset"}
	// serviceLabels name the Service a request went to, or the scrape job
	// (the Prometheus Operator names a ServiceMonitor's job after the Service).
	serviceLabels = []string{"service", "destination_service", "destination_service_name", "job",
		"kubernetes_service", "exported_service", "service_name"}
	namespaceLabels = []string{"namespace", "kubernetes_namespace", "destination_workload_namespace",
		"destination_namespace", "destination_service_namespace", "exported_namespace"}
)

// roleNames is what the series of one version are labelled with.
type roleNames struct {
	namespace, target, service, kind string
}

func namesOf(m v1beta1.MetricTemplateModel, targetKind string) roleNames {
	return roleNames{namespace: m.Namespace, target: m.Target, service: m.Service, kind: targetKind}
}

// pod is a pod name of the role, as workloadPods writes it.
func (n roleNames) pod(role Role) string {
	sel := workloadPods(v1beta1.MetricTemplateModel{Namespace: n.namespace, Target: n.target}, role, n.kind)
	return sel[len(sel)-1]
}

// roleCandidates lists, for a label that identifies a workload, the values
// the role's series may carry, best first; ok is false for any other label.
func (n roleNames) roleCandidates(label string, role Role) (values []string, ok bool) {
	switch {
	case slices.Contains(podLabels, label):
		return []string{n.pod(role)}, true
	case slices.Contains(workloadLabels, label):
		return []string{workload(v1beta1.MetricTemplateModel{Target: n.target}, role)}, true
	case slices.Contains(serviceLabels, label):
		return n.services(role), true
	case slices.Contains(namespaceLabels, label):
		return []string{n.namespace}, true
	}
	return nil, false
}

// services are the names of the Services that reach a role, short and
// qualified: <service>-canary for the canary; <service>-primary and the
// apex <service> for the primary.
func (n roleNames) services(role Role) []string {
	names := []string{n.service + "-canary", n.target + "-canary"}
	if role == Primary {
		names = []string{n.service + "-primary", n.target + "-primary", n.service}
	}
	var out []string
	for _, s := range uniqueInOrder(names) {
		out = append(out, s, s+"."+n.namespace, s+"."+n.namespace+".svc", s+"."+n.namespace+".svc.cluster.local")
	}
	return out
}

// mentionsWorkload says whether a value names the target or its Service:
// such a value on a label rehearse does not know still tells the versions
// apart.
func (n roleNames) mentionsWorkload(v string) bool {
	return strings.Contains(v, n.target) || strings.Contains(v, n.service)
}

// derivedCandidates turns a value that names the workload into the
// role's: a value that says canary or primary is switched to the role's
// word, and a plain target name is the canary's (Flagger's canary is the
// target itself) and gets -primary for the primary.
func (n roleNames) derivedCandidates(v string, role Role) []string {
	hasCanary, hasPrimary := strings.Contains(v, "canary"), strings.Contains(v, "primary")
	if role == Canary {
		switch {
		case hasPrimary:
			return []string{strings.ReplaceAll(v, "primary", "canary")}
		default:
			return []string{v}
		}
	}
	switch {
	case hasPrimary:
		return []string{v}
	case hasCanary:
		return []string{strings.ReplaceAll(v, "canary", "primary")}
	}
	return []string{strings.Replace(v, n.target, n.target+"-primary", 1)}
}

func uniqueInOrder(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
