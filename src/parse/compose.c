/* Compose files -> workloads (see compose.h).  Only what the rules read is
 * taken, in every spelling Compose accepts (short and long syntax, v2's
 * mem_limit and v3's deploy.resources); a value of the wrong shape where
 * one is read is an error at its line and column, as `docker compose
 * config` would refuse it.  Merge keys (`<<: *default`) are followed by
 * the YAML reader. */
#include "parse/compose.h"
#include "parse/dockeropts.h"
#include "parse/envfile.h"
#include "util/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_EXTENDS 8

struct ctx
{
  const char *file; /* the file being read, for errors */
  const struct brig_ynode *services;
  const struct brig_compose_loader *loader;
  struct brig_err *err;
  struct brig_workload *w; /* the service being read: it owns interpolated values */
  char *const *env;        /* the loader's */
  size_t *budget;          /* bytes interpolation may still make, for the whole file */
};

/* What interpolating a file's values may make, at most: past it, values
 * are read as written. */
#define INTERPOLATION_BUDGET ((size_t)64 << 20)

/* S interpolated with the .env's variables (as W's own copy when it
 * changed). */
static const char *
interp (struct ctx *x, const char *s)
{
  _cleanup_free_ char *v = x->w && x->budget ? brig_env_interpolate (s, x->env) : NULL;
  size_t n = v ? strlen (v) : 0;

  if (v == NULL || n > *x->budget)
    return s;
  *x->budget -= n;
  return brig_docker_own (x->w, v);
}

static int
bad (struct ctx *x, const struct brig_ynode *n, const char *what, const char *expected)
{
  return brig_error (x->err, 0, "%s:%d:%d: %s: expected %s", x->file, n ? n->line : 0,
                     n ? n->col : 0, what, expected);
}

static bool
is_null (const struct brig_ynode *v)
{
  return v == NULL || (v->kind == BRIG_Y_SCALAR && brig_ystr (v) == NULL);
}

/* A scalar as a value; booleans, plain or quoted, spelled "true"/"false";
 * interpolated, and then a boolean as Compose casts one (yes, on...). */
static struct brig_wval
scalar_val (struct ctx *x, const struct brig_ynode *v, struct brig_loc loc)
{
  static const char *const yes[] = { "true", "yes", "y", "on" }, *const no[]
                                                                 = { "false", "no", "n", "off" };
  int b = brig_ybool (v);
  const char *s = interp (x, v->value);

  if (b < 0 && (strcmp (s, "true") == 0 || strcmp (s, "false") == 0))
    b = s[0] == 't';
  for (size_t i = 0; b < 0 && s != v->value && i < ARRAY_SIZE (yes); i++)
    b = strcasecmp (s, yes[i]) == 0 ? 1 : strcasecmp (s, no[i]) == 0 ? 0 : -1;
  return (struct brig_wval){ b == 1 ? "true" : b == 0 ? "false" : s, loc, true };
}

/* MAP.KEY, a scalar, into *RET (left as it is when KEY is absent). */
static int
get_val (struct ctx *x, const struct brig_ynode *map, const char *key, struct brig_wval *ret)
{
  const struct brig_ynode *v = brig_ymap_get (map, key);

  if (is_null (v))
    return 0;
  if (v->kind != BRIG_Y_SCALAR)
    return bad (x, v, key, "a scalar value");
  *ret = scalar_val (x, v, brig_ykv_loc (map, key));
  return 0;
}

/* Like get_val, but only when *RET is not set yet (mem_limit or
 * deploy.resources.limits.memory...). */
static int
get_first (struct ctx *x, const struct brig_ynode *map, const char *key, struct brig_wval *ret)
{
  struct brig_wval v = { 0 };
  int r = get_val (x, map, key, &v);

  if (r == 0 && v.set && !ret->set)
    *ret = v;
  return r;
}

static const struct brig_ynode *
get_kind (struct ctx *x, const struct brig_ynode *map, const char *key, enum brig_ykind kind,
          int *r)
{
  const struct brig_ynode *v = brig_ymap_get (map, key);

  if (is_null (v))
    return NULL;
  if (v->kind != kind)
    {
      *r = bad (x, v, key, kind == BRIG_Y_MAP ? "a mapping" : "a list");
      return NULL;
    }
  return v;
}

