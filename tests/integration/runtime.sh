# brig-runtime: runc's command line, driven directly as an engine would.

source "$TOP/tests/integration/lib_runtime.sh"

test_version_format () {
	out=$(rt --version)
	expect_match "^brig-runtime version [0-9.]+$" "$(echo "$out" | sed -n 1p)"
	expect_match "^commit: " "$(echo "$out" | sed -n 2p)"
	expect_match "^spec: 1\.[0-9]+\.[0-9]+$" "$(echo "$out" | sed -n 3p)"
}

test_spec_is_hardened () {
	mkdir "$WORK/s" && (cd "$WORK/s" && rt spec)
	python3 - "$WORK/s/config.json" <<'PY' || fail "spec is not hardened"
import json, sys
c = json.load(open(sys.argv[1]))
p = c["process"]
assert p["noNewPrivileges"] is True
assert all(p["capabilities"][k] == [] for k in ("bounding", "effective", "permitted", "inheritable", "ambient"))
assert c["root"]["readonly"] is True
l = c["linux"]
assert {n["type"] for n in l["namespaces"]} >= {"user", "mount", "pid", "network", "ipc", "uts", "cgroup"}
assert l["uidMappings"][0]["hostID"] != 0
assert l["seccomp"]["defaultAction"] == "SCMP_ACT_ERRNO"
assert any("keyctl" in r["names"] and r["action"] == "SCMP_ACT_ERRNO" for r in l["seccomp"]["syscalls"])
assert "/proc/keys" in l["maskedPaths"] and "/proc/sys" in l["readonlyPaths"]
assert l["resources"]["memory"]["limit"] > 0 and l["resources"]["pids"]["limit"] > 0
PY
	run_status st rt spec --bundle "$WORK/s"
	expect_eq 1 "$st" "spec over an existing config.json"
	expect_match "exists already" "$out"
}

test_run_exit_status_and_effective_state () {
	bundle "$WORK/b" sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/uid_map; exit 7'
	run_status st rt run --bundle "$WORK/b" r1
	expect_eq 7 "$st"
	expect_match "CapEff:.0000000000000000" "$out"
	expect_match "NoNewPrivs:.1" "$out"
	expect_match "Seccomp:.2" "$out"
	expect_match "^ +0 +100000 +65536$" "$(echo "$out" | tail -1)"
	oci_leftovers
}

test_create_start_state_delete () {
	bundle "$WORK/b" sh -c 'echo started > /tmp/x; sleep 30'
	rt create --bundle "$WORK/b" --pid-file "$WORK/pid" c1
	expect_eq created "$(rt state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
	pid=$(cat "$WORK/pid")
	expect_eq "$pid" "$(rt state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')" pid
	# Created means waiting: the command has not run.
	expect_eq 1 "$(grep -c . /proc/$pid/cmdline >/dev/null; echo 1)"
	rt start c1
	expect_eq running "$(rt state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
	run_status st rt start c1
	expect_eq 1 "$st" "second start"
	expect_match "it is running, not created" "$out"
	run_status st rt delete c1
	expect_eq 1 "$st" "delete while running"
	expect_match "use --force" "$out"
	rt kill c1 KILL
	for i in $(seq 100); do
		[ "$(rt state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break
		sleep 0.05
	done
	expect_eq stopped "$(rt state c1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
	rt delete c1
	oci_leftovers
}

test_delete_created_and_force () {
	bundle "$WORK/b" sleep 30
	rt create --bundle "$WORK/b" c2
	rt delete c2
	rt create --bundle "$WORK/b" c3
	rt start c3
	rt delete --force c3
	oci_leftovers
}

test_kill_signal_names () {
	bundle "$WORK/b" /bin/t trap 15 0
	rt create --bundle "$WORK/b" k1
	rt start k1
	sleep 0.3
	for s in SIGTERM; do rt kill k1 $s; done
	for i in $(seq 100); do
		[ "$(rt state k1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break
		sleep 0.05
	done
	expect_eq stopped "$(rt state k1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
	run_status st rt kill k1 NOTASIGNAL
	expect_eq 1 "$st"
	expect_match "unknown signal \`NOTASIGNAL\`" "$out"
	rt delete k1
	oci_leftovers
}

test_list () {
	bundle "$WORK/b" sleep 30
	rt create --bundle "$WORK/b" l1
	out=$(rt list)
	expect_match "^l1 +[0-9]+ +created " "$(echo "$out" | sed -n 2p)"
	expect_eq l1 "$(rt list -q)"
	rt list --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["id"]=="l1"' ||
		fail "list --format json"
	rt delete l1
	oci_leftovers
}

test_missing_command_fails_create () {
	bundle "$WORK/b" no-such-program
	run_status st rt create --bundle "$WORK/b" m1
	expect_eq 1 "$st"
	expect_match "exec \`no-such-program\`: executable file not found in \\\$PATH" "$out"
	oci_leftovers
}

test_duplicate_id () {
	bundle "$WORK/b" sleep 30
	rt create --bundle "$WORK/b" d1
	run_status st rt create --bundle "$WORK/b" d1
	expect_eq 1 "$st"
	expect_match "container \`d1\` already exists" "$out"
	rt delete d1
	oci_leftovers
}

test_bad_config_names_json_path_and_logs_json () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" 'c["process"]["rlimits"] = [{"type": "RLIMIT_FLY", "soft": 1, "hard": 1}]'
	run_status st rt --log "$WORK/log.json" --log-format json create --bundle "$WORK/b" e1
	expect_eq 1 "$st"
	expect_match "config.json: process.rlimits\[0\].type: .*RLIMIT_FLY" "$out"
	python3 - "$WORK/log.json" <<'PY' || fail "log is not JSON lines with level error: $(cat "$WORK/log.json")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
e = json.loads(lines[-1])
assert e["level"] == "error" and "RLIMIT_FLY" in e["msg"] and e["time"]
PY
	printf '{"ociVersion": "1.0.2",\n  "process": oops }' > "$WORK/b/config.json"
	run_status st rt create --bundle "$WORK/b" e2
	expect_match "config.json:2:[0-9]+: " "$out"
	oci_leftovers
}

test_bad_device_entry_names_json_path () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" 'c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229},
	                                                 {"path": "/dev/../etc/shadow", "type": "c", "major": 1, "minor": 3}]'
	run_status st rt create --bundle "$WORK/b" bd1
	expect_eq 1 "$st"
	expect_match "config.json: linux.devices\[1\]: \`path\` must be an absolute path without \`.\` or \`..\`" "$out"
	edit_config "$WORK/b" 'c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "x", "major": 10, "minor": 229}]'
	run_status st rt create --bundle "$WORK/b" bd2
	expect_match "config.json: linux.devices\[0\]: \`type\` must be c, u \(character\), b \(block\) or p \(FIFO\)" "$out"
	edit_config "$WORK/b" 'c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10}]'
	run_status st rt create --bundle "$WORK/b" bd3
	expect_match "config.json: linux.devices\[0\]: \`major\` and \`minor\` are required" "$out"
	edit_config "$WORK/b" 'c["linux"]["devices"] = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "uid": -1}]'
	run_status st rt create --bundle "$WORK/b" bd4
	expect_match "config.json: linux.devices\[0\].uid: expected an integer from 0 to 4294967294" "$out"
	oci_leftovers
}

