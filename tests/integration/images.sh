# The image store: load docker-save and OCI archives and layouts made here
# from the busybox root filesystem, list, inspect, tag, remove, collect,
# run; bad archives and hostile layers are refused or defused, and leave
# nothing behind.

MK="python3 $TOP/tests/helper/mkimage.py"
ROOTFS=$TOP/build/share/images/busybox/rootfs
STORE() { echo "$BRIG_STATE_DIR/images"; }

# The base layer (the busybox root) and a second one (a file, a
# whiteout of /home, /var made opaque).
layers () {
	[ -f "$WORK/base.tar" ] || $MK layer "$ROOTFS" "$WORK/base.tar"
	[ -f "$WORK/l2.tar" ] || $MK layer2 "$WORK/l2.tar"
}

blob_count () { find "$(STORE)/blobs/sha256" -type f 2>/dev/null | wc -l; }

# Nothing of a failed load: no new blob, no temporary file, no tag.
expect_unchanged_store () { # blobs-before
	expect_eq "$1" "$(blob_count)" "blobs after a failed load"
	expect_eq "" "$(ls -A "$(STORE)/tmp" 2>/dev/null)" "temporary files"
}

test_docker_archive_load_inspect_run () {
	layers
	$MK docker "$WORK/d.tar" "$WORK/base.tar" "$WORK/l2.tar" --tag bb:1 --user 1000:1000 \
		--workdir /etc --env GREETING=hi --expose 8080/tcp \
		--healthcheck '["CMD","true"]' --cmd '["sh","-c","id -u; pwd; echo $GREETING; cat /hello.txt; ls /var; ls /home"]'
	out=$(brig load -i "$WORK/d.tar")
	expect_match "^Loaded image: bb:1 \(sha256:[0-9a-f]{64}\)" "$out"
	expect_match "^bb:1 +[0-9a-f]{12} " "$(brig images)"
	js=$(brig inspect bb:1)
	expect_eq 1000:1000 "$(echo "$js" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Config"]["User"])')"
	expect_eq 2 "$(echo "$js" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["RootFS"]["Layers"]))')"
	run_status st brig run bb:1
	expect_eq 1 "$st" "exit status (ls /home fails: the second layer whited it out)"
	expect_match "^1000$" "$out" "uid from the image's User"
	expect_match "^/etc$" "$out" "WorkingDir"
	expect_match "^hi$" "$out" "Env"
	expect_match "^from the second layer$" "$out"
	expect_match "^new$" "$out" "/var is opaque: only the second layer's file"
	expect_eq 1000:1001 "$(brig run bb:1 stat -c %u:%g /owned)" "an owner other than root, inside"
	expect_eq 101000:101001 "$(stat -c %u:%g "$(ls -d "$(STORE)"/layers/*/owned)")" "and shifted on the host"
	expect_no_match "^log$|^spool$" "$out" "the first layer's /var"
	# The audit log says exactly what ran: the digest behind the tag.
	digest=$(echo "$js" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Digest"])')
	grep -q "\"event\":\"image\".*\"ref\":\"bb:1\",\"digest\":\"$digest\".*\"pinned\":false.*\"exposed_ports\":\[\"8080/tcp\"\],\"healthcheck\":\[\"CMD\",\"true\"\]" \
		"$BRIG_STATE_DIR/audit.log" || fail "no image event: $(cat "$BRIG_STATE_DIR/audit.log")"
	if grep -q '"rule":"BRIG-C018"' "$BRIG_STATE_DIR/audit.log"; then fail "a non-root image reported as root"; fi
	# A command replaces Cmd; a pinned reference is logged as pinned.
	expect_eq hello "$(brig run "bb:1@$digest" echo hello)"
	grep -q "\"ref\":\"bb:1@$digest\".*\"pinned\":true" "$BRIG_STATE_DIR/audit.log" ||
		fail "pinned run not logged as pinned"
	expect_nothing_left
	expect_eq "" "$(ls -A "$(STORE)/containers")" "container directories left"
}

test_oci_layout_dir_and_archive_zstd_gzip () {
	layers
	$MK oci "$WORK/odir" "$WORK/base.tar" --tag odir:1 --entrypoint '["echo","entry"]' --cmd '["cmd"]'
	$MK oci "$WORK/oz.tar" "$WORK/base.tar" --tag oz:1 --compress zstd --cmd '["echo","zstd"]'
	$MK oci "$WORK/og.tar" "$WORK/base.tar" --tag og:1 --compress gzip --gzip-archive --cmd '["echo","gzip"]'
	brig load --oci "$WORK/odir" > /dev/null
	brig load -i "$WORK/oz.tar" > /dev/null
	brig load -i "$WORK/og.tar" > /dev/null
	expect_eq "entry cmd" "$(brig run odir:1)" "Entrypoint then Cmd"
	expect_eq "entry x" "$(brig run odir:1 x)" "Entrypoint then the command given"
	expect_eq "hi" "$(brig run --entrypoint echo odir:1 hi)" "--entrypoint drops Cmd"
	expect_eq "" "$(brig run --entrypoint echo odir:1)" "--entrypoint alone: no Cmd"
	expect_eq "x" "$(brig run --entrypoint '' odir:1 echo x)" "no entrypoint"
	expect_eq "a" "$(brig run --entrypoint echo busybox a)" "--entrypoint with the embedded image"
	expect_eq zstd "$(brig run oz:1)"
	expect_eq gzip "$(brig run og:1)"
	expect_match "tar\+zstd" "$(brig inspect oz:1)"
	# Same layer three ways compressed, one unpacked copy each: the
	# overlay lower layers are shared by diff_id.
	expect_eq 1 "$(ls "$(STORE)/layers" | wc -l)" "unpacked layers"
}

test_multi_platform_index_picks_this_machine () {
	layers
	$MK oci "$WORK/multi.tar" "$WORK/base.tar" --tag multi:1 --multi --cmd '["echo","this machine"]'
	brig load -i "$WORK/multi.tar" > /dev/null
	expect_eq "this machine" "$(brig run multi:1)"
	# An image for another machine alone: refused by name, not an exec error.
	$MK docker "$WORK/other.tar" "$WORK/base.tar" --tag other:1 --arch s390x --cmd '["true"]'
	brig load -i "$WORK/other.tar" > /dev/null
	run_status st brig run other:1
	expect_eq 125 "$st"
	expect_match "image .other:1. is for linux/s390x; this machine runs linux/" "$out"
	expect_eq "$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')" \
		"$(brig inspect multi:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Architecture"])')"
}

test_tag_rmi_gc () {
	layers
	$MK docker "$WORK/d.tar" "$WORK/base.tar" --tag one:1 --cmd '["true"]'
	brig load -i "$WORK/d.tar" > /dev/null
	brig tag one:1 two
	expect_match "^two:latest " "$(brig images)"
	id=$(brig images -q | head -1)
	expect_match "^one:1 +$id" "$(brig images)"
	brig run two true
	expect_eq "Untagged: one:1" "$(brig rmi one:1)"
	expect_match "^two:latest" "$(brig images)"
	before=$(blob_count)
	out=$(brig gc)
	expect_match "Removed 0 blobs" "$out" "gc while an image uses the blobs"
	expect_eq "$before" "$(blob_count)"
	out=$(brig rmi two)
	expect_match "Untagged: two:latest" "$out"
	expect_match "Deleted: sha256:" "$out"
	expect_eq "" "$(brig images -q)"
	out=$(brig gc)
	expect_match "Removed 3 blobs, 1 unpacked layers" "$out"
	expect_eq 0 "$(blob_count)"
	expect_eq "" "$(ls -A "$(STORE)/layers")"
	run_status st brig rmi nothing:here
	expect_eq 125 "$st"
	expect_match "no image .nothing:here. in the store" "$out"
	run_status st brig run nothing:here
	expect_eq 125 "$st"
	expect_match "image .nothing:here.: expected .busybox. \(the embedded image\), an image of the store" "$out"
}

test_rmi_by_id_and_digest_prefix () {
	layers
	$MK docker "$WORK/d.tar" "$WORK/base.tar" --tag a:1 --cmd '["true"]'
	brig load -i "$WORK/d.tar" > /dev/null
	brig tag a:1 b:1
	id=$(brig images -q | head -1)
	expect_eq ok "$(brig run "$id" echo ok)" "run by id prefix"
	out=$(brig rmi "$id")
	expect_match "Deleted: sha256:" "$out"
	expect_eq "" "$(brig images -q)"
}

test_bad_archives_are_refused_and_leave_nothing () {
	layers
	$MK docker "$WORK/ok.tar" "$WORK/base.tar" --tag ok:1 --cmd '["true"]'
	brig load -i "$WORK/ok.tar" > /dev/null
	before=$(blob_count)
	refs=$(cat "$(STORE)/refs.json")
	check () { # expected-message file [--oci]
		local want=$1; shift
		run_status st brig load "$@"
		expect_eq 125 "$st" "status of brig load $*"
		expect_match "$want" "$out" "brig load $*"
		expect_unchanged_store "$before"
		expect_eq "$refs" "$(cat "$(STORE)/refs.json")" "tags after a failed load"
	}
	$MK docker "$WORK/c1.tar" "$WORK/l2.tar" --corrupt-layer
	check "its uncompressed content has digest .* but the image config says" -i "$WORK/c1.tar"
	$MK oci "$WORK/c2.tar" "$WORK/l2.tar" --wrong-digest
	check "its content has digest sha256:[0-9a-f]{64}, not sha256:" -i "$WORK/c2.tar"
	$MK oci "$WORK/c3" "$WORK/l2.tar" --missing-layer
	check "c3: .blobs/sha256/[0-9a-f]{64}.: No such file" --oci "$WORK/c3"
	$MK docker "$WORK/c4.tar" "$WORK/l2.tar" --missing-layer
	check "no member .*layer.tar. \(the archive is incomplete\)" -i "$WORK/c4.tar"
	$MK docker "$WORK/c5.tar" "$WORK/base.tar" "$WORK/l2.tar" --truncate 600000
	check "c5.tar: truncated at byte 600000" -i "$WORK/c5.tar"
	$MK oci "$WORK/c6.tar" "$WORK/base.tar" --compress gzip --corrupt-layer
	check "(layer sha256:[0-9a-f]{64}|blobs/sha256/[0-9a-f]{64}.): .*(corrupted gzip data|bad header checksum|its content has digest)" -i "$WORK/c6.tar"
	echo "not an archive at all, just text" > "$WORK/c7.tar"
	check "c7.tar: not a tar archive \(33 bytes, less than one header\)" -i "$WORK/c7.tar"
	python3 -c "import sys; sys.stdout.buffer.write(bytes(range(1, 256)) * 16)" > "$WORK/c8.tar"
	check "c8.tar: bad header checksum at byte 0 \(not a tar archive, or a corrupted one\)" -i "$WORK/c8.tar"
	check "archive .*/nonexistent.tar.: No such file" -i "$WORK/nonexistent.tar"
	check "give one of -i FILE or --oci DIR" -i "$WORK/ok.tar" --oci "$WORK/c3"
}

