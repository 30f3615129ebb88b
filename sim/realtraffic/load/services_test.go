// This file tests which hosts a load test may name: the rehearsal's
// services, with or without their namespace, and none of the others.

package load

import (
	"errors"
	"net/url"
	"testing"
)

func TestResolve(t *testing.T) {
	s := Services{
		Names: map[string]string{"podinfo": "127.0.0.1:4000", "podinfo-primary": "127.0.0.1:4001",
			"podinfo-canary": "127.0.0.1:4002"},
		Namespaces: []string{"test", "bad-release--test"},
	}
	tests := []struct {
		url, want string // want "" means refused
	}{
		{"http://podinfo-canary.test:9898/", "127.0.0.1:4002"},
		{"http://podinfo-canary:9898/", "127.0.0.1:4002"},
		{"http://podinfo-primary.test.svc/", "127.0.0.1:4001"},
		{"http://PODINFO.test.svc.cluster.local/api", "127.0.0.1:4000"},
		{"http://podinfo.bad-release--test/", "127.0.0.1:4000"},
		{"http://127.0.0.1:4002/", "127.0.0.1:4002"},
		{"http://podinfo-canary.other/", ""},
		{"http://podinfo-canary.test.svc.example.com/", ""},
		{"http://flagger-loadtester.test/", ""},
		{"http://example.com/", ""},
		{"http://localhost:4002/", ""},
		{"http://10.0.0.7:9898/", ""},
		{"http://[2001:db8::1]:80/", ""},
		{"http://127.0.0.1:22/", ""},
		{"http://127.0.0.1/", ""},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Resolve(u)
		switch {
		case tt.want == "" && !errors.Is(err, ErrRefused):
			t.Errorf("Resolve(%s) = %q, %v; want it refused", tt.url, got, err)
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("Resolve(%s) = %q, %v; want %s", tt.url, got, err, tt.want)
		}
	}
}
