#!/usr/bin/env bash
# ensure-docker.sh [--no-install] LOGDIR: makes sure a Docker engine answers.
#
# A fresh machine (or CI, which starts with no processes) may have no engine
# at all, or one installed and not running. This installs Debian's docker.io
# when dockerd is missing (unless --no-install), starts dockerd when it is
# installed but does not answer, and waits for it. DOCKER_HOST, when it names
# a unix socket, is where dockerd listens; otherwise the default socket.
# Exit 0: `docker info` answers. Exit 1: it does not, with the reason.
set -euo pipefail

install=1
if [[ ${1:-} == --no-install ]]; then
	install=0
	shift
fi
logdir=${1:?usage: ensure-docker.sh [--no-install] LOGDIR}

answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

if answers; then
	exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
	if [[ $install == 0 ]]; then
		echo "ensure-docker: no dockerd installed" >&2
		exit 1
	fi
	echo "ensure-docker: installing Debian's docker.io (apt-get) ..."
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io) >/dev/null
fi
if ! command -v docker >/dev/null 2>&1; then
	echo "ensure-docker: dockerd is installed but no docker client is on PATH" >&2
	exit 1
fi

host_args=()
if [[ ${DOCKER_HOST:-} == unix://* ]]; then
	host_args=(-H "$DOCKER_HOST" --pidfile "${DOCKER_HOST#unix://}.pid")
	mkdir -p "$(dirname "${DOCKER_HOST#unix://}")"
fi
mkdir -p "$logdir"
echo "ensure-docker: starting dockerd ${host_args[*]} (log: $logdir/dockerd.log)"
nohup dockerd "${host_args[@]}" >"$logdir/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 60); do
	if answers; then
		echo "ensure-docker: dockerd answers ($(docker info --format '{{.ServerVersion}}, {{.Driver}}, cgroup v{{.CgroupVersion}}'))"
		exit 0
	fi
	sleep 0.5
done
echo "ensure-docker: dockerd did not answer within 30s; see $logdir/dockerd.log:" >&2
tail -5 "$logdir/dockerd.log" >&2
exit 1