/* MAP.KEY, a list of scalars, appended to L. */
static int
get_strs (struct ctx *x, const struct brig_ynode *map, const char *key, struct brig_wlist *l)
{
  int r = 0;
  const struct brig_ynode *s = get_kind (x, map, key, BRIG_Y_SEQ, &r);

  for (size_t i = 0; s && i < s->n; i++)
    {
      const struct brig_ynode *e = s->items[i];
      if (e->kind != BRIG_Y_SCALAR)
        return bad (x, e, key, "a list of strings");
      if (brig_ystr (e))
        brig_wlist_push (l, (struct brig_wval){ interp (x, e->value), brig_yloc (e), true });
    }
  return r;
}

static void
add_port (struct brig_wdocker *d, struct brig_wport p)
{
  d->ports = xreallocarray (d->ports, d->nports + 1, sizeof *d->ports);
  d->ports[d->nports++] = p;
}

static void
add_mount (struct brig_wdocker *d, struct brig_wmount m)
{
  d->mounts = xreallocarray (d->mounts, d->nmounts + 1, sizeof *d->mounts);
  d->mounts[d->nmounts++] = m;
}

static int
parse_ports (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  int r = 0;
  const struct brig_ynode *ports = get_kind (x, svc, "ports", BRIG_Y_SEQ, &r);

  for (size_t i = 0; ports && i < ports->n && r == 0; i++)
    {
      const struct brig_ynode *e = ports->items[i];
      struct brig_wport p = { .loc = brig_yloc (e) };

      if (e->kind == BRIG_Y_SCALAR && brig_ystr (e))
        brig_docker_port (w, interp (x, e->value), brig_yloc (e), &p);
      else if (e->kind == BRIG_Y_MAP)
        {
          if ((r = get_val (x, e, "target", &p.target)) < 0
              || (r = get_val (x, e, "published", &p.published)) < 0
              || (r = get_val (x, e, "host_ip", &p.host_ip)) < 0
              || (r = get_val (x, e, "protocol", &p.protocol)) < 0)
            return r;
          brig_docker_host_ip (w, &p);
        }
      else
        return bad (x, e, "ports", "a list of ports (\"[HOST_IP:][PORT:]PORT\" or a mapping)");
      add_port (&w->docker, p);
    }
  return r;
}

static int
parse_volumes (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  int r = 0;
  const struct brig_ynode *vols = get_kind (x, svc, "volumes", BRIG_Y_SEQ, &r);

  for (size_t i = 0; vols && i < vols->n && r == 0; i++)
    {
      const struct brig_ynode *e = vols->items[i];
      struct brig_wmount m = { .loc = brig_yloc (e) };

      if (e->kind == BRIG_Y_SCALAR && brig_ystr (e))
        brig_docker_volume (w, interp (x, e->value), brig_yloc (e), &m);
      else if (e->kind == BRIG_Y_MAP)
        {
          struct brig_wval type = { 0 }, ro = { 0 };
          if ((r = get_val (x, e, "type", &type)) < 0
              || (r = get_val (x, e, "source", &m.source)) < 0
              || (r = get_val (x, e, "target", &m.target)) < 0
              || (r = get_val (x, e, "read_only", &ro)) < 0)
            return r;
          m.type = type.set ? type.s : "volume";
          m.read_only = brig_wtrue (&ro);
          {
            const struct brig_ynode *bind = get_kind (x, e, "bind", BRIG_Y_MAP, &r);
            if (r < 0 || (bind && (r = get_val (x, bind, "propagation", &m.propagation)) < 0))
              return r;
          }
          if (m.source.set)
            {
              const char *src = brig_docker_resolve (w, m.source.s);
              if (src)
                m.source.s = src;
            }
        }
      else
        return bad (x, e, "volumes", "a list of volumes (\"SOURCE:TARGET[:MODE]\" or a mapping)");
      add_mount (&w->docker, m);
    }
  return r;
}

/* tmpfs: one path or a list of them. */
static int
parse_tmpfs (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  const struct brig_ynode *t = brig_ymap_get (svc, "tmpfs");

  if (is_null (t))
    return 0;
  if (t->kind == BRIG_Y_SCALAR)
    {
      brig_wlist_push (&w->docker.tmpfs,
                       (struct brig_wval){ interp (x, t->value), brig_yloc (t), true });
      return 0;
    }
  return get_strs (x, svc, "tmpfs", &w->docker.tmpfs);
}

