# brig run's networking: -p/--publish through the userspace forwarder,
# with real traffic.  Every test runs in a network namespace of its own
# (made here, loopback only), so ports never meet the host's or another
# test's.

# Containers in the background are started with "$BRIG" itself, not the
# brig function, so that $! is brig's pid.
# in_netns FUNCTION: run FUNCTION (and every function of this file) in a new
# network namespace with its loopback up.
in_netns () {
	cp "$TOP/build/tests/tnet" "$IMG/bin/tnet"
	IMG=$IMG NOBODY_UID=$NOBODY_UID before_cgroups=$before_cgroups unshare --net bash -c "set -eu; ip link set lo up
		trap 'for p in \$(jobs -p); do kill -KILL \$p 2>/dev/null; done; wait' EXIT
		$(declare -f); $1"
}

# wait_answer CMD...: retry CMD until it prints something (the server in
# the container may not listen yet when brig has bound the host's port).
wait_answer () {
	local i a
	for i in $(seq 100); do
		a=$("$@" 2>/dev/null) && [ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.1
	done
	return 1
}

tcp_default_loopback () {
	"$BRIG" run --init -p 18080:8080 ./img sh -c \
		'echo hello-from-httpd > /tmp/index.html; exec httpd -f -p 127.0.0.1:8080 -h /tmp' &
	local pid=$!
	expect_eq hello-from-httpd "$(wait_answer busybox wget -qO- http://127.0.0.1:18080/index.html)" "over 127.0.0.1"
	expect_eq hello-from-httpd "$(busybox wget -qO- 'http://[::1]:18080/index.html')" "over ::1"
	# Bound to loopback only, never to every interface.
	local ls
	ls=$(ss -Hltn 'sport = :18080' | awk '{print $4}' | sort | tr '\n' ' ')
	expect_eq "127.0.0.1:18080 [::1]:18080 " "$ls" "listening sockets"
	kill -TERM $pid
	wait $pid || true
	# The forwarder went with the container.
	expect_eq "" "$(ss -Hltn 'sport = :18080')" "listening after exit"
	expect_nothing_left
}
test_publish_tcp_binds_loopback_only () { in_netns tcp_default_loopback; }

bulk_integrity () {
	# 64 MB through the forwarder, checked byte for byte.
	"$BRIG" run --init -p 19000:9000 ./img tnet source 9000 67108864 &
	local pid=$! got
	got=$(wait_answer sh -c '"$1" recv 127.0.0.1 19000 | awk "\$1 == 67108864"' sh "$TOP/build/tests/tnet")
	expect_match "^67108864 " "$got" "bytes received"
	# The content too: what the container sends is what arrives.
	python3 - <<'PY'
import socket, hashlib
s = socket.create_connection(("127.0.0.1", 19000))
h, n = hashlib.sha256(), 0
while True:
    b = s.recv(1 << 20)
    if not b:
        break
    h.update(b); n += len(b)
pattern = bytes(ord('a') + i % 26 for i in range(1 << 18))
w = hashlib.sha256()
left = 67108864
while left:
    k = min(left, len(pattern)); w.update(pattern[:k]); left -= k
assert n == 67108864 and h.digest() == w.digest(), (n, "content differs")
PY
	kill -TERM $pid
	wait $pid || true
}
test_publish_bulk_tcp_arrives_intact () { in_netns bulk_integrity; }

echo_both_ways () {
	# Many connections at once, both directions, with half-close.
	"$BRIG" run --init -p 19001:9001 ./img tnet echo 9001 &
	local pid=$! i
	expect_eq ping "$(wait_answer "$TOP/build/tests/tnet" send 127.0.0.1 19001 ping)" "echo"
	for i in $(seq 20); do
		"$TOP/build/tests/tnet" send 127.0.0.1 19001 "message-$i" > "$WORK/echo.$i" &
	done
	wait $(jobs -p | grep -v "^$pid\$")
	for i in $(seq 20); do
		expect_eq "message-$i" "$(cat "$WORK/echo.$i")" "connection $i"
	done
	expect_match "^1000 " "$("$TOP/build/tests/tnet" pingpong 127.0.0.1 19001 1000)" "ping-pong"
	kill -TERM $pid
	wait $pid || true
}
test_publish_tcp_echo_many_connections () { in_netns echo_both_ways; }

udp_relay () {
	"$BRIG" run --init -p 15353:5353/udp ./img tnet udp-echo 5353 &
	local pid=$!
	expect_eq hello-udp "$(wait_answer "$TOP/build/tests/tnet" udp-ask 127.0.0.1 15353 hello-udp)" "udp echo"
	expect_eq again "$("$TOP/build/tests/tnet" udp-ask ::1 15353 again)" "udp over ::1"
	# TCP on the same number is not published.
	run_status st "$TOP/build/tests/tnet" send 127.0.0.1 15353 x
	expect_eq 1 "$st" "tcp on a udp-only port"
	kill -TERM $pid
	wait $pid || true
}
test_publish_udp () { in_netns udp_relay; }

explicit_all_interfaces () {
	"$BRIG" run --init -p 0.0.0.0:18081:8080 ./img sh -c \
		'echo everywhere > /tmp/index.html; exec httpd -f -p 8080 -h /tmp' &
	local pid=$!
	expect_eq everywhere "$(wait_answer busybox wget -qO- http://127.0.0.1:18081/index.html)" "answer"
	expect_eq "0.0.0.0:18081" "$(ss -Hltn 'sport = :18081' | awk '{print $4}')" "bound to every interface"
	kill -TERM $pid
	wait $pid || true
	grep -q '"kind":"publish","detail":"0.0.0.0:18081:8080/tcp"' "$BRIG_STATE_DIR/audit.log" ||
		fail "no audit entry for 0.0.0.0: $(cat "$BRIG_STATE_DIR/audit.log")"
}
test_publish_all_interfaces_is_explicit_and_audited () { in_netns explicit_all_interfaces; }

loopback_not_audited () {
	brig run -p 127.0.0.1:18082:80 -p 18083:80 ./img true
	if grep -q '"kind":"publish"' "$BRIG_STATE_DIR/audit.log"; then
		fail "a loopback port was logged as a relaxation"
	fi
}
test_publish_loopback_is_not_a_relaxation () { in_netns loopback_not_audited; }

port_in_use () {
	python3 -c 'import socket,time,sys
s=socket.socket(); s.bind(("127.0.0.1",18084)); s.listen(); print("bound", flush=True); time.sleep(30)' > "$WORK/holder" &
	local holder=$!
	for _ in $(seq 50); do grep -q bound "$WORK/holder" && break; sleep 0.1; done
	run_status st brig run -p 18084:80 ./img true
	kill $holder
	expect_eq 125 "$st" "exit status"
	expect_match "publish 18084:80/tcp: bind 127.0.0.1:18084: Address already in use" "$out"
	expect_nothing_left
}
test_publish_port_in_use_fails_cleanly () { in_netns port_in_use; }

test_publish_bad_values () {
	local spec want
	while IFS='|' read -r spec want; do
		run_status st brig run -p "$spec" ./img true
		expect_eq 125 "$st" "-p $spec"
		expect_match "$want" "$out" "-p $spec"
	done <<'EOF'
80|brig needs a host port
127.0.0.1::80|brig needs a host port
0:80|host port `0` is not a port
8080:70000|container port `70000` is not a port
8080:80/sctp|unknown protocol `sctp`
::1:8080:80|IPv6 goes in brackets
[::1:8080:80|bad IPv6 address
8000-8002:80-81|host range has 3 ports and the container range 2
localhost:8080:80|not a numeric IPv4 address
EOF
	run_status st brig run -p 8080:80 -p 8080:81 ./img true
	expect_match "host port 8080/tcp is published twice" "$out"
	expect_nothing_left
}

rootless_publish () {
	chmod -R a+rX "$IMG"
	NOBODY_UID=65534 as_nobody sh -c 'echo $$ > "$HOME/brig.pid"; exec "$@"' sh \
		"$BRIG" run -p 18085:9000 ./img tnet source 9000 1000000 &
	expect_match "^1000000 " "$(wait_answer sh -c '"$1" recv 127.0.0.1 18085 | awk "\$1 == 1000000"' sh "$TOP/build/tests/tnet")"
	local pid
	pid=$(cat "$WORK/nobody/brig.pid")
	# tnet is PID 1 (no --init) and has no handler: asked twice, brig kills.
	kill -TERM $pid
	sleep 0.2
	kill -TERM $pid 2>/dev/null || true
	wait || true
	expect_eq "" "$(ss -Hltn 'sport = :18085')" "listening after exit"
}
test_publish_rootless () { in_netns rootless_publish; }

forwarder_unprivileged () {
	"$BRIG" run --init -p 18086:9000 ./img tnet echo 9000 &
	local pid=$! p fwd=""
	wait_answer "$TOP/build/tests/tnet" send 127.0.0.1 18086 x > /dev/null
	# The forwarder: brig's child in the container's network namespace
	# that is not the container.
	cpid=$(container_pid)
	for p in $(pgrep -P $pid); do
		[ "$p" = "$cpid" ] && continue
		[ "$(readlink /proc/$p/ns/net)" = "$(readlink /proc/$cpid/ns/net)" ] && fwd=$p
	done
	[ -n "$fwd" ] || fail "no forwarder in the container's network namespace"
	expect_eq 0000000000000000 "$(status_field CapEff < /proc/$fwd/status)" "forwarder CapEff"
	expect_eq 0000000000000000 "$(status_field CapPrm < /proc/$fwd/status)" "forwarder CapPrm"
	expect_eq 1 "$(status_field NoNewPrivs < /proc/$fwd/status)" "forwarder NoNewPrivs"
	expect_eq "$(readlink /proc/$cpid/ns/user)" "$(readlink /proc/$fwd/ns/user)" "forwarder user namespace"
	kill -TERM $pid
	wait $pid || true
	[ ! -d /proc/$fwd ] || fail "the forwarder outlived the container"
}
test_publish_forwarder_holds_no_privilege () { in_netns forwarder_unprivileged; }

killed_brig () {
	"$BRIG" run -p 18087:9000 ./img tnet echo 9000 &
	local pid=$! fwd
	wait_answer "$TOP/build/tests/tnet" send 127.0.0.1 18087 x > /dev/null
	kill -KILL $pid
	wait $pid || true
	for _ in $(seq 50); do [ -z "$(ss -Hltn 'sport = :18087')" ] && break; sleep 0.1; done
	expect_eq "" "$(ss -Hltn 'sport = :18087')" "port still bound after brig was killed"
}
test_publish_forwarder_dies_with_brig () { in_netns killed_brig; }

host_network () {
	local mine
	mine=$(readlink /proc/self/ns/net)
	run_status st brig run --network host ./img readlink /proc/self/ns/net
	expect_eq 125 "$st" "refused by default"
	expect_match 'refused by policy rule BRIG-C002 .*"BRIG-C002": "audit"' "$out"
	expect_nothing_left
	echo '{"rules": {"BRIG-C002": "audit"}}' > "$WORK/policy.json"
	out=$(BRIG_POLICY=$WORK/policy.json brig run --network host ./img readlink /proc/self/ns/net)
	expect_eq "$mine" "$out" "the host's network namespace"
	grep -q '"rule":"BRIG-C002","action":"audit"' "$BRIG_STATE_DIR/audit.log" ||
		fail "no policy decision logged: $(cat "$BRIG_STATE_DIR/audit.log")"
	[ "$mine" != "$(brig run ./img readlink /proc/self/ns/net)" ] || fail "the default shares the network"
	run_status st env BRIG_POLICY=$WORK/policy.json "$BRIG" run --network host -p 18090:80 ./img true
	expect_match "publish nothing" "$out"
}
test_network_host_refused_by_default_allowed_by_policy () { in_netns host_network; }

test_network_container_refused_by_default () {
	"$BRIG" run --name peer ./img sleep 30 &
	local pid=$!
	container_pid > /dev/null
	run_status st brig run --network container:peer ./img true
	kill -TERM $pid; sleep 0.2; kill -TERM $pid 2>/dev/null || true
	wait $pid || true
	expect_eq 125 "$st"
	expect_match 'refused by policy rule BRIG-C017 .*"BRIG-C017": "audit"' "$out"
	run_status st brig run --network container:nosuch ./img true
	expect_match "no running container .nosuch." "$out"
	run_status st brig run --network bogus ./img true
	expect_match "unknown network .bogus.: expected none" "$out"
}

# /etc/hostname, /etc/hosts and /etc/resolv.conf: written by brig, read-only.
test_etc_files_generated_read_only () {
	run_status st brig run --hostname web --add-host db:10.0.0.5 --add-host 'v6:[2001:db8::1]' \
		--dns 192.0.2.53 --dns 2001:db8::53 --dns-search example.org --dns-option ndots:2 \
		./img sh -c 'cat /etc/hostname /etc/hosts /etc/resolv.conf; echo x > /etc/hosts && echo WROTE; grep -c " /etc/\(hosts\|hostname\|resolv.conf\) ro,nosuid,nodev,noexec" /proc/self/mountinfo'
	expect_eq 0 "$st" "$out"
	expect_match "^web$" "$out"
	expect_match "^127.0.0.1	localhost$" "$out"
	expect_match "^127.0.1.1	web$" "$out"
	expect_match "^10.0.0.5	db$" "$out"
	expect_match "^2001:db8::1	v6$" "$out"
	expect_match "^nameserver 192.0.2.53$" "$out"
	expect_match "^nameserver 2001:db8::53$" "$out"
	expect_match "^search example.org$" "$out"
	expect_match "^options ndots:2$" "$out"
	expect_no_match "WROTE" "$out"
	expect_match "^3$" "$out"
	# By default: the host's name servers but those on its loopback.
	want=$(awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" {print $2}' /etc/resolv.conf 2>/dev/null | paste -sd' ')
	out=$(brig run ./img sh -c 'awk "\$1 == \"nameserver\" {print \$2}" /etc/resolv.conf | paste -sd" "')
	expect_eq "$want" "$out" "the host's name servers"
	# A volume on one of them wins; the image got empty mount points only.
	printf '10.9.9.9\tmine\n' > "$WORK/myhosts"
	out=$(brig run -v "$WORK/myhosts:/etc/hosts" ./img cat /etc/hosts)
	expect_eq "$(printf '10.9.9.9\tmine')" "$out" "a volume on /etc/hosts"
	expect_eq 0 "$(stat -c %s "$IMG/etc/hosts")" "the image's /etc/hosts"
	# Bad values.
	local flag want_msg
	while IFS='|' read -r flag want_msg; do
		run_status st brig run $flag ./img true
		expect_eq 125 "$st" "$flag"
		expect_match "$want_msg" "$out" "$flag"
	done <<'BAD'
--add-host db|--add-host `db`: expected NAME:IP
--add-host db:10.0.0|--add-host `db:10.0.0`: expected NAME:IP
--add-host b_d:10.0.0.1|is not a host name
--dns 10.0.0|--dns: `10.0.0` is not a numeric IPv4 or IPv6 address
--dns-search a..b|--dns-search `a..b`: expected a domain name
BAD
	run_status st brig run --dns-option '' ./img true
	expect_match "dns-option \`\`: expected one resolv.conf option" "$out"
	expect_nothing_left
}

# --network private: outbound through slirp4netns to an address of the
# test's own network namespace (a veth pair, no internet); the
# host's loopback services and the other private containers stay out of
# reach.
private_network () {
	ip link add v0 type veth peer name v1
	ip addr add 192.0.2.1/24 dev v0
	ip link set v0 up
	ip link set v1 up
	python3 - <<'PY' &
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 9000)); s.listen(8)
while True:
    c, _ = s.accept(); c.sendall(b"hello-outside\n"); c.close()
PY
	sleep 0.5
	run_status st brig run --network private ./img sh -c 'ip -4 -o addr show tap0; cat /etc/resolv.conf; nc -w 3 192.0.2.1 9000 </dev/null; echo "host loopback:"; nc -w 3 10.0.2.2 9000 </dev/null || echo refused'
	expect_eq 0 "$st" "$out"
	expect_match "inet 10.0.2.100/24" "$out"
	expect_match "^nameserver 10.0.2.3$" "$out"
	expect_match "^hello-outside$" "$out"
	expect_match "^refused$" "$out"
	expect_eq 1 "$(printf '%s\n' "$out" | grep -c hello-outside)" "only the outside address answered"
	# Two private containers: each is 10.0.2.100 in a stack of its own.
	"$BRIG" run --init --network private ./img sh -c 'echo from-a | nc -l -p 8080' &
	local a=$!
	sleep 1
	run_status st brig run --network private ./img sh -c 'nc -w 2 10.0.2.100 8080 </dev/null || echo unreachable'
	expect_match "^unreachable$" "$out"
	kill -TERM $a 2>/dev/null
	wait $a 2>/dev/null || true
	expect_eq "" "$(pgrep -x slirp4netns || true)" "slirp4netns left running"
	# The relaxation is in the audit log.
	grep -q '"kind":"network","detail":"private"' "$BRIG_STATE_DIR/audit.log" ||
		fail "no audit entry for --network private: $(cat "$BRIG_STATE_DIR/audit.log")"
}
test_network_private_outbound_only () {
	command -v slirp4netns > /dev/null || skip "slirp4netns is not installed"
	in_netns private_network
}

# Unprivileged, the same: slirp4netns runs in the container's user
# namespace (its sandbox needs root there).  It opens /dev/net/tun as the
# caller: Debian makes the node 0666; a host that made it 0600 (this test
# VM) gets it opened for the test and then restored.
rootless_private_network () {
	ip link add v0 type veth peer name v1
	ip addr add 192.0.2.1/24 dev v0
	ip link set v0 up
	ip link set v1 up
	python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 9000)); s.listen(8)