test_corrupted_blob_in_the_store_is_caught_on_read () {
	layers
	$MK docker "$WORK/d.tar" "$WORK/base.tar" --tag c:1 --cmd '["true"]'
	brig load -i "$WORK/d.tar" > /dev/null
	cfg=$(brig inspect c:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"][7:])')
	printf ' ' >> "$(STORE)/blobs/sha256/$cfg"
	run_status st brig run c:1
	expect_eq 125 "$st"
	expect_match "blob sha256:$cfg in the image store has digest sha256:[0-9a-f]{64}: it is corrupted" "$out"
	# Loading the image again replaces the damaged copy.
	brig load -i "$WORK/d.tar" > /dev/null
	brig run c:1
	# A layer altered after load is caught when it is unpacked.
	$MK docker "$WORK/e.tar" "$WORK/l2.tar" --tag e:1 --cmd '["true"]'
	brig load -i "$WORK/e.tar" > /dev/null
	layer=$(brig inspect e:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][0]["digest"][7:])')
	python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[520]^=1; open(p,'wb').write(b)" "$(STORE)/blobs/sha256/$layer"
	run_status st brig run e:1
	expect_eq 125 "$st"
	expect_match "layer sha256:$layer: .*(digest|checksum)" "$out"
	expect_eq "" "$(ls -A "$(STORE)/layers" | grep "^$(brig inspect e:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["RootFS"]["Layers"][0][7:])')" || true)" "half-unpacked layer"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary files"
	expect_nothing_left
}

