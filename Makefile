# rehearse: every target installs or builds what it needs; nothing by hand.
SHELL := /bin/bash
GO ?= go
BIN := $(CURDIR)/bin
CONTROLLER_GEN_VERSION := v0.23.0
CONTROLLER_GEN := $(BIN)/controller-gen-$(CONTROLLER_GEN_VERSION)
OUT ?= out

include hack/envtest.mk
include hack/kind.mk

.PHONY: all build test lint generate demo bench tools clean fuzz chaos sweep-demo backtest-demo browser-deps prometheus-bin test-real
FUZZTIME ?= 60s
GATEWAY_API_CRDS := gatewayclasses gateways httproutes referencegrants

all: build

build:
	@# -buildvcs=auto: `rehearse version` names the commit even where GOFLAGS turns stamping off.
	$(GO) build -buildvcs=auto -o $(BIN)/rehearse ./cmd/rehearse

## test: every test tier, with go test's summary lines. The envtest tier needs
## kube-apiserver and etcd, built once from Go modules into .cache/envtest.
test: envtest-bins browser-deps prometheus-bin
	REHEARSE_REQUIRE_ENVTEST=1 REHEARSE_REQUIRE_PROMETHEUS=1 $(GO) test -count=1 ./...

## prometheus-bin: Debian's Prometheus, for the tier where a real server scrapes the workloads.
prometheus-bin:
	@test -x /usr/bin/prometheus || { echo "installing prometheus (apt-get)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus) >/dev/null; }

## test-real: only the real-traffic tiers (hey through the proxy, a real Prometheus).
test-real: prometheus-bin
	$(GO) test -count=1 -run 'TestRealTraffic|TestEngineQueriesARealPrometheus|TestBacktestAFreshRecording' ./sim ./sim/realtraffic/realprom ./sim/backtest/recorder

## browser-deps: Debian's chromium, for the test that opens the sweep report in a real browser.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium (apt-get)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

## lint: vet, formatting, and the engine purity rules (no client, no net/http, no time.Now).
lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l . | grep -v '^bin/'); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) test -count=1 -run 'TestEnginePurity' ./engine/

## generate: deepcopy functions and CRD manifests from the API types.
generate: $(CONTROLLER_GEN)
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./engine/api/...
	$(CONTROLLER_GEN) crd:allowDangerousTypes=true paths=./engine/api/... output:crd:artifacts:config=fixtures/crds
	@# The Gateway API's own standard CRDs, as real clusters install them (controller-gen's
	@# output lacks the api-approved annotation a *.k8s.io group needs).
	@mkdir -p fixtures/crds/gateway-api
	dir=$$($(GO) list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api) && for k in $(GATEWAY_API_CRDS); do \
	  install -m 0644 "$$dir/config/crd/standard/gateway.networking.k8s.io_$$k.yaml" fixtures/crds/gateway-api/; done

$(CONTROLLER_GEN):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION)
	mv $(BIN)/controller-gen $@

## bench: the cost of one decision step, of a tick, of the whole library; then,
## in one run, the side-by-side with Flagger's 0.67 ms tick and issue 13's goals
## (BENCH_FLAGS="--big-seeds 0" skips the 48,000-rehearsal sweep).
BENCH_FLAGS ?=
bench: build envtest-bins
	$(GO) test -run '^$$' -bench . -skip BenchmarkRealTraffic -benchmem ./engine/ ./sim/ ./sim/sweep/ ./sim/backtest/
	$(GO) run ./hack/bench --rehearse $(BIN)/rehearse $(BENCH_FLAGS)

## demo: replay the scenario library on the embedded memory cluster; reports land in $(OUT)/.
demo: build
	$(BIN)/rehearse run --cluster memory --out $(OUT) scenarios/library

## fuzz: every fuzz target for FUZZTIME each (not part of make test); crashers land in testdata/fuzz.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./scenarios
	$(GO) test -run '^$$' -fuzz '^FuzzSeries$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./scenarios
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s ./engine/manifest
	$(GO) test -run '^$$' -fuzz '^FuzzParseHey$$' -fuzztime $(FUZZTIME) ./sim/realtraffic/load
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeValue$$' -fuzztime $(FUZZTIME) ./engine/metrics
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeSample$$' -fuzztime $(FUZZTIME) ./engine/metrics
	$(GO) test -run '^$$' -fuzz '^FuzzCanonicalValue$$' -fuzztime $(FUZZTIME) ./engine/metrics

## chaos: every kind of fault over the scenario library; report in $(OUT)/chaos/chaos.md.
chaos: build
	$(BIN)/rehearse chaos --faults catalogue --out $(OUT)/chaos scenarios/library

## sweep-demo: the threshold experiment of the README; report in $(OUT)/sweep/sweep.html.
sweep-demo: build
	$(BIN)/rehearse sweep --set analysis.threshold=1,2,3,5 \
	  --set 'metrics[request-success-rate].thresholdRange.min=98,99,99.5' --seeds 200 \
	  --noise-success-rate 0.5 --out $(OUT)/sweep scenarios/library/bad-release.yaml scenarios/library/good-release.yaml

## backtest-demo: the README's backtest of a recorded incident; report in $(OUT)/backtest/podinfo-incident/backtest.html.
backtest-demo: build
	$(BIN)/rehearse backtest --expect rolled-back --out $(OUT)/backtest fixtures/recordings/podinfo-incident.yaml

clean:
	rm -rf $(BIN) $(OUT)