while True:
    c, _ = s.accept(); c.sendall(b"hello-outside\n"); c.close()' &
	for i in $(seq 50); do [ -n "$(ss -Hltn 'sport = :9000')" ] && break; sleep 0.1; done
	chmod -R a+rX "$IMG"
	local mode
	mode=$(stat -c %a /dev/net/tun)
	chmod 600 /dev/net/tun
	run_status st as_nobody "$BRIG" run --network private ./img true
	expect_eq 125 "$st" "/dev/net/tun 0600: $out"
	expect_match "/dev/net/tun must be readable and writable by the user who runs brig" "$out"
	chmod 666 /dev/net/tun
	run_status st as_nobody "$BRIG" run --network private ./img sh -c 'ip -4 -o addr show tap0; nc -w 3 192.0.2.1 9000 </dev/null'
	chmod "$mode" /dev/net/tun
	expect_eq 0 "$st" "$out"
	expect_match "inet 10.0.2.100/24" "$out"
	expect_match "^hello-outside$" "$out"
	expect_eq "" "$(pgrep -u $NOBODY_UID -x slirp4netns || true)" "slirp4netns left running"
}
test_network_private_rootless () {
	command -v slirp4netns > /dev/null || skip "slirp4netns is not installed"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	as_nobody test -x "$BRIG" || skip "$BRIG is not reachable by uid $NOBODY_UID"
	in_netns rootless_private_network
}

