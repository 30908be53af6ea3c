/* brig audit's findings, for people (text) and for programs (JSON). */
#ifndef BRIG_REPORT_FINDINGS_H
#define BRIG_REPORT_FINDINGS_H

#include <stdbool.h>
#include <stdio.h>

#include "policy/audit.h"
#include "policy/project.h"

/* A file brig could not judge, and why ("FILE:LINE:COL: ..."). */
struct brig_audit_error
{
  char *file;
  char *message;
};

struct brig_audit_report
{
  struct brig_findings findings;
  struct brig_audit_error *errors;
  size_t nerrors;
  struct brig_audit_error *warnings; /* judged, but not all of it (a missing extends file) */
  size_t nwarnings;
  size_t files;                       /* judged */
  size_t skipped;                     /* found in directories, not a format brig reads */
  char **names;                       /* the files' names, which findings point into */
  size_t nnames;                      /* in names (a NULL after them) */
  size_t excluded;                    /* not read: .brig.yml's exclude */
  const struct brig_project *project; /* the .brig.yml in force, or NULL */
  size_t fixed, fixed_files;          /* brig audit --fix: findings fixed, files changed */
};

/* Findings sorted by file, line and column. */
void brig_report_sort (struct brig_audit_report *r);

/* Grouped by file: LINE:COL, severity, rule, message, and the fix (or,
 * for a suppressed finding, what silenced it).  Colour when COLOUR. */
void brig_report_text (FILE *f, const struct brig_audit_report *r, bool colour);
void brig_report_json (FILE *f, const struct brig_audit_report *r);
/* SARIF 2.1.0, one run: the rule table as the driver's rules, findings as
 * results (suppressed ones with their suppression), errors as tool
 * execution notifications.  Files under CWD are named relative to it
 * (%SRCROOT%). */
void brig_report_sarif (FILE *f, const struct brig_audit_report *r, const char *cwd);
/* The rule table, for --list-rules. */
void brig_report_rules_text (FILE *f);
void brig_report_rules_json (FILE *f);

void brig_report_release (struct brig_audit_report *r);

#endif
