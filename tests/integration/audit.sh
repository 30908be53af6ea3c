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
assert all(x["why"] and x["fix"] and x["refs"] for x in r)
assert all("Pod Security Standards" in x["refs"] for x in r if x["id"].startswith("BRIG-K"))
# The suppression rules, and the other tools' ids as data.
assert {"BRIG-S001", "BRIG-S002", "BRIG-S003"} <= set(ids), ids
k001 = next(x for x in r if x["id"] == "BRIG-K001")
assert "checkov:CKV_K8S_16" in k001["same_as"] and "kube-linter:privileged-container" in k001["same_as"], k001
PY
}

# --- SARIF ------------------------------------------------------------------

# A Deployment with findings on known lines, one of them suppressed.
write_deployment () {
	cat > "$1" <<'Y'
# a comment
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      # brig:ignore=BRIG-K002 the CNI agent needs the node's network
      hostNetwork: true
      containers:
      - name: app
        image: nginx:1.27
        securityContext:
          privileged: true
          capabilities: {add: [NET_ADMIN]}
Y
}

test_sarif_structure_and_regions () {
	mkdir -p "$WORK/repo/k8s" "$WORK/elsewhere"
	write_deployment "$WORK/repo/k8s/d.yaml"
	cp "$WORK/repo/k8s/d.yaml" "$WORK/elsewhere/e.yaml"
	printf 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}\n' > "$WORK/repo/k8s/broken.yaml"
	cd "$WORK/repo"
	run_status st audit --format sarif k8s/d.yaml ./k8s/broken.yaml "$WORK/elsewhere/e.yaml"
	expect_eq 2 "$st" "exit status with an unreadable file"
	printf '%s\n' "$out" > "$WORK/out.sarif"
	"$BRIG" audit --list-rules --format json > "$WORK/rules.json"
	python3 - "$WORK/out.sarif" "$WORK/rules.json" "$WORK" <<'PY' || fail "SARIF: $(head -c 3000 "$WORK/out.sarif")"
import json, sys
log = json.load(open(sys.argv[1]))
table = json.load(open(sys.argv[2]))
work = sys.argv[3]
assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"], log.keys()
run, = log["runs"]
d = run["tool"]["driver"]
assert d["name"] == "brig" and d["version"], d
# Rule metadata: every rule of the table, in its order, with what fixes it.
assert [r["id"] for r in d["rules"]] == [r["id"] for r in table]
for r, t in zip(d["rules"], table):
    assert r["name"] and r["name"][0].isupper() and " " not in r["name"], r
    assert r["shortDescription"]["text"] == t["title"], r
    assert r["fullDescription"]["text"] == t["why"] and r["help"]["text"] == t["fix"], r
    assert r["properties"]["severity"] == t["severity"] and r["properties"]["tags"], r
    want = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}[t["severity"]]
    assert r["defaultConfiguration"]["level"] == want, r
assert "checkov:CKV_K8S_16" in d["rules"][0]["properties"]["sameAs"]
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://%s/repo/" % work, run["originalUriBaseIds"]
text = open(work + "/repo/k8s/d.yaml").read().split("\n")
res, adds = {}, []
for x in run["results"]:
    assert d["rules"][x["ruleIndex"]]["id"] == x["ruleId"], x
    loc = x["locations"][0]["physicalLocation"]
    res[(loc["artifactLocation"]["uri"], x["ruleId"])] = x
    if "must not add NET_ADMIN" in x["message"]["text"] and loc["artifactLocation"]["uri"] == "k8s/d.yaml":
        adds.append(loc["region"])
