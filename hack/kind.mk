# kind.mk: the kind tier. `make kind-image` builds rehearse's own kind node
# image offline (hack/kind/build-node-image.sh) and writes .cache/kind/env;
# `make test-kind` runs the kind suites on it. Neither is part of make test.
#
# Both start Docker when it is installed but not running (CI starts with no
# processes) and install Debian's docker.io when it is missing. DOCKER_HOST
# set to a unix socket makes them use (and start) a dockerd there.

KIND_CACHE := $(CURDIR)/.cache/kind

.PHONY: kind-image test-kind kind-demo kind-clean

## kind-image: the kind node image (minutes the first time; cached: docker tag + .cache/kind/node-image.stamp).
kind-image: envtest-bins
	@hack/kind/ensure-docker.sh "$(KIND_CACHE)"
	@GO="$(GO)" ENVTEST_BIN="$(ENVTEST_BIN)" CACHE="$(KIND_CACHE)" hack/kind/build-node-image.sh
	@hack/kind/write-env.sh "$(KIND_CACHE)" "$$(cut -d' ' -f1 "$(KIND_CACHE)/node-image.stamp")"

## test-kind: the kind suites: sim/backend/kind, and the library on kind against memory and envtest, tick for tick.
test-kind: kind-image
	. "$(KIND_CACHE)/env" && REHEARSE_KIND=1 REHEARSE_REQUIRE_KIND=1 $(GO) test -count=1 -timeout 30m ./sim/backend/kind/
	. "$(KIND_CACHE)/env" && REHEARSE_KIND=1 REHEARSE_REQUIRE_KIND=1 REHEARSE_REQUIRE_ENVTEST=1 \
	  $(GO) test -count=1 -timeout 40m ./sim/equivalence/ -ginkgo.label-filter=kind -ginkgo.v

## kind-demo: the good and the bad release on a new kind cluster, deleted afterwards.
kind-demo: kind-image build
	. "$(KIND_CACHE)/env" && $(BIN)/rehearse run --cluster kind --out $(OUT)/kind \
	  scenarios/library/good-release.yaml scenarios/library/bad-release.yaml

## kind-clean: forget the node image (the docker images stay until `docker image prune`).
kind-clean:
	rm -rf "$(KIND_CACHE)"
