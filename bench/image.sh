#!/usr/bin/env bash
# Images: import and first run of a multi-layer image (a debootstrapped
# Debian, ~125 MB in 4 layers: bench/debian-image.sh), side by side:
#   brig load + brig run
#   podman load + podman run            (a private store, overlay, runc:
#                                        crun refuses this host's hybrid cgroups)
#   skopeo copy + umoci unpack + crun run (crun in a private mount namespace
#                                        without the empty cgroup v2 tree)
# then a second start from the same image (N runs, median) against a start
# from an unpacked directory (brig run DIR: the same files, nothing to
# prepare): the target is at most 1.5x.  The second start must not unpack
# again: the layer directories' inode and mtime are checked to be unchanged.
#
#   N=50 bench/image.sh        (CACHE: BRIG_BENCH_CACHE, /var/tmp/brig-bench)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-50}
B=$top/build
brig=$B/brig
cache=${BRIG_BENCH_CACHE:-/var/tmp/brig-bench}
[ "$(id -u)" = 0 ] || { echo "bench-image: run as root" >&2; exit 1; }
for c in podman skopeo umoci crun; do
	command -v $c >/dev/null || { echo "bench-image: $c is not installed (scripts/deps bench)" >&2; exit 1; }
done
archive=$cache/debian.tar
[ -f "$archive" ] || "$top/bench/debian-image.sh" "$archive"
work=$(mktemp -d /tmp/brig-bench-image.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/p"
printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
	> "$work/p/containers.conf"
P="env CONTAINERS_CONF=$work/p/containers.conf podman --root $work/p/root --runroot $work/p/run --storage-driver overlay --runtime runc"
devnull_owner=$(stat -c %u:%g /dev/null)
restore_devnull () { chown "$devnull_owner" /dev/null; }
cleanup () {
	restore_devnull
	$P system reset -f >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
export BRIG_RUNTIME_DIR=$work/brig-run BRIG_STATE_DIR=$work/brig-state BRIG_CACHE_DIR=$work/brig-cache
crun_ns () { unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh "$@"; }
once () { "$B/bench/timeit" 1 "$@" | tail -1 | awk '{print $1}'; } # ms of one run
sync
echo "import and first run of $(basename "$archive") ($(du -h "$archive" | cut -f1), 4 layers): ms"
printf '%-28s %10s %10s %10s\n' "" import "first run" total

# brig: load (every blob and layer checked), then run (layers unpacked once).
b_imp=$(once "$brig" load -i "$archive")
b_run=$(once "$brig" run bench-debian:12 /bin/true)
printf '%-28s %10s %10s %10s\n' "brig load + run" "$b_imp" "$b_run" "$(echo "$b_imp $b_run" | awk '{print $1 + $2}')"

# podman: load (layers unpacked into its overlay store), then run.
p_imp=$(once $P load -q -i "$archive")
p_run=$(once $P run --rm --network none bench-debian:12 /bin/true)
printf '%-28s %10s %10s %10s\n' "podman load + run" "$p_imp" "$p_run" "$(echo "$p_imp $p_run" | awk '{print $1 + $2}')"

# skopeo copy to an OCI layout, umoci unpack to a bundle, crun run of it
# (umoci's config, with /bin/true and no terminal).
s_cp=$(once skopeo copy -q "docker-archive:$archive" "oci:$work/oci:bench")
s_un=$(once umoci unpack --image "$work/oci:bench" "$work/bundle")
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open(sys.argv[1], "w"))
PY
s_run=$(crun_ns "$B/bench/timeit" 1 crun --root "$work/crun" run -b "$work/bundle" first | awk '{print $1}')
restore_devnull
printf '%-28s %10s %10s %10s\n' "skopeo + umoci + crun run" "$(echo "$s_cp $s_un" | awk '{print $1 + $2}')" "$s_run" \
	"$(echo "$s_cp $s_un $s_run" | awk '{print $1 + $2 + $3}')"
echo "  (skopeo copy $s_cp ms, umoci unpack $s_un ms)"
awk -v b="$b_imp" -v br="$b_run" -v p="$p_imp" -v pr="$p_run" -v s="$s_cp" -v su="$s_un" -v sr="$s_run" 'BEGIN {
	printf "ratio brig/podman (import + first run): %.2fx\n", (b + br) / (p + pr)
	printf "ratio brig/skopeo+umoci+crun (import + first run): %.2fx\n", (b + br) / (s + su + sr)
}'

# A second container from the same image: nothing is unpacked again.
layers_state () { find "$BRIG_STATE_DIR/images/layers" -mindepth 1 -maxdepth 1 -printf '%i %T@ %f\n' | sort; }
before=$(layers_state)
echo
echo "second start from the same image vs a start from a directory: /bin/true, $N runs each (ms)"
printf '%-34s %8s %8s %8s %10s %6s\n' "" median mean min maxrss_kb fails
read -r i_med i_mean i_min i_rss i_f < <("$B/bench/timeit" "$N" "$brig" run bench-debian:12 /bin/true)
printf '%-34s %8s %8s %8s %10s %6s\n' "brig run bench-debian:12" "$i_med" "$i_mean" "$i_min" "$i_rss" "$i_f"
read -r d_med d_mean d_min d_rss d_f < <("$B/bench/timeit" "$N" "$brig" run "$work/bundle/rootfs" /bin/true)
printf '%-34s %8s %8s %8s %10s %6s\n' "brig run DIR (umoci's rootfs)" "$d_med" "$d_mean" "$d_min" "$d_rss" "$d_f"
read -r c_med c_mean c_min c_rss c_f < <(crun_ns "$B/bench/timeit" "$N" crun --root "$work/crun" run -b "$work/bundle" again)
restore_devnull
printf '%-34s %8s %8s %8s %10s %6s\n' "crun run (umoci's bundle)" "$c_med" "$c_mean" "$c_min" "$c_rss" "$c_f"
read -r q_med q_mean q_min q_rss q_f < <("$B/bench/timeit" 10 $P run --rm --network none bench-debian:12 /bin/true)
printf '%-34s %8s %8s %8s %10s %6s\n' "podman run (10 runs)" "$q_med" "$q_mean" "$q_min" "$q_rss" "$q_f"
after=$(layers_state)
if [ "$before" != "$after" ]; then
	echo "bench-image: the layers were unpacked again by a second start" >&2
	exit 1
fi
echo "layers not unpacked again: $(echo "$after" | wc -l) layer directories, inodes and mtimes unchanged"
awk -v i="$i_med" -v d="$d_med" -v c="$c_med" 'BEGIN {
	printf "ratio second start / directory start (median): %.2fx   (target: at most 1.5x)\n", i / d
	printf "ratio second start / crun bundle start (median): %.2fx\n", i / c
}'
