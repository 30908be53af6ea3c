# brig run -v and --mount, named volumes (brig volume), and the policy on
# binds (BRIG-C003, C015, C016).

# A listening unix socket at PATH, until stop_listening.
listeners=
listen_unix () {
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[1] + ".ready", "w").close(); time.sleep(60)' "$1" &
	listeners="$listeners $!"
	for _ in $(seq 100); do [ -e "$1.ready" ] && return 0; sleep 0.05; done
	fail "socket $1 not made"
}

stop_listening () {
	local p
	for p in $listeners; do kill "$p"; wait "$p" || true; done
	listeners=
}

test_bind_is_read_only_nosuid_nodev_by_default () {
	mkdir "$WORK/src" && echo hello > "$WORK/src/f"
	out=$(brig run -v "$WORK/src:/data" ./img sh -c 'cat /data/f; grep " /data " /proc/self/mountinfo; echo x > /data/g 2>&1; echo x > /data/f 2>&1; true' 2>&1)
	expect_match "^hello" "$out"
	expect_match " /data ro,nosuid,nodev" "$out" "mount options"
	expect_match "can't create /data/g: Read-only file system" "$out"
	expect_match "can't create /data/f: Read-only file system" "$out"
	[ ! -e "$WORK/src/g" ] || fail "wrote through a read-only volume"
	expect_eq hello "$(cat "$WORK/src/f")"
}

test_bind_rw_writes_as_the_mapped_user () {
	mkdir "$WORK/src" && chown 100000:100000 "$WORK/src"
	brig run -v "$WORK/src:/data:rw,noexec" ./img sh -c 'echo x > /data/g; grep " /data " /proc/self/mountinfo' > "$WORK/out"
	expect_match " /data rw,nosuid,nodev,noexec" "$(cat "$WORK/out")"
	expect_eq "x 100000" "$(cat "$WORK/src/g") $(stat -c %u "$WORK/src/g")"
	grep -q '"kind":"volume","detail":"'"$WORK"'/src on /data: writable"' "$BRIG_STATE_DIR/audit.log" ||
		fail "no volume relaxation logged: $(cat "$BRIG_STATE_DIR/audit.log")"
}

test_mount_flag_forms () {
	mkdir "$WORK/src" && echo hi > "$WORK/src/f"
	out=$(brig run --mount "type=bind,src=$WORK/src,dst=/m" --mount type=tmpfs,dst=/t,rw,tmpfs-size=1m \
		--mount type=tmpfs,target=/rot ./img sh -c 'cat /m/f; grep -E " /(m|t|rot) " /proc/self/mountinfo; echo x > /m/x 2>&1; echo x > /t/x && echo tmpfs-written' 2>&1)
	expect_match "^hi" "$out"
	expect_match " /m ro,nosuid,nodev" "$out"
	expect_match " /t rw,nosuid,nodev,noexec.*size=1024k" "$out"
	expect_match " /rot ro,nosuid,nodev,noexec" "$out"
	expect_match "Read-only file system" "$out"
	expect_match "tmpfs-written" "$out"
	out=$(brig run --mount "type=bind,source=$WORK/src,target=/m,readonly=false" ./img grep " /m " /proc/self/mountinfo)
	expect_match " /m rw,nosuid,nodev" "$out"
}

test_suid_and_dev_need_the_policy () {
	mkdir "$WORK/src"
	out=$(brig run -v "$WORK/src:/d:suid,dev" ./img grep " /d " /proc/self/mountinfo 2> "$WORK/err")
	expect_match " /d ro,nosuid,nodev" "$out" "hardened by BRIG-C016"
	expect_match "warning: BRIG-C016.*without nosuid,nodev: hardened" "$(cat "$WORK/err")"
	grep -q '"event":"policy".*"rule":"BRIG-C016","action":"harden"' "$BRIG_STATE_DIR/audit.log" ||
		fail "no BRIG-C016 decision logged"
	echo '{"allowed_bind_options": ["suid"]}' > "$WORK/policy.json"
	out=$(BRIG_POLICY=$WORK/policy.json brig run -v "$WORK/src:/d:suid,dev" ./img grep " /d " /proc/self/mountinfo 2>&1)
	expect_match " /d ro,nodev" "$out" "suid allowed, dev still not"
	expect_no_match "nosuid" "$out"
}

test_sensitive_host_dirs_refused () {
	for p in / /proc /sys /dev /boot /etc /etc/ssl /proc/self; do
		[ -e "$p" ] || continue
		run_status st brig run -v "$p:/h" ./img true
		expect_eq 125 "$st" "bind of $p"
		expect_match "refused by policy rule BRIG-C0(03|15)" "$out" "bind of $p"
	done
	expect_nothing_left
}

