# The policy gate of brig-runtime: what engines send is hardened or refused.

source "$TOP/tests/integration/lib_runtime.sh"

status_of () { rt state "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }

# A config like the one Docker sends for `docker run busybox`: Docker's 14
# default capabilities, no no_new_privs, a writable root, no limits, no
# masked paths, no user namespace.
docker_like () { # DIR CMD...
	bundle "$@"
	edit_config "$1" '
caps = ["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
        "CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]
c["process"]["capabilities"] = {k: caps for k in ("bounding","effective","permitted")}
c["process"]["noNewPrivileges"] = False
c["root"]["readonly"] = False
l = c["linux"]
l["namespaces"] = [n for n in l["namespaces"] if n["type"] != "user"]
del l["uidMappings"], l["gidMappings"]
l["resources"] = {}
l["maskedPaths"] = []
l["readonlyPaths"] = []
c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/tmp", "/run")]'
}

refused () { # RULE-ID DIR: run is refused by RULE-ID, with how to allow it
	run_status st rt --log "$WORK/rt.log" --log-format json run --bundle "$2" p1
	expect_eq 1 "$st" "status"
	expect_match "refused by policy rule $1 \(.*\): .*To allow it, set \"$1\": \"audit\" in the policy" "$out"
	grep -q "\"msg\":\"refused by policy rule $1" "$WORK/rt.log" || fail "not in the --log JSON: $(cat "$WORK/rt.log")"
	grep -q "\"event\":\"policy\".*\"rule\":\"$1\",\"action\":\"enforce\"" "$BRIG_STATE_DIR/audit.log" ||
		fail "no enforce decision in the audit log"
	oci_leftovers
}

test_privileged_refused () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" '
import sys
allcaps = ["CAP_" + n for n in """CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE""".split()]
c["process"]["capabilities"] = {k: allcaps for k in ("bounding","effective","permitted")}'
	refused BRIG-C001 "$WORK/b"
}

test_host_network_refused () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]'
	refused BRIG-C002 "$WORK/b"
}

test_docker_socket_refused () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" 'c["mounts"].append({"destination": "/var/run/docker.sock", "type": "bind", "source": "/var/run/docker.sock", "options": ["rbind"]})'
	refused BRIG-C003 "$WORK/b"
}

test_host_root_bind_refused () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" 'c["mounts"].append({"destination": "/host", "type": "bind", "source": "/", "options": ["rbind","ro"]})'
	refused BRIG-C003 "$WORK/b"
}

test_seccomp_unconfined_refused () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" 'del c["linux"]["seccomp"]'
	refused BRIG-C004 "$WORK/b"
}

test_docker_like_config_is_hardened () {
	docker_like "$WORK/b" sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; touch /x 2>&1; cat /sys/fs/cgroup/pids/pids.max; wc -c < /proc/keys; touch /tmp/ok && echo tmp-ok'
	edit_config "$WORK/b" 'c["linux"]["seccomp"] = c["linux"]["seccomp"]'
	out=$(rt run --bundle "$WORK/b" h1 2>&1)
	# Only the policy's allow-list survives: CHOWN DAC_OVERRIDE FOWNER FSETID
	# KILL SETGID SETUID SETPCAP NET_BIND_SERVICE.
	expect_match "CapEff:.00000000000005fb" "$out"
	expect_match "CapBnd:.00000000000005fb" "$out"
	expect_match "NoNewPrivs:.1" "$out"
	expect_match "Seccomp:.2" "$out"
	expect_match "/x: Read-only file system" "$out"
	[ -d /sys/fs/cgroup/pids ] && expect_match "^1024$" "$(echo "$out" | grep -E '^[0-9]+$' | head -1)"
	expect_match "tmp-ok" "$out"
	for rule in BRIG-C005 BRIG-C007 BRIG-C008 BRIG-C009 BRIG-C010; do
		grep -q "\"rule\":\"$rule\",\"action\":\"harden\"" "$BRIG_STATE_DIR/audit.log" ||
			fail "no harden decision for $rule: $(cat "$BRIG_STATE_DIR/audit.log")"
	done
	grep -q '"rule":"BRIG-C011","action":"audit"' "$BRIG_STATE_DIR/audit.log" || fail "no audit of BRIG-C011"
	oci_leftovers
}

test_policy_file_relaxes_and_tightens () {
	bundle "$WORK/b" sh -c 'grep -E "^Seccomp:" /proc/self/status'
	edit_config "$WORK/b" 'del c["linux"]["seccomp"]'
	printf '{ "rules": { "BRIG-C004": "harden" } }' > "$WORK/policy.json"
	out=$(BRIG_POLICY="$WORK/policy.json" rt run --bundle "$WORK/b" f1)
	expect_match "Seccomp:.2" "$out" "seccomp added by harden"
	printf '{ "rules": { "BRIG-C004": "audit" } }' > "$WORK/policy.json"
	out=$(BRIG_POLICY="$WORK/policy.json" rt run --bundle "$WORK/b" f2)
	expect_match "Seccomp:.0" "$out" "allowed by audit"
	grep -q '"rule":"BRIG-C004","action":"audit"' "$BRIG_STATE_DIR/audit.log" || fail "no audit decision"
	# Tighter: the user namespace becomes mandatory.
	docker_like "$WORK/d" true
	printf '{ "rules": { "BRIG-C011": "enforce" }, "allowed_capabilities": [] }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/d" f3
	expect_eq 1 "$st"
	expect_match "refused by policy rule BRIG-C011" "$out"
	oci_leftovers
}