/* devices: "HOST[:CONTAINER[:PERMISSIONS]]" or {source, target, permissions}. */
static int
parse_devices (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  int r = 0;
  const struct brig_ynode *devs = get_kind (x, svc, "devices", BRIG_Y_SEQ, &r);

  for (size_t i = 0; devs && i < devs->n && r == 0; i++)
    {
      const struct brig_ynode *e = devs->items[i];
      if (e->kind == BRIG_Y_SCALAR && brig_ystr (e))
        brig_wlist_push (&w->docker.devices,
                         (struct brig_wval){ interp (x, e->value), brig_yloc (e), true });
      else if (e->kind == BRIG_Y_MAP)
        {
          struct brig_wval src = { 0 };
          if ((r = get_val (x, e, "source", &src)) < 0)
            return r;
          if (src.set)
            brig_wlist_push (&w->docker.devices, (struct brig_wval){ src.s, brig_yloc (e), true });
        }
      else
        return bad (x, e, "devices", "a list of devices");
    }
  return r;
}

static int
parse_security_opt (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  struct brig_wlist opts = { 0 };
  int r = get_strs (x, svc, "security_opt", &opts);

  for (size_t i = 0; i < opts.n; i++)
    brig_docker_security_opt (w, opts.v[i].s, opts.v[i].loc);
  free (opts.v);
  return r;
}

static int
parse_limits (struct ctx *x, struct brig_wdocker *d, const struct brig_ynode *svc)
{
  static const char *const cpu_keys[]
      = { "cpus", "cpu_quota", "cpu_shares", "cpu_count", "cpu_percent", "cpuset" };
  const struct brig_ynode *deploy, *res, *lim;
  int r = 0;

  if ((r = get_first (x, svc, "mem_limit", &d->memory)) < 0
      || (r = get_first (x, svc, "memswap_limit", &d->memory_swap)) < 0
      || (r = get_first (x, svc, "pids_limit", &d->pids_limit)) < 0)
    return r;
  for (size_t i = 0; i < ARRAY_SIZE (cpu_keys); i++)
    if ((r = get_first (x, svc, cpu_keys[i], &d->cpus)) < 0)
      return r;
  if ((deploy = get_kind (x, svc, "deploy", BRIG_Y_MAP, &r))
      && (res = get_kind (x, deploy, "resources", BRIG_Y_MAP, &r))
      && (lim = get_kind (x, res, "limits", BRIG_Y_MAP, &r)))
    {
      if ((r = get_first (x, lim, "memory", &d->memory)) < 0
          || (r = get_first (x, lim, "cpus", &d->cpus)) < 0
          || (r = get_first (x, lim, "pids", &d->pids_limit)) < 0)
        return r;
    }
  return r;
}

/* restart, or deploy.restart_policy as "CONDITION[:MAX_ATTEMPTS]". */
static int
parse_restart (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  const struct brig_ynode *deploy, *pol;
  struct brig_wval cond = { 0 }, max = { 0 };
  int r = 0;

  if ((r = get_val (x, svc, "restart", &w->docker.restart)) < 0 || w->docker.restart.set)
    return r;
  if ((deploy = get_kind (x, svc, "deploy", BRIG_Y_MAP, &r)) == NULL
      || (pol = get_kind (x, deploy, "restart_policy", BRIG_Y_MAP, &r)) == NULL)
    return r;
  if ((r = get_val (x, pol, "condition", &cond)) < 0
      || (r = get_val (x, pol, "max_attempts", &max)) < 0)
    return r;
  {
    _cleanup_free_ char *v
        = xasprintf ("%s%s%s", cond.set ? cond.s : "any", max.set ? ":" : "", max.set ? max.s : "");
    w->docker.restart = (struct brig_wval){ brig_docker_own (w, v),
                                            brig_ykv_loc (deploy, "restart_policy"), true };
  }
  return 0;
}

