# Limits: a fork bomb and a memory hog must not take the host down.

test_fork_bomb_stops_at_pids_limit () {
	[ -d /sys/fs/cgroup/pids ] || [ -f /sys/fs/cgroup/pids.max ] || skip "no pids controller"
	start=$(date +%s%N)
	brig run --pids-limit 64 ./img t forkbomb > "$WORK/out" &
	bpid=$!
	# The host stays responsive while the bomb runs.
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N); /bin/true; t1=$(date +%s%N)
		[ $(( (t1 - t0) / 1000000 )) -lt 1000 ] || fail "host command took $(( (t1 - t0) / 1000000 )) ms"
	done
	wait $bpid || true
	out=$(cat "$WORK/out")
	expect_match "^forks [0-9]+ errno=11$" "$out"
	n=$(echo "$out" | awk '{print $2}')
	[ "$n" -le 63 ] || fail "forked $n processes past a limit of 64"
	[ "$n" -ge 50 ] || fail "only $n forks"
	expect_nothing_left
}

test_memory_hog_oom_killed_137 () {
	run_status st brig run -m 32m ./img t memhog 200
	expect_eq 137 "$st" "exit status"
	expect_match "memory limit" "$out"
	grep -q '"event":"exited".*"status":137.*"oom_killed":true' "$BRIG_STATE_DIR/audit.log" ||
		fail "audit log has no OOM exit: $(cat "$BRIG_STATE_DIR/audit.log")"
	expect_nothing_left
}

test_memory_within_limit_runs () {
	out=$(brig run -m 64m ./img t memhog 16)
	expect_eq "allocated 16 MiB" "$out"
}

test_ulimit_set_and_inherited () {
	expect_eq 512 "$(brig run --ulimit nofile=512:1024 ./img sh -c 'ulimit -n')"
	expect_eq "$(ulimit -n)" "$(brig run ./img sh -c 'ulimit -n')" "inherited nofile"
}
