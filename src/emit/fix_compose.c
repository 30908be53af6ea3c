/* --fix for compose files: each service gets the settings the container
 * rules ask for (cap_drop, security_opt, read_only and tmpfs, limits, a
 * user, ports on 127.0.0.1, sensitive binds read-only), written into the
 * service's own mapping; what is there and wrong is replaced or removed
 * in place.  Host namespaces, engine sockets, devices and image tags are
 * left: only the author knows what the service needs instead. */
#include "emit/fix.h"
#include "emit/yamledit.h"
#include "parse/compose.h"
#include "util/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct cfix
{
  struct brig_yedit y;
  const struct brig_ynode *doc;
};

static bool
read_only (struct cfix *x, const struct brig_workload *w, const struct brig_ynode *svc)
{
  bool ok = brig_yedit_set (&x->y, svc, "read_only", BRIG_YLIT ("true"));
  if (!brig_wdocker_has_tmpfs (&w->docker, "/tmp"))
    brig_yedit_seq_add (&x->y, svc, "tmpfs", BRIG_YSTR ("/tmp"));
  if (!brig_wdocker_has_tmpfs (&w->docker, "/run"))
    brig_yedit_seq_add (&x->y, svc, "tmpfs", BRIG_YSTR ("/run"));
  return ok;
}

/* mem_limit and pids_limit, or in deploy.resources.limits when the
 * service sets its limits there. */
static bool
limits (struct cfix *x, const struct brig_workload *w, const struct brig_ynode *svc)
{
  const struct brig_ynode *deploy = brig_yedit_get (svc, "deploy", NULL);
  const struct brig_ynode *res = brig_yedit_get (deploy, "resources", NULL);
  bool in_deploy = brig_yedit_get (res, "limits", NULL) != NULL;
  bool ok = true;

  if (!w->docker.memory.set)
    ok &= in_deploy ? brig_yedit_set (&x->y, svc, "deploy.resources.limits.memory",
                                      BRIG_YSTR (BRIG_FIX_MEMORY))
                    : brig_yedit_set (&x->y, svc, "mem_limit", BRIG_YSTR (BRIG_FIX_MEMORY));
  if (!w->docker.pids_limit.set)
    ok &= in_deploy ? brig_yedit_set (&x->y, svc, "deploy.resources.limits.pids",
                                      BRIG_YLIT (BRIG_FIX_PIDS))
                    : brig_yedit_set (&x->y, svc, "pids_limit", BRIG_YLIT (BRIG_FIX_PIDS));
  return ok;
}

/* What is missing from the service. */
static bool
fix_service (struct cfix *x, const struct brig_workload *w, const struct brig_ynode *svc,
             const struct brig_finding *f)
{
  if (brig_fix_is (f, "BRIG-C005"))
    return brig_yedit_seq_add (&x->y, svc, "cap_drop", BRIG_YSTR ("ALL"));
  if (brig_fix_is (f, "BRIG-C007"))
    return brig_yedit_seq_add (&x->y, svc, "security_opt", BRIG_YSTR ("no-new-privileges:true"));
  if (brig_fix_is (f, "BRIG-C008"))
    return read_only (x, w, svc);
  if (brig_fix_is (f, "BRIG-C010"))
    return limits (x, w, svc);
  if (brig_fix_is (f, "BRIG-R001"))
    return brig_yedit_set (&x->y, svc, "user", BRIG_YSTR (BRIG_FIX_USER));
  return false;
}

