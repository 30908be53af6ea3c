# brig ps: containers started for real, with known weak and strong
# settings, and what brig reads of them from /proc.  Other containers may be
# running on the host at the same time: each assertion picks its container
# by pid or name.

# ps_json FILTER...: brig ps --format json, the containers that match.
ps_json () { brig ps --format json "$@"; }

# The one container of JSON whose pid is $2, field $3 (a jq path).
field () { echo "$1" | jq -c ".containers[] | select(.pid == $2) | $3"; }

# End a brig run container: SIGKILL to its init (PID 1 inside ignores
# SIGTERM), then brig exits and removes its cgroup and state.
stop_brig () {
	kill -KILL "$1"
	wait || true
	expect_nothing_left
}

test_brig_container () {
	brig run --name psweb busybox sleep 30 > "$WORK/run.out" 2>&1 &
	pid=$(container_pid)
	out=$(ps_json "$pid")
	expect_eq 1 "$(echo "$out" | jq '.containers | length')" "containers found for pid $pid"
	expect_eq '"brig"' "$(field "$out" "$pid" .engine)"
	expect_eq '"psweb"' "$(field "$out" "$pid" .name)" "name from brig's state"
	expect_eq '"busybox"' "$(field "$out" "$pid" .image)"
	expect_eq "$pid" "$(ps_json psweb | jq '.containers[0].pid')" "found by name"
	expect_eq '"sleep"' "$(field "$out" "$pid" .command)"
	expect_eq true "$(field "$out" "$pid" .userns)"
	expect_match '^"0 [0-9]+ 65536"$' "$(field "$out" "$pid" .uid_map)" "uid_map"
	expect_eq "$(awk '$1 == 0 {print $2}' /proc/$pid/uid_map)" "$(field "$out" "$pid" .root_uid)"
	expect_eq '[]' "$(field "$out" "$pid" .cap_eff)"
	expect_eq '[]' "$(field "$out" "$pid" .cap_bnd)"
	expect_eq 2 "$(field "$out" "$pid" .seccomp)"
	expect_eq "$(awk '/^Seccomp_filters:/ {print $2}' /proc/$pid/status)" "$(field "$out" "$pid" .seccomp_filters)"
	expect_eq true "$(field "$out" "$pid" .no_new_privs)"
	expect_eq true "$(field "$out" "$pid" .read_only_root)"
	expect_eq '[]' "$(field "$out" "$pid" .host_namespaces)"
	expect_eq 536870912 "$(field "$out" "$pid" .limits.memory)"
	expect_eq 1024 "$(field "$out" "$pid" .limits.pids)"
	expect_eq '"hardened"' "$(field "$out" "$pid" .verdict)"
	expect_eq '[]' "$(field "$out" "$pid" '[.mounts[] | select(.danger != null)]')"
	# The table and the audit: nothing at or above high.
	expect_match "^$pid +brig .* hardened$" "$(brig ps "$pid")"
	run_status st brig ps --audit "$pid"
	expect_eq 0 "$st" "brig ps --audit exit status: $out"
	expect_no_match "BRIG-C0" "$out"
	stop_brig "$pid"
}

test_limits_and_caps_of_brig_run () {
	brig run --memory 32m --pids-limit 77 --cpus 0.25 --cap-add NET_BIND_SERVICE busybox sleep 30 > "$WORK/run.out" 2>&1 &
	pid=$(container_pid)
	out=$(ps_json "$pid")
	expect_eq 33554432 "$(field "$out" "$pid" .limits.memory)"
	expect_eq 77 "$(field "$out" "$pid" .limits.pids)"
	expect_eq true "$(field "$out" "$pid" '.limits | .cpu_quota_us > 0 and .cpu_period_us == 4 * .cpu_quota_us')" \
		"--cpus 0.25: $(field "$out" "$pid" .limits)"
	expect_eq '["CAP_NET_BIND_SERVICE"]' "$(field "$out" "$pid" .cap_bnd)"
	stop_brig "$pid"
}

start_dockerd () {
	command -v dockerd >/dev/null || skip "docker.io is not installed"
	command -v jq >/dev/null || skip "jq is not installed"
	E=$WORK/d
	runc_wrap "$E"
	dockerd_start "$E"
	tar -C "$TOP/build/share/images/busybox/rootfs" -c . | $D import - brigtest >/dev/null
}

