# brig host: virtualisation, kernel and Docker, read from this machine and
# from fake trees (--root) whose answer is known.

# fact KEY: the value brig host --facts gives for KEY.
fact () { printf '%s\n' "$facts" | sed -n "s/^$1: //p" | head -1; }

# A fake root with the kernel files a healthy host has.
fake_root () {
	R=$WORK/root
	mkdir -p "$R/proc/sys/kernel/seccomp" "$R/proc/sys/user" "$R/proc/self" "$R/sys/class/dmi/id" "$R/run"
	echo 6.1.0-28-amd64 > "$R/proc/sys/kernel/osrelease"
	echo 15000 > "$R/proc/sys/user/max_user_namespaces"
	printf 'Name:\tbash\nUid:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n' > "$R/proc/self/status"
	echo 'kill_process kill_thread trap errno user_notif trace log allow' > "$R/proc/sys/kernel/seccomp/actions_avail"
}

test_virt_agrees_with_systemd_detect_virt () {
	command -v systemd-detect-virt > /dev/null || skip "no systemd-detect-virt"
	facts=$(brig host --facts --docker-host "unix://$WORK/no.sock")
	expect_eq "$(systemd-detect-virt || true)" "$(fact virt)" "virt"
	expect_eq "$(systemd-detect-virt --vm || true)" "$(fact vm | cut -d' ' -f1)" "vm"
	expect_eq "$(systemd-detect-virt --container || true)" "$(fact container | cut -d' ' -f1)" "container"
	expect_eq "$(systemd-detect-virt || true)" \
		"$(brig host --facts --format json --docker-host "unix://$WORK/no.sock" | jq -r .virt)" "virt in JSON"
	# A container is a finding; its file is its marker.
	run_status st brig host --format json --fail-on never --docker-host "unix://$WORK/no.sock"
	expect_eq 0 "$st"
	if [ "$(systemd-detect-virt --container || true)" != none ]; then
		expect_match '"rule": "BRIG-V001"' "$out"
	else
		expect_no_match '"rule": "BRIG-V001"' "$out"
	fi
}

test_virt_markers () {
	fake_root
	facts=$(brig host --facts --root "$R")
	expect_eq none "$(fact virt)" "no marker"
	run_status st brig host --root "$R" --docker-config none
	expect_eq 0 "$st" "a healthy VM-less fake: $out"
	for m in "openvz proc/vz" "podman run/.containerenv" "docker .dockerenv" "lxc dev/.lxc"; do
		set -- $m
		rm -rf "$R/proc/vz" "$R/run/.containerenv" "$R/.dockerenv" "$R/dev"
		mkdir -p "$(dirname "$R/$2")"
		if [ "$1" = openvz ]; then mkdir "$R/$2"; else touch "$R/$2"; fi
		facts=$(brig host --facts --root "$R")
		expect_eq "$1" "$(fact virt)" "marker $2"
		run_status st brig host --root "$R" --docker-config none
		expect_eq 1 "$st" "exit status with a shared kernel"
		expect_match "/$2:0:0: high BRIG-V001: this host is a $1 container" "$out"
	done
	rm -rf "$R/proc/vz" "$R/run/.containerenv" "$R/.dockerenv" "$R/dev"
	echo 6.6.87.2-microsoft-standard-WSL2 > "$R/proc/sys/kernel/osrelease"
	facts=$(brig host --facts --root "$R")
	expect_eq wsl "$(fact virt)"
	echo 6.1.0-28-amd64 > "$R/proc/sys/kernel/osrelease"
	echo lxc > "$R/run/systemd_container" 2>/dev/null; mkdir -p "$R/run/systemd"
	echo systemd-nspawn > "$R/run/systemd/container"
	facts=$(brig host --facts --root "$R")
	expect_eq systemd-nspawn "$(fact virt)"
	rm -rf "$R/run/systemd"
	# DMI: virtual machines are facts, not findings.
	for v in "Amazon EC2:amazon" "QEMU:qemu" "VMware, Inc.:vmware" "innotek GmbH:oracle" "Microsoft Corporation:none"; do
		printf '%s\n' "${v%%:*}" > "$R/sys/class/dmi/id/sys_vendor"
		facts=$(brig host --facts --root "$R")
		expect_eq "${v##*:}" "$(fact vm | cut -d' ' -f1)" "DMI ${v%%:*}"
		expect_eq "${v##*:}" "$(fact virt)"
	done
	rm "$R/sys/class/dmi/id/sys_vendor"
	mkdir "$R/proc/xen"
	facts=$(brig host --facts --root "$R")
	expect_eq xen "$(fact virt)"
	run_status st brig host --root "$R" --docker-config none
	expect_no_match BRIG-V001 "$out"
}

test_kernel_facts_agree_with_proc () {
	facts=$(brig host --facts --docker-host "unix://$WORK/no.sock")
	expect_eq "$(uname -r)" "$(fact kernel)"
	expect_eq "$(cat /proc/sys/user/max_user_namespaces)" "$(fact max-user-namespaces)"
	if grep -q '^Seccomp:' /proc/self/status; then expect_eq yes "$(fact seccomp)"; fi
	if [ -r /proc/sys/kernel/seccomp/actions_avail ]; then expect_eq yes "$(fact seccomp-filter)"; fi
	case "$(stat -f -c %T /sys/fs/cgroup)" in
	cgroup2fs) want=v2 ;;
	tmpfs) [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && want=hybrid || want=v1 ;;
	*) want=unknown ;;
	esac
	expect_eq "$want" "$(fact cgroup)"
	if grep -qw landlock /sys/kernel/security/lsm 2>/dev/null; then
		expect_match '^[1-9]' "$(fact landlock-abi)" "landlock ABI with landlock in the lsm list"
	fi
	run_status st brig host --format json --fail-on never --docker-host "unix://$WORK/no.sock"
	if [ "$want" = v2 ]; then expect_no_match BRIG-V004 "$out"; else expect_match '"rule": "BRIG-V004"' "$out"; fi
}