test_root_image_is_a_finding_and_refused_under_strict () {
	layers
	$MK docker "$WORK/r.tar" "$WORK/base.tar" --tag r:1 --cmd '["id","-u"]'
	brig load -i "$WORK/r.tar" > /dev/null
	expect_eq 0 "$(brig run r:1)"
	grep -q '"rule":"BRIG-C018","action":"audit","detail":"image r:1 runs as root (no User set)"' \
		"$BRIG_STATE_DIR/audit.log" || fail "no root finding: $(cat "$BRIG_STATE_DIR/audit.log")"
	run_status st brig run --strict r:1
	expect_eq 125 "$st"
	expect_match "refused by policy rule BRIG-C018 \(image runs as root\): image r:1 runs as root" "$out"
	grep -q '"rule":"BRIG-C018","action":"enforce"' "$BRIG_STATE_DIR/audit.log" || fail "refusal not logged"
	expect_eq 1000 "$(brig run --strict -u 1000 r:1)" "--strict with a non-root -u"
	# The same refusal as a key of the policy file, and -u 0 is still root.
	echo '{"rules": {"BRIG-C018": "enforce"}}' > "$WORK/strict.json"
	run_status st env BRIG_POLICY="$WORK/strict.json" "$BRIG" run -u 0 r:1
	expect_eq 125 "$st" "BRIG-C018 enforced by the policy file"
	expect_match "BRIG-C018.*$WORK/strict.json" "$out"
	expect_eq 1000 "$(BRIG_POLICY="$WORK/strict.json" "$BRIG" run -u 1000 r:1)"
	# Off: not even logged.
	echo '{"rules": {"BRIG-C018": "off"}}' > "$WORK/off.json"
	: > "$BRIG_STATE_DIR/audit.log"
	expect_eq 0 "$(BRIG_POLICY="$WORK/off.json" "$BRIG" run r:1)"
	if grep -q BRIG-C018 "$BRIG_STATE_DIR/audit.log"; then fail "an off rule was logged"; fi
	expect_nothing_left
	expect_eq "" "$(ls -A "$(STORE)/containers")"
}

