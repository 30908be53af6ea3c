# brig audit: Kubernetes manifests judged by the Pod Security Standards,
# Dockerfiles by the BRIG-D rules.  The scores against Kubernetes' own
# admission fixtures and checkov's Dockerfile fixtures are printed (REPORT
# lines) when ../shared/corpus is there; those tests skip without it.

CORPUS=${BRIG_CORPUS:-$TOP/../shared/corpus}
audit () { "$BRIG" audit "$@"; }

# A JSON report without the findings of the hardening rules beyond the Pod
# Security Standards (BRIG-K2nn, which every bare test pod breaks), for
# the tests of the Pod Security Standards' controls and of suppressions.
pss_only () {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("findings", "suppressed"):
    d[k] = [x for x in d[k] if not x["rule"].startswith("BRIG-K2")]
json.dump(d, sys.stdout, indent=2)'
}

# What the BRIG-K2nn rules want of a pod and of a container, in flow style.
K2_POD='automountServiceAccountToken: false, securityContext: {runAsUser: 10001, runAsGroup: 10001}'
K2_DIGEST=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
K2_CONTAINER="image: \"app:1.0@$K2_DIGEST\", securityContext: {readOnlyRootFilesystem: true}, resources: {limits: {memory: 64Mi, cpu: 100m}}"

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
	out=$(echo "$out" | pss_only)
	python3 - "$out" <<'PY' || fail "overrides: $out"
import json, sys
f = json.loads(sys.argv[1])["findings"]
assert [x["rule"] for x in f] == ["BRIG-K103"], f
assert '"bad"' in f[0]["message"] and f[0]["line"] == 12, f
PY
	# The restricted level flags it; baseline does not.
	run_status st audit --level baseline --format json "$WORK/p.yaml"
	out=$(echo "$out" | pss_only)
	expect_match '"findings": \[\]' "$out"
}

