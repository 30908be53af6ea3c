# brig audit --fix: the hardened version of each file, as the least edit.
# Each test checks what the fix wrote, that every other byte (comments,
# unrelated lines) is kept, that the fixed file parses and re-audits clean
# for the rules that have a fix, and that a second --fix changes nothing.

CORPUS=${BRIG_CORPUS:-$TOP/../shared/corpus}
audit () { "$BRIG" audit "$@"; }

# The rules --fix fixes (emit/fix_*.c); the others are left for a person.
# BRIG-K207/K208 are fixed only where no id is set (a low id the author
# set is theirs to change), so they are not in the list.
FIXABLE="BRIG-K001 BRIG-K002 BRIG-K005 BRIG-K006 BRIG-K008 BRIG-K009 BRIG-K011 BRIG-K012
BRIG-K102 BRIG-K103 BRIG-K105 BRIG-K106 BRIG-K107 BRIG-C001 BRIG-C004 BRIG-C005 BRIG-C007
BRIG-C008 BRIG-C009 BRIG-C010 BRIG-C011 BRIG-C012 BRIG-C013 BRIG-R001 BRIG-R002 BRIG-R003
BRIG-R004 BRIG-D001 BRIG-D002 BRIG-D006 BRIG-D013 BRIG-D014 BRIG-D015 BRIG-D016
BRIG-K201 BRIG-K202 BRIG-K206"

# fixable_left JSON-REPORT: the findings of fixable rules, one per line.
fixable_left () {
	python3 - "$1" "$FIXABLE" <<'PY'
import json, sys
fixable = set(sys.argv[2].split())
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] in fixable and not f.get("suppressed"):
        print("%s:%d:%d %s %s" % (f["file"], f["line"], f["column"], f["rule"], f["message"]))
PY
}

# kept ORIGINAL FIXED: every comment line of ORIGINAL is in FIXED, in order.
kept_comments () {
	python3 - "$1" "$2" <<'PY'
import sys
a = [l for l in open(sys.argv[1]) if l.lstrip().startswith("#")]
b = [l for l in open(sys.argv[2]) if l.lstrip().startswith("#")]
it = iter(b)
missing = [l for l in a if not any(l == x for x in it)]
assert not missing, "comments lost: %r" % missing
PY
}

# fix_twice FILE: --fix, then again; the second must change nothing.
fix_twice () {
	cp "$1" "$WORK/orig"
	audit --fix --fail-on never "$1" > "$WORK/first.out" 2> "$WORK/first.err" ||
		fail "--fix: $(cat "$WORK/first.err")"
	audit --fix --fail-on never "$1" > /dev/null 2> "$WORK/second.err"
	expect_match "0 findings fixed in 0 files" "$(cat "$WORK/second.err")"
	audit --format json --fail-on never "$1" > "$WORK/after.json" ||
		fail "the fixed file does not audit: $(cat "$WORK/after.json")"
	left=$(fixable_left "$WORK/after.json")
	[ -z "$left" ] || fail "fixable findings left after --fix: $left"
}

test_fix_k8s_minimal_edit_at_the_right_indentation () {
	cat > "$WORK/pod.yaml" <<'Y'
# the web pod   (comments stay, byte for byte)
apiVersion: v1
kind: Pod
metadata:
  name: web     # its name
spec:
  hostNetwork: true
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true   # was needed once
      capabilities:
        add: ["SYS_ADMIN", "NET_BIND_SERVICE"]
    ports:
    - hostPort: 80
      containerPort: 80
  - name: side
    image: busybox:1.36
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      securityContext:
        seccompProfile:
          type: Unconfined
      containers:
        - name: x
          image: x:1
          securityContext:
            allowPrivilegeEscalation: true
            capabilities:
              add:
                - NET_RAW
Y
	fix_twice "$WORK/pod.yaml"
	kept_comments "$WORK/orig" "$WORK/pod.yaml" || fail "comments"
	cat > "$WORK/want" <<'Y'
# the web pod   (comments stay, byte for byte)
apiVersion: v1
kind: Pod
metadata:
  name: web     # its name
spec:
  hostNetwork: false
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: false   # was needed once
      capabilities:
        add: ["NET_BIND_SERVICE"]
        drop: [ALL]
      allowPrivilegeEscalation: false
      runAsNonRoot: true
      readOnlyRootFilesystem: true
      runAsUser: 10001
      runAsGroup: 10001
    ports:
    - containerPort: 80
    resources:
      limits:
        memory: "512Mi"
  - name: side
    image: busybox:1.36
    securityContext:
      allowPrivilegeEscalation: false
      runAsNonRoot: true
      capabilities:
        drop: [ALL]
      readOnlyRootFilesystem: true
      runAsUser: 10001
      runAsGroup: 10001
    resources:
      limits:
        memory: "512Mi"
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      securityContext:
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: x
          image: x:1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            runAsUser: 10001
            runAsGroup: 10001
          resources:
            limits:
              memory: "512Mi"
      automountServiceAccountToken: false
Y
	diff -u "$WORK/want" "$WORK/pod.yaml" > "$WORK/d" || fail "fixed text: $(cat "$WORK/d")"
	expect_match "fixed in 1 file" "$(cat "$WORK/first.err")"
}

