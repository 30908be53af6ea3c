#include "report/findings.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
by_place (const void *a, const void *b)
{
  const struct brig_finding *x = a, *y = b;
  /* One file's findings share its name. */
  int c = x->file == y->file ? 0 : strcmp (x->file, y->file);

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
  fprintf (f, "      suppressed by a %s %s", s->tool, brig_suppress_kind_name (s->kind));
  if (s->kind != BRIG_SUPPRESS_LABEL) /* a label has no line */
    fprintf (f, " at %d:%d", s->loc.line, s->loc.col);
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
      fprintf (f, "      fix: %s\n", brig_finding_fix (x));
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

/* --- JSON, written as it goes ------------------------------------------------
 *
 * The report of a large tree has hundreds of thousands of values: built
 * as jansson objects they cost more than the audit itself.  So they are
 * written straight out, byte for byte as json_pack and json_dumpf
 * (JSON_INDENT (2)) did: the same layout and escapes.  Where jansson
 * refused a string that is not UTF-8 (a file name, a message quoting a
 * Latin-1 Dockerfile), and the finding or error with it was left out of
 * the report, its bytes that are not UTF-8 are written as '?'. */

struct jw
{
  FILE *f;
  size_t n;
  int depth;
  bool empty; /* nothing yet in the innermost array or object */
  char buf[1 << 16];
};

static void
jw_flush (struct jw *w)
{
  if (w->n)
    fwrite (w->buf, 1, w->n, w->f);
  w->n = 0;
}

static void
jw_put_slow (struct jw *w, const char *s, size_t n)
{
  while (n)
    {
      size_t k = sizeof w->buf - w->n < n ? sizeof w->buf - w->n : n;
      memcpy (w->buf + w->n, s, k);
      w->n += k;
      s += k;
      n -= k;
      if (w->n == sizeof w->buf)
        jw_flush (w);
    }
}

static inline void
jw_put (struct jw *w, const char *s, size_t n)
{
  if (n < sizeof w->buf - w->n)
    {
      memcpy (w->buf + w->n, s, n);
      w->n += n;
    }
  else
    jw_put_slow (w, s, n);
}

/* A newline and the indentation of DEPTH. */
static void
jw_indent (struct jw *w, int depth)
{
  static const char nl[] = "\n                                "; /* and 32 spaces */
  size_t n = (size_t)depth * 2, k = n < sizeof nl - 2 ? n : sizeof nl - 2;

  jw_put (w, nl, 1 + k);
  for (n -= k; n; n -= k)
    {
      k = n < sizeof nl - 2 ? n : sizeof nl - 2;
      jw_put (w, nl + 1, k);
    }
}

/* Eight bytes at a time: the strings are mostly ASCII without anything to
 * escape.  Loads stay inside the string (its length is known first). */
#define ONES UINT64_C (0x0101010101010101)
#define HIGHS UINT64_C (0x8080808080808080)

static inline uint64_t
load8 (const unsigned char *p)
{
  uint64_t v;
  memcpy (&v, p, sizeof v);
  return v;
}

/* Does V have a byte below 0x20, a " or a \ (what jw_str escapes), or one
 * above 0x7f (the start of what jw_str checks is UTF-8)? */
static inline bool
has_special (uint64_t v)
{
  uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');

  return (((v - ONES * 0x20) & ~v) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | v) & HIGHS;
}

/* The length of the UTF-8 sequence at P (its first byte above 0x7f), as
 * jansson's utf8_check_first and utf8_check_full judge it; 0 if it is not
 * one. */
static size_t
utf8_len (const unsigned char *p)
{
  unsigned char u = *p;
  size_t count;
  uint32_t v;

  if (u >= 0xC2 && u <= 0xDF)
    count = 2, v = u & 0x1F;
  else if (u >= 0xE0 && u <= 0xEF)
    count = 3, v = u & 0xF;
  else if (u >= 0xF0 && u <= 0xF4)
    count = 4, v = u & 0x7;
  else
    return 0;
  for (size_t i = 1; i < count; i++)
    {
      if (p[i] < 0x80 || p[i] > 0xBF)
        return 0; /* the end of the string too */
      v = (v << 6) + (p[i] & 0x3F);
    }
  if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (count == 2 && v < 0x80)
      || (count == 3 && v < 0x800) || (count == 4 && v < 0x10000))
    return 0;
  return count;
}

/* The bytes jw_str does not copy as they are: control characters (NUL,
 * the end, among them), " and \, and those above 0x7f (copied when they
 * are UTF-8). */
static const bool jw_special[256] = {
  [0x00 ... 0x1f] = 1,
  ['"'] = 1,
  ['\\'] = 1,
  [0x80 ... 0xff] = 1,
};

/* A string, escaped as jansson's dump_string does (no flags): \, " and
 * control characters; UTF-8 as it is, other bytes as '?'. */
