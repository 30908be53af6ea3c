#!/usr/bin/env python3
"""pss_score.py BRIG CORPUS: score `brig audit` against the Kubernetes Pod
Security admission fixtures (CORPUS/LEVEL/VERSION/pass|fail/CONTROL_N.yaml).
For each level: every fail fixture must get a finding of its control (or of
the control that replaces it at that level), and no pass fixture may get a
finding of that level.  Only the Pod Security Standards' own rules count
(those --list-rules gives a level): the rest of the hardening advice
(BRIG-K2nn, BRIG-C003 on hostPath) is not what these fixtures label.
Prints the per-control table; exits 1 on any miss."""
import collections
import json
import os
import re
import subprocess
import sys

brig, corpus = sys.argv[1], sys.argv[2]
# At the restricted level these controls are replaced by stricter ones.
replaced = {"capabilities_baseline": "capabilities_restricted",
            "seccompprofile_baseline": "seccompprofile_restricted",
            "hostpathvolumes": "restrictedvolumes",
            "procmount": "procmount_restricted"}


# The rules that are Pod Security Standards controls.
pss_rules = {r["id"] for r in json.loads(subprocess.run(
    [brig, "audit", "--list-rules", "--format", "json"], capture_output=True, text=True,
    check=True).stdout) if r.get("level")}


def audit(level, version, path):
    p = subprocess.run([brig, "audit", "--format", "json", "--fail-on", "never",
                        "--level", level, "--k8s-version", version, path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("brig audit %s exited %d: %s" % (path, p.returncode, p.stderr + p.stdout))
    return {f["control"].lower() for f in json.loads(p.stdout)["findings"] if f["rule"] in pss_rules}


bad = 0
for level in ("baseline", "restricted"):
    for version in sorted(os.listdir(os.path.join(corpus, level))):
        base = os.path.join(corpus, level, version)
        recall = collections.defaultdict(lambda: [0, 0])
        false_pos = []
        for kind in ("fail", "pass"):
            d = os.path.join(base, kind)
            for name in sorted(os.listdir(d)):
                control = re.sub(r"\d*\.yaml$", "", name)
                got = audit(level, version, os.path.join(d, name))
                if kind == "fail":
                    want = {control}
                    if level == "restricted" and control in replaced:
                        want.add(replaced[control])
                    recall[control][1] += 1
                    if got & want:
                        recall[control][0] += 1
                    else:
                        bad += 1
                        print("MISS %s/%s/%s/%s: got %s" % (level, version, kind, name, sorted(got)))
                elif got:
                    false_pos.append(name)
                    bad += 1
                    print("FALSE POSITIVE %s/%s/pass/%s: %s" % (level, version, name, sorted(got)))
        npass = len(os.listdir(os.path.join(base, "pass")))
        print("%s %s: %d/%d fail fixtures flagged, %d/%d pass fixtures with a finding" % (
            level, version, sum(v[0] for v in recall.values()), sum(v[1] for v in recall.values()),
            len(false_pos), npass))
        for control in sorted(recall):
            print("  %-30s %d/%d" % (control, recall[control][0], recall[control][1]))
sys.exit(1 if bad else 0)
