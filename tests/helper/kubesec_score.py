#!/usr/bin/env python3
"""kubesec_score.py BRIG CORPUS: score the hardening rules beyond the Pod
Security Standards (BRIG-K2nn, and BRIG-C003 on hostPath volumes) against
kubesec's acceptance-test manifests (CORPUS/asset, labels in
CORPUS/expected.tsv: the sign of the score kubesec's own tests expect).

kubesec adds points for advice followed and takes them away for critical
findings, so its labels say, of a manifest:
  - score > 0 in a test named "passes ... X" for the fixture of rule X:
    the advice X is followed, brig's rule for X must not fire;
  - score = 0: no advice followed and nothing critical: every brig rule
    for kubesec's advice must fire, on every workload of the file;
  - score < 0 in a test of a docker.sock mount: BRIG-C003 must fire;
  - score >= 0: nothing critical, so BRIG-C003 must not fire.
Only kubesec's advice that brig has a rule for is scored (below); files
brig does not read as workloads (kubesec's error-handling assets) are
counted as not judged.  Prints the per-rule table; exits 1 on a miss."""
import collections
import csv
import json
import os
import subprocess
import sys

brig, corpus = sys.argv[1], sys.argv[2]

# kubesec's advice -> brig's rule, and the part of the asset's name that
# says a fixture is the one of that advice.
ADVICE = {
    "BRIG-K201": ("ReadOnlyRootFilesystem", "ro-root-fs"),
    "BRIG-K202": ("LimitsMemory", "resource-limit-memory"),
    "BRIG-K203": ("LimitsCPU", "resource-limit-cpu"),
    "BRIG-K206": ("AutomountServiceAccountToken", "automount-sa"),
    "BRIG-K207": ("RunAsUser", "run-as-user"),
    "BRIG-K208": ("RunAsGroup", "run-as-group"),
}
SOCKET = "BRIG-C003"


def audit(path):
    p = subprocess.run([brig, "audit", "--format", "json", "--fail-on", "never", "--type", "k8s",
                        path], capture_output=True, text=True)
    d = json.loads(p.stdout) if p.stdout.startswith("{") else None
    if d is None or d["errors"] or d["summary"]["files"] == 0:
        return None
    return {f["rule"] for f in d["findings"]}


rows = collections.defaultdict(set)  # file -> expected labels
names = collections.defaultdict(list)
with open(os.path.join(corpus, "expected.tsv")) as t:
    for row in csv.DictReader(t, delimiter="\t"):
        if row["expected"] in ("score>0", "score=0", "score<0"):
            rows[row["file"]].add(row["expected"])
            names[row["file"]].append(row["test_name"])

# rule -> [right, total] for "must fire" and "must not fire"
fire = collections.defaultdict(lambda: [0, 0])
quiet = collections.defaultdict(lambda: [0, 0])
bad = 0
unjudged = []


def expect(rule, got, want, f, why):
    global bad
    tally = fire if want else quiet
    tally[rule][1] += 1
    if (rule in got) == want:
        tally[rule][0] += 1
        return
    bad += 1
    print("%s %s on %s (%s): got %s" % ("MISS" if want else "FALSE POSITIVE", rule, f, why,
                                        sorted(got)))


for f in sorted(rows):
    got = audit(os.path.join(corpus, f))
    if got is None:
        unjudged.append(f)
        continue
    labels = rows[f]
    base = os.path.basename(f)
    if "score>0" in labels:
        for rule, (advice, part) in ADVICE.items():
            if part in base and any(n.startswith("passes") for n in names[f]):
                expect(rule, got, False, f, "kubesec: %s followed" % advice)
    if "score=0" in labels:
        for rule, (advice, _) in ADVICE.items():
            expect(rule, got, True, f, "kubesec: no advice followed")
    if "score<0" in labels and "docker-sock" in base:
        expect(SOCKET, got, True, f, "kubesec: DockerSock")
    if labels & {"score>0", "score=0"}:
        expect(SOCKET, got, False, f, "kubesec: nothing critical")

print("kubesec assets: %d judged, %d not workloads brig reads (%s)" % (
    len(rows) - len(unjudged), len(unjudged), ", ".join(os.path.basename(u) for u in unjudged)))
print("  %-10s %-30s %-14s %s" % ("rule", "kubesec", "must fire", "must not fire"))
for rule in sorted(set(fire) | set(quiet)):
    advice = ADVICE[rule][0] if rule in ADVICE else "DockerSock"
    print("  %-10s %-30s %-14s %s" % (rule, advice, "%d/%d" % tuple(fire[rule]),
                                      "%d/%d" % tuple(quiet[rule])))
sys.exit(1 if bad else 0)