test_refused_through_symlinks_and_parents () {
	ln -s /etc "$WORK/etc-link"
	ln -s ../../../../../../../etc "$WORK/rel-link"
	mkdir "$WORK/d" && ln -s / "$WORK/d/root"
	for p in "$WORK/etc-link" "$WORK/etc-link/ssl" "$WORK/rel-link" "$WORK/d/root" "$WORK/d/root/boot" \
		"$WORK/d/../etc-link"; do
		run_status st brig run -v "$p:/h" ./img true
		expect_eq 125 "$st" "bind of $p"
		expect_match "refused by policy rule BRIG-C0(03|15)" "$out" "bind of $p"
	done
	# A directory that holds a kernel filesystem is refused too.
	mkdir -p "$WORK/holder/p"
	mount -t proc proc "$WORK/holder/p"
	run_status st brig run -v "$WORK/holder:/h" ./img true
	umount "$WORK/holder/p"
	expect_eq 125 "$st"
	expect_match "BRIG-C015.*holds the host's proc filesystem at $WORK/holder/p" "$out"
	# A link in /etc judged by where it leads: out of /etc it binds no file of /etc.
	mkdir -p "$WORK/zone" /etc/brig-test && echo UTC > "$WORK/zone/UTC"
	ln -sfn "$WORK/zone/UTC" /etc/brig-test/localtime
	out=$(brig run -v /etc/brig-test/localtime:/etc/localtime:ro ./img cat /etc/localtime 2>&1)
	rm -rf /etc/brig-test
	expect_eq UTC "$out" "a link from /etc to a file outside it"
}

test_engine_sockets_refused_wherever_they_are () {
	mkdir -p "$WORK/eng/sub"
	listen_unix "$WORK/eng/sub/docker.sock"
	ln -s "$WORK/eng/sub/docker.sock" "$WORK/innocent"
	for p in "$WORK/eng/sub/docker.sock" "$WORK/innocent" "$WORK/eng/sub" "$WORK/eng" /run /var/run; do
		run_status st brig run -v "$p:/s" ./img true
		expect_eq 125 "$st" "bind of $p"
		expect_match "refused by policy rule BRIG-C003" "$out" "bind of $p"
	done
	expect_match "holds $WORK/eng/sub/docker.sock" "$(brig run -v "$WORK/eng:/s" ./img true 2>&1)"
	# Any socket named as an engine's, even one not listening.
	rm -f "$WORK/eng/podman.sock"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WORK/eng/podman.sock"
	run_status st brig run -v "$WORK/eng/podman.sock:/s" ./img true
	expect_match "BRIG-C003.*an engine's API socket" "$out"
	# The real Docker socket, where the host has one.
	if [ -S /var/run/docker.sock ]; then
		run_status st brig run -v /var/run/docker.sock:/var/run/docker.sock ./img true
		expect_eq 125 "$st"
		expect_match "BRIG-C003" "$out"
	fi
	stop_listening
	expect_nothing_left
}

test_policy_can_allow_a_path () {
	mkdir -p "$WORK/eng"
	listen_unix "$WORK/eng/docker.sock"
	echo "{\"allowed_host_paths\": [\"$WORK/eng/docker.sock\"]}" > "$WORK/policy.json"
	out=$(BRIG_POLICY=$WORK/policy.json brig run -v "$WORK/eng/docker.sock:/s" ./img sh -c 'test -S /s && echo socket')
	expect_eq socket "$out"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$BRIG" run -v "$WORK/eng:/s" ./img true
	expect_eq 125 "$st" "only the path listed is allowed"
	echo '{"rules": {"BRIG-C015": "audit"}}' > "$WORK/policy.json"
	BRIG_POLICY=$WORK/policy.json brig run -v /etc:/h ./img test -f /h/passwd
	grep -q '"rule":"BRIG-C015","action":"audit"' "$BRIG_STATE_DIR/audit.log" || fail "audit decision not logged"
	echo '{"allowed_host_paths": ["relative"]}' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$BRIG" run -v "$WORK/eng:/s" ./img true
	expect_match "allowed_host_paths\[0\]: .relative.: expected an absolute path" "$out"
	stop_listening
}

test_target_resolved_inside_the_root () {
	mkdir "$WORK/src" "$WORK/outside" && echo in > "$WORK/src/f"
	ln -s "$WORK/outside" "$IMG/abs-link"
	ln -s ../../../../../../../../"$WORK/outside" "$IMG/rel-link"
	brig run -v "$WORK/src:/abs-link/m" -v "$WORK/src:/rel-link/m" ./img sh -c 'cat /abs-link/m/f /rel-link/m/f' > "$WORK/out"
	expect_eq "in
in" "$(cat "$WORK/out")"
	[ -z "$(ls -A "$WORK/outside")" ] || fail "a mount point was made outside the root: $(ls -A "$WORK/outside")"
	[ -d "$IMG/$WORK/outside/m" ] || fail "the mount point was not made inside the image"
}

