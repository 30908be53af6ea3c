# The known container-escape classes, one test each: what the kernel says
# from inside, and what the host looks like after.

source "$TOP/tests/integration/lib_runtime.sh"

test_cve_2019_5736_host_binary_unreachable () {
	# The init that brig forks (--init) and the exec joiner are brig's own
	# code: non-dumpable, so /proc/PID/exe cannot be opened from inside.
	before=$(sha256sum "$BRIG" | cut -d' ' -f1)
	out=$(brig run --init ./img sh -c 'cat /proc/1/exe > /dev/null 2>&1 && echo read-exe; echo x 2>/dev/null >> /proc/1/exe && echo wrote-exe; readlink /proc/1/exe 2>&1; readlink /proc/self/exe' 2>&1)
	expect_no_match "read-exe|wrote-exe" "$out"
	expect_match "^/bin/busybox$" "$(echo "$out" | tail -1)" "the command's own exe"
	bundle "$WORK/b" sleep 30
	rt create --bundle "$WORK/b" v1
	rt start v1
	out=$(rt exec v1 sh -c 'readlink /proc/self/exe; for p in /proc/[0-9]*; do readlink $p/exe; done 2>/dev/null | sort -u')
	expect_no_match "brig" "$out" "no brig binary reachable in the container"
	rt delete --force v1
	expect_eq "$before" "$(sha256sum "$BRIG" | cut -d' ' -f1)" "host binary unchanged"
	oci_leftovers
}

test_cve_2016_9962_exec_gets_no_descriptors () {
	bundle "$WORK/b" sleep 30
	rt create --bundle "$WORK/b" v2
	rt start v2
	exec 7</etc/hostname 8</
	expect_eq "0 1 2 " "$(rt exec v2 /bin/t fds | tr '\n' ' ')"
	rt delete --force v2
	oci_leftovers
}

test_cve_2024_21626_cwd_through_proc_fd () {
	for n in 3 4 5 6 7 8 9 10; do
		run_status st brig run -w /proc/self/fd/$n ./img pwd
		if [ "$st" = 0 ]; then
			expect_no_match "unreachable" "$out" "cwd /proc/self/fd/$n"
		else
			expect_match "working directory \`/proc/self/fd/$n\`" "$out"
		fi
	done
	bundle "$WORK/b" pwd
	edit_config "$WORK/b" 'c["process"]["cwd"] = "/proc/self/fd/4"'
	run_status st rt run --bundle "$WORK/b" v3
	[ "$st" != 0 ] || expect_no_match "unreachable" "$out"
	expect_nothing_left
	oci_leftovers
}

test_cve_2021_30465_mount_target_symlinks_stay_inside () {
	# /tmp and /run of the image point far outside: mounts must land inside.
	target=/tmp/brig-escape-$$
	rm -rf "$IMG/tmp" "$IMG/run"
	ln -s ../../../../../../../..$target "$IMG/tmp"
	ln -s / "$IMG/run"
	out=$(brig run ./img sh -c 'echo ok' 2>&1) || true
	[ ! -e "$target" ] || fail "created $target on the host"
	expect_no_match " $target " "$(cat /proc/self/mountinfo)" "host mounts"
	# Either the mounts landed inside the image, or brig refused cleanly,
	# naming the mount point (it does not chase a dangling symlink to make
	# its target).
	[ -d "$IMG$target" ] || expect_match "mount point \`/(tmp|run)\` in the image" "$out"
}

test_cve_2025_31133_image_dev_null_is_not_the_mask_source () {
	# The image's /dev/null is a symlink to a procfs file: brig masks with the
	# host's verified node, and the container's /dev is brig's own.
	mkdir -p "$IMG/dev"
	ln -sf /proc/sys/kernel/core_pattern "$IMG/dev/null"
	out=$(brig run ./img stat -c '%F %t:%T' /proc/keys /dev/null)
	expect_eq "character special file 1:3
character special file 1:3" "$out"
}

test_cve_2019_16884_sysctl_writes_checked () {
	bundle "$WORK/b" cat /proc/sys/net/ipv4/ip_forward
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	edit_config "$WORK/b" 'c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}'
	expect_eq 1 "$(rt run --bundle "$WORK/b" v4)" "in the container's netns"
	expect_eq "$host" "$(cat /proc/sys/net/ipv4/ip_forward)" "host unchanged"
	edit_config "$WORK/b" 'c["linux"]["sysctl"] = {"kernel.core_pattern": "|/evil"}'
	run_status st rt run --bundle "$WORK/b" v5
	expect_match "sysctl \`kernel.core_pattern\` is not in a namespace of the container" "$out"
	oci_leftovers
}

test_cve_2022_29162_no_inheritable_capabilities () {
	bundle "$WORK/b" grep -E '^Cap(Inh|Amb):' /proc/self/status
	edit_config "$WORK/b" '
c["process"]["capabilities"] = {k: ["CAP_NET_BIND_SERVICE"] for k in ("bounding","effective","permitted","inheritable","ambient")}'
	out=$(rt run --bundle "$WORK/b" v6)
	expect_match "CapInh:.0000000000000000" "$out"
	expect_match "CapAmb:.0000000000000000" "$out"
	grep -q '"rule":"BRIG-C006","action":"harden"' "$BRIG_STATE_DIR/audit.log" || fail "not logged"
	oci_leftovers
}

test_cve_2022_0492_release_agent_unwritable () {
	[ -d /sys/fs/cgroup/memory ] || skip "no v1 memory hierarchy"
	out=$(brig run ./img sh -c 'echo /evil > /sys/fs/cgroup/memory/release_agent 2>&1; mkdir /tmp/cg; mount -t cgroup -o memory cgroup /tmp/cg 2>&1; t try unshare-user' 2>&1)
	expect_match "release_agent: (Read-only file system|Permission denied|No such file)" "$out"
	expect_match "mount: permission denied|Operation not permitted" "$out"
	expect_match "unshare-user errno=1" "$out"
}

test_cve_2017_5226_no_terminal_injection () {
	command -v script >/dev/null || skip "no script(1)"
	out=$(script -qec "$BRIG run ./img t try tiocsti" /dev/null | tr -d '\r')
	expect_match "^tiocsti errno=1 " "$out"
}

test_no_cgroupns_shows_only_own_cgroup () {
	# With the host's cgroup namespace (allowed by the policy), the container
	# must see its own cgroup at /sys/fs/cgroup, never the host's tree.
	[ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
	bundle "$WORK/b" sh -c 'cat /sys/fs/cgroup/pids/pids.max; ls /sys/fs/cgroup/memory/release_agent 2>&1; echo x > /sys/fs/cgroup/pids/pids.max 2>&1'
	edit_config "$WORK/b" '
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"]
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/sys/fs/cgroup"]
c["mounts"].append({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev"]})'
	printf '{ "rules": { "BRIG-C013": "audit" } }' > "$WORK/policy.json"
	out=$(BRIG_POLICY="$WORK/policy.json" "$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/b" ns1 2>&1) || true
	expect_match "^1024$" "$(echo "$out" | sed -n 1p)" "the container's own pids.max"
	expect_match "release_agent: No such file" "$out" "no hierarchy root (release_agent) in sight"
	oci_leftovers
}