test_writable_root_gets_its_own_upper () {
	layers
	$MK docker "$WORK/w.tar" "$WORK/base.tar" --tag w:1 --cmd '["true"]'
	brig load -i "$WORK/w.tar" > /dev/null
	brig run --rw-rootfs w:1 sh -c 'echo changed > /etc/motd-new; rm /bin/ls'
	# The shared layer is untouched, and so is the next container.
	expect_eq "" "$(find "$(STORE)/layers" -name motd-new)"
	expect_match "ls" "$(brig run w:1 sh -c 'command -v ls')"
	run_status st brig run w:1 sh -c 'echo x > /etc/y'
	expect_match "Read-only file system" "$out"
	expect_eq "" "$(ls -A "$(STORE)/containers")"
}

test_unprivileged_flat_root () {
	layers
	$MK docker "$WORK/u.tar" "$WORK/base.tar" "$WORK/l2.tar" --tag u:1 --cmd '["sh","-c","cat /hello.txt; ls /var; ls /home 2>&1 || true"]'
	chmod 644 "$WORK/u.tar"
	as_nobody "$BRIG" load -i "$WORK/u.tar" > /dev/null
	out=$(as_nobody "$BRIG" run u:1)
	expect_match "^from the second layer$" "$out"
	expect_match "^new$" "$out"
	expect_match "No such file" "$out" "/home whited out"
	[ -d "$WORK/nobody/state/images/flat" ] && [ -n "$(ls "$WORK/nobody/state/images/flat")" ] ||
		fail "no flat root"
}

# A hostile layer KIND on top of busybox, loaded as evil:KIND.
load_evil () {
	layers
	$MK evil "$1" "$WORK/evil-$1.layer"
	$MK docker "$WORK/evil-$1.tar" "$WORK/base.tar" "$WORK/evil-$1.layer" --tag "evil:$1" --cmd '["true"]'
	brig load -i "$WORK/evil-$1.tar" > /dev/null
}

# After a refused layer: no half-unpacked layer, no temporary directory,
# no container directory.
expect_clean_store () {
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary files"
	expect_eq "" "$(ls -A "$(STORE)/containers")" "container directories"
	expect_eq 1 "$(ls "$(STORE)/layers" | wc -l)" "unpacked layers (only the base)"
}

test_evil_dotdot_is_refused () {
	rm -f /tmp/brig-evil-dotdot
	load_evil dotdot
	run_status st brig run evil:dotdot
	expect_eq 125 "$st"
	expect_match "entry .\.\./\.\./\.\./\.\./tmp/brig-evil-dotdot. leaves the root .*refused" "$out"
	[ ! -e /tmp/brig-evil-dotdot ] || fail "a file escaped to /tmp"
	expect_clean_store
	expect_nothing_left
}

test_evil_absolute_path_stays_inside () {
	load_evil absolute
	expect_eq inside "$(brig run evil:absolute cat /brig-evil-absolute)"
	[ ! -e /brig-evil-absolute ] || fail "a file escaped to the host's /"
}

test_evil_symlink_to_host_dir_is_not_followed_out () {
	rm -f /tmp/brig-evil-symlink
	load_evil symlink-escape
	run_status st brig run evil:symlink-escape
	[ ! -e /tmp/brig-evil-symlink ] || fail "a file was written through a symlink to the host's /tmp"
	# Resolved inside the root, /tmp does not exist in the layer, so
	# the entry fails with a clear error rather than going anywhere.
	expect_eq 125 "$st"
	expect_match "esc/brig-evil-symlink.*its directory .esc." "$out"
	expect_clean_store
	# Unprivileged (flat) the root's own /tmp is there: it lands inside.
	chmod 644 "$WORK/evil-symlink-escape.tar"
	as_nobody "$BRIG" load -i "$WORK/evil-symlink-escape.tar" > /dev/null
	as_nobody "$BRIG" run evil:symlink-escape
	[ ! -e /tmp/brig-evil-symlink ] || fail "a file was written through a symlink to the host's /tmp"
	[ -f "$(ls -d "$WORK"/nobody/state/images/flat/*/)tmp/brig-evil-symlink" ] ||
		fail "the entry did not land inside the root"
}

test_evil_symlinked_parent_resolves_in_root () {
	load_evil symlink-parent
	expect_eq "where am I" "$(brig run evil:symlink-parent cat /brig-evil-parent)"
	for d in / "$WORK" "$BRIG_STATE_DIR" "$(STORE)"; do
		[ ! -e "$d/brig-evil-parent" ] || fail "escaped to $d"
	done
}

test_evil_hardlinks_are_refused () {
	load_evil hardlink-escape
	run_status st brig run evil:hardlink-escape
	expect_eq 125 "$st"
	expect_match "hard link target .\.\./\.\./\.\./\.\./etc/passwd. leaves the root" "$out"
	load_evil hardlink-absolute
	run_status st brig run evil:hardlink-absolute
	expect_eq 125 "$st"
	expect_match "hard link .hl.: its target ./etc/hostname-of-host-not-in-layer. is not in this layer" "$out"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary files"
	expect_nothing_left
}

test_evil_devices_are_dropped () {
	load_evil device
	brig run evil:device test -f /after-devices
	expect_eq "" "$(find "$(STORE)/layers" -name 'evil-*')" "device nodes unpacked"
}