test_docker () {
	start_dockerd
	$D run -d --network none --name weak --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
		--pid host --read-only --memory 64m --cpus 0.5 brigtest sleep 60 >/dev/null
	$D run -d --network none --name plain brigtest sleep 60 >/dev/null
	# --privileged through runc-wrap (lib.sh): every capability this
	# host's root has (this VM's lacks CAP_SYS_RESOURCE, which runc could
	# not give).
	[ -z "$MISSING" ] || echo "REPORT: --privileged without$MISSING (this host's root lacks it)"
	$D run -d --network none --name priv --runtime runc-wrap --privileged brigtest sleep 60 >/dev/null
	# Every device, /proc/sys writable, no-new-privileges, a user: each
	# alone, without the rest of --privileged.
	$D run -d --network none --name devs --device-cgroup-rule 'a *:* rwm' \
		--security-opt systempaths=unconfined --security-opt no-new-privileges -u 1000:1000 \
		brigtest sleep 60 >/dev/null
	$D run -d --network host --ipc host --uts host --pids-limit 40 --name mounts -v /:/host:ro \
		-v "$E/sock:/var/run/docker.sock" brigtest sleep 60 >/dev/null
	weak=$($D inspect -f '{{.State.Pid}}' weak)
	plain=$($D inspect -f '{{.State.Pid}}' plain)
	mounts=$($D inspect -f '{{.State.Pid}}' mounts)
	priv=$($D inspect -f '{{.State.Pid}}' priv)
	devs=$($D inspect -f '{{.State.Pid}}' devs)
	out=$(ps_json --docker-host "unix://$E/sock" weak plain mounts priv devs)
	expect_eq 5 "$(echo "$out" | jq '.containers | length')" "containers found: $out"

	# --cap-add SYS_ADMIN --security-opt seccomp=unconfined --pid host --read-only --memory 64m
	expect_eq '"docker"' "$(field "$out" "$weak" .engine)"
	expect_eq '"weak"' "$(field "$out" "$weak" .name)"
	expect_eq '"brigtest"' "$(field "$out" "$weak" .image)"
	expect_eq "\"$($D inspect -f '{{.Id}}' weak)\"" "$(field "$out" "$weak" .id)"
	expect_eq true "$(field "$out" "$weak" '.cap_eff | index("CAP_SYS_ADMIN") != null')" "SYS_ADMIN in CapEff"
	expect_eq 0 "$(field "$out" "$weak" .seccomp)"
	expect_eq false "$(field "$out" "$weak" .all_caps)"
	expect_eq false "$(field "$out" "$weak" .no_new_privs)"
	expect_eq true "$(field "$out" "$weak" '.host_namespaces | index("pid") != null')" "shares the host pid namespace"
	expect_eq false "$(field "$out" "$weak" '.host_namespaces | index("net") != null')" "--network none: own net namespace"
	expect_eq true "$(field "$out" "$weak" .read_only_root)"
	expect_eq 67108864 "$(field "$out" "$weak" .limits.memory)"
	expect_eq 50000 "$(field "$out" "$weak" .limits.cpu_quota_us)" "--cpus 0.5: quota"
	expect_eq 100000 "$(field "$out" "$weak" .limits.cpu_period_us)" "--cpus 0.5: period"
	expect_eq false "$(field "$out" "$weak" .userns)"
	expect_eq 0 "$(field "$out" "$weak" .root_uid)"
	expect_eq '"weak"' "$(field "$out" "$weak" .verdict)"
	expect_match "root.*caps.*no seccomp.*host pid.*no pids limit" "$(field "$out" "$weak" .weaknesses)"

	# Docker's defaults: its 14 capabilities, its seccomp profile, a writable root.
	expect_eq 14 "$(field "$out" "$plain" '.cap_eff | length')"
	expect_eq false "$(field "$out" "$plain" '.cap_eff | index("CAP_SYS_ADMIN") != null')"
	expect_eq true "$(field "$out" "$plain" '.cap_eff | index("CAP_NET_RAW") != null')"
	expect_eq 2 "$(field "$out" "$plain" .seccomp)"
	expect_eq "$(awk '/^Seccomp_filters:/ {print $2}' /proc/$plain/status)" "$(field "$out" "$plain" .seccomp_filters)"
	expect_eq true "$(field "$out" "$plain" '.seccomp_filters >= 1')"
	expect_eq false "$(field "$out" "$plain" .read_only_root)"
	# Docker leaves cgroup v1 containers in the host's cgroup namespace.
	want='["user"]'
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || want='["user","cgroup"]'
	expect_eq '[]' "$(field "$out" "$plain" ".host_namespaces - $want")"
	expect_eq null "$(field "$out" "$plain" .limits.memory)"

	# --privileged: every capability (effective and bounding: the host
	# root's), no seccomp, no no-new-privileges, /sys and /proc/sys
	# writable, every device (read from the v1 device cgroup).
	hostbnd=$(grep '^CapBnd:' /proc/self/status | awk '{print $2}')
	expect_eq true "$(field "$out" "$priv" .all_caps)"
	# (Less those newer than the engine's capability list: Linux 5.8's
	# PERFMON and BPF, 5.9's CHECKPOINT_RESTORE.)
	hostcaps=$(capsh --decode=$hostbnd | sed 's/.*=//; s/,/\n/g' | tr a-z A-Z |
		grep -vx 'CAP_PERFMON\|CAP_BPF\|CAP_CHECKPOINT_RESTORE' | jq -R . | jq -sc .)
	expect_eq '[]' "$(field "$out" "$priv" ".cap_bnd as \$b | $hostcaps - \$b")" "CapBnd of --privileged: the host root's"
	expect_eq "$(field "$out" "$priv" '.cap_bnd | sort')" "$(field "$out" "$priv" '.cap_eff | sort')" "CapEff"
	expect_eq 0 "$(field "$out" "$priv" .seccomp)"
	expect_eq false "$(field "$out" "$priv" .no_new_privs)"
	expect_eq '"/sys writable"' "$(field "$out" "$priv" '.mounts[] | select(.target == "/sys") | .danger')"
	expect_eq '"/proc/sys writable"' "$(field "$out" "$priv" '.mounts[] | select(.target == "/proc/sys") | .danger')"
	expect_eq 0 "$(field "$out" "$weak" '[.mounts[] | select(.danger == "/sys writable")] | length')"
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		expect_eq null "$(field "$out" "$priv" .all_devices)" "cgroup v2: devices not read"
	else
		expect_eq true "$(field "$out" "$priv" .all_devices)"
		expect_eq false "$(field "$out" "$plain" .all_devices)"
		expect_eq true "$(field "$out" "$devs" .all_devices)" "--device-cgroup-rule 'a *:* rwm'"
		expect_match "all devices" "$(field "$out" "$devs" .weaknesses)"
	fi
	expect_match "caps.*no seccomp.*no nnp.*rw root.*/sys writable" "$(field "$out" "$priv" .weaknesses)"

	# systempaths=unconfined, no-new-privileges, -u 1000:1000.
	expect_eq '"/proc/sys writable"' "$(field "$out" "$devs" '.mounts[] | select(.target == "/proc/sys") | .danger')"
	expect_eq 0 "$(field "$out" "$plain" '[.mounts[] | select(.danger == "/proc/sys writable")] | length')"
	expect_eq true "$(field "$out" "$devs" .no_new_privs)"
	expect_eq 1000 "$(field "$out" "$devs" .uid)"
	expect_eq 0 "$(field "$out" "$plain" .uid)"
	expect_no_match "^root|no nnp" "$(field "$out" "$devs" .weaknesses)"
	expect_match '^"root' "$(field "$out" "$plain" .weaknesses)"

	# --network host --ipc host --uts host --pids-limit 40
	expect_eq '["ipc","net","uts"]' "$(field "$out" "$mounts" '[.host_namespaces[] | select(. == "net" or . == "ipc" or . == "uts")] | sort')"
	expect_eq false "$(field "$out" "$mounts" '.host_namespaces | index("pid") != null')"
	expect_eq 40 "$(field "$out" "$mounts" .limits.pids)"
	expect_eq null "$(field "$out" "$plain" .limits.cpu_quota_us)"

	# The host's / and the engine's socket.
	expect_eq '"host /"' "$(field "$out" "$mounts" '.mounts[] | select(.target == "/host") | .danger')"
	expect_eq "\"$E/sock\"" "$(field "$out" "$mounts" '.mounts[] | select(.target == "/var/run/docker.sock") | .host_path')"
	expect_eq '"engine socket"' "$(field "$out" "$mounts" '.mounts[] | select(.target == "/var/run/docker.sock") | .danger')"

	# --audit: the rules of brig audit over what was seen.
	run_status st brig ps --audit --format json --docker-host "unix://$E/sock" weak plain mounts
	expect_eq 1 "$st" "brig ps --audit exit status"
	rules () { echo "$out" | jq -r ".findings[] | select(.file == \"pid $1 (docker $2)\") | .rule" | sort -u | tr '\n' ' '; }
	expect_match "BRIG-C001 .*BRIG-C002 .*BRIG-C004 .*BRIG-C007 .*BRIG-C010 .*BRIG-C011 .*BRIG-R001" "$(rules "$weak" weak)" "weak's findings"
	expect_no_match "BRIG-C008" "$(rules "$weak" weak)" "weak's findings"
	expect_match "BRIG-C005 .*BRIG-C008" "$(rules "$plain" plain)" "plain's findings"
	expect_no_match "BRIG-C00[124]" "$(rules "$plain" plain)" "plain's findings"
	expect_match "BRIG-C002 .*BRIG-C003" "$(rules "$mounts" mounts)" "mounts' findings"
	expect_no_match "BRIG-R006" "$(rules "$weak" weak)" "weak has a CPU limit"
	run_status st brig ps --audit --format json --docker-host "unix://$E/sock" priv devs
	expect_eq 1 "$st" "brig ps --audit exit status"
	expect_match "BRIG-C001 .*BRIG-C004 .*BRIG-C007 .*BRIG-C008" "$(rules "$priv" priv)" "priv's findings"
	expect_no_match "BRIG-C012" "$(rules "$priv" priv)" "priv's findings: every device is in C001"
	if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
		expect_match "BRIG-C012" "$(rules "$devs" devs)" "devs' findings"
	fi
	expect_no_match "BRIG-C00[17]|BRIG-R001" "$(rules "$devs" devs)" "devs' findings"
	expect_match "BRIG-C009" "$(rules "$devs" devs)" "devs' findings: /proc/sys writable"
	run_status st brig ps --audit --fail-on never --docker-host "unix://$E/sock" weak
	expect_eq 0 "$st" "--fail-on never"
	# $DOCKER_HOST names them too.
	expect_eq '"weak"' "$(DOCKER_HOST=unix://$E/sock brig ps --format json "$weak" | jq '.containers[0].name')"
	expect_eq '"weak"' "$(DOCKER_HOST=$E/sock brig ps --format json "$weak" | jq '.containers[0].name')"
	expect_eq '"weak"' "$(brig ps --format json --docker-host "$E/sock" "$weak" | jq '.containers[0].name')"
	expect_eq '""' "$(DOCKER_HOST=unix://$WORK/nothing brig ps --format json "$weak" | jq '.containers[0].name')"
	# SARIF and text take the same file names.
	brig ps --audit --format sarif --docker-host "unix://$E/sock" weak | jq -e '.runs[0].results | length > 0' >/dev/null ||
		fail "no SARIF results"
	run_status st brig ps --audit --docker-host "unix://$E/sock" weak
	expect_match "pid $weak \(docker weak\)" "$out"
	expect_match "high BRIG-C004" "$out"
	expect_match "critical BRIG-C001: --cap-add CAP_SYS_ADMIN is as good as privileged" "$out"
	expect_no_match "privileged gives every capability" "$out"
	run_status st brig ps --audit --docker-host "unix://$E/sock" priv
	expect_eq 1 "$st"
	expect_match "critical BRIG-C001: --privileged gives every capability" "$out"
	dockerd_stop
}

