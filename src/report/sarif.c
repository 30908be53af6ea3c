/* brig audit's findings as SARIF 2.1.0 (the OASIS standard that code
 * scanning services read): one run, whose driver's rules are the rule
 * table, whose results are the findings with the region of the offending
 * node, and whose invocation says what could not be read. */
#include "policy/suppress.h"
#include "report/findings.h"
#include "util/cleanup.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#ifndef BRIG_VERSION
#define BRIG_VERSION "0"
#endif
/* Where brig is described: there is no address to name yet, so
 * tool.driver.informationUri (optional in SARIF) is written only when a
 * build defines BRIG_HOMEPAGE. */

static const char *
level_of (enum brig_severity s)
{
  switch (s)
    {
    case BRIG_SEV_CRITICAL:
    case BRIG_SEV_HIGH:
      return "error";
    case BRIG_SEV_MEDIUM:
      return "warning";
    case BRIG_SEV_LOW:
    default:
      return "note";
    }
}

/* The 0-10 scale code scanning services sort security results by. */
static const char *
security_severity (enum brig_severity s)
{
  static const char *const v[] = { "3.0", "5.5", "8.0", "9.5" };
  return v[s <= BRIG_SEV_CRITICAL ? s : 0];
}

/* A string that is not UTF-8 (a file name) with its other bytes as '?'. */
static json_t *
jstr (const char *s)
{
  json_t *j = json_string (s);
  _cleanup_free_ char *c = NULL;

  if (j)
    return j;
  c = xstrdup (s);
  for (unsigned char *p = (unsigned char *)c; *p; p++)
    if (*p >= 0x80)
      *p = '?';
  return json_string (c);
}

static json_t *
text (const char *s)
{
  json_t *o = json_object ();
  json_object_set_new (o, "text", jstr (s));
  return o;
}

/* "privileged container" -> "PrivilegedContainer" */
static char *
rule_name (const char *title)
{
  char *n = xmalloc (strlen (title) + 1), *o = n;
  bool up = true;

  for (const char *p = title; *p; p++)
    {
      char c = *p;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        {
          *o++ = up && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
          up = false;
        }
      else
        up = true;
    }
  *o = '\0';
  return n;
}

/* PATH with the bytes a URI path may not hold percent-encoded. */
static char *
uri_encode (const char *path)
{
  static const char keep[] = "-._~/!$&'()*+,;=@";
  char *u = xmalloc (strlen (path) * 3 + 1), *o = u;

  for (const unsigned char *p = (const unsigned char *)path; *p; p++)
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
        || strchr (keep, *p))
      *o++ = (char)*p;
    else
      o += snprintf (o, 4, "%%%02X", *p);
  *o = '\0';
  return u;
}

/* An absolute PATH without `.`, `..` and repeated `/` (by its text: the
 * names are not looked up). */
