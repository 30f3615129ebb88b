#!/usr/bin/env bash
# build-node-image.sh: builds rehearse's kind node image offline, from Debian
# packages and Go modules only, and caches it.
#
# No registry is reachable here, so neither kindest/node nor the
# registry.k8s.io images kubeadm pulls can be had. Instead:
#   1. a root filesystem from Debian's debootstrap (bookworm) with systemd,
#      containerd, runc and the CNI plugins, imported as the base image;
#   2. kubelet, kubeadm, kube-controller-manager, kube-scheduler, kube-proxy
#      and pause compiled from hack/tools (the k8s.io/kubernetes version of
#      the envtest binaries, whose kube-apiserver, etcd and kubectl are
#      reused), CoreDNS from hack/kind/coredns;
#   3. one image per control-plane component, FROM the base, tagged with the
#      exact names `kubeadm config images list` prints for that version;
#   4. the node image: the base plus hack/kind/node and the binaries, with
#      the component images imported into its containerd (k8s.io namespace),
#      so that kubeadm and the kubelet find them and never pull.
#
# Each step is skipped when its output exists; the whole build is skipped
# when the image exists and carries the hash of the current inputs (a label,
# so that another clone of the repository on the same machine reuses it).
# `build-node-image.sh --check` only says whether that is so (exit 0 or 1).
#
# Environment: GO (go), ENVTEST_BIN (.cache/envtest/bin, must hold
# kube-apiserver, etcd, kubectl), CACHE (.cache/kind), NODE_IMAGE (the tag).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$repo/hack/kind
cache=${CACHE:-$repo/.cache/kind}
envtest_bin=${ENVTEST_BIN:-$repo/.cache/envtest/bin}
go=${GO:-go}
k8s_bin=$cache/k8s-bin
stamp=$cache/node-image.stamp
export GOWORK=off DOCKER_BUILDKIT=0
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"

# The Debian packages of the node; the control-plane images share the same
# base, which gives kube-proxy its iptables and conntrack.
packages=systemd,systemd-sysv,containerd,runc,containernetworking-plugins,iptables,iproute2,ethtool,conntrack,socat,kmod,procps,ca-certificates,libseccomp2
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

kube_version=$("$go" -C "$repo/hack/tools" list -m -f '{{.Version}}' k8s.io/kubernetes)
node_image=${NODE_IMAGE:-rehearse/kind-node:$kube_version}

step_start=$SECONDS
step() {
	echo "kind-image: $* ($((SECONDS - step_start))s so far)"
}

inputs_hash() {
	{
		echo "$packages $suite $kube_version $node_image"
		find "$here" -type f -not -name '*.md' | LC_ALL=C sort | xargs cat
		cat "$repo/hack/tools/go.mod" "$repo/hack/tools/go.sum"
	} | sha256sum | cut -c1-16
}

# base_image: debootstrap → docker import, tagged by the package list's hash.
base_image() {
	local tag rootfs
	tag=rehearse/kind-base:$(echo "$packages $suite" | sha256sum | cut -c1-12)
	if docker image inspect "$tag" >/dev/null 2>&1; then
		echo "$tag"
		return
	fi
	rootfs=$cache/rootfs
	rm -rf "$rootfs"
	step "debootstrap $suite with $packages (a few minutes) ..." >&2
	debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -20 "$cache/debootstrap.log" >&2; return 1; }
	# Package caches and lists are no use in an image that never runs apt.
	rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
	step "importing the root filesystem as $tag ..." >&2
	tar -C "$rootfs" --numeric-owner -c . | docker import - "$tag" >/dev/null
	rm -rf "$rootfs"
	echo "$tag"
}

ensure_debootstrap() {
	command -v debootstrap >/dev/null 2>&1 && return
	step "installing Debian's debootstrap (apt-get) ..."
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap) >/dev/null
}

binaries() {
	step "kubelet, kubeadm, controller-manager, scheduler, kube-proxy, pause ..."
	GO=$go "$repo/hack/tools/build-bins.sh" kind "$k8s_bin"
	for b in kube-apiserver etcd kubectl; do
		if [[ ! -x $envtest_bin/$b ]]; then
			echo "kind-image: $envtest_bin/$b is missing: run make envtest-bins" >&2
			return 1
		fi
		cp -f "$envtest_bin/$b" "$k8s_bin/$b"
	done
	if [[ ! -x $k8s_bin/coredns || $here/coredns/go.sum -nt $k8s_bin/coredns ]]; then
		step "building coredns from $here/coredns ..."
		"$go" -C "$here/coredns" build -trimpath -ldflags "-s -w" -o "$k8s_bin/.coredns.tmp" .
		mv -f "$k8s_bin/.coredns.tmp" "$k8s_bin/coredns"
	fi
}

# component_image NAME BINARY PATH BASE [ENTRYPOINT]: one control-plane image.
component_image() {
	local name=$1 bin=$2 path=$3 base=$4 entry=${5:-} ctx
	ctx=$(mktemp -d "$cache/ctx.XXXXXX")
	cp "$k8s_bin/$bin" "$ctx/$bin"
	{
		echo "FROM $base"
		echo "COPY $bin $path"
		echo "ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
		[[ -n $entry ]] && echo "ENTRYPOINT [\"$entry\"]"
		echo "LABEL dev.rehearse.built-from=\"Go modules, hack/kind/build-node-image.sh\""
	} >"$ctx/Dockerfile"
	docker build -q -t "$name" "$ctx" >/dev/null
	rm -rf "$ctx"
}

