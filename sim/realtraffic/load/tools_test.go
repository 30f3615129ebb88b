// This file tests reading load-test commands other than hey (k6, ghz,
// wrk, vegeta, fortio, jmeter, a curl loop...) and refusing the rest.

package load

import (
	"strings"
	"testing"
	"time"
)

// TestParseTool: the load-test commands flagger-loadtester users run
// besides hey, read for the host they load and the rate and duration their
// flags state.
func TestParseTool(t *testing.T) {
	cases := []struct {
		cmd  string
		want Tool
	}{
		{"k6 run --vus 10 --duration 2m /scripts/load.js", Tool{Name: "k6", Duration: 2 * time.Minute}},
		{"k6 run --rps=40 -d 1m -e TARGET=http://orders-canary.shop/ /scripts/load.js",
			Tool{Name: "k6", Host: "orders-canary.shop", Rate: 40, Duration: time.Minute}},
		{"ghz -z 1m --rps 50 --insecure --call grpc.health.v1.Health/Check orders-canary.shop:9898",
			Tool{Name: "ghz", Host: "orders-canary.shop", Rate: 50, Duration: time.Minute}},
		{"wrk -t2 -c10 -d30s http://orders-canary.shop:80/", Tool{Name: "wrk", Host: "orders-canary.shop", Duration: 30 * time.Second}},
		{"wrk2 -R 100 -d 1m http://orders.shop/", Tool{Name: "wrk2", Host: "orders.shop", Rate: 100, Duration: time.Minute}},
		{`sh -c "echo 'GET http://orders-canary.shop/' | vegeta attack -rate=600/1m -duration=2m | vegeta report"`,
			Tool{Name: "vegeta", Host: "orders-canary.shop", Rate: 10, Duration: 2 * time.Minute}},
		{"fortio load -qps 25 -t 90s http://orders-canary.shop/", Tool{Name: "fortio", Host: "orders-canary.shop", Rate: 25, Duration: 90 * time.Second}},
		{"/opt/jmeter/bin/jmeter -n -t /tests/orders.jmx -l /tmp/results.jtl", Tool{Name: "jmeter"}},
		{"while true; do curl -sf http://orders-canary.shop/api; sleep 0.5; done", Tool{Name: "curl", Host: "orders-canary.shop", Rate: 2}},
		{"ab -n 1000 -c 5 -t 60 http://orders-canary.shop/", Tool{Name: "ab", Host: "orders-canary.shop", Duration: time.Minute}},
	}
	for _, c := range cases {
		got, err := ParseTool(c.cmd)
		if err != nil {
			t.Errorf("%s: %v", c.cmd, err)
			continue
		}
		if *got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.cmd, *got, c.want)
		}
	}
}

func TestParseToolRefuses(t *testing.T) {
	for cmd, want := range map[string]string{
		"python3 /scripts/load.py":      "runs no load-test tool",
		"":                              "runs no load-test tool",
		`k6 run "/scripts/load.js`:      "unclosed quote",
		"kubectl rollout status deploy": "runs no load-test tool",
	} {
		if _, err := ParseTool(cmd); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want one saying %q", cmd, err, want)
		}
	}
}
