# cgroup v2: in a private mount namespace with cgroup2 on /sys/fs/cgroup.
# On this hybrid host the v1 hierarchies hold memory, pids and cpu, so v2
# has none of them: brig must say so rather than pretend; without limits it
# still places the container in its own v2 cgroup and removes it after.

v2 () {
	[ "$(id -u)" = 0 ] || skip "needs root"
	unshare -m --propagation private bash -c '
		set -e
		umount -R /sys/fs/cgroup 2>/dev/null || umount -l /sys/fs/cgroup 2>/dev/null || true
		mount -t cgroup2 none /sys/fs/cgroup
		'"$*"
}

test_v2_missing_controller_is_an_error () {
	set +e
	out=$(v2 '"$BRIG" run ./img true' 2>&1); st=$?
	set -e
	avail=$(v2 'cat /sys/fs/cgroup/cgroup.controllers')
	case " $avail " in *" memory "*) skip "memory controller available on v2 here" ;; esac
	expect_eq 125 "$st"
	expect_match "cgroup v2: the (memory|pids) controller is not available" "$out"
	v2 '[ ! -d /sys/fs/cgroup/brig ] || [ -z "$(ls -d /sys/fs/cgroup/brig/*/ 2>/dev/null)" ]'
}

test_v2_placement_and_cleanup () {
	out=$(v2 '"$BRIG" run --memory 0 --pids-limit -1 ./img cat /proc/self/cgroup; ls /sys/fs/cgroup/brig | grep -c "^[0-9a-f]\{64\}$" || true')
	expect_eq "0::/" "$(echo "$out" | grep '^0::')" "cgroup namespace root"
	expect_eq 0 "$(echo "$out" | tail -1)" "v2 cgroups left"
}

test_v2_cgroupfs_mounted_read_only () {
	out=$(v2 '"$BRIG" run --memory 0 --pids-limit -1 ./img grep " /sys/fs/cgroup " /proc/self/mountinfo')
	expect_match " /sys/fs/cgroup ro,.* - cgroup2 " "$out"
}
