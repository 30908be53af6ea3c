# brig audit: Kubernetes manifests judged by the Pod Security Standards.
# The score against Kubernetes' own admission fixtures is printed (REPORT
# lines) when ../shared/corpus is there; the test skips without it.

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
