# brig audit: Kubernetes manifests judged by the Pod Security Standards,
# Dockerfiles by the BRIG-D rules.  The scores against Kubernetes' own
# admission fixtures and checkov's Dockerfile fixtures are printed (REPORT
# lines) when ../shared/corpus is there; those tests skip without it.

CORPUS=${BRIG_CORPUS:-$TOP/../shared/corpus}
audit () { "$BRIG" audit "$@"; }

test_pss_admission_fixtures_score () {
	[ -d "$CORPUS/pss" ] || skip "no corpus at $CORPUS"
	python3 "$TOP/tests/helper/pss_score.py" "$BRIG" "$CORPUS/pss" > "$WORK/score" 2>&1
	st=$?
	sed 's/^/REPORT: /' "$WORK/score"
	[ $st = 0 ] || fail "fixtures missed or falsely flagged (see above)"
}

test_real_world_manifests_parse () {
	[ -d "$CORPUS/real-k8s" ] || skip "no corpus at $CORPUS"
	audit --format json --fail-on never "$CORPUS/real-k8s" > "$WORK/out.json"
	python3 - "$WORK/out.json" <<'PY' || fail "errors on real-world manifests: $(head -c 2000 "$WORK/out.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == [], d["errors"]
assert d["summary"]["files"] >= 80, d["summary"]
print("REPORT: real-k8s: %d files, %d findings, 0 errors" % (d["summary"]["files"], len(d["findings"])))
PY
}

test_findings_point_at_the_offending_line () {
	cat > "$WORK/d.yaml" <<'Y'
# a comment
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          privileged: true
Y
	run_status st audit --format json "$WORK/d.yaml"
	expect_eq 1 "$st" "exit status with a critical finding"
	python3 - "$out" <<'PY' || fail "locations: $out"
import json, sys
f = {x["rule"]: x for x in json.loads(sys.argv[1])["findings"]}
assert (f["BRIG-K001"]["line"], f["BRIG-K001"]["column"], f["BRIG-K001"]["end_line"]) == (13, 11, 13), f["BRIG-K001"]
assert (f["BRIG-K002"]["line"], f["BRIG-K002"]["column"]) == (8, 7), f["BRIG-K002"]
assert "Deployment web" in f["BRIG-K001"]["message"]
PY
	# Text: file:line:col, severity, rule, message, fix.
	run_status st audit "$WORK/d.yaml"
	expect_match "d.yaml:13:11: critical BRIG-K001: Deployment web: container \"app\" must not set securityContext.privileged=true" "$out"
	expect_match "fix: Remove securityContext.privileged" "$out"
}

