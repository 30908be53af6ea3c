# brig run with no options: what the kernel reports inside the container.

test_capabilities_all_zero () {
	st=$(brig run ./img cat /proc/self/status)
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		expect_eq 0000000000000000 "$(echo "$st" | status_field $f)" "$f"
	done
}

test_no_new_privs_and_seccomp_filter () {
	st=$(brig run ./img cat /proc/self/status)
	expect_eq 1 "$(echo "$st" | status_field NoNewPrivs)" NoNewPrivs
	expect_eq 2 "$(echo "$st" | status_field Seccomp)" Seccomp
}

test_root_maps_to_unprivileged_host_range () {
	map=$(brig run ./img cat /proc/self/uid_map | tr -s ' ')
	expect_eq " 0 100000 65536" "$map" uid_map
	gmap=$(brig run ./img cat /proc/self/gid_map | tr -s ' ')
	expect_eq " 0 100000 65536" "$gmap" gid_map
	expect_eq "uid=0(root) gid=0(root)" "$(brig run ./img id)" id
}

test_userns_range_option () {
	map=$(brig run --userns-range 300000:1000 ./img cat /proc/self/uid_map | tr -s ' ')
	expect_eq " 0 300000 1000" "$map" uid_map
}

test_root_read_only_tmp_writable () {
	out=$(brig run ./img sh -c 'touch /x 2>&1; touch /etc/x 2>&1; touch /tmp/x && echo tmp-ok; touch /run/x && echo run-ok')
	expect_match "/x: Read-only file system" "$out"
	expect_match "/etc/x: Read-only file system" "$out"
	expect_match tmp-ok "$out"
	expect_match run-ok "$out"
	mnt=$(brig run ./img cat /proc/self/mountinfo)
	expect_match " /tmp [^ ]*nosuid,nodev" "$mnt" "/tmp options"
	expect_match " / ro," "$mnt" "root mount"
}

test_root_write_gives_erofs_errno () {
	# The helper's errno report is the kernel's, not busybox's wording.
	out=$(brig run ./img sh -c 'echo > /probe' 2>&1 || true)
	expect_match "Read-only file system" "$out"
}

test_masked_and_readonly_proc_paths () {
	out=$(brig run ./img sh -c 'wc -c < /proc/keys; wc -c < /proc/timer_list; ls /proc/acpi | wc -l; [ -e /proc/kcore ] && wc -c < /proc/kcore || echo 0')
	expect_eq "0
0
0
0" "$out" "masked sizes"
	out=$(brig run ./img sh -c 'echo 1 > /proc/sys/kernel/hostname' 2>&1 || true)
	expect_match "Read-only file system" "$out" "/proc/sys"
	if [ -e /proc/sysrq-trigger ]; then
		out=$(brig run ./img sh -c 'echo 1 > /proc/sysrq-trigger' 2>&1 || true)
		expect_match "Read-only file system" "$out" "/proc/sysrq-trigger"
	fi
	mnt=$(brig run ./img cat /proc/self/mountinfo)
	expect_match " /sys ro," "$mnt" "/sys read-only"
	expect_match " /sys/firmware ro," "$mnt" "/sys/firmware masked"
}

test_mask_source_is_a_real_dev_null () {
	# Every masked file must be the character device 1:3.
	out=$(brig run ./img stat -c '%F %t:%T' /proc/keys /proc/timer_list)
	expect_eq "character special file 1:3
character special file 1:3" "$out"
}

test_minimal_dev () {
	out=$(brig run ./img ls /dev | tr '\n' ' ')
	expect_eq "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " "$out"
	out=$(brig run ./img sh -c 'head -c 4 /dev/zero | wc -c; echo x > /dev/null && echo null-ok')
	expect_eq "4
null-ok" "$out"
}

test_loopback_only_network () {
	out=$(brig run ./img ls /sys/class/net)
	expect_eq lo "$out"
	out=$(brig run ./img cat /sys/class/net/lo/operstate)
	expect_match "unknown|up" "$out"
}

test_new_namespaces () {
	host_ns=$(for n in pid ipc uts cgroup mnt net user; do readlink /proc/self/ns/$n; done)
	in_ns=$(brig run ./img sh -c 'for n in pid ipc uts cgroup mnt net user; do readlink /proc/self/ns/$n; done')
	expect_eq 7 "$(echo "$in_ns" | wc -l)" "namespaces read"
	for ns in $in_ns; do
		expect_no_match "^$ns\$" "$host_ns" "namespace $ns shared with the host"
	done
	expect_eq 1 "$(brig run ./img sh -c 'echo $$')" "PID 1"
}

test_only_stdio_descriptors () {
	exec 7</etc/hostname
	out=$(brig run ./img t fds | tr '\n' ' ')
	expect_eq "0 1 2 " "$out"
}

test_new_session () {
	expect_eq "sid=1 pid=1" "$(brig run ./img t session)"
}

test_hostname_default_and_option () {
	h=$(brig run ./img hostname)
	expect_match '^[0-9a-f]{12}$' "$h"
	expect_eq box "$(brig run --hostname box ./img hostname)"
}

test_limits_visible_in_cgroup () {
	[ -d /sys/fs/cgroup/memory ] || skip "no v1 memory hierarchy"
	out=$(brig run ./img sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes /sys/fs/cgroup/pids/pids.max')
	expect_eq "536870912
536870912
1024" "$out"
	out=$(brig run -m 64m --memory-swap 128m --pids-limit 77 --cpus 0.5 ./img sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us')
	expect_eq "67108864
134217728
77
50000" "$out"
	expect_nothing_left
}

test_embedded_busybox_image () {
	out=$(brig run busybox sh -c 'id -un; cat /etc/passwd | wc -l')
	expect_eq "root
3" "$out"
}

test_host_devices_cannot_be_changed () {
	before=$(stat -c '%u:%g %a' /dev/null)
	out=$(brig run ./img sh -c 'chmod 000 /dev/null 2>&1; chown 5:5 /dev/null 2>&1; chmod 000 /proc/keys 2>&1; echo x > /dev/null && echo write-ok')
	expect_match "Read-only file system" "$out"
	expect_match "write-ok" "$out"
	expect_eq "$before" "$(stat -c '%u:%g %a' /dev/null)" "host /dev/null"
}