test_evil_setuid_bits_are_cleared () {
	load_evil setuid
	expect_eq 755 "$(brig run evil:setuid stat -c %a /suid-file)"
	expect_eq 0 "$(find "$(STORE)/layers" -perm /6000 -type f | wc -l)" "setuid files in the store"
	# A policy may keep them: the layer is unpacked again for it, beside
	# the cleared copy, which other containers go on using.
	echo '{"keep_image_setid": true}' > "$WORK/setid.json"
	expect_eq 6755 "$(BRIG_POLICY="$WORK/setid.json" "$BRIG" run evil:setuid stat -c %a /suid-file)"
	expect_no_match nosuid "$(BRIG_POLICY="$WORK/setid.json" "$BRIG" run evil:setuid grep ' / / ' /proc/self/mountinfo)" \
		"the root of a policy that keeps setuid bits"
	expect_match nosuid "$(brig run evil:setuid grep ' / / ' /proc/self/mountinfo)" "the default root"
	expect_eq 755 "$(brig run evil:setuid stat -c %a /suid-file)" "the default policy's copy"
	expect_eq 1 "$(find "$(STORE)/layers" -perm /6000 -type f | wc -l)" "setuid files in the store"
	echo '{"keep_image_setid": "yes"}' > "$WORK/bad.json"
	run_status st env BRIG_POLICY="$WORK/bad.json" "$BRIG" run evil:setuid true
	expect_eq 125 "$st"
	expect_match "bad.json: keep_image_setid: expected true or false" "$out"
	expect_nothing_left
}

test_evil_decompression_bomb_is_refused () {
	layers
	$MK evil bomb "$WORK/bomb.layer"
	$MK docker "$WORK/bomb.tar" "$WORK/base.tar" "$WORK/bomb.layer" --tag bomb:1 --compress gzip
	before=$(blob_count)
	run_status st brig load --max-layer-size 4m -i "$WORK/bomb.tar"
	expect_eq 125 "$st"
	expect_match "more than 4194304 bytes once decompressed \(a decompression bomb" "$out"
	expect_unchanged_store "$before"
	expect_eq "" "$(brig images -q)"
}

test_evil_whiteout_of_dotdot_is_refused () {
	load_evil whiteout-dotdot
	run_status st brig run evil:whiteout-dotdot
	expect_eq 125 "$st"
	expect_match "whiteout .etc/\.wh\.\.. names no file" "$out"
	expect_clean_store
}

test_evil_overlay_xattrs_are_dropped () {
	load_evil xattr
	brig run evil:xattr true
	f=$(find "$(STORE)/layers" -name x -type f | head -1)
	[ -n "$f" ] || fail "no file x unpacked"
	python3 - "$f" <<'PY' || fail "xattrs: trusted.* must be dropped, user.* kept"
import os, sys
names = os.listxattr(sys.argv[1])
assert "trusted.overlay.redirect" not in names, names
assert os.getxattr(sys.argv[1], "user.ok") == b"kept"
PY
}

# Real images: podman imports the busybox root (in a storage of its own
# under $WORK), saves it in both formats, and skopeo copies it to OCI
# layouts (gzip and zstd); docker save from a dockerd of its own.
podman_image () {
	command -v podman >/dev/null || skip "podman is not installed"
	P="podman --root $WORK/podman/root --runroot $WORK/podman/run --storage-driver vfs"
	tar -C "$ROOTFS" -cf "$WORK/rootfs.tar" .
	$P import --change 'CMD ["echo","from podman"]' --change 'USER 1000' \
		"$WORK/rootfs.tar" brigtest:podman >/dev/null 2>&1 || fail "podman import failed"
}

test_podman_save_docker_and_oci_archives () {
	podman_image
	$P save --format docker-archive -o "$WORK/p-docker.tar" brigtest:podman 2>/dev/null
	$P save --format oci-archive -o "$WORK/p-oci.tar" brigtest:podman 2>/dev/null
	out=$(brig load -i "$WORK/p-docker.tar")
	expect_match "Loaded image: localhost/brigtest:podman" "$out"
	expect_eq "from podman" "$(brig run brigtest:podman)"
	expect_eq 1000 "$(brig run brigtest:podman id -u)"
	brig rmi brigtest:podman > /dev/null
	out=$(brig load -i "$WORK/p-oci.tar")
	expect_match "Loaded image: localhost/brigtest:podman" "$out"
	expect_eq "from podman" "$(brig run localhost/brigtest:podman)"
	id=$($P image inspect --format '{{.Id}}' brigtest:podman)
	expect_match "\"Id\": \"sha256:$id\"" "$(brig inspect brigtest:podman)" "image id as podman has it"
	$P save --format oci-dir -o "$WORK/p-ocidir" brigtest:podman 2>/dev/null
	brig rmi localhost/brigtest:podman > /dev/null
	out=$(brig load --oci "$WORK/p-ocidir")
	expect_match "^Loaded image: localhost/brigtest:podman" "$out"
	expect_eq "from podman" "$(brig run "$($P image inspect --format '{{.Id}}' brigtest:podman | cut -c1-12)")" "by id"
}

