#!/usr/bin/env bash
# build-envtest.sh BINDIR: builds kube-apiserver, etcd and kubectl into
# BINDIR, the folder KUBEBUILDER_ASSETS points at (see build-bins.sh).
set -euo pipefail
bindir=${1:?usage: build-envtest.sh BINDIR}
"$(dirname "${BASH_SOURCE[0]}")/build-bins.sh" envtest "$bindir"
echo "envtest-bins: KUBEBUILDER_ASSETS=$bindir"