/* healthcheck: {test: ..., disable: true}; "none" when it is turned off. */
static int
parse_healthcheck (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  int r = 0;
  const struct brig_ynode *hc = get_kind (x, svc, "healthcheck", BRIG_Y_MAP, &r), *test;
  struct brig_wval off = { 0 };
  struct brig_loc loc = brig_ykv_loc (svc, "healthcheck");
  const char *v = "set";

  if (hc == NULL)
    return r;
  if ((r = get_val (x, hc, "disable", &off)) < 0)
    return r;
  test = brig_ymap_get (hc, "test");
  if (test && test->kind == BRIG_Y_SEQ && test->n > 0 && test->items[0]->kind == BRIG_Y_SCALAR)
    test = test->items[0];
  if (brig_wtrue (&off)
      || (test && test->kind == BRIG_Y_SCALAR && brig_ystr (test)
          && strcmp (test->value, "NONE") == 0))
    v = "none";
  w->docker.healthcheck = (struct brig_wval){ v, loc, true };
  return 0;
}

/* ulimits: {NAME: N} or {NAME: {soft: N, hard: M}}, as "NAME=SOFT[:HARD]". */
static int
parse_ulimits (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  int r = 0;
  const struct brig_ynode *u = get_kind (x, svc, "ulimits", BRIG_Y_MAP, &r);

  for (size_t i = 0; u && i < u->n && r == 0; i++)
    {
      const struct brig_ynode *k = u->items[2 * i], *v = u->items[2 * i + 1];
      struct brig_wval soft = { 0 }, hard = { 0 };
      _cleanup_free_ char *s = NULL;

      if (k->kind != BRIG_Y_SCALAR)
        return bad (x, k, "ulimits", "limits named by strings");
      if (v->kind == BRIG_Y_SCALAR && brig_ystr (v))
        s = xasprintf ("%s=%s", k->value, v->value);
      else if (v->kind == BRIG_Y_MAP)
        {
          if ((r = get_val (x, v, "soft", &soft)) < 0 || (r = get_val (x, v, "hard", &hard)) < 0)
            return r;
          s = xasprintf ("%s=%s:%s", k->value, soft.set ? soft.s : "", hard.set ? hard.s : "");
        }
      else
        return bad (x, v, k->value, "a number, or a mapping with soft and hard");
      brig_wlist_push (&w->docker.ulimits,
                       (struct brig_wval){ brig_docker_own (w, s),
                                           { k->line, k->col, v->end_line, v->end_col },
                                           true });
    }
  return r;
}

/* The service's own settings, extends aside. */
static int
parse_own (struct ctx *x, struct brig_workload *w, const struct brig_ynode *svc)
{
  static const struct
  {
    const char *key;
    size_t off;
  } scalars[] = {
    { "image", offsetof (struct brig_wdocker, image) },
    { "user", offsetof (struct brig_wdocker, user) },
    { "privileged", offsetof (struct brig_wdocker, privileged) },
    { "read_only", offsetof (struct brig_wdocker, read_only) },
    { "network_mode", offsetof (struct brig_wdocker, network_mode) },
    { "pid", offsetof (struct brig_wdocker, pid) },
    { "ipc", offsetof (struct brig_wdocker, ipc) },
    { "uts", offsetof (struct brig_wdocker, uts) },
    { "userns_mode", offsetof (struct brig_wdocker, userns_mode) },
    { "cgroup", offsetof (struct brig_wdocker, cgroupns) },
    { "cgroup_parent", offsetof (struct brig_wdocker, cgroup_parent) },
  };
  struct brig_wdocker *d = &w->docker;
  int r = 0;

  d->engine = "compose";
  for (size_t i = 0; i < ARRAY_SIZE (scalars); i++)
    if ((r = get_val (x, svc, scalars[i].key,
                      (struct brig_wval *)(void *)((char *)d + scalars[i].off)))
        < 0)
      return r;
  d->build = !is_null (brig_ymap_get (svc, "build"));
  if ((r = get_strs (x, svc, "cap_add", &d->cap_add)) < 0
      || (r = get_strs (x, svc, "cap_drop", &d->cap_drop)) < 0
      || (r = get_strs (x, svc, "device_cgroup_rules", &d->device_cgroup_rules)) < 0
      || (r = get_strs (x, svc, "profiles", &d->profiles)) < 0
      || (r = parse_security_opt (x, w, svc)) < 0 || (r = parse_ports (x, w, svc)) < 0
      || (r = parse_volumes (x, w, svc)) < 0 || (r = parse_tmpfs (x, w, svc)) < 0
      || (r = parse_devices (x, w, svc)) < 0 || (r = parse_limits (x, d, svc)) < 0
      || (r = parse_restart (x, w, svc)) < 0 || (r = parse_healthcheck (x, w, svc)) < 0
      || (r = parse_ulimits (x, w, svc)) < 0)
    return r;
  return 0;
}