test_multi_document_stdin_and_lists () {
	out=$(printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {hostPID: true, containers: [{name: c}]}\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: batch/v1, kind: CronJob, metadata: {name: cj}, spec: {jobTemplate: {spec: {template: {spec: {hostIPC: true, containers: [{name: c}]}}}}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n' |
		audit --level baseline --fail-on never --severity high -)
	expect_match "^  -:4:8: high BRIG-K002: Pod a: hostPID=true" "$out"
	expect_match "^  -:9:.*CronJob cj: hostIPC=true" "$out"
	expect_match "2 findings .* in 1 file; 0 errors" "$out"
}

test_k8s_version_changes_the_policy () {
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  securityContext:\n    sysctls: [{name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}]\n  containers: [{name: c}]\n' > "$WORK/s.yaml"
	run_status st audit --level baseline --k8s-version 1.31 "$WORK/s.yaml"
	expect_match "sysctl net.ipv4.tcp_rmem is not in the safe set of Kubernetes 1.31" "$out"
	run_status st audit --level baseline --k8s-version v1.32 "$WORK/s.yaml"
	expect_no_match "sysctl" "$out"
}

# --- the hardening rules beyond the Pod Security Standards (BRIG-K2nn) ---------

# The findings of a JSON report as sorted "RULE@LINE:COL" words.
places () {
	python3 -c '
import json, sys
print(" ".join(sorted("%s@%d:%d" % (x["rule"], x["line"], x["column"]) for x in json.load(sys.stdin)["findings"] if not x["rule"].startswith("BRIG-K0") and not x["rule"].startswith("BRIG-K1"))))'
}

test_k8s_hardening_rules_at_their_place () {
	cat > "$WORK/h.yaml" <<Y
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      securityContext: {runAsUser: 1000, runAsGroup: 20000}
      volumes:
      - name: sock
        hostPath: {path: /run/containerd/containerd.sock, type: Socket}
      - name: run
        hostPath: {path: /var/run/}
      - name: data
        hostPath: {path: /srv/data}
      containers:
      - name: app
        image: nginx:latest
        securityContext: {readOnlyRootFilesystem: false, runAsGroup: 0}
        resources:
          limits: {cpu: 500m}
        volumeMounts: [{name: sock, mountPath: /run/containerd/containerd.sock}]
      - name: side
        image: "registry.example:5000/side:1.2@$K2_DIGEST"
        securityContext: {readOnlyRootFilesystem: true, runAsUser: 10001}
        resources: {limits: {memory: 64Mi, cpu: "0"}}
      initContainers:
      - name: init
        image: busybox
---
apiVersion: v1
kind: Pod
metadata: {name: win}
spec:
  automountServiceAccountToken: true
  os: {name: windows}
  containers: [{name: w, image: "nanoserver:ltsc2022@$K2_DIGEST", resources: {limits: {memory: 1Gi, cpu: "1"}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: userns}
spec:
  hostUsers: false
  automountServiceAccountToken: false
  resources: {limits: {memory: 1Gi, cpu: "2"}}
  containers:
  - {name: c, image: "app:1@$K2_DIGEST", securityContext: {readOnlyRootFilesystem: true}}
  ephemeralContainers:
  - {name: debug, image: "busybox:1.36@$K2_DIGEST"}
Y
	# The pod's spec: key (no automountServiceAccountToken); the pod's
	# runAsUser that app and init inherit (side sets its own); app's own
	# runAsGroup 0 over the pod's 20000; the engine's socket and a directory
	# holding one (not /srv/data, which is K003's alone); app's writable root
	# and its limits without memory; side's cpu "0"; init with nothing; the
	# images.  Not: the Windows pod's ids and root (the API forbids them),
	# the user namespace's ids, the ephemeral container's limits (the API
	# forbids them) where the pod-level limits hold anyway.
	want="BRIG-C003@10:20 BRIG-C003@12:20 BRIG-K201@18:27 BRIG-K201@27:9 BRIG-K201@48:5 BRIG-K202@20:11 BRIG-K202@27:9 BRIG-K203@25:44 BRIG-K203@27:9 BRIG-K204@17:9 BRIG-K204@28:9 BRIG-K205@17:9 BRIG-K205@28:9 BRIG-K206@34:3 BRIG-K206@6:5 BRIG-K207@7:25 BRIG-K208@18:58"
	for level in baseline restricted; do
		got=$(audit --level $level --format json --fail-on never "$WORK/h.yaml" | places)
		expect_eq "$want" "$got" "the same at --level $level"
	done
	run_status st audit --level baseline "$WORK/h.yaml"
	expect_eq 1 "$st" "BRIG-C003 is critical"
	expect_match "h.yaml:10:20: critical BRIG-C003: Deployment web: volume \"sock\" gives the container /run/containerd/containerd.sock \(hostPath, mounted by \"app\"\)" "$out"
	expect_match "h.yaml:12:20: critical BRIG-C003: .*/var/run/docker.sock in /var/run/ \(hostPath\)" "$out"
	expect_match "h.yaml:7:25: low BRIG-K207: Deployment web: the pod sets runAsUser=1000: below 10000" "$out"
	expect_match "h.yaml:18:58: low BRIG-K208: .*container \"app\" sets runAsGroup=0: below 10000, root's" "$out"
	expect_match "h.yaml:20:11: medium BRIG-K202: .*container \"app\" has no resources.limits.memory" "$out"
	expect_match "h.yaml:25:44: low BRIG-K203: .*container \"side\" sets resources.limits.cpu to 0: no limit" "$out"
	expect_match "h.yaml:28:9: low BRIG-K204: .*image busybox has no tag" "$out"
	# A pod that follows the advice gets nothing from these rules.
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {%s, containers: [{name: c, %s}], initContainers: [{name: i, %s}]}\n' \
		"$K2_POD" "$K2_CONTAINER" "$K2_CONTAINER" > "$WORK/ok.yaml"
	got=$(audit --format json "$WORK/ok.yaml" | places)
	expect_eq "" "$got" "a hardened pod"
}

test_k8s_hardening_rules_suppressed_by_other_tools () {
	cat > "$WORK/s.yaml" <<Y
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  annotations:
    checkov.io/skip1: CKV_K8S_22=the agent writes its state in its root
    ignore-check.kube-linter.io/unset-memory-requirements: "a LimitRange in kube-system sets it"
    checkov.io/skip2: CKV_K8S_27=it lists the node's containers
spec:
  template:
    spec:
      # brig:ignore=CKV_K8S_38 it watches pods through the API
      automountServiceAccountToken: true
      securityContext: {runAsUser: 10001, runAsGroup: 10001}
      volumes: [{name: cri, hostPath: {path: /run/containerd/containerd.sock}}]
      containers:
      - name: c
        image: "agent:2.1@$K2_DIGEST" # trivy:ignore:KSV011 cpu is shared on purpose
        resources: {limits: {cpu: "1"}}
        volumeMounts: [{name: cri, mountPath: /run/containerd/containerd.sock}]
Y
	got=$(audit --format json --fail-on never "$WORK/s.yaml" | summarise)
	for want in "BRIG-K201@17~checkov:the agent writes its state in its root" \
		"BRIG-K202@19~kube-linter:a LimitRange in kube-system sets it" \
		"BRIG-C003@15~checkov:it lists the node's containers" \
		"BRIG-K206@13~brig:it watches pods through the API"; do
		case " $got " in *" $want "*) ;; *) fail "want $want in: $got" ;; esac
	done
	# trivy's KSV011 is the CPU limit, which is set: nothing to silence,
	# and not an unknown id either.
	expect_no_match "BRIG-K203|BRIG-S00" "$got"
	# .brig.yml turns them off or changes their severity like any other.
	printf 'rules: {BRIG-K204: off, BRIG-K205: medium}\n' > "$WORK/.brig.yml"
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {%s, containers: [{name: c, image: nginx}]}\n' "$K2_POD" > "$WORK/p.yaml"
	cd "$WORK"
	got=$(audit --format json --fail-on never p.yaml | python3 -c '
import json, sys
print(" ".join("%s:%s" % (x["rule"], x["severity"]) for x in json.load(sys.stdin)["findings"] if x["rule"].startswith("BRIG-K20")))')
	expect_eq "BRIG-K201:medium BRIG-K202:medium BRIG-K203:low BRIG-K205:medium" "$got"
}

test_kubesec_fixtures_score () {
	[ -d "$CORPUS/kubesec" ] || skip "no corpus at $CORPUS"
	python3 "$TOP/tests/helper/kubesec_score.py" "$BRIG" "$CORPUS/kubesec" > "$WORK/score" 2>&1
	st=$?
	sed 's/^/REPORT: /' "$WORK/score"
	[ $st = 0 ] || fail "kubesec's labels missed or contradicted (see above)"
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
	printf 'volumes:\n  data: {}\n' > "$WORK/other.yaml"
	run_status st audit "$WORK/other.yaml"
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
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {hostNetwork: true, %s, containers: [{name: c, %s}]}\n' "$K2_POD" "$K2_CONTAINER" > "$WORK/tree/sub/pod.yml"
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
# The hardening rules beyond them: no level, said to be no control, each
# with the other tools' ids.
k2 = [x for x in r if x["id"].startswith("BRIG-K2")]
assert [x["id"] for x in k2] == ["BRIG-K2%02d" % i for i in range(1, 9)], k2
assert all(not x.get("level") and "not a Pod Security Standards control" in x["refs"] and x["same_as"] for x in k2), k2
c003 = next(x for x in r if x["id"] == "BRIG-C003")
assert "checkov:CKV_K8S_27" in c003["same_as"] and "trivy:KSV-0006" in c003["same_as"], c003
d = [x for x in r if x["id"].startswith("BRIG-D")]
assert [x["id"] for x in d] == ["BRIG-D%03d" % i for i in range(1, 21)], [x["id"] for x in d]
assert all(x["why"] and x["fix"] and x["refs"] and x["control"] and not x.get("level") for x in d), d
# The suppression rules, and the other tools' ids as data.
assert {"BRIG-S001", "BRIG-S002", "BRIG-S003"} <= set(ids), ids
assert all(x["level"] is None for x in r if x["id"].startswith("BRIG-S")), "suppression rules are no Pod Security Standards control"
k001 = next(x for x in r if x["id"] == "BRIG-K001")
assert "checkov:CKV_K8S_16" in k001["same_as"] and "kube-linter:privileged-container" in k001["same_as"], k001
PY
	out=$(audit --list-rules)
	expect_match "^BRIG-D001  high      -           final image runs as root" "$out"
	expect_match "refs: hadolint DL3002; dockle CIS-DI-0001; checkov CKV_DOCKER_8; trivy DS-0002; CIS Docker 4.1" "$out"
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
x, = [r for r in run["results"] if r["ruleId"] == "BRIG-K002"]
loc = x["locations"][0]["physicalLocation"]
assert "uri" not in loc["artifactLocation"] and loc["region"]["startLine"] == 4, loc
PY
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
	got=$(echo "$out" | pss_only | summarise)
	expect_eq "BRIG-K001@15 BRIG-K002@11 BRIG-K002@7~brig:the node exporter reads the host's /proc BRIG-K002@8~brig:shares memory with the host agent" "$got"
	echo "$out" | python3 -c '
import json, sys
s = [x["suppression"] for x in json.load(sys.stdin)["suppressed"]]
assert s[0]["kind"] == "comment" and (s[0]["line"], s[0]["column"]) == (5, 5), s
assert s[1]["until"] == "2999-12-31" and (s[1]["line"], s[1]["column"]) == (8, 19), s' ||
		fail "suppression places: $out"
	# Text: the suppressed ones said as such, with their reason; not counted
	# (--severity high: without the medium and low BRIG-K2nn findings).
	run_status st audit --level baseline --severity high "$WORK/c.yaml"
	expect_match "c.yaml:7:3: suppressed BRIG-K002: .*hostPID" "$out"
	expect_match "suppressed by a brig comment at 5:5: the node exporter reads" "$out"
	expect_match "c.yaml:11:3: high BRIG-K002" "$out"
	expect_match "^2 findings \(1 critical, 1 high, 0 medium, 0 low\) in 1 file; 0 errors; 2 suppressed" "$out"
	# Suppressing the critical one lets the run pass.
	sed -i 's/privileged: true/privileged: true  # brig:ignore=BRIG-K001,BRIG-K002 GPU driver/; /hostNetwork: true/d' "$WORK/c.yaml"
	run_status st audit --level baseline --severity high "$WORK/c.yaml"
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
	got=$(echo "$out" | pss_only | summarise)
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
	got=$(echo "$out" | pss_only | summarise)
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
	got=$(audit --level baseline --format json --fail-on never e.yaml | pss_only | summarise)
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
	# on that line: it silences nothing and is not brig's to judge; checkov's
	# CKV_K8S_43 (BRIG-K205) has nothing to silence: the container names no
	# image.
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
f = sorted((x["file"], x["rule"], x["severity"]) for x in d["findings"] if not x["rule"].startswith("BRIG-K2"))
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
	# The walk up stops at the repository's top: $WORK/.brig.yml is above it.
	mkdir -p "$WORK/repo2/.git"
	write_deployment "$WORK/repo2/d.yaml"
	cd "$WORK/repo2"
	run_status st audit --format json --fail-on never d.yaml
	expect_match '"config": null' "$out" "a .brig.yml above the repository's top is read"
	rm -r "$WORK/repo2/.git"
	run_status st audit --format json --fail-on never d.yaml
	expect_match "\"config\": \"$WORK/.brig.yml\"" "$out" "without .git, the walk goes up"
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

# --- compose files and docker run lines -------------------------------------

# The findings of brig audit ARGS... as "RULE LINE:COL" lines (and
# "ERROR message", "WARNING message").
rules_at () {
	"$BRIG" audit --format json --fail-on never "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for e in d["errors"]: print("ERROR", e["message"])
for e in d.get("warnings", []): print("WARNING", e["message"])
for f in d["findings"]: print(f["rule"], "%d:%d" % (f["line"], f["column"]))'
}

test_compose_hardened_service_is_clean () {
	cat > "$WORK/compose.yaml" <<'Y'
services:
  web:
    image: nginx:1.27.3
    user: "101:101"
    read_only: true
    tmpfs: [/tmp, /run]
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
    pids_limit: 100
    cpus: 0.5
    ports:
      - "127.0.0.1:8080:80"
      - target: 443
        published: 8443
        host_ip: 127.0.0.1
      - "[::1]:9090:9090"
    volumes:
      - data:/data
      - ./site:/usr/share/nginx/html:ro
      - /srv/certs:/etc/ssl/certs:ro
      - type: bind
        source: /srv/cache
        target: /cache
    restart: on-failure:5
    healthcheck: {test: ["CMD", "wget", "-q", "-O-", "http://localhost/"]}
volumes:
  data: {}
Y
	run_status st audit "$WORK/compose.yaml"
	expect_eq 0 "$st" "a hardened service"
	expect_match "^0 findings .* in 1 file; 0 errors" "$out"
	# The host's /etc, even read-only, is what brig run refuses (BRIG-C015).
	sed -i 's|/srv/certs:|/etc/ssl/certs:|' "$WORK/compose.yaml"
	run_status st audit "$WORK/compose.yaml"
	expect_match "compose.yaml:22:9: high BRIG-C015: .*the host's /etc/ssl/certs is mounted at /etc/ssl/certs" "$out"
	sed -i 's|/etc/ssl/certs:/etc|/srv/certs:/etc|' "$WORK/compose.yaml"
	# The same container as a docker run line: nothing either.
	cat > "$WORK/ok.sh" <<'S'
docker run -d --user 101:101 --read-only --tmpfs /tmp --cap-drop ALL --cap-add NET_BIND_SERVICE \
  --security-opt no-new-privileges --memory 256m --pids-limit 100 --cpus 0.5 \
  -p 127.0.0.1:8080:80 -v data:/data --mount type=bind,src=/srv/cache,dst=/cache \
  --network web --restart on-failure:5 --health-cmd 'wget -q -O- http://localhost/' nginx:1.27.3
S
	run_status st audit "$WORK/ok.sh"
	expect_eq 0 "$st"
	expect_match "^0 findings .* in 1 file; 0 errors" "$out"
}

test_compose_each_rule_at_its_key () {
	# Every service is hardened (by the anchor) but for what it breaks.
	cat > "$WORK/compose.yaml" <<'Y'
x-hard: &hard
  image: app:1.0
  user: "1000"
  read_only: true
  cap_drop: [ALL]
  security_opt: [no-new-privileges:true]
  mem_limit: 64m
  pids_limit: 64
  cpus: 1
services:
  priv:
    <<: *hard
    privileged: true
  sysadmin:
    <<: *hard
    cap_add: [NET_BIND_SERVICE, SYS_ADMIN, NET_RAW]
  keepscaps:
    <<: *hard
    cap_drop: [NET_RAW]
  hostns:
    <<: *hard
    network_mode: host
    pid: "host"
    ipc: host
  sock:
    <<: *hard
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - type: bind
        source: /
        target: /host
        read_only: true
      - /etc:/host-etc
      - type: bind
        source: /usr/lib
        target: /l
  opts:
    <<: *hard
    security_opt: [seccomp=unconfined, "apparmor:unconfined", label=disable, systempaths=unconfined]
  ports:
    <<: *hard
    ports:
      - "8080:80"
      - 9000
      - "0.0.0.0:53:53/udp"
      - target: 443
        published: "8443"
      - target: 80
        host_ip: "::"
  limits:
    <<: *hard
    mem_limit: 0
    pids_limit: -1
    cpus: 0
  root:
    <<: *hard
    user: "0:0"
    read_only: false
    image: nginx
    devices: ["/dev/fuse:/dev/fuse", "/dev/null"]
    userns_mode: host
    cgroup: host
    device_cgroup_rules: ["a *:* rwm"]
  latest:
    <<: *hard
    image: nginx:latest
  built:
    <<: *hard
    image: mine:latest
    build: .
Y
	out=$(rules_at "$WORK/compose.yaml")
	# Short syntax at the entry, long syntax at its mapping, a list's
	# value at itself, a scalar at its key.
	for want in "BRIG-C001 13:5" "BRIG-C001 16:33" "BRIG-C005 16:44" "BRIG-C005 19:16" \
		"BRIG-C002 22:5" "BRIG-C002 23:5" "BRIG-C002 24:5" "BRIG-C003 28:9" "BRIG-C003 29:9" \
		"BRIG-R003 33:9" "BRIG-C015 33:9" "BRIG-R003 34:9" "BRIG-C007 37:3" "BRIG-C004 39:20" "BRIG-R002 39:40" \
		"BRIG-R002 39:63" "BRIG-C009 39:78" "BRIG-R004 43:9" "BRIG-R004 44:9" "BRIG-R004 45:9" \
		"BRIG-R004 46:9" "BRIG-R004 48:9" "BRIG-C010 52:5" "BRIG-C010 53:5" "BRIG-R006 54:5" \
		"BRIG-R001 57:5" "BRIG-C008 58:5" "BRIG-R005 59:5" "BRIG-C014 60:15" "BRIG-C011 61:5" \
		"BRIG-C013 62:5" "BRIG-C012 63:27" "BRIG-R005 66:5"; do
		expect_match "^$want\$" "$out" "$want"
	done
	# What is allowed is not flagged: NET_BIND_SERVICE added, /dev/null, a
	# built image's tag; the anchor's no-new-privileges holds but where
	# `opts` replaces security_opt (37:3).
	expect_no_match "BRIG-C005 16:15" "$out"
	expect_no_match "BRIG-C014 60:38" "$out"
	expect_no_match "BRIG-R005 69:" "$out"
	expect_eq 2 "$(echo "$out" | grep -c 'BRIG-C005')" "capability findings"
	expect_eq 1 "$(echo "$out" | grep -c 'BRIG-C007')" "no-new-privileges findings"
	# No healthcheck: every service but the one built here (its Dockerfile's
	# HEALTHCHECK is BRIG-D019's); port 53 is below 1024.
	expect_eq 10 "$(echo "$out" | grep -c 'BRIG-R009')" "health check findings"
	expect_no_match "BRIG-R009 67:" "$out"
	expect_match "^BRIG-R007 45:9\$" "$out"
	expect_eq 34 "$(echo "$out" | grep -vc 'BRIG-R009')" "findings in all"
	# The text names the service and the key.
	run_status st audit "$WORK/compose.yaml"
	expect_eq 1 "$st"
	expect_match "compose.yaml:13:5: critical BRIG-C001: service priv: privileged: true gives every capability" "$out"
	expect_match "compose.yaml:43:9: medium BRIG-R004: service ports: port 8080:80 is published on every interface" "$out"
	expect_match "fix: Bind it to one address: \"127.0.0.1:8080:80\"" "$out"
}

test_docker_run_each_rule_at_its_flag () {
	# Continuations, quotes, joined and grouped short flags, --flag=value;
	# each finding at its flag.
	cat > "$WORK/deploy.sh" <<'S'
#!/bin/bash
set -eu
IMAGE="registry.example/app:${TAG:-1.0}"
docker run -d --name "web app" \
	--privileged=false \
	-itp8080:80 \
	--publish "127.0.0.1:8443:443" \
	-v /var/run/docker.sock:/var/run/docker.sock:ro \
	--mount 'type=bind,source=/etc,target=/host-etc' \
	--cap-add=SYS_PTRACE --cap-drop ALL \
	--security-opt "seccomp=unconfined" --security-opt='apparmor=unconfined' \
	-u root --ipc=host --pid host \
	--device /dev/kvm \
	"$IMAGE" sh -c 'docker run --privileged inner'   # the container's command is not read
sudo podman --remote run --rm --userns=host -P --memory 0 --pids-limit=-1 \
  docker.io/library/busybox:latest 2>&1 | tee run.log
echo docker run --privileged is only printed here
cat <<'EOF2'
docker run --privileged is in a here-document
EOF2
docker create --read-only --security-opt no-new-privileges --memory 64m --pids-limit 64 --cpus 1 --user 1000 --cap-drop=ALL --network app --health-cmd true alpine:3.20
/usr/bin/docker -H unix:///run/user/1000/docker.sock container run --net host -p 80:80 alpine:3.20
S
	out=$(rules_at "$WORK/deploy.sh")
	for want in "BRIG-R004 6:2" "BRIG-C003 8:2" "BRIG-R003 9:2" "BRIG-C005 10:2" "BRIG-C004 11:2" \
		"BRIG-R002 11:38" "BRIG-R001 12:2" "BRIG-C002 12:10" "BRIG-C002 12:21" "BRIG-C014 13:2" \
		"BRIG-C007 4:1" "BRIG-C008 4:1" "BRIG-C010 4:1" "BRIG-R006 4:1" \
		"BRIG-C005 15:6" "BRIG-C011 15:31" "BRIG-R004 15:45" "BRIG-C010 15:48" \
		"BRIG-C010 15:59" "BRIG-R005 16:3" "BRIG-C002 22:68"; do
		expect_match "^$want\$" "$out" "$want"
	done
	# --privileged=false is not privileged; 127.0.0.1 is bound; $IMAGE is
	# not judged; the inner, printed and here-document lines are not runs;
	# the hardened docker create has nothing; under --net host no port is
	# published.
	expect_no_match "BRIG-C001|BRIG-R005 14:|BRIG-R004 7:| 1[789]:| 2[01]:|BRIG-R004 22" "$out"
	run_status st audit "$WORK/deploy.sh"
	expect_match "deploy.sh:12:2: medium BRIG-R001: docker run web app: --user root runs as root" "$out"
	expect_match "deploy.sh:15:31: medium BRIG-C011: podman run docker.io/library/busybox:latest: --userns host" "$out"
	expect_match "deploy.sh:22:68: high BRIG-C002: docker run alpine:3.20: --network host shares the host's network" "$out"
	expect_match "in 1 file; 0 errors" "$out"
}

# CIS Docker section 5 items only a file shows (docs/cis-docker.md).
test_cis_runtime_rules_compose_and_docker_run () {
	cat > "$WORK/compose.yaml" <<'Y'
services:
  web:
    image: nginx:1.27
    ports: ["80:80", "127.0.0.1:443:443", "8080:80", "${P:-8000}:80", "100-110:100-110"]
    restart: always
    healthcheck: {disable: true}
    ulimits:
      nproc: 65535
      memlock: {soft: -1, hard: -1}
    cgroup_parent: /custom
    network_mode: bridge
    volumes:
      - /srv:/srv:rshared
      - /opt:/opt:rslave
      - type: bind
        source: /data
        target: /data
        bind: {propagation: shared}
  ok:
    image: nginx:1.27
    restart: "on-failure:5"
    healthcheck: {test: ["CMD", "true"]}
    ulimits: {nofile: 65536}
  swarm:
    image: nginx:1.27
    deploy: {restart_policy: {condition: on-failure, max_attempts: 10}}
    healthcheck: {test: NONE}
  built:
    build: .
    restart: no
  unless:
    image: nginx:1.27
    restart: unless-stopped
    healthcheck: {test: ["CMD", "true"]}
    deploy: {restart_policy: {condition: on-failure, max_attempts: 3}}
Y
	out=$(rules_at "$WORK/compose.yaml" | grep -E 'BRIG-R0(0[789]|1[0-3])' | sort)
	# A port below 1024 (a range by its first), not 8080 nor a variable;
	# restart always, on-failure:10 (restart wins over deploy's 3); a health
	# check turned off, or missing where the image is not built here; an
	# unlimited ulimit only; a cgroup parent; the default bridge; shared
	# propagation, not rslave.
	want="BRIG-R007 4:13
BRIG-R007 4:22
BRIG-R007 4:71
BRIG-R008 33:5
BRIG-R008 5:5
BRIG-R008 26:14
BRIG-R009 27:5
BRIG-R009 6:5
BRIG-R010 13:9
BRIG-R010 18:16
BRIG-R011 9:7
BRIG-R012 10:5
BRIG-R013 11:5"
	expect_eq "$(echo "$want" | sort)" "$out"
	cat > "$WORK/run.sh" <<'S'
docker run --restart=unless-stopped --no-healthcheck --ulimit core=-1 --cgroup-parent=/x -v /a:/b:shared --mount type=bind,src=/c,dst=/d,bind-propagation=rshared -p 22:22 nginx:1.27
docker run --network app --health-cmd true --restart on-failure --ulimit nofile=1024:4096 nginx:1.27
podman run --restart on-failure:3 nginx:1.27
docker run --network=bridge --health-cmd true -p 127.0.0.1:1024:80 nginx:1.27
S
	out=$(rules_at "$WORK/run.sh" | grep -E 'BRIG-R0(0[789]|1[0-3])' | sort)
	# docker run's default network is docker0, Podman's is not.
	want="BRIG-R007 1:163
BRIG-R008 1:12
BRIG-R008 2:44
BRIG-R009 1:37
BRIG-R009 3:1
BRIG-R010 1:90
BRIG-R010 1:106
BRIG-R011 1:54
BRIG-R012 1:71
BRIG-R013 1:1
BRIG-R013 4:12"
	expect_eq "$(echo "$want" | sort)" "$out"
	run_status st audit "$WORK/run.sh"
	expect_match "run.sh:1:12: low BRIG-R008: docker run nginx:1.27: restart unless-stopped restarts the container without end" "$out"
	expect_match "run.sh:1:90: medium BRIG-R010: docker run nginx:1.27: /a is mounted at /b with shared propagation" "$out"
	expect_match "run.sh:2:44: low BRIG-R008: .*restart on-failure has no maximum" "$out"
	expect_match "run.sh:4:12: low BRIG-R013: .*--network bridge is Docker's default bridge" "$out"
	# docker exec lines: judged for --privileged and --user root alone (the
	# container rules judge the container, started elsewhere).
	cat > "$WORK/exec.sh" <<'S'
docker exec -it --privileged web sh
docker exec -u 0:0 web id
docker container exec --user=app web id
podman exec --user root -e A=1 db psql
docker exec web ls
S
	out=$(rules_at "$WORK/exec.sh")
	expect_eq "BRIG-R014 1:17
BRIG-R015 2:13
BRIG-R015 4:13" "$out"
	run_status st audit "$WORK/exec.sh"
	expect_eq 1 "$st" "BRIG-R014 is high"
	expect_match "exec.sh:1:17: high BRIG-R014: docker exec web: --privileged gives the process every capability" "$out"
	expect_match "exec.sh:4:13: medium BRIG-R015: podman exec db: --user root runs the process as root" "$out"
}

# docs/cis-docker.md maps every item of CIS Docker section 5 to rules: each
# rule it names exists, each CIS item a rule cites is in it.
test_cis_docker_doc_matches_the_rules () {
	audit --list-rules --format json > "$WORK/rules.json"
	python3 - "$TOP/docs/cis-docker.md" "$WORK/rules.json" <<'PY' || fail "docs/cis-docker.md and the rule table disagree"
import json, re, sys
doc = open(sys.argv[1]).read()
rules = json.load(open(sys.argv[2]))
ids = {r["id"] for r in rules}
named = set(re.findall(r"BRIG-[A-Z]\d{3}", doc))
missing = sorted(named - ids)
assert not missing, "named in the doc, not in --list-rules: %s" % missing
# Every item of section 5 has its row; each row names a rule or says why not.
rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| (\d+\.\d+(?:\.\d+)?) \|.*$", doc, re.M)}
for n in range(1, 33):
    row = rows.get("5.%d" % n)
    assert row, "no row for 5.%d" % n
    assert "BRIG-" in row or "not checkable" in row, row
# Every CIS Docker item a rule cites is a row of the doc.
# Items are N.N or N.N.N; A-B is a range of the same parent (3.1-3.14,
# 1.1.3-1.1.18).
item = r"\d+\.\d+(?:\.\d+)?(?:-\d+\.\d+(?:\.\d+)?)?"
def expand(i):
    if "-" not in i:
        return [i]
    a, b = i.split("-")
    pa, pb = a.rsplit(".", 1), b.rsplit(".", 1)
    assert pa[0] == pb[0], i
    return ["%s.%d" % (pa[0], n) for n in range(int(pa[1]), int(pb[1]) + 1)]
cited = {}
for r in rules:
    for m in re.finditer(r"CIS Docker (%s(?:,\s*%s)*)" % (item, item), r["refs"]):
        for it in re.split(r",\s*", m.group(1)):
            for one in expand(it):
                cited.setdefault(one, []).append(r["id"])
absent = {k: v for k, v in cited.items() if k not in rows}
assert not absent, "cited by rules, not in the doc: %s" % absent
# A row that says a rule checks an item agrees with the rule's refs where the
# rule cites section 5 at all.
for item, rids in cited.items():
    for rid in rids:
        assert rid in rows[item], "%s cites CIS Docker %s, the doc's row does not name it" % (rid, item)
print("REPORT: docs/cis-docker.md: 32 items of section 5, %d rules named, %d CIS items cited by rules, all in the doc" % (len(named), len(cited)))
PY
}

test_compose_anchors_merge_keys_and_extends () {
	mkdir -p "$WORK/app/common"
	cat > "$WORK/app/common/base.yml" <<'Y'
services:
  agent:
    image: agent:2.1
    privileged: true
    pid: host
    ports: ["9100:9100"]
  chain:
    extends: {service: agent}
    user: "1000"
Y
	cat > "$WORK/app/compose.yaml" <<'Y'
x-defaults: &defaults
  read_only: true
  cap_drop: [ALL]
  security_opt: ["no-new-privileges:true"]
  mem_limit: 64m
  pids_limit: 64
  cpus: 1
  user: "1000"
x-bad: &bad
  cap_add: [NET_ADMIN]
services:
  base:
    <<: [*defaults, *bad]
    image: base:1.0
    ports: ["127.0.0.1:80:80"]
  child:
    extends: base
    image: child:1.0
    ports: ["8080:8080"]
    read_only: false
  remote:
    <<: *defaults
    extends:
      file: common/base.yml
      service: chain
  gone:
    <<: *defaults
    image: gone:1.0
    extends:
      file: missing.yml
      service: x
Y
	out=$(rules_at "$WORK/app/compose.yaml")
	# base: NET_ADMIN from the second merged anchor, found where it is written.
	expect_match "^BRIG-C005 10:13$" "$out" "cap_add from *bad"
	# child: base's values where base wrote them, its own where it did.
	expect_eq 2 "$(echo "$out" | grep -c '^BRIG-C005 10:13$')" "base and child both add NET_ADMIN"
	expect_match "^BRIG-C008 20:5$" "$out" "child's read_only: false"
	expect_match "^BRIG-R004 19:13$" "$out" "child's own port"
	expect_no_match "^BRIG-R004 15:" "$out" "base's port is bound to 127.0.0.1"
	# remote: what base.yml says, through chain, at the extends key (23:5).
	expect_match "^BRIG-C001 23:5$" "$out" "privileged from another file"
	expect_match "^BRIG-C002 23:5$" "$out"
	expect_match "^BRIG-R004 23:5$" "$out"
	expect_no_match "^BRIG-R001" "$out" "chain's user wins over agent's none"
	# gone: judged on its own, with a warning; not an error.
	expect_match "^WARNING .*compose.yaml:30:7: service \"gone\" is judged without what it extends: open .*missing.yml.*No such file" "$out"
	expect_no_match "^ERROR" "$out"
	run_status st audit "$WORK/app/compose.yaml"
	expect_eq 1 "$st" "findings, no error"
	expect_match "^warning: .*missing.yml" "$out"
	# A cycle, and a service that is not there, are errors.
	printf 'services:\n  a: {extends: b}\n  b: {extends: a}\n' > "$WORK/cycle.yaml"
	run_status st audit "$WORK/cycle.yaml"
	expect_eq 2 "$st"
	expect_match "cycle.yaml:2:16: extends: service \"a\" extends more than 8 deep" "$out"
	printf 'services:\n  a:\n    extends: {service: nope}\n' > "$WORK/nope.yaml"
	run_status st audit "$WORK/nope.yaml"
	expect_eq 2 "$st"
	expect_match "nope.yaml:3:14: extends: no service \"nope\"" "$out"
}

test_compose_shared_namespaces_are_followed () {
	cat > "$WORK/compose.yaml" <<'Y'
services:
  vpn: {image: vpn:1, network_mode: host}
  app: {image: app:1, network_mode: "service:vpn", pid: "service:db"}
  db: {image: db:1, network_mode: "container:other"}
  two: {image: two:1, network_mode: "service:app"}
Y
	out=$(rules_at "$WORK/compose.yaml")
	expect_match "^BRIG-C002 2:23$" "$out"
	expect_match "^BRIG-C002 3:23$" "$out" "service:vpn is the host's network"
	expect_match "^BRIG-C002 5:23$" "$out" "through app, too"
	expect_eq 3 "$(echo "$out" | grep -c BRIG-C002)" "db and app's pid are not the host's"
	run_status st audit "$WORK/compose.yaml"
	expect_match "service app: network_mode: service:vpn -> host shares the host's network" "$out"
}

test_malformed_compose_is_an_error_with_its_place () {
	printf 'services:\n  web:\n    image: nginx:1\n    ports: "80:80"\n' > "$WORK/compose.yaml"
	run_status st audit "$WORK/compose.yaml"
	expect_eq 2 "$st"
	expect_match "error: .*compose.yaml:4:12: ports: expected a list" "$out"
	printf 'services:\n  web:\n    cap_add:\n      - {name: SYS_ADMIN}\n' > "$WORK/docker-compose.prod.yml"
	run_status st audit "$WORK/docker-compose.prod.yml"
	expect_eq 2 "$st"
	expect_match "docker-compose.prod.yml:4:9: cap_add: expected a list of strings" "$out"
	printf 'services:\n  web: [nginx]\n' > "$WORK/c2.yaml"
	run_status st audit "$WORK/c2.yaml"
	expect_eq 2 "$st"
	expect_match "c2.yaml:2:8: web: expected a service \(a mapping\)" "$out"
	printf 'services:\n  web:\n    volumes:\n      - 42: x\n        y: [\n' > "$WORK/c3.yaml"
	run_status st audit "$WORK/c3.yaml"
	expect_eq 2 "$st"
	expect_match "c3.yaml:[0-9]+:[0-9]+: " "$out"
	printf 'services:\n  web:\n    privileged: true\n    deploy: {resources: {limits: [1]}}\n' > "$WORK/c4.yaml"
	run_status st audit "$WORK/c4.yaml"
	expect_eq 2 "$st"
	expect_match "c4.yaml:4:34: limits: expected a mapping" "$out"
	# A shell script with a quote left open.
	printf '#!/bin/sh\ndocker run -v "/a:/b \\\n  alpine:3\n' > "$WORK/open"
	run_status st audit "$WORK/open"
	expect_eq 2 "$st"
	expect_match "open:2:15: \" not closed" "$out"
}

test_real_world_compose_files_parse () {
	[ -d "$CORPUS/real-compose" ] || skip "no corpus at $CORPUS"
	# Every file, the hidden directories' too (nextcloud's .examples).
	find "$CORPUS/real-compose" -name '*.y*ml' -print0 | sort -z |
		xargs -0 "$BRIG" audit --format json --fail-on never > "$WORK/out.json"
	python3 - "$WORK/out.json" <<'PY' || fail "errors on real-world compose files: $(head -c 2000 "$WORK/out.json")"
import collections, json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == [], d["errors"]
assert d["summary"]["files"] == 64, d["summary"]
rules = collections.Counter(f["rule"] for f in d["findings"])
# What SOURCES.md says the files hold: docker.sock mounts, privileged
# services, host pid and network, added capabilities.
for r in ("BRIG-C001", "BRIG-C002", "BRIG-C003", "BRIG-C005", "BRIG-R004"):
    assert rules[r], (r, rules)
print("REPORT: real-compose: %d files, %d findings (%s), %d warnings (extends files not in the corpus), 0 errors"
      % (d["summary"]["files"], len(d["findings"]),
         ", ".join("%s %d" % kv for kv in sorted(rules.items())), len(d.get("warnings", []))))
PY
}

test_types_names_and_makefiles () {
	# A Makefile: $$ is $, @ and - prefixes, $(DOCKER) as the engine.
	printf 'DOCKER ?= docker\nrun:\n\t@$(DOCKER) run --rm -v $$PWD:/src --privileged img:1 make\n\t-docker run --pid=host img:1\n' > "$WORK/Makefile"
	out=$(rules_at "$WORK/Makefile")
	expect_match "^BRIG-C001 3:36$" "$out"
	expect_match "^BRIG-C002 4:14$" "$out"
	# A script without a suffix, by its #! line; stdin with --type.
	printf '#!/usr/bin/env bash\npodman run --cap-add ALL img:1\n' > "$WORK/start"
	out=$(rules_at "$WORK/start")
	expect_match "^BRIG-C001 2:12$" "$out"
	out=$(printf 'docker run --ipc host img:1\n' | "$BRIG" audit --type docker-run --fail-on never -)
	expect_match "^  -:1:12: high BRIG-C002: docker run img:1: --ipc host" "$out"
	# --type compose for a file named like nothing; auto finds it by content.
	printf 'services:\n  s: {image: a:1, privileged: true}\n' > "$WORK/stack.yml"
	out=$(rules_at --type compose "$WORK/stack.yml")
	expect_match "^BRIG-C001 2:19$" "$out"
	out=$(rules_at "$WORK/stack.yml")
	expect_match "^BRIG-C001 2:19$" "$out"
	# --type k8s reads it as manifests: there is no Kubernetes object in it.
	run_status st audit --type k8s "$WORK/stack.yml"
	expect_eq 2 "$st"
	expect_match "stack.yml: not a format brig audit reads" "$out"
	run_status st audit --type helm "$WORK/stack.yml"
	expect_eq 2 "$st"
	expect_match "--type: \`helm\`: expected auto, k8s, compose, docker-run, dockerfile, daemon-json or oci" "$out"
	# Directories: compose files, scripts and Makefiles are walked.
	mkdir -p "$WORK/tree/deploy"
	cp "$WORK/stack.yml" "$WORK/tree/compose.yaml"
	cp "$WORK/Makefile" "$WORK/tree/deploy/"
	printf 'docker run --privileged img:1\n' > "$WORK/tree/deploy/up.sh"
	printf 'echo no docker here\n' > "$WORK/tree/deploy/noop.sh"
	out=$(rules_at "$WORK/tree" | grep BRIG-C001 | sort | tr '\n' ' ')
	expect_eq "BRIG-C001 1:12 BRIG-C001 2:19 BRIG-C001 3:36 " "$out"
	run_status st audit "$WORK/tree"
	expect_match "in 4 files; 0 errors" "$out"
}

test_container_rules_listed () {
	out=$(audit --list-rules --format json)
	python3 - "$out" <<'PY' || fail "rules: $out"
import json, sys
r = {x["id"]: x for x in json.loads(sys.argv[1])}
c = [x for i, x in r.items() if i.startswith(("BRIG-C", "BRIG-R"))]
assert len(c) >= 19, sorted(r)
assert all(x["level"] is None and x["why"] and x["fix"] for x in c)
assert all("CIS Docker" in x["refs"] for x in c if x["id"] not in ("BRIG-C009", "BRIG-C013", "BRIG-C017")), c
assert "dclint no-unbound-port-interfaces" in r["BRIG-R004"]["refs"]
assert "dclint service-image-require-explicit-tag" in r["BRIG-R005"]["refs"]
assert "127.0.0.1" in r["BRIG-R004"]["fix"]
assert all("brig run: " + x["id"] in x["refs"] for x in c if x["id"].startswith("BRIG-C"))
PY
	out=$(audit --list-rules)
	expect_match "^BRIG-R004  medium    -           port published on every interface" "$out"
}

test_compose_and_docker_run_suppressions_project_file_sarif () {
	cd "$WORK"
	cat > compose.yaml <<'Y'
services:
  web:  # brig:ignore=BRIG-R001 the nginx image runs as nginx
    image: nginx:latest
    # brig:ignore=BRIG-R004 published on purpose, behind the firewall
    ports: ["8080:80", "8443:443"]  # brig:ignore=no-unbound-port-interfaces dclint's id, same rule
    privileged: true  # brig:ignore=BRIG-C001
    pid: host
Y
	cat > run.sh <<'S'
# brig:ignore=BRIG-C001,BRIG-R004 the test rig needs both
docker run \
  --privileged \
  -p 80:80 img:1
docker run --privileged img:2
S
	printf 'rules:\n  BRIG-R006: off\n  BRIG-R005: high\n  BRIG-C002: critical\n' > .brig.yml
	"$BRIG" audit --format json --fail-on never compose.yaml run.sh > out.json
	python3 - out.json <<'PY' || fail "suppressions: $(cat out.json)"
import json, sys
d = json.load(open(sys.argv[1]))
active = {(f["rule"], f["file"], f["line"], f["column"]): f for f in d["findings"]}
quiet = {(f["rule"], f["file"], f["line"]): f for f in d["suppressed"]}
for k in (("BRIG-R001", "compose.yaml", 2), ("BRIG-R004", "compose.yaml", 5),
          ("BRIG-C001", "compose.yaml", 6), ("BRIG-C001", "run.sh", 3), ("BRIG-R004", "run.sh", 4)):
    assert k in quiet, (k, sorted(quiet))
# Both ports of line 5: one by the comment above, one by dclint's id.
assert sum(1 for f in d["suppressed"] if f["rule"] == "BRIG-R004" and f["line"] == 5) == 2
# A suppression without a reason silences and is reported.
assert ("BRIG-S001", "compose.yaml", 6, 25) in active, sorted(active)
# The second docker run is not under the comment.
assert ("BRIG-C001", "run.sh", 5, 12) in active, sorted(active)
# .brig.yml: R006 off, R005 raised, C002 raised.
assert not any(f["rule"] == "BRIG-R006" for f in d["findings"] + d["suppressed"])
assert active[("BRIG-R005", "compose.yaml", 3, 5)]["severity"] == "high"
assert active[("BRIG-C002", "compose.yaml", 7, 5)]["severity"] == "critical"
assert d["summary"]["config"] == ".brig.yml"
PY
	# SARIF: each result's rule is the driver's rule at its index.
	"$BRIG" audit --format sarif --fail-on never compose.yaml run.sh > out.sarif
	python3 - out.sarif <<'PY' || fail "sarif: $(head -c 3000 out.sarif)"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert "BRIG-R004" in ids and "BRIG-C001" in ids and "BRIG-K001" in ids, ids
assert "docker" in rules[ids.index("BRIG-R004")]["properties"]["tags"]
assert rules[ids.index("BRIG-K201")]["properties"]["tags"] == ["security", "readOnlyRootFilesystem", "kubernetes"]
assert "dclint:no-unbound-port-interfaces" in rules[ids.index("BRIG-R004")]["properties"]["sameAs"]
assert run["results"], run
for x in run["results"]:
    assert rules[x["ruleIndex"]]["id"] == x["ruleId"], x
assert any(x["ruleId"] == "BRIG-R004" and x.get("suppressions") for x in run["results"])
print("REPORT: SARIF of compose and docker run: %d results, %d rules" % (len(run["results"]), len(rules)))
PY
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
	expect_match "brig: --type: \`docker\`: expected auto, k8s, compose, docker-run, dockerfile, daemon-json or oci" "$out"
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

test_dockerfile_json_keeps_what_is_not_utf8 () {
	# A Latin-1 byte in a base image (and in a suppression's reason): the
	# JSON report still has the finding, the byte written as '?'.
	printf 'FROM reg/caf\351:latest\n# brig:ignore=BRIG-D001 caf\351 \303\251\nUSER root\nHEALTHCHECK CMD true\n' > "$WORK/Dockerfile"
	out=$(audit --format json --fail-on never "$WORK/Dockerfile" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"] + d["suppressed"]:
    print(f["rule"], f["message"], (f.get("suppression") or {}).get("reason", ""))')
	expect_match "^BRIG-D003 FROM reg/caf\?:latest: latest changes under the build $" "$out"
	expect_match "^BRIG-D001 .* caf\? é$" "$out" "the reason's UTF-8 kept, its Latin-1 byte as ?"
}

test_image_references_one_reading () {
	# The same reference grammar for compose images and Dockerfile bases:
	# a registry's port is not a tag, a digest pins.
	printf 'services:\n  a: {image: "reg:5000/app"}\n  b: {image: "reg:5000/app:1.2"}\n  c: {image: "app@sha256:abc"}\n  d: {image: "reg:5000/app:latest"}\n' > "$WORK/c.yaml"
	out=$(audit --type compose --fail-on never --format json "$WORK/c.yaml" |
		python3 -c 'import json,sys; print(" ".join("%d" % f["line"] for f in json.load(sys.stdin)["findings"] if f["rule"] == "BRIG-R005"))')
	expect_eq "2 5" "$out" "lines of unpinned compose images"
	printf 'FROM reg:5000/app\nFROM reg:5000/app:1.2\nFROM app@sha256:abc\nUSER 1\n' > "$WORK/Dockerfile"
	out=$(audit --fail-on never --format json "$WORK/Dockerfile" |
		python3 -c 'import json,sys; print(" ".join("%s:%d" % (f["rule"], f["line"]) for f in json.load(sys.stdin)["findings"] if f["rule"] in ("BRIG-D003", "BRIG-D004")))')
	expect_eq "BRIG-D003:1 BRIG-D004:2" "$out" "untagged and unpinned Dockerfile bases"
}

# --- Docker daemon.json and OCI config.json ---------------------------------------

# A daemon.json that breaks every daemon rule it can, one option a line.
write_bad_daemon_json () {
	cat > "$1" <<'J'
{
  "icc": true,
  "log-level": "debug",
  "iptables": false,
  "insecure-registries": ["localhost:5000", "registry.corp:5000"],
  "storage-driver": "aufs",
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],
  "default-ulimits": {},
  "userns-remap": "",
  "storage-opts": ["dm.basesize=50G"],
  "authorization-plugins": [],
  "log-driver": "none",
  "no-new-privileges": false,
  "live-restore": false,
  "userland-proxy": true,
  "seccomp-profile": "unconfined",
  "experimental": true
}
J
}

test_daemon_json_each_rule_at_its_key () {
	mkdir -p "$WORK/etc/docker"
	write_bad_daemon_json "$WORK/etc/docker/daemon.json"
	out=$(rules_at "$WORK/etc/docker/daemon.json" | sort | tr '\n' ' ')
	# Each at its option, or at the item of a list that breaks it; H012
	# (no remote logging) stays quiet for none, which is H011's.
	expect_eq "BRIG-H001 2:3 BRIG-H002 3:3 BRIG-H003 4:3 BRIG-H004 5:45 BRIG-H005 6:3 BRIG-H006 7:44 BRIG-H007 8:3 BRIG-H008 9:3 BRIG-H009 10:20 BRIG-H010 11:3 BRIG-H011 12:3 BRIG-H013 13:3 BRIG-H014 14:3 BRIG-H015 15:3 BRIG-H016 16:3 BRIG-H017 17:3 " "$out"
	run_status st audit "$WORK/etc/docker/daemon.json"
	expect_eq 1 "$st" "a critical finding"
	expect_match "daemon.json:7:44: critical BRIG-H006: the API listens on tcp://0.0.0.0:2375 without TLS" "$out"
	expect_match "fix: Keep the unix socket only, or set \"tlsverify\": true" "$out"
	# The region of a finding is the option, key to value.
	audit --format sarif --fail-on never "$WORK/etc/docker/daemon.json" > "$WORK/d.sarif"
	python3 - "$WORK/d.sarif" "$WORK/etc/docker/daemon.json" <<'PY' || fail "SARIF: $(head -c 3000 "$WORK/d.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
text = open(sys.argv[2]).read().split("\n")
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert ["BRIG-H%03d" % i for i in range(1, 18)] == [i for i in ids if i.startswith("BRIG-H")], ids
for x in run["results"]:
    assert rules[x["ruleIndex"]]["id"] == x["ruleId"], x
    reg = x["locations"][0]["physicalLocation"]["region"]
    if x["ruleId"] == "BRIG-H016":
        line = text[reg["startLine"] - 1]
        assert line[reg["startColumn"] - 1:reg["endColumn"] - 1] == '"seccomp-profile": "unconfined"', reg
h = rules[ids.index("BRIG-H008")]
assert "CIS Docker 2.9" in h["properties"]["refs"] and h["properties"]["tags"] == ["security", "userns-remap", "docker"], h
PY
}

test_daemon_json_hardened_and_defaults () {
	cat > "$WORK/daemon.json" <<'J'
{
  "icc": false,
  "log-level": "info",
  "userns-remap": "default",
  "no-new-privileges": true,
  "live-restore": true,
  "userland-proxy": false,
  "log-driver": "syslog",
  "log-opts": {"syslog-address": "tcp://logs.example:514"},
  "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 4096}},
  "authorization-plugins": ["authz-broker"],
  "hosts": ["fd://", "tcp://0.0.0.0:2376"],
  "tlsverify": true,
  "tlscacert": "/etc/docker/ca.pem",
  "insecure-registries": ["127.0.0.0/8"]
}
J
	run_status st audit "$WORK/daemon.json"
	expect_eq 0 "$st"
	expect_match "^0 findings .* in 1 file; 0 errors" "$out"
	# Nothing written: dockerd's defaults, each reported at the object.
	printf '{"data-root": "/srv/docker"}\n' > "$WORK/daemon.json"
	out=$(rules_at "$WORK/daemon.json" | tr '\n' ' ')
	expect_eq "BRIG-H001 1:1 BRIG-H007 1:1 BRIG-H008 1:1 BRIG-H010 1:1 BRIG-H012 1:1 BRIG-H013 1:1 BRIG-H014 1:1 BRIG-H015 1:1 " "$out"
	run_status st audit "$WORK/daemon.json"
	expect_eq 0 "$st" "only medium and low findings"
	# TLS without client certificates is still open to anyone.
	printf '{"hosts": ["tcp://10.0.0.5:2376"], "tls": true}\n' > "$WORK/daemon.json"
	out=$(audit --fail-on never "$WORK/daemon.json")
	expect_match "daemon.json:1:12: critical BRIG-H006: the API listens on tcp://10.0.0.5:2376 with TLS but no client certificates" "$out"
}

test_daemon_json_of_this_host () {
	[ -r /etc/docker/daemon.json ] || skip "no /etc/docker/daemon.json here"
	audit --format json --fail-on never /etc/docker/daemon.json > "$WORK/out.json"
	python3 - "$WORK/out.json" <<'PY' || fail "the host's daemon.json: $(cat "$WORK/out.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == [] and d["summary"]["files"] == 1, d
assert all(f["rule"].startswith("BRIG-H") for f in d["findings"]), d["findings"]
print("REPORT: /etc/docker/daemon.json: %s" % " ".join(sorted({f["rule"] for f in d["findings"]})))
PY
	grep -q '"iptables": *false' /etc/docker/daemon.json || return 0
	out=$(rules_at /etc/docker/daemon.json)
	expect_match "^BRIG-H003 $(grep -n '"iptables"' /etc/docker/daemon.json | cut -d: -f1):" "$out"
}

test_daemon_json_detection_is_conservative () {
	mkdir -p "$WORK/tree/etc" "$WORK/tree/web" "$WORK/tree/home/.docker" "$WORK/tree/cli"
	# By name; by content (every key an option of dockerd, one of them its own).
	printf '{"labels": ["a=b"]}\n' > "$WORK/tree/etc/daemon.json"
	printf '{\n  "storage-driver": "overlay2",\n  "debug": true\n}\n' > "$WORK/tree/etc/docker-prod.json"
	# Not daemon.json: other JSON, generic words alone, a key dockerd refuses.
	printf '{"name": "web", "version": "1.0.0", "dependencies": {}}\n' > "$WORK/tree/web/package.json"
	printf '{"labels": ["a=b"], "debug": true}\n' > "$WORK/tree/web/labels.json"
	printf '{"icc": false, "$schema": "x"}\n' > "$WORK/tree/web/schema.json"
	# A docker CLI config.json is not a bundle's.
	printf '{"auths": {}, "credsStore": "desktop"}\n' > "$WORK/tree/cli/config.json"
	out=$(rules_at "$WORK/tree" | sort -u | tr '\n' ' ')
	expect_match "BRIG-H002 3:3" "$out" "by content"
	expect_match "BRIG-H008 1:1" "$out" "by name"
	run_status st audit --fail-on never "$WORK/tree"
	expect_match "in 2 files; 0 errors; 4 files skipped" "$out"
	expect_no_match "package.json|labels.json|schema.json|config.json" "$out"
	# Named on the command line, what is neither is an error that says so.
	run_status st audit "$WORK/tree/cli/config.json"
	expect_eq 2 "$st"
	expect_match "config.json: not a format brig audit reads: .*a Docker daemon.json or an OCI config.json \(ociVersion\)" "$out"
	# --type daemon-json reads it anyway, and standard input.
	run_status st audit --type daemon-json --fail-on never "$WORK/tree/web/labels.json"
	expect_eq 0 "$st"
	expect_match "labels.json:1:1: medium BRIG-H008" "$out"
	out=$(printf '{"experimental": true}' | audit --type daemon-json --fail-on never -)
	expect_match "^  -:1:2: low BRIG-H017: experimental is true" "$out"
}

test_daemon_json_errors_have_their_place () {
	printf '{\n  "icc": "false"\n}\n' > "$WORK/daemon.json"
	printf '{\n  "live-restore": true,\n  "live-restore": false\n}\n' > "$WORK/dup-daemon.json"
	mkdir -p "$WORK/b"
	printf '{\n  "icc": false,\n  "log-level": "info"\n' > "$WORK/b/daemon.json"
	printf '{"iptables": false}\n' > "$WORK/ok.json"
	run_status st audit --fail-on never "$WORK/daemon.json" "$WORK/dup-daemon.json" "$WORK/b/daemon.json" "$WORK/ok.json"
	expect_eq 2 "$st" "unparseable input"
	expect_match "error: .*/daemon.json:2:10: icc: expected true or false" "$out"
	expect_match "error: .*/dup-daemon.json:3:3: \`live-restore\` is given twice \(first at line 2\)" "$out"
	expect_match "error: .*/b/daemon.json:4:1: did not find expected ',' or '}'" "$out"
	expect_match "ok.json:1:2: medium BRIG-H003" "$out" "the other file is still judged"
	expect_match "in 1 file; 3 errors" "$out"
}

# A bundle's config.json from a runtime's own `spec`.
spec_of () { # runtime dir
	mkdir -p "$2"
	case $1 in
	brig) (cd "$2" && "$BRIG" runtime spec) ;;
	*) command -v "$1" > /dev/null || skip "no $1"; (cd "$2" && "$1" spec) ;;
	esac
}

test_oci_config_of_runc_crun_and_brig () {
	spec_of runc "$WORK/runc"
	spec_of crun "$WORK/crun"
	spec_of brig "$WORK/brig"
	for rt in runc crun brig; do
		audit --format json --fail-on never "$WORK/$rt/config.json" > "$WORK/$rt.json"
	done
	python3 - "$WORK" <<'PY' || fail "config.json audits"
import json, sys
w = sys.argv[1]
for rt in ("runc", "crun", "brig"):
    d = json.load(open("%s/%s.json" % (w, rt)))
    text = open("%s/%s/config.json" % (w, rt)).read().split("\n")
    assert d["errors"] == [] and d["summary"]["files"] == 1, (rt, d)
    got = {}
    for f in d["findings"]:
        got.setdefault(f["rule"], []).append(text[f["line"] - 1][f["column"] - 1:])
    print("REPORT: %s spec: %s" % (rt, " ".join(sorted(got))))
    if rt == "brig":
        # The hardened spec, device rules too (every device denied, then
        # the default ones allowed): nothing to find.
        assert got == {}, got
        continue
    # runc and crun: their capabilities, no seccomp, no user or cgroup
    # namespace, no limits, fewer masked paths than brig's; each at its key.
    assert sorted(got) == ["BRIG-C004", "BRIG-C005", "BRIG-C006", "BRIG-C009", "BRIG-C010",
                           "BRIG-C011", "BRIG-C013"], got
    assert got["BRIG-C005"] == ['"CAP_AUDIT_WRITE",'], got
    assert got["BRIG-C006"][0].startswith('"ambient"'), got
    assert got["BRIG-C004"][0].startswith('"linux"'), got
    assert all(x.startswith('"resources"') for x in got["BRIG-C010"]) and len(got["BRIG-C010"]) == 2, got
    assert got["BRIG-C011"][0].startswith('"namespaces"') and got["BRIG-C013"] == got["BRIG-C011"], got
    assert got["BRIG-C009"][0].startswith('"maskedPaths"'), got
PY
	out=$(audit --fail-on never "$WORK/runc/config.json")
	expect_match "config.json:[0-9]+:[0-9]+: medium BRIG-C011: linux.namespaces has no user namespace: root in the container is root on the host; add \{\"type\": \"user\"\} with linux.uidMappings and gidMappings" "$out"
}

# A config.json that breaks every rule of the gate, one thing a line.
write_bad_config () {
	cat > "$1" <<'J'
{"ociVersion": "1.0.2",
 "root": {"path": "rootfs",
          "readonly": false},
 "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 0, "gid": 0},
   "noNewPrivileges": false,
   "capabilities": {"bounding": ["CAP_CHOWN",
                                 "CAP_NET_RAW"],
                    "ambient": ["CAP_CHOWN"]}},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/run/docker.sock", "type": "bind", "source": "/run/docker.sock", "options": ["rbind"]}],
 "linux": {"namespaces": [{"type": "mount"},
                           {"type": "network", "path": "/proc/1/ns/net"}],
           "devices": [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}],
           "resources": {"devices": [{"allow": false, "access": "rwm"},
                                      {"allow": true, "access": "rwm"}]}}
}
J
}

