# Real engines running containers through brig-runtime: Docker, Podman and
# containerd (ctr: the path Kubernetes takes).  Each test starts its own
# daemon, with its own state under $WORK, and ends it.  The engines call the
# non-sanitizer build (their error channel is the runtime's stderr).

RT=$TOP/build/brig-runtime

image_tar () { tar -C "$TOP/build/share/images/busybox/rootfs" -c . > "$WORK/rootfs.tar"; }

test_docker () {
	command -v dockerd >/dev/null || skip "docker.io is not installed"
	E=$WORK/d
	mkdir -p "$E"
	printf '{ "runtimes": { "brig": { "path": "%s" } } }\n' "$RT" > "$E/daemon.json"
	# The runtime inherits the daemon's environment: /dev/fuse is allowed.
	printf '{ "allowed_devices": ["/dev/fuse c 10:229"] }\n' > "$E/policy.json"
	export BRIG_POLICY=$E/policy.json
	dockerd_start "$E"
	image_tar
	$D import - brigtest < "$WORK/rootfs.tar" >/dev/null

	expect_eq hello "$($D run --rm --runtime brig --network none brigtest echo hello)"
	run_status st $D run --rm --runtime brig --network none brigtest sh -c \
		'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; touch /x; exit 3'
	expect_eq 3 "$st" "exit status"
	expect_match "CapEff:.00000000000005fb" "$out"
	expect_match "NoNewPrivs:.1" "$out"
	expect_match "Seccomp:.2" "$out"
	expect_match "Read-only file system" "$out"
	run_status st $D run --rm --runtime brig --network none --privileged brigtest true
	expect_eq 125 "$st"
	expect_match "refused by policy rule BRIG-C001 \(privileged container\)" "$out"
	# --device: refused unless the policy allows it (BRIG-C014).
	run_status st $D run --rm --runtime brig --network none --device /dev/loop-control brigtest true
	expect_eq 125 "$st"
	expect_match "refused by policy rule BRIG-C014 .*/dev/loop-control \(character device 10:237" "$out"
	if [ -c /dev/fuse ]; then
		expect_match "^character special file a:e5$" \
			"$($D run --rm --runtime brig --network none --device /dev/fuse brigtest stat -c '%F %t:%T' /dev/fuse)"
	fi
	$D run -d --runtime brig --network none --name t1 brigtest sleep 60 >/dev/null
	expect_eq exec-ok "$($D exec t1 echo exec-ok)"
	expect_match "sleep 60" "$($D top t1)"
	$D pause t1 >/dev/null && $D unpause t1 >/dev/null
	$D update --pids-limit 50 t1 >/dev/null
	if [ -d /sys/fs/cgroup/pids ]; then
		expect_eq 50 "$($D exec t1 cat /sys/fs/cgroup/pids/pids.max)" "pids.max after docker update"
	fi
	$D stop -t 1 t1 >/dev/null
	$D rm t1 >/dev/null
	# Logs: what the container wrote, through the engine.
	$D run -d --runtime brig --network none --name t2 brigtest sh -c 'echo logged-out; echo logged-err >&2' >/dev/null
	expect_eq 0 "$($D wait t2)"
	expect_match "logged-out" "$($D logs t2 2>&1)"
	expect_match "logged-err" "$($D logs t2 2>&1)"
	$D rm t2 >/dev/null
	# kill: the signal reaches PID 1; its exit status is the engine's.
	$D run -d --runtime brig --network none --name t3 brigtest sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done' >/dev/null
	sleep 0.5
	$D kill -s USR1 t3 >/dev/null
	expect_eq 42 "$($D wait t3)"
	$D rm t3 >/dev/null
	out=$(script -qec "$D run -it --rm --runtime brig --network none brigtest sh -c 'tty; echo in-tty'" /dev/null | tr -d '\r')
	expect_match "^(.*)?/dev/pts/0$" "$out"
	expect_match "^in-tty$" "$out"
	dockerd_stop
}

