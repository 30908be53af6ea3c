# A second container from an image unpacks nothing again: the layer
# directories (overlay) or the flat root (BRIG_IMAGE_FLAT=1) the first
# made are used as they are (the same inodes, not touched since), and
# what each container had of its own is gone after it.

MK="python3 $TOP/tests/helper/mkimage.py"
ROOTFS=$TOP/build/share/images/busybox/rootfs
STORE() { echo "$BRIG_STATE_DIR/images"; }

two_layer_image () {
	$MK layer "$ROOTFS" "$WORK/base.tar"
	$MK layer2 "$WORK/l2.tar"
	$MK docker "$WORK/d.tar" "$WORK/base.tar" "$WORK/l2.tar" --tag reuse:1 --user 1000:1000 \
		--cmd '["cat","/hello.txt"]'
	brig load -i "$WORK/d.tar" > /dev/null
}

# Every directory under DIR with its inode and mtime, and every file's.
tree_state () { find "$1" -mindepth 1 -printf '%i %T@ %p\n' | sort -k3; }

test_second_overlay_container_unpacks_nothing () {
	grep -q overlay /proc/filesystems || skip "no overlayfs"
	two_layer_image
	expect_eq "from the second layer" "$(brig run reuse:1)"
	expect_eq 2 "$(ls "$(STORE)/layers" | grep -c -- '-100000-100000-65536$')" "one directory per layer"
	before=$(tree_state "$(STORE)/layers")
	# The last container's directory: its hold and mount point (inodes),
	# its base layer (the mount points: inodes and mtimes of all of it).
	spare_state () { stat -c '%i %n' "$(STORE)/spare/hold" "$(STORE)/spare/root"; find "$(STORE)"/spare/base-* -printf '%i %T@ %P\n' | sort -k3; }
	spare=$(spare_state)
	expect_match "^[0-9]+ [0-9.]+ etc/hosts$" "$spare" "the base layer (mount points) kept with it"
	expect_eq "from the second layer" "$(brig run reuse:1)"
	# The same mount points: the last container's directory serves again,
	# base layer and all, nothing made anew.
	expect_eq "$spare" "$(spare_state)" "the spare container directory"
	expect_eq "from the second layer" "$(brig run -w /work --rw-rootfs reuse:1)"
	after=$(tree_state "$(STORE)/layers")
	[ "$before" = "$after" ] || fail "the layers changed: $(diff <(echo "$before") <(echo "$after") | head -20)"
	expect_eq "" "$(ls -A "$(STORE)/containers")" "container directories left"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary directories left"
	# A writable container's directory (its upper) is not kept.
	[ ! -e "$(STORE)/spare" ] || fail "a writable container's directory was kept"
	expect_eq "from the second layer" "$(brig run reuse:1)"
	expect_match "^base-[0-9a-f]{16}-100000-100000-65536 hold root$" "$(ls "$(STORE)/spare" | tr '\n' ' ' | sed 's/ $//')" "the spare: its base layer, a hold, an empty mount point"
	expect_eq "" "$(ls -A "$(STORE)/spare/root")" "the spare's mount point is empty"
	# Gone with the image.
	brig rmi reuse:1 > /dev/null
	brig gc > /dev/null
	expect_eq "" "$(ls -A "$(STORE)/layers")" "layers after gc"
	[ ! -e "$(STORE)/spare" ] || fail "the spare left after gc"
	expect_nothing_left
}

# Two containers at once: each its own directory; one is kept, the other
# removed, and both run.
test_concurrent_containers_and_the_spare () {
	grep -q overlay /proc/filesystems || skip "no overlayfs"
	two_layer_image
	brig run reuse:1 > /dev/null
	for c in a b c; do brig run reuse:1 sh -c 'cat /hello.txt; sleep 3' > "$WORK/$c" & done
	for i in $(seq 50); do [ "$(ls "$(STORE)/containers" | wc -l)" = 3 ] && break; sleep 0.1; done
	expect_eq 3 "$(ls "$(STORE)/containers" | wc -l)" "three running containers, each its directory"
	wait
	for c in a b c; do expect_eq "from the second layer" "$(cat "$WORK/$c")" "container $c"; done
	expect_eq "" "$(ls -A "$(STORE)/containers")" "container directories left"
	expect_match "^base-[0-9a-f]{16}-100000-100000-65536 hold root$" "$(ls "$(STORE)/spare" | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "from the second layer" "$(brig run reuse:1)"
	# The spare's hold still locked by someone (a last container's
	# process on its way out): a new hold, no waiting for it.
	old=$(stat -c %i "$(STORE)/spare/hold")
	flock "$(STORE)/spare/hold" sleep 20 &
	for i in $(seq 50); do flock -n "$(STORE)/spare/hold" true || break; sleep 0.1; done
	! flock -n "$(STORE)/spare/hold" true || fail "the hold is not locked (the test proves nothing)"
	run_status st timeout 10 "$BRIG" run reuse:1
	expect_eq 0 "$st" "a run while the spare's hold is locked: $out"
	expect_eq "from the second layer" "$out"
	[ "$old" != "$(stat -c %i "$(STORE)/spare/hold")" ] || fail "the locked hold was used again"
	kill %1 2>/dev/null || true
	wait || true
	expect_nothing_left
}

test_second_flat_container_unpacks_nothing () {
	two_layer_image
	export BRIG_IMAGE_FLAT=1
	expect_eq "from the second layer" "$(brig run reuse:1)"
	expect_eq 1 "$(ls "$(STORE)/flat" | wc -l)" "one flat root"
	before=$(tree_state "$(STORE)/flat")
	expect_eq "from the second layer" "$(brig run reuse:1)"
	after=$(tree_state "$(STORE)/flat")
	[ "$before" = "$after" ] || fail "the flat root changed: $(diff <(echo "$before") <(echo "$after") | head -20)"
	expect_eq "" "$(ls -A "$(STORE)/containers")" "container directories left"
	expect_nothing_left
}