# Paths below the working directory are relative to it, the others are file: URIs.
r = res[("k8s/d.yaml", "BRIG-K001")]
assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
assert r["level"] == "error" and "privileged" in r["message"]["text"], r
reg = r["locations"][0]["physicalLocation"]["region"]
# The real place of the offending node, never line 1.
assert (reg["startLine"], reg["startColumn"], reg["endLine"]) == (14, 11, 14), reg
assert text[13][reg["startColumn"] - 1:reg["endColumn"] - 1] == "privileged: true", reg
reg, = adds
assert text[reg["startLine"] - 1][reg["startColumn"] - 1:reg["endColumn"] - 1] == "NET_ADMIN", reg
assert res[("k8s/d.yaml", "BRIG-K102")]["level"] == "warning"
assert ("file://%s/elsewhere/e.yaml" % work, "BRIG-K001") in res, list(res)
# The suppressed one is a result, with its suppression.
s = res[("k8s/d.yaml", "BRIG-K002")]["suppressions"]
assert s[0]["kind"] == "inSource" and s[0]["status"] == "accepted", s
assert s[0]["justification"] == "the CNI agent needs the node's network", s
assert s[0]["location"]["physicalLocation"]["region"]["startLine"] == 8, s
assert "suppressions" not in res[("k8s/d.yaml", "BRIG-K001")]
# The file that could not be parsed: a notification at its place.
inv, = run["invocations"]
assert inv["executionSuccessful"] is False, inv
n, = inv["toolExecutionNotifications"]
assert n["level"] == "error" and "flow sequence" in n["message"]["text"], n
loc = n["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "k8s/broken.yaml", loc
assert (loc["region"]["startLine"], loc["region"]["startColumn"]) == (5, 1), loc
PY
	# Nothing wrong: the invocation succeeded; standard input has no URI.
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: true, containers: [{name: c}]}\n' |
		"$BRIG" audit --format sarif --level baseline - > "$WORK/stdin.sarif" || true
	python3 - "$WORK/stdin.sarif" <<'PY' || fail "SARIF of standard input: $(cat "$WORK/stdin.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["invocations"][0]["executionSuccessful"] is True
x, = run["results"]
loc = x["locations"][0]["physicalLocation"]
assert "uri" not in loc["artifactLocation"] and loc["region"]["startLine"] == 4, loc
PY
}