# The spec: a capability the kernel has no name for is logged as a
# warning and the container runs, without it.
test_unknown_capability_is_a_warning () {
	bundle "$WORK/b" sh -c 'grep -E "^CapBnd:" /proc/self/status'
	edit_config "$WORK/b" 'c["process"]["capabilities"]["bounding"] = ["CAP_FLY", "CAP_CHOWN"]'
	run_status st rt --log "$WORK/log.json" --log-format json run --bundle "$WORK/b" w1
	expect_eq 0 "$st"
	expect_match "CapBnd:.0000000000000001$" "$out" "only CAP_CHOWN in the bounding set"
	expect_match "warning: .*config.json: process.capabilities.bounding\[0\]: unknown capability \`CAP_FLY\` left out" "$out"
	python3 - "$WORK/log.json" <<'PY' || fail "no warning in the JSON log: $(cat "$WORK/log.json")"
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
assert any(x["level"] == "warning" and "CAP_FLY" in x["msg"] for x in e)
PY
	oci_leftovers
}

test_unsupported_features_refused_by_name () {
	bundle "$WORK/b2" true
	edit_config "$WORK/b2" 'c["process"]["apparmorProfile"] = "docker-default"'
	run_status st rt run --bundle "$WORK/b2" u2
	# Applied where the host runs AppArmor (or SELinux); an error elsewhere.
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		expect_eq 1 "$st"
		expect_match "process.apparmorProfile \`docker-default\`: AppArmor is not enabled on this host" "$out"
	fi
	edit_config "$WORK/b2" 'del c["process"]["apparmorProfile"]; c["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"'
	run_status st rt run --bundle "$WORK/b2" u3
	if [ ! -e /sys/fs/selinux/enforce ]; then
		expect_eq 1 "$st"
		expect_match "process.selinuxLabel \`system_u:system_r:container_t:s0\`: SELinux is not enabled on this host" "$out"
	fi
	run_status st rt restore u1
	expect_eq 1 "$st"
	expect_match "\`restore\` is not supported by brig-runtime yet" "$out"
	run_status st rt checkpoint u1
	expect_match "\`checkpoint\` is not supported" "$out"
	oci_leftovers
}

test_features_document () {
	rt features | python3 -c '
import json, sys
f = json.load(sys.stdin)
assert f["ociVersionMax"].startswith("1.")
assert "user" in f["linux"]["namespaces"]
assert "CAP_SYS_ADMIN" in f["linux"]["capabilities"]
assert f["linux"]["seccomp"]["enabled"] is True
assert f["hooks"] == ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]
assert "SCMP_ACT_NOTIFY" in f["linux"]["seccomp"]["actions"]
assert {"rslave", "idmap", "ridmap"} <= set(f["mountOptions"])
' || fail "features"
}