test_cannot_escape_a_volume_through_symlinks () {
	mkdir "$WORK/src" "$WORK/secret" && chown 100000:100000 "$WORK/src"
	echo host-secret > "$WORK/secret/s"
	# The container plants links in its volume...
	brig run -v "$WORK/src:/v:rw" ./img sh -c 'ln -s / /v/root; ln -s '"$WORK"'/secret /v/sec; ln -s /etc/passwd /v/pw'
	# ...which inside resolve in the container, never on the host.
	out=$(brig run -v "$WORK/src:/v:rw" ./img sh -c 'cat /v/sec/s 2>&1; echo x > /v/pw 2>&1; ls /v/root/' 2>&1)
	expect_no_match "host-secret" "$out"
	expect_match "Read-only file system|Permission denied" "$out"
	expect_eq host-secret "$(cat "$WORK/secret/s")"
	# A link planted where a later bind's source is resolved is judged as
	# what it names: /etc.
	ln -s /etc "$WORK/src/etc"
	run_status st brig run -v "$WORK/src/etc:/e" ./img true
	expect_eq 125 "$st"
	# Named volumes: a link to a host directory is removed, not followed.
	brig run -v data:/v:rw ./img sh -c 'ln -s '"$WORK"'/secret /v/sec; mkdir /v/d; echo y > /v/d/y; chmod 500 /v/d'
	brig volume rm data
	expect_eq host-secret "$(cat "$WORK/secret/s")"
	[ ! -e "$BRIG_STATE_DIR/volumes/data" ] || fail "volume left behind"
}

test_named_volume_outlives_the_container () {
	brig run -v cache:/c:rw ./img sh -c 'echo kept > /c/k; ls -ln /c'
	expect_eq "100000 100000" "$(stat -c '%u %g' "$BRIG_STATE_DIR/volumes/cache/_data")" "owner of _data"
	expect_eq kept "$(brig run -v cache:/c ./img cat /c/k)"
	run_status st brig run -v cache:/c ./img sh -c 'echo x > /c/k'
	expect_match "Read-only file system" "$out"
	# Another user inside gets the volume as its own.
	brig run -u 1000:1000 -v cache:/c:rw ./img sh -c 'echo mine > /c/m'
	expect_eq "101000 101000" "$(stat -c '%u %g' "$BRIG_STATE_DIR/volumes/cache/_data")"
	expect_match "^cache +101000:101000 +-" "$(brig volume ls | grep cache)"
	brig volume inspect cache > "$WORK/inspect.json"
	python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))[0]; assert v["name"] == "cache" and v["mountpoint"].endswith("/volumes/cache/_data") and v["used_by"] == [], v' "$WORK/inspect.json"
	brig volume rm cache
	expect_eq "" "$(brig volume ls -q)"
}

test_volume_rm_refuses_a_volume_in_use () {
	brig volume create busy
	"$BRIG" run --name holder -v busy:/b ./img sleep 30 &
	holder=$!
	for _ in $(seq 100); do
		brig volume ls | grep -q "holder" && break
		sleep 0.1
	done
	run_status st brig volume rm busy
	expect_eq 1 "$st"
	expect_match "volume .busy. is in use by container [0-9a-f]{12} \(holder\)" "$out"
	brig volume inspect busy | grep -q '"[0-9a-f]\{12\} (holder)"' || fail "inspect does not name the user"
	[ -d "$BRIG_STATE_DIR/volumes/busy/_data" ] || fail "the volume in use was removed"
	kill -TERM "$holder"
	wait "$holder" || true
	brig volume rm busy
	expect_nothing_left
}

test_volume_verbs_errors () {
	run_status st brig volume create bad/name
	expect_eq 1 "$st"
	expect_match "volume name .bad/name.: expected a letter or digit" "$out"
	run_status st brig volume rm nosuch
	expect_eq 1 "$st"
	expect_match "volume .nosuch.: No such file" "$out"
	run_status st brig volume frob
	expect_eq 2 "$st"
	expect_match "unknown verb .frob.: expected create, ls, inspect or rm" "$out"
	run_status st brig volume rm
	expect_eq 2 "$st"
	expect_match "expected at least one volume NAME" "$out"
	expect_eq "$(printf 'a\na (already there)')" "$(brig volume create a; brig volume create a)"
	# Options anywhere after the verb, as docker volume takes them; after -- only names.
	expect_eq "" "$(brig volume create b -q c)"
	expect_eq "$(printf 'a\nb\nc')" "$(brig volume ls -q)"
	run_status st brig volume create -- -q
	expect_eq 1 "$st"
	expect_match "volume name .-q.: expected a letter or digit" "$out"
	# inspect says when it was made (UTC), within a minute of now.
	made=$(brig volume inspect a | python3 -c 'import json,sys,datetime as d; t=json.load(sys.stdin)[0]["created_at"]; print(int(d.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=d.timezone.utc).timestamp()))')
	[ $(( $(date +%s) - made )) -lt 60 ] && [ $(( $(date +%s) - made )) -ge 0 ] || fail "created_at $made is not now"
	brig volume rm a b c
}