# The SARIF 2.1.0 schema and a validator, from npm (skipped without it).
sarif_validator () {
	command -v npm > /dev/null && command -v node > /dev/null || skip "no npm or node"
	timeout 180 npm install --prefix "$WORK/npm" --no-save --no-audit --no-fund --no-package-lock \
		--loglevel=error @microsoft/jest-sarif@1.0.0-beta.0 > "$WORK/npm.log" 2>&1 ||
		skip "npm registry unreachable: $(tail -1 "$WORK/npm.log")"
	cat > "$WORK/validate.js" <<'JS'
const path = require('path'), fs = require('fs');
const nm = path.join(process.argv[2], 'node_modules');
const Ajv = require(path.join(nm, 'ajv'));
const schema = require(path.join(nm, '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
const ajv = new Ajv({ schemaId: 'auto', allErrors: true, validateSchema: false });
ajv.addMetaSchema(require(path.join(nm, 'ajv/lib/refs/json-schema-draft-04.json')));
const validate = ajv.compile(schema);
let bad = 0;
for (const f of process.argv.slice(3)) {
  if (validate(JSON.parse(fs.readFileSync(f, 'utf8')))) { console.log(f + ': valid'); continue; }
  bad++;
  console.log(f + ': ' + ajv.errorsText(validate.errors, { separator: '\n  ' }));
}
process.exit(bad ? 1 : 0);
JS
}

test_sarif_is_valid_against_the_schema () {
	sarif_validator
	mkdir -p "$WORK/repo"
	cd "$WORK/repo"
	write_deployment d.yaml
	# BRIG-K003 (hostPath) is BRIG-K101 at the restricted level: either id silences it.
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {brig.dev/ignore: "BRIG-K003"}\nspec:\n  volumes: [{name: v, hostPath: {path: /}}]\n  containers: [{name: c}]  # checkov:skip=CKV_K8S_20 until=2000-01-01\n' > p.yaml
	printf 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}\n' > broken.yaml
	printf 'rules:\n  BRIG-K106: off\n  BRIG-K102: critical\n' > .brig.yml
	audit --format sarif --fail-on never d.yaml p.yaml broken.yaml > "$WORK/a.sarif" || true
	audit --format sarif --list-rules > "$WORK/rules.sarif"
	audit --format sarif --no-config --fail-on never d.yaml > "$WORK/plain.sarif"
	# A check that the validator can say no.
	printf '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": 1}}}]}' > "$WORK/bad.sarif"
	if node "$WORK/validate.js" "$WORK/npm" "$WORK/bad.sarif" > /dev/null; then
		fail "the validator accepted an invalid log"
	fi
	node "$WORK/validate.js" "$WORK/npm" "$WORK/a.sarif" "$WORK/rules.sarif" "$WORK/plain.sarif" > "$WORK/v.out" 2>&1 ||
		fail "not valid SARIF 2.1.0: $(cat "$WORK/v.out")"
	python3 - "$WORK/a.sarif" <<'PY' || fail "the log validated is not the one meant: $(head -c 2000 "$WORK/a.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
kinds = {(x["ruleId"], "suppressions" in x) for x in run["results"]}
assert ("BRIG-K101", True) in kinds and ("BRIG-S001", False) in kinds and ("BRIG-S002", False) in kinds, kinds
inv = run["invocations"][0]
assert inv["toolExecutionNotifications"] and inv["ruleConfigurationOverrides"], inv
PY
	echo "REPORT: SARIF 2.1.0 schema (sarif-2.1.0-rtm.5): $(grep -c ': valid' "$WORK/v.out") logs valid"
}

# --- suppressions -------------------------------------------------------------

# The findings of a JSON report: "RULE@LINE" for those in force, and for
# the suppressed ones "RULE@LINE~TOOL:REASON".
summarise () {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
out = ["%s@%d" % (x["rule"], x["line"]) for x in d["findings"]]
out += ["%s@%d~%s:%s" % (x["rule"], x["line"], x["suppression"]["tool"], x["suppression"]["reason"]) for x in d["suppressed"]]
print(" ".join(sorted(out)))'
}

test_suppress_by_comment_above_and_on_the_line () {
	cat > "$WORK/c.yaml" <<'Y'
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  # brig:ignore=BRIG-K002 the node exporter reads the host's /proc
  # (see the runbook; this line continues the comment block)
  hostPID: true
  hostIPC: true # brig:ignore=BRIG-K002: shares memory with the host agent; until=2999-12-31
  # brig:ignore=BRIG-K002 a blank line follows, so this says nothing of hostNetwork

  hostNetwork: true
  containers:
  - name: c
    securityContext:
      privileged: true
Y
	run_status st audit --level baseline --format json "$WORK/c.yaml"
	expect_eq 1 "$st" "privileged is still reported"
	got=$(echo "$out" | summarise)
	expect_eq "BRIG-K001@15 BRIG-K002@11 BRIG-K002@7~brig:the node exporter reads the host's /proc BRIG-K002@8~brig:shares memory with the host agent" "$got"
	echo "$out" | python3 -c '
import json, sys
s = [x["suppression"] for x in json.load(sys.stdin)["suppressed"]]
assert s[0]["kind"] == "comment" and (s[0]["line"], s[0]["column"]) == (5, 5), s
assert s[1]["until"] == "2999-12-31" and (s[1]["line"], s[1]["column"]) == (8, 19), s' ||
		fail "suppression places: $out"
	# Text: the suppressed ones said as such, with their reason; not counted.
	run_status st audit --level baseline "$WORK/c.yaml"
	expect_match "c.yaml:7:3: suppressed BRIG-K002: .*hostPID" "$out"
	expect_match "suppressed by a brig comment at 5:5: the node exporter reads" "$out"
	expect_match "c.yaml:11:3: high BRIG-K002" "$out"
	expect_match "^2 findings \(1 critical, 1 high, 0 medium, 0 low\) in 1 file; 0 errors; 2 suppressed" "$out"
	# Suppressing the critical one lets the run pass.
	sed -i 's/privileged: true/privileged: true  # brig:ignore=BRIG-K001,BRIG-K002 GPU driver/; /hostNetwork: true/d' "$WORK/c.yaml"
	run_status st audit --level baseline "$WORK/c.yaml"
	expect_eq 0 "$st" "everything suppressed: $out"
	expect_match "^0 findings .*; 3 suppressed" "$out"
}

test_suppress_by_annotation () {
	cat > "$WORK/a.yaml" <<'Y'
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  annotations:
    brig.dev/ignore: "BRIG-K001,BRIG-K003: the agent manages the node's disks; until=2999-01-01"
spec:
  template:
    metadata:
      annotations:
        brig.dev/ignore-net: "BRIG-K002: it serves on the node's address"
    spec:
      hostNetwork: true
      volumes: [{name: dev, hostPath: {path: /dev}}]
      containers:
      - {name: c, securityContext: {privileged: true}}
---
apiVersion: v1
kind: Pod
metadata: {name: other}
spec:
  containers:
  - {name: c, securityContext: {privileged: true}}
Y
	run_status st audit --level baseline --format json "$WORK/a.yaml"
	expect_eq 1 "$st" "the other object's finding stands"
	got=$(echo "$out" | summarise)
	expect_eq "BRIG-K001@16~brig:the agent manages the node's disks BRIG-K001@23 BRIG-K002@13~brig:it serves on the node's address BRIG-K003@14~brig:the agent manages the node's disks" "$got"
	echo "$out" | python3 -c '
import json, sys
s = {x["rule"]: x["suppression"] for x in json.load(sys.stdin)["suppressed"]}
assert s["BRIG-K001"]["kind"] == "annotation" and s["BRIG-K001"]["line"] == 6, s
assert s["BRIG-K001"]["until"] == "2999-01-01" and s["BRIG-K002"]["line"] == 11, s' ||
		fail "annotation places: $out"
}

test_expired_and_reasonless_suppressions_are_reported () {
	cat > "$WORK/e.yaml" <<'Y'
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    brig.dev/ignore: "BRIG-K005"
spec:
  # brig:ignore=BRIG-K002 reviewed in 2019; until=2020-01-31
  hostPID: true
  containers:
  - name: c
    ports: [{containerPort: 80, hostPort: 80}]
    securityContext:
      # brig:ignore=BRIG-K001 until=2999-02-30 the date is wrong
      privileged: true
      procMount: Unmasked # brig:ignore=BRIG-K08 a typo
Y
	run_status st audit --level baseline --format json "$WORK/e.yaml"
	expect_eq 1 "$st"
	got=$(echo "$out" | summarise)
	# Expired and misdated: the findings stand; without a reason: silenced
	# but reported; a typo: reported, silences nothing.
	expect_eq "BRIG-K001@15 BRIG-K002@9 BRIG-K005@12~brig:None BRIG-K008@16 BRIG-S001@6 BRIG-S002@8 BRIG-S003@14 BRIG-S003@16" "$got"
	run_status st audit --level baseline "$WORK/e.yaml"
	expect_match "e.yaml:8:5: medium BRIG-S002: .brig:ignore=BRIG-K002 reviewed in 2019; until=2020-01-31. expired after 2020-01-31" "$out"
	expect_match "e.yaml:6:5: low BRIG-S001: Pod p: .brig.dev/ignore: BRIG-K005. gives no reason" "$out"
	expect_match "BRIG-S003: .*until=2999-02-30 is not a date" "$out"
	expect_match "BRIG-S003: .*BRIG-K08 is not a rule brig has" "$out"
	# The rules of suppressions answer to .brig.yml like the others.
	printf 'rules: {BRIG-S001: off, BRIG-S003: high}\n' > "$WORK/.brig.yml"
	cd "$WORK"
	got=$(audit --level baseline --format json --fail-on never e.yaml | summarise)
	expect_eq "BRIG-K001@15 BRIG-K002@9 BRIG-K005@12~brig:None BRIG-K008@16 BRIG-S002@8 BRIG-S003@14 BRIG-S003@16" "$got"
}

test_other_tools_suppressions_are_honoured () {
	cat > "$WORK/o.yaml" <<'Y'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    ignore-check.kube-linter.io/run-as-non-root: "the image needs root to bind :80"
    checkov.io/skip1: CKV_K8S_20=setuid ping inside
    checkov.io/skip2: CKV_K8S_43=digests come later
spec:
  template:
    spec:
      #trivy:ignore:KSV017:exp:2999-01-01 the kube-proxy image
      hostPID: true # checkov:skip=CKV_K8S_17: sidecar reads the node's processes
      hostIPC: true
      containers:
      - name: c
        securityContext:
          # checkov:skip=CKV_K8S_16:the GPU driver
          privileged: true
          procMount: Unmasked  # trivy:ignore:AVD-KSV-0027
          capabilities:
            add: [SYS_ADMIN] # brig:ignore=CKV_K8S_25 brig's syntax, checkov's id
Y
	run_status st audit --format json --fail-on never "$WORK/o.yaml"
	got=$(echo "$out" | summarise)
	for want in "BRIG-K001@19~checkov:the GPU driver" "BRIG-K002@13~checkov:sidecar reads the node's processes" \
		"BRIG-K002@14" "BRIG-K102@16~checkov:setuid ping inside" \
		"BRIG-K103@16~kube-linter:the image needs root to bind :80" "BRIG-K107@20~trivy:None" \
		"BRIG-K106@22~brig:brig's syntax, checkov's id" "BRIG-K106@21" "BRIG-S001@20"; do
		case " $got " in *" $want "*) ;; *) fail "want $want in: $got" ;; esac
	done
	# trivy's comment above hostPID names KSV017 = BRIG-K001, which is not
	# on that line: it silences nothing and is not brig's to judge, nor is
	# checkov's CKV_K8S_43 (brig has no such rule).
	expect_no_match "BRIG-S00[23]" "$got"
	expect_no_match "BRIG-K001@19 " " $got "
}