test_container_level_overrides_pod_level () {
	cat > "$WORK/p.yaml" <<'Y'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: ok
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
  - name: bad
    securityContext: {runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
Y
	run_status st audit --format json --fail-on never "$WORK/p.yaml"
	expect_eq 0 "$st"
	python3 - "$out" <<'PY' || fail "overrides: $out"
import json, sys
f = json.loads(sys.argv[1])["findings"]
assert [x["rule"] for x in f] == ["BRIG-K103"], f
assert '"bad"' in f[0]["message"] and f[0]["line"] == 12, f
PY
	# The restricted level flags it; baseline does not.
	run_status st audit --level baseline --format json "$WORK/p.yaml"
	expect_match '"findings": \[\]' "$out"
}

test_multi_document_stdin_and_lists () {
	out=$(printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {hostPID: true, containers: [{name: c}]}\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: batch/v1, kind: CronJob, metadata: {name: cj}, spec: {jobTemplate: {spec: {template: {spec: {hostIPC: true, containers: [{name: c}]}}}}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n' |
		audit --level baseline --fail-on never -)
	expect_match "^  -:4:8: high BRIG-K002: Pod a: hostPID=true" "$out"
	expect_match "^  -:9:.*CronJob cj: hostIPC=true" "$out"
	expect_match "2 findings .* in 1 file; 0 errors" "$out"
}

test_k8s_version_changes_the_policy () {
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  securityContext:\n    sysctls: [{name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}]\n  containers: [{name: c}]\n' > "$WORK/s.yaml"
	run_status st audit --level baseline --k8s-version 1.31 "$WORK/s.yaml"
	expect_match "sysctl net.ipv4.tcp_rmem is not in the safe set of Kubernetes 1.31" "$out"
	run_status st audit --level baseline --k8s-version v1.32 "$WORK/s.yaml"
	expect_match "^0 findings" "$out"
}

test_bad_input_is_an_error_with_its_place () {
	printf 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}\n' > "$WORK/broken.yaml"
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {hostNetwork: true, containers: [{name: c}]}\n' > "$WORK/ok.yaml"
	run_status st audit --level baseline "$WORK/broken.yaml" "$WORK/ok.yaml"
	expect_eq 2 "$st" "unparseable input"
	expect_match "error: .*broken.yaml:5:1: did not find expected ',' or ']' while parsing a flow sequence" "$out"
	expect_match "ok.yaml:4:8: high BRIG-K002" "$out" "the other file is still judged"
	printf 'apiVersion: v1\nkind: Pod\nspec: {containers: {name: a}}\n' > "$WORK/shape.yaml"
	run_status st audit "$WORK/shape.yaml"
	expect_eq 2 "$st"
	expect_match "shape.yaml:3:20: containers: expected a list" "$out"
	printf '\177ELF\0\0\0' > "$WORK/bin.yaml"
	run_status st audit "$WORK/bin.yaml"
	expect_eq 2 "$st"
	expect_match "bin.yaml: a binary file, not a manifest" "$out"
	run_status st audit "$WORK/missing.yaml"
	expect_eq 2 "$st"
	expect_match "missing.yaml.*No such file or directory" "$out"
	printf 'services:\n  web: {image: nginx}\n' > "$WORK/compose.yaml"
	run_status st audit "$WORK/compose.yaml"
	expect_eq 2 "$st"
	expect_match "not a format brig audit reads: expected Kubernetes manifests" "$out"
	run_status st audit --level strict "$WORK/ok.yaml"
	expect_eq 2 "$st"
	expect_match "brig: --level: \`strict\`: expected baseline or restricted" "$out"
	run_status st audit --k8s-version 2.0 "$WORK/ok.yaml"
	expect_match "expected 1.N" "$out"
}

test_hostile_yaml_is_bounded () {
	python3 - "$WORK" <<'PY'
import sys
w = sys.argv[1]
# A billion laughs: nine aliases per level, ten levels.
lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
for i in range(1, 11):
    lines.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 9)))
open(w + "/bomb.yaml", "w").write("apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n" + "\n".join("    " + l for l in lines) + "\nspec: {containers: [{name: c}]}\n")
open(w + "/deep.yaml", "w").write("apiVersion: v1\nkind: Pod\nspec: " + "[" * 10000 + "]" * 10000 + "\n")
PY
	run_status st timeout 10 "$BRIG" audit --fail-on never "$WORK/bomb.yaml"
	expect_eq 0 "$st" "alias bomb"
	run_status st timeout 10 "$BRIG" audit "$WORK/deep.yaml"
	expect_eq 2 "$st" "deep nesting"
	expect_match "deep.yaml:3:.*nested deeper than 256 levels: not read" "$out"
}

test_directories_are_walked () {
	mkdir -p "$WORK/tree/sub" "$WORK/tree/.git"
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {hostNetwork: true, containers: [{name: c}]}\n' > "$WORK/tree/sub/pod.yml"
	cp "$WORK/tree/sub/pod.yml" "$WORK/tree/.git/ignored.yaml"
	printf 'just: yaml\n' > "$WORK/tree/other.yaml"
	printf 'not yaml' > "$WORK/tree/README"
	run_status st audit --level baseline "$WORK/tree"
	expect_eq 1 "$st"
	expect_match "sub/pod.yml:4:8: high BRIG-K002" "$out"
	expect_no_match "\.git" "$out"
	expect_match "1 finding .* in 1 file; 0 errors; 1 file skipped" "$out"
}

test_fail_on_and_severity () {
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c, ports: [{containerPort: 80, hostPort: 80}]}]}\n' > "$WORK/hp.yaml"
	run_status st audit --level baseline "$WORK/hp.yaml"
	expect_eq 0 "$st" "a medium finding under --fail-on high"
	run_status st audit --level baseline --fail-on medium "$WORK/hp.yaml"
	expect_eq 1 "$st"
	run_status st audit --level baseline --fail-on medium --severity high "$WORK/hp.yaml"
	expect_eq 0 "$st" "hidden by --severity"
	expect_match "^0 findings" "$out"
}

