# brig run --network bridge: containers on a bridge brig makes reach each
# other only as --link and --allow-to say; brig's nft tables and links go
# with the last container.  Every test runs in a network namespace of its
# own (its bridges, links and nftables tables are that namespace's), with a
# decoy nft table of someone else's that must come out unchanged.

# Containers in the background are started with "$BRIG" itself, not the
# brig function, so that $! is brig's pid.

# in_bridge_netns FUNCTION: run FUNCTION in a new network namespace, then
# check that nothing of brig's is left there and the decoy is untouched.
in_bridge_netns () {
	command -v nft > /dev/null || skip "nft is not installed (Debian: nftables)"
	unshare --net nft list ruleset > /dev/null 2>&1 || skip "nftables does not work here"
	IMG=$IMG before_cgroups=$before_cgroups unshare --net bash -c "set -eu; ip link set lo up
		trap 'for p in \$(jobs -p); do kill -KILL \$p 2>/dev/null; done; wait' EXIT
		$(declare -f); bridge_netns_body $1"
}

bridge_netns_body () {
	nft -f - <<-'EOF'
	table inet decoy {
		chain c {
			type filter hook forward priority 10; policy accept;
			iifname "dummy9" counter drop
		}
	}
	table bridge decoy {
		chain c {
			type filter hook forward priority 5; policy accept;
			iifname "nothing0" drop
		}
	}
	EOF
	nft list ruleset > "$WORK/nft.before"
	local states_before
	states_before=$(ls /run/brig/bridges-*.json 2> /dev/null | wc -l)
	"$1"
	wait
	nft list ruleset > "$WORK/nft.after"
	diff -u "$WORK/nft.before" "$WORK/nft.after" ||
		fail "the ruleset is not as it was (brig's tables left, or another's changed)"
	local links
	links=$(ip -o link show | awk -F': ' '{print $2}' | grep -E '^(brig0|lab|brv)' || true)
	expect_eq "" "$links" "links left behind"
	expect_eq "$states_before" "$(ls /run/brig/bridges-*.json 2> /dev/null | wc -l)" "bridge state files"
	expect_nothing_left
}

# start_bg FILE ARGS...: brig run ARGS in the background, its output in
# FILE; returns once the container printed "ready".
start_bg () {
	local out=$1 i; shift
	"$BRIG" run --init "$@" > "$out" 2>&1 &
	for i in $(seq 100); do grep -q ready "$out" 2> /dev/null && return 0; sleep 0.1; done
	fail "the container did not start: $(cat "$out")"
}

# A server that answers each connection on PORT with its own name.
serve () { echo "while :; do nc -l -p $1 -e echo hi-from-$2; done"; }

# try ADDR PORT [brig run ARGS...]: what a new container on the bridge
# gets from ADDR:PORT (nothing when it cannot reach it).  The container
# says it ran first: one that failed to start answers with the error, never
# with the nothing an unreachable server gives.  TRY_FIRST: a command the
# container runs before (it says when that failed).
try () {
	local addr=$1 port=$2 got; shift 2
	got=$("$BRIG" run "$@" ./img sh -c "echo in-the-container; ${TRY_FIRST:-true} || echo first-failed
		echo | nc -w 1 $addr $port 2>/dev/null || true" 2>&1) || true
	case $got in
	in-the-container*) printf '%s\n' "$got" | sed 1d ;;
	*) echo "the container did not start: $got" ;;
	esac
}

stop_all () {
	local p
	for p in $(jobs -p); do kill -TERM "$p" 2> /dev/null || true; done
	wait || true
}

