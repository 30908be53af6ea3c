#!/usr/bin/env bash
# A minimal Debian image for the image benchmark (bench/image.sh), made
# here: `debootstrap --variant=minbase bookworm` from deb.debian.org (about
# 25 s on a fast mirror, cached), apt's caches and lists removed (~125 MB),
# split into four layers as an image build would make them (the base
# directories, /usr/lib, the rest of /usr, /var), and written as a `docker
# save` archive tagged bench-debian:12 (tests/helper/mkimage.py assembles
# the config and manifest).
#
#   bench/debian-image.sh OUT.tar      (CACHE: BRIG_BENCH_CACHE, /var/tmp/brig-bench)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/debian-image.sh OUT.tar}
cache=${BRIG_BENCH_CACHE:-/var/tmp/brig-bench}
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "debian-image: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debian-image: debootstrap is not installed (scripts/deps bench)" >&2; exit 1; }
mkdir -p "$cache"
root=$cache/debian-rootfs
if [ ! -d "$root" ]; then
	rm -rf "$root.tmp"
	echo "debian-image: debootstrap --variant=minbase $suite (log: $cache/debootstrap.log)" >&2
	debootstrap --variant=minbase "$suite" "$root.tmp" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
		{ tail -5 "$cache/debootstrap.log" >&2; rm -rf "$root.tmp"; exit 1; }
	mv "$root.tmp" "$root"
fi
# What an image build removes: downloaded packages, package lists.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
work=$(mktemp -d "$cache/layers.XXXXXX")
trap 'rm -rf "$work"' EXIT
t () { tar -C "$root" --numeric-owner --xattrs --sort=name -f "$work/$1" "${@:2}"; }
# A directory's own entry, then what is below it: each layer has the
# parents of what it holds, as `docker build` layers have.
t base.tar -c --exclude=./usr --exclude=./var .
t usr-lib.tar -c --no-recursion ./usr
t usr-lib.tar -r ./usr/lib
t usr.tar -c --no-recursion ./usr
t usr.tar -r $(cd "$root" && find ./usr -mindepth 1 -maxdepth 1 ! -name lib | sort)
t var.tar -c ./var
python3 "$top/tests/helper/mkimage.py" docker "$out.tmp" "$work/base.tar" "$work/usr-lib.tar" \
	"$work/usr.tar" "$work/var.tar" --tag bench-debian:12 --cmd '["bash"]'
mv "$out.tmp" "$out"
du -sh "$out" | awk '{print "debian-image: " $2 ": " $1 ", 4 layers"}' >&2