static char *
normalise (const char *path)
{
  char *n = xmalloc (strlen (path) + 2);
  size_t len = 0;
  const char *p = path;

  while (*p)
    {
      const char *e;
      size_t l;
      while (*p == '/')
        p++;
      e = strchrnul (p, '/');
      l = (size_t)(e - p);
      if (l == 0 || (l == 1 && p[0] == '.'))
        ;
      else if (l == 2 && p[0] == '.' && p[1] == '.')
        {
          while (len > 0 && n[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
        }
      else
        {
          n[len++] = '/';
          memcpy (n + len, p, l);
          len += l;
        }
      p = e;
    }
  if (len == 0)
    n[len++] = '/';
  n[len] = '\0';
  return n;
}

/* FILE relative to ROOT (%SRCROOT%, the working directory, normalised)
 * when it is below it, else a file: URI; standard input has no URI. */
static json_t *
artifact (const char *file, const char *root)
{
  json_t *a = json_object ();
  _cleanup_free_ char *joined = NULL, *abs = NULL, *uri = NULL;
  const char *rel = NULL;
  size_t rl = root ? strlen (root) : 0;

  if (strcmp (file, "-") == 0)
    {
      json_object_set_new (a, "description", text ("standard input"));
      return a;
    }
  if (root == NULL && file[0] != '/')
    rel = file; /* no working directory known: as given */
  else
    {
      joined = file[0] == '/' ? xstrdup (file) : xasprintf ("%s/%s", root, file);
      abs = normalise (joined);
      if (root && strcmp (root, "/") == 0 && abs[1])
        rel = abs + 1;
      else if (root && strncmp (abs, root, rl) == 0 && abs[rl] == '/' && abs[rl + 1])
        rel = abs + rl + 1;
    }
  if (rel)
    {
      uri = uri_encode (rel);
      json_object_set_new (a, "uri", json_string (uri));
      if (root)
        json_object_set_new (a, "uriBaseId", json_string ("%SRCROOT%"));
    }
  else
    {
      _cleanup_free_ char *enc = uri_encode (abs);
      uri = xasprintf ("file://%s", enc);
      json_object_set_new (a, "uri", json_string (uri));
    }
  return a;
}

static json_t *
region (const struct brig_loc *l)
{
  json_t *r = json_object ();

  json_object_set_new (r, "startLine", json_integer (l->line));
  if (l->col > 0)
    json_object_set_new (r, "startColumn", json_integer (l->col));
  /* A block node ends where the next token starts: at column 1 of the
   * line after it, which is the end of its own last line. */
  if (l->end_line > l->line && l->end_col == 1)
    json_object_set_new (r, "endLine", json_integer (l->end_line - 1));
  else if (l->end_line > l->line || (l->end_line == l->line && l->col > 0 && l->end_col >= l->col))
    {
      json_object_set_new (r, "endLine", json_integer (l->end_line));
      if (l->end_col > 0)
        json_object_set_new (r, "endColumn", json_integer (l->end_col));
    }
  return r;
}

/* A location in FILE, with a region when LOC has a line. */
static json_t *
location (const char *file, const struct brig_loc *loc, const char *root)
{
  json_t *pl = json_object ();

  json_object_set_new (pl, "artifactLocation", artifact (file, root));
  if (loc && loc->line > 0)
    json_object_set_new (pl, "region", region (loc));
  return json_pack ("{s:o}", "physicalLocation", pl);
}

/* The tag that says what a rule judges: a Pod Security Standards level,
 * the Kubernetes rules beyond them (brig_k8s_rules), or Docker's settings
 * (the rest). */
static const char *
family (const struct brig_audit_rule *x)
{
  size_t n;
  const struct brig_audit_rule *k8s = brig_k8s_rules (&n);

  if (x->level != BRIG_PSS_NONE)
    return x->level == BRIG_PSS_BASELINE ? "pod-security-standards/baseline"
                                         : "pod-security-standards/restricted";
  return x >= k8s && x < k8s + n ? "kubernetes" : "docker";
}

static json_t *
rule_json (const struct brig_audit_rule *x)
{
  json_t *tags = json_array (), *same = json_array ();
  _cleanup_free_ char *name = rule_name (x->title);

  if (brig_suppress_rule (x))
    json_array_append_new (tags, json_string ("suppression"));
  else
    {
      json_array_append_new (tags, json_string ("security"));
      json_array_append_new (tags, json_string (x->control));
      json_array_append_new (tags, json_string (family (x)));
    }
  for (const char *const *s = x->same_as; s && *s; s++)
    json_array_append_new (same, json_string (*s));
  return json_pack ("{s:s, s:s, s:o, s:o, s:o, s:{s:s}, s:{s:s, s:s, s:o, s:s, s:o}}", "id", x->id,
                    "name", name, "shortDescription", text (x->title), "fullDescription",
                    text (x->why), "help", text (x->fix), "defaultConfiguration", "level",
                    level_of (x->severity), "properties", "severity",
                    brig_severity_name (x->severity), "security-severity",
                    security_severity (x->severity), "tags", tags, "refs", x->refs, "sameAs", same);
}

/* R's index in the driver's rules: every rule brig audit knows
 * (brig_audit_rule_nth), the container rules included. */
static size_t
rule_index (const struct brig_audit_rule *r)
{
  const struct brig_audit_rule *x;

  for (size_t i = 0; (x = brig_audit_rule_nth (i)); i++)
    if (x == r || strcmp (x->id, r->id) == 0)
      return i;
  return 0;
}

/* An image or a file in one (brig audit --image: NAME@DIGEST[:PATH]): no
 * file of the working tree, so no URI; the name as a logical location. */
static json_t *
image_location (const char *name)
{
  _cleanup_free_ char *what = xasprintf ("image %s", name);
  return json_pack ("{s:{s:{s:o}}, s:[{s:s, s:s}]}", "physicalLocation", "artifactLocation",
                    "description", text (what), "logicalLocations", "fullyQualifiedName", name,
                    "kind", "resource");
}

static json_t *
suppression_json (const char *file, const struct brig_suppression *s, const char *root)
{
  json_t *o = json_pack (
      "{s:s, s:s, s:o, s:{s:s, s:s}}", "kind", "inSource", "status", "accepted", "location",
      s->kind == BRIG_SUPPRESS_LABEL ? image_location (file) : location (file, &s->loc, root),
      "properties", "tool", s->tool, "syntax", brig_suppress_kind_name (s->kind));
  if (s->reason)
    json_object_set_new (o, "justification", jstr (s->reason));
  if (s->until[0])
    json_object_set_new (json_object_get (o, "properties"), "until", json_string (s->until));
  return o;
}

static json_t *
result_json (const struct brig_finding *x, size_t index, const char *root)
{
  /* A fix of the finding's own (in a config.json's words) is not the
   * rule's help: it goes with the message, and in the properties. */
  _cleanup_free_ char *msg = x->fix ? xasprintf ("%s. Fix: %s", x->message, x->fix) : NULL;
  json_t *res = json_pack (
      "{s:s, s:I, s:s, s:o, s:[o], s:{s:s, s:s?}}", "ruleId", x->rule->id, "ruleIndex",
      (json_int_t)index, "level", level_of (x->severity), "message", text (msg ? msg : x->message),
      "locations",
      x->rule->check_scan ? image_location (x->file) : location (x->file, &x->loc, root),
      "properties", "severity", brig_severity_name (x->severity), "fix", x->fix);

  if (x->suppressed)
    json_object_set_new (res, "suppressions",
                         json_pack ("[o]", suppression_json (x->file, x->suppressed, root)));
  return res;
}

/* "FILE:LINE:COL: what" -> LINE, COL and what; else the whole message. */
static json_t *
notification_json (const struct brig_audit_error *e, const char *root)
{
  size_t fl = strlen (e->file);
  const char *m = e->message, *what = m;
  struct brig_loc loc = { 0 };
  int n = 0;

  if (strncmp (m, e->file, fl) == 0 && m[fl] == ':'
      && sscanf (m + fl, ":%d:%d: %n", &loc.line, &loc.col, &n) == 2 && n > 0 && loc.line > 0)
    what = m + fl + n;
  else
    loc = (struct brig_loc){ 0 };
  return json_pack ("{s:s, s:o, s:[o]}", "level", "error", "message", text (what), "locations",
                    location (e->file, &loc, root));
}

void
brig_report_sarif (FILE *f, const struct brig_audit_report *r, const char *cwd)
{
  const struct brig_audit_rule *rule;
  json_t *jrules = json_array (), *results = json_array (), *notes = json_array (),
         *overrides = json_array (), *invocation, *run, *log;
  _cleanup_free_ char *root = cwd ? normalise (cwd) : NULL, *root_uri = NULL;

  for (size_t i = 0; (rule = brig_audit_rule_nth (i)); i++)
    json_array_append_new (jrules, rule_json (rule));
  for (size_t i = 0; i < r->findings.n; i++)
    json_array_append_new (
        results, result_json (&r->findings.v[i], rule_index (r->findings.v[i].rule), root));
  for (size_t i = 0; i < r->nerrors; i++)
    json_array_append_new (notes, notification_json (&r->errors[i], root));
  for (size_t i = 0; r->project && i < r->project->nrules; i++)
    {
      const struct brig_project_rule *s = &r->project->rules[i];
      json_t *conf = json_object ();
      if (s->off)
        json_object_set_new (conf, "enabled", json_false ());
      else if (s->has_severity)
        json_object_set_new (conf, "level", json_string (level_of (s->severity)));
      else
        {
          json_decref (conf);
          continue;
        }
      json_array_append_new (
          overrides, json_pack ("{s:{s:s, s:I}, s:o}", "descriptor", "id", s->rule->id, "index",
                                (json_int_t)rule_index (s->rule), "configuration", conf));
    }
  invocation = json_pack ("{s:b, s:o}", "executionSuccessful", r->nerrors == 0,
                          "toolExecutionNotifications", notes);
  if (json_array_size (overrides))
    json_object_set_new (invocation, "ruleConfigurationOverrides", overrides);
  else
    json_decref (overrides);
  if (r->project && r->project->file)
    json_object_set_new (invocation, "properties",
                         json_pack ("{s:o}", "config", jstr (r->project->file)));
  run = json_pack ("{s:{s:{s:s, s:s, s:s, s:s, s:o}}, s:[o], s:s, s:o}", "tool", "driver", "name",
                   "brig", "fullName", "brig audit", "version", BRIG_VERSION, "semanticVersion",
                   BRIG_VERSION, "rules", jrules, "invocations", invocation, "columnKind",
                   "unicodeCodePoints", "results", results);
#ifdef BRIG_HOMEPAGE
  json_object_set_new (json_object_get (json_object_get (run, "tool"), "driver"), "informationUri",
                       json_string (BRIG_HOMEPAGE));
#endif
  if (root)
    {
      root_uri = uri_encode (root);
      json_object_set_new (run, "originalUriBaseIds",
                           json_pack ("{s:{s:s++}}", "%SRCROOT%", "uri", "file://", root_uri,
                                      strcmp (root, "/") == 0 ? "" : "/"));
    }
  log = json_pack ("{s:s, s:s, s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                   "version", "2.1.0", "runs", run);
  json_dumpf (log, f, JSON_INDENT (2));
  fputc ('\n', f);
  json_decref (log);
}