test_list_rules () {
	out=$(audit --list-rules --format json)
	python3 - "$out" <<'PY' || fail "rules: $out"
import json, sys
r = json.loads(sys.argv[1])
ids = [x["id"] for x in r]
assert len(ids) == len(set(ids)) >= 19, ids
controls = {x["control"] for x in r}
for c in ("privileged", "hostNamespaces", "hostPathVolumes", "capabilities_baseline", "hostPorts",
          "appArmorProfile", "seLinuxOptions", "procMount", "seccompProfile_baseline", "sysctls",
          "windowsHostProcess", "hostProbesAndHostLifecycle", "restrictedVolumes",
          "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser", "seccompProfile_restricted",
          "capabilities_restricted", "procMount_restricted"):
    assert c in controls, c
k = [x for x in r if x["id"].startswith("BRIG-K")]
assert all(x["why"] and x["fix"] and "Pod Security Standards" in x["refs"] for x in k)
assert all(x["level"] in ("baseline", "restricted") for x in k)
d = [x for x in r if x["id"].startswith("BRIG-D")]
assert [x["id"] for x in d] == ["BRIG-D%03d" % i for i in range(1, 21)], [x["id"] for x in d]
assert all(x["why"] and x["fix"] and x["refs"] and x["control"] and "level" not in x for x in d), d
PY
	out=$(audit --list-rules)
	expect_match "^BRIG-D001  high      -           final image runs as root" "$out"
	expect_match "refs: hadolint DL3002; dockle CIS-DI-0001; checkov CKV_DOCKER_8; trivy DS-0002; CIS Docker 4.1" "$out"
}

# --- Dockerfiles -------------------------------------------------------------

# dfjson FILE: the findings of FILE as "RULE LINE:COL" lines, sorted.
dfjson () {
	audit --format json --fail-on never "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for e in d["errors"]:
    print("error", e["message"])
for f in sorted(d["findings"], key=lambda f: (f["rule"], f["line"], f["column"])):
    print(f["rule"], "%d:%d" % (f["line"], f["column"]))'
}

test_dockerfile_rule_fixtures () {
	st=0
	python3 "$TOP/tests/helper/rule_fixtures.py" "$BRIG" "$TOP/tests/rules" > "$WORK/fx" 2>&1 || st=$?
	sed 's/^/REPORT: /' "$WORK/fx"
	[ $st = 0 ] || fail "tests/rules fixtures (see above)"
}

test_dockerfile_checkov_fixtures_score () {
	[ -d "$CORPUS/checkov-dockerfile" ] || skip "no corpus at $CORPUS"
	st=0
	python3 "$TOP/tests/helper/checkov_score.py" "$BRIG" "$CORPUS/checkov-dockerfile" > "$WORK/score" 2>&1 || st=$?
	sed 's/^/REPORT: /' "$WORK/score"
	[ $st = 0 ] || fail "checkov fixtures missed or falsely flagged (see above)"
}

test_real_world_dockerfiles_parse () {
	[ -d "$CORPUS/real-dockerfiles" ] || skip "no corpus at $CORPUS"
	want=$(find "$CORPUS/real-dockerfiles" -type f ! -name SOURCES.md ! -name files.tsv | wc -l)
	grep -rlq '^# escape=`' "$CORPUS/real-dockerfiles" || fail "no Windows escape=\` file in the corpus"
	audit --format json --fail-on never "$CORPUS/real-dockerfiles" > "$WORK/out.json"
	python3 - "$WORK/out.json" "$want" <<'PY' || fail "errors on real-world Dockerfiles: $(head -c 2000 "$WORK/out.json")"
import collections, json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == [], d["errors"]
assert d["summary"]["files"] == int(sys.argv[2]), (d["summary"], sys.argv[2])
c = collections.Counter(f["rule"] for f in d["findings"])
print("REPORT: real-dockerfiles: %d files, 0 errors, %d findings: %s" % (
    d["summary"]["files"], len(d["findings"]), ", ".join("%s %d" % kv for kv in sorted(c.items()))))
PY
}