# Docker's published ports, for real: the test's dockerd has no default
# bridge and no iptables, so a network of the test's own (a bridge
# interface, removed with it) and docker-proxy listening on the host.
test_docker_ports () {
	start_dockerd
	$D network create brigps$$ > /dev/null 2> "$WORK/net.err" ||
		skip "docker network create fails here: $(cat "$WORK/net.err")"
	# Its bridge interface outlives dockerd: removed whatever happens.
	trap '$D rm -f web > /dev/null 2>&1 || true; $D network rm brigps$$ > /dev/null 2>&1 || true; lib_teardown' EXIT
	read -r p1 p2 <<< "$(free_ports 2)"
	$D run -d --network brigps$$ --name web -p "0.0.0.0:$p1:80" -p "127.0.0.1:$p2:80" \
		brigtest sleep 60 > /dev/null
	pid=$($D inspect -f '{{.State.Pid}}' web)
	expect_match "(0\\.0\\.0\\.0|\\*):$p1 " "$(ss -Hltn "sport = :$p1")" "docker-proxy on every address"
	expect_match "127\\.0\\.0\\.1:$p2 " "$(ss -Hltn "sport = :$p2")" "docker-proxy on loopback"
	out=$(ps_json --docker-host "unix://$E/sock" "$pid")
	expect_eq '"web"' "$(field "$out" "$pid" .name)"
	expect_eq "[[\"0.0.0.0\",$p1,80,true],[\"127.0.0.1\",$p2,80,false]]" \
		"$(field "$out" "$pid" '[.ports[] | [.host_ip, .host_port, .port, .every_address]] | sort_by(.[3] | not)')" "ports"
	expect_match "port $p1/tcp on every address" "$(field "$out" "$pid" .weaknesses)"
	run_status st brig ps --audit --docker-host "unix://$E/sock" "$pid"
	expect_match "pid $pid \(docker web\):0:0: medium BRIG-R004: port $p1:80/tcp is published on every interface" "$out"
	expect_no_match "port $p2:80" "$out"
	$D rm -f web > /dev/null
	$D network rm brigps$$ > /dev/null
	dockerd_stop
}

