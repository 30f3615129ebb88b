# rehearse: every target installs or builds what it needs; nothing by hand.
SHELL := /bin/bash
GO ?= go
BIN := $(CURDIR)/bin
CONTROLLER_GEN_VERSION := v0.23.0
CONTROLLER_GEN := $(BIN)/controller-gen-$(CONTROLLER_GEN_VERSION)
OUT ?= out

include hack/envtest.mk

.PHONY: all build test lint generate demo bench tools clean

all: build

build:
	$(GO) build -o $(BIN)/rehearse ./cmd/rehearse

## test: every test tier, with go test's summary lines. The envtest tier needs
## kube-apiserver and etcd, built once from Go modules into .cache/envtest.
test: envtest-bins
	REHEARSE_REQUIRE_ENVTEST=1 $(GO) test -count=1 ./...

## lint: vet, formatting, and the engine purity rules (no client, no net/http, no time.Now).
lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l . | grep -v '^bin/'); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) test -count=1 -run 'TestEnginePurity' ./engine/

## generate: deepcopy functions and CRD manifests from the API types.
generate: $(CONTROLLER_GEN)
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./engine/api/...
	$(CONTROLLER_GEN) crd:allowDangerousTypes=true paths=./engine/api/... output:crd:artifacts:config=fixtures/crds

$(CONTROLLER_GEN):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION)
	mv $(BIN)/controller-gen $@

## bench: the cost of one decision step, of a tick, of the whole library.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./engine/ ./sim/

## demo: replay the scenario library on the embedded memory cluster; reports land in $(OUT)/.
demo: build
	$(BIN)/rehearse run --cluster memory --out $(OUT) scenarios/library

clean:
	rm -rf $(BIN) $(OUT)