test_cgroups_path_honoured () {
	[ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
	bundle "$WORK/b" sh -c 'cat /sys/fs/cgroup/pids/pids.max'
	edit_config "$WORK/b" 'c["linux"]["cgroupsPath"] = "/brigtest/cg1"; c["linux"]["resources"]["pids"]["limit"] = 42'
	out=$(rt run --bundle "$WORK/b" cg1)
	expect_eq 42 "$out"
	[ ! -d /sys/fs/cgroup/pids/brigtest/cg1 ] || fail "cgroup brigtest/cg1 left behind"
	rmdir /sys/fs/cgroup/*/brigtest 2>/dev/null || true
	oci_leftovers
}

test_without_user_namespace () {
	# Docker's default: no user namespace, root is host root with the
	# capabilities the config lists, still no_new_privs and seccomp.
	bundle "$WORK/b" sh -c 'cat /proc/self/uid_map; grep -E "^(CapEff|Seccomp):" /proc/self/status'
	edit_config "$WORK/b" '
l = c["linux"]
l["namespaces"] = [n for n in l["namespaces"] if n["type"] != "user"]
del l["uidMappings"], l["gidMappings"]
c["process"]["capabilities"] = {k: ["CAP_KILL"] for k in ("bounding", "effective", "permitted")}'
	out=$(rt run --bundle "$WORK/b" nu1)
	expect_match "^ +0 +0 +4294967295$" "$(echo "$out" | sed -n 1p)"
	expect_match "CapEff:.0000000000000020" "$out"
	expect_match "Seccomp:.2" "$out"
	oci_leftovers
}

test_terminal_through_console_socket () {
	bundle "$WORK/b" sh -c 'tty; read line; echo "got $line"; [ -t 0 ] && echo stdin-is-a-tty'
	edit_config "$WORK/b" 'c["process"]["terminal"] = True'
	python3 "$TOP/tests/helper/console_recv.py" "$WORK/console.sock" hello > "$WORK/console.out" &
	recv=$!
	for i in $(seq 50); do [ -S "$WORK/console.sock" ] && break; sleep 0.1; done
	rt create --console-socket "$WORK/console.sock" --bundle "$WORK/b" tty1
	rt start tty1
	wait $recv
	out=$(tr -d '\r' < "$WORK/console.out")
	expect_match "^name: /dev/pts/0$" "$out"
	expect_match "^/dev/pts/0$" "$out"
	expect_match "^got hello$" "$out"
	expect_match "^stdin-is-a-tty$" "$out"
	for i in $(seq 50); do [ "$(rt state tty1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break; sleep 0.1; done
	rt delete tty1
	oci_leftovers
}

test_terminal_needs_console_socket () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" 'c["process"]["terminal"] = True'
	run_status st rt create --bundle "$WORK/b" tty2
	expect_eq 1 "$st"
	expect_match "process.terminal is true, but no --console-socket" "$out"
	bundle "$WORK/c" true
	run_status st rt create --console-socket "$WORK/nope.sock" --bundle "$WORK/c" tty3
	expect_match "process.terminal is false" "$out"
	oci_leftovers
}

start_sleeper () { # ID: a running container with sleep as PID 1
	bundle "$WORK/b" sleep 60
	rt create --bundle "$WORK/b" "$1"
	rt start "$1"
}

test_exec_joins_the_container () {
	start_sleeper x1
	out=$(rt exec x1 sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/uid_map; cat /proc/1/cmdline | tr "\0" " "; echo; cat /proc/self/cgroup | grep -E "pids|^0::"; touch /x; exit 4' 2>&1) || st=$?
	expect_eq 4 "${st:-0}" "exit status"
	expect_match "CapEff:.0000000000000000" "$out"
	expect_match "NoNewPrivs:.1" "$out"
	expect_match "Seccomp:.2" "$out"
	expect_match "^ +0 +100000 +65536$" "$out"
	expect_match "^sleep 60 $" "$out" "PID 1 of the container is visible: same pid namespace"
	expect_match "Read-only file system" "$out"
	[ -d /sys/fs/cgroup/pids ] && expect_match "pids:/$" "$out" "in the container's cgroup (its namespace root)"
	rt delete --force x1
	oci_leftovers
}

test_personality_domain () {
	# What the host's kernel says for a 32-bit process (i686 on x86_64).
	local want; want=$(setarch linux32 uname -m)
	[ "$want" != "$(uname -m)" ] || skip "no 32-bit personality on $(uname -m)"
	bundle "$WORK/b" sleep 60
	edit_config "$WORK/b" 'c["linux"]["personality"] = {"domain": "LINUX32", "flags": []}'
	rt create --bundle "$WORK/b" p1
	rt start p1
	expect_eq "$want" "$(rt exec p1 uname -m)" "exec'd process has the 32-bit personality"
	expect_eq 00000008 "$(rt exec p1 cat /proc/1/personality)" "PID 1 has PER_LINUX32"
	rt delete --force p1
	bundle "$WORK/b2" true
	edit_config "$WORK/b2" 'c["linux"]["personality"] = {"domain": "LINUX64"}'
	run_status st rt --log "$WORK/log.txt" run --bundle "$WORK/b2" p2
	expect_eq 1 "$st"
	expect_match 'config.json: linux.personality.domain: expected "LINUX" or "LINUX32"' "$out"
	# The text log quotes the message, so its own quotes are escaped.
	expect_match '^time="[0-9T:.-]+Z" level=error msg=".*domain: expected \\"LINUX\\" or \\"LINUX32\\""$' "$(cat "$WORK/log.txt")"
	edit_config "$WORK/b2" 'c["linux"]["personality"] = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
	run_status st rt run --bundle "$WORK/b2" p3
	expect_eq 1 "$st"
	expect_match "linux.personality.flags: expected an empty array" "$out"
	oci_leftovers
}

test_exec_errors_and_policy () {
	start_sleeper x2
	run_status st rt exec x2 no-such-command
	expect_eq 127 "$st"
	expect_match "exec \`no-such-command\`: executable file not found" "$out"
	run_status st rt exec --cap CAP_SYS_ADMIN x2 true
	expect_eq 1 "$st"
	expect_match "refused by policy rule BRIG-C001" "$out"
	out=$(rt exec --cap CAP_NET_RAW x2 grep CapEff /proc/self/status)
	expect_match "CapEff:.0000000000000000" "$out" "NET_RAW is outside the allow-list: hardened away"
	run_status st rt exec x2
	expect_match "expected a command after the container id" "$out"
	rt kill x2 KILL
	for i in $(seq 100); do [ "$(rt state x2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = stopped ] && break; sleep 0.05; done
	run_status st rt exec x2 true
	expect_match "cannot exec in container \`x2\`: it is stopped" "$out"
	rt delete x2
	oci_leftovers
}

test_exec_unknown_capability_is_left_out () {
	# As in config.json (and as runc and crun do): a warning, on stderr
	# and in the log, and the process runs without it.
	start_sleeper x9
	out=$(rt --log "$WORK/log.txt" exec --cap CAP_UNKNOWN x9 grep -E "^Cap(Eff|Bnd):" /proc/self/status 2> "$WORK/err")
	expect_match "CapEff:.0000000000000000" "$out"
	expect_match "CapBnd:.0000000000000000" "$out"
	expect_match "warning: exec: --cap: unknown capability \`CAP_UNKNOWN\` left out" "$(cat "$WORK/err")"
	expect_match 'level=warning msg="exec: --cap: unknown capability' "$(cat "$WORK/log.txt")"
	rt delete --force x9
	oci_leftovers
}

test_exec_process_file_detach_pid_file () {
	start_sleeper x3
	cat > "$WORK/proc.json" <<'JSON'
{ "args": ["sh", "-c", "echo from-process-file > /tmp/out; sleep 1"], "cwd": "/tmp",
  "env": ["PATH=/bin:/usr/bin", "X=1"], "user": { "uid": 1000, "gid": 1000 } }
JSON
	rt exec --detach --pid-file "$WORK/pid" --process "$WORK/proc.json" x3
	pid=$(cat "$WORK/pid")
	expect_eq "1000" "$(awk '/^Uid:/ {print $2}' /proc/$pid/status | xargs -I{} sh -c 'echo $(( {} - 100000 ))')" "uid in the container"
	out=$(rt exec x3 sh -c 'sleep 0.5; cat /tmp/out')
	expect_eq from-process-file "$out"
	rt delete --force x3
	oci_leftovers
}

test_exec_with_terminal () {
	start_sleeper x4
	python3 "$TOP/tests/helper/console_recv.py" "$WORK/c.sock" hello > "$WORK/c.out" &
	recv=$!
	for i in $(seq 50); do [ -S "$WORK/c.sock" ] && break; sleep 0.1; done
	rt exec -t --console-socket "$WORK/c.sock" x4 sh -c 'read l; echo "tty got $l"; tty' || true
	wait $recv
	out=$(tr -d '\r' < "$WORK/c.out")
	expect_match "^tty got hello$" "$out"
	expect_match "^/dev/pts/[0-9]+$" "$out"
	rt delete --force x4
	oci_leftovers
}

test_pause_resume_ps () {
	bundle "$WORK/b" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; done'
	rt create --bundle "$WORK/b" pr1
	rt start pr1
	rt exec -d pr1 sleep 30
	out=$(rt ps --format json pr1)
	expect_match "^\[[0-9]+,[0-9]+\]$" "$out" "two pids"
	expect_match "sleep" "$(rt ps pr1)"
	pid=$(rt state pr1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	# The loop truncates the file before each write: read until a number.
	count () {
		local v i
		for i in $(seq 50); do
			v=$(cat /proc/$pid/root/tmp/count 2>/dev/null)
			[ -n "$v" ] && { echo "$v"; return; }
		done
		echo none
	}
	sleep 0.2
	rt pause pr1
	expect_eq paused "$(rt state pr1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
	a=$(count); sleep 0.3; b=$(count)
	expect_eq "$a" "$b" "the counter while paused"
	run_status st rt pause pr1
	expect_match "cannot pause container \`pr1\`: it is paused" "$out"
	rt resume pr1
	expect_eq running "$(rt state pr1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
	sleep 0.3
	[ "$(count)" != "$b" ] || fail "the counter did not move after resume"
	rt delete --force pr1
	oci_leftovers
}

# Hooks a container's root (an unprivileged host uid) can run and log to.
hook_dir () {
	mkdir -p "$WORK/h"
	chmod 755 "$WORK" "$WORK/h"
	cat > "$WORK/h/hook" <<'SH'
#!/bin/sh
{ printf '%s %s ' "$1" "$(readlink /proc/self/ns/mnt)"; cat; echo; } >> "$HOOK_LOG"
SH
	chmod 755 "$WORK/h/hook"
	: > "$WORK/h/hooks.log"
	chmod 666 "$WORK/h/hooks.log"
}

test_hooks_run_in_order_with_state () {
	hook_dir
	bundle "$WORK/b" sleep 30
	edit_config "$WORK/b" '
import os
h = lambda kind: [{"path": os.environ["WORK"] + "/h/hook", "args": ["hook", kind], "env": ["HOOK_LOG=" + os.environ["WORK"] + "/h/hooks.log"], "timeout": 5}]
c["hooks"] = {k: h(k) for k in ("prestart", "createRuntime", "createContainer", "poststart", "poststop")}'
	rt create --bundle "$WORK/b" hk1
	pid=$(rt state hk1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	ctr_ns=$(readlink "/proc/$pid/ns/mnt")
	# The hooks are those of the config at create: editing it now changes nothing.
	edit_config "$WORK/b" 'c["hooks"] = {}'
	rt start hk1
	rt delete --force hk1
	out=$(cat "$WORK/h/hooks.log")
	expect_eq "prestart createRuntime createContainer poststart poststop" "$(echo "$out" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')" "order"
	expect_match '^prestart mnt:\[[0-9]+\] \{"ociVersion":"1\.[0-9.]+","id":"hk1","status":"creating","pid":'"$pid"',"bundle":"[^"]+/b"' "$(echo "$out" | sed -n 1p)"
	# createRuntime on the host, createContainer in the container's mounts.
	expect_eq "$(readlink /proc/self/ns/mnt)" "$(echo "$out" | sed -n 2p | awk '{print $2}')" "createRuntime's mount namespace"
	expect_eq "$ctr_ns" "$(echo "$out" | sed -n 3p | awk '{print $2}')" "createContainer's mount namespace"
	expect_match '"status":"creating","pid":'"$pid" "$(echo "$out" | sed -n 3p)"
	expect_match '"status":"running"' "$(echo "$out" | sed -n 4p)"
	oci_leftovers
}

test_attached_run_runs_poststart_and_poststop () {
	hook_dir
	bundle "$WORK/b" true
	edit_config "$WORK/b" '
import os
h = lambda kind: [{"path": os.environ["WORK"] + "/h/hook", "args": ["hook", kind], "env": ["HOOK_LOG=" + os.environ["WORK"] + "/h/hooks.log"]}]
c["hooks"] = {k: h(k) for k in ("poststart", "poststop")}'
	rt run --bundle "$WORK/b" ar1
	out=$(cat "$WORK/h/hooks.log")
	expect_eq "poststart poststop" "$(echo "$out" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')" "order"
	expect_match '"id":"ar1","status":"stopped"' "$(echo "$out" | sed -n 2p)"
	oci_leftovers
}

test_start_container_hook_runs_inside () {
	bundle "$WORK/b" cat /tmp/started
	# The path is the container's: the image's own sh.
	edit_config "$WORK/b" 'c["hooks"] = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "{ cat; echo; ls /brig-marker; } > /tmp/started"]}]}'
	touch "$WORK/b/rootfs/brig-marker"
	out=$(rt run --bundle "$WORK/b" sc1)
	expect_match '^\{"ociVersion":"1\.[0-9.]+","id":"sc1","status":"created","pid":[1-9][0-9]*' "$out"
	expect_match '^/brig-marker$' "$(echo "$out" | sed -n 2p)"
	# A failing one stops the container before its command runs.
	edit_config "$WORK/b" 'c["hooks"] = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]}'
	run_status st rt run --bundle "$WORK/b" sc2
	expect_eq 1 "$st"
	expect_match "startContainer hook \`/bin/sh\` exited with status 4" "$out"
	# After a detached start, the engine reads why on the container's stderr.
	rt create --bundle "$WORK/b" sc3 2> "$WORK/sc3.err"
	rt start sc3
	for _ in $(seq 50); do
		rt state sc3 | grep -q '"stopped"' && break
		sleep 0.1
	done
	rt state sc3 | grep -q '"stopped"' || fail "sc3 did not stop"
	rt delete sc3
	expect_match "startContainer hook \`/bin/sh\` exited with status 4" "$(cat "$WORK/sc3.err")"
	oci_leftovers
}

test_seccomp_notify_agent () {
	python3 "$TOP/tests/helper/seccomp_agent.py" "$WORK/agent.sock" "$WORK/agent.out" 107 &
	agent=$!
	for _ in $(seq 50); do [ -S "$WORK/agent.sock" ] && break; sleep 0.1; done
	bundle "$WORK/b" sh -c 'mkdir /tmp/x; echo rc=$?'
	edit_config "$WORK/b" '
import os
s = c["linux"]["seccomp"]
for r in s["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in ("mkdir", "mkdirat")]
s["syscalls"] = [r for r in s["syscalls"] if r["names"]]
s["syscalls"].append({"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"})
s["listenerPath"] = os.environ["WORK"] + "/agent.sock"
s["listenerMetadata"] = "brig-test"'
	out=$(rt run --bundle "$WORK/b" sn1 2>&1)
	expect_match "Transport endpoint is not connected" "$out"
	expect_match "rc=1" "$out"
	edit_config "$WORK/b" 'c["process"]["args"] = ["sleep", "30"]'
	rt run -d --bundle "$WORK/b" sn2
	run_status st rt exec sn2 sh -c 'mkdir /tmp/y'
	rt delete --force sn2
	kill "$agent"
	wait "$agent" 2>/dev/null || true
	expect_match "Transport endpoint is not connected" "$out" "exec"
	python3 - "$WORK/agent.out" <<'PY' || fail "agent's messages: $(cat "$WORK/agent.out")"
import json, sys
lines = [l.rsplit(" fds=", 1) for l in open(sys.argv[1]).read().splitlines()]
assert len(lines) == 3, lines
for msg, nfds in lines:
    m = json.loads(msg)
    assert nfds == "1" and m["fds"] == ["seccompFd"] and m["metadata"] == "brig-test", m
    assert m["pid"] > 0 and m["state"]["id"] in ("sn1", "sn2"), m
st = sorted(json.loads(m)["state"]["status"] for m, _ in lines)
assert st == ["creating", "creating", "running"], st
ex = [json.loads(m) for m, _ in lines if json.loads(m)["state"]["status"] == "running"][0]
assert ex["pid"] != ex["state"]["pid"], ex
PY
	# An agent that is not there: create fails, naming the socket, and leaves nothing.
	edit_config "$WORK/b" 'import os; c["linux"]["seccomp"]["listenerPath"] = os.environ["WORK"] + "/none.sock"'
	run_status st rt run --bundle "$WORK/b" sn4
	expect_eq 1 "$st"
	expect_match "connect to the seccomp listener \`$WORK/none.sock\`: No such file or directory" "$out"
	# Without a listenerPath, SCMP_ACT_NOTIFY is an error naming the rule.
	edit_config "$WORK/b" 'del c["linux"]["seccomp"]["listenerPath"]; del c["linux"]["seccomp"]["listenerMetadata"]'
	run_status st rt run --bundle "$WORK/b" sn3
	expect_eq 1 "$st"
	expect_match 'linux.seccomp: syscalls\[[0-9]+\]: SCMP_ACT_NOTIFY needs a listenerPath' "$out"
	oci_leftovers
}

test_failing_hook_fails_create () {
	bundle "$WORK/b" sleep 30
	edit_config "$WORK/b" 'c["hooks"] = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}'
	run_status st rt create --bundle "$WORK/b" hk2
	expect_eq 1 "$st"
	expect_match "prestart hook \`/bin/sh\` exited with status 3" "$out"
	edit_config "$WORK/b" 'c["hooks"] = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "10"], "timeout": 1}]}'
	run_status st rt create --bundle "$WORK/b" hk3
	expect_match "prestart hook \`/bin/sleep\` timed out after 1 s" "$out"
	oci_leftovers
}

test_device_rules_as_docker_sends_them () {
	[ -d /sys/fs/cgroup/devices ] || skip "no v1 devices hierarchy"
	bundle "$WORK/b" cat /sys/fs/cgroup/devices/devices.list
	edit_config "$WORK/b" '
c["linux"]["resources"]["devices"] = [
  {"allow": False, "access": "rwm"},
  {"allow": True, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
  {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
  {"allow": True, "type": "c", "major": 136, "access": "rwm"},
  {"allow": False, "type": "c", "major": 10, "minor": 229, "access": "rwm"}]'
	out=$(rt run --bundle "$WORK/b" dv1)
	# The config's rules, then the sandbox's own nodes (as runc does).
	expect_eq "c 1:5 rwm
c 1:3 rwm
c 136:* rwm
c 1:7 rwm
c 1:8 rwm
c 1:9 rwm
c 5:0 rwm
c 5:2 rwm" "$out"
	oci_leftovers
}

test_shared_bundle_propagation () {
	# Docker keeps /var/lib/docker shared: a clone of a shared mount must not
	# make pivot_root fail.
	bundle "$WORK/b" echo pivoted
	out=$(unshare -m --propagation private sh -c "
		mount --bind '$WORK/b/rootfs' '$WORK/b/rootfs' && mount --make-shared '$WORK/b/rootfs' &&
		'$TOP/build/asan/brig-runtime' --root '$WORK/oci' run --bundle '$WORK/b' sh1" 2>&1)
	expect_eq pivoted "$out"
	oci_leftovers
}

test_podman_containerenv_under_hardened_run () {
	# Podman binds /run/.containerenv; the policy makes the root read-only and
	# puts a tmpfs on /run, which must come first.
	bundle "$WORK/b" cat /run/.containerenv
	echo 'engine="podman"' > "$WORK/containerenv"
	edit_config "$WORK/b" '
import os
c["root"]["readonly"] = False
c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/tmp", "/run")]
c["mounts"].append({"destination": "/run/.containerenv", "type": "bind", "source": os.environ["WORK"] + "/containerenv", "options": ["bind", "ro"]})'
	out=$(rt run --bundle "$WORK/b" pm1)
	expect_eq 'engine="podman"' "$out"
	oci_leftovers
}

test_privileged_with_devices_refused_as_privileged () {
	bundle "$WORK/b" true
	edit_config "$WORK/b" '
c["process"]["capabilities"]["bounding"] = ["CAP_SYS_ADMIN"]
c["linux"]["devices"] = [{"path": "/dev/sda", "type": "b", "major": 8, "minor": 0}]'
	run_status st rt run --bundle "$WORK/b" pd1
	expect_match "refused by policy rule BRIG-C001" "$out"
	oci_leftovers
}

test_delete_force_of_nothing_succeeds () {
	rt delete --force never-was
	run_status st rt delete never-was
	expect_eq 1 "$st"
	expect_match "container \`never-was\` does not exist" "$out"
}

test_update_limits_within_policy () {
	[ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
	start_sleeper up1
	echo '{"memory": {"limit": 134217728, "swap": 134217728}, "pids": {"limit": 50}}' | rt update --resources - up1
	expect_eq 134217728 "$(cat /sys/fs/cgroup/memory/brig/up1/memory.limit_in_bytes)"
	expect_eq 50 "$(cat /sys/fs/cgroup/pids/brig/up1/pids.max)"
	rt update --pids-limit 60 up1
	expect_eq 60 "$(cat /sys/fs/cgroup/pids/brig/up1/pids.max)"
	run_status st rt update --memory 2g up1
	expect_eq 1 "$st"
	expect_match "update refused by policy rule BRIG-C010: memory above the policy's limit" "$out"
	rt delete --force up1
	oci_leftovers
}

test_events_stats () {
	[ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
	start_sleeper ev1
	rt exec -d ev1 sleep 30
	rt events --stats ev1 | python3 -c '
import json, sys
e = json.loads(sys.stdin.readline())
assert e["type"] == "stats" and e["id"] == "ev1", e
d = e["data"]
assert d["pids"]["current"] == 2 and d["pids"]["limit"] == 1024, d
assert d["memory"]["usage"]["usage"] > 0 and d["memory"]["usage"]["limit"] == 536870912, d
assert d["cpu"]["usage"]["total"] > 0, d
' || fail "events --stats"
	rt delete --force ev1
	oci_leftovers
}

test_missing_cwd_created_and_socket_activation () {
	bundle "$WORK/b" sh -c 'pwd; echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/self/fd | tr "\n" " "'
	edit_config "$WORK/b" 'c["process"]["cwd"] = "/work/here"; c["root"]["readonly"] = False'
	out=$(LISTEN_FDS=1 rt run --bundle "$WORK/b" cw1 3< /etc/hostname)
	expect_eq /work/here "$(echo "$out" | sed -n 1p)"
	expect_eq "1 1" "$(echo "$out" | sed -n 2p)"
	expect_match "^0 1 2 3 " "$(echo "$out" | sed -n 3p)" "the activated descriptor"
	oci_leftovers
}

test_attached_run_relays_its_own_terminal () {
	command -v script >/dev/null || skip "no script(1)"
	bundle "$WORK/b" sh -c 'tty; [ -t 1 ] && echo stdout-tty'
	edit_config "$WORK/b" 'c["process"]["terminal"] = True'
	out=$(script -qec "$TOP/build/asan/brig-runtime --root $WORK/oci run --bundle $WORK/b tt1" /dev/null | tr -d '\r')
	expect_match "/dev/pts/[0-9]+$" "$out"
	expect_match "^stdout-tty$" "$out"
	oci_leftovers
}

test_attached_terminal_keeps_the_last_output () {
	# What the command writes just before it exits must come through the
	# terminal brig relays: the exit can be seen before the kernel has
	# handed that output to the master, and under load it often was.
	bundle "$WORK/b" echo last-words
	edit_config "$WORK/b" 'c["process"]["terminal"] = True'
	for i in 1 2 3; do yes > /dev/null & done
	lost=0
	for i in $(seq 40); do
		out=$(rt run --bundle "$WORK/b" lw$i < /dev/null)
		case $out in *last-words*) ;; *) lost=$((lost + 1)) ;; esac
	done
	kill $(jobs -p)
	wait 2>/dev/null || true
	expect_eq 0 "$lost" "runs of 40 whose output was lost"
	oci_leftovers
}

test_join_pid_user_and_mount_namespaces_by_path () {
	bundle "$WORK/a" sleep 30
	rt run -d --bundle "$WORK/a" ja
	pa=$(rt state ja | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	bundle "$WORK/b" sh -c 'tr "\0" " " < /proc/1/cmdline; echo; echo $$; readlink /proc/self/ns/pid; readlink /proc/self/ns/user; cat /proc/self/uid_map'
	export PA=$pa
	edit_config "$WORK/b" '
import os
ns = {n["type"]: n for n in c["linux"]["namespaces"]}
for t in ("pid", "user"):
    ns[t]["path"] = "/proc/%s/ns/%s" % (os.environ["PA"], t)'
	out=$(rt run --bundle "$WORK/b" jb)
	expect_eq "sleep 30 " "$(echo "$out" | sed -n 1p)" "PID 1 of the joined pid namespace"
	[ "$(echo "$out" | sed -n 2p)" != 1 ] || fail "the joining process is PID 1: $out"
	expect_eq "$(readlink /proc/$pa/ns/pid)" "$(echo "$out" | sed -n 3p)" "pid namespace"
	expect_eq "$(readlink /proc/$pa/ns/user)" "$(echo "$out" | sed -n 4p)" "user namespace"
	expect_match '^ +0 +100000 +65536$' "$(echo "$out" | sed -n 5p)"
	# The mount namespace too: the container's root is made in it.
	bundle "$WORK/c" readlink /proc/self/ns/mnt
	edit_config "$WORK/c" '
import os
for n in c["linux"]["namespaces"]:
    if n["type"] in ("user", "mount", "pid"):
        n["path"] = "/proc/%s/ns/%s" % (os.environ["PA"], {"mount": "mnt"}.get(n["type"], n["type"]))'
	out=$(rt run --bundle "$WORK/c" jc)
	expect_eq "$(readlink /proc/$pa/ns/mnt)" "$out" "mount namespace"
	# A path that does not name a namespace: an error naming it.
	bundle "$WORK/d" true
	edit_config "$WORK/d" '
for n in c["linux"]["namespaces"]:
    if n["type"] == "pid":
        n["path"] = "/proc/self/status"'
	run_status st rt run --bundle "$WORK/d" jd
	expect_eq 1 "$st"
	expect_match "join namespace \`/proc/self/status\`: Invalid argument" "$out"
	rt delete --force ja
	oci_leftovers
}

test_host_namespace_by_path_is_refused () {
	bundle "$WORK/b" true
	# The host's, through a process of the host's (this shell).
	export HOSTNS=/proc/$$/ns/net
	edit_config "$WORK/b" '
import os
for n in c["linux"]["namespaces"]:
    if n["type"] == "network":
        n["path"] = os.environ["HOSTNS"]'
	run_status st rt run --bundle "$WORK/b" hn1
	expect_eq 1 "$st"
	expect_match "BRIG-C002.*shares the host's network namespace" "$out"
	oci_leftovers
}

test_idmapped_bind_mounts () {
	mkdir -p "$WORK/vol/sub"
	echo hi > "$WORK/vol/f"
	chown 0:0 "$WORK/vol/f"
	chown 1000:1000 "$WORK/vol/sub"
	chmod 755 "$WORK" "$WORK/vol"
	bundle "$WORK/b" sh -c 'stat -c %u:%g /plain/f /own/f /mapped/f /mapped/sub; cat /own/f'
	edit_config "$WORK/b" '
import os
v = os.environ["WORK"] + "/vol"
c["mounts"] += [
  {"destination": "/plain", "type": "bind", "source": v, "options": ["rbind", "ro"]},
  {"destination": "/own", "type": "bind", "source": v, "options": ["rbind", "ro", "idmap"]},
  {"destination": "/mapped", "type": "bind", "source": v, "options": ["rbind", "ro", "ridmap"],
   "uidMappings": [{"containerID": 0, "hostID": 101000, "size": 1}, {"containerID": 1000, "hostID": 100000, "size": 1}],
   "gidMappings": [{"containerID": 0, "hostID": 101000, "size": 1}, {"containerID": 1000, "hostID": 100000, "size": 1}]}]'
	out=$(rt run --bundle "$WORK/b" im1)
	# Unmapped host root shows as the overflow id; idmapped with the
	# container's own mapping it is container root; with the mount's own
	# ranges, host 0 -> 101000 (container 1000) and 1000 -> 100000 (0).
	expect_eq "65534:65534
0:0
1000:1000
0:0
hi" "$out"
	# Half the mappings, or idmap without a user namespace: errors naming the mount.
	edit_config "$WORK/b" 'del c["mounts"][-1]["gidMappings"]'
	run_status st rt run --bundle "$WORK/b" im2
	expect_eq 1 "$st"
	expect_match "mounts\[[0-9]+\]: uidMappings and gidMappings go together" "$out"
	bundle "$WORK/c" true
	edit_config "$WORK/c" '
import os
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]
c["linux"].pop("uidMappings", None); c["linux"].pop("gidMappings", None)
c["mounts"].append({"destination": "/own", "type": "bind", "source": os.environ["WORK"] + "/vol", "options": ["bind", "idmap"]})'
	run_status st rt run --bundle "$WORK/c" im3
	expect_eq 1 "$st"
	expect_match "mounts \(destination /own\): idmap without uidMappings and gidMappings needs a user namespace" "$out"
	# crun's own syntax for ranges in the option is refused, not ignored.
	bundle "$WORK/d" true
	edit_config "$WORK/d" '
import os
c["mounts"].append({"destination": "/own", "type": "bind", "source": os.environ["WORK"] + "/vol", "options": ["bind", "idmap=uids=0-1-10;gids=0-1-10"]})'
	run_status st rt run --bundle "$WORK/d" im4
	expect_eq 1 "$st"
	expect_match "mount option \`idmap=uids=0-1-10;gids=0-1-10\`: ranges in the option are crun's own syntax" "$out"
	oci_leftovers
}

test_mount_sync_dirsync () {
	# Flags of the filesystem: set on a tmpfs the container mounts (its
	# superblock options, the last field of mountinfo, say so), in order
	# with async; refused on a bind, whose filesystem is the host's.
	bundle "$WORK/b" cat /proc/self/mountinfo
	edit_config "$WORK/b" '
t = lambda d, o: {"destination": d, "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"] + o}
c["mounts"] += [t("/s", ["sync"]), t("/d", ["dirsync"]), t("/a", ["sync", "async"])]'
	out=$(rt run --bundle "$WORK/b" sy1)
	sb () { echo "$out" | awk -v m="$1" '$5 == m { print $NF }'; }
	expect_match "(^|,)sync(,|$)" "$(sb /s)" "/s superblock"
	expect_match "(^|,)dirsync(,|$)" "$(sb /d)" "/d superblock"
	expect_no_match "(^|,)sync(,|$)" "$(sb /a)" "/a superblock"
	bundle "$WORK/c" true
	edit_config "$WORK/c" '
import os
c["mounts"].append({"destination": "/v", "type": "bind", "source": os.environ["WORK"], "options": ["rbind", "ro", "sync"]})'
	run_status st rt run --bundle "$WORK/c" sy2
	expect_eq 1 "$st"
	expect_match "mounts\[[0-9]+\]\.options: \`sync\` is a flag of the whole filesystem" "$out"
	oci_leftovers
}

test_mount_point_dangling_symlink () {
	# A mount point that is a dangling symlink of the image is made where
	# the link points, resolved inside the root (runc and crun do the same):
	# a relative link, a chain of two, and an absolute link naming a host
	# path, which must land in the image, never on the host.
	echo hello > "$WORK/hello"
	bundle "$WORK/b" sh -c 'cat /etc/dangling; cut -d" " -f5 /proc/self/mountinfo'
	r=$WORK/b/rootfs
	ln -s ../foo/bar/here "$r/etc/dangling"
	ln -s /chain2 "$r/chain1"
	ln -s chain3/dir "$r/chain2"
	ln -s "$WORK/escaped" "$r/abs"
	edit_config "$WORK/b" '
import os
t = lambda d: {"destination": d, "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}
c["mounts"] += [{"destination": "/etc/dangling", "type": "bind", "source": os.environ["WORK"] + "/hello", "options": ["bind", "ro"]},
                t("/chain1"), t("/abs")]'
	out=$(rt run --bundle "$WORK/b" dl1)
	expect_eq hello "$(echo "$out" | head -1)" "the bind through the link"
	expect_match "^/foo/bar/here$" "$out" "mount at the link's target"
	expect_match "^/chain3/dir$" "$out" "mount at the end of the chain"
	expect_match "^$WORK/escaped$" "$out" "absolute link, in the container"
	[ -f "$r/foo/bar/here" ] || fail "no file made at the link's target in the image"
	[ -d "$r/chain3/dir" ] || fail "no directory made at the end of the chain"
	[ -d "$r$WORK/escaped" ] || fail "absolute link: not made inside the image"
	[ ! -e "$WORK/escaped" ] || fail "absolute link: made on the host"
	# A loop is an error naming the mount point, not a hang.
	bundle "$WORK/c" true
	ln -s loop2 "$WORK/c/rootfs/etc/loop1"
	ln -s loop1 "$WORK/c/rootfs/etc/loop2"
	edit_config "$WORK/c" 'c["mounts"].append({"destination": "/etc/loop1", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]})'
	run_status st rt run --bundle "$WORK/c" dl2
	expect_eq 1 "$st"
	expect_match "mount point \`/etc/loop1\` in the image: Too many levels of symbolic links" "$out"
	oci_leftovers
}

test_bind_propagation_slave_and_private () {
	mkdir -p "$WORK/prop"
	mount --bind "$WORK/prop" "$WORK/prop"
	mount --make-shared "$WORK/prop"
	bundle "$WORK/b" sleep 30
	edit_config "$WORK/b" '
import os
p = os.environ["WORK"] + "/prop"
c["mounts"] += [{"destination": "/slave", "type": "bind", "source": p, "options": ["rbind", "rslave"]},
                {"destination": "/private", "type": "bind", "source": p, "options": ["rbind", "rprivate"]}]
c["linux"]["rootfsPropagation"] = "rslave"  # what Docker sends with such volumes'
	rt run -d --bundle "$WORK/b" pr1
	mkdir -p "$WORK/prop/sub"
	mount -t tmpfs tmpfs "$WORK/prop/sub"
	touch "$WORK/prop/sub/marker"
	out=$(rt exec pr1 sh -c 'ls /slave/sub; echo -; ls /private/sub')
	rt delete --force pr1
	umount "$WORK/prop/sub"
	umount "$WORK/prop"
	expect_eq "marker
-" "$out" "what the container sees of a host mount made after it started"
	oci_leftovers
}

test_tmpcopyup_fills_tmpfs_from_the_image () {
	# What Podman sends for --read-only: /tmp, /run... as tmpfs with tmpcopyup.
	bundle "$WORK/b" sh -c 'ls /bin | wc -l; readlink /bin/ls; ls -ln /etc/passwd | awk "{print \$1, \$3, \$4}"; head -1 /etc/passwd; ls /etc/sub/deep; touch /etc/new && echo writable'
	mkdir -p "$WORK/b/rootfs/etc/sub"
	echo x > "$WORK/b/rootfs/etc/sub/deep"
	edit_config "$WORK/b" '
c["mounts"] += [{"destination": d, "type": "tmpfs", "source": "tmpfs", "options": ["rw", "nosuid", "nodev", "tmpcopyup"]} for d in ("/bin", "/etc")]'
	out=$(rt run --bundle "$WORK/b" cu1)
	expect_eq "$(ls "$WORK/b/rootfs/bin" | wc -l)
/bin/busybox
-rw-r--r-- 0 0
$(head -1 "$WORK/b/rootfs/etc/passwd")
/etc/sub/deep
writable" "$out"
	# Only tmpfs takes it.
	edit_config "$WORK/b" 'c["mounts"].append({"destination": "/x", "type": "proc", "source": "proc", "options": ["tmpcopyup"]})'
	run_status st rt run --bundle "$WORK/b" cu2
	expect_eq 1 "$st"
	expect_match "mounts\[[0-9]+\]: tmpcopyup is for tmpfs mounts only" "$out"
	oci_leftovers
}

test_pidfd_socket_gets_the_process () {
	bundle "$WORK/b" sleep 30
	python3 "$TOP/tests/helper/pidfd_recv.py" "$WORK/pidfd.sock" > "$WORK/got" &
	h=$!
	for _ in $(seq 50); do [ -S "$WORK/pidfd.sock" ] && break; sleep 0.1; done
	rt create --bundle "$WORK/b" --pidfd-socket "$WORK/pidfd.sock" pf1
	wait "$h"
	pid=$(rt state pf1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	expect_eq "pidfd $pid" "$(cat "$WORK/got")" "the pidfd sent for create"
	rt start pf1
	python3 "$TOP/tests/helper/pidfd_recv.py" "$WORK/pidfd2.sock" > "$WORK/got2" &
	h=$!
	for _ in $(seq 50); do [ -S "$WORK/pidfd2.sock" ] && break; sleep 0.1; done
	rt exec -d --pid-file "$WORK/exec.pid" --pidfd-socket "$WORK/pidfd2.sock" pf1 sleep 20
	wait "$h"
	expect_eq "pidfd $(cat "$WORK/exec.pid")" "$(cat "$WORK/got2")" "the pidfd sent for exec"
	# A socket nobody listens on: create fails and leaves nothing.
	run_status st rt create --bundle "$WORK/b" --pidfd-socket "$WORK/nobody.sock" pf2
	expect_eq 1 "$st"
	expect_match "connect to the pidfd socket \`$WORK/nobody.sock\`" "$out"
	# exec --apparmor: applied where the host runs AppArmor, refused elsewhere.
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		run_status st rt exec --apparmor docker-default pf1 true
		expect_match "AppArmor is not enabled on this host" "$out"
	fi
	rt delete --force pf1
	oci_leftovers
}

test_exec_into_paused_container_with_ignore_paused () {
	[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy"
	bundle "$WORK/b" sleep 30
	rt run -d --bundle "$WORK/b" ip1
	rt pause ip1
	run_status st rt exec ip1 true
	expect_eq 1 "$st"
	expect_match "cannot exec in container \`ip1\`: it is paused, not running" "$out"
	# Allowed: the process starts frozen with the rest, and runs on resume.
	rt exec --ignore-paused ip1 sh -c 'echo ran > /tmp/x' &
	e=$!
	sleep 0.5
	kill -0 "$e" 2>/dev/null || fail "the exec'd process ran in a frozen container"
	rt resume ip1
	wait "$e" || fail "exec --ignore-paused failed"
	expect_eq ran "$(rt exec ip1 cat /tmp/x)"
	rt delete --force ip1
	oci_leftovers
}
