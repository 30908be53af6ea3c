#!/usr/bin/env python3
"""rule_fixtures.py BRIG DIR: check brig audit against the table-driven
fixtures DIR/<rule>/{pass,fail}/*: each file's first line is
`# expect: LINE...` (the lines where RULE must report, in order) or
`# expect: none`; findings of other rules are ignored.  Every rule of
`brig audit --list-rules` whose id starts with a prefix found in DIR must
have at least one pass and one fail fixture.  Exits 1 on any difference."""
import json
import os
import subprocess
import sys

brig, root = sys.argv[1], sys.argv[2]
bad = cases = 0
prefixes = set()
for rule in sorted(os.listdir(root)):
    prefixes.add(rule[:6])
    for kind in ("fail", "pass"):
        d = os.path.join(root, rule, kind)
        names = sorted(os.listdir(d)) if os.path.isdir(d) else []
        if not names:
            print("NO %s FIXTURE for %s" % (kind.upper(), rule))
            bad += 1
        for name in names:
            path = os.path.join(d, name)
            head = open(path).readline().split(":", 1)
            if head[0].strip() != "# expect":
                print("%s: line 1 must be `# expect: LINE...` or `# expect: none`" % path)
                bad += 1
                continue
            want = [] if head[1].strip() == "none" else [int(x) for x in head[1].split()]
            if (kind == "fail") != bool(want):
                print("%s: a %s fixture expecting %s" % (path, kind, want or "none"))
                bad += 1
            p = subprocess.run([brig, "audit", "--format", "json", "--fail-on", "never", path],
                               capture_output=True, text=True)
            cases += 1
            if p.returncode != 0:
                print("%s: brig exited %d: %s" % (path, p.returncode, p.stdout + p.stderr))
                bad += 1
                continue
            got = [f["line"] for f in json.loads(p.stdout)["findings"] if f["rule"] == rule]
            if got != want:
                print("%s: %s at lines %s, expected %s" % (path, rule, got or "none", want or "none"))
                bad += 1
rules = json.loads(subprocess.run([brig, "audit", "--list-rules", "--format", "json"],
                                  capture_output=True, text=True, check=True).stdout)
for r in rules:
    if r["id"][:6] in prefixes and not os.path.isdir(os.path.join(root, r["id"])):
        print("NO FIXTURES for %s (%s)" % (r["id"], r["title"]))
        bad += 1
print("%d fixtures of %d rules, %d wrong" % (cases, len(os.listdir(root)), bad))
sys.exit(1 if bad else 0)