test_oci_config_each_gate_rule_at_its_key () {
	mkdir -p "$WORK/bundle"
	write_bad_config "$WORK/bundle/config.json"
	out=$(rules_at "$WORK/bundle/config.json" | sort | tr '\n' ' ')
	expect_eq "BRIG-C002 11:12 BRIG-C002 11:12 BRIG-C002 11:12 BRIG-C002 12:28 BRIG-C003 10:13 BRIG-C004 11:2 BRIG-C005 7:34 BRIG-C006 8:21 BRIG-C007 5:4 BRIG-C008 3:11 BRIG-C009 11:2 BRIG-C009 11:2 BRIG-C010 14:12 BRIG-C010 14:12 BRIG-C011 11:12 BRIG-C012 15:39 BRIG-C013 11:12 BRIG-C014 13:24 BRIG-C016 10:13 " "$out"
	run_status st audit "$WORK/bundle/config.json"
	expect_eq 1 "$st"
	expect_match "config.json:10:13: critical BRIG-C003: mounts\[1\]: /run/docker.sock is an engine's API socket \(root on the host\), mounted at /run/docker.sock" "$out"
	expect_match "config.json:12:28: high BRIG-C002: linux.namespaces\[1\] joins the host's network namespace \(/proc/1/ns/net\)" "$out"
	expect_match "config.json:5:4: high BRIG-C007: process.noNewPrivileges is false: setuid programs can raise privileges" "$out"
	expect_match "config.json:8:21: high BRIG-C006: process.capabilities.ambient: CAP_CHOWN pass on" "$out"
	# The fixes speak of the bundle's keys, not of compose or docker run.
	expect_match "BRIG-C007: .*
      fix: Set process.noNewPrivileges to true." "$out"
	audit --format json --fail-on never "$WORK/bundle/config.json" > "$WORK/fixes.json"
	python3 - "$WORK/fixes.json" <<'PY' || fail "fixes: $(cat "$WORK/fixes.json")"
import json, re, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    assert not re.search(r"--|cap_add|security_opt|read_only|userns_mode|network_mode|compose", f["fix"]), f
PY
	audit --format sarif --fail-on never "$WORK/bundle/config.json" > "$WORK/fixes.sarif"
	python3 - "$WORK/fixes.sarif" <<'PY' || fail "sarif fixes: $(head -c 3000 "$WORK/fixes.sarif")"
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
nnp = [x for x in res if x["ruleId"] == "BRIG-C007"][0]
assert nnp["properties"]["fix"] == "Set process.noNewPrivileges to true.", nnp
assert nnp["message"]["text"].endswith("Fix: Set process.noNewPrivileges to true."), nnp
PY
	# Suppressions: JSON has no comments; .brig.yml turns rules off.
	printf 'rules:\n  BRIG-C002: off\n  BRIG-C006: low\n' > "$WORK/bundle/.brig.yml"
	(cd "$WORK/bundle" && "$BRIG" audit --format json --fail-on never config.json) > "$WORK/out.json"
	python3 - "$WORK/out.json" <<'PY' || fail "project file: $(cat "$WORK/out.json")"
import json, sys
d = json.load(open(sys.argv[1]))
rules = {f["rule"]: f for f in d["findings"]}
assert "BRIG-C002" not in rules and rules["BRIG-C006"]["severity"] == "low", sorted(rules)
PY
	# SARIF: each result's rule is the driver's, BRIG-C006 among them.
	audit --format sarif --fail-on never "$WORK/bundle/config.json" > "$WORK/o.sarif"
	python3 - "$WORK/o.sarif" <<'PY' || fail "sarif: $(head -c 3000 "$WORK/o.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert any(x["ruleId"] == "BRIG-C006" for x in run["results"])
for x in run["results"]:
    assert rules[x["ruleIndex"]]["id"] == x["ruleId"], x
PY
}

