/* .brig.yml (see project.h): read with the located YAML reader, so that
 * every error names its line and column. */
#include "policy/project.h"
#include "parse/yaml.h"
#include "util/cleanup.h"
#include "util/gitignore.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int __attribute__ ((format (printf, 4, 5)))
bad (struct brig_err *err, const char *file, const struct brig_ynode *n, const char *fmt, ...)
{
  _cleanup_free_ char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = xvasprintf (fmt, ap);
  va_end (ap);
  return brig_error (err, 0, "%s:%d:%d: %s", file, n ? n->line : 1, n ? n->col : 1, msg);
}

static const struct
{
  const char *name;
  enum brig_severity sev;
} severities[] = {
  { "low", BRIG_SEV_LOW },
  { "medium", BRIG_SEV_MEDIUM },
  { "high", BRIG_SEV_HIGH },
  { "critical", BRIG_SEV_CRITICAL },
};

static int
parse_rules (const struct brig_ynode *m, const char *file, struct brig_project *p,
             struct brig_err *err)
{
  if (m->kind != BRIG_Y_MAP)
    return bad (err, file, m, "%s: expected a mapping of RULE-ID: setting", "rules");
  p->rules = xcalloc (m->n, sizeof *p->rules);
  for (size_t i = 0; i < m->n; i++)
    {
      const struct brig_ynode *k = m->items[2 * i], *v = m->items[2 * i + 1];
      struct brig_project_rule *s = &p->rules[p->nrules];
      const char *val;

      if (k->kind != BRIG_Y_SCALAR || (s->rule = brig_audit_rule_find (k->value)) == NULL)
        return bad (err, file, k, "rules: %s: not a rule brig has (brig audit --list-rules)",
                    k->kind == BRIG_Y_SCALAR ? k->value : "this key");
      for (size_t j = 0; j < p->nrules; j++)
        if (p->rules[j].rule == s->rule)
          return bad (err, file, k, "rules: %s: given twice", s->rule->id);
      val = v->kind == BRIG_Y_SCALAR ? v->value : "";
      s->loc = (struct brig_loc){ k->line, k->col, v->end_line, v->end_col };
      if (strcmp (val, "off") == 0)
        s->off = true;
      else if (strcmp (val, "on") != 0)
        {
          for (size_t j = 0; j < ARRAY_SIZE (severities) && !s->has_severity; j++)
            if (strcmp (val, severities[j].name) == 0)
              {
                s->has_severity = true;
                s->severity = severities[j].sev;
              }
          if (!s->has_severity)
            return bad (err, file, v, "rules: %s: expected off, on, low, medium, high or critical",
                        s->rule->id);
        }
      p->nrules++;
    }
  return 0;
}

static int
parse_exclude (const struct brig_ynode *s, const char *file, struct brig_project *p,
               struct brig_err *err)
{
  if (s->kind != BRIG_Y_SEQ)
    return bad (err, file, s, "%s: expected a list of glob patterns", "exclude");
  for (size_t i = 0; i < s->n; i++)
    {
      const struct brig_ynode *e = s->items[i];
      _cleanup_free_ char *g = NULL;
      size_t len;
      bool anchored;

      if (e->kind != BRIG_Y_SCALAR || e->value[0] == '\0')
        return bad (err, file, e, "%s: expected a non-empty glob pattern", "exclude");
      g = xstrdup (e->value);
      len = strlen (g);
      while (len > 1 && g[len - 1] == '/')
        g[--len] = '\0';
      anchored = strchr (g, '/') != NULL;
      if (g[0] == '/' && g[1])
        memmove (g, g + 1, len);
      for (const char *seg = g; seg; seg = strchr (seg, '/') ? strchr (seg, '/') + 1 : NULL)
        if (strncmp (seg, "..", 2) == 0 && (seg[2] == '/' || seg[2] == '\0'))
          return bad (err, file, e, "exclude: `%s`: patterns stay inside the project (no ..)",
                      e->value);
      strv_push (&p->exclude, xstrdup (e->value));
      strv_push (&p->globs, anchored ? xstrdup (g) : xasprintf ("**/%s", g));
    }
  return 0;
}

