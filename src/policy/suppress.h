/* brig audit's suppressions: what silences a finding where it is written,
 * and what is wrong with a suppression (the BRIG-S rules).  Pure: the
 * caller gives the file's text, the workload and today's date.
 *
 * Comments, on the finding's line or in the comment lines directly above
 * it (no blank line between), in every format whose comments start with #
 * (YAML, Dockerfiles, shell):
 *
 *   # brig:ignore=RULE[,RULE...] REASON [until=YYYY-MM-DD]
 *   # checkov:skip=CKV_K8S_16: REASON            (bridgecrew:skip= too)
 *   # trivy:ignore:KSV-0017[:exp:YYYY-MM-DD] REASON
 *   # hadolint ignore=DL3002[,DL3008] REASON
 *
 * Annotations of a Kubernetes object or of its pod template, for all the
 * object's findings:
 *
 *   brig.dev/ignore: "RULE[,RULE...]: REASON; until=YYYY-MM-DD"
 *   brig.dev/ignore-ANYTHING: (the same, for a second reason)
 *   checkov.io/skipN: "CKV_K8S_16=REASON"        (bridgecrew.io/skipN too)
 *   ignore-check.kube-linter.io/CHECK: "REASON"
 *
 * In brig's own syntax a RULE is a brig rule id or any other tool's id
 * that a rule lists in same_as; in another tool's syntax, that tool's ids.
 * Ids are compared without regard to case (trivy's KSV-0017, KSV017 and
 * AVD-KSV-0017 are one id).  REASON is the text after the ids (a `:` or
 * `=` right after them is dropped); an `until=YYYY-MM-DD` word anywhere in
 * it is the last day the suppression holds, and is not part of the reason.
 *
 * Reported as findings: a suppression without a reason (BRIG-S001: it
 * still silences), an expired one (BRIG-S002: it silences nothing), and
 * one that names no brig rule or has a bad date (BRIG-S003).  brig's own
 * suppressions are always judged; another tool's only when they name one
 * of brig's rules, so that their comments meant for that tool alone are
 * left alone. */
#ifndef BRIG_POLICY_SUPPRESS_H
#define BRIG_POLICY_SUPPRESS_H

#include <stddef.h>

#include "policy/audit.h"

/* Today's date as YYYYMMDD (20270101): suppressions hold through their
 * until= day. */
typedef int brig_date;

/* Silence the findings of FILE (F's findings from FIRST on) that comments
 * in its text BUF (LEN bytes) name; report the bad suppressions. */
void brig_suppress_comments (const char *buf, size_t len, const char *file, brig_date today,
                             struct brig_findings *f, size_t first);

/* Silence the findings of W (F's findings from FIRST on) that W's
 * annotations name; report the bad suppressions. */
void brig_suppress_annotations (const struct brig_workload *w, brig_date today,
                                struct brig_findings *f, size_t first);

/* Silence the findings of an image (F's findings from FIRST on) that its
 * config's LABELS ("KEY=VALUE") name, brig.dev/ignore[-ANYTHING] as the
 * annotation above (LABEL brig.dev/ignore="BRIG-I003: REASON"); report the
 * bad ones at FILE, the image. */
void brig_suppress_labels (char *const *labels, const char *file, brig_date today,
                           struct brig_findings *f, size_t first);

/* Is R one of the BRIG-S rules (which no suppression silences)? */
bool brig_suppress_rule (const struct brig_audit_rule *r);

/* Does ID, written in TOOL's syntax ("brig", "checkov", "trivy"...), name
 * rule R? */
bool brig_suppress_names (const char *tool, const char *id, const struct brig_audit_rule *r);

/* "2027-01-31" -> 20270131; -1 unless a real date in that form (exactly
 * LEN bytes). */
brig_date brig_date_parse (const char *s, size_t len);

#endif