test_fix_k8s_json_stays_json () {
	cat > "$WORK/pod.json" <<'J'
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "j"},
  "spec": {
    "containers": [
      {
        "name": "app",
        "image": "nginx:1.27",
        "securityContext": {"privileged": true, "capabilities": {"add": ["SYS_ADMIN"]}}
      }
    ]
  }
}
J
	fix_twice "$WORK/pod.json"
	python3 - "$WORK/pod.json" <<'PY' || fail "not JSON, or not hardened: $(cat "$WORK/pod.json")"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["spec"]["containers"][0]["securityContext"]
assert c["privileged"] is False and c["allowPrivilegeEscalation"] is False, c
assert c["runAsNonRoot"] is True and c["capabilities"] == {"drop": ["ALL"]}, c
assert d["spec"]["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
PY
}

test_fix_compose_service_keys () {
	cat > "$WORK/compose.yaml" <<'Y'
# the stack
services:
  web:
    image: nginx:1.27   # pinned
    privileged: true
    ports:
      - "8080:80"
      - 443:443
      - "${BIND_PORT:-9090}:9090"
      - target: 9000
        published: 9000
    volumes:
      - /etc:/etc
      - data:/data
    security_opt:
      - seccomp:unconfined
    cap_add: [SYS_ADMIN]
  db:
    image: postgres:16
    user: root
    read_only: false
    deploy:
      resources:
        limits:
          cpus: "1"
volumes:
  data: {}
Y
	fix_twice "$WORK/compose.yaml"
	kept_comments "$WORK/orig" "$WORK/compose.yaml" || fail "comments"
	f=$(cat "$WORK/compose.yaml")
	expect_match '    image: nginx:1.27   # pinned' "$f"
	expect_match '    privileged: false' "$f"
	expect_match '      - "127.0.0.1:8080:80"' "$f"
	expect_match '      - "127.0.0.1:443:443"' "$f"
	expect_match '      - "127\.0\.0\.1:\$\{BIND_PORT:-9090\}:9090"' "$f"
	expect_match '        host_ip: "127.0.0.1"' "$f"
	expect_match '      - "/etc:/etc:ro"' "$f"
	expect_match '      - data:/data' "$f"
	expect_match '    security_opt: \["no-new-privileges:true"\]' "$f"
	expect_no_match 'SYS_ADMIN' "$f"
	expect_match '    cap_drop: \[ALL\]' "$f"
	expect_match '    tmpfs: \[/tmp, /run\]' "$f"
	expect_match '    mem_limit: "512m"' "$f"
	expect_match '    pids_limit: 1024' "$f"
	expect_match '    user: "10001:10001"' "$f"
	expect_match '    read_only: true' "$f"
	# db sets its limits in deploy: the fix puts memory and pids there.
	expect_match '          memory: "512m"' "$f"
	expect_match '          pids: 1024' "$f"
}