test_policy_file_errors () {
	bundle "$WORK/b" true
	printf '{ "rules": { "BRIG-C999": "audit" } }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/b" e1
	expect_eq 1 "$st"
	expect_match "policy.json: rules.BRIG-C999: unknown rule" "$out"
	printf '{ "rules": { "BRIG-C001": "maybe" } }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/b" e2
	expect_match "rules.BRIG-C001: expected enforce, harden, audit or off" "$out"
	printf '{ "rulez": {} }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/b" e3
	expect_match "rulez: unknown key" "$out"
	run_status st env BRIG_POLICY="$WORK/none.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/b" e4
	expect_match "policy: open \`$WORK/none.json\`: No such file" "$out"
	oci_leftovers
}

# linux.devices (BRIG-C014): a device node beyond the defaults needs the
# policy's allowed_devices.
add_devices () { # DIR PYTHON-LIST
	edit_config "$1" "c['linux']['devices'] = $2"
}

no_userns () { # DIR: as Docker sends it without userns-remap: mknod, not a bind
	edit_config "$1" '
l = c["linux"]
l["namespaces"] = [n for n in l["namespaces"] if n["type"] != "user"]
del l["uidMappings"], l["gidMappings"]'
}

test_device_nodes_refused_by_default () {
	bundle "$WORK/b" true
	add_devices "$WORK/b" '[{"path": "/dev/loop-control", "type": "c", "major": 10, "minor": 237}]'
	refused BRIG-C014 "$WORK/b"
	expect_match '/dev/loop-control \(character device 10:237, allowed by "c 10:237"\)' "$out"
	expect_match 'allowed_devices' "$out"
	bundle "$WORK/k" true
	add_devices "$WORK/k" '[{"path": "/dev/null", "type": "c", "major": 1, "minor": 3},
	                        {"path": "/dev/loop0", "type": "b", "major": 7, "minor": 0}]'
	refused BRIG-C014 "$WORK/k"
	expect_match '/dev/loop0 \(block device 7:0, allowed by "b 7:0"\)' "$out"
	expect_no_match '/dev/null \(' "$out" "a default device is not refused"
}

test_allowed_device_node_made_with_mknod () {
	[ -c /dev/fuse ] || skip "no /dev/fuse on this host"
	bundle "$WORK/b" sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/fuse /dev/net/tun /dev/fifo
		: < /dev/fuse && echo opened
		[ -d /sys/fs/cgroup/devices ] && grep -x "c 10:229 rwm" /sys/fs/cgroup/devices/devices.list || true'
	no_userns "$WORK/b"
	# fileMode as Podman sends it (with the type bits); uid and gid inside.
	add_devices "$WORK/b" '[{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 8630, "uid": 5, "gid": 7},
	                        {"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200, "fileMode": 384},
	                        {"path": "/dev/fifo", "type": "p"}]'
	printf '{ "allowed_devices": ["c 10:229", "/dev/net/tun c 10:200"] }' > "$WORK/policy.json"
	out=$(BRIG_POLICY="$WORK/policy.json" rt run --bundle "$WORK/b" m1 2>&1)
	expect_match "^character special file a:e5 666 5:7$" "$out" "/dev/fuse: type, numbers (hex), mode, owner"
	expect_match "^character special file a:c8 600 0:0$" "$out" "/dev/net/tun"
	expect_match "^fifo 0:0 666 0:0$" "$out" "the FIFO needs no allow-list"
	expect_match "^opened$" "$out" "the node opens: the device cgroup allows it"
	[ -d /sys/fs/cgroup/devices ] && expect_match "^c 10:229 rwm$" "$out" "allowed in the device cgroup"
	oci_leftovers
}