test_podman () {
	command -v podman >/dev/null || skip "podman is not installed"
	E=$WORK/p
	mkdir -p "$E"
	# This host cannot raise rlimits (no CAP_SYS_RESOURCE): no default ulimits.
	printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' > "$E/containers.conf"
	export CONTAINERS_CONF=$E/containers.conf
	P="podman --root $E/root --runroot $E/run --runtime $RT"
	image_tar
	$P import "$WORK/rootfs.tar" brigtest >/dev/null 2>&1 || fail "podman import failed"
	expect_eq hello "$($P run --rm --network none brigtest echo hello 2>&1)"
	run_status st $P run --rm --network none brigtest sh -c 'grep CapEff /proc/self/status; exit 4'
	expect_eq 4 "$st"
	expect_match "CapEff:.00000000000005fb" "$out"
	run_status st $P run --rm --network none --privileged brigtest true
	[ "$st" != 0 ] || fail "--privileged was not refused"
	expect_match "refused by policy rule BRIG-C001" "$out"
	# --device (Podman sends fileMode with the file type bits).
	run_status st $P run --rm --network none --device /dev/loop-control brigtest true
	[ "$st" != 0 ] || fail "--device /dev/loop-control was not refused"
	expect_match "refused by policy rule BRIG-C014" "$out"
	if [ -c /dev/fuse ]; then
		# conmon hands the runtime only the environment it is told to.
		printf '{ "allowed_devices": ["c 10:229"] }\n' > "$E/policy.json"
		sed "s|^\\[engine\\]|[engine]\\nconmon_env_vars = [\"PATH=$PATH\", \"BRIG_POLICY=$E/policy.json\"]|" \
			"$E/containers.conf" > "$E/devices.conf"
		expect_match "^character special file a:e5$" \
			"$(CONTAINERS_CONF=$E/devices.conf $P run --rm --network none --device /dev/fuse brigtest stat -c '%F %t:%T' /dev/fuse 2>&1)"
	fi
	# --read-only: /tmp, /run and /var/tmp come as tmpfs with tmpcopyup.
	expect_eq "EROFS ok" "$($P run --rm --network none --read-only brigtest sh -c \
		'touch /x 2>/dev/null || printf EROFS; touch /tmp/y /run/y /var/tmp/y && echo " ok"' 2>&1)"
	$P run -d --network none --name t1 brigtest sleep 60 >/dev/null
	expect_eq exec-ok "$($P exec t1 echo exec-ok)"
	$P stop -t 1 t1 >/dev/null
	expect_match "Exited" "$($P ps -a --filter name=t1 --format '{{.Status}}')"
	$P rm -f -t 1 t1 >/dev/null
	$P run -d --network none --name t2 brigtest sh -c 'echo logged-out; trap "exit 42" USR1; while :; do sleep 0.1; done' >/dev/null
	sleep 0.5
	$P kill -s USR1 t2 >/dev/null
	expect_eq 42 "$($P wait t2)"
	expect_match "logged-out" "$($P logs t2 2>&1)"
	$P rm -f t2 >/dev/null
	# Now and then a NUL byte reaches the terminal's input on the way in and
	# the tty echoes it as `^@` before a line (about 1 run in 6 here; the
	# input side is script(1) and conmon, not the runtime): not what is
	# asserted, so it is dropped.
	# And about 1 run in 20 under load the whole output of so short a
	# command is lost on the way back (nothing, not even script(1)'s
	# complaint; not seen when the test runs alone): asked again, at most three times.
	for _ in 1 2 3; do
		out=$(script -qec "$P run -it --rm --network none brigtest sh -c 'tty; echo in-tty'" /dev/null 2>"$WORK/script.err" | tr -d '\r' | sed 's/\^@//g')
		[ -n "$out" ] && break
	done
	expect_match "^(.*)?/dev/pts/0$" "$out" "output (script(1) said: $(cat "$WORK/script.err"))"
	expect_match "^in-tty$" "$out"
}

test_containerd () {
	command -v containerd >/dev/null || skip "containerd is not installed"
	E=$WORK/c
	mkdir -p "$E"
	printf '{ "allowed_devices": ["c 10:229"] }\n' > "$E/policy.json"
	export BRIG_POLICY=$E/policy.json # the shim hands containerd's environment on
	containerd --root "$E/root" --state "$E/state" --address "$E/sock" > "$E/log" 2>&1 &
	cpid=$!
	C="ctr --address $E/sock -n brigtest"
	for i in $(seq 60); do $C version >/dev/null 2>&1 && break; sleep 0.5; done
	python3 "$TOP/tests/helper/mkociarchive.py" "$TOP/build/share/images/busybox/rootfs" \
		docker.io/library/brigtest:latest "$E/image.tar"
	$C image import "$E/image.tar" >/dev/null
	run_status st $C run --rm --seccomp --runc-binary "$RT" docker.io/library/brigtest:latest c1 \
		sh -c 'echo ctr-hello; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; exit 5'
	expect_eq 5 "$st"
	expect_match "ctr-hello" "$out"
	expect_match "CapEff:.00000000000005fb" "$out"
	expect_match "Seccomp:.2" "$out"
	run_status st $C run --rm --runc-binary "$RT" docker.io/library/brigtest:latest c2 true
	[ "$st" != 0 ] || fail "a container without seccomp was not refused"
	expect_match "refused by policy rule BRIG-C004" "$out"
	run_status st $C run --rm --seccomp --privileged --runc-binary "$RT" docker.io/library/brigtest:latest c3 true
	expect_match "refused by policy rule BRIG-C001" "$out"
	run_status st $C run --rm --seccomp --device /dev/loop-control --runc-binary "$RT" docker.io/library/brigtest:latest c4 true
	expect_match "refused by policy rule BRIG-C014" "$out"
	if [ -c /dev/fuse ]; then
		expect_match "^character special file a:e5$" "$($C run --rm --seccomp --device /dev/fuse --runc-binary "$RT" \
			docker.io/library/brigtest:latest c5 stat -c '%F %t:%T' /dev/fuse 2>&1)"
	fi
	# A task: exec in it, then kill it; a terminal.
	$C run -d --seccomp --runc-binary "$RT" docker.io/library/brigtest:latest c6 sleep 60 >/dev/null
	expect_eq exec-ok "$($C task exec --exec-id e1 c6 echo exec-ok)"
	$C task kill -s SIGKILL c6
	for _ in $(seq 50); do $C task ls | grep -q "c6.*STOPPED" && break; sleep 0.1; done
	expect_match "c6 .*STOPPED" "$($C task ls)"
	$C task delete c6 >/dev/null
	$C container delete c6
	out=$(script -qec "$C run -t --rm --seccomp --runc-binary $RT docker.io/library/brigtest:latest c7 sh -c 'tty; echo in-tty'" /dev/null | tr -d '\r')
	expect_match "^(.*)?/dev/pts/0$" "$out"
	expect_match "^in-tty$" "$out"
	kill $cpid
	wait
}
