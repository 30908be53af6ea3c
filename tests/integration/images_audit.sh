# brig audit --image: the image rules (BRIG-Innn) over images made here
# from the busybox root filesystem, in the store and as archives; each
# finding at its image or file, whiteouts applied, the same formats, exit
# codes and .brig.yml as the other inputs, and nothing left behind.

MK="python3 $TOP/tests/helper/mkimage.py"
ROOTFS=$TOP/build/share/images/busybox/rootfs
STORE() { echo "$BRIG_STATE_DIR/images"; }

# A layer of PATH:MODE[:TYPE] entries (TYPE f, d, or w: a whiteout of
# PATH), parents made as they are named; files hold "x".
mklayer () { # out entry...
	python3 - "$@" <<'PY'
import io, sys, tarfile
out, entries = sys.argv[1], sys.argv[2:]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for e in entries:
        path, mode, kind = (e.split(":") + ["f"])[:3]
        i = tarfile.TarInfo(path)
        i.mode = int(mode, 8)
        if kind == "d":
            i.type = tarfile.DIRTYPE
            t.addfile(i)
        else:
            if kind == "w":
                d, b = path.rsplit("/", 1)
                i.name = d + "/.wh." + b
            data = b"" if kind == "w" else b"x"
            i.size = len(data)
            t.addfile(i, io.BytesIO(data))
PY
}

# bad:latest, as root: the busybox root, then a setuid file, a second one
# the third layer deletes (and one in a directory it deletes), a
# world-writable directory, a shared one with the sticky bit, a
# world-writable file, one in a directory the third layer makes opaque; a
# secret in Env, SSH exposed, no health check.
bad_archive () {
	[ -f "$WORK/base.tar" ] || $MK layer "$ROOTFS" "$WORK/base.tar"
	mklayer "$WORK/l2.tar" usr/local/bin:755:d usr/local/bin/suid-helper:4755 \
		usr/local/bin/gone-suid:6755 usr/local/bin/sgid:2711 srv:755:d srv/drop:777:d \
		srv/shared:1777:d etc/app.conf:666 opt/app:755:d opt/app/setuid-in-dir:4755 \
		var/spool:755:d var/spool/hidden:777:d
	mklayer "$WORK/l3.tar" usr/local/bin/gone-suid:644:w opt/app:755:w \
		var/spool:755:d var/spool/.wh..wh..opq:644 var/spool/again:4755
	$MK docker "$WORK/bad.tar" "$WORK/base.tar" "$WORK/l2.tar" "$WORK/l3.tar" --tag bad:latest \
		--env DB_PASSWORD=hunter2 --env API_TOKEN_FILE=/run/secrets/token --env EMPTY_SECRET= \
		--expose 22/tcp --expose 8080/tcp --cmd '["sh"]'
}

# good:1.0, hardened: one program that is no shell, a passwd entry, an
# unprivileged user, a health check.
good_archive () {
	mkdir -p "$WORK/goodroot/etc" "$WORK/goodroot/app"
	cp "$ROOTFS/bin/busybox" "$WORK/goodroot/app/server"
	echo 'app:x:10001:10001::/app:/nonexistent' > "$WORK/goodroot/etc/passwd"
	chmod 755 "$WORK/goodroot" "$WORK/goodroot/etc" "$WORK/goodroot/app"
	$MK layer "$WORK/goodroot" "$WORK/good-layer.tar"
	$MK docker "$WORK/good.tar" "$WORK/good-layer.tar" --tag good:1.0 --user 10001:10001 \
		--healthcheck '["CMD","/app/server","true"]' --expose 8080/tcp --cmd '["/app/server","true"]'
}

# The findings of `brig audit --format json ARGS...` as "RULE FILE" lines.
findings () {
	python3 -c 'import json,sys
for x in json.load(sys.stdin)["findings"]:
    print(x["rule"], x["file"])'
}