test_dockerfile_heredocs () {
	# Tabs matter for <<-: printf writes them.
	printf '%s\n' \
		'FROM alpine:3.20' \
		'RUN <<EOF' \
		'apk add curl' \
		'EOFX is not the end' \
		'EOF' \
		'RUN <<-"EOT" cat > /etc/motd && <<'"'"'SH'"'"' sh' \
		'	sudo is data here' \
		'	EOT' \
		'sudo id' \
		'SH' \
		'COPY <<A /a <<B /b/' \
		'sudo' \
		'A' \
		'curl -k x | sh' \
		'B' \
		'ADD <<EOF /etc/conf' \
		'x' \
		'EOF' \
		'RUN python3 <<PY' \
		'import os; os.system("sudo id")' \
		'PY' \
		'USER root' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D016 3:1$" "$out" "apk in the RUN <<EOF script"
	expect_match "^BRIG-D008 9:1$" "$out" "sudo in the heredoc sh reads"
	expect_eq 1 "$(echo "$out" | grep -c BRIG-D008)" "sudo: only the script's, not cat's or COPY's data or python's"
	expect_no_match "BRIG-D009|BRIG-D010" "$out"
	expect_match "^BRIG-D006 16:5$" "$out" "ADD <<EOF: COPY would do"
	expect_match "^BRIG-D001 22:6$" "$out" "line numbers after the heredocs"
	printf 'FROM alpine:3.20\nRUN <<EOF cat >/x && <<EOT cat >/y\nhi\nEOF\n' > "$WORK/Dockerfile"
	run_status st audit "$WORK/Dockerfile"
	expect_eq 2 "$st" "unterminated heredoc"
	expect_match "error: .*/Dockerfile:2:22: unterminated heredoc: no line \`EOT\` ends the <<EOT opened here" "$out"
}