icc () {
	start_bg "$WORK/srv" --name srv --network bridge ./img sh -c "echo ready; $(serve 5000 srv)"
	# Unlinked: dropped, although on the same bridge and subnet.
	expect_eq "" "$(try 10.89.0.2 5000 --network bridge)" "unlinked container"
	# The host reaches a container; a container does not reach the host
	# (the bridge's own address).
	expect_eq "hi-from-srv" "$(echo | busybox nc -w 1 10.89.0.2 5000)" "the host to a container"
	busybox sh -c 'while :; do busybox nc -l -p 7777 -e echo hi-from-host; done' &
	sleep 0.2
	expect_eq "hi-from-host" "$(echo | busybox nc -w 1 10.89.0.1 7777)" "the host's listener (control)"
	expect_eq "" "$(try 10.89.0.1 7777 --network bridge --link srv)" "a container to the host"
	# Linked: both ways, and the name is in its /etc/hosts.
	expect_eq "hi-from-srv" "$(try srv 5000 --network bridge --link srv:db)" "linked, by name"
	expect_eq "hi-from-srv" "$(try db 5000 --network bridge --link srv:db)" "linked, by alias"
	id=$(sed -n 's/.*"id":"\([0-9a-f]\{12\}\).*/\1/p' "$BRIG_RUNTIME_DIR"/*.json)
	expect_eq "hi-from-srv" "$(try 10.89.0.2 5000 --network bridge --link "$id")" "linked, by id"
	grep -q '"rule":"BRIG-C019","action":"audit","detail":"traffic allowed on the bridge: --link srv:db"' \
		"$BRIG_STATE_DIR/audit.log" || fail "no policy decision logged: $(cat "$BRIG_STATE_DIR/audit.log")"
	# A policy may refuse every opening: the container is not made, and
	# nothing is made on the bridge for it, not even for a moment.
	echo '{"rules": {"BRIG-C019": "enforce"}}' > "$WORK/policy.json"
	ip monitor link >> "$WORK/links" 2>&1 &
	local mon=$! i
	# Listening once it saw a link come and go; then only what follows.
	for i in $(seq 50); do
		ip link add brvprobe type veth peer name brvprobe1 && ip link del brvprobe
		sleep 0.1
		grep -q 'Deleted.*brvprobe1' "$WORK/links" && grep -q 'Deleted.*brvprobe:' "$WORK/links" && break
	done
	grep -q 'Deleted.*brvprobe1' "$WORK/links" || fail "ip monitor does not report links"
	: > "$WORK/links"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$BRIG" run --network bridge --allow-to srv:5000 ./img true
	expect_eq 125 "$st"
	expect_match "refused by policy rule BRIG-C019 .*--allow-to srv:5000" "$out"
	run_status st env BRIG_POLICY="$WORK/policy.json" "$BRIG" run --network bridge=labr --link srv ./img true
	expect_eq 125 "$st"
	expect_match "refused by policy rule BRIG-C019" "$out"
	sleep 0.2
	kill "$mon"
	expect_eq "" "$(grep -E 'labr|veth|brv' "$WORK/links" || true)" "links made for a refused container"
	stop_all
}
test_bridge_drops_traffic_unless_linked () { in_bridge_netns icc; }

allow_to () {
	# srv keeps trying to open a connection to 10.89.0.3:6000 (where cli
	# will be) and says when it got through.
	start_bg "$WORK/srv" --name srv --network bridge ./img sh -c "echo ready
		$(serve 5001 srv-5001) &
		while :; do echo | nc -w 1 10.89.0.3 6000 2>/dev/null | grep -q hi && echo REACHED-CLI; sleep 0.2; done &
		$(serve 5000 srv)"
	out=$("$BRIG" run --name cli --network bridge --allow-to srv:5000 ./img sh -c "
		$(serve 6000 cli) &
		sleep 0.3
		echo | nc -w 1 10.89.0.2 5000; echo | nc -w 1 10.89.0.2 5001; sleep 2.5" 2>&1 || true)
	expect_match "hi-from-srv" "$out" "cli to srv:5000"
	expect_no_match "hi-from-srv-5001" "$out" "cli to srv:5001 (not allowed)"
	expect_no_match "REACHED-CLI" "$(cat "$WORK/srv")" "srv to cli (the other way)"
	# The probe can succeed: with a link, srv reaches the container at .3.
	"$BRIG" run --network bridge --link srv ./img sh -c "$(serve 6000 cli) & sleep 2.5" || true
	expect_match "REACHED-CLI" "$(cat "$WORK/srv")" "srv to a linked container"
	stop_all
}
test_bridge_allow_to_is_one_way () { in_bridge_netns allow_to; }

# The replies --allow-to lets back are told apart without conntrack: a
# segment from the allowed port to an ephemeral port that opens a
# connection (a SYN) is not one of them.
allow_to_syn () {
	cp "$TOP/build/tests/tnet" ./img/bin/tnet
	start_bg "$WORK/srv" --name srv --network bridge ./img sh -c "echo ready
		while :; do tnet tcp-from 5000 10.89.0.3 40000 x 2>/dev/null | grep -q hi && echo REACHED-CLI; sleep 0.2; done"
	out=$("$BRIG" run --name cli --network bridge --allow-to srv:5000 ./img sh -c \
		"echo cli-ran; $(serve 40000 cli) & sleep 2.5" 2>&1 || true)
	expect_match "cli-ran" "$out" "the container on an ephemeral port"
	expect_no_match "REACHED-CLI" "$(cat "$WORK/srv")" "a SYN from srv:5000 to cli's ephemeral port"
	# The probe can succeed: with a link, the same SYN gets through.
	"$BRIG" run --network bridge --link srv ./img sh -c "$(serve 40000 cli) & sleep 2.5" || true
	expect_match "REACHED-CLI" "$(cat "$WORK/srv")" "srv:5000 to a linked container's port 40000"
	stop_all
}
test_bridge_allow_to_lets_no_syn_back () { in_bridge_netns allow_to_syn; }

other_bridge () {
	start_bg "$WORK/srv" --name srv --network bridge ./img sh -c "echo ready; $(serve 5000 srv)"
	out=$("$BRIG" run --hostname other --network bridge=lab ./img sh -c "ip -4 -o addr show eth0; cat /etc/hosts; echo | nc -w 1 10.89.0.2 5000" 2>&1 || true)
	expect_match "inet 10.89.1.2/24" "$out" "the second bridge's subnet"
	expect_match "10.89.1.2	other" "$out" "its own address in /etc/hosts"
	expect_no_match "hi-from-srv" "$out" "a container on another bridge"
	run_status st brig run --network bridge=lab --link srv ./img true
	expect_eq 125 "$st"
	expect_match "--link srv: no running container .srv. on bridge lab" "$out"
	stop_all
}
test_bridge_other_bridge_is_apart () { in_bridge_netns other_bridge; }

concurrent () {
	local i
	for i in 1 2 3 4 5; do
		"$BRIG" run --network bridge ./img sh -c 'ip -4 -o addr show eth0; sleep 1' > "$WORK/c$i" 2>&1 &
	done
	wait
	addrs=$(cat "$WORK"/c? | awk '/inet/ {print $4}' | sort)
	expect_eq 5 "$(echo "$addrs" | wc -l)" "addresses: $(cat "$WORK"/c?)"
	expect_eq 5 "$(echo "$addrs" | sort -u | wc -l)" "distinct addresses: $addrs"
}
test_bridge_concurrent_runs_get_distinct_addresses () { in_bridge_netns concurrent; }

bad_input () {
	local spec
	while IFS='|' read -r spec msg; do
		run_status st brig run --network "$spec" ./img true
		expect_eq 125 "$st" "$spec"
		expect_match "$msg" "$out"
	done <<-'EOF'
	bridge=averyveryverylongname|a bridge name is 1 to 15
	bridge=bad/name|a bridge name is 1 to 15
	bridge=brvx|not .brv
	bridge=lab:10.90.0.1/24|not the start of a subnet
	bridge=lab:10.90.0.0/30|N from 16 to 29
	bridge=lab:nonsense|expected bridge=NAME:A.B.C.D/N
	bridge=lab:169.254.0.0/16|169.254.0.0/16 lies in 169.254.0.0/16, link-local: not for a bridge
	bridge=lab:127.1.0.0/24|lies in 127.0.0.0/8, loopback
	bridge=lab:0.0.0.0/16|lies in 0.0.0.0/8, "this network"
	bridge=lab:239.1.2.0/24|lies in 224.0.0.0/4, multicast
	bridge=lab:250.0.0.0/24|lies in 240.0.0.0/4, reserved .class E.
	EOF
	ip link add taken type bridge
	run_status st brig run --network bridge=taken ./img true
	expect_match "bridge taken: the host has a network interface of that name .bridge. that brig did not make" "$out"
	ip addr add 10.77.0.1/16 dev taken
	run_status st brig run --network bridge=lab:10.77.5.0/24 ./img true
	expect_match "subnet 10.77.5.0/24 overlaps the host's address 10.77.0.1/16 dev taken" "$out"
	# The pool's first /24 is the host's: the next one, and a note.
	ip addr add 10.89.0.1/24 dev taken
	run_status st brig run --network bridge ./img ip -4 -o addr show eth0
	expect_eq 0 "$st" "$out"
	expect_match "note: bridge brig0: 10.89.0.0/24 overlaps the host's address 10.89.0.1/24 dev taken; it uses 10.89.1.0/24" "$out"
	expect_match "inet 10.89.1.2/24" "$out"
	ip link del taken
	# Failing after the veth was made: nothing of it left either.
	run_status st brig run --network bridge ./img /no/such/command
	expect_eq 127 "$st" "$out"
	run_status st brig run --network bridge --memory 1k ./img true
	expect_eq 125 "$st" "$out"
	run_status st brig run --network bridge --link nosuch ./img true
	expect_match "--link nosuch: no running container .nosuch. on bridge brig0 \(it has none\)" "$out"
	run_status st brig run --link srv ./img true
	expect_match "--link srv needs --network bridge" "$out"
	run_status st brig run --network bridge --allow-to srv:99999 ./img true
	expect_match "brig: --allow-to: .srv:99999.: expected NAME.ID\[:PORT\[/tcp.udp\]\]" "$out"
	run_status st brig run --network bridge --allow-to srv:80/sctp ./img true
	expect_match "brig: --allow-to: .srv:80/sctp.: expected" "$out"
}
test_bridge_bad_input_is_refused_and_leaves_nothing () { in_bridge_netns bad_input; }

test_bridge_refused_rootless () {
	run_status st as_nobody "$BRIG" run --network bridge ./img true
	expect_eq 125 "$st"
	expect_match "needs root on the host .* use --network private" "$out"
}

publish () {
	"$BRIG" run --init --network bridge -p 18080:8080 ./img sh -c \
		'echo hello-over-bridge > /tmp/index.html; exec httpd -f -p 127.0.0.1:8080 -h /tmp' &
	local i got=""
	for i in $(seq 50); do
		got=$(busybox wget -qO- http://127.0.0.1:18080/index.html 2> /dev/null) && break
		sleep 0.1
	done
	expect_eq hello-over-bridge "$got" "-p with --network bridge"
	stop_all
}
test_bridge_with_publish () { in_bridge_netns publish; }

# stale_member: a container on brig0 whose brig and cleaner were killed
# (its processes die with brig): the bridge and its rule stay behind.
stale_member () {
	start_bg "$WORK/b" --network bridge ./img sh -c 'echo ready; sleep 30'
	local pid=$! cleaner id
	cleaner=$(ps -o pid=,comm= --ppid $pid | awk '$2 == "brig-cleaner" {print $1}')
	[ -n "$cleaner" ] || fail "no cleaner under brig $pid"
	id=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$BRIG_RUNTIME_DIR"/*.json)
	kill -KILL $cleaner
	kill -KILL $pid
	wait $pid 2> /dev/null || true
	# What no one is left to clean but the bridge: the container's cgroup
	# and record.
	sleep 0.2
	rmdir /sys/fs/cgroup/*/brig/"$id" /sys/fs/cgroup/brig/"$id" 2> /dev/null || true
	rm -f "$BRIG_RUNTIME_DIR/$id.json"
	ip link show brig0 > /dev/null 2>&1 || fail "no stale bridge to clean (the test proves nothing)"
	nft list table bridge brig | grep -q brv || fail "no stale rule to clean"
}

crash () {
	# brig killed: its cleaner stops the container and leaves the bridge.
	start_bg "$WORK/a" --network bridge ./img sh -c 'echo ready; sleep 30'
	kill -KILL $!
	for i in $(seq 50); do ip link show brig0 > /dev/null 2>&1 || break; sleep 0.1; done
	! ip link show brig0 > /dev/null 2>&1 || fail "brig0 outlived a killed brig and its cleaner"
	# brig and its cleaner killed: the next run on the bridge cleans up.
	stale_member
	out=$("$BRIG" run --network bridge ./img ip -4 -o addr show eth0)
	expect_match "inet 10.89.0.2/24" "$out" "the stale member's address is free again"
	# So does a next run that fails (and leaves nothing, checked after).
	stale_member
	run_status st brig run --network bridge --link nosuch ./img true
	expect_match "no running container .nosuch. on bridge brig0 .it has none." "$out"
}
test_bridge_crash_is_cleaned_up () { in_bridge_netns crash; }

# A container with NET_ADMIN and NET_RAW takes another's MAC and address:
# brig pins each member to its own, before the bridge learns where a MAC
# is, so the bridge goes on sending c's frames to c.
mac_takeover () {
	start_bg "$WORK/c" --name c --network bridge ./img sh -c "echo ready; $(serve 5000 c)"
	start_bg "$WORK/a" --name a --network bridge --link c ./img sh -c \
		'echo ready; while :; do echo "a got: $(echo | nc -w 1 c 5000)"; sleep 0.2; done'
	start_bg "$WORK/b" --name b --cap-add NET_ADMIN --cap-add NET_RAW --network bridge --link a \
		./img sh -c "ip link set eth0 down; ip link set eth0 address 02:62:0a:59:00:02
		ip link set eth0 up; ip addr add 10.89.0.2/32 dev eth0
		$(serve 5000 b-posing-as-c) &
		echo ready
		while :; do ping -c1 -W1 10.89.0.3 > /dev/null 2>&1
			arping -c1 -U -s 10.89.0.2 -I eth0 10.89.0.3 > /dev/null 2>&1; sleep 0.2; done"
	sleep 3
	local cid
	cid=$(basename "$(grep -l '"name":"c"' "$BRIG_RUNTIME_DIR"/*.json)" .json)
	expect_no_match "b-posing-as-c" "$(cat "$WORK/a")" "a's answers once b took c's MAC and address"
	expect_match "a got: hi-from-c" "$(tail -2 "$WORK/a")" "a still reaches c"
	expect_match "^02:62:0a:59:00:02 dev brv${cid:0:12} master brig0 *\$" \
		"$(bridge fdb show br brig0 | grep '^02:62:0a:59:00:02')" "where the bridge sends c's MAC"
	stop_all
}
test_bridge_pins_mac_and_address () { in_bridge_netns mac_takeover; }

# With ip_forward on, a member that makes the bridge's address its gateway
# to another passes the host: nothing is routed into or out of a bridge.
# The reply would be dropped on the bridge anyway: srv says when a SYN
# reached it (a connection half open).
routed () {
	sysctl -qw net.ipv4.ip_forward=1
	start_bg "$WORK/srv" --name srv --network bridge ./img sh -c 'nc -l -p 5000 & echo ready
		while :; do netstat -tn 2>/dev/null | grep -q SYN_RECV && echo GOT-A-SYN; sleep 0.1; done'
	expect_eq 0 "$(cat /proc/sys/net/ipv4/conf/brig0/forwarding)" "brig0's forwarding"
	local via="ip route add 10.89.0.2/32 via 10.89.0.1 dev eth0"
	expect_eq "" "$(TRY_FIRST=$via try 10.89.0.2 5000 --cap-add NET_ADMIN --network bridge)" "routed"
	sleep 0.5
	expect_no_match GOT-A-SYN "$(cat "$WORK/srv")" "srv, after a SYN routed through the host"
	# Not even with the bridge's forwarding turned on again: table inet brig.
	sysctl -qw net.ipv4.conf.brig0.forwarding=1
	expect_eq "" "$(TRY_FIRST=$via try 10.89.0.2 5000 --cap-add NET_ADMIN --network bridge)" "routed"
	sleep 0.5
	expect_no_match GOT-A-SYN "$(cat "$WORK/srv")" "srv, the bridge's forwarding on"
	stop_all
}
test_bridge_routes_nothing_through_the_host () { in_bridge_netns routed; }

# --allow-to srv:5353/udp: srv answers from 5353, to cli and to a port of
# cli's ephemeral range only; none of cli's servers hears it otherwise.
udp_replies () {
	cp "$TOP/build/tests/tnet" ./img/bin/tnet
	start_bg "$WORK/srv" --name srv --network bridge ./img sh -c 'echo ready
		while :; do for p in 9999 40000; do tnet udp-from 5353 10.89.0.3 $p to-$p; done
			tnet udp-from 5354 10.89.0.3 40000 from-5354; sleep 0.2; done'
	out=$("$BRIG" run --name cli --network bridge --allow-to srv:5353/udp ./img sh -c '
		cat /proc/sys/net/ipv4/ip_local_port_range
		echo "1024 65000" > /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null && echo widened
		tnet udp-listen 9999 & tnet udp-listen 40000 & sleep 2; kill %1 %2' 2>&1 || true)
	expect_match "^32768	60999\$" "$out" "cli's ephemeral ports"
	expect_no_match "widened" "$out" "cli widened its ephemeral ports"
	expect_match "^40000 to-40000\$" "$out" "a reply to an ephemeral port of cli"
	expect_no_match "to-9999" "$out" "srv to cli's port 9999 (not a reply)"
	expect_no_match "from-5354" "$out" "srv from a port not allowed"
	stop_all
}
test_bridge_allow_to_replies_go_to_ephemeral_ports () { in_bridge_netns udp_replies; }

# --network container:ID trusts no pid blindly: the record's start time
# must still be its process's, and the namespace must not be the host's.
peer_netns () {
	echo '{"rules": {"BRIG-C017": "audit"}}' > "$WORK/policy.json"
	export BRIG_POLICY=$WORK/policy.json
	start_bg "$WORK/srv" --name srv --network bridge ./img sh -c 'echo ready; sleep 30'
	run_status st brig run --network container:srv ./img ip -4 -o addr show eth0
	expect_eq 0 "$st" "$out"
	expect_match "inet 10.89.0.2/24" "$out" "joined srv's namespace"
	sleep 30 &
	local pid=$! start
	start=$(sed 's/.*) //' /proc/$pid/stat | cut -d' ' -f20)
	while IFS='|' read -r name rec msg; do
		echo "{\"id\":\"$name$name\",\"name\":\"$name\",$rec}" > "$BRIG_RUNTIME_DIR/$name$name.json"
		run_status st brig run --network container:"$name" ./img true
		expect_eq 125 "$st" "$name: $out"
		expect_match "$msg" "$out"
	done <<-EOF2
	nostart|"pid":$pid|its pid $pid is no longer its process .its record has no start time.
	reused|"pid":$pid,"start_time":$((start + 1))|its pid $pid is no longer its process .another started since.
	hostns|"pid":$pid,"start_time":$start|pid $pid is in the host's network namespace .or brig's own.
	EOF2
	rm -f "$BRIG_RUNTIME_DIR"/{nostart,reused,hostns}*.json
	stop_all
}
test_bridge_container_netns_is_checked () { in_bridge_netns peer_netns; }

# Names are unique in a runtime directory only: a name that two members of
# the bridge have is refused, the id is not.
ambiguous_name () {
	start_bg "$WORK/a" --name srv --network bridge ./img sh -c "echo ready; $(serve 5000 srv-a)"
	BRIG_RUNTIME_DIR=$WORK/run2 start_bg "$WORK/b" --name srv --network bridge ./img sh -c \
		"echo ready; $(serve 5000 srv-b)"
	run_status st brig run --network bridge --link srv ./img true
	expect_eq 125 "$st" "$out"
	expect_match "--link srv: .srv. names 2 containers on bridge brig0 .of different runtime directories.: give the id of the one meant .[0-9a-f]{12}, [0-9a-f]{12}.\$" "$out"
	local id
	id=$(basename "$(ls "$WORK"/run2/*.json | head -1)" .json)
	expect_eq "hi-from-srv-b" "$(try srv 5000 --network bridge --link "${id:0:12}")" "by id"
	stop_all
}
test_bridge_link_refuses_an_ambiguous_name () { in_bridge_netns ambiguous_name; }
