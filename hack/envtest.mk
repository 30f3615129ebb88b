# envtest.mk: the real control plane (kube-apiserver, etcd) that envtest
# starts, plus kubectl for looking at a kept cluster. Include it from the main
# Makefile; targets that run envtest suites should depend on envtest-bins.
#
# The binaries are compiled from the separate Go module in hack/tools, because
# nothing but Go modules can be downloaded here. The first build takes several
# minutes; afterwards the target only hashes hack/tools/go.mod+go.sum and
# returns, and it rebuilds everything when that hash changes.

ENVTEST_BIN := $(CURDIR)/.cache/envtest/bin
KUBEBUILDER_ASSETS := $(ENVTEST_BIN)
export KUBEBUILDER_ASSETS

.PHONY: envtest-bins envtest-clean

## envtest-bins: build kube-apiserver, etcd and kubectl into .cache/envtest/bin (skipped when up to date).
envtest-bins:
	@GO="$(GO)" $(CURDIR)/hack/tools/build-envtest.sh "$(ENVTEST_BIN)"

## envtest-clean: remove the built control-plane binaries.
envtest-clean:
	rm -rf "$(ENVTEST_BIN)"