test_podman () {
	podman_start "$WORK/p"
	$P run -d --network none --name pw --cap-drop ALL --cap-add CHOWN --pids-limit 33 brigtest sleep 60 >/dev/null
	pid=$($P inspect -f '{{.State.Pid}}' pw)
	id=$($P inspect -f '{{.Id}}' pw)
	out=$(ps_json "$pid")
	expect_eq '"podman"' "$(field "$out" "$pid" .engine)"
	expect_eq '"pw"' "$(field "$out" "$pid" .name)" "name from conmon"
	expect_eq "\"$id\"" "$(field "$out" "$pid" .id)"
	expect_eq '["CAP_CHOWN"]' "$(field "$out" "$pid" .cap_eff)"
	expect_eq 33 "$(field "$out" "$pid" .limits.pids)"
	expect_eq 2 "$(field "$out" "$pid" .seccomp)"
	# NET_RAW is in Docker's defaults, not in Podman's: --audit weighs a
	# Podman container against Podman's.
	$P run -d --network none --name pr --cap-drop ALL --cap-add NET_RAW brigtest sleep 60 >/dev/null
	pid=$($P inspect -f '{{.State.Pid}}' pr)
	run_status st brig ps --audit "$pid"
	expect_match "pid $pid \(podman pr\)" "$out"
	expect_match "BRIG-C005: --cap-add CAP_NET_RAW is outside the allow-list" "$out"
	# --uidmap: a user namespace, container root is host uid 100000.
	$P run -d --network none --name pu --uidmap 0:100000:65536 brigtest sleep 60 >/dev/null
	pid=$($P inspect -f '{{.State.Pid}}' pu)
	out=$(ps_json "$pid")
	expect_eq true "$(field "$out" "$pid" .userns)"
	expect_eq '"0 100000 65536"' "$(field "$out" "$pid" .uid_map)"
	expect_eq 100000 "$(field "$out" "$pid" .root_uid)"
	expect_no_match "^root" "$(field "$out" "$pid" .weaknesses)"

	# --privileged (through runc_wrap, lib.sh): every capability, no
	# seccomp, every device, /sys writable; C001 under --audit.
	runc_wrap "$WORK/wrap"
	${P/--runtime runc/--runtime $WORK/wrap/runc-wrap} run -d --network none --name pv --privileged \
		brigtest sleep 60 > /dev/null
	pid=$($P inspect -f '{{.State.Pid}}' pv)
	out=$(ps_json "$pid")
	expect_eq true "$(field "$out" "$pid" .all_caps)"
	expect_eq 0 "$(field "$out" "$pid" .seccomp)"
	expect_eq '"/sys writable"' "$(field "$out" "$pid" '.mounts[] | select(.target == "/sys") | .danger')"
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || expect_eq true "$(field "$out" "$pid" .all_devices)"
	run_status st brig ps --audit "$pid"
	expect_match "pid $pid \(podman pv\):0:0: critical BRIG-C001: --privileged gives every capability" "$out"

	# Podman's API (its Docker-compatible endpoints), started here: names,
	# images and published ports, one on every address and one on loopback
	# (slirp4netns: nothing is added to the host's packet filter).
	podman_service
	E=$PODMAN_DIR
	read -r p1 p2 <<< "$(free_ports 2)"
	$P run -d --network slirp4netns --name pp -p "0.0.0.0:$p1:80" -p "127.0.0.1:$p2:80" \
		brigtest sleep 60 >/dev/null
	pid=$($P inspect -f '{{.State.Pid}}' pp)
	# Published for real: the host listens there.
	expect_match "(0\\.0\\.0\\.0|\\*|\\[::\\]):$p1 " "$(ss -Hltn "sport = :$p1")" "listening on every address"
	expect_match "127\\.0\\.0\\.1:$p2 " "$(ss -Hltn "sport = :$p2")" "listening on loopback"
	out=$(ps_json --podman-host "unix://$E/podman.sock" "$pid")
	expect_eq '"pp"' "$(field "$out" "$pid" .name)" "name from Podman's API"
	expect_eq '"localhost/brigtest:latest"' "$(field "$out" "$pid" .image)" "image from Podman's API"
	expect_eq "[{\"host_ip\":\"0.0.0.0\",\"host_port\":$p1,\"port\":80,\"protocol\":\"tcp\",\"every_address\":true},{\"host_ip\":\"127.0.0.1\",\"host_port\":$p2,\"port\":80,\"protocol\":\"tcp\",\"every_address\":false}]" \
		"$(field "$out" "$pid" '.ports | sort_by(.host_port != '"$p1"')')" "ports"
	expect_match "port $p1/tcp on every address" "$(field "$out" "$pid" .weaknesses)"
	expect_no_match "port $p2/" "$(field "$out" "$pid" .weaknesses)"
	# $CONTAINER_HOST names the socket too, in either form; without an API
	# the ports are not known.
	expect_eq '"localhost/brigtest:latest"' "$(CONTAINER_HOST=$E/podman.sock ps_json "$pid" | jq '.containers[0].image')"
	expect_eq null "$(CONTAINER_HOST=unix://$WORK/nothing ps_json "$pid" | jq '.containers[0].ports')"
	expect_eq '"pp"' "$(CONTAINER_HOST=unix://$WORK/nothing ps_json "$pid" | jq '.containers[0].name')" "from conmon"
	run_status st brig ps --podman-host "unix://$WORK/nothing" "$pid"
	expect_match "warning: .*$WORK/nothing.*Podman's containers are named from conmon only" "$out"
	run_status st brig ps --podman-host podman.sock
	expect_eq 2 "$st"
	# --audit: BRIG-R004 for the one on every address only.
	run_status st brig ps --audit --podman-host "unix://$E/podman.sock" "$pid"
	expect_match "pid $pid \(podman pp\):0:0: medium BRIG-R004: port $p1:80/tcp is published on every interface" "$out"
	expect_no_match "port $p2:80" "$out"
	podman_stop
}