/* The scalar values of D, for merging and relocating. */
static size_t
docker_vals (struct brig_wdocker *d, struct brig_wval **ret)
{
  struct brig_wval *v[] = {
    &d->image,   &d->user,        &d->privileged,    &d->read_only,   &d->network_mode,
    &d->pid,     &d->ipc,         &d->uts,           &d->userns_mode, &d->cgroupns,
    &d->memory,  &d->memory_swap, &d->cpus,          &d->pids_limit,  &d->no_new_privs,
    &d->seccomp, &d->apparmor,    &d->label,         &d->systempaths, &d->publish_all,
    &d->restart, &d->healthcheck, &d->cgroup_parent,
  };
  memcpy (ret, v, sizeof v);
  return ARRAY_SIZE (v);
}

static size_t
docker_lists (struct brig_wdocker *d, struct brig_wlist **ret)
{
  struct brig_wlist *l[]
      = { &d->cap_add, &d->cap_drop, &d->devices, &d->device_cgroup_rules, &d->tmpfs, &d->ulimits };
  memcpy (ret, l, sizeof l);
  return ARRAY_SIZE (l);
}

/* Everything of D now reads as written at LOC (the extends key of a
 * service whose base is in another file). */
static void
relocate (struct brig_wdocker *d, struct brig_loc loc)
{
  struct brig_wval *v[32];
  struct brig_wlist *l[8];
  size_t nv = docker_vals (d, v), nl = docker_lists (d, l);

  for (size_t i = 0; i < nv; i++)
    v[i]->loc = loc;
  for (size_t i = 0; i < nl; i++)
    for (size_t k = 0; k < l[i]->n; k++)
      l[i]->v[k].loc = loc;
  for (size_t i = 0; i < d->nports; i++)
    {
      struct brig_wport *p = &d->ports[i];
      p->loc = p->host_ip.loc = p->published.loc = p->target.loc = p->protocol.loc = loc;
    }
  for (size_t i = 0; i < d->nmounts; i++)
    d->mounts[i].loc = d->mounts[i].source.loc = d->mounts[i].target.loc
        = d->mounts[i].propagation.loc = loc;
}

static void
list_prepend (struct brig_wlist *own, struct brig_wlist *base)
{
  if (base->n == 0)
    return;
  base->v = xreallocarray (base->v, base->n + own->n, sizeof *base->v);
  if (own->n)
    memcpy (base->v + base->n, own->v, own->n * sizeof *own->v);
  base->n += own->n;
  free (own->v);
  *own = *base;
  *base = (struct brig_wlist){ 0 };
}

/* W's own values over BASE's, as Compose merges an extended service:
 * scalars are replaced, lists (ports, cap_add...) add up, a mount of the
 * same target is replaced.  BASE is emptied. */
static void
merge (struct brig_workload *w, struct brig_workload *base)
{
  struct brig_wdocker *d = &w->docker, *b = &base->docker;
  struct brig_wval *dv[32], *bv[32];
  struct brig_wlist *dl[8], *bl[8];
  size_t nv = docker_vals (d, dv), nl = docker_lists (d, dl);

  docker_vals (b, bv);
  docker_lists (b, bl);
  for (size_t i = 0; i < nv; i++)
    if (!dv[i]->set)
      *dv[i] = *bv[i];
  for (size_t i = 0; i < nl; i++)
    list_prepend (dl[i], bl[i]);
  d->build |= b->build;
  for (size_t i = 0; i < b->nports; i++)
    {
      struct brig_wport p = b->ports[i];
      d->ports = xreallocarray (d->ports, d->nports + 1, sizeof *d->ports);
      memmove (d->ports + i + 1, d->ports + i, (d->nports - i) * sizeof *d->ports);
      d->ports[i] = p;
      d->nports++;
    }
  for (size_t i = b->nmounts; i-- > 0;)
    {
      bool replaced = false;
      for (size_t k = 0; k < d->nmounts && !replaced; k++)
        replaced = b->mounts[i].target.set && d->mounts[k].target.set
                   && strcmp (b->mounts[i].target.s, d->mounts[k].target.s) == 0;
      if (replaced)
        continue;
      d->mounts = xreallocarray (d->mounts, d->nmounts + 1, sizeof *d->mounts);
      memmove (d->mounts + 1, d->mounts, d->nmounts * sizeof *d->mounts);
      d->mounts[0] = b->mounts[i];
      d->nmounts++;
    }
  for (size_t i = 0; base->strs && base->strs[i]; i++)
    strv_push (&w->strs, steal_pointer (&base->strs[i]));
  brig_workload_free (base);
}

