# Bad input: a clear message, status 125, and nothing left behind.

bad () { # bad REGEX ARGS...: brig run ARGS fails with 125 and REGEX
	local want=$1; shift
	run_status st brig run "$@"
	expect_eq 125 "$st" "status of brig run $*"
	expect_match "^brig: .*$want" "$out" "message of brig run $*"
	expect_nothing_left
}

test_unknown_capability () { bad "--cap-add: unknown capability \`CAP_FLY\`: expected" --cap-add CAP_FLY ./img true; }
test_bad_memory_size () { bad "--memory: invalid size \`12q\`" --memory 12q ./img true; }
test_memory_below_minimum () { bad "--memory: \`1k\` is below the minimum of 6m" --memory 1k ./img true; }
test_swap_below_memory () { bad "--memory-swap .* must be at least --memory" -m 64m --memory-swap 32m ./img true; }
test_bad_cpus () { bad "--cpus: invalid CPU count \`lots\`" --cpus lots ./img true; }
test_bad_pids () { bad "--pids-limit: invalid number \`x\`" --pids-limit x ./img true; }
test_bad_ulimit () { bad "unknown ulimit \`nofiles\`" --ulimit nofiles=1 ./img true; }
test_bad_tmpfs () { bad "tmpfs \`tmp\`: the mount point must be an absolute path" --tmpfs tmp ./img true; }
test_unknown_option () { bad "unknown option \`--privileged\`" --privileged ./img true; }
test_missing_value () { bad "option \`--memory\` needs a value BYTES" --memory; }
test_missing_image () { bad "missing IMAGE"; }
test_missing_image_path () { bad "image \`./does-not-exist\`: No such file or directory" ./does-not-exist true; }
test_relative_path_without_dot () { bad "image \`img\`: expected \`busybox\` .* starting with ./" img true; }
test_image_not_a_directory () { bad "image root .*: Not a directory" "$IMG/etc/passwd" true; }
test_bad_network () { bad "unknown network \`bogus\`: expected none" --network bogus ./img true; }
test_bad_security_opt () { bad "unsupported security option \`apparmor=x\`" --security-opt apparmor=x ./img true; }
test_no_new_privs_cannot_be_disabled () { bad "always sets no_new_privs" --security-opt no-new-privileges=false ./img true; }
test_bad_userns_range () { bad "--userns-range \`0:10\`: expected HOSTID:SIZE" --userns-range 0:10 ./img true; }

test_seccomp_profile_syntax_error_has_line_col () {
	printf '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [ oops ]\n}\n' > "$WORK/bad.json"
	bad "$WORK/bad.json:3:[0-9]+: " --security-opt "seccomp=$WORK/bad.json" ./img true
}

test_seccomp_profile_bad_action_names_path () {
	printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_NOPE"}]}' > "$WORK/bad.json"
	bad "syscalls\\[0\\]\\.action: unknown action \`SCMP_ACT_NOPE\`: expected one of" --security-opt "seccomp=$WORK/bad.json" ./img true
}

test_seccomp_profile_missing_file () {
	bad "open \`$WORK/none.json\`: No such file or directory" --security-opt "seccomp=$WORK/none.json" ./img true
}

test_failed_mount_leaves_nothing () {
	# An image whose /proc is a file cannot be set up: the error names it.
	rmdir "$IMG/proc"
	touch "$IMG/proc"
	bad "mount point \`/proc\` in the image: Not a directory" ./img true
}

test_killed_brig_leaves_nothing () {
	"$BRIG" run --name victim ./img sleep 100 &
	bpid=$!
	cpid=$(container_pid)
	kill -9 $bpid
	wait $bpid || true
	for i in $(seq 100); do
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$cpid" 2>/dev/null && fail "container $cpid survived brig"
	for i in $(seq 100); do [ "$before_cgroups" = "$(cgroup_list)" ] && break; sleep 0.05; done
	expect_nothing_left
	grep -q '"event":"exited".*"reason":"brig was killed' "$BRIG_STATE_DIR/audit.log" ||
		fail "no exit recorded: $(cat "$BRIG_STATE_DIR/audit.log")"
}

test_help_and_version () {
	out=$(brig run --help)
	expect_match "^Usage: brig run \[OPTIONS\] IMAGE" "$out"
	expect_match "--pids-limit N +most processes at once; -1 for none \(default 1024\)" "$out"
	expect_match "^brig version [0-9]" "$(brig version)"
	expect_match "run +run a command in a new hardened container" "$(brig --help)"
	run_status st brig frobnicate
	expect_eq 125 "$st"
	expect_match "unknown command \`frobnicate\`" "$out"
}

test_group_kill_leaves_nothing () {
	# timeout -s KILL, job control: the whole process group dies at once.
	setsid "$BRIG" run --name grp ./img sleep 100 &
	cpid=$(container_pid)
	pgid=$(ps -o pgid= -p "$(pgrep -f 'run --name grp' | head -1)" | tr -d ' ')
	[ -n "$pgid" ] || fail "no process group"
	kill -KILL -- "-$pgid"
	for i in $(seq 100); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.05; done
	kill -0 "$cpid" 2>/dev/null && fail "container survived"
	for i in $(seq 100); do [ "$before_cgroups" = "$(cgroup_list)" ] && [ -z "$(find "$BRIG_RUNTIME_DIR" -type f)" ] && break; sleep 0.05; done
	expect_nothing_left
}