test_dockerfile_escape_directive () {
	# Backtick escape: backslashes are plain characters, backticks continue lines.
	printf '%s\n' \
		'# syntax=docker/dockerfile:1' \
		'# escape=`' \
		'' \
		'FROM alpine:3.20' \
		'RUN echo C:\path\ `' \
		'  # a comment inside the instruction' \
		'' \
		'  && echo done' \
		'EXPOSE 2\2' \
		'USER root' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_no_match "error|BRIG-D018" "$out"
	expect_match "^BRIG-D001 10:6$" "$out"
	# The default escape: a backslash escapes (2\2 is 22), a backtick does not continue.
	printf '%s\n' 'FROM alpine:3.20' 'EXPOSE 2\2' 'RUN echo `' 'USER root' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D018 2:8$" "$out"
	expect_match "^BRIG-D001 4:6$" "$out"
	# A directive after an instruction or a comment is a comment.
	printf '%s\n' '# a comment' '# escape=`' 'FROM alpine:3.20' 'RUN echo `' 'USER root' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D001 5:6$" "$out" "escape=\` after a comment is not a directive"
	printf '%s\n' '# escape=`' 'FROM alpine:3.20' 'RUN echo `' 'USER root' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_no_match "BRIG-D001" "$out" "USER root is part of the continued RUN"
	printf '%s\n' '# escape=x' 'FROM alpine:3.20' > "$WORK/Dockerfile"
	run_status st audit "$WORK/Dockerfile"
	expect_eq 2 "$st"
	expect_match "Dockerfile:1:10: invalid escape character \`x\`: expected \` or" "$out"
}

test_dockerfile_final_stage_user () {
	printf '%s\n' \
		'FROM golang:1.22 AS build' \
		'USER root' \
		'RUN go build -o /app .' \
		'FROM alpine:3.20 AS runtime' \
		'USER app' \
		'FROM runtime' \
		'COPY --from=build /app /app' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_no_match "BRIG-D00[12]" "$out" "root only in a builder; the final stage inherits USER app"
	printf '%s\n' 'FROM alpine:3.20 AS base' 'USER root' 'FROM base' 'RUN true' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D001 2:6$" "$out" "USER root inherited through FROM base"
	printf '%s\n' 'FROM alpine:3.20 AS build' 'USER app' '' 'FROM alpine:3.20' 'COPY --from=build /a /a' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D002 4:1$" "$out" "no USER in the final stage: at its FROM"
	expect_no_match "BRIG-D001" "$out"
	printf '%s\n' 'FROM alpine:3.20' 'USER app' 'FROM alpine:3.20 AS last' 'USER root' 'FROM last' 'USER 1000' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_no_match "BRIG-D00[12]" "$out" "the last USER of the final stage wins"
}

test_dockerfile_arg_in_from () {
	printf '%s\n' 'ARG REG=docker.io' 'ARG TAG' 'ARG V=3.20' \
		'FROM ${REG}/library/alpine:${TAG:-latest} AS a' \
		'FROM $REG/library/alpine:$V AS b' \
		'FROM alpine:${V}' 'USER 1' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D003 4:6$" "$out" '${TAG:-latest} expands to latest'
	expect_eq 1 "$(echo "$out" | grep -c BRIG-D003)" "only the :latest FROM"
	expect_match "^BRIG-D004 5:6$" "$out" '$V expands to 3.20'
	expect_match "^BRIG-D004 6:6$" "$out" '${V} expands to 3.20'
	audit --format json --fail-on never "$WORK/Dockerfile" | grep -q 'FROM docker.io/library/alpine:latest' ||
		fail "the message names the expanded reference"
	# No value: not judged; an ARG of a stage is not seen by a later FROM.
	printf '%s\n' 'ARG TAG' 'FROM alpine:$TAG' 'ARG LATER=latest' 'FROM alpine:${LATER}' 'USER 1' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_no_match "BRIG-D00[34]" "$out"
	# Re-declared in a stage, a global ARG brings its default.
	printf '%s\n' 'ARG WHO=root' 'FROM alpine:3.20' 'ARG WHO' 'USER $WHO' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D001 4:6$" "$out"
	printf '%s\n' 'ARG WHO=root' 'FROM alpine:3.20' 'USER $WHO' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_no_match "BRIG-D001" "$out" "a global ARG is not seen in a stage until re-declared"
}

test_dockerfile_errors_have_their_place () {
	check () { # want-message dockerfile-text
		printf "$2" > "$WORK/bad.Dockerfile"
		run_status st audit "$WORK/bad.Dockerfile"
		expect_eq 2 "$st" "exit status for: $2"
		expect_match "error: $WORK/bad.Dockerfile:$1" "$out"
	}
	check '2:1: unknown instruction `FORM` \(did you mean FROM\?\)' 'FROM alpine\nFORM x\n'
	check '4:3: unknown instruction `BANANA`' 'FROM alpine\nRUN a \\\n  && b\n  BANANA\n'
	check '2:5: unterminated heredoc: no line `EOF` ends the <<EOF opened here' 'FROM alpine\nRUN <<EOF\necho\n'
	check '1:1: RUN before the first FROM: only ARG may come before it' 'RUN x\nFROM alpine\n'
	check '1:1: no FROM instruction' 'ARG A=1\n'
	check '1:1: no instructions: an empty Dockerfile' '# nothing\n'
	check '2:1: SHELL requires its arguments as a JSON array of strings' 'FROM alpine\nSHELL /bin/sh -c\n'
	check '2:9: ENV: `B` is not name=value' 'FROM alpine\nENV A=1 B\n'
	check '2:11: FROM: duplicate stage name `x` \(first named on line 1\)' 'FROM a AS x\nFROM b AS X\n'
	check '1:6: FROM: expected an image and maybe a name' 'FROM a b\n'
	check '2:5: RUN: a JSON array must hold only strings' 'FROM a\nRUN ["a", 1]\n'
	check '2:9: ONBUILD isn.t allowed as an ONBUILD trigger' 'FROM a\nONBUILD ONBUILD RUN x\n'
	check '2:1: only one escape parser directive can be used' '# escape=`\n# escape=\\\\\nFROM a\n'
	printf 'FROM alpine\nRUN x\0y\n' > "$WORK/bin.Dockerfile"
	run_status st audit "$WORK/bin.Dockerfile"
	expect_eq 2 "$st"
	expect_match "bin.Dockerfile:2:6: a NUL byte: a binary file, not a Dockerfile" "$out"
	# The other files are still judged.
	printf 'FROM alpine:3.20\nUSER root\n' > "$WORK/ok.Dockerfile"
	run_status st audit "$WORK/bad.Dockerfile" "$WORK/ok.Dockerfile"
	expect_eq 2 "$st"
	expect_match "ok.Dockerfile:2:6: high BRIG-D001" "$out"
}

test_dockerfile_bounded () {
	python3 - "$WORK" <<'PY'
import sys
w = sys.argv[1]
open(w + "/big.Dockerfile", "w").write("FROM a\n" + "RUN " + "x" * (5 << 20) + "\n")
open(w + "/line.Dockerfile", "w").write("FROM a\nRUN " + "x \\\n" * 600000 + "\n")
open(w + "/many.Dockerfile", "w").write("FROM a\n" + "RUN x\n" * 70000)
open(w + "/grow.Dockerfile", "w").write("FROM a\nENV A=" + "x" * 1000 + "\nENV B=" + "$A" * 2000 + "\n")
open(w + "/refs.Dockerfile", "w").write("FROM a\n" + "".join("ENV V%d=1\n" % i for i in range(3000))
                                         + "".join("EXPOSE " + "$V1 " * 5000 + "\n" for i in range(20)))
PY
	run_status st timeout 20 "$BRIG" audit "$WORK/big.Dockerfile"
	expect_eq 2 "$st" "a file over 4 MiB"
	expect_match "big.Dockerfile: larger than 4 MiB: not read as a Dockerfile" "$out"
	run_status st timeout 20 "$BRIG" audit "$WORK/line.Dockerfile"
	expect_match "line.Dockerfile:2:1: an instruction longer than 1048576 bytes: not read" "$out"
	run_status st timeout 20 "$BRIG" audit "$WORK/many.Dockerfile"
	expect_match "many.Dockerfile:65537:1: more than 65536 instructions: not read" "$out"
	run_status st timeout 20 "$BRIG" audit "$WORK/grow.Dockerfile"
	expect_match "grow.Dockerfile:3:7: ENV: a variable expansion longer than 1 MiB" "$out"
	run_status st timeout 20 "$BRIG" audit "$WORK/refs.Dockerfile"
	expect_match "refs.Dockerfile:[0-9]+:8: EXPOSE: too many variables and references to them: not read" "$out"
}

