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
tree_state () { find "$1" -printf '%i %T@ %p\n' | sort -k3; }

test_second_overlay_container_unpacks_nothing () {
	grep -q overlay /proc/filesystems || skip "no overlayfs"
	two_layer_image
	expect_eq "from the second layer" "$(brig run reuse:1)"
	expect_eq 2 "$(ls "$(STORE)/layers" | grep -c -- '-100000-100000-65536$')" "one directory per layer"
	before=$(tree_state "$(STORE)/layers")
	expect_eq "from the second layer" "$(brig run reuse:1)"
	expect_eq "from the second layer" "$(brig run -w /work --rw-rootfs reuse:1)"
	after=$(tree_state "$(STORE)/layers")
	[ "$before" = "$after" ] || fail "the layers changed: $(diff <(echo "$before") <(echo "$after") | head -20)"
	expect_eq "" "$(ls -A "$(STORE)/containers")" "container directories left"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary directories left"
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
