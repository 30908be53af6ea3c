# The default seccomp profile, as the kernel applies it.

test_dangerous_syscalls_refused_eperm () {
	out=$(brig run ./img t try mount unshare unshare-user keyctl add_key ptrace clone-newns io_uring_setup bpf pivot_root userfaultfd setns chroot)
	for s in mount unshare unshare-user keyctl add_key ptrace clone-newns io_uring_setup bpf pivot_root userfaultfd setns chroot; do
		expect_match "^$s errno=1 " "$(echo "$out" | grep "^$s ")" "$s"
	done
}

test_clone3_answers_enosys () {
	expect_match "^clone3 errno=38 " "$(brig run ./img t try clone3)"
}

test_vsock_refused_even_with_high_bits () {
	out=$(brig run ./img t try vsock vsock-high unix-socket)
	expect_match "^vsock errno=1 " "$(echo "$out" | sed -n 1p)"
	expect_match "^vsock-high errno=1 " "$(echo "$out" | sed -n 2p)"
	expect_match "^unix-socket ok" "$(echo "$out" | sed -n 3p)"
}

test_socket_families_as_docker () {
	out=$(brig run ./img t try econet inet6-socket netlink-socket)
	expect_match "^econet errno=97 " "$(echo "$out" | sed -n 1p)" "a family Docker refuses"
	expect_match "^inet6-socket ok" "$(echo "$out" | sed -n 2p)"
	expect_match "^netlink-socket ok" "$(echo "$out" | sed -n 3p)"
}

test_ordinary_programs_work () {
	out=$(brig run ./img sh -c 'echo hi | sed s/h/H/ | tr a-z A-Z; sleep 0; date +%Y >/dev/null && echo date-ok; ps | head -1 >/dev/null && echo ps-ok')
	expect_eq "HI
date-ok
ps-ok" "$out"
}

test_seccomp_cache_is_private_and_reused () {
	brig run ./img true
	f=$(ls "$BRIG_CACHE_DIR"/seccomp/*.bpf)
	expect_eq 1 "$(echo "$f" | wc -l)" "cache entries"
	expect_eq 600 "$(stat -c %a "$f")" "cache file mode"
	expect_eq 700 "$(stat -c %a "$BRIG_CACHE_DIR/seccomp")" "cache dir mode"
	brig run ./img true
	expect_eq 1 "$(ls "$BRIG_CACHE_DIR"/seccomp/*.bpf | wc -l)" "cache entries after a second run"
	# A tampered entry (rules that do not match its header) is not used.
	printf 'brig-bpf-1\ngarbage' > "$f"
	expect_eq 2 "$(brig run ./img cat /proc/self/status | status_field Seccomp)" "Seccomp after tampering"
	expect_match "^keyctl errno=1 " "$(brig run ./img t try keyctl)"
}

test_custom_profile_does_not_weaken_cached_default () {
	# A permissive custom profile, then the default one: the second must
	# still refuse what the default refuses (the cache keeps them apart).
	cat > "$WORK/open.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["personality"], "action": "SCMP_ACT_ALLOW" } ] }
JSON
	brig run --security-opt "seccomp=$WORK/open.json" ./img t try clone-newns >/dev/null
	expect_match "^clone-newns errno=1 " "$(brig run ./img t try clone-newns)"
	expect_match "^vsock errno=1 " "$(brig run ./img t try vsock)"
}
