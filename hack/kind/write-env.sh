#!/usr/bin/env bash
# write-env.sh CACHE IMAGE: writes CACHE/env, the environment in which
# rehearse and the kind tier use the node image make kind-image built:
#
#   . .cache/kind/env && rehearse run --cluster kind scenarios/library/good-release.yaml
#
# It sets REHEARSE_KIND_IMAGE, keeps DOCKER_HOST when one is set, and puts
# the docker wrapper (hack/kind/docker) first on PATH only when this host
# refuses `docker run --privileged`, which a normal Docker host does not.
set -euo pipefail
cache=${1:?usage: write-env.sh CACHE IMAGE}
image=${2:?usage: write-env.sh CACHE IMAGE}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

{
	echo "# written by make kind-image (hack/kind/write-env.sh)"
	echo "export REHEARSE_KIND_IMAGE=$image"
	if [[ -n ${DOCKER_HOST:-} ]]; then
		echo "export DOCKER_HOST=$DOCKER_HOST"
	fi
} >"$cache/env.tmp"

rm -rf "$cache/bin"
if out=$(docker run --rm --privileged --entrypoint true "$image" 2>&1); then
	echo "kind-image: this Docker engine runs privileged containers; no wrapper needed"
else
	echo "kind-image: this host refuses docker run --privileged:"
	echo "  ${out//$'\n'/ }"
	echo "kind-image: installing the test environment's docker wrapper into $cache/bin (see hack/kind/docker)"
	mkdir -p "$cache/bin"
	install -m 0755 "$here/docker" "$cache/bin/docker"
	echo "export PATH=$cache/bin:\$PATH" >>"$cache/env.tmp"
	# Check the wrapper gets a node-like container started.
	if ! out=$(PATH=$cache/bin:$PATH docker run --rm --privileged --entrypoint true "$image" 2>&1); then
		echo "kind-image: even with the wrapper, docker run --privileged fails: $out" >&2
		exit 1
	fi
fi
mv "$cache/env.tmp" "$cache/env"
echo "kind-image: environment in $cache/env:"
sed 's/^/  /' "$cache/env"