/* The compose file's top: the first document of Y that is a mapping. */
static const struct brig_ynode *
top_of (const struct brig_yaml *y)
{
  for (size_t i = 0; i < brig_yaml_ndocs (y); i++)
    {
      const struct brig_ynode *d = brig_yaml_doc (y, i);
      if (d && d->kind == BRIG_Y_MAP)
        return d;
    }
  return NULL;
}

static const struct brig_ynode *
services_of (const struct brig_yaml *y)
{
  return brig_ymap_get (top_of (y), "services");
}

static int parse_service (struct ctx *x, const struct brig_ynode *svc, const char *name, int depth,
                          struct brig_workload *w);

/* `extends: NAME` or `extends: {service: NAME, file: PATH}`. */
static int
parse_extends (struct ctx *x, const struct brig_ynode *svc, const char *name, int depth,
               struct brig_workload *w)
{
  const struct brig_ynode *ext = brig_ymap_get (svc, "extends"), *base;
  struct brig_wval service = { 0 }, file = { 0 };
  struct brig_workload b = { 0 };
  struct ctx other = *x;
  int r;

  if (is_null (ext))
    return 0;
  if (ext->kind == BRIG_Y_SCALAR)
    service = scalar_val (x, ext, brig_yloc (ext));
  else if (ext->kind == BRIG_Y_MAP)
    {
      if ((r = get_val (x, ext, "service", &service)) < 0
          || (r = get_val (x, ext, "file", &file)) < 0)
        return r;
    }
  if (!service.set)
    return bad (x, ext, "extends", "a service's name, or a mapping with `service`");
  if (depth >= MAX_EXTENDS)
    return brig_error (x->err, 0,
                       "%s:%d:%d: extends: service \"%s\" extends more than %d deep "
                       "(a cycle?)",
                       x->file, ext->line, ext->col, name, MAX_EXTENDS);
  if (file.set)
    {
      const struct brig_yaml *y = NULL;
      const char *oname = NULL;
      if (x->loader == NULL)
        return brig_error (x->err, 0, "%s:%d:%d: extends: cannot read %s here", x->file, ext->line,
                           ext->col, file.s);
      if ((r = x->loader->load (x->loader->ctx, x->file, file.s, &y, &oname, x->err)) < 0)
        {
          if (r != -ENOENT || x->loader->warn == NULL)
            return brig_err_wrap (x->err, "%s:%d:%d: extends", x->file, ext->line, ext->col);
          brig_err_wrap (x->err, "%s:%d:%d: service \"%s\" is judged without what it extends",
                         x->file, ext->line, ext->col, name);
          x->loader->warn (x->loader->ctx, x->err->msg);
          brig_err_release (x->err);
          return 0;
        }
      other.file = oname;
      other.services = services_of (y);
      if (other.services == NULL || other.services->kind != BRIG_Y_MAP)
        return brig_error (x->err, 0, "%s:%d:%d: extends: %s has no services", x->file, ext->line,
                           ext->col, oname);
    }
  base = brig_ymap_get (other.services, service.s);
  if (base == NULL)
    return brig_error (x->err, 0, "%s:%d:%d: extends: no service \"%s\" in %s", x->file, ext->line,
                       ext->col, service.s, other.file);
  r = parse_service (&other, base, service.s, depth + 1, &b);
  if (r < 0)
    {
      brig_workload_free (&b);
      return r;
    }
  if (file.set)
    {
      relocate (&b.docker, brig_ykv_loc (svc, "extends"));
      w->docker.extends = (struct brig_wval){ file.s, brig_ykv_loc (svc, "extends"), true };
    }
  merge (w, &b);
  return 0;
}

static int
parse_service (struct ctx *x, const struct brig_ynode *svc, const char *name, int depth,
               struct brig_workload *w)
{
  int r;

  if (svc->kind != BRIG_Y_MAP && !is_null (svc))
    return bad (x, svc, name, "a service (a mapping)");
  if (svc->kind != BRIG_Y_MAP)
    return 0;
  x->w = w;
  if ((r = parse_own (x, w, svc)) < 0)
    return r;
  return parse_extends (x, svc, name, depth, w);
}