test_allowed_device_node_bound_in_userns () {
	[ -c /dev/fuse ] || skip "no /dev/fuse on this host"
	bundle "$WORK/b" sh -c 'stat -c "%F %t:%T %u:%g" /dev/fuse; grep " /dev/fuse " /proc/self/mountinfo'
	add_devices "$WORK/b" '[{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
	printf '{ "allowed_devices": ["/dev/fuse c 10:229"] }' > "$WORK/policy.json"
	out=$(BRIG_POLICY="$WORK/policy.json" rt run --bundle "$WORK/b" u1 2>&1)
	# The host's own node, bound read-only: container root cannot change it.
	expect_match "^character special file a:e5 65534:65534$" "$out" "the host's /dev/fuse, owned by unmapped root"
	expect_match " /dev/fuse ro,nosuid,noexec" "$out" "a read-only bind"
	# A node the host does not have cannot be bound.
	bundle "$WORK/n" true
	add_devices "$WORK/n" '[{"path": "/dev/brig-none", "type": "c", "major": 10, "minor": 229}]'
	printf '{ "allowed_devices": ["c 10:229"] }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/n" u2
	expect_eq 1 "$st"
	expect_match "device \`/dev/brig-none\` \(c 10:229\): in a user namespace mknod is not permitted, so brig binds the host's node at the same path: bind host device \`/dev/brig-none\`: No such file or directory" "$out"
	# Nor one whose numbers differ from the host's.
	bundle "$WORK/w" true
	add_devices "$WORK/w" '[{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 228}]'
	printf '{ "allowed_devices": ["c 10:*"] }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/w" u3
	expect_eq 1 "$st"
	expect_match "host \`/dev/fuse\` is not the character device 10:228" "$out"
	oci_leftovers
}

test_device_nodes_hardened_or_audited () {
	[ -c /dev/loop-control ] || skip "no /dev/loop-control on this host"
	bundle "$WORK/b" sh -c 'ls /dev'
	no_userns "$WORK/b"
	add_devices "$WORK/b" '[{"path": "/dev/loop-control", "type": "c", "major": 10, "minor": 237},
	                        {"path": "/dev/fifo", "type": "p"}]'
	printf '{ "rules": { "BRIG-C014": "harden" } }' > "$WORK/policy.json"
	out=$(BRIG_POLICY="$WORK/policy.json" rt run --bundle "$WORK/b" h1 2>&1)
	expect_no_match "loop-control" "$out" "dropped by harden"
	expect_match "^fifo$" "$out" "what is allowed stays"
	grep -q '"rule":"BRIG-C014","action":"harden","detail":"device nodes not in the policy.s allowed_devices: /dev/loop-control' "$BRIG_STATE_DIR/audit.log" ||
		fail "no harden decision: $(cat "$BRIG_STATE_DIR/audit.log")"
	printf '{ "rules": { "BRIG-C014": "audit" } }' > "$WORK/policy.json"
	out=$(BRIG_POLICY="$WORK/policy.json" rt run --bundle "$WORK/b" h2 2>&1)
	expect_match "^loop-control$" "$out" "allowed by audit"
	grep -q '"rule":"BRIG-C014","action":"audit"' "$BRIG_STATE_DIR/audit.log" || fail "no audit decision"
	oci_leftovers
}

test_device_node_where_brig_cannot_make_it () {
	bundle "$WORK/b" true
	# A default device: no policy needed, but something else is at that path.
	add_devices "$WORK/b" '[{"path": "/dev/null", "type": "c", "major": 1, "minor": 5}]'
	run_status st rt run --bundle "$WORK/b" w1
	expect_eq 1 "$st"
	expect_match "device \`/dev/null\` \(c 1:5\): there is already a character device there, not the device asked for" "$out"
	add_devices "$WORK/b" '[{"path": "/etc/zero", "type": "c", "major": 1, "minor": 5}]'
	run_status st rt run --bundle "$WORK/b" w2
	expect_match "device \`/etc/zero\` \(c 1:5\): brig makes device nodes only in a tmpfs of the container \(such as /dev\), and this path is in the image" "$out"
	[ ! -e "$WORK/b/rootfs/etc/zero" ] || fail "a node was left in the image"
	# /dev/fd is brig's link to /proc/self/fd: never followed.
	add_devices "$WORK/b" '[{"path": "/dev/fd/zero", "type": "c", "major": 1, "minor": 5}]'
	run_status st rt run --bundle "$WORK/b" w4
	expect_match "device \`/dev/fd/zero\` \(c 1:5\): a directory on the way to it is a symbolic link" "$out"
	add_devices "$WORK/b" '[{"path": "/dev/shm/zero", "type": "c", "major": 1, "minor": 5}]'
	no_userns "$WORK/b"
	run_status st rt run --bundle "$WORK/b" w3
	expect_match "device \`/dev/shm/zero\` \(c 1:5\): the tmpfs at \`/dev/shm\` is mounted nodev" "$out"
	oci_leftovers
}

test_policy_file_allowed_devices_errors () {
	bundle "$WORK/b" true
	printf '{ "allowed_devices": ["/dev/fuse"] }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/b" p1
	expect_eq 1 "$st"
	expect_match "policy.json: allowed_devices\[0\]: \`/dev/fuse\`: expected \"TYPE MAJOR:MINOR\" with TYPE c \(character\) or b \(block\)" "$out"
	printf '{ "allowed_devices": "c 10:229" }' > "$WORK/policy.json"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/b" p2
	expect_match "policy.json: allowed_devices: expected an array" "$out"
	oci_leftovers
}