test_oci_config_detection_and_errors () {
	mkdir -p "$WORK/b1" "$WORK/b2" "$WORK/b3"
	write_bad_config "$WORK/b1/config.json"
	# Another name: only with --type oci.
	cp "$WORK/b1/config.json" "$WORK/b2/bundle-config.json"
	run_status st audit "$WORK/b2/bundle-config.json"
	expect_eq 2 "$st"
	expect_match "not a format brig audit reads" "$out"
	out=$(rules_at --type oci "$WORK/b2/bundle-config.json" | grep -c BRIG-C)
	expect_eq 19 "$out" "findings with --type oci"
	# What the runtime's reader refuses, at its line and column.
	printf '{"ociVersion": "1.0.2", "root": {"path": "r"},\n "process": {"args": ["sh"], "cwd": "/",\n   "capabilities": {"bounding": [3]}}}\n' > "$WORK/b3/config.json"
	run_status st audit "$WORK/b3/config.json" "$WORK/b1/config.json"
	expect_eq 2 "$st"
	expect_match "error: .*b3/config.json:3:34: process.capabilities.bounding\[0\]: expected a string" "$out"
	expect_match "b1/config.json:10:13: critical BRIG-C003" "$out" "the other file is still judged"
	printf '{"ociVersion": "1.0.2", "root": {"path": "r"},\n' > "$WORK/b3/config.json"
	run_status st audit "$WORK/b3/config.json"
	expect_eq 2 "$st"
	expect_match "error: .*b3/config.json:[0-9]+:[0-9]+: " "$out"
	printf '{"ociVersion": "1.0.2", "root": {"path": "r"},\n' > "$WORK/b3/x.json"
	run_status st audit --type oci "$WORK/b3/x.json"
	expect_match "error: .*x.json:2:1: string or '}' expected near end of file" "$out"
	# --type's list, and --help.
	run_status st audit --type bundle "$WORK/b1/config.json"
	expect_match "expected auto, k8s, compose, docker-run, dockerfile, daemon-json or oci" "$out"
	out=$(audit --help)
	expect_match "daemon-json \(Docker's daemon.json\) or oci" "$out"
	expect_match "BRIG-Hnnn" "$out"
}