static void
jw_str (struct jw *w, const char *s)
{
  const char *run = s, *end;

  if (s == NULL)
    {
      jw_put (w, "null", 4);
      return;
    }
  jw_put (w, "\"", 1);
  end = s + strlen (s);
  for (;; s++)
    {
      unsigned char c;
      char esc[8];
      const char *e;
      size_t n = 2;

      while (end - s >= 8 && !has_special (load8 ((const unsigned char *)s)))
        s += 8;
      c = (unsigned char)*s;
      while (!jw_special[c])
        c = (unsigned char)*++s;
      jw_put (w, run, (size_t)(s - run));
      if (c == '\0')
        break;
      if (c >= 0x80 && (n = utf8_len ((const unsigned char *)s)) > 0)
        {
          run = s; /* copied with what follows */
          s += n - 1;
          continue;
        }
      n = 2;
      run = s + 1;
      switch (c)
        {
        case '\\':
          e = "\\\\";
          break;
        case '"':
          e = "\\\"";
          break;
        case '\b':
          e = "\\b";
          break;
        case '\f':
          e = "\\f";
          break;
        case '\n':
          e = "\\n";
          break;
        case '\r':
          e = "\\r";
          break;
        case '\t':
          e = "\\t";
          break;
        default:
          if (c >= 0x80)
            {
              e = "?"; /* not UTF-8 */
              n = 1;
              break;
            }
          snprintf (esc, sizeof esc, "\\u%04X", c);
          e = esc;
          n = 6;
          break;
        }
      jw_put (w, e, n);
    }
  jw_put (w, "\"", 1);
}

static void
jw_open (struct jw *w, char c)
{
  jw_put (w, &c, 1);
  w->depth++;
  w->empty = true;
}

static void
jw_close (struct jw *w, char c)
{
  w->depth--;
  if (!w->empty)
    jw_indent (w, w->depth);
  jw_put (w, &c, 1);
  w->empty = false;
}

/* Before a value in an array, or a member (KEY) in an object. */
static void
jw_next (struct jw *w, const char *key)
{
  if (!w->empty)
    jw_put (w, ",", 1);
  jw_indent (w, w->depth);
  w->empty = false;
  if (key)
    {
      /* Keys are brig's own names (string literals, letters and _):
         nothing in them to escape. */
      jw_put (w, "\"", 1);
      jw_put (w, key, strlen (key));
      jw_put (w, "\": ", 3);
    }
}

/* As "%lld" would. */
static void
jw_int (struct jw *w, const char *key, long long v)
{
  char b[24], *p = b + sizeof b;
  unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0)
    *--p = '-';
  jw_next (w, key);
  jw_put (w, p, (size_t)(b + sizeof b - p));
}

static void
jw_kstr (struct jw *w, const char *key, const char *v)
{
  jw_next (w, key);
  jw_str (w, v);
}

static void
finding_json (struct jw *w, const struct brig_finding *x)
{
  const struct brig_suppression *s = x->suppressed;

  jw_next (w, NULL);
  jw_open (w, '{');
  jw_kstr (w, "rule", x->rule->id);
  jw_kstr (w, "severity", brig_severity_name (x->severity));
  jw_kstr (w, "title", x->rule->title);
  jw_kstr (w, "control", x->rule->control);
  jw_kstr (w, "file", x->file);
  jw_int (w, "line", x->loc.line);
  jw_int (w, "column", x->loc.col);
  jw_int (w, "end_line", x->loc.end_line);
  jw_int (w, "end_column", x->loc.end_col);
  jw_kstr (w, "message", x->message);
  jw_kstr (w, "fix", brig_finding_fix (x));
  if (s)
    {
      jw_next (w, "suppression");
      jw_open (w, '{');
      jw_kstr (w, "kind", brig_suppress_kind_name (s->kind));
      jw_kstr (w, "tool", s->tool);
      jw_int (w, "line", s->loc.line);
      jw_int (w, "column", s->loc.col);
      jw_kstr (w, "reason", s->reason);
      jw_kstr (w, "until", s->until[0] ? s->until : NULL);
      jw_close (w, '}');
    }
  jw_close (w, '}');
}

/* FILE and MESSAGE pairs (errors, warnings). */
static void
messages_json (struct jw *w, const struct brig_audit_error *v, size_t n)
{
  jw_open (w, '[');
  for (size_t i = 0; i < n; i++)
    {
      jw_next (w, NULL);
      jw_open (w, '{');
      jw_kstr (w, "file", v[i].file);
      jw_kstr (w, "message", v[i].message);
      jw_close (w, '}');
    }
  jw_close (w, ']');
}

void
brig_report_json (FILE *f, const struct brig_audit_report *r)
{
  _cleanup_free_ struct jw *w = xmalloc (sizeof *w);
  const char *config = r->project ? r->project->file : NULL;
  size_t nsuppressed = 0;

  w->f = f;
  w->n = 0;
  w->depth = 0;
  w->empty = true;
  for (size_t i = 0; i < r->findings.n; i++)
    nsuppressed += r->findings.v[i].suppressed != NULL;
  jw_open (w, '{');
  jw_int (w, "version", 1);
  jw_next (w, "findings");
  jw_open (w, '[');
  for (size_t i = 0; i < r->findings.n; i++)
    if (!r->findings.v[i].suppressed)
      finding_json (w, &r->findings.v[i]);
  jw_close (w, ']');
  jw_next (w, "suppressed");
  jw_open (w, '[');
  for (size_t i = 0; i < r->findings.n; i++)
    if (r->findings.v[i].suppressed)
      finding_json (w, &r->findings.v[i]);
  jw_close (w, ']');
  jw_next (w, "errors");
  messages_json (w, r->errors, r->nerrors);
  jw_next (w, "summary");
  jw_open (w, '{');
  jw_int (w, "files", (long long)r->files);
  jw_int (w, "skipped", (long long)r->skipped);
  jw_int (w, "suppressed", (long long)nsuppressed);
  jw_int (w, "excluded", (long long)r->excluded);
  jw_kstr (w, "config", config);
  jw_close (w, '}');
  if (r->nwarnings)
    {
      jw_next (w, "warnings");
      messages_json (w, r->warnings, r->nwarnings);
    }
  jw_close (w, '}');
  jw_put (w, "\n", 1);
  jw_flush (w);
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
