# Relaxing a default works as asked and is written to the audit log.

test_cap_add_gives_exactly_that_set () {
	st=$(brig run --cap-add NET_BIND_SERVICE --cap-add cap_chown ./img cat /proc/self/status)
	for f in CapPrm CapEff CapBnd; do
		expect_eq 0000000000000401 "$(echo "$st" | status_field $f)" "$f"
	done
	expect_eq 0000000000000000 "$(echo "$st" | status_field CapInh)" CapInh
	expect_eq 0000000000000000 "$(echo "$st" | status_field CapAmb)" CapAmb
	grep -q '"event":"relaxation".*"kind":"cap-add","detail":"CAP_CHOWN,CAP_NET_BIND_SERVICE"' \
		"$BRIG_STATE_DIR/audit.log" || fail "no relaxation logged: $(cat "$BRIG_STATE_DIR/audit.log")"
}

test_cap_add_for_non_root_user_is_ambient () {
	st=$(brig run -u user --cap-add NET_BIND_SERVICE ./img cat /proc/self/status)
	expect_eq 0000000000000400 "$(echo "$st" | status_field CapEff)" CapEff
	expect_eq 0000000000000400 "$(echo "$st" | status_field CapBnd)" CapBnd
	expect_eq 0000000000000400 "$(echo "$st" | status_field CapAmb)" CapAmb
}

test_cap_drop_all_then_add () {
	st=$(brig run --cap-drop ALL --cap-add KILL ./img cat /proc/self/status)
	expect_eq 0000000000000020 "$(echo "$st" | status_field CapEff)" CapEff
	st=$(brig run --cap-add KILL --cap-drop KILL ./img cat /proc/self/status)
	expect_eq 0000000000000000 "$(echo "$st" | status_field CapEff)" CapEff
}

test_cap_sys_admin_allows_mount_in_profile () {
	out=$(brig run --cap-add SYS_ADMIN ./img t try mount)
	expect_match "^mount ok" "$out"
}

test_seccomp_unconfined () {
	expect_eq 0 "$(brig run --security-opt seccomp=unconfined ./img cat /proc/self/status | status_field Seccomp)"
	grep -q '"kind":"seccomp","detail":"unconfined"' "$BRIG_STATE_DIR/audit.log" ||
		fail "no seccomp relaxation logged"
}

test_custom_seccomp_profile () {
	cat > "$WORK/profile.json" <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 }
  ]
}
JSON
	out=$(brig run --rw-rootfs --security-opt "seccomp=$WORK/profile.json" ./img sh -c 'mkdir /tmp/d 2>&1; echo done')
	expect_match "Permission denied" "$out"
	grep -q '"kind":"seccomp","detail":"custom profile' "$BRIG_STATE_DIR/audit.log" ||
		fail "no custom-profile relaxation logged"
}

test_rw_rootfs () {
	# A writable root is not idmapped: container root writes as host uid
	# 100000, so the image must belong to that range to be written.
	run_status st brig run --rw-rootfs ./img sh -c 'echo hello > /written'
	expect_match "Permission denied" "$out" "writing host root's directory"
	chown -R 100000:100000 "$IMG"
	brig run --rw-rootfs ./img sh -c 'echo hello > /written'
	expect_eq hello "$(cat "$IMG/written")"
	expect_eq 100000 "$(stat -c %u "$IMG/written")" "owner on the host"
	grep -q '"kind":"rw-rootfs"' "$BRIG_STATE_DIR/audit.log" || fail "no rw-rootfs relaxation logged"
}

test_rw_rootfs_cannot_plant_setuid_root_on_host () {
	chown 100000:100000 "$IMG"
	brig run --rw-rootfs ./img sh -c 'cp /bin/busybox /suid && chmod 4755 /suid'
	expect_eq "100000 4755" "$(stat -c '%u %a' "$IMG/suid")" "the planted file on the host"
}

test_sys_admin_remount_cannot_write_host_files () {
	out=$(brig run --cap-add SYS_ADMIN ./img sh -c 'mount -o remount,rw / && echo remounted; echo x > /etc/passwd 2>&1; touch /etc/new 2>&1' 2>&1 || true)
	expect_match "Permission denied|Read-only file system" "$out"
	expect_eq 3 "$(wc -l < "$IMG/etc/passwd")" "/etc/passwd on the host"
	[ ! -e "$IMG/etc/new" ] || fail "created a file in the host image"
}

test_tmpfs_option () {
	out=$(brig run --tmpfs /mnt:size=1m,mode=700 ./img sh -c 'stat -c %a /mnt; grep " /mnt " /proc/self/mountinfo')
	expect_match "^700" "$out"
	expect_match "nosuid,nodev,noexec" "$out"
	expect_match "size=1024k" "$out"
}

test_audit_log_lifecycle () {
	brig run --name lifecycle --log "$WORK/audit.jsonl" ./img sh -c 'exit 3' || true
	log=$(cat "$WORK/audit.jsonl")
	expect_eq 3 "$(echo "$log" | wc -l)" "events"
	expect_match '^\{"time":"[0-9T:-]+Z","event":"created","id":"[0-9a-f]{64}","name":"lifecycle","image":"./img"' "$(echo "$log" | sed -n 1p)"
	expect_match '"event":"started".*"pid":[0-9]+' "$(echo "$log" | sed -n 2p)"
	expect_match '"event":"exited".*"status":3,"oom_killed":false' "$(echo "$log" | sed -n 3p)"
}

test_missing_mount_point_created_in_image () {
	rmdir "$IMG/tmp"
	out=$(brig run ./img sh -c 'touch /tmp/x && echo ok')
	expect_eq ok "$out"
	[ -d "$IMG/tmp" ] || fail "/tmp not created in the image"
}