/* The services by name, for "service:X". */
struct by_name
{
  const char *name;
  size_t index;
};

static int
cmp_name (const void *a, const void *b)
{
  return strcmp (((const struct by_name *)a)->name, ((const struct by_name *)b)->name);
}

static struct brig_wval *
shared_ns (struct brig_workload *w, size_t k)
{
  struct brig_wval *ns[] = { &w->docker.network_mode, &w->docker.pid, &w->docker.ipc };
  return ns[k];
}

/* Is namespace K of service I the host's, directly or through a chain of
 * "service:X" (at most 16 long: a cycle is not the host's)? */
static bool
host_ns (struct brig_workload *w, const struct by_name *names, size_t n, size_t i, size_t k,
         int depth)
{
  const struct brig_wval *v = shared_ns (&w[i], k);
  struct by_name key, *found;

  if (!v->set)
    return false;
  if (strcmp (v->s, "host") == 0 || str_has_suffix (v->s, " -> host"))
    return true;
  if (depth >= 16 || !str_has_prefix (v->s, "service:"))
    return false;
  key.name = v->s + strlen ("service:");
  found = bsearch (&key, names, n, sizeof *names, cmp_name);
  return found && host_ns (w, names, n, found->index, k, depth + 1);
}

/* network_mode, pid, ipc: "service:X" where X's is the host's. */
static void
follow_services (struct brig_workload *w, size_t n)
{
  struct by_name *names = xcalloc (n ? n : 1, sizeof *names);

  for (size_t i = 0; i < n; i++)
    names[i] = (struct by_name){ w[i].name, i };
  qsort (names, n, sizeof *names, cmp_name);
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < 3; k++)
      {
        struct brig_wval *v = shared_ns (&w[i], k);
        if (v->set && str_has_prefix (v->s, "service:") && host_ns (w, names, n, i, k, 0))
          {
            _cleanup_free_ char *s = xasprintf ("%s -> host", v->s);
            v->s = brig_docker_own (&w[i], s);
          }
      }
  free (names);
}

bool
brig_compose_name (const char *name)
{
  static const char *const stems[] = { "compose", "docker-compose" };

  for (size_t i = 0; i < ARRAY_SIZE (stems); i++)
    {
      size_t n = strlen (stems[i]);
      if (strncmp (name, stems[i], n) == 0 && (name[n] == '.')
          && (str_has_suffix (name, ".yaml") || str_has_suffix (name, ".yml")))
        return true;
    }
  return false;
}

bool
brig_compose_detect (const struct brig_yaml *y)
{
  const struct brig_ynode *d = top_of (y), *s = brig_ymap_get (d, "services");

  return s && s->kind == BRIG_Y_MAP
         && !(brig_ystr (brig_ymap_get (d, "apiVersion")) && brig_ystr (brig_ymap_get (d, "kind")));
}

int
brig_parse_compose (const struct brig_yaml *y, const char *file,
                    const struct brig_compose_loader *loader, struct brig_workload **ret,
                    size_t *ret_n, struct brig_err *err)
{
  size_t budget = INTERPOLATION_BUDGET;
  struct ctx x = { file, services_of (y), loader, err, NULL, loader ? loader->env : NULL, &budget };
  struct brig_workload *w = NULL;
  size_t n = 0;
  int r = 0;

  if (x.services && x.services->kind != BRIG_Y_MAP && !is_null (x.services))
    return bad (&x, x.services, "services", "a mapping of services");
  if (is_null (x.services))
    x.services = NULL;
  /* The services' own keys, then those a merge key (`<<: *base`) brings. */
  for (int pass = 0; x.services && pass < 2 && r == 0; pass++)
    {
      const struct brig_ynode *m = x.services, *merged = NULL;
      if (pass == 1)
        {
          for (size_t i = 0; i < m->n && merged == NULL; i++)
            if (m->items[2 * i]->kind == BRIG_Y_SCALAR && m->items[2 * i]->plain
                && strcmp (m->items[2 * i]->value, "<<") == 0)
              merged = m->items[2 * i + 1];
          if (merged == NULL || merged->kind != BRIG_Y_MAP)
            break;
          m = merged;
        }
      for (size_t i = 0; i < m->n && r == 0; i++)
        {
          const struct brig_ynode *k = m->items[2 * i], *v = m->items[2 * i + 1];
          struct brig_workload *o;
          if (k->kind != BRIG_Y_SCALAR)
            {
              r = bad (&x, k, "services", "services named by strings");
              break;
            }
          if (k->plain && strcmp (k->value, "<<") == 0)
            continue;
          if (pass == 1 && brig_ymap_key (x.services, k->value) != k)
            continue; /* defined in `services` itself, which wins */
          w = xreallocarray (w, n + 1, sizeof *w);
          o = &w[n++];
          *o = (struct brig_workload){ .file = file, .kind = "service", .name = k->value };
          o->loc = (struct brig_loc){ k->line, k->col, v->end_line, v->end_col };
          o->spec_loc = brig_yloc (v);
          r = parse_service (&x, v, k->value, 0, o);
        }
    }
  if (r < 0)
    {
      brig_workloads_free (w, n);
      return r;
    }
  follow_services (w, n);
  *ret = w;
  *ret_n = n;
  return 0;
}