# --- .brig.yml ----------------------------------------------------------------

test_suppress_by_project_file () {
	mkdir -p "$WORK/proj/.git" "$WORK/proj/deploy/prod" "$WORK/proj/vendor/chart" "$WORK/proj/charts/web/tests"
	write_deployment "$WORK/proj/deploy/prod/d.yaml"
	cp "$WORK/proj/deploy/prod/d.yaml" "$WORK/proj/vendor/chart/v.yaml"
	cp "$WORK/proj/deploy/prod/d.yaml" "$WORK/proj/charts/web/tests/t.yaml"
	cp "$WORK/proj/deploy/prod/d.yaml" "$WORK/proj/charts/web/d.yml"
	cat > "$WORK/proj/.brig.yml" <<'Y'
# brig audit's settings for this repository
rules:
  BRIG-K001: medium   # reported, but no longer fails the build
  BRIG-K004: off
exclude:
  - vendor
  - "charts/*/tests"
Y
	# A .brig.yml above the repository's top is never read.
	printf 'rules: {BRIG-K102: off}\n' > "$WORK/.brig.yml"
	cd "$WORK/proj/deploy"
	run_status st audit --level baseline --format json ..
	expect_eq 0 "$st" "BRIG-K001 made medium: $out"
	echo "$out" | python3 -c '
import json, os, sys
d = json.load(sys.stdin)
f = sorted((x["file"], x["rule"], x["severity"]) for x in d["findings"])
assert f == [("../charts/web/d.yml", "BRIG-K001", "medium"), ("../deploy/prod/d.yaml", "BRIG-K001", "medium")], f
assert d["summary"]["excluded"] == 2 and d["summary"]["files"] == 2, d["summary"]
assert d["summary"]["config"] == os.path.realpath(sys.argv[1]) + "/.brig.yml", d["summary"]' "$WORK/proj" ||
		fail ".brig.yml not applied: $out"
	# Severity changes count for --fail-on and --severity.
	run_status st audit --level baseline --fail-on medium ..
	expect_eq 1 "$st"
	expect_match "; 2 excluded; settings from $WORK/proj/.brig.yml" "$out"
	run_status st audit --level baseline --severity high ..
	expect_match "^0 findings" "$out"
	# A file named on the command line is excluded too.
	run_status st audit --level baseline ../vendor/chart/v.yaml
	expect_match "^0 findings .* in 0 files; 0 errors; .*1 excluded" "$out"
	# --no-config reads none; --config names one.
	run_status st audit --level baseline --no-config --format json ..
	expect_eq 1 "$st"
	expect_eq 4 "$(echo "$out" | grep -c '"rule": "BRIG-K004"')" "BRIG-K004 in every file without .brig.yml"
	printf 'rules:\n  BRIG-K001: off\n' > "$WORK/other.yml"
	run_status st audit --level baseline --config "$WORK/other.yml" prod
	expect_eq 1 "$st" "BRIG-K004 is high"
	expect_match "BRIG-K004" "$out"
	expect_no_match "BRIG-K001" "$out"
	# Found in the working directory itself, or above it.
	cd "$WORK/proj"
	run_status st audit --level baseline charts/web/d.yml
	expect_match "settings from \.brig\.yml" "$out"
	run_status st audit --config "$WORK/missing.yml" charts
	expect_eq 2 "$st"
	expect_match "missing.yml.*No such file" "$out"
}