test_skopeo_copy_to_oci_layouts () {
	podman_image
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	S="containers-storage:[vfs@$WORK/podman/root+$WORK/podman/run]localhost/brigtest:podman"
	skopeo copy -q "$S" "oci:$WORK/sk:brigtest:skopeo"
	skopeo copy -q --dest-compress-format zstd "$S" "oci:$WORK/skz:brigtest:zstd"
	skopeo copy -q "$S" "oci-archive:$WORK/sk-oci.tar:brigtest:ociarchive"
	skopeo copy -q "$S" "docker-archive:$WORK/sk-docker.tar:brigtest:dockerarchive"
	brig load -i "$WORK/sk-oci.tar" > /dev/null
	brig load -i "$WORK/sk-docker.tar" > /dev/null
	expect_eq "from podman" "$(brig run brigtest:ociarchive)"
	expect_eq "from podman" "$(brig run brigtest:dockerarchive)"
	brig load --oci "$WORK/sk" > /dev/null
	brig load --oci "$WORK/skz" > /dev/null
	expect_eq "from podman" "$(brig run brigtest:skopeo)"
	expect_eq "from podman" "$(brig run brigtest:zstd)"
	expect_match "tar\+zstd" "$(brig inspect brigtest:zstd)"
}

test_docker_save () {
	command -v dockerd >/dev/null || skip "docker.io is not installed"
	E=$WORK/d
	dockerd_start "$E"
	tar -C "$ROOTFS" -c . | $D import --change 'ENTRYPOINT ["echo"]' --change 'CMD ["from docker"]' \
		--change 'USER 1000:1000' - brigtest:docker > /dev/null
	$D tag brigtest:docker brigtest:second
	$D save -o "$WORK/docker-save.tar" brigtest:docker brigtest:second
	$D save brigtest:docker | gzip > "$WORK/docker-save.tar.gz"
	out=$(brig load -i "$WORK/docker-save.tar")
	expect_match "Loaded image: brigtest:docker" "$out"
	expect_match "Loaded image: brigtest:second" "$out"
	brig rmi brigtest:second > /dev/null
	expect_eq "from docker" "$(brig run brigtest:docker)"
	expect_eq "other words" "$(brig run brigtest:docker other words)"
	brig rmi brigtest:docker > /dev/null
	brig load -i "$WORK/docker-save.tar.gz" > /dev/null
	expect_eq "from docker" "$(brig run brigtest:docker)"
	brig rmi brigtest:docker > /dev/null
	$D save brigtest:docker | brig load -i - > /dev/null
	expect_eq "from docker" "$(brig run brigtest:docker)"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "the spooled input"
	id=$($D image inspect --format '{{.Id}}' brigtest:docker)
	expect_match "\"Id\": \"$id\"" "$(brig inspect brigtest:docker)" "image id as docker has it"
}

