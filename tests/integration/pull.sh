# brig pull from a docker-registry of the test's own on 127.0.0.1 (Debian's
# docker-registry): images pushed there with skopeo as Docker v2 schema 2,
# OCI, and a multi-platform index; plain HTTP only with
# --insecure-registry; HTTPS with a CA of the test's own in a certs
# directory; htpasswd basic auth; bearer tokens from tests/helper/tokenserver.py;
# a corrupted blob and a missing image leave nothing in the store.

MK="python3 $TOP/tests/helper/mkimage.py"
STORE() { echo "$BRIG_STATE_DIR/images"; }
blob_count () { find "$(STORE)/blobs/sha256" -type f 2>/dev/null | wc -l; }

need_registry () {
	command -v docker-registry > /dev/null || skip "no docker-registry (scripts/deps test)"
	command -v skopeo > /dev/null || skip "no skopeo"
}

# The servers a test started (subshells waiting for them), ended by
# servers_stop before lib_teardown, child first, by pid.
SERVERS=""
server_started () { # PID
	SERVERS="$SERVERS $1"
	trap 'servers_stop; lib_teardown' EXIT
}
servers_stop () {
	local p
	for p in $SERVERS; do
		pkill -TERM -P "$p" 2> /dev/null || true
		kill "$p" 2> /dev/null || true
		wait "$p" 2> /dev/null || true
	done
	SERVERS=""
}

