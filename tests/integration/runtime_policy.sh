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
