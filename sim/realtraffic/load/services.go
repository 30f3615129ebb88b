// This file resolves the host a load test names to the loopback address
// of one of the rehearsal's own workloads, and refuses every other host:
// a rehearsal never sends load anywhere else.

package load

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strings"
)

// ErrRefused marks a load test aimed at something that is not one of the
// rehearsal's own workloads: it is never run.
var ErrRefused = errors.New("refused")

// Services maps the hostnames a load test may name to the loopback
// addresses that stand for them in a rehearsal.
type Services struct {
	// Names maps a service name (podinfo, podinfo-primary, podinfo-canary)
	// to the host:port on 127.0.0.1 that plays it.
	Names map[string]string
	// Namespaces are those a name may be qualified with: the manifest's
	// and the cluster's (name.ns, name.ns.svc, name.ns.svc.cluster.local).
	Namespaces []string
}

// Resolve returns the loopback address a URL's host stands for. Any other
// host, and any address that is not one of the rehearsal's own servers, is
// refused (ErrRefused): a rehearsal never sends load anywhere else.
func (s Services) Resolve(u *url.URL) (string, error) {
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); ip != nil {
		return s.resolveIP(ip, u.Port())
	}
	name, rest, _ := strings.Cut(host, ".")
	addr, ok := s.Names[name]
	if !ok || !s.qualifies(rest) {
		return "", fmt.Errorf("%w: %s is not one of the rehearsal's services (%s): rehearse only loads its own workloads",
			ErrRefused, host, strings.Join(slices.Sorted(maps.Keys(s.Names)), ", "))
	}
	return addr, nil
}

// qualifies says whether rest is a namespace suffix a Kubernetes service
// name may carry: nothing, ns, ns.svc or ns.svc.cluster.local.
func (s Services) qualifies(rest string) bool {
	if rest == "" {
		return true
	}
	for _, ns := range s.Namespaces {
		switch rest {
		case ns, ns + ".svc", ns + ".svc.cluster.local":
			return true
		}
	}
	return false
}

func (s Services) resolveIP(ip net.IP, port string) (string, error) {
	if !ip.IsLoopback() {
		return "", fmt.Errorf("%w: %s is not a loopback address: rehearse only loads its own workloads", ErrRefused, ip)
	}
	if port == "" {
		port = "80"
	}
	addr := net.JoinHostPort(ip.String(), port)
	for _, own := range s.Names {
		if own == addr {
			return addr, nil
		}
	}
	return "", fmt.Errorf("%w: no workload of this rehearsal listens on %s", ErrRefused, addr)
}
