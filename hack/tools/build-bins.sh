#!/usr/bin/env bash
# build-bins.sh SET BINDIR: builds one set of binaries from this tools module
# into BINDIR.
#
#   envtest  kube-apiserver, etcd and kubectl: the control plane envtest
#            starts (KUBEBUILDER_ASSETS points at BINDIR);
#   kind     kubelet, kubeadm, kube-controller-manager, kube-scheduler,
#            kube-proxy and pause: the rest of a kind node (hack/kind).
#
# Nothing can be downloaded here except Go modules, so the binaries are
# compiled instead of fetched, all from the one k8s.io/kubernetes version in
# go.mod, so that they match. The first build takes minutes, so the script
# skips work whenever it can: a stamp file holds a hash of go.mod+go.sum, and
# a binary is rebuilt only when it is missing or that hash changed. Every
# step says what it does and how long it took, so a CI log never looks hung.
set -euo pipefail

set_name=${1:?usage: build-bins.sh envtest|kind BINDIR}
bindir=${2:?usage: build-bins.sh envtest|kind BINDIR}
tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stamp="$bindir/.tools-hash"
go=${GO:-go}

# A go.work elsewhere in the tree must not pull this module into a workspace.
export GOWORK=off
# The tree may have no .git (a tarball, a CI cache), so VCS stamping is off.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"

tools_hash() {
	cat "$tools_dir/go.mod" "$tools_dir/go.sum" | sha256sum | cut -d' ' -f1
}

# kube_ldflags stamps the Kubernetes version from go.mod into the binaries, so
# /version and `kubectl version` report v1.36.x instead of v0.0.0-master.
kube_ldflags() {
	local v major minor rest
	v=$("$go" -C "$tools_dir" list -m -f '{{.Version}}' k8s.io/kubernetes)
	major=${v#v}; major=${major%%.*}
	rest=${v#v"$major".}; minor=${rest%%.*}
	local pkg=k8s.io/component-base/version
	echo "-s -w -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
}

# build NAME PACKAGE LDFLAGS: compiles into a temporary file and renames it,
# so a concurrent run or an interrupted build never leaves half a binary.
build() {
	local name=$1 pkg=$2 ldflags=$3 start=$SECONDS
	echo "$set_name-bins: building $name from $pkg (minutes on a cold Go build cache) ..."
	"$go" -C "$tools_dir" build -trimpath -ldflags "$ldflags" -o "$bindir/.$name.tmp" "$pkg"
	mv -f "$bindir/.$name.tmp" "$bindir/$name"
	echo "$set_name-bins: built $bindir/$name in $((SECONDS - start))s ($(du -h "$bindir/$name" | cut -f1))"
}

# ldflags_for KIND: the kube binaries get the version stamp, the others do not.
ldflags_for() {
	if [[ $1 == kube ]]; then kube_ldflags; else echo "-s -w"; fi
}

# binaries SET: "name package kind" lines.
binaries() {
	case $1 in
	envtest)
		cat <<-EOL
			kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver kube
			etcd go.etcd.io/etcd/server/v3 plain
			kubectl k8s.io/kubernetes/cmd/kubectl kube
		EOL
		;;
	kind)
		cat <<-EOL
			kubelet k8s.io/kubernetes/cmd/kubelet kube
			kubeadm k8s.io/kubernetes/cmd/kubeadm kube
			kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager kube
			kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler kube
			kube-proxy k8s.io/kubernetes/cmd/kube-proxy kube
			pause ./cmd/pause plain
		EOL
		;;
	*)
		echo "build-bins.sh: unknown set $1 (use envtest or kind)" >&2
		exit 2
		;;
	esac
}

main() {
	local hash want_all=0 built=0 total=0 start=$SECONDS list
	list=$(binaries "$set_name")
	mkdir -p "$bindir"
	# go -C resolves -o against the tools folder: make BINDIR absolute.
	bindir=$(cd "$bindir" && pwd)
	stamp="$bindir/.tools-hash"
	hash=$(tools_hash)
	if [[ ! -f $stamp || $(cat "$stamp") != "$hash" ]]; then
		want_all=1
	fi
	local flags
	while read -r name pkg kind; do
		total=$((total + 1))
		if [[ $want_all == 1 || ! -x $bindir/$name ]]; then
			flags=$(ldflags_for "$kind")
			build "$name" "$pkg" "$flags" </dev/null
			built=$((built + 1))
		fi
	done <<<"$list"
	echo "$hash" >"$stamp"
	if [[ $built == 0 ]]; then
		echo "$set_name-bins: up to date in $bindir"
	else
		echo "$set_name-bins: built $built of $total binaries in $((SECONDS - start))s"
	fi
}

main