test_dockerfile_names_and_type () {
	mkdir -p "$WORK/tree/sub" "$WORK/tree/.git"
	df='FROM alpine:3.20\nRUN sudo true\nUSER 1\n'
	for f in Dockerfile sub/Containerfile app.dockerfile build.Dockerfile Dockerfile.prod Dockerfile-chroot \
		Containerfile.dev .git/Dockerfile Dockerfile.template Dockerfile.md dockerfile.c notes.txt; do
		printf "$df" > "$WORK/tree/$f"
	done
	out=$(audit --fail-on never "$WORK/tree")
	for f in Dockerfile sub/Containerfile app.dockerfile build.Dockerfile Dockerfile.prod Dockerfile-chroot Containerfile.dev; do
		expect_match "tree/$f:2:5: medium BRIG-D008" "$out"
	done
	expect_no_match "\.git/|template|\.md|dockerfile\.c|notes" "$out"
	expect_match "in 7 files; 0 errors" "$out"
	# By content when named otherwise: stdin and an explicit file.
	out=$(printf "$df" | audit --fail-on never -)
	expect_match "^  -:2:5: medium BRIG-D008" "$out"
	out=$(audit --fail-on never "$WORK/tree/notes.txt")
	expect_match "notes.txt:2:5: medium BRIG-D008" "$out"
	# --type says what a file is, and which files a directory gives.
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: true, containers: [{name: c}]}\n' > "$WORK/tree/pod.yaml"
	out=$(audit --type dockerfile --fail-on never "$WORK/tree")
	expect_no_match "pod.yaml" "$out"
	expect_match "in 7 files" "$out"
	out=$(audit --type k8s --fail-on never "$WORK/tree")
	expect_match "pod.yaml:4:8: high BRIG-K002" "$out"
	expect_match "in 1 file;" "$out"
	run_status st audit --type k8s "$WORK/tree/Dockerfile"
	expect_eq 2 "$st"
	expect_match "not a format brig audit reads" "$out"
	run_status st audit --type dockerfile "$WORK/tree/pod.yaml"
	expect_eq 2 "$st"
	expect_match "pod.yaml:1:1: unknown instruction \`apiVersion:\`" "$out"
	run_status st audit --type docker "$WORK/tree"
	expect_eq 2 "$st"
	expect_match "brig: --type: \`docker\`: expected auto, k8s or dockerfile" "$out"
}

test_dockerfile_text_output_and_secrets () {
	printf '%s\n' 'FROM alpine:3.20' 'ENV DB_PASSWORD=hunter2' 'ARG API_TOKEN=s3cr3t' 'USER root' > "$WORK/Dockerfile"
	run_status st audit "$WORK/Dockerfile"
	expect_eq 1 "$st" "a high finding fails under --fail-on high"
	expect_match "^  $WORK/Dockerfile:4:6: high BRIG-D001: the final image runs as root \(USER root\)$" "$out"
	expect_match "^      fix: End the final stage with USER and an unprivileged user" "$out"
	expect_match "Dockerfile:2:5: high BRIG-D007: ENV DB_PASSWORD: a secret in the image's configuration" "$out"
	expect_match "Dockerfile:3:5: high BRIG-D007: ARG API_TOKEN" "$out"
	json=$(audit --format json --fail-on never "$WORK/Dockerfile")
	expect_no_match "hunter2|s3cr3t" "$out$json" "secret values are never printed"
	run_status st audit --severity medium --fail-on critical "$WORK/Dockerfile"
	expect_eq 0 "$st"
	expect_no_match "low BRIG" "$out"
}