test_kernel_rules_on_a_fake_root () {
	fake_root
	echo 4.9.0-19-amd64 > "$R/proc/sys/kernel/osrelease"
	echo 0 > "$R/proc/sys/user/max_user_namespaces"
	printf 'Name:\tbash\nUid:\t0\n' > "$R/proc/self/status"
	run_status st brig host --root "$R" --docker-config none --fail-on medium
	expect_eq 1 "$st"
	expect_match "/proc/sys/user/max_user_namespaces:1:1: medium BRIG-V002" "$out"
	expect_match "host:kernel:0:0: high BRIG-V003: the kernel has no seccomp" "$out"
	expect_match "/proc/sys/kernel/osrelease:1:1: low BRIG-V005: kernel 4.9.0-19-amd64 has no idmapped" "$out"
	expect_match "/proc/sys/kernel/osrelease:1:1: medium BRIG-V007: kernel 4.9.0-19-amd64: 4.9 is not a longterm" "$out"
	# --severity hides what is below it; --fail-on counts what is shown.
	run_status st brig host --root "$R" --docker-config none --severity high --fail-on critical
	expect_eq 0 "$st"
	expect_match "^1 finding \(0 critical, 1 high, 0 medium, 0 low\)" "$out"
	run_status st brig host --root "$R" --docker-config none --fail-on bogus
	expect_eq 2 "$st"
	expect_match "expected low, medium, high or critical" "$out"
	# 5.4 is a longterm series past its end of life (2025-12-03).
	echo 5.4.0-150-generic > "$R/proc/sys/kernel/osrelease"
	printf 'Name:\tbash\nSeccomp:\t0\n' > "$R/proc/self/status"
	rm "$R/proc/sys/kernel/seccomp/actions_avail"
	run_status st brig host --root "$R" --docker-config none
	expect_match "BRIG-V007: kernel 5.4.0-150-generic: the 5.4 longterm series reached its upstream end of life on 2025-12-03" "$out"
	expect_match "/proc/self/status:2:1: high BRIG-V003: the kernel has seccomp but no filters" "$out"
	expect_match "low BRIG-V005: kernel 5.4.0-150-generic" "$out"
	# A maintained kernel: none of them.
	fake_root
	run_status st brig host --root "$R" --docker-config none
	expect_eq 0 "$st" "$out"
	expect_no_match "BRIG-V00[2357]" "$out"
}

test_daemon_json_by_the_daemon_rules () {
	fake_root
	printf '{\n  "icc": true,\n  "userns-remap": "default",\n  "seccomp-profile": "unconfined"\n}\n' > "$WORK/daemon.json"
	run_status st brig host --root "$R" --docker-config "$WORK/daemon.json"
	expect_eq 1 "$st"
	expect_match "$WORK/daemon.json:2:3: medium BRIG-H001: icc is true" "$out"
	expect_match "$WORK/daemon.json:4:3: high BRIG-H016" "$out"
	expect_no_match "BRIG-H008" "$out"
	printf '{ "icc": \n' > "$WORK/daemon.json"
	run_status st brig host --root "$R" --docker-config "$WORK/daemon.json"
	expect_eq 2 "$st" "a daemon.json brig cannot read: $out"
	# Without one, no daemon rule.
	run_status st brig host --root "$R" --docker-config none
	expect_no_match "BRIG-H" "$out"
	# A daemon.json that is not there is an error, not "none".
	run_status st brig host --root "$R" --docker-config "$WORK/none.json"
	expect_eq 2 "$st" "a missing daemon.json: $out"
	expect_eq "brig: --docker-config: \`$WORK/none.json\` (a daemon.json, or none): No such file or directory" "$out"
}

test_json_and_sarif () {
	fake_root
	touch "$R/.dockerenv"
	printf 'Name:\tbash\n' > "$R/proc/self/status"
	printf '{\n  "icc": true\n}\n' > "$WORK/daemon.json"
	brig host --root "$R" --docker-config "$WORK/daemon.json" --format json --fail-on never > "$WORK/h.json"
	brig host --root "$R" --docker-config "$WORK/daemon.json" --format sarif --fail-on never > "$WORK/h.sarif"
	python3 - "$WORK/h.json" "$WORK/h.sarif" "$WORK/daemon.json" <<'PY' || fail "$(cat "$WORK/h.json" "$WORK/h.sarif" | head -c 3000)"
import json, sys
j = json.load(open(sys.argv[1]))
rules = {f["rule"]: f for f in j["findings"]}
assert rules["BRIG-V001"]["file"] == "/.dockerenv", rules
assert rules["BRIG-V003"]["file"] == "host:kernel", rules
assert rules["BRIG-H001"]["file"] == sys.argv[3] and rules["BRIG-H001"]["line"] == 2, rules
run = json.load(open(sys.argv[2]))["runs"][0]
res = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in run["results"]}
assert res["BRIG-V001"]["artifactLocation"]["uri"] == "file:///.dockerenv", res
assert res["BRIG-V003"]["artifactLocation"]["uri"] == "host%3Akernel", res
assert "region" not in res["BRIG-V003"], res
assert res["BRIG-H001"]["region"]["startLine"] == 2, res
ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
assert {"BRIG-V001", "BRIG-V007", "BRIG-H001"} <= ids, ids
PY
	# The API's and the ruleset's findings too: pseudo-paths per container.
	fake_api
	docker_ruleset "$WORK/rules"
	mkdir -p "$R/etc/ufw" && echo ENABLED=yes > "$R/etc/ufw/ufw.conf"
	brig host --root "$R" --docker-config "$WORK/daemon.json" --docker-host "unix://$WORK/api/docker.sock" \
		--iptables-save "$WORK/rules" --format sarif --fail-on never > "$WORK/api.sarif"
	end_api
	python3 - "$WORK/api.sarif" <<'PY' || fail "$(head -c 3000 "$WORK/api.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run["results"]}