int
brig_project_parse (const char *buf, size_t len, const char *file, struct brig_project *ret,
                    struct brig_err *err)
{
  struct brig_yaml *y = NULL;
  struct brig_project p = { 0 };
  const struct brig_ynode *root;
  int r;

  memset (ret, 0, sizeof *ret);
  if ((r = brig_yaml_load (buf, len, file, &y, err)) < 0)
    return r;
  if (brig_yaml_ndocs (y) > 1)
    {
      r = bad (err, file, brig_yaml_doc (y, 1), "%s", "one YAML document expected, not several");
      goto out;
    }
  root = brig_yaml_doc (y, 0);
  if (root && root->kind == BRIG_Y_SCALAR && brig_ystr (root) == NULL)
    root = NULL; /* an empty document */
  if (root && root->kind != BRIG_Y_MAP)
    {
      r = bad (err, file, root, "%s", "expected a mapping with rules and exclude");
      goto out;
    }
  for (size_t i = 0; root && i < root->n && r == 0; i++)
    {
      const struct brig_ynode *k = root->items[2 * i], *v = root->items[2 * i + 1];
      const char *key = k->kind == BRIG_Y_SCALAR ? k->value : "";

      for (size_t j = 0; j < i && r == 0; j++)
        if (root->items[2 * j]->kind == BRIG_Y_SCALAR
            && strcmp (root->items[2 * j]->value, key) == 0)
          r = bad (err, file, k, "%s: given twice", key);
      if (r < 0)
        break;
      if (strcmp (key, "rules") == 0)
        r = brig_ystr (v) == NULL && v->kind == BRIG_Y_SCALAR ? 0 : parse_rules (v, file, &p, err);
      else if (strcmp (key, "exclude") == 0)
        r = brig_ystr (v) == NULL && v->kind == BRIG_Y_SCALAR ? 0
                                                              : parse_exclude (v, file, &p, err);
      else
        r = bad (err, file, k, "%s: unknown key (expected rules or exclude)",
                 k->kind == BRIG_Y_SCALAR ? key : "this key");
    }
out:
  brig_yaml_free (y);
  if (r < 0)
    {
      brig_project_release (&p);
      return r;
    }
  p.file = xstrdup (file);
  *ret = p;
  return 0;
}

void
brig_project_release (struct brig_project *p)
{
  free (p->file);
  free (p->rules);
  strv_free (p->exclude);
  strv_free (p->globs);
  memset (p, 0, sizeof *p);
}

bool
brig_project_excluded (const struct brig_project *p, const char *path)
{
  _cleanup_free_ char *prefix = NULL;

  if (p->globs == NULL || path[0] == '\0')
    return false;
  prefix = xstrdup (path);
  /* The path, then each directory above it. */
  for (;;)
    {
      char *slash;
      for (size_t i = 0; p->globs[i]; i++)
        if (brig_gitignore_match (p->globs[i], prefix))
          return true;
      slash = strrchr (prefix, '/');
      if (slash == NULL)
        return false;
      *slash = '\0';
    }
}

const struct brig_project_rule *
brig_project_rule (const struct brig_project *p, const struct brig_audit_rule *r)
{
  for (size_t i = 0; i < p->nrules; i++)
    if (p->rules[i].rule == r)
      return &p->rules[i];
  return NULL;
}

void
brig_project_apply (const struct brig_project *p, struct brig_findings *f)
{
  size_t k = 0;

  for (size_t i = 0; i < f->n; i++)
    {
      const struct brig_project_rule *s = brig_project_rule (p, f->v[i].rule);
      if (s && s->off)
        {
          brig_finding_release (&f->v[i]);
          continue;
        }
      if (s && s->has_severity)
        f->v[i].severity = s->severity;
      f->v[k++] = f->v[i];
    }
  f->n = k;
}