test_fix_docker_run_lines () {
	cat > "$WORK/run.sh" <<'S'
#!/bin/sh
# start it
docker run -d --name web \
    --privileged \
    -p 8080:80 -v /etc:/etc \
    --security-opt seccomp=unconfined \
    nginx:1.27 nginx -g 'daemon off;'
podman run --rm -u 0 -p "127.0.0.1:5432:5432" postgres:16   # db
S
	fix_twice "$WORK/run.sh"
	kept_comments "$WORK/orig" "$WORK/run.sh" || fail "comments"
	sh -n "$WORK/run.sh" || fail "the fixed script is not sh: $(cat "$WORK/run.sh")"
	f=$(cat "$WORK/run.sh")
	expect_no_match '--privileged' "$f"
	expect_no_match 'seccomp=unconfined' "$f"
	expect_match '-p 127.0.0.1:8080:80 -v /etc:/etc:ro' "$f"
	expect_match "--cap-drop ALL nginx:1.27 nginx -g 'daemon off;'" "$f"
	expect_match '--user 10001:10001 -p "127.0.0.1:5432:5432"' "$f"
	expect_match '--memory 512m --pids-limit 1024 postgres:16   # db' "$f"
}

test_fix_dockerfile_user_and_hygiene () {
	cat > "$WORK/Dockerfile" <<'D'
# syntax=docker/dockerfile:1
FROM debian:12
RUN apt-get update && \
    apt-get install curl
RUN useradd -u 1500 app
ADD app.conf /etc/app.conf
CMD ["app"]
D
	fix_twice "$WORK/Dockerfile"
	cat > "$WORK/want" <<'D'
# syntax=docker/dockerfile:1
FROM debian:12
RUN apt-get update && \
    apt-get -y install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd -u 1500 app
COPY app.conf /etc/app.conf
CMD ["app"]
USER 1500
D
	diff -u "$WORK/want" "$WORK/Dockerfile" > "$WORK/d" || fail "fixed text: $(cat "$WORK/d")"
	# No user made in the image: the numeric default.
	printf 'FROM alpine:3.20\nRUN apk add curl\n' > "$WORK/Containerfile"
	fix_twice "$WORK/Containerfile"
	expect_eq "$(printf 'FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 10001:10001')" "$(cat "$WORK/Containerfile")"
}

test_fix_dry_run_is_a_diff_that_patch_applies () {
	cat > "$WORK/c.yaml" <<'Y'
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
Y
	cp "$WORK/c.yaml" "$WORK/c.orig"
	run_status st audit --fix --dry-run "$WORK/c.yaml"
	expect_eq 0 "$st" "exit status: nothing at high or above would be left"
	cmp -s "$WORK/c.yaml" "$WORK/c.orig" || fail "--dry-run changed the file"
	expect_match '^--- a/' "$out"
	expect_match '^\+\+\+ b/' "$out"
	expect_match '^-    ports: \["8080:80"\]' "$out"
	expect_match '^\+    ports: \["127.0.0.1:8080:80"\]' "$out"
	audit --fix --dry-run "$WORK/c.yaml" 2>/dev/null > "$WORK/p.diff"
	patch -s -o "$WORK/patched" "$WORK/c.orig" < "$WORK/p.diff" ||
		fail "patch does not apply: $(cat "$WORK/p.diff")"
	audit --fix "$WORK/c.yaml" > /dev/null 2>&1
	cmp "$WORK/patched" "$WORK/c.yaml" || fail "the diff and --fix disagree"
	run_status st audit --dry-run "$WORK/c.yaml"
	expect_eq 2 "$st" "--dry-run without --fix"
	expect_match "dry-run goes with --fix" "$out"
}

test_fix_stdin_writes_the_fixed_text () {
	printf 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n' |
		audit --fix - > "$WORK/out.yaml" 2> "$WORK/err"
	expect_match '    privileged: false' "$(cat "$WORK/out.yaml")"
	expect_match '    cap_drop: \[ALL\]' "$(cat "$WORK/out.yaml")"
	expect_match 'findings fixed in 1 file' "$(cat "$WORK/err")"
	audit --format json --fail-on never "$WORK/out.yaml" > "$WORK/a.json"
	[ -z "$(fixable_left "$WORK/a.json")" ] || fail "left: $(fixable_left "$WORK/a.json")"
}

