/* Suppressions (see suppress.h): comments read from the file's text by
 * line, since the YAML reader drops them, and annotations from the model.
 * Each is read into a pragma; pragmas are matched to findings, then
 * judged. */
#include "policy/suppress.h"
#include "util/cleanup.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct pragma
{
  enum brig_suppress_kind kind;
  const char *tool; /* static */
  struct brig_loc loc;
  char *text;   /* as written, for messages */
  char **ids;   /* the names it gives */
  char *reason; /* NULL when none */
  char until[11];
  char *bad_until; /* the until= word, when it is not a date */
  bool expired;
  bool used; /* it names a finding's rule */
};

struct pragmas
{
  struct pragma *v;
  size_t n;
};

static void
pragmas_release (struct pragmas *ps)
{
  for (size_t i = 0; i < ps->n; i++)
    {
      free (ps->v[i].text);
      strv_free (ps->v[i].ids);
      free (ps->v[i].reason);
      free (ps->v[i].bad_until);
    }
  free (ps->v);
  memset (ps, 0, sizeof *ps);
}

static struct pragma *
pragmas_add (struct pragmas *ps)
{
  ps->v = xreallocarray (ps->v, ps->n + 1, sizeof *ps->v);
  memset (&ps->v[ps->n], 0, sizeof *ps->v);
  return &ps->v[ps->n++];
}

bool
brig_suppress_rule (const struct brig_audit_rule *r)
{
  return strncmp (r->id, "BRIG-S", 6) == 0;
}

brig_date
brig_date_parse (const char *s, size_t len)
{
  static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int y, m, d;

  if (len != 10 || s[4] != '-' || s[7] != '-')
    return -1;
  for (size_t i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !isdigit ((unsigned char)s[i]))
      return -1;
  y = atoi (s);
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
    return -1;
  if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    return -1;
  return y * 10000 + m * 100 + d;
}

/* trivy's ids: KSV-0017, KSV017, AVD-KSV-0017 and ksv-17 are one. */
static void
trivy_canon (const char *id, char *buf, size_t size)
{
  size_t letters, digits;
  const char *num;

  if (strncasecmp (id, "AVD-", 4) == 0)
    id += 4;
  for (letters = 0; isalpha ((unsigned char)id[letters]); letters++)
    ;
  num = id + letters + (id[letters] == '-');
  digits = strspn (num, "0123456789");
  if (letters && digits && num[digits] == '\0')
    {
      while (*num == '0' && num[1])
        num++;
      snprintf (buf, size, "%.*s-%s", (int)letters, id, num);
    }
  else
    snprintf (buf, size, "%s", id);
  for (char *c = buf; *c; c++)
    *c = (char)toupper ((unsigned char)*c);
}

static bool
same_id (const char *tool, const char *a, const char *b)
{
  char x[64], y[64];

  if (strcmp (tool, "trivy") != 0)
    return strcasecmp (a, b) == 0;
  trivy_canon (a, x, sizeof x);
  trivy_canon (b, y, sizeof y);
  return strcmp (x, y) == 0;
}

/* Does R's same_as have ID of TOOL (of any tool, in brig's syntax)? */
static bool
same_as (const char *tool, const char *id, const struct brig_audit_rule *r)
{
  bool own = strcmp (tool, "brig") == 0;

  for (const char *const *s = r->same_as; s && *s; s++)
    {
      const char *colon = strchr (*s, ':');
      size_t tl = colon ? (size_t)(colon - *s) : 0;
      if (colon == NULL)
        continue;
      if (own)
        {
          _cleanup_free_ char *t = xstrndup (*s, tl);
          if (same_id (t, colon + 1, id))
            return true;
        }
      else if (strlen (tool) == tl && strncmp (*s, tool, tl) == 0 && same_id (tool, colon + 1, id))
        return true;
    }
  return false;
}