/* --- include ------------------------------------------------------------------ */

/* A scalar, or with LIST a list of scalars, interpolated, appended to *V. */
static int
include_strs (struct ctx *x, const struct brig_ynode *n, const char *what, bool list, char ***v)
{
  size_t count = n->kind == BRIG_Y_SEQ ? n->n : 1;

  if (n->kind != BRIG_Y_SCALAR && !(list && n->kind == BRIG_Y_SEQ))
    return bad (x, n, what, list ? "a path or a list of paths" : "a path");
  for (size_t i = 0; i < count; i++)
    {
      const struct brig_ynode *one = n->kind == BRIG_Y_SEQ ? n->items[i] : n;
      char *s;
      if (one->kind != BRIG_Y_SCALAR || brig_ystr (one) == NULL)
        return bad (x, one, what, "a path");
      s = brig_env_interpolate (one->value, x->env);
      strv_push (v, s ? s : xstrdup (one->value));
    }
  return 0;
}

static int
include_entry (struct ctx *x, const struct brig_ynode *e, struct brig_compose_include *inc)
{
  const struct brig_ynode *path, *dir, *env;
  int r;

  inc->loc = brig_yloc (e);
  if (e->kind == BRIG_Y_SCALAR)
    return include_strs (x, e, "include", false, &inc->paths);
  if (e->kind != BRIG_Y_MAP)
    return bad (x, e, "include", "a path or a mapping with `path`");
  path = brig_ymap_get (e, "path");
  if (is_null (path))
    return bad (x, e, "include", "a mapping with `path`");
  if ((r = include_strs (x, path, "path", true, &inc->paths)) < 0)
    return r;
  dir = brig_ymap_get (e, "project_directory");
  if (!is_null (dir))
    {
      char **d = NULL;
      if ((r = include_strs (x, dir, "project_directory", false, &d)) < 0)
        return r;
      inc->project_directory = steal_pointer (&d[0]);
      strv_free (d);
    }
  env = brig_ymap_get (e, "env_file");
  if (!is_null (env) && (r = include_strs (x, env, "env_file", true, &inc->env_files)) < 0)
    return r;
  return 0;
}

int
brig_compose_includes (const struct brig_yaml *y, const char *file, char *const *env,
                       struct brig_compose_include **ret, size_t *ret_n, struct brig_err *err)
{
  struct ctx x = { .file = file, .err = err, .env = env };
  const struct brig_ynode *inc = brig_ymap_get (top_of (y), "include");
  struct brig_compose_include *v = NULL;
  size_t n = 0;
  int r = 0;

  *ret = NULL;
  *ret_n = 0;
  if (is_null (inc))
    return 0;
  if (inc->kind != BRIG_Y_SEQ)
    return bad (&x, inc, "include", "a list of files");
  for (size_t i = 0; i < inc->n && r == 0; i++)
    {
      v = xreallocarray (v, n + 1, sizeof *v);
      v[n] = (struct brig_compose_include){ 0 };
      r = include_entry (&x, inc->items[i], &v[n++]);
    }
  if (r < 0)
    {
      brig_compose_includes_free (v, n);
      return r;
    }
  *ret = v;
  *ret_n = n;
  return 0;
}

void
brig_compose_includes_free (struct brig_compose_include *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      strv_free (v[i].paths);
      free (v[i].project_directory);
      strv_free (v[i].env_files);
    }
  free (v);
}