/* "SRC:DST" -> "SRC:DST:ro"; "SRC:DST:rw,z" -> "SRC:DST:ro,z". */
static char *
volume_ro (const char *v)
{
  const char *c1 = strchr (v, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  _cleanup_free_ char *opts = NULL;
  char *out, *p, *one;

  if (c1 == NULL)
    return NULL;
  if (c2 == NULL)
    return xasprintf ("%s:ro", v);
  opts = xstrdup (c2 + 1);
  out = xasprintf ("%.*s:", (int)(c2 - v), v);
  p = opts;
  bool first = true, ro = false;
  while ((one = strsep (&p, ",")))
    {
      char *old = out;
      if (strcmp (one, "rw") == 0 || strcmp (one, "ro") == 0)
        {
          if (ro)
            continue;
          one = (char *)"ro";
          ro = true;
        }
      out = xasprintf ("%s%s%s", old, first ? "" : ",", one);
      free (old);
      first = false;
    }
  if (!ro)
    {
      char *old = out;
      out = xasprintf ("%s%sro", old, first ? "" : ",");
      free (old);
    }
  return out;
}

/* "8080:80" -> "127.0.0.1:8080:80"; "80" -> "127.0.0.1::80";
 * "0.0.0.0:8080:80" -> "127.0.0.1:8080:80". */
static char *
port_local (const char *p)
{
  size_t colons = 0;

  if (str_has_prefix (p, "0.0.0.0:"))
    return xasprintf ("127.0.0.1:%s", p + 8);
  if (str_has_prefix (p, "[::]:"))
    return xasprintf ("127.0.0.1:%s", p + 5);
  if (strchr (p, '[') != NULL)
    return NULL;
  /* ${PORT:-8080} is one part: its colon does not separate. */
  for (const char *c = p; *c; c++)
    if (c[0] == '$' && c[1] == '{' && strchr (c, '}'))
      c = strchr (c, '}');
    else
      colons += *c == ':';
  if (colons == 0)
    return xasprintf ("127.0.0.1::%s", p);
  if (colons == 1)
    return xasprintf ("127.0.0.1:%s", p);
  return NULL;
}

/* An item of one of the service's lists. */
static bool
fix_item (struct cfix *x, const struct brig_finding *f, const struct brig_ynode *item,
          const struct brig_ynode *svc, const char *key, size_t i)
{
  _cleanup_free_ char *v = NULL;

  if (strcmp (key, "cap_add") == 0
      && (brig_fix_is (f, "BRIG-C001") || brig_fix_is (f, "BRIG-C005")))
    {
      brig_yedit_seq_remove (&x->y, svc, key, i);
      return true;
    }
  if (strcmp (key, "security_opt") == 0)
    {
      if (brig_fix_is (f, "BRIG-C007"))
        {
          brig_yedit_replace (&x->y, item, BRIG_YSTR ("no-new-privileges:true"));
          return true;
        }
      if (brig_fix_is (f, "BRIG-C004") || brig_fix_is (f, "BRIG-C009")
          || brig_fix_is (f, "BRIG-R002"))
        {
          brig_yedit_seq_remove (&x->y, svc, key, i);
          return true;
        }
    }
  if (strcmp (key, "device_cgroup_rules") == 0 && brig_fix_is (f, "BRIG-C012"))
    {
      brig_yedit_seq_remove (&x->y, svc, key, i);
      return true;
    }
  if (strcmp (key, "volumes") == 0 && brig_fix_is (f, "BRIG-R003"))
    {
      if (item->kind == BRIG_Y_MAP)
        return brig_yedit_set (&x->y, item, "read_only", BRIG_YLIT ("true"));
      if (item->kind == BRIG_Y_SCALAR && (v = volume_ro (item->value)))
        {
          brig_yedit_replace (&x->y, item, BRIG_YSTR (v));
          return true;
        }
    }
  if (strcmp (key, "ports") == 0 && brig_fix_is (f, "BRIG-R004"))
    {
      if (item->kind == BRIG_Y_MAP)
        return brig_yedit_set (&x->y, item, "host_ip", BRIG_YSTR ("127.0.0.1"));
      if (item->kind == BRIG_Y_SCALAR && (v = port_local (item->value)))
        {
          /* A bare number or 8080:80 may be plain: the new text is a string. */
          brig_yedit_replace (&x->y, item, BRIG_YSTR (v));
          return true;
        }
    }
  return false;
}

/* A key of the service, set to what the rule does not allow. */
static bool
fix_key (struct cfix *x, const struct brig_workload *w, const struct brig_finding *f,
         const struct brig_ynode *map, size_t i)
{
  const char *key = map->items[2 * i]->value;
  const struct brig_ynode *v = map->items[2 * i + 1];

  if (strcmp (key, "privileged") == 0 && brig_fix_is (f, "BRIG-C001"))
    brig_yedit_replace (&x->y, v, BRIG_YLIT ("false"));
  else if (strcmp (key, "read_only") == 0 && brig_fix_is (f, "BRIG-C008"))
    return read_only (x, w, map);
  else if ((strcmp (key, "userns_mode") == 0 && brig_fix_is (f, "BRIG-C011"))
           || (strcmp (key, "cgroup") == 0 && brig_fix_is (f, "BRIG-C013")))
    brig_yedit_remove (&x->y, map, key);
  else if (strcmp (key, "user") == 0 && brig_fix_is (f, "BRIG-R001"))
    brig_yedit_replace (&x->y, v, BRIG_YSTR (BRIG_FIX_USER));
  else if ((strcmp (key, "mem_limit") == 0 || strcmp (key, "memory") == 0)
           && brig_fix_is (f, "BRIG-C010"))
    brig_yedit_replace (&x->y, v, BRIG_YSTR (BRIG_FIX_MEMORY));
  else if ((strcmp (key, "pids_limit") == 0 || strcmp (key, "pids") == 0)
           && brig_fix_is (f, "BRIG-C010"))
    brig_yedit_replace (&x->y, v, BRIG_YLIT (BRIG_FIX_PIDS));
  else
    return false;
  return true;
}

static bool
fix_finding (struct cfix *x, const struct brig_workload *w, const struct brig_ynode *svc,
             const struct brig_finding *f)
{
  const struct brig_ynode *parent = NULL, *node, *owner = NULL;
  size_t i = 0, k = 0, pi;

  if (f->loc.line == w->loc.line && f->loc.col == w->loc.col && f->loc.end_line == w->loc.end_line
      && f->loc.end_col == w->loc.end_col)
    return fix_service (x, w, svc, f);
  /* An item of a list of the service's. */
  node = brig_yedit_find (svc, f->loc, &parent, &i);
  if (node && parent && parent->kind == BRIG_Y_SEQ
      && brig_yedit_find (svc, brig_yloc (parent), &owner, &k) == parent && owner == svc
      && k % 2 == 1)
    return fix_item (x, f, node, svc, svc->items[k - 1]->value, i);
  /* A key of the service, or of its deploy.resources.limits. */
  {
    const struct brig_ynode *map = brig_yedit_find_pair (svc, f->loc, &pi);
    if (map)
      return fix_key (x, w, f, map, pi);
  }
  return false;
}

/* extends: the services another file defines are not changed here, and
 * the fix of this file does not need them: missing, as far as it knows. */
static int
no_load (void *ctx, const char *from, const char *path, const struct brig_yaml **ret_y,
         const char **ret_name, struct brig_err *err)
{
  (void)ctx;
  (void)from;
  (void)ret_y;
  (void)ret_name;
  return brig_error (err, ENOENT, "%s: not read for --fix", path);
}

static void
no_warn (void *ctx, const char *message)
{
  (void)ctx;
  (void)message;
}

int
brig_fix_compose (struct brig_edits *e, const char *file, const struct brig_finding *f, size_t n,
                  struct brig_err *err)
{
  struct brig_yaml *yaml = NULL;
  struct brig_workload *w = NULL;
  size_t nw = 0;
  int fixed = 0;
  struct cfix x = { 0 };
  struct brig_compose_loader loader = { no_load, no_warn, NULL };

  if (brig_yaml_load (e->buf, e->len, file, &yaml, err) < 0)
    return -1;
  if (brig_parse_compose (yaml, file, &loader, &w, &nw, err) < 0)
    {
      brig_yaml_free (yaml);
      return -1;
    }
  x.doc = brig_yaml_ndocs (yaml) ? brig_yaml_doc (yaml, 0) : NULL;
  if (x.doc)
    {
      brig_yedit_init (&x.y, e, x.doc);
      for (size_t s = 0; s < nw; s++)
        {
          const struct brig_ynode *svc = brig_yedit_find (x.doc, w[s].spec_loc, NULL, NULL);
          /* A service that is an alias (`web: *base`) or comes from a
           * merge key is an anchor others share: left as it is. */
          if (svc == NULL || svc->kind != BRIG_Y_MAP
              || !brig_loc_within (w[s].loc, brig_yloc (svc)))
            continue;
          for (size_t i = 0; i < n; i++)
            if (brig_loc_within (w[s].loc, f[i].loc))
              fixed += fix_finding (&x, &w[s], svc, &f[i]);
        }
      brig_yedit_flush (&x.y);
    }
  brig_workloads_free (w, nw);
  brig_yaml_free (yaml);
  return fixed;
}
