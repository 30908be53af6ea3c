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

/* "brig:ignore comment at 12:3 (until 2027-01-01): the reason" */
static void
text_suppression (FILE *f, const struct brig_suppression *s)
{
  fprintf (f, "      suppressed by a %s %s at %d:%d", s->tool,
           s->kind == BRIG_SUPPRESS_COMMENT ? "comment" : "annotation", s->loc.line, s->loc.col);
  if (s->until[0])
    fprintf (f, " (until %s)", s->until);
  fprintf (f, ": %s\n", s->reason ? s->reason : "(no reason given)");
}

void
brig_report_text (FILE *f, const struct brig_audit_report *r, bool colour)
{
  size_t count[BRIG_SEV_CRITICAL + 1] = { 0 }, active = 0;
  const char *file = NULL;

  for (size_t i = 0; i < r->findings.n; i++)
    {
      const struct brig_finding *x = &r->findings.v[i];
      if (file == NULL || strcmp (file, x->file) != 0)
        {
          file = x->file;
          fprintf (f, "%s%s%s\n", colour ? "\033[1m" : "", file, colour ? "\033[0m" : "");
        }
      if (x->suppressed)
        {
          fprintf (f, "  %s:%d:%d: %ssuppressed%s %s: %s\n", x->file, x->loc.line, x->loc.col,
                   colour ? "\033[2m" : "", colour ? "\033[0m" : "", x->rule->id, x->message);
          text_suppression (f, x->suppressed);
          continue;
        }
      fprintf (f, "  %s:%d:%d: %s%s%s %s: %s\n", x->file, x->loc.line, x->loc.col,
               colour ? colour_of (x->severity) : "", brig_severity_name (x->severity),
               colour ? "\033[0m" : "", x->rule->id, x->message);
      fprintf (f, "      fix: %s\n", x->rule->fix);
      count[x->severity]++;
      active++;
    }
  for (size_t i = 0; i < r->nwarnings; i++)
    fprintf (f, "warning: %s\n", r->warnings[i].message);
  for (size_t i = 0; i < r->nerrors; i++)
    fprintf (f, "error: %s\n", r->errors[i].message);
  fprintf (f,
           "%zu finding%s (%zu critical, %zu high, %zu medium, %zu low) in %zu file%s; %zu "
           "error%s",
           active, active == 1 ? "" : "s", count[BRIG_SEV_CRITICAL], count[BRIG_SEV_HIGH],
           count[BRIG_SEV_MEDIUM], count[BRIG_SEV_LOW], r->files, r->files == 1 ? "" : "s",
           r->nerrors, r->nerrors == 1 ? "" : "s");
  if (r->findings.n > active)
    fprintf (f, "; %zu suppressed", r->findings.n - active);
  if (r->skipped)
    fprintf (f, "; %zu file%s skipped (not a format brig audit reads)", r->skipped,
             r->skipped == 1 ? "" : "s");
  if (r->excluded)
    fprintf (f, "; %zu excluded", r->excluded);
  if (r->project && r->project->file)
    fprintf (f, "; settings from %s", r->project->file);
  fputc ('\n', f);
}

/* The Pod Security Standards level of a rule, NULL for the others. */
static const char *
level_name (const struct brig_audit_rule *x)
{
  return x->level == BRIG_PSS_NONE       ? NULL
         : x->level == BRIG_PSS_BASELINE ? "baseline"
                                         : "restricted";
}

static json_t *
rule_json (const struct brig_audit_rule *x)
{
  json_t *same = json_array ();

  for (const char *const *s = x->same_as; s && *s; s++)
    json_array_append_new (same, json_string (*s));
  return json_pack ("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:o}", "id", x->id, "title",
                    x->title, "severity", brig_severity_name (x->severity), "control", x->control,
                    "level", level_name (x), "why", x->why, "fix", x->fix, "refs", x->refs,
                    "same_as", same);
}

static json_t *
suppression_json (const struct brig_suppression *s)
{
  return json_pack ("{s:s, s:s, s:i, s:i, s:s?, s:s?}", "kind",
                    s->kind == BRIG_SUPPRESS_COMMENT ? "comment" : "annotation", "tool", s->tool,
                    "line", s->loc.line, "column", s->loc.col, "reason", s->reason, "until",
                    s->until[0] ? s->until : NULL);
}

void
brig_report_json (FILE *f, const struct brig_audit_report *r)
{
  json_t *findings = json_array (), *suppressed = json_array (), *errors = json_array (), *j;

  for (size_t i = 0; i < r->findings.n; i++)
    {
      const struct brig_finding *x = &r->findings.v[i];
      json_t *o
          = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:s}", "rule",
                       x->rule->id, "severity", brig_severity_name (x->severity), "title",
                       x->rule->title, "control", x->rule->control, "file", x->file, "line",
                       x->loc.line, "column", x->loc.col, "end_line", x->loc.end_line, "end_column",
                       x->loc.end_col, "message", x->message, "fix", x->rule->fix);
      if (x->suppressed)
        {
          json_object_set_new (o, "suppression", suppression_json (x->suppressed));
          json_array_append_new (suppressed, o);
        }
      else
        json_array_append_new (findings, o);
    }
  for (size_t i = 0; i < r->nerrors; i++)
    json_array_append_new (errors, json_pack ("{s:s, s:s}", "file", r->errors[i].file, "message",
                                              r->errors[i].message));
  j = json_pack ("{s:i, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:s?}}", "version", 1, "findings",
                 findings, "suppressed", suppressed, "errors", errors, "summary", "files",
                 (json_int_t)r->files, "skipped", (json_int_t)r->skipped, "suppressed",
                 (json_int_t)json_array_size (suppressed), "excluded", (json_int_t)r->excluded,
                 "config", r->project ? r->project->file : NULL);
  if (r->nwarnings)
    {
      json_t *warnings = json_array ();
      for (size_t i = 0; i < r->nwarnings; i++)
        json_array_append_new (warnings, json_pack ("{s:s, s:s}", "file", r->warnings[i].file,
                                                    "message", r->warnings[i].message));
      json_object_set_new (j, "warnings", warnings);
    }
  json_dumpf (j, f, JSON_INDENT (2));
  fputc ('\n', f);
  json_decref (j);
}

void
brig_report_rules_text (FILE *f)
{
  const struct brig_audit_rule *x;

  for (size_t i = 0; (x = brig_audit_rule_nth (i)); i++)
    {
      fprintf (f, "%s  %-8s  %-10s  %s\n    why: %s\n    fix: %s\n    refs: %s\n", x->id,
               brig_severity_name (x->severity), level_name (x) ? level_name (x) : "-", x->title,
               x->why, x->fix, x->refs);
      for (const char *const *s = x->same_as; s && *s; s++)
        fprintf (f, "%s%s", s == x->same_as ? "    same as: " : ", ", *s);
      if (x->same_as && x->same_as[0])
        fputc ('\n', f);
    }
}

void
brig_report_rules_json (FILE *f)
{
  const struct brig_audit_rule *x;
  json_t *a = json_array ();

  for (size_t i = 0; (x = brig_audit_rule_nth (i)); i++)
    json_array_append_new (a, rule_json (x));
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
  for (size_t i = 0; i < r->nwarnings; i++)
    {
      free (r->warnings[i].file);
      free (r->warnings[i].message);
    }
  free (r->warnings);
  strv_free (r->names);
  memset (r, 0, sizeof *r);
}