test_each_finding_of_a_root_image_archive () {
	bad_archive
	run_status st brig audit --format json --image "docker-archive:$WORK/bad.tar"
	expect_eq 1 "$st" "exit status (high findings)"
	f=$(echo "$out" | findings)
	img="bad:latest@sha256:[0-9a-f]{64}"
	expect_match "^BRIG-C018 $img$" "$f" "root user"
	expect_match "^BRIG-I001 $img$" "$f" ":latest only"
	expect_match "^BRIG-I002 $img$" "$f" "secret in Env"
	expect_match "^BRIG-I003 $img$" "$f" "shell"
	expect_match "^BRIG-I004 $img$" "$f" "package manager (busybox's dpkg applet)"
	expect_match "^BRIG-I005 $img:/usr/local/bin/suid-helper$" "$f" "setuid file"
	expect_match "^BRIG-I005 $img:/usr/local/bin/sgid$" "$f" "setgid file"
	expect_match "^BRIG-I006 $img:/srv/drop$" "$f" "world-writable directory"
	expect_match "^BRIG-I006 $img:/etc/app.conf$" "$f" "world-writable file"
	expect_match "^BRIG-I007 $img$" "$f" "SSH exposed"
	expect_match "^BRIG-I008 $img$" "$f" "no health check"
	# Deleted by the third layer (a whiteout of the file, of its
	# directory): not in the image.
	expect_no_match "gone-suid|setuid-in-dir" "$f" "files a later layer deleted"
	# An opaque directory hides what lower layers put in it, not what
	# its own layer does.
	expect_no_match "/var/spool/hidden" "$f" "under a later opaque directory"
	expect_match "^BRIG-I005 $img:/var/spool/again$" "$f" "in the opaque directory's own layer"
	expect_no_match "/srv/shared" "$f" "a sticky world-writable directory"
	expect_eq 1 "$(echo "$f" | grep -c '^BRIG-I002')" "only DB_PASSWORD: not a _FILE path, not an empty value"
	expect_match '"message": "Env DB_PASSWORD: a secret' "$out"
	expect_no_match "hunter2" "$out" "the secret's value"
	expect_match '"message": "setgid file /usr/local/bin/sgid \(mode 2711, owner 0:0, layer sha256:[0-9a-f]{12}\)' "$out"
	expect_match '"message": "a shell in the final image: /bin/ash, /bin/busybox, /bin/sh' "$out"
	expect_match '"message": "ExposedPorts 22/tcp: the image offers SSH"' "$out"
	expect_eq 12 "$(echo "$f" | wc -l)" "findings: $f"
}

