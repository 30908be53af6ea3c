#!/usr/bin/env bash
# brig run -p against a direct loopback connection, in a network namespace
# of its own: bulk TCP throughput (the same tnet server on the host and in
# the container, 1 GiB per connection, best of 5, the three kinds taken in
# turn), 64-byte round trips, and HTTP requests per second with wrk
# against busybox httpd (each request forks, in both cases).  Run by
# `make bench-net`, as root.
#
# The bulk test also measures `tnet relay`: the least a userspace
# forwarder can do (blocking splice through a pipe, a process a
# direction, no container), so that brig's forwarder can be told apart
# from what two TCP connections cost on this machine.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" != inner ]; then
	command -v wrk >/dev/null || { echo "bench-net: wrk is missing (scripts/deps bench)" >&2; exit 1; }
	exec unshare --net "$0" inner
fi
ip link set lo up
work=$(mktemp -d /tmp/brig-bench-net.XXXXXX)
pids=()
cleanup () { exec 2>/dev/null; for p in "${pids[@]}"; do kill -KILL "$p" || true; done; wait || true; rm -rf "$work"; }
trap cleanup EXIT
cp -a "$top/build/share/images/busybox/rootfs" "$work/img"
cp "$top/build/tests/tnet" "$work/img/bin/tnet"
echo hello > "$work/index.html"
export BRIG_DATA_DIR=$top/build/share BRIG_RUNTIME_DIR=$work/run BRIG_STATE_DIR=$work/state \
	BRIG_CACHE_DIR=$work/cache
tnet=$top/build/tests/tnet
cd "$work"
bytes=$((1 << 30))

wait_port () { for _ in $(seq 100); do "$tnet" send 127.0.0.1 "$1" "" >/dev/null 2>&1 && return; sleep 0.05; done; }
best_mbs () { # best_mbs PORT...: the best MB/s of 5 bulk reads of each, in turn
	local -A best
	local p v
	for p in "$@"; do best[$p]=0; done
	for _ in 1 2 3 4 5; do
		for p in "$@"; do
			v=$("$tnet" recv 127.0.0.1 "$p" | awk '{print $3}')
			best[$p]=$(awk -v a="${best[$p]}" -v b="$v" 'BEGIN{print (b > a) ? b : a}')
		done
	done
	for p in "$@"; do printf '%s ' "${best[$p]}"; done
}
rps () { wrk -t2 -c32 -d5s "http://127.0.0.1:$1/index.html" | awk '/Requests\/sec/ {print $2}'; }

# Direct: the servers on the host's loopback.
"$tnet" source 20001 $bytes > /dev/null & pids+=($!)
"$tnet" echo 20002 > /dev/null & pids+=($!)
busybox httpd -f -p 127.0.0.1:20003 -h "$work" & pids+=($!)
"$tnet" relay 22001 20001 > /dev/null & pids+=($!)
# Forwarded: the same servers in a container, published with -p.
"$top/build/brig" run --init -p 21001:9001 -p 21002:9002 -p 21003:9003 ./img sh -c \
	"echo hello > /tmp/index.html && \
	 (tnet source 9001 $bytes & tnet echo 9002 & httpd -f -p 127.0.0.1:9003 -h /tmp & wait)" \
	> /dev/null 2>&1 & pids+=($!)
for p in 20001 20002 20003 21001 21002 21003 22001; do wait_port $p; done

read -r d_tp f_tp r_tp <<< "$(best_mbs 20001 21001 22001)"
d_rt=$("$tnet" pingpong 127.0.0.1 20002 20000 | awk '{print $2}')
f_rt=$("$tnet" pingpong 127.0.0.1 21002 20000 | awk '{print $2}')
d_rq=$(rps 20003); f_rq=$(rps 21003)
pct () { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f%%", 100 * a / b}'; }
printf '%-28s %12s %12s %8s\n' "" direct "brig -p" ratio
printf '%-28s %12s %12s %8s\n' "bulk TCP (MB/s, best of 5)" "$d_tp" "$f_tp" "$(pct "$f_tp" "$d_tp")"
printf '%-28s %12s %12s %8s\n' "64-byte round trip (us)" "$d_rt" "$f_rt" "$(pct "$f_rt" "$d_rt")"
printf '%-28s %12s %12s %8s\n' "HTTP requests/s (wrk -c32)" "$d_rq" "$f_rq" "$(pct "$f_rq" "$d_rq")"
printf 'reference: a bare splice relay (tnet relay) carried %s MB/s, %s of direct;\n' "$r_tp" "$(pct "$r_tp" "$d_tp")"
printf 'brig -p carried %s of what the bare relay did\n' "$(pct "$f_tp" "$r_tp")"