# Out of descriptors: the forwarder stops listening (the clients wait in
# the backlog) instead of spinning, and takes connections again once one
# ends.
forwarder_out_of_descriptors () {
	( ulimit -n 40; exec "$BRIG" run --init -p 18091:8080 ./img sh -c \
		'echo hi > /tmp/i; exec httpd -f -p 127.0.0.1:8080 -h /tmp' ) &
	local pid=$! out
	wait_answer busybox wget -qO- http://127.0.0.1:18091/i > /dev/null || fail "no answer"
	out=$(python3 - "$pid" <<'PY'
import os, socket, sys, time
brig = int(sys.argv[1])
def cpu():
    # CPU ticks of brig's children (the forwarder among them).
    t = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(f[1]) == brig:
            t += int(f[11]) + int(f[12])
    return t
socks = [socket.create_connection(("127.0.0.1", 18091)) for _ in range(60)]
time.sleep(0.3)
a = cpu(); time.sleep(2); b = cpu()
print("ticks", b - a)
for s in socks:
    s.close()
PY
)
	local ticks=${out#ticks }
	[ "$ticks" -lt 50 ] || fail "the forwarder spun: $ticks ticks in 2 s"
	expect_eq hi "$(wait_answer busybox wget -qO- http://127.0.0.1:18091/i)" "after the connections ended"
	kill -TERM $pid
	wait $pid || true
}
test_publish_forwarder_out_of_descriptors () { in_netns forwarder_out_of_descriptors; }
