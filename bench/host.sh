#!/usr/bin/env bash
# brig host against docker-bench-security, on the same dockerd: one this
# script starts (its own socket and state under a temporary directory) with
# three containers of known weaknesses, ended when it is done.
#
#   bench/host.sh DIR     DIR: a checkout of docker/docker-bench-security
#                         (never committed here)
#
# Prints the time of each (best of RUNS, default 3) and the checks each
# flags on the containers.
set -eu
bench=${1:?usage: bench/host.sh DOCKER-BENCH-SECURITY-CHECKOUT}
top=$(cd "$(dirname "$0")/.." && pwd)
brig=$top/build/brig
runs=${RUNS:-3}
[ -x "$brig" ] || { echo "build first: make" >&2; exit 2; }
[ -f "$bench/docker-bench-security.sh" ] || { echo "$bench: not a docker-bench-security checkout" >&2; exit 2; }
command -v dockerd > /dev/null || { echo "dockerd is not installed" >&2; exit 2; }

E=$(mktemp -d /tmp/brig-bench-host.XXXXXX)
echo '{}' > "$E/daemon.json"
dockerd --config-file "$E/daemon.json" --data-root "$E/root" --exec-root "$E/exec" \
	--pidfile "$E/pid" -H "unix://$E/docker.sock" --iptables=false --ip6tables=false \
	--bridge=none --storage-driver=vfs > "$E/log" 2>&1 &
dpid=$!
cleanup () {
	docker rm -f quiet sock wide > /dev/null 2>&1 || true
	kill "$dpid" 2> /dev/null || true
	wait "$dpid" 2> /dev/null || true
	awk -v w="$E" 'index($2, w) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r -n1 umount
	rm -rf "$E"
}
trap cleanup EXIT
export DOCKER_HOST=unix://$E/docker.sock
for i in $(seq 60); do docker info > /dev/null 2>&1 && break; sleep 0.5; done
tar -C "$top/build/share/images/busybox/rootfs" -c . | docker import - brigtest > /dev/null
docker run -d --network none --name quiet brigtest sleep 600 > /dev/null
docker run -d --network none -v "$E/docker.sock:/var/run/docker.sock" --name sock brigtest sleep 600 > /dev/null
docker run -d --network host --cap-add NET_ADMIN --security-opt seccomp=unconfined --name wide brigtest sleep 600 > /dev/null

best () { # best wall time of RUNS runs of CMD..., in seconds
	local b=
	for i in $(seq "$runs"); do
		local s e t
		s=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
tb=$(cd "$bench" && best sh docker-bench-security.sh -l "$E/bench.log")
th=$(best "$brig" host --fail-on never)
(cd "$bench" && sh docker-bench-security.sh > "$E/bench.out" 2>&1) || true
"$brig" host --fail-on never > "$E/brig.out" || true
echo "docker-bench-security: ${tb}s, $(sed 's/\x1b\[[0-9;]*m//g' "$E/bench.out" | grep -c '^\[WARN\] [0-9]') warnings"
echo "brig host:             ${th}s, $(grep -c '^  [^ ].*BRIG-' "$E/brig.out") findings"
echo "docker-bench-security on the containers:"
sed 's/\x1b\[[0-9;]*m//g' "$E/bench.out" | grep -A3 '^\[WARN\] 5\.' | grep -E '^\[WARN\]|^ *\* ' | sed 's/^/  /'
echo "brig host on the containers:"
grep -E 'host:docker' "$E/brig.out" | sed 's/^ */  /'