test_fix_leaves_daemon_json_and_config_json () {
	mkdir -p "$WORK/etc" "$WORK/bundle"
	write_bad_daemon_json "$WORK/etc/daemon.json"
	write_bad_config "$WORK/bundle/config.json"
	cp "$WORK/etc/daemon.json" "$WORK/daemon.orig"
	cp "$WORK/bundle/config.json" "$WORK/config.orig"
	run_status st audit --fix --fail-on never "$WORK/etc/daemon.json" "$WORK/bundle/config.json"
	expect_eq 0 "$st"
	expect_match "brig audit --fix: 0 findings fixed in 0 files" "$out"
	expect_match "critical BRIG-H006" "$out" "still reported"
	cmp "$WORK/etc/daemon.json" "$WORK/daemon.orig" || fail "daemon.json changed"
	cmp "$WORK/bundle/config.json" "$WORK/config.orig" || fail "config.json changed"
}

test_daemon_json_and_config_json_sarif_is_valid () {
	sarif_validator
	mkdir -p "$WORK/repo/etc" "$WORK/repo/bundle" "$WORK/repo/broken"
	cd "$WORK/repo"
	write_bad_daemon_json etc/daemon.json
	write_bad_config bundle/config.json
	printf '{"data-root": "/srv"}\n' > etc/defaults-daemon.json
	printf '{\n  "icc": "no"\n}\n' > broken/daemon.json
	printf '{"ociVersion": "1.0.2", "root": {"path": "r"},\n' > broken/config.json
	audit --format sarif --fail-on never etc bundle broken > "$WORK/e.sarif" || true
	node "$WORK/validate.js" "$WORK/npm" "$WORK/e.sarif" > "$WORK/v.out" 2>&1 ||
		fail "not valid SARIF 2.1.0: $(cat "$WORK/v.out")"
	python3 - "$WORK/e.sarif" <<'PY' || fail "the log validated is not the one meant: $(head -c 2000 "$WORK/e.sarif")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
ids = {x["ruleId"] for x in run["results"]}
assert {"BRIG-H006", "BRIG-H017", "BRIG-C006", "BRIG-C014"} <= ids, ids
notes = run["invocations"][0]["toolExecutionNotifications"]
assert len(notes) == 2 and all(n["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for n in notes), notes
PY
}

test_dockerfile_onbuild_triggers () {
	printf '%s\n' \
		'FROM alpine:3.20' \
		'USER app' \
		'HEALTHCHECK CMD true' \
		'ONBUILD RUN sudo make install' \
		'ONBUILD USER root' \
		'ONBUILD HEALTHCHECK NONE' \
		'ONBUILD ADD https://example.com/t.tgz /opt/' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D008 4:13$" "$out" "ONBUILD RUN judged as a RUN"
	expect_match "^BRIG-D005 7:13$" "$out" "ONBUILD ADD judged as an ADD"
	expect_no_match "BRIG-D001|BRIG-D019" "$out" "ONBUILD USER and HEALTHCHECK are not this image's"
	run_status st audit --fail-on never "$WORK/Dockerfile"
	expect_match "RUN uses sudo \(ONBUILD: done in the build of every image FROM this one\)" "$out"
}

test_dockerfile_copy_from_an_image () {
	printf '%s\n' \
		'FROM golang:1.23@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build' \
		'FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000' \
		'COPY --from=build /app /app' \
		'COPY --from=busybox /bin/busybox /bin/busybox' \
		'COPY --from=gcr.io/distroless/base:nonroot /etc/passwd /etc/passwd' \
		'USER app' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D003 4:13$" "$out" "an untagged image COPY --from takes files from"
	expect_match "^BRIG-D004 5:13$" "$out" "an image COPY --from takes files from, not pinned"
	expect_eq 2 "$(echo "$out" | grep -c 'BRIG-D00[34]')" "the stage and the pinned bases: nothing"
}

test_dockerfile_target_is_the_final_stage () {
	printf '%s\n' \
		'FROM debian:12 AS build' \
		'USER root' \
		'FROM gcr.io/distroless/static-debian12:nonroot AS prod' \
		'HEALTHCHECK CMD ["/app", "-health"]' \
		'FROM build AS debug' > "$WORK/Dockerfile"
	out=$(dfjson "$WORK/Dockerfile")
	expect_match "^BRIG-D001 2:6$" "$out" "the last stage (debug) runs as root"
	expect_match "^BRIG-D020 5:1$" "$out"
	out=$(dfjson --target prod "$WORK/Dockerfile")
	expect_no_match "BRIG-D001|BRIG-D019|BRIG-D020" "$out" "--target prod: distroless, non-root, a health check"
	out=$(dfjson --target BUILD "$WORK/Dockerfile")
	expect_match "^BRIG-D001 2:6$" "$out" "--target build: root"
	expect_match "^BRIG-D020 1:1$" "$out" "--target build: the shell is build's"
	run_status st audit --fail-on never --target nope "$WORK/Dockerfile"
	expect_eq 0 "$st"
	expect_match "warning: .*Dockerfile: no stage named \`nope\` \(--target\): the last stage is judged as the final one" "$out"
	expect_match "BRIG-D001" "$out"
	run_status st audit --help
	expect_match "--target STAGE" "$out"
}

test_dockerfile_hadolint_ignores_silence_the_same_rule () {
	cat > "$WORK/Dockerfile" <<'DF'
# hadolint ignore=DL3007
FROM debian:latest AS base
# hadolint ignore=DL3008,DL3015,DL3009
RUN apt-get update && \
    apt-get install -y curl
# hadolint ignore=DL3004
RUN <<EOF
sudo id
EOF
FROM base
# hadolint ignore=DL3020
ADD conf /etc/nginx/
# hadolint ignore=DL3014 an old base
RUN apt-get install --no-install-recommends tzdata && rm -rf /var/lib/apt/lists/*
# hadolint ignore=DL3019
RUN apk add curl
# hadolint ignore=DL3064
ENV DB_PASSWORD=hunter2
# hadolint ignore=DL3005
RUN apt-get upgrade -y
# hadolint ignore=DL3002
USER root
DF
	audit --format json --fail-on never "$WORK/Dockerfile" > "$WORK/out.json"
	python3 - "$WORK/out.json" <<'PY' || fail "hadolint ignores: $(head -c 3000 "$WORK/out.json")"
import json, sys
d = json.load(open(sys.argv[1]))
sup = {(x["rule"], x["line"]): x["suppression"] for x in d["suppressed"]}
# A comment above an instruction covers all of its lines (heredocs too).
want = {("BRIG-D003", 2), ("BRIG-D015", 4), ("BRIG-D014", 5), ("BRIG-D008", 8),
        ("BRIG-D006", 12), ("BRIG-D013", 14), ("BRIG-D016", 16), ("BRIG-D007", 18),
        ("BRIG-D001", 22)}
assert set(sup) == want, sorted(set(sup) ^ want)
assert all(s["tool"] == "hadolint" for s in sup.values()), sup
# DL3005 (apt-get upgrade) is not brig's BRIG-D017: it stays.
f = {(x["rule"], x["line"]) for x in d["findings"]}
assert ("BRIG-D017", 20) in f, f
# Without a reason, reported (BRIG-S001); with one, or naming no brig rule, not.
s001 = sorted(x["line"] for x in d["findings"] if x["rule"] == "BRIG-S001")
assert s001 == [1, 3, 6, 11, 15, 17, 21], s001
PY
}

test_compose_include_and_dotenv () {
	mkdir -p "$WORK/app/lib" "$WORK/app/envs"
	cat > "$WORK/app/compose.yaml" <<'Y'
include:
  - lib/db.yaml
  - path: [cache.yaml, gone.yaml]
    env_file: envs/prod.env
services:
  web:
    image: nginx:${TAG:-latest}
    privileged: ${PRIV:-true}
    read_only: ${RO}
    user: ${APP_USER}
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:${NNP:?set it}"]
    mem_limit: 256m
    pids_limit: 100
    cpus: 1
    ports:
      - "${BIND:-0.0.0.0}:80:80"
      - "${ADMIN_IP}:81:81"
Y
	printf '%s\n' 'TAG=1.27' 'RO="yes"' 'APP_USER=1000 # the app' 'export NNP=true' 'ADMIN_IP=' > "$WORK/app/.env"
	cat > "$WORK/app/lib/db.yaml" <<'Y'
services:
  db:
    image: postgres:${PGTAG}
    # brig:ignore=BRIG-C002 the reason
    network_mode: ${NET:-host}
    privileged: true
Y
	printf 'PGTAG=latest\n' > "$WORK/app/lib/.env"
	printf 'services:\n  cache:\n    image: redis:7\n    pid: ${PID_MODE}\n' > "$WORK/app/cache.yaml"
	printf 'PID_MODE=host\n' > "$WORK/app/envs/prod.env"
	export PRIV=false TAG=latest # brig's own environment is not read
	run_status st audit --format json --fail-on never "$WORK/app/compose.yaml"
	expect_eq 0 "$st"
	python3 - "$out" "$WORK/app" <<'PY' || fail "include and .env: $out"
import json, sys
d, top = json.loads(sys.argv[1]), sys.argv[2]
f = {(x["file"][len(top) + 1:], x["rule"], x["line"], x["column"]) for x in d["findings"]}
s = {(x["file"][len(top) + 1:], x["rule"], x["line"]) for x in d["suppressed"]}
# ${PRIV:-true}: the default, at privileged's key; the image is nginx:1.27 (.env).
assert ("compose.yaml", "BRIG-C001", 8, 5) in f, f
web = {x for x in f if x[0] == "compose.yaml"}
assert not any(r in ("BRIG-R005", "BRIG-C008", "BRIG-R001", "BRIG-C007") for _, r, _, _ in web), web
# ${BIND:-0.0.0.0}: every interface, at its entry; ${ADMIN_IP} is empty in .env: every interface too.
assert ("compose.yaml", "BRIG-R004", 17, 9) in f and ("compose.yaml", "BRIG-R004", 18, 9) in f, web
# Included files are judged in their own file, with their own .env or env_file.
assert ("lib/db.yaml", "BRIG-C001", 6, 5) in f and ("lib/db.yaml", "BRIG-R005", 3, 5) in f, f
assert ("lib/db.yaml", "BRIG-C002", 5) in s, s
assert ("cache.yaml", "BRIG-C002", 4, 5) in f, f
w = [x["message"] for x in d["warnings"]]
assert len(w) == 1 and "compose.yaml:3:5: include: " in w[0] and "gone.yaml" in w[0], w
assert d["summary"]["files"] == 3, d["summary"]
PY
	# Walked: each file once, whichever comes first.
	run_status st audit --format json --fail-on never "$WORK/app"
	python3 - "$out" <<'PY' || fail "walked: $out"
import collections, json, sys
d = json.loads(sys.argv[1])
c = collections.Counter((x["file"], x["rule"], x["line"], x["message"]) for x in d["findings"])
assert all(v == 1 for v in c.values()), c
assert d["summary"]["files"] == 3, d["summary"]
PY
	# No .env: defaults apply, other variables are left unjudged.
	rm "$WORK/app/.env"
	run_status st audit --format json --fail-on never "$WORK/app/compose.yaml"
	python3 - "$out" <<'PY' || fail "no .env: $out"
import json, sys
d = json.loads(sys.argv[1])
r = {(x["rule"], x["line"]) for x in d["findings"] if x["file"].endswith("/compose.yaml")}
assert ("BRIG-R005", 7) in r and ("BRIG-C001", 8) in r and ("BRIG-R004", 17) in r, r
assert ("BRIG-R004", 18) not in r, r
assert not any("/.env" in x["message"] for x in d["warnings"]), d["warnings"]
PY
	# A .env that cannot be read is said, not passed over.
	mkdir "$WORK/app/.env"
	run_status st audit --format json --fail-on never "$WORK/app/compose.yaml"
	python3 - "$out" "$WORK/app" <<'PY' || fail "unreadable .env: $out"
import json, sys
d, top = json.loads(sys.argv[1]), sys.argv[2]
w = [(x["file"], x["message"]) for x in d["warnings"]]
assert (top + "/compose.yaml", "read `" + top + "/.env`: Is a directory: its variables are not known") in w, w
PY
	rmdir "$WORK/app/.env"
	printf 'include: lib/db.yaml\nservices: {}\n' > "$WORK/app/bad.yaml"
	run_status st audit --type compose "$WORK/app/bad.yaml"
	expect_eq 2 "$st"
	expect_match "bad.yaml:1:10: include: expected a list of files" "$out"
}

test_docker_run_inside_quoted_strings () {
	cat > "$WORK/remote.sh" <<'S'
#!/bin/sh
sh -c "docker run --privileged alpine:3.20"
bash -ec 'docker run \
  --pid=host -v /:/host alpine:3.20'
ssh -p 2222 deploy@host "docker run --net host \"nginx:1\"" && echo done
sudo su -c "podman run --cap-add SYS_ADMIN x:1" root
eval "docker run --ipc=host y:1"
ssh host 'sh -c "docker run --privileged deep:1"'
# brig:ignore=BRIG-C001 a build box
sh -c "docker run --privileged builder:1"
docker run img:1 sh -c 'docker run --privileged inner:1'
echo sh -c "docker run --privileged printed:1"
sh -c "docker run 'never closed"
S
	out=$(rules_at "$WORK/remote.sh")
	for want in "BRIG-C001 2:19" "BRIG-C002 4:3" "BRIG-C003 4:14" "BRIG-C002 5:37" \
		"BRIG-C001 6:24" "BRIG-C002 7:18" "BRIG-C001 8:29"; do
		expect_match "^$want\$" "$out" "$want"
	done
	# The container's own command, a printed line and a script that cannot
	# be read are not runs; the comment above the line covers its script.
	expect_no_match "ERROR|BRIG-C001 1[01]:| 1[23]:" "$out"
	run_status st audit --format json --fail-on never "$WORK/remote.sh"
	python3 - "$out" <<'PY' || fail "suppressed: $out"
import json, sys
s = [(x["rule"], x["line"], x["column"]) for x in json.loads(sys.argv[1])["suppressed"]]
assert s == [("BRIG-C001", 10, 19)], s
PY
	run_status st audit "$WORK/remote.sh"
	expect_match "remote.sh:2:19: critical BRIG-C001: docker run alpine:3.20: --privileged" "$out"
	printf 'all:\n\t@sh -c "docker run -v $$PWD:/src --privileged x:1"\n\tssh h docker run --pid host y:1\n' > "$WORK/Makefile"
	out=$(rules_at "$WORK/Makefile")
	expect_match "^BRIG-C001 2:35$" "$out" "Makefile: \$\$ in the quoted script"
	expect_match "^BRIG-C002 3:19$" "$out" "Makefile: ssh's command words"
}

test_directories_respect_gitignore () {
	r=$WORK/repo
	mkdir -p "$r/.git/info" "$r/svc/gen" "$r/vendor" "$r/build" "$r/deep/a/b" "$r/nested/.git" "$r/nested/x" "$r/logs"
	for f in svc/compose.yaml svc/gen/compose.yaml vendor/compose.yaml build/compose.yaml \
		deep/a/b/compose.yaml deep/a/keep.yaml nested/x/compose.yaml nested/compose.yaml \
		logs/app.yaml logs/keep.yaml top.yaml gen/compose.yaml; do
		mkdir -p "$(dirname "$r/$f")"
		printf 'services:\n  a:\n    image: x:1\n    privileged: true\n' > "$r/$f"
	done
	printf '%s\n' '# build output' '/build' 'vendor/' 'logs/*' '!logs/keep.yaml' 'gen/**' > "$r/.gitignore"
	printf 'b/\n' > "$r/deep/a/.gitignore"
	printf '!compose.yaml\n' > "$r/svc/.gitignore"
	printf 'x/\n' > "$r/nested/.gitignore"
	printf 'compose.yaml\n' > "$r/.git/info/exclude"
	files () { "$BRIG" audit --format json --fail-on never "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(sorted({f["file"].split("repo/", 1)[1] for f in d["findings"]})), d["summary"]["excluded"])'; }
	out=$(files "$r")
	expect_eq "deep/a/keep.yaml logs/keep.yaml nested/compose.yaml svc/compose.yaml svc/gen/compose.yaml top.yaml 6" "$out" "from the top"
	# From inside: the .gitignore files above still apply.
	out=$(files "$r/deep")
	expect_eq "deep/a/keep.yaml 1" "$out" "from deep/"
	out=$(files "$r/svc/gen")
	expect_eq "svc/gen/compose.yaml 0" "$out" "from svc/gen: svc's negation is read"
	# A file named on the command line is read whatever .gitignore says.
	out=$(files "$r/vendor/compose.yaml")
	expect_eq "vendor/compose.yaml 0" "$out"
	out=$(files --no-gitignore "$r")
	expect_eq "13 0" "$(echo "$out" | wc -w) ${out##* }" "--no-gitignore: all 12 files, 0 excluded"
	# Not a work tree: nothing is left out.
	rm -rf "$r/.git" "$r/nested/.git"
	out=$(files "$r")
	expect_eq "13 0" "$(echo "$out" | wc -w) ${out##* }" "without .git"
	run_status st audit --help
	expect_match "--no-gitignore" "$out"
	expect_match "in a git work tree, what its .gitignore" "$out"
}

test_docker_run_in_command_substitutions () {
	cat > "$WORK/sub.sh" <<'S'
#!/bin/bash
CID=$(docker run -d --privileged img:1)
echo "started $(docker run --pid=host img:2)"
X=`podman run --net=host img:3`
N=$(( 1 + 2 ))
Y=$(echo $(docker run --ipc host img:4))
Z=$(echo docker run --privileged printed:1)
S
	out=$(rules_at "$WORK/sub.sh")
	for want in "BRIG-C001 2:21" "BRIG-C002 3:28" "BRIG-C002 4:15" "BRIG-C002 6:23"; do
		expect_match "^$want\$" "$out" "$want"
	done
	expect_no_match "ERROR| 5:| 7:" "$out"
	printf 'ID := $(shell docker run -d --privileged x:1)\n' > "$WORK/vars.mk"
	out=$(rules_at "$WORK/vars.mk")
	expect_match "^BRIG-C001 1:29$" "$out" "make's \$(shell ...)"
}

test_jobs_give_the_same_report () {
	# Every format, compose includes (judged on the main thread, in their
	# turn) and a walk's error among the files: the report of one thread
	# and of several must be the same, byte for byte.
	local t=$WORK/jobs d
	mkdir -p "$t/app/lib" "$t/k8s" "$t/df"
	cp -r "$TOP"/tests/rules/BRIG-D0* "$t/df/"
	printf 'include:\n  - lib/db.yaml\nservices:\n  web: {image: "nginx:${TAG}", privileged: true}\n' > "$t/app/compose.yaml"
	printf 'TAG=1.25\n' > "$t/app/.env"
	printf 'services:\n  db: {image: postgres, network_mode: host}\n' > "$t/app/lib/db.yaml"
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {hostPID: true, containers: [{name: c, image: a}]}\n' > "$t/k8s/pod.yaml"
	printf '#!/bin/sh\ndocker run --privileged -v /:/host img:1\n' > "$t/k8s/start.sh"
	printf '{"icc": true, "userns-remap": ""}\n' > "$t/k8s/daemon.json"
	printf 'apiVersion: v1\nkind: Pod\nspec: [\n' > "$t/k8s/broken.yaml"
	d=$t/deep
	for _ in $(seq 70); do d=$d/d; done
	mkdir -p "$d"
	for c in "$TOP/../shared/corpus/real-k8s" "$TOP/../shared/corpus/real-compose"; do
		[ -d "$c" ] && cp -r "$c" "$t/"
	done
	for fmt in text json sarif; do
		run_status st1 "$BRIG" audit --format "$fmt" --jobs 1 "$t"
		local one=$out
		run_status st3 "$BRIG" audit --format "$fmt" -j 3 "$t"
		expect_eq "$st1" "$st3" "$fmt: exit status"
		[ "$one" = "$out" ] || fail "$fmt: --jobs 1 and -j 3 differ: $(diff <(echo "$one") <(echo "$out") | head -20)"
	done
	expect_eq 2 "$st1" "the broken file and the deep tree are errors"
	expect_match "directories nested too deep" "$one"
	expect_match "privileged" "$one"
	run_status st "$BRIG" audit --jobs 0 "$t"
	expect_eq 2 "$st" "--jobs 0"
	expect_match "jobs 0: expected a number of threads from 1 to 64" "$out"
}

# The places (RULE@LINE:COL, sorted) of the findings of RULES (a grep -E
# pattern) in brig audit's JSON report of the remaining arguments.
k8s_places_of () {
	local rules=$1
	shift
	"$BRIG" audit --format json --fail-on never "$@" | python3 -c '
import json, re, sys
d = json.load(sys.stdin)
for e in d["errors"]: print("ERROR", e["message"])
print(" ".join(sorted("%s@%d:%d" % (f["rule"], f["line"], f["column"]) for f in d["findings"] if re.fullmatch(sys.argv[1], f["rule"]))))' "$rules"
}

test_k8s_limitrange_gives_default_limits () {
	cat > "$WORK/pods.yaml" <<'Y'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      initContainers: [{name: init, image: a}]
      containers:
      - {name: app, image: a}
      - {name: zero, image: a, resources: {limits: {memory: "0", cpu: "0"}}}
---
apiVersion: v1
kind: Pod
metadata: {name: elsewhere}
spec: {containers: [{name: c, image: a}]}
Y
	cat > "$WORK/lr.yaml" <<'Y'
apiVersion: v1
kind: LimitRange
metadata: {name: cpu-only, namespace: shop}
spec:
  limits:
  - {type: Pod, max: {memory: 1Gi}}
  - {type: Container, default: {cpu: 500m}, defaultRequest: {memory: 64Mi}}
Y
	local base want got
	# Without a LimitRange every container without its own limit is found;
	# the explicit "0" (no limit) stays whatever a LimitRange says.
	base="BRIG-K202@10:53 BRIG-K202@15:21 BRIG-K202@7:24 BRIG-K202@9:9 BRIG-K203@10:66 BRIG-K203@15:21 BRIG-K203@7:24 BRIG-K203@9:9"
	got=$(k8s_places_of 'BRIG-K20[23]' "$WORK/pods.yaml")
	expect_eq "$base" "$got" "no LimitRange"
	# After the pods in the stream: shop's containers get its default cpu
	# (only cpu: the memory of type Pod and the defaultRequest are not a
	# container's limit); the pod in "default" keeps both findings.
	want="BRIG-K202@10:53 BRIG-K202@15:21 BRIG-K202@7:24 BRIG-K202@9:9 BRIG-K203@10:66 BRIG-K203@15:21"
	{ cat "$WORK/pods.yaml"; echo ---; cat "$WORK/lr.yaml"; } > "$WORK/after.yaml"
	got=$(k8s_places_of 'BRIG-K20[23]' "$WORK/after.yaml")
	expect_eq "$want" "$got" "LimitRange after the Deployment"
	got=$(k8s_places_of 'BRIG-K20[23]' - < "$WORK/after.yaml")
	expect_eq "$want" "$got" "the same stream on stdin"
	# Before the pods: the same (lines move by its 8).
	{ cat "$WORK/lr.yaml"; echo ---; cat "$WORK/pods.yaml"; } > "$WORK/before.yaml"
	got=$(k8s_places_of 'BRIG-K20[23]' "$WORK/before.yaml")
	expect_eq "BRIG-K202@15:24 BRIG-K202@17:9 BRIG-K202@18:53 BRIG-K202@23:21 BRIG-K203@18:66 BRIG-K203@23:21" "$got" "LimitRange before"
	# A first document that is not an object of the API: the file is read
	# whole, not as a stream; the LimitRange counts the same.
	{ echo 'note: rendered by hand'; echo ---; cat "$WORK/after.yaml"; } > "$WORK/whole.yaml"
	got=$(k8s_places_of 'BRIG-K20[23]' --type k8s "$WORK/whole.yaml")
	expect_eq "BRIG-K202@11:9 BRIG-K202@12:53 BRIG-K202@17:21 BRIG-K202@9:24 BRIG-K203@12:66 BRIG-K203@17:21" "$got" "read whole"
	# The default namespace's LimitRange, in a List, with only a max: the
	# API server makes the max the default limit.
	cat > "$WORK/list.yaml" <<'Y'
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: LimitRange
  metadata: {name: max}
  spec: {limits: [{type: Container, max: {memory: 2Gi}}]}
Y
	{ cat "$WORK/after.yaml"; echo ---; cat "$WORK/list.yaml"; } > "$WORK/both.yaml"
	got=$(k8s_places_of 'BRIG-K20[23]' "$WORK/both.yaml")
	expect_eq "BRIG-K202@10:53 BRIG-K202@7:24 BRIG-K202@9:9 BRIG-K203@10:66 BRIG-K203@15:21" "$got" "both namespaces"
	# Another file is another file: with --jobs or without, the LimitRange
	# of lr.yaml does not reach pods.yaml.
	mkdir -p "$WORK/dir"
	cp "$WORK/pods.yaml" "$WORK/lr.yaml" "$WORK/dir/"
	for j in 1 2; do
		got=$(k8s_places_of 'BRIG-K20[23]' --jobs $j "$WORK/dir")
		expect_eq "$base" "$got" "--jobs $j: the LimitRange of another file"
	done
	# A LimitRange of the wrong shape is an error at its place.
	printf 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: x}\nspec: {limits: [{type: Container, default: 1Gi}]}\n---\n' > "$WORK/bad.yaml"
	cat "$WORK/pods.yaml" >> "$WORK/bad.yaml"
	run_status st "$BRIG" audit "$WORK/bad.yaml"
	expect_eq 2 "$st" "a bad LimitRange"
	expect_match "bad.yaml:4:44: default: expected a mapping" "$out"
	# --fix adds no memory limit where the LimitRange gives one.
	{ cat "$WORK/pods.yaml"; echo ---; sed 's/cpu: 500m/cpu: 500m, memory: 256Mi/' "$WORK/lr.yaml"; } > "$WORK/fix.yaml"
	"$BRIG" audit --fix "$WORK/fix.yaml" > /dev/null 2>&1
	# (only "zero", whose 0 is its own, and the pod outside shop)
	expect_eq 2 "$(grep -c 'memory: "512Mi"' "$WORK/fix.yaml")" "--fix: memory limits added"
	got=$(k8s_places_of 'BRIG-K202' "$WORK/fix.yaml")
	expect_eq "" "$got" "after --fix"
}

test_k8s_serviceaccount_turns_the_token_off () {
	cat > "$WORK/sa.yaml" <<'Y'
apiVersion: apps/v1
kind: Deployment
metadata: {name: named, namespace: shop}
spec: {template: {spec: {serviceAccountName: quiet, containers: [{name: c, image: a}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: own-wins, namespace: shop}
spec: {serviceAccountName: quiet, automountServiceAccountToken: true, containers: [{name: c, image: a}]}
---
apiVersion: v1
kind: Pod
metadata: {name: unnamed, namespace: shop}
spec: {containers: [{name: c, image: a}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other-namespace}
spec: {serviceAccountName: quiet, containers: [{name: c, image: a}]}
---
apiVersion: v1
kind: Pod
metadata: {name: old-field, namespace: shop}
spec: {serviceAccount: quiet, containers: [{name: c, image: a}]}
---
apiVersion: v1
kind: Pod
metadata: {name: loud, namespace: shop}
spec: {serviceAccountName: loud, containers: [{name: c, image: a}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: loud, namespace: shop}
automountServiceAccountToken: true
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
Y
	# named and old-field get quiet's false; own-wins sets true itself;
	# unnamed's "default" and loud's account let the token in; quiet of
	# another namespace is not the one of "default".
	local want="BRIG-K206@14:1 BRIG-K206@19:1 BRIG-K206@29:1 BRIG-K206@9:35"
	got=$(k8s_places_of BRIG-K206 "$WORK/sa.yaml")
	expect_eq "$want" "$got" "ServiceAccounts after the pods"
	got=$(k8s_places_of BRIG-K206 - < "$WORK/sa.yaml")
	expect_eq "$want" "$got" "on stdin"
	run_status st "$BRIG" audit "$WORK/sa.yaml"
	expect_match "sa.yaml:29:1: low BRIG-K206: Pod loud: the pod does not set automountServiceAccountToken=false and its ServiceAccount \"loud\" sets it true" "$out"
	expect_match "sa.yaml:9:35: low BRIG-K206: Pod own-wins: automountServiceAccountToken=true mounts" "$out"
	# The ServiceAccount alone in its file: not seen from another.
	mkdir -p "$WORK/apart"
	sed -n '1,4p' "$WORK/sa.yaml" > "$WORK/apart/deploy.yaml"
	sed -n '31,35p' "$WORK/sa.yaml" > "$WORK/apart/sa.yaml"
	grep -q 'kind: ServiceAccount' "$WORK/apart/sa.yaml" || fail "the test's own split"
	for j in 1 2; do
		got=$(k8s_places_of BRIG-K206 --jobs $j "$WORK/apart")
		expect_eq "BRIG-K206@4:19" "$got" "--jobs $j: a ServiceAccount in another file"
	done
	# --fix turns it off in the pods that get the token, and only there.
	cp "$WORK/sa.yaml" "$WORK/fix.yaml"
	"$BRIG" audit --fix "$WORK/fix.yaml" > /dev/null 2>&1
	expect_eq 5 "$(grep -c "automountServiceAccountToken: false" "$WORK/fix.yaml")" "--fix: the four pods and quiet"
	expect_eq "" "$(k8s_places_of BRIG-K206 "$WORK/fix.yaml")" "after --fix"
}

test_k8s_sensitive_host_path_mounted_writable () {
	cat > "$WORK/hp.yaml" <<'Y'
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers:
      - name: app
        image: a
        volumeMounts:
        - {name: etc, mountPath: /host/etc}
        - {name: lib, mountPath: /host/lib, readOnly: true}
        - {name: data, mountPath: /data}
        - {name: docker, mountPath: /docker, readOnly: false}
        - {name: sock, mountPath: /var/run/docker.sock}
      - name: side
        image: a
        volumeMounts: [{name: etc, mountPath: /etc/host, readOnly: true}, {name: usr, mountPath: /u}]
      volumes:
      - {name: etc, hostPath: {path: /etc}}
      - {name: lib, hostPath: {path: /usr/lib}}
      - {name: data, hostPath: {path: /srv/data}}
      - {name: docker, hostPath: {path: /var/lib//docker/}}
      - {name: sock, hostPath: {path: /var/run/docker.sock}}
      - {name: usr, hostPath: {path: /usr/local}}
      - {name: unused, hostPath: {path: /boot}}
Y
	# /etc (app writes, side reads), docker's data written (readOnly:
	# false), /usr/local by side.  Not: /usr/lib read-only, /srv/data, the
	# socket (BRIG-C003's), /boot that no container mounts.
	got=$(k8s_places_of 'BRIG-R003|BRIG-C003' "$WORK/hp.yaml")
	expect_eq "BRIG-C003@24:33 BRIG-R003@20:32 BRIG-R003@23:35 BRIG-R003@25:32" "$got"
	run_status st "$BRIG" audit "$WORK/hp.yaml"
	expect_match "hp.yaml:20:32: high BRIG-R003: DaemonSet agent: volume \"etc\" is the node's /etc \(hostPath\), mounted writable by \"app\" at /host/etc: " "$out"
	expect_match "hp.yaml:23:35: high BRIG-R003: .*the node's /var/lib/docker \(hostPath\)" "$out"
	got=$(k8s_places_of 'BRIG-R003' - < "$WORK/hp.yaml")
	expect_eq "BRIG-R003@20:32 BRIG-R003@23:35 BRIG-R003@25:32" "$got" "on stdin"
	# --fix makes each writable mount of those volumes read-only.
	cp "$WORK/hp.yaml" "$WORK/fix.yaml"
	run_status st "$BRIG" audit --fix "$WORK/fix.yaml"
	expect_eq 1 "$st" "--fix: BRIG-C003 is left"
	expect_match "brig audit --fix: .* findings fixed in 1 file" "$out"
	expect_eq "" "$(k8s_places_of 'BRIG-R003' "$WORK/fix.yaml")" "after --fix"
	expect_match "\{name: etc, mountPath: /host/etc, readOnly: true\}" "$(cat "$WORK/fix.yaml")"
	expect_match "\{name: docker, mountPath: /docker, readOnly: true\}" "$(cat "$WORK/fix.yaml")"
	expect_match "\{name: data, mountPath: /data\}" "$(cat "$WORK/fix.yaml")"
	# The list is compose's: its writable bind of /etc is the same rule.
	printf 'services:\n  s: {image: a, volumes: ["/etc:/host/etc", "/usr/lib:/l:ro"]}\n' > "$WORK/compose.yaml"
	got=$(k8s_places_of 'BRIG-R003' "$WORK/compose.yaml")
	expect_eq "BRIG-R003@2:27" "$got" "compose"
}

test_peer_network_joined () {
	printf 'services:\n  a: {image: "x:1"}\n  b: {image: "y:1", network_mode: "service:a"}\n  c: {image: "z:1", network_mode: "container:web"}\n  d: {image: "w:1", network_mode: none}\n' > "$WORK/peer.yaml"
	out=$(rules_at "$WORK/peer.yaml")
	expect_match "^BRIG-C017 3:21$" "$out"
	expect_match "^BRIG-C017 4:21$" "$out"
	expect_eq 2 "$(printf '%s\n' "$out" | grep -c C017)" "only b and c"
	printf 'docker run --net=container:web img:1\ndocker run --network host img:2\n' > "$WORK/peer.sh"
	out=$(rules_at "$WORK/peer.sh")
	expect_match "^BRIG-C017 1:12$" "$out"
	expect_no_match "^BRIG-C017 2:" "$out"
}

test_bind_paths_with_dotdot_judged_as_the_gate_does () {
	printf 'services:\n  a: {image: "x:1", volumes: ["/tmp/..:/host", "/srv/../etc:/e", "./etc:/c"]}\n' > "$WORK/dd.yaml"
	out=$(rules_at "$WORK/dd.yaml")
	expect_match "^BRIG-C003 2:31$" "$out" "/tmp/.. is /"
	expect_match "^BRIG-R003 2:48$" "$out" "/srv/../etc is /etc"
	expect_match "^BRIG-C015 2:48$" "$out"
	expect_no_match " 2:65$" "$out" "./etc is the project's, not the host's /etc"
}
