# Run by an unprivileged user (rootless) and under `unshare -r`.

test_rootless_maps_own_id () {
	[ "$(id -u)" = 0 ] || skip "needs root to switch to the unprivileged user"
	chmod 755 "$TOP/build" "$TOP/build/asan" 2>/dev/null || true
	as_nobody test -x "$BRIG" || skip "$BRIG is not reachable by uid $NOBODY_UID"
	out=$(as_nobody "$BRIG" run ./img sh -c 'cat /proc/self/uid_map; id; cat /proc/self/status' 2> "$WORK/err")
	expect_match "^ +0 +$NOBODY_UID +1$" "$(echo "$out" | sed -n 1p)" uid_map
	expect_match "^uid=0\(root\)" "$(echo "$out" | sed -n 2p)"
	for f in CapEff CapBnd CapPrm; do
		expect_eq 0000000000000000 "$(echo "$out" | status_field $f)" "$f"
	done
	expect_eq 2 "$(echo "$out" | status_field Seccomp)" Seccomp
	expect_eq 1 "$(echo "$out" | status_field NoNewPrivs)" NoNewPrivs
	expect_match "rootless: no cgroup is delegated.*NOT applied" "$(cat "$WORK/err")" warning
	out=$(as_nobody "$BRIG" run ./img sh -c 'touch /x' 2>&1 || true)
	expect_match "Read-only file system" "$out"
	[ -z "$(find "$WORK/nobody/run" -type f 2>/dev/null)" ] || fail "rootless state left behind"
}

test_rootless_refuses_other_users () {
	[ "$(id -u)" = 0 ] || skip "needs root to switch to the unprivileged user"
	set +e
	out=$(as_nobody "$BRIG" run -u 1000 ./img id 2>&1); st=$?
	set -e
	expect_eq 125 "$st"
	expect_match "only root \(0:0\) is mapped" "$out"
}

test_under_unshare_r () {
	out=$(unshare -r "$BRIG" run ./img sh -c 'id -u; grep -E "^(CapEff|Seccomp)" /proc/self/status' 2>&1)
	expect_match "^0$" "$(echo "$out" | grep -v warning | sed -n 1p)"
	expect_match "Seccomp:.2" "$out"
}

test_rootless_named_root_user () {
	[ "$(id -u)" = 0 ] || skip "needs root to switch to the unprivileged user"
	out=$(as_nobody "$BRIG" run -u root ./img id 2>/dev/null)
	# setgroups(2) is denied unprivileged: no supplementary groups to show.
	expect_eq "uid=0(root) gid=0(root)" "$out"
}