test_bad_project_file_is_an_error_with_its_place () {
	write_deployment "$WORK/d.yaml"
	cd "$WORK"
	check_bad () { # content expected-message
		printf "$1" > .brig.yml
		run_status st audit d.yaml
		expect_eq 2 "$st" "exit status for: $1"
		expect_match "$2" "$out"
		expect_no_match "findings? \(" "$out" "nothing is judged under a bad .brig.yml"
	}
	check_bad 'rules:\n  BRIG-K01: off\n' '^brig: \.brig\.yml:2:3: rules: BRIG-K01: not a rule brig has'
	check_bad 'rules:\n  BRIG-K001: ignore\n' '^brig: \.brig\.yml:2:14: rules: BRIG-K001: expected off, on, low, medium, high or critical'
	check_bad 'rules:\n  - BRIG-K001\n' '^brig: \.brig\.yml:2:3: rules: expected a mapping'
	check_bad 'exclude: vendor\n' '^brig: \.brig\.yml:1:10: exclude: expected a list of glob patterns'
	check_bad '# settings\nexcludes: [vendor]\n' '^brig: \.brig\.yml:2:1: excludes: unknown key \(expected rules or exclude\)'
	check_bad 'rules: {BRIG-K001: off\n' '^brig: \.brig\.yml:2:1: did not find expected'
	check_bad 'exclude: [../x]\n' '^brig: \.brig\.yml:1:11: exclude: `../x`: patterns stay inside the project'
}