# component_images BASE: every image kubeadm lists, saved into one archive.
component_images() {
	local base=$1 image repo_name bin path entry
	local -a images=()
	mapfile -t images < <("$k8s_bin/kubeadm" config images list --kubernetes-version "$kube_version")
	step "control-plane images: ${images[*]}"
	for image in "${images[@]}"; do
		repo_name=${image%:*}
		entry=""
		case ${repo_name##*/} in
		kube-apiserver | kube-controller-manager | kube-scheduler | kube-proxy | etcd)
			bin=${repo_name##*/} path=/usr/local/bin/${repo_name##*/} ;;
		coredns) bin=coredns path=/coredns entry=/coredns ;;
		pause) bin=pause path=/pause entry=/pause ;;
		*)
			echo "kind-image: kubeadm lists $image, which this script does not know how to build" >&2
			return 1
			;;
		esac
		component_image "$image" "$bin" "$path" "$base" "$entry"
	done
	pause_image=$(printf '%s\n' "${images[@]}" | grep '/pause:')
	docker save -o "$cache/images.tar" "${images[@]}"
}

# node_build_image BASE: the node's files and binaries on the base.
node_build_image() {
	local base=$1 tag=$2 ctx
	ctx=$(mktemp -d "$cache/ctx.XXXXXX")
	cp -a "$here/node" "$ctx/node"
	sed "s|@PAUSE_IMAGE@|$pause_image|" "$here/node/etc/containerd/config.toml.in" >"$ctx/node/etc/containerd/config.toml"
	rm "$ctx/node/etc/containerd/config.toml.in"
	mkdir -p "$ctx/node/usr/bin" "$ctx/node/kind"
	cp "$k8s_bin/kubelet" "$k8s_bin/kubeadm" "$k8s_bin/kubectl" "$ctx/node/usr/bin/"
	echo -n "$kube_version" >"$ctx/node/kind/version"
	cat >"$ctx/Dockerfile" <<-EOF
		FROM $base
		COPY node/ /
		# The services a node runs; the ones a container cannot or need not run are
		# masked (binfmt would register interpreters in the host's kernel).
		RUN chmod 755 /usr/local/bin/entrypoint /usr/bin/kubelet /usr/bin/kubeadm /usr/bin/kubectl \
		 && mkdir -p /etc/kubernetes/manifests \
		 && systemctl enable containerd.service kubelet.service \
		 && systemctl mask systemd-binfmt.service systemd-udevd.service getty.target console-getty.service \
		      systemd-timesyncd.service e2scrub_reap.service apt-daily.timer apt-daily-upgrade.timer \
		 && : >/etc/machine-id
		ENV container=docker
		STOPSIGNAL SIGRTMIN+3
		ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
	EOF
	docker build -q -t "$tag" "$ctx" >/dev/null
	rm -rf "$ctx"
}

# preload BUILD FINAL: imports images.tar into the node's containerd (without
# unpacking: containerd unpacks on first use, on the node's /var volume) and
# commits the result.
preload() {
	local build=$1 final=$2 id
	id=$(docker run -d --entrypoint sleep -v "$cache/images.tar:/images.tar:ro" "$build" infinity)
	build_container=$id
	docker exec "$id" bash -c 'nohup containerd >/var/log/containerd-preload.log 2>&1 &'
	docker exec "$id" bash -c 'for i in $(seq 50); do [[ -S /run/containerd/containerd.sock ]] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.2; done; cat /var/log/containerd-preload.log; exit 1'
	docker exec "$id" ctr --namespace=k8s.io images import --no-unpack /images.tar >/dev/null
	step "preloaded into the node's containerd:"
	docker exec "$id" ctr --namespace=k8s.io images list -q | grep -v '^sha256:' | sed 's/^/  /'
	# sleep, PID 1 here, reaps nobody: containerd stays a zombie once it has
	# stopped, so only live processes count.
	docker exec "$id" bash -c 'pkill -TERM containerd; for i in $(seq 50); do ps -C containerd -o stat= | grep -qv Z || exit 0; sleep 0.2; done; exit 1'
	docker exec "$id" rm -f /var/log/containerd-preload.log
	docker commit \
		--change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
		--change 'CMD []' \
		--change "LABEL dev.rehearse.inputs=$hash" \
		"$id" "$final" >/dev/null
	docker rm -f -v "$id" >/dev/null
	build_container=""
}

# A failed build leaves no container behind.
build_container=""
trap '[[ -z $build_container ]] || docker rm -f -v "$build_container" >/dev/null 2>&1 || true' EXIT

# up_to_date: the image exists and was built from these inputs.
up_to_date() {
	local label
	label=$(docker image inspect -f '{{index .Config.Labels "dev.rehearse.inputs"}}' "$node_image" 2>/dev/null) &&
		[[ $label == "$hash" ]]
}

main() {
	hash=$(inputs_hash)
	if [[ ${1:-} == --check ]]; then
		up_to_date
		return
	fi
	mkdir -p "$cache"
	if up_to_date; then
		echo "$node_image $hash" >"$stamp"
		echo "kind-image: $node_image is up to date (inputs $hash)"
		return
	fi
	ensure_debootstrap
	binaries
	local base
	base=$(base_image)
	step "base image $base"
	component_images "$base"
	step "node image ..."
	node_build_image "$base" "$node_image-build"
	preload "$node_image-build" "$node_image"
	docker image rm "$node_image-build" >/dev/null
	rm -f "$cache/images.tar"
	echo "$node_image $hash" >"$stamp"
	step "built $node_image ($(docker image inspect -f '{{.Size}}' "$node_image" | numfmt --to=iec)) in $((SECONDS - step_start))s"
}

main "$@"