# N free TCP ports of the host's loopback and every address.
free_ports () {
	python3 -c 'import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("0.0.0.0", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

test_errors () {
	run_status st brig ps --format yaml
	expect_eq 2 "$st"
	run_status st brig ps --format sarif
	expect_eq 2 "$st"
	expect_match "goes with --audit" "$out"
	run_status st brig ps 999999999 nosuch
	expect_eq 2 "$st" "a CONTAINER that names none"
	expect_match "^PID +ENGINE" "$out"
	expect_match "\`999999999\`: no such container" "$out"
	expect_match "\`nosuch\`: no such container" "$out"
	# --docker-host takes what brig host takes, and says the same.
	for cmd in ps host; do
		run_status st brig $cmd --docker-host tcp://127.0.0.1:2375
		expect_eq 2 "$st"
		expect_eq "brig: --docker-host: \`tcp://127.0.0.1:2375\`: expected unix:///PATH or /PATH (brig reads only a local socket)" "$out"
	done
	expect_man_follows_help ps
}

test_containerd () {
	command -v containerd >/dev/null || skip "containerd is not installed"
	command -v jq >/dev/null || skip "jq is not installed"
	E=$WORK/c
	mkdir -p "$E"
	containerd --root "$E/root" --state "$E/state" --address "$E/sock" > "$E/log" 2>&1 &
	cpid=$!
	C="ctr --address $E/sock -n brigps"
	trap 'stop_ctr; lib_teardown' EXIT
	for i in $(seq 60); do $C version >/dev/null 2>&1 && break; sleep 0.5; done
	python3 "$TOP/tests/helper/mkociarchive.py" "$TOP/build/share/images/busybox/rootfs" \
		docker.io/library/brigtest:latest "$E/image.tar"
	$C image import "$E/image.tar" >/dev/null
	# ctr's defaults: no seccomp unless asked; runc.
	$C run -d --read-only --memory-limit 50331648 --cap-add CAP_NET_ADMIN \
		docker.io/library/brigtest:latest cweak sleep 60 >/dev/null
	$C run -d --seccomp docker.io/library/brigtest:latest cstrong sleep 60 >/dev/null
	weak=$($C task ls | awk '$1 == "cweak" {print $2}')
	strong=$($C task ls | awk '$1 == "cstrong" {print $2}')
	out=$(ps_json "$weak" "$strong")
	expect_eq '"containerd"' "$(field "$out" "$weak" .engine)"
	expect_eq '"brigps/cweak"' "$(field "$out" "$weak" .name)"
	expect_eq '"cweak"' "$(field "$out" "$weak" .id)"
	expect_eq 0 "$(field "$out" "$weak" .seccomp)"
	expect_eq false "$(field "$out" "$weak" .all_caps)"
	expect_eq true "$(field "$out" "$weak" .read_only_root)"
	expect_eq 50331648 "$(field "$out" "$weak" .limits.memory)"
	expect_eq true "$(field "$out" "$weak" '.cap_eff | index("CAP_NET_ADMIN") != null')" "NET_ADMIN in CapEff"
	expect_eq 2 "$(field "$out" "$strong" .seccomp)"
	expect_eq false "$(field "$out" "$strong" .read_only_root)"
	expect_eq false "$(field "$out" "$strong" '.cap_eff | index("CAP_NET_ADMIN") != null')"
	run_status st brig ps --audit "$weak"
	expect_eq 1 "$st"
	expect_match "pid $weak \(containerd brigps/cweak\)" "$out"
	expect_match "high BRIG-C004" "$out"
	expect_match "BRIG-C005: .*CAP_NET_ADMIN is outside the allow-list" "$out"
	stop_ctr
}

stop_ctr () {
	[ -n "${cpid:-}" ] || return 0
	for c in $($C container ls -q 2>/dev/null); do
		$C task kill -s SIGKILL "$c" 2>/dev/null || true
		for _ in $(seq 50); do $C task ls | grep -q "^$c .*RUNNING" || break; sleep 0.1; done
		$C task delete "$c" >/dev/null 2>&1 || true
		$C container delete "$c" 2>/dev/null || true
	done
	kill "$cpid" 2>/dev/null || true
	wait || true
	cpid=
}

# Unprivileged, brig ps sees the containers it may read: its own, here a
# rootless brig container, and none of root's (their /proc entries are
# closed to it).
test_unprivileged () {
	as_nobody test -x "$BRIG" || skip "$BRIG is not reachable by uid $NOBODY_UID"
	brig run busybox sleep 30 > "$WORK/root.out" 2>&1 &
	rootpid=$(container_pid)
	as_nobody "$BRIG" run ./img sleep 30 > "$WORK/nobody.out" 2>&1 &
	for _ in $(seq 100); do
		pid=$(pgrep -u $NOBODY_UID -x sleep | head -1 || true)
		[ -n "$pid" ] && break
		sleep 0.05
	done
	[ -n "$pid" ] || fail "the rootless container did not start: $(cat "$WORK/nobody.out")"
	out=$(as_nobody "$BRIG" ps --format json)
	expect_eq true "$(echo "$out" | jq "any(.containers[]; .pid == $pid)")" "own container listed: $out"
	expect_eq false "$(echo "$out" | jq "any(.containers[]; .pid == $rootpid)")" "root's container listed"
	expect_eq true "$(field "$out" "$pid" .userns)"
	expect_eq "$NOBODY_UID" "$(field "$out" "$pid" .root_uid)" "rootless: container root is the user"
	expect_eq 2 "$(field "$out" "$pid" .seccomp)"
	kill -KILL "$pid" "$rootpid"
	wait || true
}

# LXC (Debian's lxc and the busybox template, offline), in a path of the
# test's own: found from /proc by its cgroup (lxc.payload.NAME) and named
# by it; one with limits and a capability dropped and no seccomp, one with
# LXC's common seccomp profile.
test_lxc () {
	command -v lxc-create > /dev/null || skip "lxc is not installed"
	[ -x /usr/share/lxc/templates/lxc-busybox ] || skip "lxc-templates is not installed"
	L=$WORK/lxc
	mkdir -p "$L"
	trap 'stop_lxc; lib_teardown' EXIT
	# Names are the host's: cgroups are lxc.payload.NAME whatever the path.
	weak=brigps-weak-$$ strong=brigps-strong-$$
	printf 'lxc.net.0.type = empty\nlxc.cap.drop = sys_admin\nlxc.cgroup.memory.limit_in_bytes = 50331648\nlxc.cgroup.pids.max = 40\n' > "$L/weak.conf"
	printf 'lxc.net.0.type = empty\nlxc.seccomp.profile = /usr/share/lxc/config/common.seccomp\n' > "$L/strong.conf"
	[ -f /usr/share/lxc/config/common.seccomp ] || skip "lxc's common.seccomp is missing"
	for c in weak strong; do
		name=$(eval echo \$$c)
		lxc-create -P "$L" -n "$name" -f "$L/$c.conf" -t busybox > "$L/$c.create" 2>&1 ||
			fail "lxc-create $c: $(tail -3 "$L/$c.create")"
		if ! lxc-start -P "$L" -n "$name" -d -l INFO -o "$L/$c.log" > "$L/$c.start" 2>&1; then
			echo "REPORT: lxc-start cannot start a container here: $(grep -m3 ERROR "$L/$c.log" | tr '\n' ' ')"
			skip "lxc-start failed: see REPORT"
		fi
	done
	wpid=$(lxc-info -P "$L" -n "$weak" -p -H)
	spid=$(lxc-info -P "$L" -n "$strong" -p -H)
	out=$(ps_json "$wpid" "$strong")
	expect_eq 2 "$(echo "$out" | jq '.containers | length')" "$out"
	expect_eq '"lxc"' "$(field "$out" "$wpid" .engine)"
	expect_eq "\"$weak\"" "$(field "$out" "$wpid" .name)" "named by its cgroup"
	expect_eq "\"$weak\"" "$(field "$out" "$wpid" .id)"
	expect_eq '"init"' "$(field "$out" "$wpid" .command)"
	expect_eq "\"/lxc.payload.$weak\"" "$(field "$out" "$wpid" .cgroup)"
	expect_eq false "$(field "$out" "$wpid" '.cap_eff | index("CAP_SYS_ADMIN") != null')" "lxc.cap.drop"
	expect_eq true "$(field "$out" "$wpid" '.cap_eff | index("CAP_NET_ADMIN") != null')"
	expect_eq 50331648 "$(field "$out" "$wpid" .limits.memory)"
	expect_eq 40 "$(field "$out" "$wpid" .limits.pids)"
	expect_eq 0 "$(field "$out" "$wpid" .seccomp)"
	expect_eq false "$(field "$out" "$wpid" .userns)"
	expect_eq 2 "$(field "$out" "$spid" .seccomp)" "lxc.seccomp.profile"
	expect_eq null "$(field "$out" "$spid" .limits.memory)"
	expect_match "^$wpid +lxc +$weak " "$(brig ps "$wpid")"
	run_status st brig ps --audit "$weak"
	expect_eq 1 "$st"
	expect_match "pid $wpid \(lxc $weak\)" "$out"
	expect_match "high BRIG-C004" "$out"
	expect_match "BRIG-C005: .*CAP_NET_ADMIN is outside the allow-list" "$out"
	stop_lxc
}

stop_lxc () {
	local c
	for c in "${weak:-}" "${strong:-}"; do
		[ -n "$c" ] && [ -d "$L/$c" ] || continue
		lxc-stop -P "$L" -n "$c" -k > /dev/null 2>&1 || true
		lxc-destroy -P "$L" -n "$c" > /dev/null 2>&1 || true
	done
	# liblxc parks its monitor in lxc.pivot while it removes a container's
	# cgroups, and leaves it; an empty one goes (rmdir fails on one in use).
	rmdir /sys/fs/cgroup/*/lxc.pivot /sys/fs/cgroup/lxc.pivot 2> /dev/null || true
}