test_hardened_image_in_the_store_has_no_finding () {
	good_archive
	brig load -i "$WORK/good.tar" > /dev/null
	run_status st brig audit --image good:1.0
	expect_eq 0 "$st" "exit status: $out"
	expect_match "^0 findings \(0 critical, 0 high, 0 medium, 0 low\) in 1 file; 0 errors$" "$out"
	# By id prefix and by digest: the same image.
	id=$(brig inspect good:1.0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"][7:19])')
	run_status st brig audit --image "$id"
	expect_eq 0 "$st" "by id: $out"
}

test_tags_latest_only_and_pins () {
	bad_archive
	brig load -i "$WORK/bad.tar" > /dev/null
	digest=$(brig inspect bad:latest | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Digest"])')
	run_status st brig audit --format json --image bad
	expect_match "^BRIG-I001 bad:latest@$digest$" "$(echo "$out" | findings)" "known only as :latest"
	expect_match "the image is known only as bad:latest, a tag every new build moves, and bad names no digest" "$out"
	# Named by its digest: pinned, whatever its tags.
	run_status st brig audit --format json --image "bad@$digest"
	expect_no_match "BRIG-I001" "$(echo "$out" | findings)" "pinned by digest"
	# Another tag than latest: known by a version.
	brig tag bad:latest bad:2.1
	run_status st brig audit --format json --image bad:latest
	expect_no_match "BRIG-I001" "$(echo "$out" | findings)" "also tagged 2.1"
	# Only by its id, no tag at all.
	brig rmi bad:2.1 > /dev/null
	good_archive
	$MK docker "$WORK/untagged.tar" "$WORK/good-layer.tar" --user 1:1 --healthcheck '["CMD","true"]'
	out=$(brig load -i "$WORK/untagged.tar")
	id=$(echo "$out" | grep -Eo 'sha256:[0-9a-f]{64}' | head -1)
	run_status st brig audit --format json --image "${id:7:12}"
	expect_no_match "BRIG-I001" "$(echo "$out" | findings)" "an id is content-addressed"
}

test_archive_transports_and_paths () {
	bad_archive
	good_archive
	export TMPDIR=$WORK/tmp
	mkdir -p "$TMPDIR"
	$MK oci "$WORK/good-oci.tar" "$WORK/good-layer.tar" --tag good:1.0 --user 10001:10001 \
		--healthcheck '["CMD","true"]'
	$MK oci "$WORK/good-oci" "$WORK/good-layer.tar" --tag good:1.0 --user 10001:10001 \
		--healthcheck '["CMD","true"]' --compress zstd
	for ref in "oci-archive:$WORK/good-oci.tar" "oci:$WORK/good-oci" "oci:$WORK/good-oci:good:1.0" \
		"$WORK/good-oci.tar" "$WORK/good-oci" "docker-archive:$WORK/good.tar:good:1.0"; do
		run_status st brig audit --image "$ref"
		expect_eq 0 "$st" "$ref: $out"
		expect_match "in 1 file; 0 errors" "$out" "$ref"
	done
	# A relative path of an archive: by its suffix.
	cp "$WORK/bad.tar" "$WORK/tmp/../rel.tar"
	run_status st brig audit --image rel.tar --format json
	expect_eq 1 "$st" "rel.tar: $out"
	expect_match "BRIG-I005 bad:latest@" "$(echo "$out" | findings)"
	# Two inputs, and files too: one report.
	printf 'FROM busybox:1.36\nUSER 10001\nHEALTHCHECK CMD true\n' > "$WORK/Dockerfile"
	run_status st brig audit --format json --image "$WORK/good.tar" --image "$WORK/bad.tar" "$WORK/Dockerfile"
	expect_match "^BRIG-D004 $WORK/Dockerfile$" "$(echo "$out" | findings)" "the Dockerfile judged too"
	expect_match "^BRIG-C018 bad:latest@" "$(echo "$out" | findings)"
	expect_match '"files": 3' "$out"
	# Nothing of the archives' temporary stores is left.
	expect_eq "" "$(ls -A "$TMPDIR")" "temporary stores"
	expect_eq "" "$(ls -A "$(STORE)/blobs/sha256" 2>/dev/null)" "brig's store untouched"
}

test_unknown_images_and_bad_archives_exit_2 () {
	export TMPDIR=$WORK/tmp
	mkdir -p "$TMPDIR"
	run_status st brig audit --image nosuch:1
	expect_eq 2 "$st"
	expect_match "^error: --image nosuch:1: expected an image of the store \(see brig images\), docker-archive:FILE, oci-archive:FILE, oci:DIR or the path of an archive: no image \`nosuch:1\` in the store" "$out"
	run_status st brig audit --image "docker-archive:$WORK/missing.tar"
	expect_eq 2 "$st"
	expect_match "error: --image docker-archive:$WORK/missing.tar: \`$WORK/missing.tar\`: No such file" "$out"
	mkdir "$WORK/adir"
	run_status st brig audit --image "docker-archive:$WORK/adir"
	expect_eq 2 "$st"
	expect_match "is not a file" "$out"
	printf 'not a tar' > "$WORK/junk.tar"
	run_status st brig audit --image "$WORK/junk.tar"
	expect_eq 2 "$st"
	expect_match "error: --image $WORK/junk.tar: " "$out"
	good_archive
	run_status st brig audit --image "docker-archive:$WORK/good.tar:other:1"
	expect_eq 2 "$st"
	expect_match "no image named \`other:1\` in it \(it has: good:1.0\)" "$out"
	run_status st brig audit --image ""
	expect_eq 2 "$st"
	run_status st brig audit --fix --image good:1.0
	expect_eq 2 "$st"
	expect_match "\-\-fix does not apply to --image" "$out"
	expect_eq "" "$(ls -A "$TMPDIR")" "temporary stores"
}

# A layer changed in the store after load: the audit's read catches it.
test_corrupted_layer_in_the_store_is_an_error () {
	good_archive
	brig load -i "$WORK/good.tar" > /dev/null
	blob=$(ls -S "$(STORE)/blobs/sha256" | head -1)
	printf 'X' | dd of="$(STORE)/blobs/sha256/$blob" bs=1 seek=1000 conv=notrunc status=none
	run_status st brig audit --image good:1.0
	expect_eq 2 "$st" "$out"
	expect_match "error: image \`good:1.0\`: .*sha256:$blob" "$out"
}

test_sarif_and_brig_yml () {
	bad_archive
	brig load -i "$WORK/bad.tar" > /dev/null
	run_status st brig audit --format sarif --image bad:latest
	echo "$out" > "$WORK/out.sarif"
	python3 - "$WORK/out.sarif" <<'PY' || fail "SARIF: $(head -c 3000 "$WORK/out.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
for i in range(1, 9):
    assert "BRIG-I00%d" % i in ids, ids
assert "BRIG-C018" in ids, ids
res = set()
for x in run["results"]:
    loc = x["locations"][0]
    art = loc["physicalLocation"]["artifactLocation"]
    # An image is no file of the working tree: no URI, its name as a
    # logical location.
    assert "uri" not in art, art
    name = loc["logicalLocations"][0]["fullyQualifiedName"]
    assert art["description"]["text"] == "image " + name, loc
    res.add((x["ruleId"], name))
assert any(r == "BRIG-I005" and n.endswith(":/usr/local/bin/suid-helper") for r, n in res), res
assert any(r == "BRIG-C018" and n.startswith("bad:latest@sha256:") for r, n in res), res
PY
	# .brig.yml turns rules off and changes severities, as for files.
	printf 'rules:\n  BRIG-I008: off\n  BRIG-C018: low\n  BRIG-I002: low\n' > "$WORK/.brig.yml"
	run_status st brig audit --format json --image bad:latest
	f=$(echo "$out" | findings)
	expect_no_match "BRIG-I008" "$f" "turned off"
	expect_match "BRIG-C018" "$f"
	expect_match '"rule": "BRIG-C018",.*"severity": "low"|"severity": "low",.*"rule": "BRIG-C018"' "$(echo "$out" | tr -d '\n')"
	run_status st brig audit --image bad:latest --fail-on high
	expect_eq 0 "$st" "no high finding left: $out"
	run_status st brig audit --image bad:latest --fail-on medium
	expect_eq 1 "$st"
}

# Real images: podman imports the busybox root and saves it; skopeo copies
# it to an OCI layout.
test_podman_and_skopeo_images () {
	command -v podman >/dev/null || skip "podman is not installed"
	command -v skopeo >/dev/null || skip "skopeo is not installed"
	P="podman --root $WORK/podman/root --runroot $WORK/podman/run --storage-driver vfs"
	tar -C "$ROOTFS" -cf "$WORK/rootfs.tar" .
	$P import --change 'USER 1000' --change 'EXPOSE 2375' "$WORK/rootfs.tar" brigtest:podman >/dev/null 2>&1 ||
		fail "podman import failed"
	$P save --format oci-archive -o "$WORK/p-oci.tar" brigtest:podman 2>/dev/null
	S="containers-storage:[vfs@$WORK/podman/root+$WORK/podman/run]localhost/brigtest:podman"
	skopeo copy -q "$S" "oci:$WORK/sk:brigtest:skopeo"
	for ref in "oci-archive:$WORK/p-oci.tar" "oci:$WORK/sk"; do
		run_status st brig audit --format json --image "$ref"
		f=$(echo "$out" | findings)
		expect_no_match "BRIG-C018" "$f" "$ref: USER 1000"
		expect_match "^BRIG-I003 " "$f" "$ref: busybox's shell"
		expect_match "^BRIG-I007 " "$f" "$ref: the Docker API port"
		expect_match "^BRIG-I008 " "$f" "$ref"
	done
}

test_image_sarif_is_valid_against_the_schema () {
	bad_archive
	sarif_validator
	run_status st brig audit --format sarif --image "$WORK/bad.tar"
	echo "$out" > "$WORK/img.sarif"
	# And one with a suppression by a label.
	$MK docker "$WORK/l.tar" "$WORK/base.tar" --tag labelled:1 \
		--label 'brig.dev/ignore=BRIG-I003: the entrypoint is a shell script'
	brig audit --format sarif --image "$WORK/l.tar" > "$WORK/l.sarif" || true
	node "$WORK/validate.js" "$WORK/npm" "$WORK/img.sarif" "$WORK/l.sarif" > "$WORK/v.out" 2>&1 ||
		fail "not valid SARIF 2.1.0: $(cat "$WORK/v.out")"
	expect_match "BRIG-I005" "$out" "the log validated has the image's findings"
	grep -q '"syntax": "label"' "$WORK/l.sarif" || fail "the second log has no label suppression"
}

# The image's own labels suppress, as a Kubernetes object's annotations do.
test_labels_suppress_as_annotations_do () {
	[ -f "$WORK/base.tar" ] || $MK layer "$ROOTFS" "$WORK/base.tar"
	$MK docker "$WORK/l.tar" "$WORK/base.tar" --tag labelled:1 --user 1000 --expose 22 \
		--label 'brig.dev/ignore=BRIG-I003,BRIG-I004: the entrypoint is a shell script' \
		--label 'brig.dev/ignore-ports=BRIG-I007' \
		--label 'brig.dev/ignore-old=BRIG-I008: no probes yet; until=2000-01-01' \
		--label 'brig.dev/ignore-typo=BRIG-X999: nothing' \
		--label 'org.opencontainers.image.title=labelled'
	run_status st brig audit --format json --image "$WORK/l.tar"
	python3 - "$out" <<'PY' || fail "label suppressions: $out"
import json, sys
d = json.loads(sys.argv[1])
active = sorted(x["rule"] for x in d["findings"])
quiet = {x["rule"]: x["suppression"] for x in d["suppressed"]}
assert sorted(quiet) == ["BRIG-I003", "BRIG-I004", "BRIG-I007"], quiet
assert quiet["BRIG-I003"]["reason"] == "the entrypoint is a shell script", quiet
assert quiet["BRIG-I003"]["kind"] == "label" and quiet["BRIG-I003"]["tool"] == "brig", quiet
# No reason: it silences, and is reported; expired: it silences nothing;
# no such rule: reported.
assert active == ["BRIG-I008", "BRIG-S001", "BRIG-S002", "BRIG-S003"], active
msgs = {x["rule"]: x["message"] for x in d["findings"]}
assert msgs["BRIG-S001"] == "label `brig.dev/ignore-ports: BRIG-I007` gives no reason", msgs
assert "expired after 2000-01-01" in msgs["BRIG-S002"], msgs
assert "BRIG-X999 is not a rule brig has" in msgs["BRIG-S003"], msgs
assert all(x["file"].startswith("labelled:1@sha256:") for x in d["findings"]), d["findings"]
PY
	run_status st brig audit --image "$WORK/l.tar"
	expect_match "suppressed by a brig label: the entrypoint is a shell script" "$out"
	# In SARIF: a suppression in source, at the image.
	brig audit --format sarif --image "$WORK/l.tar" > "$WORK/l.sarif" || true
	python3 - "$WORK/l.sarif" <<'PY' || fail "SARIF suppressions: $(head -c 2000 "$WORK/l.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
s, = [x["suppressions"][0] for x in run["results"] if x["ruleId"] == "BRIG-I003"]
assert s["kind"] == "inSource" and s["properties"]["syntax"] == "label", s
assert s["location"]["logicalLocations"][0]["fullyQualifiedName"].startswith("labelled:1@sha256:"), s
assert s["justification"] == "the entrypoint is a shell script", s
PY
}
