# cgroup v2: in a private mount namespace with cgroup2 on /sys/fs/cgroup.
# On this hybrid host the v1 hierarchies hold memory, pids and cpu, so v2
# has none of them: brig must say so rather than pretend; without limits it
# still places the container in its own v2 cgroup and removes it after.

source "$TOP/tests/integration/lib_runtime.sh"

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

# Device rules on v2: an eBPF program on the container's cgroup.  The probe
# is a host node c 1:11 (/dev/kmsg) made in $WORK with mode 0666, so that
# nothing but the device cgroup stands between the container and opening
# it for writing (kmsg lets anyone open it write-only; nothing is written).
# An open the rules refuse fails with EPERM; /dev/null, one of the nodes
# brig makes, stays usable whatever the rules say.  Each case runs on v2
# and, where this host has the v1 devices hierarchy, on v1 too: both must
# give the same answer.

kmsg_case () { # NAME RULES-AS-PYTHON: the bundle $WORK/NAME opens the probe and /dev/null
	[ -c "$WORK/kmsg" ] || { mknod "$WORK/kmsg" c 1 11 && chmod 666 "$WORK/kmsg"; }
	bundle "$WORK/$1" sh -c 't open /dev/kmsg w; t open /dev/null rw'
	edit_config "$WORK/$1" "
import os
c['mounts'].append({'destination': '/dev/kmsg', 'type': 'bind', 'source': os.environ['WORK'] + '/kmsg', 'options': ['bind']})
c['linux']['resources'] = {'devices': $2}"
}

# Without limits (no controller is enabled in v2 here) and with rules that
# may allow every device (to reach the allow-by-default cases).
device_policy () {
	echo '{"rules": {"BRIG-C010": "audit", "BRIG-C012": "audit"}}' > "$WORK/policy.json"
	export BRIG_POLICY=$WORK/policy.json
}

# expect_kmsg NAME WANT: WANT is "ok" or "errno=1 (Operation not permitted)"
expect_kmsg () {
	local out
	out=$(v2 '"$TOP/build/asan/brig-runtime" --root "$WORK/oci" run --bundle "$WORK/'"$1"'" v2'"$1")
	expect_eq "open /dev/kmsg $2
open /dev/null ok" "$out" "v2, $1"
	if [ -d /sys/fs/cgroup/devices ] && ! [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		out=$(rt run --bundle "$WORK/$1" v1"$1")
		expect_eq "open /dev/kmsg $2
open /dev/null ok" "$out" "v1, $1"
	fi
}

EPERM="errno=1 (Operation not permitted)"

test_v2_device_rules_deny_what_they_do_not_allow () {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ "$(cat /proc/sys/kernel/printk_devkmsg 2>/dev/null)" != off ] || skip "printk.devkmsg=off"
	device_policy
	# Docker's first rule; nothing allows c 1:11.
	kmsg_case deny '[{"allow": False, "access": "rwm"}]'
	expect_kmsg deny "$EPERM"
	# The same device allowed for writing: the open goes through.
	kmsg_case allow '[{"allow": False, "access": "rwm"},
	                  {"allow": True, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	expect_kmsg allow ok
	# Through a wildcard minor.
	kmsg_case wildcard '[{"allow": True, "type": "c", "major": 1, "access": "rw"}]'
	expect_kmsg wildcard ok
	oci_leftovers
	v2 '[ -z "$(ls -d /sys/fs/cgroup/brig/*/ 2>/dev/null)" ]' || fail "v2 cgroups left"
}

test_v2_device_rules_partial_access () {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ "$(cat /proc/sys/kernel/printk_devkmsg 2>/dev/null)" != off ] || skip "printk.devkmsg=off"
	device_policy
	# Allowed for reading and mknod, not writing: the write-only open fails.
	kmsg_case rm '[{"allow": True, "type": "c", "major": 1, "minor": 11, "access": "rm"}]'
	expect_kmsg rm "$EPERM"
	# Allowed, then writing denied again by a later rule.
	kmsg_case later '[{"allow": True, "type": "c", "major": 1, "minor": 11, "access": "rwm"},
	                  {"allow": False, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	expect_kmsg later "$EPERM"
	# Allow everything, deny c 1:11 for reading and writing: an open for
	# writing alone is refused too (v1 refuses any overlap).
	kmsg_case allowall '[{"allow": True, "type": "a", "access": "rwm"},
	                     {"allow": False, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
	expect_kmsg allowall "$EPERM"
	# Allow everything, deny only reading: writing goes through.
	kmsg_case denyread '[{"allow": True, "type": "a", "access": "rwm"},
	                     {"allow": False, "type": "c", "major": 1, "minor": 11, "access": "r"}]'
	expect_kmsg denyread ok
	# Allow everything, then deny everything again: only brig's own nodes.
	kmsg_case reset '[{"allow": True, "type": "a", "access": "rwm"}, {"allow": False, "type": "a"}]'
	expect_kmsg reset "$EPERM"
	oci_leftovers
}

test_v2_default_devices_usable_and_no_descriptor_leaks () {
	out=$(v2 'printf "t open /dev/null rw; t open /dev/zero r; t open /dev/urandom r; t open /dev/full w; t open /dev/ptmx rw; t open \$(tty) rw; exit\n" |
		"$BRIG" run -t --memory 0 --pids-limit -1 ./img sh' | tr -d '\r')
	for d in null zero urandom full ptmx; do
		expect_match "^open /dev/$d ok$" "$out" "/dev/$d"
	done
	expect_match "^open /dev/pts/[0-9]+ ok$" "$out" "the pty"
	# 0, 1 and 2 only: the eBPF program's descriptor is not among them.
	out=$(v2 '"$BRIG" run --memory 0 --pids-limit -1 ./img t fds')
	expect_eq "0 1 2" "$(echo $out)" "descriptors"
}