test_bad_volume_flags () {
	mkdir "$WORK/src"
	while IFS='|' read -r arg want; do
		run_status st brig run -v "$arg" ./img true
		expect_eq 125 "$st" "-v $arg"
		expect_match "$want" "$out" "-v $arg"
	done <<EOF
$WORK/src:/d:rx|unknown option .rx.: expected ro, rw, nosuid
$WORK/src:/d:ro,rw|.rw. contradicts or repeats
src/sub:/d|the host path .src/sub. is relative: give an absolute path
./src:/d|the host path .\./src. is relative
$WORK/nosuch:/d|host path .$WORK/nosuch.: .$WORK/nosuch.: No such file or directory
$WORK/src:d|the target .d. must be an absolute path
$WORK/src:/|must not be the container's /
$WORK/src:/a/../b|must not contain ..
$WORK/src:/proc/x|is in the container's /proc
$WORK/src|expected SOURCE:TARGET
$WORK/src:/d:|empty options
a:b:c:d:e|too many
b@d:/d|neither an absolute host path nor a volume name
EOF
	while IFS='|' read -r arg want; do
		run_status st brig run --mount "$arg" ./img true
		expect_eq 125 "$st" "--mount $arg"
		expect_match "$want" "$out" "--mount $arg"
	done <<EOF
type=nfs,dst=/d|unknown type .nfs.
type=bind,dst=/d|no source
type=bind,src=$WORK/src|no target
type=bind,src=rel,dst=/d|type=bind takes an absolute host path
type=volume,src=$WORK/src,dst=/d|type=volume takes a volume name
type=bind,src=$WORK/src,dst=/d,bind-propagation=shared|unknown key .bind-propagation.
type=bind,src=$WORK/src,dst=/d,readonly=maybe|expected true, false, 1 or 0
type=tmpfs,src=x,dst=/d|a tmpfs has no source
type=tmpfs,dst=/d,tmpfs-mode=99|invalid mode
type=bind,src=$WORK/src,dst=/d,dst=/e|given twice
EOF
	run_status st brig run -v "$WORK/src:/d" -v "$WORK/src:/d/" ./img true
	expect_match "already mounts on ./d." "$out"
	[ ! -e "$BRIG_STATE_DIR/volumes" ] || [ -z "$(ls -A "$BRIG_STATE_DIR/volumes")" ] ||
		fail "a failed run left a volume: $(ls -A "$BRIG_STATE_DIR/volumes")"
	expect_nothing_left
}

test_rootless_volumes () {
	[ "$(id -u)" = 0 ] || skip "needs root to switch to the unprivileged user"
	chmod 755 "$TOP/build" "$TOP/build/asan" 2>/dev/null || true
	as_nobody test -x "$BRIG" || skip "$BRIG is not reachable by uid $NOBODY_UID"
	mkdir "$WORK/src" && chown $NOBODY_UID "$WORK/src"
	as_nobody "$BRIG" run -v "$WORK/src:/tmp/d:rw" -v nv:/run/n:rw ./img sh -c 'echo a > /tmp/d/a; echo b > /run/n/b; grep -E " /(tmp/d|run/n) " /proc/self/mountinfo' > "$WORK/out" 2>/dev/null
	expect_eq "a $NOBODY_UID" "$(cat "$WORK/src/a") $(stat -c %u "$WORK/src/a")"
	expect_match " /tmp/d rw,nosuid,nodev" "$(cat "$WORK/out")"
	expect_eq b "$(cat "$WORK/nobody/state/volumes/nv/_data/b")"
	expect_eq "$NOBODY_UID" "$(stat -c %u "$WORK/nobody/state/volumes/nv/_data")"
	run_status st as_nobody "$BRIG" run -v "$WORK/src:/tmp/d" ./img sh -c 'echo x > /tmp/d/x'
	expect_match "Read-only file system" "$out"
	run_status st as_nobody "$BRIG" run -v /etc:/tmp/e ./img true
	expect_match "BRIG-C015" "$out"
	as_nobody "$BRIG" volume rm nv
	[ ! -e "$WORK/nobody/state/volumes/nv" ] || fail "rootless volume left"
}
