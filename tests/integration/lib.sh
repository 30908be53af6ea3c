# Helpers for integration tests.  Each test_* function runs in its own
# bash with `set -eu`, after lib_setup and before lib_teardown; exit 77
# means skipped.  $IMG is a private copy of the busybox image with the
# static helper /bin/t; $WORK is a scratch directory readable by anyone.

lib_setup () {
	WORK=$(mktemp -d /tmp/brig-it.XXXXXX)
	export WORK
	# Torn down even if the rest of the set-up fails.
	trap lib_teardown EXIT
	chmod 755 "$WORK"
	IMG=$WORK/img
	cp -a "$TOP/build/share/images/busybox/rootfs" "$IMG"
	cp "$TOP/build/tests/t" "$IMG/bin/t"
	export BRIG_DATA_DIR=$TOP/build/share
	export BRIG_RUNTIME_DIR=$WORK/run
	export BRIG_STATE_DIR=$WORK/state
	export BRIG_CACHE_DIR=$WORK/cache
	cd "$WORK"
	before_cgroups=$(cgroup_list)
}

lib_teardown () {
	# A dockerd or Podman of the test's own goes first, with its containers.
	dockerd_stop
	podman_stop
	# Whatever a test left running in the background (it failed or timed
	# out before waiting for it) is ended here, so nothing outlives it.
	local p
	for p in $(jobs -p); do
		pkill -TERM -P "$p" 2>/dev/null || true
		kill -TERM "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	# Runtime containers are detached: delete whatever a failed test left.
	if [ -d "$WORK/oci" ]; then
		for d in "$WORK"/oci/*/; do
			[ -d "$d" ] && "$TOP/build/brig-runtime" --root "$WORK/oci" delete --force "$(basename "$d")" 2>/dev/null || true
		done
	fi
	cd /
	# Mounts an engine left under $WORK (its own state) go first.
	awk -v w="$WORK" 'index($2, w) == 1 {print $2}' /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$WORK"
}

brig () { "$BRIG" "$@"; }

# dockerd_start DIR [SOCKET]: a dockerd of the test's own, its state in DIR
# and its API on DIR/SOCKET (default: sock), with DIR/daemon.json ({} unless
# the test wrote one first: never the host's), no bridge, no iptables, the
# vfs driver; sets D, the docker command for it.  It is stopped, with its
# containers, when the test ends however it ends (lib_teardown).
dockerd_start () {
	command -v dockerd > /dev/null || skip "docker.io is not installed"
	local sock=$1/${2:-sock} i
	mkdir -p "$1"
	[ -f "$1/daemon.json" ] || echo '{}' > "$1/daemon.json"
	DOCKERD_DIR=$1
	dockerd --config-file "$1/daemon.json" --data-root "$1/root" --exec-root "$1/exec" \
		--pidfile "$1/pid" -H "unix://$sock" --iptables=false --ip6tables=false \
		--bridge=none --storage-driver=vfs > "$1/log" 2>&1 &
	D="docker -H unix://$sock"
	for i in $(seq 60); do $D info > /dev/null 2>&1 && break; sleep 0.5; done
	$D info > /dev/null 2>&1 || fail "dockerd did not start: $(tail -5 "$1/log")"
}

# podman_start DIR [ROOTFS [NAME]]: a Podman storage of the test's own in
# DIR, with DIR/containers.conf (no default ulimits, which this VM's root
# cannot raise; cgroupfs; events to a file) and runc (crun refuses hybrid
# cgroups); ROOTFS (default: the busybox image) imported as NAME (default
# brigtest); sets P, the podman command for it.  podman_service starts its
# API on DIR/podman.sock.  Both end with the test (lib_teardown).
podman_start () {
	command -v podman > /dev/null || skip "podman is not installed"
	command -v runc > /dev/null || skip "runc is not installed"
	PODMAN_DIR=$1
	mkdir -p "$1"
	printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' > "$1/containers.conf"
	export CONTAINERS_CONF=$1/containers.conf
	P="podman --root $1/root --runroot $1/run --runtime runc"
	tar -C "${2:-$TOP/build/share/images/busybox/rootfs}" -c . > "$1/rootfs.tar"
	$P import "$1/rootfs.tar" "${3:-brigtest}" > /dev/null 2>&1 || fail "podman import failed"
}

podman_service () {
	local i
	$P system service --time=0 "unix://$PODMAN_DIR/podman.sock" > "$PODMAN_DIR/service.log" 2>&1 &
	PODMAN_SVC=$!
	for i in $(seq 60); do [ -S "$PODMAN_DIR/podman.sock" ] && return 0; sleep 0.25; done
	fail "podman system service did not start: $(cat "$PODMAN_DIR/service.log")"
}

# Remove podman_start's containers and its service, and wait for the
# cleanup processes their conmon starts (they mount the storage's overlay
# directory again, which then could not be removed with $WORK).
podman_stop () {
	[ -n "${PODMAN_DIR:-}" ] || return 0
	local i
	if [ -n "${PODMAN_SVC:-}" ]; then
		kill "$PODMAN_SVC" 2> /dev/null || true
		wait "$PODMAN_SVC" 2> /dev/null || true
		PODMAN_SVC=
	fi
	$P rm -f -a -t 0 > /dev/null 2>&1 || true
	for i in $(seq 100); do
		pgrep -f -- "--root $PODMAN_DIR/root" > /dev/null || break
		sleep 0.1
	done
	PODMAN_DIR=
}

# runc_wrap DIR: DIR/runc-wrap, a runtime for --privileged containers on
# a host whose root lacks some capabilities (CAP_SYS_RESOURCE on some VMs),
# where runc cannot apply every one: it drops what the host lacks from the
# bundle, and nothing else, then runs runc.  Also DIR/daemon.json naming it
# as the runtime runc-wrap (for dockerd_start DIR).  Sets MISSING, the
# capabilities dropped (" SYS_RESOURCE", or "").
runc_wrap () {
	local bnd all
	command -v runc > /dev/null || skip "runc is not installed"
	mkdir -p "$1"
	bnd=$(grep '^CapBnd:' /proc/self/status | awk '{print $2}')
	all=$(( (1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1 ))
	MISSING=
	if [ $(( all & ~0x$bnd )) != 0 ]; then
		command -v capsh > /dev/null || skip "this host's root lacks capabilities and capsh (libcap2-bin) is not installed to name them"
		MISSING=" $(capsh --decode=$(printf %x $(( all & ~0x$bnd ))) | sed 's/.*=//; s/,/ /g' | tr a-z A-Z)"
	fi
	cat > "$1/runc-wrap" <<-WRAP
	#!/bin/sh
	MISSING='$MISSING'
	WRAP
	cat >> "$1/runc-wrap" <<-'WRAP'
	prev=
	for a in "$@"; do
		case $prev in --bundle|-b) b=$a ;; esac
		case $a in --bundle=*) b=${a#--bundle=} ;; esac
		prev=$a
	done
	if [ -n "${b:-}" ] && [ -f "$b/config.json" ]; then
		for c in $MISSING; do sed -i "s/\"$c\",//g; s/,\"$c\"//g" "$b/config.json"; done
	fi
	exec runc "$@"
	WRAP
	chmod 755 "$1/runc-wrap"
	printf '{ "runtimes": { "runc-wrap": { "path": "%s" } } }\n' "$1/runc-wrap" > "$1/daemon.json"
}

# Stop the dockerd_start daemon (its containers removed first) and wait for
# it to exit; nothing when there is none.
dockerd_stop () {
	[ -n "${DOCKERD_DIR:-}" ] && [ -f "$DOCKERD_DIR/pid" ] || return 0
	local pid i
	pid=$(cat "$DOCKERD_DIR/pid")
	$D rm -f $($D ps -aq 2> /dev/null) > /dev/null 2>&1 || true
	kill "$pid" 2> /dev/null || true
	for i in $(seq 80); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
	rm -f "$DOCKERD_DIR/pid"
}

skip () { echo "skip: $*"; exit 77; }
fail () { echo "FAIL: $*" >&2; exit 1; }

# expect_eq WANT GOT [what]
expect_eq () {
	[ "$1" = "$2" ] || fail "${3:-value}: want '$1', got '$2'"
}

# expect_match REGEX TEXT [what]
expect_match () {
	echo "$2" | grep -Eq -- "$1" || fail "${3:-output}: want /$1/, got: $2"
}

expect_no_match () {
	if echo "$2" | grep -Eq -- "$1"; then fail "${3:-output}: did not want /$1/, got: $2"; fi
}

# run_status VAR CMD...: run CMD, keep its status in VAR, output in $out.
run_status () {
	local __v=$1; shift
	set +e
	out=$("$@" 2>&1)
	printf -v "$__v" '%s' $?
	set -e
}

# A field of /proc/self/status as the container's process sees it.
status_field () { grep "^$1:" | awk '{print $2}'; }

cgroup_list () {
	local d
	for d in /sys/fs/cgroup/*/brig /sys/fs/cgroup/brig; do
		[ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type d
	done 2>/dev/null | sort
}

# Nothing may outlive a container: cgroups, state files, name locks.
expect_nothing_left () {
	local after
	after=$(cgroup_list)
	[ "$before_cgroups" = "$after" ] || fail "cgroups left behind: $(comm -13 <(echo "$before_cgroups") <(echo "$after"))"
	if [ -d "$BRIG_RUNTIME_DIR" ]; then
		local left
		left=$(find "$BRIG_RUNTIME_DIR" -type f)
		[ -z "$left" ] || fail "state left behind: $left"
	fi
}

# The host pid of the only running container, once its state is written.
container_pid () {
	local i
	for i in $(seq 100); do
		[ -n "$(find "$BRIG_RUNTIME_DIR" -maxdepth 1 -name '*.json' 2>/dev/null)" ] && break
		sleep 0.05
	done
	sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$BRIG_RUNTIME_DIR"/*.json | grep . ||
		fail "no running container recorded in $BRIG_RUNTIME_DIR"
}

# The rootless tests run brig as this unprivileged user, with a home of
# its own under $WORK.
NOBODY_UID=65534
as_nobody () {
	mkdir -p "$WORK/nobody"
	chown $NOBODY_UID:65534 "$WORK/nobody"
	setpriv --reuid=$NOBODY_UID --regid=65534 --clear-groups --inh-caps=-all \
		env HOME="$WORK/nobody" XDG_RUNTIME_DIR= BRIG_RUNTIME_DIR="$WORK/nobody/run" \
		BRIG_STATE_DIR="$WORK/nobody/state" BRIG_CACHE_DIR="$WORK/nobody/cache" "$@"
}

# sarif_validator: the SARIF 2.1.0 schema and a validator from npm in
# $WORK/npm (the test is skipped without them); then
#   node "$WORK/validate.js" "$WORK/npm" FILE... fails on an invalid FILE.
sarif_validator () {
	command -v npm > /dev/null && command -v node > /dev/null || skip "no npm or node"
	timeout 180 npm install --prefix "$WORK/npm" --no-save --no-audit --no-fund --no-package-lock \
		--loglevel=error @microsoft/jest-sarif@1.0.0-beta.0 > "$WORK/npm.log" 2>&1 ||
		skip "npm registry unreachable: $(tail -1 "$WORK/npm.log")"
	cat > "$WORK/validate.js" <<'JS'
const path = require('path'), fs = require('fs');
const nm = path.join(process.argv[2], 'node_modules');
const Ajv = require(path.join(nm, 'ajv'));
const schema = require(path.join(nm, '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
const ajv = new Ajv({ schemaId: 'auto', allErrors: true, validateSchema: false });
ajv.addMetaSchema(require(path.join(nm, 'ajv/lib/refs/json-schema-draft-04.json')));
const validate = ajv.compile(schema);
let bad = 0;
for (const f of process.argv.slice(3)) {
  if (validate(JSON.parse(fs.readFileSync(f, 'utf8')))) { console.log(f + ': valid'); continue; }
  bad++;
  console.log(f + ': ' + ajv.errorsText(validate.errors, { separator: '\n  ' }));
}
process.exit(bad ? 1 : 0);
JS
}

# expect_man_follows_help CMD...: brig-CMD(1), made from --help and the
# option table, has each option --help shows, and renders.
expect_man_follows_help () {
	local cmd man o
	for cmd in "$@"; do
		man=$("$BRIG" "$cmd" --help-man)
		expect_match "^\\.TH BRIG\\\\-$(echo "$cmd" | tr a-z A-Z) 1" "$man"
		for o in $("$BRIG" "$cmd" --help | sed -n 's/^  *\(-[a-z], \)\{0,1\}--\([a-z0-9-]*\).*/\2/p'); do
			echo "$man" | grep -qF -- "\fB\-\-${o//-/\\-}\fR" || fail "--$o is not in brig-$cmd(1)"
		done
		if command -v groff > /dev/null; then
			echo "$man" | groff -man -ww -Tutf8 > /dev/null 2> "$WORK/groff.err"
			[ ! -s "$WORK/groff.err" ] || fail "brig-$cmd(1): $(cat "$WORK/groff.err")"
		fi
	done
}
