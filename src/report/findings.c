#include "report/findings.h"
#include "policy/image.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int
by_place (const void *a, const void *b)
{
  const struct brig_finding *x = a, *y = b;
  int c = strcmp (x->file, y->file);

  if (c)
    return c;
  if (x->loc.line != y->loc.line)
    return x->loc.line < y->loc.line ? -1 : 1;
  if (x->loc.col != y->loc.col)
    return x->loc.col < y->loc.col ? -1 : 1;
  return strcmp (x->rule->id, y->rule->id);
}

void
brig_report_sort (struct brig_audit_report *r)
{
  if (r->findings.n)
    qsort (r->findings.v, r->findings.n, sizeof *r->findings.v, by_place);
}

static const char *
colour_of (enum brig_severity s)
{
  switch (s)
    {
    case BRIG_SEV_CRITICAL:
      return "\033[1;31m";
    case BRIG_SEV_HIGH:
      return "\033[31m";
    case BRIG_SEV_MEDIUM:
      return "\033[33m";
    case BRIG_SEV_LOW:
    default:
      return "\033[36m";
    }
}

void
brig_report_text (FILE *f, const struct brig_audit_report *r, bool colour)
{
  size_t count[BRIG_SEV_CRITICAL + 1] = { 0 };
  const char *file = NULL;

  for (size_t i = 0; i < r->findings.n; i++)
    {
      const struct brig_finding *x = &r->findings.v[i];
      if (file == NULL || strcmp (file, x->file) != 0)
        {
          file = x->file;
          fprintf (f, "%s%s%s\n", colour ? "\033[1m" : "", file, colour ? "\033[0m" : "");
        }
      fprintf (f, "  %s:%d:%d: %s%s%s %s: %s\n", x->file, x->loc.line, x->loc.col,
               colour ? colour_of (x->rule->severity) : "", brig_severity_name (x->rule->severity),
               colour ? "\033[0m" : "", x->rule->id, x->message);
      fprintf (f, "      fix: %s\n", x->rule->fix);
      count[x->rule->severity]++;
    }
  for (size_t i = 0; i < r->nerrors; i++)
    fprintf (f, "error: %s\n", r->errors[i].message);
  fprintf (f,
           "%zu finding%s (%zu critical, %zu high, %zu medium, %zu low) in %zu file%s; %zu "
           "error%s",
           r->findings.n, r->findings.n == 1 ? "" : "s", count[BRIG_SEV_CRITICAL],
           count[BRIG_SEV_HIGH], count[BRIG_SEV_MEDIUM], count[BRIG_SEV_LOW], r->files,
           r->files == 1 ? "" : "s", r->nerrors, r->nerrors == 1 ? "" : "s");
  if (r->skipped)
    fprintf (f, "; %zu file%s skipped (not a format brig audit reads)", r->skipped,
             r->skipped == 1 ? "" : "s");
  fputc ('\n', f);
}

/* Every rule table, in --list-rules order. */
static const struct brig_audit_rule *(*const tables[]) (size_t *ret_n)
    = { brig_audit_rules, brig_image_rules };

/* The Pod Security Standards level of a K rule; other rules have none. */
static const char *
level_name (const struct brig_audit_rule *x)
{
  return x->level == BRIG_PSS_BASELINE     ? "baseline"
         : x->level == BRIG_PSS_RESTRICTED ? "restricted"
                                           : NULL;
}

static json_t *
rule_json (const struct brig_audit_rule *x)
{
  json_t *j = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", x->id, "title", x->title,
                         "severity", brig_severity_name (x->severity), "control", x->control, "why",
                         x->why, "fix", x->fix, "refs", x->refs);
  if (level_name (x))
    json_object_set_new (j, "level", json_string (level_name (x)));
  return j;
}

void
brig_report_json (FILE *f, const struct brig_audit_report *r)
{
  json_t *findings = json_array (), *errors = json_array (), *j;

  for (size_t i = 0; i < r->findings.n; i++)
    {
      const struct brig_finding *x = &r->findings.v[i];
      json_array_append_new (
          findings,
          json_pack ("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:s}", "rule", x->rule->id,
                     "severity", brig_severity_name (x->rule->severity), "title", x->rule->title,
                     "control", x->rule->control, "file", x->file, "line", x->loc.line, "column",
                     x->loc.col, "end_line", x->loc.end_line, "end_column", x->loc.end_col,
                     "message", x->message, "fix", x->rule->fix));
    }
  for (size_t i = 0; i < r->nerrors; i++)
    json_array_append_new (errors, json_pack ("{s:s, s:s}", "file", r->errors[i].file, "message",
                                              r->errors[i].message));
  j = json_pack ("{s:i, s:o, s:o, s:{s:I, s:I}}", "version", 1, "findings", findings, "errors",
                 errors, "summary", "files", (json_int_t)r->files, "skipped",
                 (json_int_t)r->skipped);
  json_dumpf (j, f, JSON_INDENT (2));
  fputc ('\n', f);
  json_decref (j);
}

void
brig_report_rules_text (FILE *f)
{
  for (size_t t = 0; t < ARRAY_SIZE (tables); t++)
    {
      size_t n;
      const struct brig_audit_rule *rules = tables[t](&n);

      for (size_t i = 0; i < n; i++)
        fprintf (f, "%s  %-8s  %-10s  %s\n    why: %s\n    fix: %s\n    refs: %s\n", rules[i].id,
                 brig_severity_name (rules[i].severity),
                 level_name (&rules[i]) ? level_name (&rules[i]) : "-", rules[i].title,
                 rules[i].why, rules[i].fix, rules[i].refs);
    }
}

void
brig_report_rules_json (FILE *f)
{
  json_t *a = json_array ();

  for (size_t t = 0; t < ARRAY_SIZE (tables); t++)
    {
      size_t n;
      const struct brig_audit_rule *rules = tables[t](&n);

      for (size_t i = 0; i < n; i++)
        json_array_append_new (a, rule_json (&rules[i]));
    }
  json_dumpf (a, f, JSON_INDENT (2));
  fputc ('\n', f);
  json_decref (a);
}

void
brig_report_release (struct brig_audit_report *r)
{
  brig_findings_release (&r->findings);
  for (size_t i = 0; i < r->nerrors; i++)
    {
      free (r->errors[i].file);
      free (r->errors[i].message);
    }
  free (r->errors);
  strv_free (r->names);
  memset (r, 0, sizeof *r);
}