bool
brig_suppress_names (const char *tool, const char *id, const struct brig_audit_rule *r)
{
  size_t n;
  const struct brig_audit_rule *rules;

  if (strcmp (tool, "brig") == 0 && strcasecmp (id, r->id) == 0)
    return true;
  if (same_as (tool, id, r))
    return true;
  /* A rule that replaces another at its level (capabilities_restricted
   * for capabilities_baseline) answers to the ids of the one it replaces,
   * brig's own included. */
  if (r->overrides == NULL)
    return false;
  rules = brig_audit_rules (&n);
  for (size_t i = 0; i < n; i++)
    if (rules[i].control && strcmp (rules[i].control, r->overrides) == 0
        && ((strcmp (tool, "brig") == 0 && strcasecmp (id, rules[i].id) == 0)
            || same_as (tool, id, &rules[i])))
      return true;
  return false;
}

/* Does brig know ID, as one of its rules or a rule's same_as? */
static bool
known_id (const char *id)
{
  const struct brig_audit_rule *r;

  for (size_t i = 0; (r = brig_audit_rule_nth (i)); i++)
    if (!brig_suppress_rule (r) && brig_suppress_names ("brig", id, r))
      return true;
  return false;
}

static bool
is_id_char (char c)
{
  return isalnum ((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '/';
}

static bool
is_sep (char c)
{
  return c == ' ' || c == '\t' || c == ';' || c == ',';
}

/* The until date D (DL bytes) of P, as written in WORD (WL bytes, for
 * the message when D is not a date). */
static void
set_until (struct pragma *p, const char *word, size_t wl, const char *d, size_t dl, brig_date today)
{
  brig_date until = brig_date_parse (d, dl);

  if (until < 0)
    {
      free (p->bad_until);
      p->bad_until = xstrndup (word, wl);
      return;
    }
  memcpy (p->until, d, 10);
  p->until[10] = '\0';
  p->expired = today > until;
}

/* The reason in S..E: without an until= word (which sets P's date), and
 * trimmed of blanks and separators. */
static void
take_reason (struct pragma *p, const char *s, const char *e, brig_date today)
{
  _cleanup_free_ char *r = xstrndup (s, (size_t)(e - s));
  char *u = NULL, *b, *end;

  for (char *c = r; (c = strstr (c, "until=")); c++)
    if (c == r || is_sep (c[-1]))
      {
        u = c;
        break;
      }
  if (u)
    {
      const char *d = u + 6;
      size_t dl = strcspn (d, " \t;,");
      set_until (p, u, 6 + dl, d, dl, today);
      memmove (u, d + dl, strlen (d + dl) + 1);
    }
  for (b = r; *b && (strchr (" \t;,:=", *b) || *b == '-'); b++)
    ;
  end = b + strlen (b);
  while (end > b && strchr (" \t;,:=-", end[-1]))
    end--;
  *end = '\0';
  p->reason = *b ? xstrdup (b) : NULL;
}

/* "ID[,ID...][:|=] REASON" from S to E: brig's own, checkov's, hadolint's. */
static void
parse_ids_reason (struct pragma *p, const char *s, const char *e, brig_date today)
{
  for (;;)
    {
      const char *id = s;
      while (s < e && is_id_char (*s))
        s++;
      if (s == id)
        break;
      strv_push (&p->ids, xstrndup (id, (size_t)(s - id)));
      if (s < e && *s == ',')
        {
          s++;
          while (s < e && (*s == ' ' || *s == '\t'))
            s++;
          continue;
        }
      break;
    }
  take_reason (p, s, e, today);
}

/* "ID[:exp:YYYY-MM-DD][:...] REASON": trivy's. */
static void
parse_trivy (struct pragma *p, const char *s, const char *e, brig_date today)
{
  const char *id = s, *rest;

  while (s < e && *s != ':' && *s != '[' && *s != ' ' && *s != '\t')
    s++;
  if (s > id)
    strv_push (&p->ids, xstrndup (id, (size_t)(s - id)));
  rest = s;
  while (rest < e && *rest != ' ' && *rest != '\t')
    rest++;
  /* The :exp: part, within the word. */
  for (const char *x = s; x + 5 <= rest; x++)
    if (strncmp (x, ":exp:", 5) == 0)
      {
        const char *d = x + 5;
        size_t dl = strcspn (d, ": \t[");
        if (d + dl > rest)
          dl = (size_t)(rest - d);
        set_until (p, x + 1, 4 + dl, d, dl, today);
        break;
      }
  take_reason (p, rest, e, today);
}

/* At most MAX of the LEN bytes at S, not cutting a character in two. */
static size_t
utf8_cut (const char *s, size_t len, size_t max)
{
  if (len <= max)
    return len;
  while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
    max--;
  return max;
}

/* --- comments -------------------------------------------------------------- */

static const struct
{
  const char *token;
  const char *tool;
  bool trivy;
} comment_syntax[] = {
  { "brig:ignore=", "brig", false },         { "checkov:skip=", "checkov", false },
  { "bridgecrew:skip=", "checkov", false },  { "trivy:ignore:", "trivy", true },
  { "hadolint ignore=", "hadolint", false },
};

/* A line that has a comment: where its pragmas are. */
struct cline
{
  int line;
  bool only; /* nothing but the comment on it */
  size_t first, n;
};

/* Columns count characters, as the YAML reader's do. */
static int
column (const char *line, const char *p)
{
  int c = 1;
  for (; line < p; line++)
    if (((unsigned char)*line & 0xc0) != 0x80)
      c++;
  return c;
}

/* Where the comment of the line S..E starts, or NULL: a # at the start or
 * after a blank, outside quoted scalars. */
static const char *
comment_start (const char *s, const char *e)
{
  char quote = 0, last = 0; /* last: the last non-blank character */

  for (const char *p = s; p < e; p++)
    {
      char c = *p;
      if (quote == '"')
        {
          if (c == '\\' && p + 1 < e)
            p++;
          else if (c == '"')
            quote = 0;
          continue;
        }
      if (quote == '\'')
        {
          if (c == '\'' && p + 1 < e && p[1] == '\'')
            p++;
          else if (c == '\'')
            quote = 0;
          continue;
        }
      if (c == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t'))
        return p;
      if ((c == '"' || c == '\'') && (last == 0 || strchr (":-[{,?", last))
          && (p == s || strchr (" \t[{,", p[-1])))
        quote = c;
      if (c != ' ' && c != '\t')
        last = c;
    }
  return NULL;
}

/* May a pragma's token start at P, in the comment that starts at S: at S,
 * or after #, a space or a tab? */
static inline bool
token_boundary (const char *s, const char *p)
{
  return p == s || p[-1] == '#' || p[-1] == ' ' || p[-1] == '\t';
}

/* The pragma token at P (before E), its index in comment_syntax, or -1. */
static int
token_at (const char *p, const char *e)
{
  for (size_t k = 0; k < ARRAY_SIZE (comment_syntax); k++)
    {
      const char *t = comment_syntax[k].token;
      size_t tl;

      if (*p != *t)
        continue;
      tl = strlen (t);
      if ((size_t)(e - p) >= tl && memcmp (p, t, tl) == 0)
        return (int)k;
    }
  return -1;
}

static void
scan_comment (const char *line, const char *s, const char *e, int lineno, brig_date today,
              struct pragmas *ps)
{
  for (const char *p = s; p < e; p++)
    {
      /* The cheap test first: this runs at every character of every comment. */
      int k = token_boundary (s, p) ? token_at (p, e) : -1;
      size_t tl;
      const char *q, *end = e;
      struct pragma *x;

      if (k < 0)
        continue;
      tl = strlen (comment_syntax[k].token);
      /* It runs to the next pragma of the comment, or its end. */
      for (q = p + tl; q < e && end == e; q++)
        if (token_boundary (s, q) && token_at (q, e) >= 0)
          {
            end = q;
            while (end > p && (end[-1] == '#' || end[-1] == ' ' || end[-1] == '\t'))
              end--;
          }
      while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
      x = pragmas_add (ps);
      x->kind = BRIG_SUPPRESS_COMMENT;
      x->tool = comment_syntax[k].tool;
      x->loc = (struct brig_loc){ lineno, column (line, p), lineno, column (line, end) };
      x->text = xstrndup (p, utf8_cut (p, (size_t)(end - p), 120));
      if (comment_syntax[k].trivy)
        parse_trivy (x, p + tl, end, today);
      else
        parse_ids_reason (x, p + tl, end, today);
      p = end - 1;
    }
}

/* May BUF have a pragma: a token after a # (on the same line) where
 * scan_comment would take one?  Most files have none, and this look
 * spares them the line-by-line reading of every comment: memchr to each
 * #; a comment without the last byte of any token (: or =) has none;
 * else the first bytes of the tokens. */
static bool
any_token (const char *buf, size_t len)
{
  const char *p = buf, *end = buf + len;
  bool first[256] = { false };
  char last[ARRAY_SIZE (comment_syntax)];
  size_t nlast = 0;

  for (size_t k = 0; k < ARRAY_SIZE (comment_syntax); k++)
    {
      const char *t = comment_syntax[k].token;
      char l = t[strlen (t) - 1];
      first[(unsigned char)t[0]] = true;
      if (memchr (last, l, nlast) == NULL)
        last[nlast++] = l;
    }
  while ((p = memchr (p, '#', (size_t)(end - p))))
    {
      const char *s = ++p, *nl = memchr (p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
      bool maybe = false;

      for (size_t k = 0; k < nlast && !maybe; k++)
        maybe = memchr (s, last[k], (size_t)(e - s)) != NULL;
      for (; maybe && p < e; p++)
        if (first[(unsigned char)*p] && token_boundary (s, p) && token_at (p, end) >= 0)
          return true;
      p = e;
    }
  return false;
}

/* Every line of BUF with a comment, and the pragmas in them. */
static void
scan_lines (const char *buf, size_t len, brig_date today, struct cline **ret, size_t *ret_n,
            struct pragmas *ps)
{
  const char *p = buf, *end = buf + len;
  struct cline *v = NULL;
  size_t n = 0, cap = 0;

  if (!any_token (buf, len))
    p = end; /* no pragma: nothing to read */
  for (int lineno = 1; p < end; lineno++)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p));
      const char *e = nl ? nl : end, *c;

      if (e > p && e[-1] == '\r')
        e--;
      if (memchr (p, '#', (size_t)(e - p)) && (c = comment_start (p, e)))
        {
          const char *b = p;
          if (n == cap)
            {
              cap = cap ? cap * 2 : 64;
              v = xreallocarray (v, cap, sizeof *v);
            }
          while (b < c && (*b == ' ' || *b == '\t'))
            b++;
          v[n] = (struct cline){ lineno, b == c, ps->n, 0 };
          scan_comment (p, c + 1, e, lineno, today, ps);
          v[n].n = ps->n - v[n].first;
          n++;
        }
      if (nl == NULL || lineno == __INT_MAX__ - 1)
        break;
      p = nl + 1;
    }
  *ret = v;
  *ret_n = n;
}

static const struct cline *
cline_find (const struct cline *v, size_t n, int line)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (v[mid].line == line)
        return &v[mid];
      if (v[mid].line < line)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* --- matching and judging ---------------------------------------------------- */

/* Does P silence X?  Marks P used when it names X's rule. */
static bool
try_pragma (struct pragma *p, struct brig_finding *x)
{
  bool named = false;

  for (size_t i = 0; p->ids && p->ids[i] && !named; i++)
    named = brig_suppress_names (p->tool, p->ids[i], x->rule);
  if (!named)
    return false;
  p->used = true;
  if (p->expired || p->bad_until)
    return false;
  x->suppressed = xcalloc (1, sizeof *x->suppressed);
  *x->suppressed = (struct brig_suppression){ p->kind, p->tool, p->loc,
                                              p->reason ? xstrdup (p->reason) : NULL, "" };
  memcpy (x->suppressed->until, p->until, sizeof p->until);
  return true;
}

/* Does one of the pragmas of the comment line C (NULL: none) silence X? */
static bool
try_line (struct pragmas *ps, const struct cline *c, struct brig_finding *x)
{
  for (size_t k = 0; c && k < c->n; k++)
    if (try_pragma (&ps->v[c->first + k], x))
      return true;
  return false;
}

/* Does one of the comment-only lines right above LINE (no other line
 * between) silence X? */
static bool
try_above (struct pragmas *ps, const struct cline *lines, size_t nlines, int line,
           struct brig_finding *x)
{
  for (int l = line - 1; l > 0; l--)
    {
      const struct cline *c = cline_find (lines, nlines, l);
      if (c == NULL || !c->only)
        return false;
      if (try_line (ps, c, x))
        return true;
    }
  return false;
}

static void
judge (const struct pragmas *ps, const char *file, const char *who, struct brig_findings *f)
{
  const struct brig_audit_rule *s001 = brig_audit_rule_find ("BRIG-S001"),
                               *s002 = brig_audit_rule_find ("BRIG-S002"),
                               *s003 = brig_audit_rule_find ("BRIG-S003");

  for (size_t i = 0; i < ps->n; i++)
    {
      const struct pragma *p = &ps->v[i];
      bool own = strcmp (p->tool, "brig") == 0, any_known = p->used;

      if (!own && !p->used)
        continue; /* meant for that tool alone */
      for (size_t k = 0; own && p->ids && p->ids[k]; k++)
        {
          if (known_id (p->ids[k]))
            any_known = true;
          else
            brig_findings_add (f, s003, file, p->loc,
                               "%s`%s`: %s is not a rule brig has (brig audit --list-rules)", who,
                               p->text, p->ids[k]);
        }
      if (own && p->ids == NULL)
        brig_findings_add (f, s003, file, p->loc, "%s`%s` names no rule", who, p->text);
      if (!any_known)
        continue;
      if (p->bad_until)
        brig_findings_add (f, s003, file, p->loc,
                           "%s`%s`: %s is not a date (write until=YYYY-MM-DD): it silences "
                           "nothing",
                           who, p->text, p->bad_until);
      else if (p->expired)
        brig_findings_add (f, s002, file, p->loc,
                           "%s`%s` expired after %s: it silences nothing now", who, p->text,
                           p->until);
      else if (p->reason == NULL)
        brig_findings_add (f, s001, file, p->loc, "%s`%s` gives no reason", who, p->text);
    }
}

void
brig_suppress_comments (const char *buf, size_t len, const char *file, brig_date today,
                        struct brig_findings *f, size_t first)
{
  struct pragmas ps = { 0 };
  _cleanup_free_ struct cline *lines = NULL;
  size_t nlines = 0;

  scan_lines (buf, len, today, &lines, &nlines, &ps);
  if (ps.n == 0)
    {
      pragmas_release (&ps);
      return;
    }
  for (size_t i = first; i < f->n; i++)
    {
      struct brig_finding *x = &f->v[i];

      if (x->suppressed || brig_suppress_rule (x->rule) || x->loc.line <= 0)
        continue;
      /* Its own line, then the comment lines right above it, then those
         above the command it is part of. */
      if (!try_line (&ps, cline_find (lines, nlines, x->loc.line), x)
          && !try_above (&ps, lines, nlines, x->loc.line, x) && x->first_line < x->loc.line)
        try_above (&ps, lines, nlines, x->first_line, x);
    }
  judge (&ps, file, "", f);
  pragmas_release (&ps);
}

/* --- annotations --------------------------------------------------------------- */

static void
read_annotation (const struct brig_wannotation *a, brig_date today, struct pragmas *ps)
{
  static const char kl[] = "ignore-check.kube-linter.io/";
  const char *tool = NULL;
  struct pragma *p;
  const char *v = a->value, *ve = a->value + strlen (a->value);

  if (strcmp (a->key, "brig.dev/ignore") == 0 || str_has_prefix (a->key, "brig.dev/ignore-"))
    tool = "brig";
  else if (str_has_prefix (a->key, "checkov.io/skip")
           || str_has_prefix (a->key, "bridgecrew.io/skip"))
    tool = "checkov";
  else if (str_has_prefix (a->key, kl) && a->key[strlen (kl)])
    tool = "kube-linter";
  if (tool == NULL)
    return;
  p = pragmas_add (ps);
  p->kind = BRIG_SUPPRESS_ANNOTATION;
  p->tool = tool;
  p->loc = a->loc;
  p->text = xasprintf ("%s: %.*s", a->key, (int)utf8_cut (v, (size_t)(ve - v), 100), v);
  if (strcmp (tool, "kube-linter") == 0)
    {
      strv_push (&p->ids, xstrdup (a->key + strlen (kl)));
      take_reason (p, v, ve, today);
    }
  else
    parse_ids_reason (p, v, ve, today);
}

/* Silence F's findings from FIRST on that PS name. */
static void
apply_pragmas (struct pragmas *ps, struct brig_findings *f, size_t first)
{
  for (size_t i = first; i < f->n; i++)
    {
      struct brig_finding *x = &f->v[i];
      if (x->suppressed || brig_suppress_rule (x->rule))
        continue;
      for (size_t k = 0; k < ps->n && !try_pragma (&ps->v[k], x); k++)
        ;
    }
}

void
brig_suppress_annotations (const struct brig_workload *w, brig_date today, struct brig_findings *f,
                           size_t first)
{
  struct pragmas ps = { 0 };
  _cleanup_free_ char *who = NULL;

  for (size_t i = 0; i < w->nobj_annotations; i++)
    read_annotation (&w->obj_annotations[i], today, &ps);
  for (size_t i = 0; i < w->nannotations; i++)
    read_annotation (&w->annotations[i], today, &ps);
  if (ps.n == 0)
    return;
  apply_pragmas (&ps, f, first);
  who = xasprintf ("%s %s: ", w->kind, w->name[0] ? w->name : "(unnamed)");
  judge (&ps, w->file, who, f);
  pragmas_release (&ps);
}

void
brig_suppress_labels (char *const *labels, const char *file, brig_date today,
                      struct brig_findings *f, size_t first)
{
  struct pragmas ps = { 0 };

  for (size_t i = 0; labels && labels[i]; i++)
    {
      const char *eq = strchr (labels[i], '=');
      _cleanup_free_ char *key = xstrndup (labels[i], eq ? (size_t)(eq - labels[i]) : 0);
      struct brig_wannotation a = { key, eq ? eq + 1 : "", { 0, 0, 0, 0 } };
      /* Only brig's own: the other tools' annotations are Kubernetes'. */
      if (eq && (strcmp (key, "brig.dev/ignore") == 0 || str_has_prefix (key, "brig.dev/ignore-")))
        read_annotation (&a, today, &ps);
    }
  if (ps.n == 0)
    return;
  for (size_t i = 0; i < ps.n; i++)
    ps.v[i].kind = BRIG_SUPPRESS_LABEL;
  apply_pragmas (&ps, f, first);
  judge (&ps, file, "label ", f);
  pragmas_release (&ps);
}

const char *
brig_suppress_kind_name (enum brig_suppress_kind k)
{
  static const char *const names[] = {
    [BRIG_SUPPRESS_COMMENT] = "comment",
    [BRIG_SUPPRESS_ANNOTATION] = "annotation",
    [BRIG_SUPPRESS_LABEL] = "label",
  };
  return (size_t)k < ARRAY_SIZE (names) ? names[k] : "suppression";
}
