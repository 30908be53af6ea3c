/* The project file, .brig.yml: what a project decides about brig audit's
 * rules for all its files (README, "brig audit", has examples).
 *
 *   rules:
 *     BRIG-K005: off      # not reported
 *     BRIG-K102: high     # reported as high (low, medium, high, critical)
 *     BRIG-K103: on       # as the rule table says
 *   exclude:              # files and directories not read: glob patterns
 *     - vendor
 *     - deploy/legacy.yaml
 *
 * Every key is optional; an empty file changes nothing.  Unknown keys,
 * unknown rule ids and values of the wrong shape are errors at their
 * FILE:LINE:COL, so that a typo never silently turns a check off.
 *
 * Patterns are matched against paths relative to the directory of the
 * .brig.yml, `/`-separated, as an anchored .gitignore pattern is
 * (brig_gitignore_match): `*`, `?` and `[...]` match within one name, a
 * `**` name matches any number of names (none too).  A pattern without
 * a `/` matches a name at any depth; one with a `/` matches from the
 * project's directory (a leading `/` is dropped).  A matching directory
 * excludes everything below it. */
#ifndef BRIG_POLICY_PROJECT_H
#define BRIG_POLICY_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/audit.h"
#include "util/err.h"

struct brig_project_rule
{
  const struct brig_audit_rule *rule;
  bool off;
  bool has_severity;
  enum brig_severity severity;
  struct brig_loc loc; /* of the setting, in the file */
};

struct brig_project
{
  char *file; /* where it was read; NULL when there is none */
  struct brig_project_rule *rules;
  size_t nrules;
  char **exclude; /* as written */
  char **globs;   /* as matched: names without `/` get a leading `**` name */
};

/* Read BUF (LEN bytes) of FILE into RET (zeroed first). */
int brig_project_parse (const char *buf, size_t len, const char *file, struct brig_project *ret,
                        struct brig_err *err);
void brig_project_release (struct brig_project *p);

/* Is PATH (relative to the project's directory, `/`-separated, no `.` or
 * `..`) excluded? */
bool brig_project_excluded (const struct brig_project *p, const char *path);

/* The setting for R, or NULL. */
const struct brig_project_rule *brig_project_rule (const struct brig_project *p,
                                                   const struct brig_audit_rule *r);

/* Drop the findings of the rules P turns off; give the others the
 * severity P sets. */
void brig_project_apply (const struct brig_project *p, struct brig_findings *f);

#endif