test_fix_leaves_suppressed_and_unfixable_findings () {
	cat > "$WORK/s.yaml" <<'Y'
services:
  web:
    image: nginx:1.27
    # brig:ignore=BRIG-C001 the GPU driver needs it
    privileged: true
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
    network_mode: host
Y
	audit --fix --fail-on never "$WORK/s.yaml" > /dev/null 2>&1
	f=$(cat "$WORK/s.yaml")
	expect_match '    privileged: true' "$f"
	expect_match 'docker.sock:/var/run/docker.sock$' "$f"
	expect_match '    network_mode: host' "$f"
	run_status st audit --format json "$WORK/s.yaml"
	expect_eq 1 "$st" "the engine socket (critical) is still there"
	expect_match '"BRIG-C003"' "$out"
}

test_fix_keeps_mode_and_writes_through_symlinks () {
	printf 'services:\n  web:\n    image: nginx:1.27\n' > "$WORK/real.yaml"
	chmod 640 "$WORK/real.yaml"
	ln -s real.yaml "$WORK/link.yaml"
	audit --fix "$WORK/link.yaml" > /dev/null 2>&1
	[ -L "$WORK/link.yaml" ] || fail "the symlink was replaced"
	expect_eq 640 "$(stat -c %a "$WORK/real.yaml")" "mode of the fixed file"
	expect_match 'cap_drop' "$(cat "$WORK/real.yaml")"
	ls "$WORK" | grep -q 'brig-' && fail "a temporary file was left: $(ls "$WORK")"
	# A file brig cannot replace: an error, the file as it was.
	mkdir "$WORK/ro"
	printf 'services:\n  web:\n    image: nginx:1.27\n' > "$WORK/ro/c.yaml"
	chattr +i "$WORK/ro/c.yaml" 2>/dev/null || skip "no chattr here"
	run_status st audit --fix "$WORK/ro/c.yaml"
	chattr -i "$WORK/ro/c.yaml"
	expect_eq 2 "$st" "exit status when the file cannot be written"
	expect_no_match 'cap_drop' "$(cat "$WORK/ro/c.yaml")"
}

test_fix_real_world_files () {
	[ -d "$CORPUS/real-k8s" ] || skip "no corpus at $CORPUS"
	mkdir "$WORK/rw"
	cp -r "$CORPUS/real-k8s" "$CORPUS/real-compose" "$CORPUS/real-dockerfiles" "$WORK/rw/"
	audit --format json --fail-on never "$WORK/rw" > "$WORK/before.json"
	audit --fix --format json --fail-on never "$WORK/rw" > "$WORK/after.json" 2> "$WORK/fix.err"
	audit --fix --fail-on never "$WORK/rw" > /dev/null 2> "$WORK/fix2.err"
	python3 - "$WORK/before.json" "$WORK/after.json" "$FIXABLE" <<'PY' || fail "see above"
import json, sys
b, a = (json.load(open(p)) for p in sys.argv[1:3])
fixable = set(sys.argv[3].split())
assert a["errors"] == [], a["errors"][:3]
nb = sum(f["rule"] in fixable for f in b["findings"])
left = [f for f in a["findings"] if f["rule"] in fixable]
print("REPORT: --fix on %d real-world files: %d fixable findings before, %d after; %d findings of rules with no fix left"
      % (a["summary"]["files"], nb, len(left), len(a["findings"]) - len(left)))
assert not left, left[:5]
PY
	expect_match "0 findings fixed in 0 files" "$(cat "$WORK/fix2.err")"
	# Every fixed YAML file still parses for another YAML reader.
	python3 - "$WORK/rw" <<'PY' || fail "a fixed file another YAML reader refuses"
import glob, sys, yaml
for f in glob.glob(sys.argv[1] + "/**/*.y*ml", recursive=True):
    list(yaml.safe_load_all(open(f)))
PY
}

