#!/usr/bin/env python3
"""checkov_score.py BRIG CORPUS: score `brig audit` against checkov's
Dockerfile fixtures (CORPUS = shared/corpus/checkov-dockerfile), for the
checkov checks brig's Dockerfile rules answer to.

expected.tsv and graph_expected.tsv list, per check and file, one row per
instruction checkov reports (FAILED or PASSED).  brig reports at most one
finding per rule and instruction, so per file: the FAILED rows are the
findings wanted, and a file with only PASSED rows must get none.  Prints a
per-check table; exits 1 on any miss or false positive not in KNOWN below
(each with the reason brig and checkov disagree)."""
import collections
import csv
import json
import os
import subprocess
import sys

brig, corpus = sys.argv[1], sys.argv[2]

RULES = {
    "CKV_DOCKER_1": {"BRIG-D018"},
    "CKV_DOCKER_2": {"BRIG-D019"},
    "CKV_DOCKER_3": {"BRIG-D002"},
    "CKV_DOCKER_4": {"BRIG-D005", "BRIG-D006"},
    "CKV_DOCKER_7": {"BRIG-D003"},
    "CKV_DOCKER_8": {"BRIG-D001"},
    "CKV2_DOCKER_1": {"BRIG-D008"},
    "CKV2_DOCKER_17": {"BRIG-D012"},
}
for n in (2, 3, 4, 5, 6, 12, 13, 14, 15, 16):
    RULES["CKV2_DOCKER_%d" % n] = {"BRIG-D010"}
for n in (7, 8, 9, 10, 11):
    RULES["CKV2_DOCKER_%d" % n] = {"BRIG-D011"}

# (check, file): (findings brig does not give, why).
ARG_NO_DEFAULT = ("`ARG NAME VALUE` declares two ARGs without defaults (BuildKit has no "
                  "`ARG name value` form, unlike ENV): NAME has no value, so nothing is turned off")
KNOWN = {
    ("CKV2_DOCKER_6", "graph/resources/EnvNodeTlsRejectUnauthorized/fail/Dockerfile.basic"):
        (2, ARG_NO_DEFAULT),
    ("CKV2_DOCKER_5", "graph/resources/EnvPythonHttpsVerify/fail/Dockerfile.basic"):
        (2, ARG_NO_DEFAULT),
    ("CKV2_DOCKER_12", "graph/resources/EnvNpmConfigStrictSsl/fail/Dockerfile.basic"):
        (4, ARG_NO_DEFAULT),
}


def read(name):
    with open(os.path.join(corpus, name)) as f:
        return list(csv.DictReader(f, delimiter="\t"))


want = collections.defaultdict(lambda: [0, 0])  # (check, file) -> [failed rows, passed rows]
for row in read("expected.tsv") + read("graph_expected.tsv"):
    if row["check_id"] in RULES:
        want[(row["check_id"], row["file"])][row["expected"] == "PASSED"] += 1

cache = {}


def findings(path):
    if path not in cache:
        p = subprocess.run([brig, "audit", "--type", "dockerfile", "--format", "json",
                            "--fail-on", "never", os.path.join(corpus, path)],
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            cache[path] = None
            print("ERROR %s: brig exited %d: %s" % (path, p.returncode, (p.stdout + p.stderr)[-300:]))
        else:
            cache[path] = json.loads(p.stdout)["findings"]
    return cache[path]


bad = 0
score = collections.OrderedDict()
for (check, path), (nfail, npass) in sorted(want.items(), key=lambda kv: (kv[0][0], kv[0][1])):
    s = score.setdefault(check, {"tp": 0, "fail": 0, "known": 0, "fp": 0, "files": 0,
                                 "passfiles": 0, "errors": 0})
    got = findings(path)
    s["files"] += 1
    if got is None:
        s["errors"] += 1
        bad += 1
        continue
    n = len([f for f in got if f["rule"] in RULES[check]])
    s["fail"] += nfail
    s["tp"] += min(n, nfail)
    missed = max(nfail - n, 0)
    extra = max(n - nfail, 0)
    if nfail == 0:
        s["passfiles"] += 1
    known = KNOWN.get((check, path))
    if known and missed == known[0]:
        s["known"] += missed
    elif missed:
        bad += 1
        print("MISS %s %s: %d of %d failing instructions not flagged" % (check, path, missed, nfail))
    if extra:
        s["fp"] += extra
        bad += 1
        print("FALSE POSITIVE %s %s: %d finding(s) more than the %d checkov fails: %s" % (
            check, path, extra, nfail,
            ["%s:%d" % (f["rule"], f["line"]) for f in got if f["rule"] in RULES[check]]))

tp = sum(s["tp"] for s in score.values())
total = sum(s["fail"] for s in score.values())
fp = sum(s["fp"] for s in score.values())
print("checkov Dockerfile fixtures: %d/%d failing instructions flagged (%.1f%%), %d false "
      "positives, %d checks" % (tp, total, 100.0 * tp / max(total, 1), fp, len(score)))
for check, s in score.items():
    print("  %-15s %-21s %3d/%-3d flagged%s, %d false positive%s, %d file%s (%d passing)%s" % (
        check, "+".join(sorted(RULES[check])), s["tp"], s["fail"],
        " (%d known)" % s["known"] if s["known"] else "", s["fp"], "" if s["fp"] == 1 else "s",
        s["files"], "" if s["files"] == 1 else "s", s["passfiles"],
        ", %d errors" % s["errors"] if s["errors"] else ""))
for (check, path), (n, why) in sorted(KNOWN.items()):
    print("  known: %s %s: %d not flagged: %s" % (check, path, n, why))
sys.exit(1 if bad else 0)