test_flat_fallback_as_root () {
	layers
	$MK docker "$WORK/f.tar" "$WORK/base.tar" "$WORK/l2.tar" --tag f:1 \
		--cmd '["sh","-c","cat /hello.txt; ls /var; stat -c %u /bin/busybox; ls /home 2>&1 || true"]'
	brig load -i "$WORK/f.tar" > /dev/null
	out=$(BRIG_IMAGE_FLAT=1 brig run f:1)
	expect_match "^from the second layer$" "$out"
	expect_match "^new$" "$out"
	expect_no_match "^log$" "$out" "the lower layer's /var under an opaque whiteout"
	expect_match "^0$" "$out" "container root owns the image's files"
	expect_match "No such file" "$out" "/home whited out"
	expect_eq "" "$(ls -A "$(STORE)/layers")" "no overlay layers when flat"
	expect_eq 100000 "$(stat -c %u "$(ls -d "$(STORE)"/flat/*/)bin/busybox")" "owners shifted on the host"
	# Writable and flat: a copy of its own, gone afterwards.
	BRIG_IMAGE_FLAT=1 brig run --rw-rootfs f:1 sh -c 'echo x > /written'
	expect_eq "" "$(find "$(STORE)" -name written)"
	expect_eq "" "$(ls -A "$(STORE)/containers")"
}

# The man pages of the image commands come from --help and the option
# tables: each option --help shows is in the page, and the page renders.
test_man_pages_follow_help () { expect_man_follows_help load images inspect tag rmi gc; }

test_bad_command_lines () {
	run_status st brig load
	expect_eq 125 "$st"
	expect_match "give one of -i FILE or --oci DIR" "$out"
	run_status st brig load -i x extra
	expect_match "unexpected argument .extra. \(usage: brig load" "$out"
	run_status st brig load -i x --max-layer-size 12q
	expect_match "invalid size .12q." "$out"
	run_status st brig load -i x -t 'Bad Name'
	expect_match "not an image name" "$out"
	run_status st brig tag onlyone
	expect_match "too few arguments \(usage: brig tag IMAGE NAME\[:TAG\]\)" "$out"
	run_status st brig inspect
	expect_match "too few arguments \(usage: brig inspect IMAGE\.\.\.\)" "$out"
	run_status st brig rmi
	expect_match "too few arguments" "$out"
	run_status st brig tag a b c
	expect_match "unexpected argument .c." "$out"
	run_status st brig gc extra
	expect_match "unexpected argument .extra." "$out"
	run_status st brig run 'UPPER/case'
	expect_eq 125 "$st"
	expect_match "not an image name" "$out"
	# The embedded image and directory roots are as they were.
	expect_eq ok "$(brig run busybox echo ok)"
	expect_eq ok "$(brig run ./img echo ok)"
}

test_gc_keeps_a_running_containers_image () {
	layers
	$MK docker "$WORK/g.tar" "$WORK/base.tar" --tag g:1 --cmd '["true"]'
	brig load -i "$WORK/g.tar" > /dev/null
	brig run g:1 sh -c 'touch /tmp/started; sleep 30' > /dev/null 2>&1 &
	for i in $(seq 100); do [ -n "$(ls "$(STORE)/containers" 2>/dev/null)" ] && break; sleep 0.1; done
	sleep 0.5
	brig rmi g:1 > /dev/null
	out=$(brig gc)
	expect_match "Removed 0 blobs, 0 unpacked layers, 0 flat roots, 0 stale containers" "$out"
	expect_eq 1 "$(ls "$(STORE)/layers" | wc -l)"
	kill -TERM "$(container_pid)"
	wait || true
	# What a killed brig would leave: a container directory nobody holds.
	mkdir -p "$(STORE)/containers/stale/upper"
	echo sha256:0000000000000000000000000000000000000000000000000000000000000000 > "$(STORE)/containers/stale/hold"
	out=$(brig gc)
	expect_match "Removed 3 blobs, 1 unpacked layers, 0 flat roots, 1 stale containers" "$out"
	expect_eq "" "$(ls -A "$(STORE)/containers")"
	expect_eq "" "$(ls -A "$(STORE)/layers")"
}

test_minimal_image_gets_its_mount_points () {
	mkdir -p "$WORK/mini/bin"
	cp "$ROOTFS/bin/busybox" "$WORK/mini/bin/"
	$MK layer "$WORK/mini" "$WORK/mini.layer"
	$MK docker "$WORK/mini.tar" "$WORK/mini.layer" --tag mini:1 --workdir /srv/app \
		--cmd '["/bin/busybox","sh","-c","pwd; /bin/busybox ls /"]'
	brig load -i "$WORK/mini.tar" > /dev/null
	out=$(brig run mini:1)
	expect_match "^/srv/app$" "$out" "a WorkingDir the image lacks"
	expect_match "^proc$" "$out"
	expect_match "^tmp$" "$out"
	# brig's /etc files and a volume's mount points, file and directory,
	# which the image lacks too.
	printf 'x\n' > "$WORK/afile"
	mkdir -p "$WORK/adir"
	out=$(brig run --hostname mini --add-host db:10.0.0.5 -v "$WORK/afile:/data/afile" \
		-v "$WORK/adir:/data/adir" mini:1 /bin/busybox sh -c \
		'/bin/busybox cat /etc/hostname /etc/hosts /data/afile; /bin/busybox ls -d /data/adir')
	expect_match "^mini$" "$out"
	expect_match "^10.0.0.5	db$" "$out"
	expect_match "^x$" "$out"
	expect_match "^/data/adir$" "$out"
	# An image's WorkingDir cannot name a place outside its root.
	$MK docker "$WORK/mini2.tar" "$WORK/mini.layer" --tag mini:2 --workdir /../../../x --cmd '["/bin/busybox","true"]'
	brig load -i "$WORK/mini2.tar" > /dev/null
	run_status st brig run mini:2
	expect_eq 125 "$st"
	expect_match "mount point: path ./\.\./\.\./\.\./x. leaves the root" "$out"
	expect_eq "" "$(ls -A "$(STORE)/containers")"
}

# An image's VOLUME gets an anonymous volume, as with Docker and Podman:
# writable, a copy of what the image has there (owner and mode too),
# removed with the container; --image-volume tmpfs puts the copy in a
# tmpfs, ignore leaves the read-only root and says so; a mount at or above
# the path wins.
test_image_volumes () {
	layers
	python3 - "$WORK/data.tar" <<'PY'
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
for name, uid, mode, data in [("data", 1000, 0o750, None), ("data/seed", 1000, 0o640, b"seeded\n"),
                              ("data/big", 1000, 0o644, b"x" * 100000),
                              ("srv", 0, 0o755, None), ("srv/www", 0, 0o755, None)]:
    ti = tarfile.TarInfo(name); ti.uid = ti.gid = uid; ti.mode = mode
    if data is None:
        ti.type = tarfile.DIRTYPE; t.addfile(ti)
    else:
        ti.size = len(data); t.addfile(ti, io.BytesIO(data))
for name, kind, target in [("data/big2", tarfile.LNKTYPE, "data/big"), ("lnk", tarfile.SYMTYPE, "/proc/sys/kernel")]:
    ti = tarfile.TarInfo(name); ti.type = kind; ti.linkname = target; t.addfile(ti)
t.close()
PY
	$MK docker "$WORK/v.tar" "$WORK/base.tar" "$WORK/data.tar" --tag vol:1 --user 1000:1000 \
		--volume /data --volume /srv/www/ --volume /lnk --volume /empty --cmd '["sh","-c","cat /data/seed; stat -c \"%u:%g %a\" /data; touch /data/new && echo wrote; touch /etc/x 2>/dev/null || echo root-ro; grep -E \" /(data|srv/www) \" /proc/self/mountinfo | cut -d\" \" -f5,9"]'
	brig load -i "$WORK/v.tar" > /dev/null
	expect_eq "/data /empty /lnk /srv/www/" "$(brig inspect vol:1 | jq -r '.[0].Config.Volumes | keys | join(" ")')"
	run_status st brig run vol:1
	expect_eq 0 "$st" "$out"
	expect_eq "seeded|1000:1000 750|wrote|root-ro|/data /dev/vda|/srv/www /dev/vda" \
		"$(echo "$out" | grep -v '^brig: note: .*/lnk' | sed 's|/dev/[a-z0-9]*$|/dev/vda|' | tr '\n' '|' | sed 's/|$//')" "bind (the default)"
	expect_eq "" "$(ls -A "$(STORE)/containers")" "container directories left"
	[ ! -e "$(STORE)/spare" ] || fail "a container with volumes kept as the spare"
	# A second run starts from the image again: nothing of the first's.
	expect_no_match "new" "$(brig run vol:1 ls /data)" "the last container's file"
	# Hard links stay links (copied once); a VOLUME that is a symlink in
	# the image (here onto procfs) gets no volume, and says so; a path the
	# image lacks is the container's root's, on an overlay and on a flat
	# root.
	expect_eq "2 2" "$(brig run vol:1 stat -c %h /data/big /data/big2 | tr '\n' ' ' | sed 's/ $//')" "hard links"
	run_status st brig run vol:1 sh -c 'readlink /lnk; grep -c " /proc/sys/kernel " /proc/self/mountinfo'
	expect_eq 1 "$st" "$out"
	expect_match "^brig: note: image vol:1: VOLUME /lnk is a symbolic link in the image: no volume made there$" "$out"
	expect_match "^/proc/sys/kernel$" "$out" "the symlink as it is"
	expect_match "^0$" "$out" "nothing mounted where it leads"
	expect_eq "0:0 755" "$(brig run vol:1 stat -c '%u:%g %a' /empty)" "a path the image lacks"
	expect_eq "0:0 755" "$(BRIG_IMAGE_FLAT=1 brig run vol:1 stat -c '%u:%g %a' /empty)" "the same, flat"
	# A mount below an image's volume stays on top of it.
	brig run -v "volbelow:/data/db:rw" vol:1 sh -c 'touch /data/db/kept' > /dev/null
	expect_eq "kept" "$(brig run -v "volbelow:/mnt" vol:1 ls /mnt)" "the named volume below /data"
	brig volume rm volbelow > /dev/null
	run_status st brig run --image-volume tmpfs vol:1
	expect_eq 0 "$st" "$out"
	expect_match "^seeded$" "$out" "tmpfs: the copy"
	expect_match "^wrote$" "$out" "tmpfs: writable"
	expect_match "^/data tmpfs$" "$(brig run --image-volume tmpfs vol:1 sh -c 'grep " /data " /proc/self/mountinfo | cut -d" " -f5,9 | sed "s/ none$/ tmpfs/"')"
	run_status st brig run --image-volume ignore vol:1
	expect_eq 0 "$st"
	expect_match "^brig: note: image vol:1 declares VOLUME /data, which is read-only here with the root \(--image-volume ignore\); to write there give -v NAME:/data:rw \(a named volume\) or --tmpfs /data$" "$out"
	expect_no_match "^wrote$" "$out" "ignore: read-only"
	# A mount at or above the path wins; the other still gets its volume.
	run_status st brig run --tmpfs /srv -v "volmine:/data:rw" vol:1
	expect_eq 0 "$st" "$out"
	expect_no_match "seeded" "$out" "the named volume, not the image's copy"
	expect_no_match "/srv/www" "$out" "a --tmpfs above it"
	run_status st brig run --image-volume nope vol:1
	expect_eq 125 "$st"
	expect_match "^brig: --image-volume: \`nope\`: expected bind, tmpfs or ignore$" "$out"
	brig volume rm volmine > /dev/null
	# Unprivileged: the same, in the caller's store.
	chmod 644 "$WORK/v.tar"
	as_nobody "$BRIG" load -i "$WORK/v.tar" > /dev/null
	out=$(as_nobody "$BRIG" run -u 0 vol:1 sh -c 'cat /data/seed; touch /data/new && echo wrote' 2>&1 | grep -v '^brig: warning: rootless\|^brig: note: .*/lnk')
	expect_eq "seeded wrote" "$(echo $out)" "unprivileged"
	expect_eq "" "$(ls -A "$WORK/nobody/state/images/containers")" "unprivileged: container directories left"
	expect_nothing_left
}
