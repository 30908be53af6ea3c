# The process: exit status, signals, environment, user, working directory.

test_exit_status_passed_through () {
	run_status st brig run ./img sh -c 'exit 42'
	expect_eq 42 "$st"
	run_status st brig run ./img false
	expect_eq 1 "$st"
}

test_command_not_found_127 () {
	run_status st brig run ./img no-such-command
	expect_eq 127 "$st"
	expect_match "no-such-command.*not found" "$out"
	expect_nothing_left
}

test_command_not_executable_126 () {
	run_status st brig run ./img /etc/passwd
	expect_eq 126 "$st"
	expect_match "/etc/passwd.*Permission denied" "$out"
	expect_nothing_left
}

test_killed_by_signal_128_plus_n () {
	# PID 1 ignores signals it has no handler for, even its own SIGKILL, as
	# in Docker; a kill from outside is what ends it.
	"$BRIG" run ./img sleep 100 &
	bpid=$!
	cpid=$(container_pid)
	kill -KILL "$cpid"
	set +e; wait $bpid; st=$?; set -e
	expect_eq 137 "$st"
	expect_nothing_left
}

test_signals_forwarded () {
	for sig in TERM INT HUP; do
		"$BRIG" run ./img t trap $(kill -l $sig) 3 > "$WORK/out" &
		bpid=$!
		for i in $(seq 50); do grep -q ready "$WORK/out" && break; sleep 0.1; done
		kill -$sig $bpid
		set +e; wait $bpid; st=$?; set -e
		expect_eq 3 "$st" "status after SIG$sig"
		expect_match "got $(kill -l $sig)" "$(cat "$WORK/out")"
	done
	expect_nothing_left
}

test_init_forwards_and_reaps () {
	"$BRIG" run --init ./img sh -c 'echo ready; sleep 100' > "$WORK/out" &
	bpid=$!
	for i in $(seq 50); do grep -q ready "$WORK/out" && break; sleep 0.1; done
	kill -TERM $bpid
	set +e; wait $bpid; st=$?; set -e
	expect_eq 143 "$st" "sh killed by the forwarded SIGTERM"
	expect_eq 2 "$(brig run --init ./img sh -c 'echo $$')" "the command's pid under init"
	expect_match "brig-init" "$(brig run --init ./img cat /proc/1/comm)"
}

test_env_and_env_file () {
	printf '# comment\nA=from-file\nB=two words\n\nC\n' > "$WORK/env"
	export C=from-host
	out=$(brig run -e X=1 --env-file "$WORK/env" -e A=override ./img env)
	expect_match "^X=1$" "$out"
	expect_match "^A=override$" "$out"
	expect_match "^C=from-host$" "$out"
	expect_match "^B=two words$" "$out"
	expect_match "^PATH=/usr/local/sbin:" "$out"
	expect_match "^HOSTNAME=[0-9a-f]{12}$" "$out"
}

test_env_file_error_names_line () {
	printf 'OK=1\nBAD NAME=2\n' > "$WORK/env"
	run_status st brig run --env-file "$WORK/env" ./img true
	expect_eq 125 "$st"
	expect_match "$WORK/env:2:1: invalid variable name" "$out"
}

test_user_option () {
	expect_eq "uid=1000(user) gid=1000(user) groups=1000(user)" "$(brig run -u user ./img id)"
	expect_eq "uid=1000(user) gid=0(root)" "$(brig run -u 1000:0 ./img id)"
	expect_eq "uid=4242 gid=0(root)" "$(brig run -u 4242 ./img id)"
	run_status st brig run -u nosuchuser ./img id
	expect_eq 125 "$st"
	expect_match "user \`nosuchuser\` is not in the image's /etc/passwd" "$out"
	run_status st brig run -u 70000 ./img id
	expect_eq 125 "$st"
	expect_match "outside the user namespace" "$out"
}

test_workdir () {
	expect_eq /etc "$(brig run -w /etc ./img pwd)"
	run_status st brig run -w /nope ./img pwd
	expect_eq 125 "$st"
	expect_match "working directory \`/nope\`" "$out"
	expect_nothing_left
}

test_name_unique_while_running () {
	"$BRIG" run --name same ./img sleep 3 &
	bpid=$!
	for i in $(seq 50); do [ -e "$BRIG_RUNTIME_DIR/names/same" ] && break; sleep 0.1; done
	run_status st brig run --name same ./img true
	expect_eq 125 "$st"
	expect_match "name \`same\` is already in use" "$out"
	kill $bpid; wait $bpid || true
	brig run --name same ./img true
	expect_nothing_left
}

test_shell_reads_stdin () {
	out=$(printf 'echo hello from stdin\nexit 5\n' | brig run busybox sh; echo "status=$?")
	expect_eq "hello from stdin
status=5" "$out"
}

test_names_never_shared_under_race () {
	for i in 1 2 3 4 5; do
		"$BRIG" run --name race ./img sleep 1 > "$WORK/a" 2>&1 &
		a=$!
		"$BRIG" run --name race ./img sleep 1 > "$WORK/b" 2>&1 &
		b=$!
		set +e; wait $a; sa=$?; wait $b; sb=$?; set -e
		[ "$sa" = 0 ] && [ "$sb" = 0 ] && fail "both containers ran with the name race (round $i)"
		[ "$sa" = 125 ] || [ "$sb" = 125 ] || fail "round $i: statuses $sa and $sb"
	done
	expect_nothing_left
}

test_repeated_stop_signal_escalates () {
	# PID 1 without a handler ignores SIGTERM; the second one kills it.
	"$BRIG" run ./img sh -c 'echo ready; while :; do sleep 1; done' > "$WORK/out" &
	bpid=$!
	for i in $(seq 50); do grep -q ready "$WORK/out" && break; sleep 0.1; done
	kill -TERM $bpid
	sleep 0.3
	kill -0 $bpid || fail "the first SIGTERM should be forwarded, not fatal"
	kill -TERM $bpid
	set +e; wait $bpid; st=$?; set -e
	expect_eq 137 "$st"
	expect_nothing_left
}

test_tty_gives_a_pty () {
	command -v script >/dev/null || skip "no script(1)"
	out=$(script -qec "$BRIG run -t ./img sh -c 'tty; [ -t 0 ] && echo stdin-tty; exit 6'" /dev/null | tr -d '\r')
	expect_match "/dev/pts/[0-9]+$" "$out"
	expect_match "^stdin-tty$" "$out"
	run_status st sh -c "printf 'echo piped\nexit 5\n' | $BRIG run -t ./img sh"
	expect_eq 5 "$st" "exit status through the pty"
	expect_match "piped" "$out"
	expect_nothing_left
}