for want in [("BRIG-V014", "host%3Adocker/priv"), ("BRIG-V012", "host%3Adocker-api"), ("BRIG-V022", "host%3Adocker/priv")]:
    assert want in res, (want, res)
assert any(r == "BRIG-V021" and u.startswith("file:///") for r, u in res), res
PY
	sarif_validator
	node "$WORK/validate.js" "$WORK/npm" "$WORK/h.sarif" "$WORK/api.sarif" > "$WORK/v.out" 2>&1 ||
		fail "not valid SARIF 2.1.0: $(cat "$WORK/v.out")"
}

# An API socket that answers as dockerd would, from canned JSON: what this
# machine cannot run for real (--privileged, published ports).
fake_api () {
	mkdir -p "$WORK/api"
	cat > "$WORK/api/server.py" <<'PY'
import json, os, socket, sys
path = sys.argv[1]
info = {"ServerVersion": "99.0-fake", "SecurityOptions": ["name=apparmor"]}
ps = [{"Id": "a" * 64}, {"Id": "b" * 64}]
a = {"Name": "/priv", "Config": {"Image": "nginx:1"}, "Mounts": [{"Type": "bind", "Source": "/", "Destination": "/host"}],
     "HostConfig": {"Privileged": True, "NetworkMode": "default", "PidMode": "host", "CapAdd": None, "SecurityOpt": None,
                    "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}], "443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8443"}]}}}
b = {"Name": "/quiet", "Config": {"Image": "busybox"}, "Mounts": [],
     "HostConfig": {"Privileged": False, "NetworkMode": "none", "PidMode": "", "CapAdd": ["CAP_SYS_ADMIN"], "SecurityOpt": ["no-new-privileges"], "PortBindings": {}}}
routes = {"/info": info, "/containers/json": ps, "/containers/%s/json" % ("a" * 64): a, "/containers/%s/json" % ("b" * 64): b}
s = socket.socket(socket.AF_UNIX)
s.bind(path)
os.chmod(path, 0o666)
s.listen(8)
open(path + ".ready", "w").close()
while True:
    c, _ = s.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        d = c.recv(4096)
        if not d:
            break
        req += d
    p = req.split(b" ")[1].decode() if req.count(b" ") >= 2 else ""
    if p in routes:
        body = json.dumps(routes[p]).encode()
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + body)
    else:
        c.sendall(b"HTTP/1.0 404 Not Found\r\n\r\n{\"message\": \"no\"}")
    c.close()
PY
	python3 "$WORK/api/server.py" "$WORK/api/docker.sock" > "$WORK/api/log" 2>&1 &
	API_PID=$!
	for i in $(seq 50); do [ -e "$WORK/api/docker.sock.ready" ] && break; sleep 0.1; done
	[ -e "$WORK/api/docker.sock.ready" ] || fail "the fake API did not start: $(cat "$WORK/api/log")"
}

# End the fake API (a test's failure before this leaves it to lib_teardown).
end_api () { kill "$API_PID"; wait "$API_PID" 2> /dev/null || true; }

test_docker_api_fake () {
	fake_root
	fake_api
	mkdir -p "$R/etc"
	printf 'root:x:0:\ndaemon:x:1:\ndocker:x:999:alice,bob\n' > "$R/etc/group"
	printf 'root:x:0:0::/root:/bin/sh\ncarol:x:1001:999::/home/carol:/bin/sh\n' > "$R/etc/passwd"
	run_status st brig host --root "$R" --docker-config none --docker-host "unix://$WORK/api/docker.sock"
	end_api
	expect_eq 1 "$st" "$out"
	expect_match "$WORK/api/docker.sock:0:0: critical BRIG-V010: the Docker socket's mode is 0666" "$out"
	expect_match "/etc/group:3:1: medium BRIG-V011: in the docker group: alice, bob, carol;" "$out"
	expect_match "host:docker-api:0:0: high BRIG-V012: the running daemon \(99.0-fake\) reports no seccomp" "$out"
	expect_match "host:docker-api:0:0: medium BRIG-V013" "$out"
	expect_match "host:docker/priv:0:0: critical BRIG-V014: container priv \(nginx:1\) runs privileged" "$out"
	expect_match "host:docker/priv:0:0: critical BRIG-V015: container priv has / bound in: the host's whole filesystem" "$out"
	expect_match "host:docker/priv:0:0: high BRIG-V016: container priv shares the host's processes" "$out"
	expect_match "host:docker/priv:0:0: medium BRIG-V017: container priv publishes 0.0.0.0:8080->80/tcp on every address" "$out"
	expect_no_match "8443" "$out"
	expect_match "host:docker/quiet:0:0: medium BRIG-V018: container quiet was given CAP_SYS_ADMIN" "$out"
	expect_no_match "BRIG-V01[4-7]: container quiet" "$out"
	expect_no_match "BRIG-V019" "$out"
	# No daemon answering: the socket's facts stay, the API's are skipped.
	run_status st brig host --root "$R" --docker-config none --docker-host "unix://$WORK/api/docker.sock" --facts
	expect_match "docker-api: no \(connect to the Docker API socket" "$out"
}

test_docker_api_own_dockerd () {
	command -v dockerd > /dev/null || skip "docker.io is not installed"
	E=$WORK/d
	dockerd_start "$E" docker.sock
	tar -C "$TOP/build/share/images/busybox/rootfs" -c . | $D import - brigtest > /dev/null
	$D run -d --network none --name quiet brigtest sleep 60 > /dev/null
	$D run -d --network none --name tight --read-only --memory 64m --pids-limit 64 --security-opt no-new-privileges brigtest sleep 60 > /dev/null
	$D run -d --network none -v "$E/docker.sock:/var/run/docker.sock" --name sock brigtest sleep 60 > /dev/null
	$D run -d --network host --cap-add NET_ADMIN --security-opt seccomp=unconfined --name wide brigtest sleep 60 > /dev/null
	# brig host inside one of them: /.dockerenv, a shared kernel.
	inside=$($D run --rm --network none -v "$TOP/build/brig:/brig:ro" brigtest /brig host --facts --docker-host unix:///none)
	run_status st_in $D run --rm --network none -v "$TOP/build/brig:/brig:ro" brigtest /brig host --docker-host unix:///none
	out_in=$out
	run_status st brig host --docker-config none --docker-host "unix://$E/docker.sock" --format json --fail-on never
	facts=$(brig host --facts --docker-host "unix://$E/docker.sock")
	brig host --facts --format json --docker-host "unix://$E/docker.sock" > "$WORK/facts.json"
	dockerd_stop
	expect_eq 0 "$st"
	expect_match "^container: docker \(/.dockerenv exists\)" "$inside" "brig host inside a Docker container"
	expect_eq 1 "$st_in" "brig host's status inside a Docker container"
	expect_match "/.dockerenv:0:0: high BRIG-V001: this host is a docker container" "$out_in"
	expect_match "^[0-9]+\." "$(fact docker-api)" "the API version"
	expect_eq "seccomp=1 userns=0 rootless=0" "$(fact docker-security)"
	expect_eq "4" "$(printf '%s\n' "$facts" | grep -c '^docker-container: ')" "containers listed"
	printf '%s\n' "$out" > "$WORK/h.json"
	python3 - "$WORK/h.json" <<'PY' || fail "findings: $out"
import json, sys
got = {(f["rule"], f["file"]) for f in json.load(open(sys.argv[1]))["findings"]}
want = {("BRIG-V013", "host:docker-api"), ("BRIG-V015", "host:docker/sock"), ("BRIG-V016", "host:docker/wide"),
        ("BRIG-V018", "host:docker/wide"), ("BRIG-V019", "host:docker/wide")}
assert want <= got, want - got
quiet = {r for r, f in got if f == "host:docker/quiet"}
assert quiet == {"BRIG-V023", "BRIG-V024", "BRIG-V025"}, quiet
assert ("BRIG-V012", "host:docker-api") not in got, got
assert not any(f == "host:docker/tight" for _, f in got), got
PY
	python3 - "$WORK/facts.json" "$E/docker.sock" <<'PY' || fail "facts: $(cat "$WORK/facts.json")"
import json, sys
d = json.load(open(sys.argv[1]))["docker"]
assert d["api"] and d["socket"] == sys.argv[2] and d["seccomp"] and not d["userns"], d
c = {x["name"]: x for x in d["containers"]}
assert set(c) == {"quiet", "tight", "sock", "wide"}, c
assert c["tight"]["readonly_rootfs"] and c["tight"]["no_new_privileges"] and c["tight"]["memory"] == 64 << 20 and c["tight"]["pids_limit"] == 64, c["tight"]
assert sys.argv[2] in c["sock"]["binds"], c["sock"]
assert c["wide"]["host_network"] and c["wide"]["seccomp_unconfined"] and c["wide"]["cap_add"] == ["CAP_NET_ADMIN"], c["wide"]
assert not c["quiet"]["readonly_rootfs"] and c["quiet"]["memory"] == 0, c["quiet"]
PY
}

# A saved ruleset as Docker leaves it with icc on and a port published on
# every address (iptables-save's output).
docker_ruleset () {
	cat > "$1" <<'RULES'
# Generated by iptables-save v1.8.9 (nf_tables)
*nat
:PREROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER-USER -j RETURN
COMMIT
RULES
}

test_firewall_rules () {
	fake_root
	docker_ruleset "$WORK/rules"
	run_status st brig host --root "$R" --docker-config none --iptables-save "$WORK/rules"
	expect_match "$WORK/rules:14:1: low BRIG-V020: the DOCKER-USER chain has no rule" "$out"
	expect_match "$WORK/rules:17:1: medium BRIG-V021: traffic from docker0 to docker0 is accepted" "$out"
	expect_no_match "BRIG-V022" "$out"
	# A ruleset that cannot be read is an error, not a host without rules.
	run_status st brig host --root "$R" --docker-config none --iptables-save "$WORK/no-rules"
	expect_eq 2 "$st"
	expect_match "^brig: --iptables-save: \`$WORK/no-rules\`: No such file or directory$" "$out"
	# UFW on: the DNAT for every address bypasses it.
	mkdir -p "$R/etc/ufw"
	printf '# comment\nENABLED=yes\nLOGLEVEL=low\n' > "$R/etc/ufw/ufw.conf"
	run_status st brig host --root "$R" --docker-config none --iptables-save "$WORK/rules"
	expect_eq 1 "$st"
	expect_match "$WORK/rules:7:1: high BRIG-V022: UFW is on \(/etc/ufw/ufw.conf\) but Docker forwards port 8080 -> 172.17.0.2:80 from every address" "$out"
	# icc off, DOCKER-USER filtering, the port on one address: none of them.
	sed -i 's/-i docker0 -o docker0 -j ACCEPT/-i docker0 -o docker0 -j DROP/; s/^-A DOCKER-USER -j RETURN/-A DOCKER-USER -i eth0 -j DROP\n&/; s/^-A DOCKER ! -i docker0/-A DOCKER -d 127.0.0.1\/32 ! -i docker0/' "$WORK/rules"
	run_status st brig host --root "$R" --docker-config none --iptables-save "$WORK/rules"
	expect_eq 0 "$st" "$out"
	expect_no_match "BRIG-V02" "$out"
	# With the API: each container's open port, at the container.
	fake_api
	run_status st brig host --root "$R" --docker-config none --iptables-save "$WORK/rules" --docker-host "unix://$WORK/api/docker.sock"
	end_api
	expect_match "host:docker/priv:0:0: high BRIG-V022: UFW is on \(/etc/ufw/ufw.conf\) but container priv publishes 0.0.0.0:8080->80/tcp" "$out"
}

test_iptables_on_this_host () {
	command -v iptables-save > /dev/null || skip "iptables is not installed"
	[ "$(id -u)" = 0 ] || skip "iptables-save needs root"
	iptables-save > /dev/null 2>&1 || skip "iptables-save fails here"
	facts=$(brig host --facts --docker-host "unix://$WORK/no.sock")
	expect_match "^host:iptables-save docker-chains=" "$(fact iptables)"
	iptables-save > "$WORK/rules"
	want=0; grep -q '^:DOCKER' "$WORK/rules" && want=1
	expect_match "docker-chains=$want " "$(fact iptables)"
}

# Inside brig's own container there is no marker file: the user namespace
# says it is a container (systemd-detect-virt says none there).
test_inside_brig_run () {
	cp "$TOP/build/brig" "$IMG/brig"
	facts=$(brig run "$IMG" /brig host --facts --docker-host unix:///none)
	expect_match "^container-other \(a user namespace: /proc/self/uid_map maps 0 to [1-9]" "$(fact container)"
	run_status st brig run "$IMG" /brig host --docker-host unix:///none
	expect_eq 1 "$st"
	expect_match "/proc/self/uid_map:1:1: high BRIG-V001: this host is a container-other container" "$out"
	# On the host itself, no user namespace: no such finding.
	facts=$(brig host --facts --docker-host unix:///none)
	expect_no_match "user namespace" "$(fact container)"
}

test_podman_and_containerd_configs () {
	fake_root
	mkdir -p "$R/usr/share/containers" "$R/etc/containers" "$R/etc/containerd"
	# The distribution's file sets userns; /etc's overrides it and widens the rest.
	printf '[containers]\nuserns = "auto"\nlabel = true\n' > "$R/usr/share/containers/containers.conf"
	cat > "$R/etc/containers/containers.conf" <<'CONF'
# local settings
[containers]
seccomp_profile = "unconfined"
  apparmor_profile = "unconfined"   # for a test
label = false
default_capabilities = [
  "CHOWN",
  "CAP_SYS_ADMIN",
  "NET_RAW",
]
userns = "host"
[engine]
seccomp_profile = "ignored here"
CONF
	printf 'version = 2\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri"]\n    disable_apparmor = true\n' > "$R/etc/containerd/config.toml"
	run_status st brig host --root "$R" --docker-config none
	expect_eq 1 "$st"
	C=/etc/containers/containers.conf
	expect_match "$C:3:1: high BRIG-V030: seccomp_profile is \"unconfined\"" "$out"
	expect_match "$C:4:3: medium BRIG-V031" "$out"
	expect_match "$C:5:1: medium BRIG-V032: label is false" "$out"
	expect_match "$C:6:1: medium BRIG-V033: default_capabilities has SYS_ADMIN" "$out"
	expect_match "$C:6:1: medium BRIG-V033: default_capabilities has NET_RAW" "$out"
	expect_no_match "default_capabilities has CHOWN" "$out"
	expect_match "$C:11:1: medium BRIG-V034: userns is \"host\"" "$out"
	expect_match "/etc/containerd/config.toml:4:5: medium BRIG-V035: disable_apparmor is true" "$out"
	expect_eq 1 "$(printf '%s\n' "$out" | grep -c 'BRIG-V030')" "the [engine] key is not [containers]'"
	# Only the distribution's file, with userns auto: nothing.
	rm "$R/etc/containers/containers.conf" "$R/etc/containerd/config.toml"
	run_status st brig host --root "$R" --docker-config none
	expect_eq 0 "$st" "$out"
	expect_no_match "BRIG-V03" "$out"
	# No userns anywhere: at the last file read.
	printf '[containers]\nlabel = true\n' > "$R/usr/share/containers/containers.conf"
	run_status st brig host --root "$R" --docker-config none --fail-on never
	expect_match "/usr/share/containers/containers.conf:0:0: medium BRIG-V034: no userns" "$out"
	# Drop-ins, after the file of their directory, in byte order of their
	# names (10-a before 9-z), the later winning; only *.conf files.
	D=/etc/containers/containers.conf.d
	mkdir -p "$R$D/x.conf" "$R/usr/share/containers/containers.conf.d"
	printf '[containers]\n  seccomp_profile = "unconfined"\nuserns = "host"\n' > "$R$D/10-a.conf"
	printf '# last\n[containers]\nuserns = "auto"\n' > "$R$D/9-z.conf"
	printf '[containers]\nlabel = false\n' > "$R$D/README"
	printf '[containers]\nlabel = false\n' > "$R/usr/share/containers/containers.conf.d/50-dist.conf"
	printf '[containers]\nlabel = true\n' > "$R/etc/containers/containers.conf"
	run_status st brig host --root "$R" --docker-config none --fail-on never
	expect_match "$D/10-a.conf:2:3: high BRIG-V030: seccomp_profile is \"unconfined\"" "$out"
	expect_no_match "BRIG-V034" "$out"
	expect_no_match "BRIG-V032" "$out" "/etc's file comes after /usr/share's drop-ins; README is not one"
	expect_eq "$D/9-z.conf" "$(brig host --root "$R" --docker-config none --facts | sed -n 's/^podman-config: //p')"
	# A later drop-in undoes an earlier one's setting.
	printf '[containers]\nseccomp_profile = "/usr/share/containers/seccomp.json"\n' > "$R$D/99-fix.conf"
	run_status st brig host --root "$R" --docker-config none --fail-on never
	expect_no_match "BRIG-V030" "$out"
}

# CIS sections 3 and 1.1: owners and modes of Docker's files, and the
# audit rules that watch them, on a fake tree.
test_docker_files_and_audit_rules () {
	fake_root
	mkdir -p "$R/usr/bin" "$R/lib/systemd/system" "$R/etc/docker/tls" "$R/etc/docker/certs.d/reg:5000" "$R/var/lib/docker"
	: > "$R/usr/bin/dockerd"
	printf '[Service]\n' > "$R/lib/systemd/system/docker.service"
	chmod 0666 "$R/lib/systemd/system/docker.service"
	printf '{"tlscacert": "/etc/docker/tls/ca.pem", "tlskey": "/etc/docker/tls/key.pem", "icc": false}\n' > "$R/etc/docker/daemon.json"
	: > "$R/etc/docker/tls/ca.pem"; chmod 0444 "$R/etc/docker/tls/ca.pem"
	: > "$R/etc/docker/tls/key.pem"; chmod 0640 "$R/etc/docker/tls/key.pem"
	: > "$R/etc/docker/certs.d/reg:5000/ca.crt"; chmod 0644 "$R/etc/docker/certs.d/reg:5000/ca.crt"
	chown 65534 "$R/etc/docker"
	run_status st brig host --root "$R" --fail-on never
	expect_match "docker.service:0:0: medium BRIG-V040: .*docker.service has mode 0666, more than 0644 \(CIS Docker 3.1, 3.2\)" "$out"
	expect_match "BRIG-V040: .*/etc/docker belongs to 65534:0, not root:root \(CIS Docker 3.5, 3.6\)" "$out"
	expect_match "BRIG-V040: .*key.pem has mode 0640, more than 0400 \(CIS Docker 3.13, 3.14\)" "$out"
	expect_match "BRIG-V040: .*reg:5000/ca.crt has mode 0644, more than 0444 \(CIS Docker 3.7, 3.8\)" "$out"
	expect_no_match "ca.pem has|daemon.json has|daemon.json belongs" "$out"
	expect_match "host:auditd:0:0: low BRIG-V041: no audit rules .*: /usr/bin/dockerd, /var/lib/docker, /etc/docker, /lib/systemd/system/docker.service, /etc/docker/daemon.json$" "$out"
	# Rules in rules.d: a watch, a dir= tree and an exact path=.
	mkdir -p "$R/etc/audit/rules.d"
	cat > "$R/etc/audit/rules.d/docker.rules" <<'RULES'
# docker
-w /usr/bin/dockerd -p wa -k docker
-a always,exit -F dir=/var/lib/docker/ -F perm=wa -k docker
-a always,exit -F path=/etc/docker/daemon.json -F perm=wa -k docker
# -w /etc/docker -k docker
RULES
	run_status st brig host --root "$R" --fail-on never
	A=/etc/audit/rules.d/docker.rules
	expect_match "$A:0:0: low BRIG-V041: /etc/docker is not watched by auditd \(CIS Docker 1.1.6\)" "$out"
	expect_match "$A:0:0: low BRIG-V041: /lib/systemd/system/docker.service is not watched by auditd \(CIS Docker 1.1.7\)" "$out"
	expect_no_match "V041: (/usr/bin/dockerd|/var/lib/docker|/etc/docker/daemon.json) is not|no audit rules" "$out"
	# Put right: nothing of either rule.
	chmod 0644 "$R/lib/systemd/system/docker.service" "$R/etc/docker/tls/key.pem"
	chmod 0400 "$R/etc/docker/tls/key.pem"; chmod 0444 "$R/etc/docker/certs.d/reg:5000/ca.crt"
	chown 0 "$R/etc/docker"
	printf -- '-w /etc/docker -k docker\n-w /lib/systemd/system/docker.service -k docker\n' > "$R/etc/audit/audit.rules"
	run_status st brig host --root "$R" --fail-on never
	expect_no_match "BRIG-V04[01]" "$out"
	# Without dockerd or containerd, no watches are asked for.
	rm "$R/usr/bin/dockerd" "$R/etc/audit/audit.rules"
	run_status st brig host --root "$R" --fail-on never
	expect_no_match "BRIG-V041" "$out"
	facts=$(brig host --root "$R" --facts)
	expect_match "^docker-file: $R/etc/docker 0:0 0755$" "$facts"
}

# The running dockerd's flags count as daemon.json's: the one serving the
# socket (fd:// is the default one), and its --config-file.
test_dockerd_flags_over_daemon_json () {
	fake_root
	mkdir -p "$R/proc/4242" "$R/proc/4300" "$R/etc/docker"
	echo dockerd > "$R/proc/4242/comm"
	printf 'dockerd\0-H\0fd://\0--icc=false\0--containerd=/run/containerd/containerd.sock\0--userns-remap\0default\0--iptables=false\0--default-ulimit\0nofile=1024:2048\0--config-file\0/etc/docker/custom.json\0' > "$R/proc/4242/cmdline"
	echo dockerd > "$R/proc/4300/comm"
	printf 'dockerd\0-H\0unix:///other.sock\0--icc\0--debug\0' > "$R/proc/4300/cmdline"
	printf '{"live-restore": true, "icc": true}\n' > "$R/etc/docker/custom.json"
	printf '{"log-level": "debug"}\n' > "$R/etc/docker/daemon.json"
	run_status st brig host --root "$R" --fail-on never
	C=$R/proc/4242/cmdline
	expect_match "^dockerd-flags: $C$" "$(brig host --root "$R" --facts)"
	expect_match "$C:1:[0-9]+: medium BRIG-H[0-9]+: iptables is false" "$out"
	expect_no_match "icc is true|no \"icc\"|no \"live-restore\"|no default-ulimits|userns-remap|log-level is|debug is true" "$out"
	expect_match "custom.json" "$out"
	# The column is the flag's byte in the file, counted from 1.
	col=$(( $(printf 'dockerd\0-H\0fd://\0--icc=false\0--containerd=/run/containerd/containerd.sock\0--userns-remap\0default\0' | wc -c) + 1 ))
	expect_match "$C:1:$col: medium BRIG-H[0-9]+: iptables is false" "$out"
	# A socket no dockerd serves: daemon.json alone.
	run_status st brig host --root "$R" --docker-host unix:///nowhere.sock --fail-on never
	expect_match "log-level is \"debug\"" "$out"
	expect_no_match "cmdline" "$out"
	# The other daemon's flags, for its socket; a bad boolean is an error at its place.
	run_status st brig host --root "$R" --docker-host unix:///other.sock --fail-on never
	expect_match "$R/proc/4300/cmdline:1:[0-9]+: .*debug is true" "$out"
	printf 'dockerd\0--icc=maybe\0' > "$R/proc/4242/cmdline"
	run_status st brig host --root "$R" --fail-on never
	expect_eq 2 "$st" "$out"
	expect_match "$C:1:15: --icc=maybe: expected true or false" "$out"
}

# Unprivileged: the same virtualisation and kernel facts; iptables-save is
# not run (it needs root), and nothing is an error.
test_unprivileged () {
	facts=$(brig host --facts --docker-host unix:///none)
	want=$(printf '%s\n' "$facts" | grep -E '^(virt|vm|kernel|cgroup|seccomp|seccomp-filter|max-user-namespaces|landlock-abi):')
	facts=$(as_nobody "$BRIG" host --facts --docker-host unix:///none)
	got=$(printf '%s\n' "$facts" | grep -E '^(virt|vm|kernel|cgroup|seccomp|seccomp-filter|max-user-namespaces|landlock-abi):')
	expect_eq "$want" "$got" "facts as nobody"
	expect_no_match "^iptables:" "$facts"
	run_status st as_nobody "$BRIG" host --docker-host unix:///none --fail-on never
	expect_eq 0 "$st" "$out"
	expect_no_match "errors?: [1-9]|; [1-9][0-9]* errors" "$out"
}

# Podman's running containers through its own API (podman system service,
# started here): judged as Docker's are, at host:podman/NAME.  UFW is
# "on" by its file in the fake root (that is how brig host reads it).  A
# port of slirp4netns is a listener of its own, which UFW sees: V017, not
# V022; a port on Podman's bridge (netavark's DNAT) goes past UFW: both.
test_podman_api () {
	fake_root
	mkdir -p "$R/etc/ufw"
	printf 'ENABLED=yes\n' > "$R/etc/ufw/ufw.conf"
	runc_wrap "$WORK/wrap"
	podman_start "$WORK/p"
	podman_service
	read -r p1 p2 p3 <<< "$(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("0.0.0.0", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')"
	$P run -d --network slirp4netns --name slirp -p "0.0.0.0:$p1:80" -p "127.0.0.1:$p2:80" \
		--read-only --memory 64m --security-opt no-new-privileges brigtest sleep 60 > /dev/null
	${P/--runtime runc/--runtime $WORK/wrap/runc-wrap} run -d --network none --name priv --privileged \
		-v /:/host:ro brigtest sleep 60 > /dev/null
	bridge=yes
	$P run -d --name bridged -p "$p3:80" brigtest sleep 60 > "$WORK/bridged.log" 2>&1 || bridge=no
	[ $bridge = yes ] || echo "REPORT: Podman's bridge network does not start here ($(tail -1 "$WORK/bridged.log")): its NAT port not checked"
	H="brig host --root $R --docker-config none --docker-host unix:///none --podman-host unix://$PODMAN_DIR/podman.sock"
	facts=$($H --facts)
	expect_match "^podman-container: slirp localhost/brigtest:latest$" "$facts"
	expect_match "^podman-container: priv localhost/brigtest:latest$" "$facts"
	expect_eq true "$($H --facts --format json | jq '.podman.api and (.podman.containers | any(.name == "slirp" and .nat == false))')"
	run_status st $H
	expect_eq 1 "$st" "$out"
	expect_match "host:podman/slirp:0:0: medium BRIG-V017: container slirp publishes 0.0.0.0:$p1->80/tcp on every address of the host$" "$out"
	expect_no_match "$p2" "$out"
	expect_no_match "host:podman/slirp:.*BRIG-V0(14|15|16|18|19|22|23|24|25)" "$out"
	expect_match "host:podman/priv:0:0: critical BRIG-V014: container priv \(localhost/brigtest:latest\) runs privileged" "$out"
	expect_match "host:podman/priv:0:0: critical BRIG-V015: container priv has / bound in" "$out"
	if [ $bridge = yes ]; then
		expect_match "host:podman/bridged:0:0: medium BRIG-V017: container bridged publishes 0.0.0.0:$p3->80/tcp on every address of the host; Podman's NAT rules let it past UFW and firewalld" "$out"
		expect_match "host:podman/bridged:0:0: high BRIG-V022: UFW is on \(/etc/ufw/ufw.conf\) but container bridged publishes 0.0.0.0:$p3->80/tcp: Podman's NAT rules come before UFW's" "$out"
	fi
	# $CONTAINER_HOST names it too; a socket that does not answer is said.
	expect_match "^podman-container: slirp" "$(CONTAINER_HOST=unix://$PODMAN_DIR/podman.sock brig host --root "$R" --docker-config none --docker-host unix:///none --facts)"
	facts=$(brig host --root "$R" --docker-config none --docker-host unix:///none --podman-host "$WORK/nothing" --facts)
	expect_no_match "^podman-container" "$facts"
	expect_eq "no (\`$WORK/nothing\`: not a socket)" "$(fact podman-api)"
	run_status st brig host --podman-host tcp://x:1
	expect_eq 2 "$st"
	expect_match "^brig: --podman-host: \`tcp://x:1\`: expected unix:///PATH or /PATH" "$out"
	podman_stop
}

# nftables only: a ruleset in a table of the test's own (removed after,
# however the test ends; no other table is touched), read with
# `nft -j list ruleset` because iptables-save shows nothing of Docker's.
# Its chains are not hooked: no packet passes through them.
test_nftables_ruleset () {
	command -v nft > /dev/null || skip "nftables is not installed"
	[ "$(id -u)" = 0 ] || skip "nft needs root"
	command -v jq > /dev/null || skip "jq is not installed"
	if command -v iptables-save > /dev/null && iptables-save 2> /dev/null | grep -q '^:DOCKER'; then
		skip "iptables-save shows Docker's chains here: brig reads those, not nftables"
	fi
	nft -j list ruleset | jq -e '[.nftables[] | .chain.name // empty | select(startswith("DOCKER"))] == []' > /dev/null ||
		skip "another table already has DOCKER chains"
	T=brig_it_$$
	trap "nft delete table ip $T 2> /dev/null || true; lib_teardown" EXIT
	nft -f - <<-NFT
	table ip $T {
		chain DOCKER-USER {
		}
		chain DOCKER {
			iifname != "docker0" tcp dport 8080 dnat to 172.17.0.2:80
		}
		chain DOCKER-FORWARD {
			iifname "docker0" oifname "docker0" accept
		}
	}
	NFT
	pos () { nft -j list ruleset | jq "[.nftables[] | $1] | index(true) + 1"; }
	user=$(pos '.chain.table == "'$T'" and .chain.name == "DOCKER-USER"')
	icc=$(pos '.rule.table == "'$T'" and .rule.chain == "DOCKER-FORWARD"')
	H="brig host --docker-config none --docker-host unix:///none --fail-on never"
	facts=$($H --facts)
	expect_eq "host:nft docker-chains=1 docker-user-rules=0" "$(fact iptables)"
	run_status st $H
	expect_match "host:nft:$user:1: low BRIG-V020: the DOCKER-USER chain has no rule" "$out"
	expect_match "host:nft:$icc:1: medium BRIG-V021: traffic from docker0 to docker0 is accepted" "$out"
	# A rule in DOCKER-USER, icc dropped: neither.
	nft add rule ip $T DOCKER-USER iifname "eth0" drop
	nft insert rule ip $T DOCKER-FORWARD iifname "docker0" oifname "docker0" drop
	facts=$($H --facts)
	expect_eq "host:nft docker-chains=1 docker-user-rules=1" "$(fact iptables)"
	run_status st $H
	expect_no_match "BRIG-V02[01]" "$out"
	nft delete table ip $T
	expect_eq "" "$(nft list tables | grep -w "$T" || true)" "the test's table is gone"
}