free_port () {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# registry_start [YAML]: a registry on 127.0.0.1:$PORT, its storage in
# $WORK/regstore, YAML (indented by two) added to its http: section or
# after it.  $REG is HOST:PORT.  lib_teardown ends it (a background job).
registry_start () {
	PORT=$(free_port)
	REG=127.0.0.1:$PORT
	cat > "$WORK/reg.yml" <<-YML
	version: 0.1
	log:
	  level: error
	storage:
	  filesystem:
	    rootdirectory: $WORK/regstore
	http:
	  addr: $REG
	YML
	printf '%s\n' "${1:-}" | tr -d '\t' >> "$WORK/reg.yml"
	(docker-registry serve "$WORK/reg.yml" > "$WORK/reg.log" 2>&1; true) &
	REG_PID=$!
	server_started "$REG_PID"
	for _ in $(seq 50); do
		curl -sk -o /dev/null "http://$REG/v2/" 2>/dev/null && return 0
		curl -sk -o /dev/null "https://$REG/v2/" 2>/dev/null && return 0
		kill -0 "$REG_PID" 2>/dev/null || fail "registry did not start: $(cat "$WORK/reg.log")"
		sleep 0.1
	done
	fail "registry not listening on $REG: $(cat "$WORK/reg.log")"
}

# The image pushed: an OCI layout of busybox with Cmd echo pulled.
image_dir () {
	[ -d "$WORK/odir" ] && return 0
	$MK layer "$TOP/build/share/images/busybox/rootfs" "$WORK/base.tar"
	$MK oci "$WORK/odir" "$WORK/base.tar" --tag bb:1 --compress gzip --cmd '["echo","pulled"]'
}

push () { # FORMAT DEST [skopeo options]
	local fmt=$1 dest=$2
	shift 2
	image_dir
	skopeo copy -q --dest-tls-verify=false --format "$fmt" "$@" "oci:$WORK/odir" "docker://$REG/$dest"
}

# CA and a server certificate for 127.0.0.1 and localhost in $WORK/tls.
make_certs () {
	local d=$WORK/tls
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=brig-test-ca \
		-keyout "$d/ca.key" -out "$d/ca.crt" 2> /dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
		-keyout "$d/srv.key" -out "$d/srv.csr" 2> /dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$d/ext"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/ext" -out "$d/srv.crt" 2> /dev/null
}

test_insecure_http_v2s2_oci_index_digest_404 () {
	need_registry
	registry_start
	push v2s2 bb:v2
	push oci team/bb:oci
	$MK oci "$WORK/mdir" "$WORK/base.tar" --tag bb:m --multi --cmd '["echo","multi"]'
	skopeo copy -q --all --dest-tls-verify=false "oci:$WORK/mdir" "docker://$REG/bb:multi"

	# Plain HTTP is refused unless the registry is named insecure.
	run_status st brig pull "$REG/bb:v2"
	expect_eq 125 "$st"
	expect_match "TLS failed.*--insecure-registry $REG" "$out"
	expect_eq 0 "$(blob_count)" "blobs after a refused pull"
	run_status st brig pull --insecure-registry "127.0.0.1:1" "$REG/bb:v2"
	expect_eq 125 "$st" "another host named insecure"

	out=$(brig pull --insecure-registry "$REG" "$REG/bb:v2")
	expect_match "^Digest: sha256:[0-9a-f]{64}$" "$out"
	expect_match "^Pulled image: $REG/bb:v2 \(sha256:[0-9a-f]{64}; 2 blobs fetched, 0 already here\)$" "$out"
	# The manifest is the registry's, byte for byte: the digest printed
	# is the one skopeo reads there.
	want=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REG/bb:v2")
	expect_match "^Digest: $want$" "$out"
	expect_match "vnd.docker.image.rootfs.diff.tar.gzip" "$(brig inspect "$REG/bb:v2")"
	expect_eq pulled "$(brig run "$REG/bb:v2")"

	# OCI: the same config and layer, so nothing is fetched but the manifest.
	out=$(brig pull --insecure-registry "$REG" "$REG/team/bb:oci")
	expect_match "0 blobs fetched, 2 already here" "$out"
	expect_match "vnd.oci.image.layer.v1.tar\+gzip" "$(brig inspect "$REG/team/bb:oci")"
	expect_eq pulled "$(brig run "$REG/team/bb:oci")"

	# An index: this machine's image (the arm64 one is listed first).
	out=$(brig pull --insecure-registry "$REG" "$REG/bb:multi")
	idx=$(skopeo inspect --raw --tls-verify=false "docker://$REG/bb:multi" | sha256sum | cut -d' ' -f1)
	expect_match "^Digest: sha256:$idx$" "$out" "the index's digest"
	img=$(echo "$out" | sed -n 's/^Pulled image: .* (\(sha256:[0-9a-f]*\);.*/\1/p')
	[ "$img" != "sha256:$idx" ] || fail "the index stored as the image"
	expect_eq multi "$(brig run "$REG/bb:multi")"
	# The index's digest names the image too, as docker's RepoDigests: with
	# its repository, or alone.
	expect_eq multi "$(brig run "$REG/bb@sha256:$idx")"
	expect_eq multi "$(brig run "$REG/bb:multi@sha256:$idx")"
	expect_eq multi "$(brig run "sha256:$idx")"
	expect_eq "$REG/bb@sha256:$idx" "$(brig inspect "$REG/bb:multi" | jq -r '.[0].RepoDigests | join(" ")')"
	# NAME@DIGEST is that image wherever NAME:latest points; NAME:TAG@DIGEST
	# wants the tag there.
	brig tag "$REG/team/bb:oci" "$REG/bb:latest"
	expect_eq multi "$(brig run "$REG/bb@sha256:$idx")"
	run_status st brig run "$REG/bb:latest@sha256:$idx" true
	expect_eq 125 "$st"
	expect_match "the store's $REG/bb:latest is sha256:[0-9a-f]{64}, not the digest asked for" "$out"
	brig rmi "$REG/bb:latest" > /dev/null
	run_status st brig run "$REG/other@sha256:$idx" true
	expect_eq 125 "$st"
	expect_match "image .*other@sha256:$idx.*: expected" "$out" "the index's digest under another repository"
	# Pulled by the index's digest alone; removed with its image.
	brig rmi "$REG/bb:multi" > /dev/null
	run_status st brig run "$REG/bb@sha256:$idx" true
	expect_eq 125 "$st"
	out=$(brig pull --insecure-registry "$REG" "$REG/bb@sha256:$idx")
	expect_eq multi "$(brig run "$REG/bb@sha256:$idx")"
	brig rmi "$REG/bb@sha256:$idx" > /dev/null
	expect_eq "" "$(jq -r '.digests // {} | keys | join(" ")' "$BRIG_STATE_DIR/images/refs.json")" "repository digests left"

	# By digest: pinned, checked, and runnable by it.
	brig rmi "$REG/bb:v2" > /dev/null
	brig gc > /dev/null
	out=$(brig pull --insecure-registry "$REG" "$REG/bb@$want")
	expect_match "^Pulled image: $REG/bb@$want \($want;" "$out"
	expect_eq pulled "$(brig run "$REG/bb@$want")"
	# A digest the repository does not have, a tag it does not have.
	run_status st brig pull --insecure-registry "$REG" "$REG/bb@sha256:$(printf '%064d' 0)"
	expect_eq 125 "$st"
	expect_match "not found in registry $REG" "$out"
	before=$(blob_count)
	run_status st brig pull --insecure-registry "$REG" "$REG/bb:nope"
	expect_eq 125 "$st"
	expect_match "^brig: image $REG/bb:nope not found in registry $REG" "$out"
	expect_eq "$before" "$(blob_count)"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary files"
}

test_https_ca_in_certs_dir () {
	need_registry
	make_certs
	registry_start "  tls:
	    certificate: $WORK/tls/srv.crt
	    key: $WORK/tls/srv.key"
	push v2s2 bb:1
	export BRIG_CERTS_D=$WORK/certs.d
	run_status st brig pull "$REG/bb:1"
	expect_eq 125 "$st"
	expect_match "TLS failed.*$WORK/certs.d/$REG/ca.crt.*--insecure-registry $REG" "$out"
	expect_eq 0 "$(blob_count)"
	mkdir -p "$WORK/certs.d/$REG"
	cp "$WORK/tls/ca.crt" "$WORK/certs.d/$REG/"
	# A layer past --max-layer-size is not even asked for; the config
	# fetched before it is removed.
	run_status st brig pull --max-layer-size 4k "$REG/bb:1"
	expect_eq 125 "$st"
	expect_match "^brig: registry $REG: blob sha256:[0-9a-f]{64} of bb is [0-9]+ bytes, more than --max-layer-size$" "$out"
	expect_eq 0 "$(blob_count)"
	out=$(brig pull -q "$REG/bb:1")
	expect_match "^sha256:[0-9a-f]{64}$" "$out" "-q: the digest alone"
	expect_match "^$REG/bb:1 " "$(brig images)"
	expect_eq pulled "$(brig run "$REG/bb:1")"
	# --certs-dir wins over the variable; another CA fails verification.
	mkdir -p "$WORK/other/$REG"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout "$WORK/other/k" \
		-out "$WORK/other/$REG/ca.crt" 2> /dev/null
	run_status st brig pull --certs-dir "$WORK/other" "$REG/bb:1"
	expect_eq 125 "$st"
	expect_match "TLS failed" "$out"
	# Unverified TLS when named insecure.
	out=$(brig pull --certs-dir "$WORK/other" --insecure-registry "$REG" "$REG/bb:1")
	expect_match "^Pulled image: $REG/bb:1 " "$out"
}

test_basic_auth_htpasswd () {
	need_registry
	command -v htpasswd > /dev/null || skip "no htpasswd (apache2-utils)"
	htpasswd -Bbn alice s3cret: > "$WORK/htpasswd"
	registry_start "auth:
	  htpasswd:
	    realm: brig-test
	    path: $WORK/htpasswd"
	push v2s2 bb:1 --dest-creds alice:s3cret:
	export BRIG_AUTH_FILE=$WORK/none.json
	run_status st brig pull --insecure-registry "$REG" "$REG/bb:1"
	expect_eq 125 "$st"
	expect_match "registry $REG needs credentials for bb \(HTTP 401\): give credentials with --creds" "$out"
	run_status st brig pull --insecure-registry "$REG" --creds alice:wrong "$REG/bb:1"
	expect_eq 125 "$st"
	expect_match "registry $REG refused access to bb \(HTTP 401\): the credentials given were refused" "$out"
	expect_eq 0 "$(blob_count)"
	out=$(brig pull --insecure-registry "$REG" --creds alice:s3cret: "$REG/bb:1")
	expect_match "^Pulled image: $REG/bb:1 " "$out"
	# As `docker login` writes them (a password with a colon).
	brig rmi "$REG/bb:1" > /dev/null
	printf '{"auths":{"http://%s":{"auth":"%s"}}}' "$REG" "$(printf alice:s3cret: | base64)" > "$WORK/auth.json"
	out=$(BRIG_AUTH_FILE=$WORK/auth.json brig pull --insecure-registry "$REG" "$REG/bb:1")
	expect_match "^Pulled image: $REG/bb:1 " "$out"
	echo '{"auths":{"'"$REG"'":{"auth":"!!"}}}' > "$WORK/bad.json"
	run_status st brig pull --auth-file "$WORK/bad.json" --insecure-registry "$REG" "$REG/bb:1"
	expect_eq 125 "$st"
	expect_match "bad.json: the auth of \`$REG\` is not base64" "$out"
	expect_eq pulled "$(brig run "$REG/bb:1")"
}

test_bearer_token_server () {
	need_registry
	python3 -c 'import cryptography' 2> /dev/null || skip "no python3-cryptography"
	make_certs
	local d=$WORK/tls tport
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=token-signer \
		-keyout "$d/sign.key" -out "$d/sign.crt" 2> /dev/null
	tport=$(free_port)
	(python3 "$TOP/tests/helper/tokenserver.py" "$d/sign.key" "$d/sign.crt" "$tport" bob:pw \
		brig-issuer brig-registry "$d/srv.crt" "$d/srv.key" 2> "$WORK/token.log"; true) &
	server_started $!
	registry_start "auth:
	  token:
	    realm: https://127.0.0.1:$tport/token
	    service: brig-registry
	    issuer: brig-issuer
	    rootcertbundle: $d/sign.crt"
	mkdir -p "$WORK/certs.d/127.0.0.1:$tport"
	cp "$d/ca.crt" "$WORK/certs.d/127.0.0.1:$tport/"
	image_dir
	skopeo copy -q --dest-tls-verify=false --dest-creds bob:pw --format v2s2 "oci:$WORK/odir" \
		"docker://$REG/team/bb:1"
	export BRIG_CERTS_D=$WORK/certs.d BRIG_AUTH_FILE=$WORK/none.json
	run_status st brig pull --insecure-registry "$REG" --creds bob:nope "$REG/team/bb:1"
	expect_eq 125 "$st"
	expect_match "token server 127.0.0.1:$tport refused a token for team/bb \(HTTP 401\): the credentials given were refused" "$out"
	out=$(brig pull --insecure-registry "$REG" --creds bob:pw "$REG/team/bb:1")
	expect_match "^Pulled image: $REG/team/bb:1 " "$out"
	grep -q "^token: bob repository:team/bb:pull$" "$WORK/token.log" || fail "no token asked for: $(cat "$WORK/token.log")"
	expect_eq pulled "$(brig run "$REG/team/bb:1")"
}

test_corrupted_blob_leaves_nothing () {
	need_registry
	registry_start
	push v2s2 bb:1
	# Flip one byte of the layer in the registry's storage: same size,
	# another digest.
	layer=$(skopeo inspect --raw --tls-verify=false "docker://$REG/bb:1" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["digest"][7:])')
	f=$WORK/regstore/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data
	[ -f "$f" ] || fail "no blob $f"
	python3 - "$f" <<-'PY'
	import sys
	p = sys.argv[1]
	b = bytearray(open(p, "rb").read())
	b[len(b) // 2] ^= 0xff
	open(p, "wb").write(bytes(b))
	PY
	run_status st brig pull --insecure-registry "$REG" "$REG/bb:1"
	expect_eq 125 "$st"
	expect_match "blob sha256:$layer of bb \(registry $REG\) has digest sha256:[0-9a-f]{64}, not sha256:$layer: refused" "$out"
	expect_eq 0 "$(blob_count)" "blobs after a failed pull (the config fetched first is removed too)"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary files"
	expect_no_match "bb" "$(brig images)"
}

test_bad_input () {
	run_status st brig pull
	expect_eq 125 "$st"
	expect_match "no image given \(usage: brig pull" "$out"
	run_status st brig pull 'Upper/x:1'
	expect_eq 125 "$st"
	expect_match "is not an image reference" "$out"
	run_status st brig pull 'x@sha256:abc'
	expect_match "after @ expected sha256: and 64" "$out"
	run_status st brig pull 'x:bad tag'
	expect_match "is not a tag" "$out"
	run_status st brig pull --insecure-registry http://h:5000 x
	expect_match "expected HOST\[:PORT\] \(no scheme, no path\)" "$out"
	run_status st brig pull --creds alice x
	expect_match "expected USER:PASSWORD" "$out"
	run_status st brig pull --timeout 0 x
	expect_match "expected seconds, 1 to 3600" "$out"
	# Nothing listens: a clear error naming the registry, quickly.
	port=$(free_port)
	run_status st brig pull --timeout 3 --insecure-registry "127.0.0.1:$port" "127.0.0.1:$port/x"
	expect_eq 125 "$st"
	expect_match "registry 127.0.0.1:$port: .*(Connection refused|Could not connect|Failed to connect)" "$out"
	expect_man_follows_help pull
}

# front_start MODE: tests/helper/regfront.py before the registry; $FRONT
# is its HOST:PORT; front_stop ends it.
front_start () {
	local fport bport
	fport=$(free_port)
	bport=$(free_port)
	FRONT=127.0.0.1:$fport
	BLOBS=127.0.0.1:$bport
	(python3 "$TOP/tests/helper/regfront.py" "$1" "$REG" "$fport" "$bport" 2> "$WORK/front.log"; true) &
	FRONT_PID=$!
	server_started "$FRONT_PID"
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://$FRONT/v2/" && return 0
		sleep 0.1
	done
	fail "regfront did not start: $(cat "$WORK/front.log")"
}

front_stop () {
	pkill -TERM -P "$FRONT_PID" || true
	kill "$FRONT_PID" 2> /dev/null || true
	wait "$FRONT_PID" 2> /dev/null || true
	SERVERS=${SERVERS/ $FRONT_PID/}
}

test_blob_redirects_bounds_and_the_static_brig () {
	need_registry
	registry_start
	push v2s2 bb:1
	front_start redirect
	# A redirect is judged as its own host: plain HTTP to an origin not
	# named insecure is refused, however the first host was named.
	run_status st brig pull --insecure-registry "$FRONT" --creds alice:pw "$FRONT/bb:1"
	expect_eq 125 "$st"
	expect_match "redirected to .http://$BLOBS/v2/bb/blobs/sha256:[0-9a-f]{64}.: plain HTTP only for a host named with --insecure-registry" "$out"
	# Blobs come from another origin; the front's credentials do not follow.
	out=$("$TOP/build/brig" pull --insecure-registry "$FRONT" --insecure-registry "$BLOBS" --creds alice:pw "$FRONT/bb:1")
	expect_match "^Pulled image: $FRONT/bb:1 \(sha256:[0-9a-f]{64}; 2 blobs fetched" "$out"
	expect_eq 2 "$(grep -c '^blob-auth: -$' "$WORK/front.log")" "blob requests without credentials"
	expect_no_match "blob-auth: Basic" "$(cat "$WORK/front.log")"
	expect_eq pulled "$(brig run "$FRONT/bb:1")"
	# Without the flag, no plain HTTP at all.
	run_status st brig pull --creds alice:pw "$FRONT/bb:1"
	expect_eq 125 "$st"
	expect_match "TLS failed" "$out"

	brig rmi "$FRONT/bb:1" > /dev/null
	brig gc > /dev/null
	# A host the registry redirects to has no say over its credentials: its
	# 401 is an error, not a token request that would carry them.
	front_stop
	front_start blob401
	run_status st brig pull --insecure-registry "$FRONT" --insecure-registry "$BLOBS" --creds alice:pw "$FRONT/bb:1"
	expect_eq 125 "$st"
	expect_match "redirected to .http://$BLOBS/v2/bb/blobs/.*which answered HTTP 401: brig gives the registry's credentials to no other host" "$out"
	expect_no_match "token-auth" "$(cat "$WORK/front.log")"
	expect_eq 0 "$(blob_count)"

	# Busy (503 once per path, Retry-After: 1): asked again, and pulled.
	front_stop
	front_start busy
	out=$(brig pull --insecure-registry "$FRONT" --insecure-registry "$BLOBS" --creds alice:pw "$FRONT/bb:1")
	expect_match "^Pulled image: $FRONT/bb:1" "$out"
	expect_eq 3 "$(grep -c '^busy: ' "$WORK/front.log")" "the manifest and two blobs were busy once each"
	brig rmi "$FRONT/bb:1" > /dev/null
	brig gc > /dev/null
	# Down: given up after three more tries, with the registry's own words.
	front_stop
	front_start down
	run_status st brig pull --insecure-registry "$FRONT" --creds alice:pw "$FRONT/bb:1"
	expect_eq 125 "$st"
	expect_match "manifest 1 of bb: HTTP 503 \(the registry failed; it says: UNAVAILABLE: down for maintenance\)" "$out"
	expect_eq 0 "$(blob_count)"

	front_stop
	front_start loop
	run_status st brig pull --insecure-registry "$FRONT" --creds alice:pw "$FRONT/bb:1"
	expect_eq 125 "$st"
	expect_match "more than 5 redirects" "$out"
	expect_eq 0 "$(blob_count)"

	front_stop
	front_start big
	run_status st brig pull --insecure-registry "$FRONT" --creds alice:pw "$FRONT/bb:1"
	expect_eq 125 "$st"
	expect_match "^brig: registry $FRONT: http://$FRONT/v2/bb/manifests/1: the answer is larger than 4194304 bytes: refused$" "$out"
	expect_eq 0 "$(blob_count)"
	expect_eq "" "$(ls -A "$(STORE)/tmp")" "temporary files"
}