test_fix_pss_fixtures () {
	[ -d "$CORPUS/pss" ] || skip "no corpus at $CORPUS"
	mkdir "$WORK/pss"
	cp -r "$CORPUS/pss/." "$WORK/pss/"
	audit --fix --format json --fail-on never "$WORK/pss" > "$WORK/after.json" 2> "$WORK/err"
	python3 - "$WORK/after.json" "$FIXABLE" <<'PY' || fail "see above"
import json, sys
a = json.load(open(sys.argv[1]))
fixable = set(sys.argv[2].split())
assert a["errors"] == [], a["errors"][:3]
left = [f for f in a["findings"] if f["rule"] in fixable]
print("REPORT: --fix on %d Pod Security fixtures: %d findings of fixable controls left, %d of controls with no fix"
      % (a["summary"]["files"], len(left), len(a["findings"]) - len(left)))
assert not left, left[:5]
PY
}

test_fix_dockerfile_target_stage_and_exec_lines () {
	printf 'FROM alpine:3.20 AS app\nRUN apk add --no-cache curl\nFROM app AS debug\nRUN apk add --no-cache gdb\n' > "$WORK/Dockerfile"
	audit --fix --target app --fail-on never "$WORK/Dockerfile" > /dev/null 2>&1
	expect_eq "$(printf 'FROM alpine:3.20 AS app\nRUN apk add --no-cache curl\nUSER 10001:10001\nFROM app AS debug\nRUN apk add --no-cache gdb')" "$(cat "$WORK/Dockerfile")"
	run_status st audit --target app --format json --fail-on never "$WORK/Dockerfile"
	expect_no_match '"BRIG-D00[12]"' "$out"
	# docker exec enters a container that runs already: no run flags for it.
	printf '#!/bin/sh\ndocker exec --privileged web sh\n' > "$WORK/x.sh"
	cp "$WORK/x.sh" "$WORK/x.orig"
	audit --fix --fail-on never "$WORK/x.sh" > /dev/null 2>&1
	expect_no_match 'cap-drop|read-only|memory' "$(cat "$WORK/x.sh")"
}

# brig-audit(1) and brig-probe(1) are made from --help and the option
# tables: each option --help shows is in the page, and the page renders.
test_man_pages_follow_help () { expect_man_follows_help audit probe; }

# A compose file judged first through another's include, then fixed when
# the walk reaches it: the report is the fixed file's.
test_fix_included_compose_file_reported_as_fixed () {
	mkdir -p "$WORK/app/lib"
	printf 'include:\n  - lib/db.yaml\nservices:\n  web: {image: "nginx:1.27", privileged: true}\n' > "$WORK/app/compose.yaml"
	printf 'services:\n  db:\n    image: postgres:16\n    privileged: true\n' > "$WORK/app/lib/db.yaml"
	run_status st audit --fix --fail-on never "$WORK/app"
	expect_no_match "privileged: true" "$(cat "$WORK/app/lib/db.yaml")" "db.yaml was fixed"
	expect_no_match "db.yaml.*BRIG-C001" "$out" "the pre-fix finding is gone"
	expect_match "in 2 files;" "$out" "each file counted once"
	# And what is left of it matches a plain audit of the fixed file.
	want=$(audit --fail-on never "$WORK/app/lib/db.yaml" | grep -c ' BRIG-[A-Z][0-9]*: ')
	expect_eq "$want" "$(printf '%s\n' "$out" | grep 'db.yaml:' | grep -c ' BRIG-[A-Z][0-9]*: ')" "db.yaml's findings"
}

# A file written with CRLF gets CRLF in what --fix adds: no line of it may
# end in a bare LF afterwards.
test_fix_crlf_files_keep_crlf () {
	printf 'services:\r\n  web:\r\n    image: nginx:1.25\r\n    ports:\r\n      - "8080:80"\r\n' > "$WORK/compose.yaml"
	printf 'FROM debian:12\r\nRUN apt-get install -y curl\r\nCMD ["sh"]\r\n' > "$WORK/Dockerfile"
	printf 'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: nginx:1.25\r\n' > "$WORK/pod.yaml"
	for f in compose.yaml Dockerfile pod.yaml; do
		audit --fix "$WORK/$f" > /dev/null || true
		expect_match "10001|runAsNonRoot" "$(cat "$WORK/$f")" "$f was fixed"
		expect_eq 0 "$(grep -vc $'\r$' "$WORK/$f" || true)" "$f: lines ending in a bare LF"
	done
}
