#include "parse/oci.h"
#include "model/caps.h"
#include "parse/seccomp_json.h"
#include "parse/units.h"
#include "util/cleanup.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>

struct ctx
{
  const char *file;
  struct brig_err *err;
  char *unsupported; /* the first thing brig cannot do yet */
  char **warnings;   /* what the spec says to log and go on with */
};

static void __attribute__ ((format (printf, 2, 3))) warn (struct ctx *x, const char *fmt, ...)
{
  va_list ap;
  char *s;

  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  va_end (ap);
  strv_push (&x->warnings, s);
}

static int
bad (struct ctx *x, const char *path, const char *what)
{
  return brig_error (x->err, 0, "%s: %s: %s", x->file, path, what);
}

/* Something brig cannot do yet: noted, not fatal here, so that the policy
 * gate judges the container first (a privileged config is refused as
 * privileged); the runtime refuses it after the gate. */
static int
unsupported (struct ctx *x, const char *path, const char *what)
{
  if (x->unsupported == NULL)
    x->unsupported = xasprintf ("%s: %s: %s is not supported by brig yet", x->file, path, what);
  return 0;
}

/* Optional string member; *ret untouched when absent. */
static int
get_str (struct ctx *x, json_t *o, const char *key, const char *path, char **ret)
{
  json_t *v = json_object_get (o, key);
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_string (v))
    {
      _cleanup_free_ char *p = xasprintf ("%s.%s", path, key);
      return bad (x, p, "expected a string");
    }
  free (*ret);
  *ret = xstrdup (json_string_value (v));
  return 0;
}

static int
get_strv (struct ctx *x, json_t *v, const char *path, char ***ret)
{
  size_t i;
  json_t *e;

  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_array (v))
    return bad (x, path, "expected an array of strings");
  json_array_foreach (v, i, e)
  {
    if (!json_is_string (e))
      {
        _cleanup_free_ char *p = xasprintf ("%s[%zu]", path, i);
        return bad (x, p, "expected a string");
      }
    strv_push (ret, xstrdup (json_string_value (e)));
  }
  return 0;
}

static int
get_bool (struct ctx *x, json_t *o, const char *key, const char *path, bool *ret)
{
  json_t *v = json_object_get (o, key);
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_boolean (v))
    {
      _cleanup_free_ char *p = xasprintf ("%s.%s", path, key);
      return bad (x, p, "expected true or false");
    }
  *ret = json_is_true (v);
  return 0;
}

/* An integer member in [min, max]; *present says whether it was there. */
static int
get_int (struct ctx *x, json_t *o, const char *key, const char *path, int64_t min, int64_t max,
         int64_t *ret, bool *present)
{
  json_t *v = json_object_get (o, key);
  if (present)
    *present = false;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_integer (v) || json_integer_value (v) < min || json_integer_value (v) > max)
    {
      _cleanup_free_ char *p = xasprintf ("%s.%s", path, key);
      _cleanup_free_ char *w
          = xasprintf ("expected an integer from %lld to %lld", (long long)min, (long long)max);
      return bad (x, p, w);
    }
  *ret = json_integer_value (v);
  if (present)
    *present = true;
  return 0;
}

static int
get_caps (struct ctx *x, json_t *o, const char *key, const char *path, uint64_t *ret)
{
  _cleanup_free_ char *p = xasprintf ("%s.%s", path, key);
  _cleanup_strv_ char **names = NULL;
  int r = get_strv (x, json_object_get (o, key), p, &names);

  *ret = 0;
  if (r < 0)
    return r;
  for (size_t i = 0; names && names[i]; i++)
    {
      int cap = brig_cap_from_name (names[i]);
      /* The spec: a capability that cannot be mapped to the kernel is
       * logged as a warning, not an error.  Leaving it out only takes
       * privilege away. */
      if (cap < 0 || strncmp (names[i], "CAP_", 4) != 0)
        warn (x,
              "%s: %s[%zu]: unknown capability `%s` left out: this kernel knows names such "
              "as CAP_NET_BIND_SERVICE (see capabilities(7))",
              x->file, p, i, names[i]);
      else
        *ret |= UINT64_C (1) << cap;
    }
  return 0;
}

static const struct
{
  const char *name;
  unsigned long set, clear;
} mount_flags[] = {
  { "ro", MS_RDONLY, 0 },
  { "rw", 0, MS_RDONLY },
  { "nosuid", MS_NOSUID, 0 },
  { "suid", 0, MS_NOSUID },
  { "nodev", MS_NODEV, 0 },
  { "dev", 0, MS_NODEV },
  { "noexec", MS_NOEXEC, 0 },
  { "exec", 0, MS_NOEXEC },
  { "noatime", MS_NOATIME, MS_RELATIME | MS_STRICTATIME },
  { "atime", 0, MS_NOATIME },
  { "relatime", MS_RELATIME, MS_NOATIME | MS_STRICTATIME },
  { "norelatime", 0, MS_RELATIME },
  { "strictatime", MS_STRICTATIME, MS_NOATIME | MS_RELATIME },
  { "nostrictatime", 0, MS_STRICTATIME },
  { "nodiratime", MS_NODIRATIME, 0 },
  { "diratime", 0, MS_NODIRATIME },
  { "defaults", 0, 0 },
};

/* Propagation, for bind mounts (the rest of the container's mount
 * namespace is private). */
static const struct
{
  const char *name;
  unsigned long propagation;
  bool rec;
} propagations[] = {
  { "private", MS_PRIVATE, false },       { "rprivate", MS_PRIVATE, true },
  { "slave", MS_SLAVE, false },           { "rslave", MS_SLAVE, true },
  { "shared", MS_SHARED, false },         { "rshared", MS_SHARED, true },
  { "unbindable", MS_UNBINDABLE, false }, { "runbindable", MS_UNBINDABLE, true },
};

static const char *const unsupported_options[] = {
  "remount",
  "mand",
};

/* Flags of the filesystem itself (its superblock), not of one mount: they
 * go, as "async" does, with the filesystem's own options, which a
 * filesystem the container mounts takes in order (fsconfig); a bind mount
 * shares the host's filesystem, so they are refused there. */
static const char *const sb_flags[] = {
  "sync",
  "dirsync",
};

int
brig_oci_mount_options (char *const *options, const char *where, struct brig_mount *m,
                        int *ret_bind, struct brig_err *err)
{
  m->flags = 0;
  *ret_bind = 0;
  for (size_t i = 0; options && options[i]; i++)
    {
      const char *o = options[i];
      size_t k;

      if (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0)
        {
          *ret_bind = 1;
          if (o[0] == 'r')
            m->flags |= MS_REC;
          continue;
        }
      if (strcmp (o, "tmpcopyup") == 0)
        {
          m->copyup = true;
          continue;
        }
      if (strcmp (o, "idmap") == 0 || strcmp (o, "ridmap") == 0)
        {
          m->idmap = true;
          m->idmap_rec = o[0] == 'r';
          continue;
        }
      if (str_has_prefix (o, "idmap=") || str_has_prefix (o, "ridmap="))
        return brig_error (err, 0,
                           "%s: mount option `%s`: ranges in the option are crun's own syntax; "
                           "give `idmap` (or `ridmap`) with the mount's uidMappings and "
                           "gidMappings",
                           where, o);
      for (k = 0; k < ARRAY_SIZE (mount_flags); k++)
        if (strcmp (o, mount_flags[k].name) == 0)
          {
            m->flags = (m->flags | mount_flags[k].set) & ~mount_flags[k].clear;
            break;
          }
      if (k < ARRAY_SIZE (mount_flags))
        continue;
      for (k = 0; k < ARRAY_SIZE (propagations); k++)
        if (strcmp (o, propagations[k].name) == 0)
          {
            m->propagation = propagations[k].propagation;
            m->propagation_rec = propagations[k].rec;
            break;
          }
      if (k < ARRAY_SIZE (propagations))
        continue;
      for (k = 0; k < ARRAY_SIZE (unsupported_options); k++)
        if (strcmp (o, unsupported_options[k]) == 0)
          return brig_error (err, 0, "%s: mount option `%s` is not supported by brig yet", where,
                             o);
      strv_push (&m->data, xstrdup (o));
    }
  return 0;
}

/* "/a//b/" -> "/a/b" in place. */
static void
normalize_path (char *p)
{
  char *w = p;
  for (char *r = p; *r; r++)
    if (!(*r == '/' && w > p && w[-1] == '/'))
      *w++ = *r;
  while (w > p + 1 && w[-1] == '/')
    w--;
  *w = '\0';
}

static int parse_idmaps (struct ctx *x, json_t *maps, const char *path, struct brig_idmap *ret,
                         size_t *ret_n);

/* A mount's own uidMappings and gidMappings: both or neither; they make it
 * idmapped even without the option (which says whether recursively). */
static int
parse_mount_idmaps (struct ctx *x, json_t *m, const char *p, struct brig_mount *mnt)
{
  json_t *u = json_object_get (m, "uidMappings"), *g = json_object_get (m, "gidMappings");
  _cleanup_free_ char *pu = xasprintf ("%s.uidMappings", p);
  _cleanup_free_ char *pg = xasprintf ("%s.gidMappings", p);
  int r;

  if ((u == NULL || json_is_null (u)) && (g == NULL || json_is_null (g)))
    return 0;
  mnt->uidmap = xcalloc (BRIG_MAX_IDMAPS, sizeof *mnt->uidmap);
  mnt->gidmap = xcalloc (BRIG_MAX_IDMAPS, sizeof *mnt->gidmap);
  if ((r = parse_idmaps (x, u, pu, mnt->uidmap, &mnt->nuidmap)) < 0
      || (r = parse_idmaps (x, g, pg, mnt->gidmap, &mnt->ngidmap)) < 0)
    return r;
  if (mnt->nuidmap == 0 || mnt->ngidmap == 0)
    return bad (x, p, "uidMappings and gidMappings go together: give both, each non-empty");
  mnt->idmap = true;
  return 0;
}

static int
parse_mounts (struct ctx *x, json_t *mounts, struct brig_container *c)
{
  size_t i;
  json_t *m;

  if (mounts == NULL || json_is_null (mounts))
    return 0;
  if (!json_is_array (mounts))
    return bad (x, "mounts", "expected an array");
  json_array_foreach (mounts, i, m)
  {
    _cleanup_free_ char *p = xasprintf ("mounts[%zu]", i);
    _cleanup_free_ char *po = xasprintf ("mounts[%zu].options", i);
    _cleanup_free_ char *where = NULL;
    _cleanup_strv_ char **opts = NULL;
    struct brig_mount mnt = { 0 };
    int bind, r;

    if (!json_is_object (m))
      return bad (x, p, "expected an object");
    if ((r = get_str (x, m, "destination", p, &mnt.dest)) < 0
        || (r = get_str (x, m, "type", p, &mnt.type)) < 0
        || (r = get_str (x, m, "source", p, &mnt.source)) < 0
        || (r = get_strv (x, json_object_get (m, "options"), po, &opts)) < 0)
      goto fail;
    if (mnt.dest == NULL || mnt.dest[0] != '/')
      {
        r = bad (x, p, "`destination` must be an absolute path");
        goto fail;
      }
    normalize_path (mnt.dest);
    where = xasprintf ("%s: %s", x->file, p);
    if ((r = brig_oci_mount_options (opts, where, &mnt, &bind, x->err)) < 0
        || (r = parse_mount_idmaps (x, m, p, &mnt)) < 0)
      goto fail;
    if (bind || (mnt.type && strcmp (mnt.type, "bind") == 0))
      {
        free (mnt.type);
        mnt.type = xstrdup ("bind");
        if (mnt.source == NULL || mnt.source[0] != '/')
          {
            r = bad (x, p, "a bind mount needs an absolute `source`");
            goto fail;
          }
        for (size_t k = 0; k < ARRAY_SIZE (sb_flags); k++)
          if (strv_contains (mnt.data, sb_flags[k]))
            {
              _cleanup_free_ char *what = xasprintf (
                  "`%s` is a flag of the whole filesystem, which a bind mount shares with the "
                  "host: brig sets it only on a filesystem the container mounts itself (tmpfs...)",
                  sb_flags[k]);
              r = bad (x, po, what);
              goto fail;
            }
      }
    else if (mnt.type == NULL)
      {
        r = bad (x, p, "`type` is required unless the options say bind or rbind");
        goto fail;
      }
    else if (mnt.idmap)
      {
        r = bad (x, p, "idmap and ridmap are supported on bind mounts only");
        goto fail;
      }
    else if (mnt.propagation != 0 && mnt.propagation != MS_PRIVATE)
      {
        r = bad (x, p, "a propagation other than private is supported on bind mounts only");
        goto fail;
      }
    if (mnt.copyup && strcmp (mnt.type, "tmpfs") != 0)
      {
        r = bad (x, p, "tmpcopyup is for tmpfs mounts only");
        goto fail;
      }
    brig_container_set_mount (c, &mnt);
    continue;
  fail:
    brig_mount_release (&mnt);
    return r;
  }
  return 0;
}

static const struct
{
  const char *name;
  unsigned bit;
} ns_names[] = {
  { "user", BRIG_NS_USER },     { "mount", BRIG_NS_MNT }, { "pid", BRIG_NS_PID },
  { "uts", BRIG_NS_UTS },       { "ipc", BRIG_NS_IPC },   { "network", BRIG_NS_NET },
  { "cgroup", BRIG_NS_CGROUP },
};

static int
parse_namespaces (struct ctx *x, json_t *nss, struct brig_container *c)
{
  size_t i;
  json_t *n;

  c->namespaces = 0;
  if (nss == NULL || json_is_null (nss))
    return 0;
  if (!json_is_array (nss))
    return bad (x, "linux.namespaces", "expected an array");
  json_array_foreach (nss, i, n)
  {
    _cleanup_free_ char *p = xasprintf ("linux.namespaces[%zu]", i);
    _cleanup_free_ char *type = NULL, *path = NULL;
    size_t k;
    int r;

    if (!json_is_object (n))
      return bad (x, p, "expected an object");
    if ((r = get_str (x, n, "type", p, &type)) < 0 || (r = get_str (x, n, "path", p, &path)) < 0)
      return r;
    for (k = 0; type && k < ARRAY_SIZE (ns_names); k++)
      if (strcmp (type, ns_names[k].name) == 0)
        break;
    if (type && strcmp (type, "time") == 0)
      {
        unsupported (x, p, "the time namespace");
        continue;
      }
    if (type == NULL || k == ARRAY_SIZE (ns_names))
      return brig_error (x->err, 0,
                         "%s: %s.type: expected one of pid, network, mount, ipc, uts, user, "
                         "cgroup",
                         x->file, p);
    if (c->namespaces & ns_names[k].bit)
      return bad (x, p, "this namespace type is listed twice");
    c->namespaces |= ns_names[k].bit;
    if (path)
      {
        if (path[0] != '/')
          return bad (x, p, "`path` must be absolute");
        c->ns_path[__builtin_ctz (ns_names[k].bit)] = steal_pointer (&path);
      }
  }
  return 0;
}

static int
parse_idmaps (struct ctx *x, json_t *maps, const char *path, struct brig_idmap *ret, size_t *ret_n)
{
  size_t i;
  json_t *m;

  *ret_n = 0;
  if (maps == NULL || json_is_null (maps))
    return 0;
  if (!json_is_array (maps))
    return bad (x, path, "expected an array");
  if (json_array_size (maps) > BRIG_MAX_IDMAPS)
    return bad (x, path, "at most 16 ranges");
  json_array_foreach (maps, i, m)
  {
    _cleanup_free_ char *p = xasprintf ("%s[%zu]", path, i);
    int64_t in = 0, out = 0, size = 0;
    int r;

    if (!json_is_object (m))
      return bad (x, p, "expected an object");
    if ((r = get_int (x, m, "containerID", p, 0, UINT32_MAX - 1, &in, NULL)) < 0
        || (r = get_int (x, m, "hostID", p, 0, UINT32_MAX - 1, &out, NULL)) < 0
        || (r = get_int (x, m, "size", p, 1, UINT32_MAX, &size, NULL)) < 0)
      return r;
    if (size == 0)
      return bad (x, p, "`size` must be at least 1");
    ret[i] = (struct brig_idmap){ (uint32_t)in, (uint32_t)out, (uint32_t)size };
    (*ret_n)++;
  }
  return 0;
}

static int
parse_rlimits (struct ctx *x, json_t *rls, struct brig_container *c)
{
  size_t i;
  json_t *rl;

  if (rls == NULL || json_is_null (rls))
    return 0;
  if (!json_is_array (rls))
    return bad (x, "process.rlimits", "expected an array");
  json_array_foreach (rls, i, rl)
  {
    _cleanup_free_ char *p = xasprintf ("process.rlimits[%zu]", i);
    _cleanup_free_ char *type = NULL;
    struct brig_rlimit r = { 0 };
    int64_t soft = 0, hard = 0;
    int res;

    if (!json_is_object (rl))
      return bad (x, p, "expected an object");
    if (get_str (x, rl, "type", p, &type) < 0
        || get_int (x, rl, "soft", p, 0, INT64_MAX, &soft, NULL) < 0
        || get_int (x, rl, "hard", p, 0, INT64_MAX, &hard, NULL) < 0)
      return -EINVAL;
    res = type && str_has_prefix (type, "RLIMIT_") ? brig_rlimit_from_name (type + 7) : -1;
    if (res < 0)
      return brig_error (x->err, 0,
                         "%s: %s.type: unknown rlimit `%s`: expected RLIMIT_NOFILE, "
                         "RLIMIT_NPROC, RLIMIT_CORE, ... (see getrlimit(2))",
                         x->file, p, type ? type : "");
    r.resource = res;
    r.soft = (uint64_t)soft;
    r.hard = (uint64_t)hard;
    if (r.soft > r.hard)
      return bad (x, p, "`soft` is above `hard`");
    brig_container_set_rlimit (c, &r);
  }
  return 0;
}

static int
parse_process (struct ctx *x, json_t *proc, struct brig_container *c)
{
  json_t *user, *caps, *args;
  int64_t v;
  bool present;
  int r;

  if (!json_is_object (proc))
    return bad (x, "process", "expected an object (the process to run)");
  args = json_object_get (proc, "args");
  if ((r = get_strv (x, args, "process.args", &c->argv)) < 0)
    return r;
  if (c->argv == NULL || c->argv[0] == NULL)
    return bad (x, "process.args", "at least the program to run is required");
  strv_free (c->env);
  c->env = NULL;
  if ((r = get_strv (x, json_object_get (proc, "env"), "process.env", &c->env)) < 0
      || (r = get_str (x, proc, "cwd", "process", &c->cwd)) < 0
      || (r = get_bool (x, proc, "terminal", "process", &c->terminal)) < 0
      || (r = get_bool (x, proc, "noNewPrivileges", "process", &c->no_new_privs)) < 0
      || (r = get_str (x, proc, "apparmorProfile", "process", &c->apparmor_profile)) < 0
      || (r = get_str (x, proc, "selinuxLabel", "process", &c->selinux_label)) < 0)
    return r;
  if (c->cwd == NULL || c->cwd[0] != '/')
    return bad (x, "process.cwd", "an absolute path is required");
  if ((r = get_int (x, proc, "oomScoreAdj", "process", -1000, 1000, &v, &present)) < 0)
    return r;
  c->has_oom_score_adj = present;
  c->oom_score_adj = (int)v;
  if (json_object_get (proc, "user"))
    {
      int64_t uid = 0, gid = 0, um = -1;
      json_t *groups;
      size_t i;
      json_t *g;

      user = json_object_get (proc, "user");
      if (!json_is_object (user))
        return bad (x, "process.user", "expected an object");
      if (json_object_get (user, "username"))
        unsupported (x, "process.user.username", "a user name (Windows only)");
      if ((r = get_int (x, user, "uid", "process.user", 0, UINT32_MAX - 1, &uid, NULL)) < 0
          || (r = get_int (x, user, "gid", "process.user", 0, UINT32_MAX - 1, &gid, NULL)) < 0
          || (r = get_int (x, user, "umask", "process.user", 0, 0777, &um, &present)) < 0)
        return r;
      c->uid = (uid_t)uid;
      c->gid = (gid_t)gid;
      c->umask = present ? (int)um : -1;
      groups = json_object_get (user, "additionalGids");
      if (groups && !json_is_null (groups) && !json_is_array (groups))
        return bad (x, "process.user.additionalGids", "expected an array of integers");
      json_array_foreach (groups, i, g)
      {
        if (!json_is_integer (g) || json_integer_value (g) < 0
            || json_integer_value (g) > UINT32_MAX - 1)
          {
            _cleanup_free_ char *p = xasprintf ("process.user.additionalGids[%zu]", i);
            return bad (x, p, "expected a group id");
          }
        c->groups = xreallocarray (c->groups, c->ngroups + 1, sizeof (gid_t));
        c->groups[c->ngroups++] = (gid_t)json_integer_value (g);
      }
    }
  caps = json_object_get (proc, "capabilities");
  c->caps = (struct brig_capsets){ 0 };
  if (caps && !json_is_null (caps))
    {
      if (!json_is_object (caps))
        return bad (x, "process.capabilities", "expected an object");
      if ((r = get_caps (x, caps, "bounding", "process.capabilities", &c->caps.bounding)) < 0
          || (r = get_caps (x, caps, "effective", "process.capabilities", &c->caps.effective)) < 0
          || (r = get_caps (x, caps, "permitted", "process.capabilities", &c->caps.permitted)) < 0
          || (r = get_caps (x, caps, "inheritable", "process.capabilities", &c->caps.inheritable))
                 < 0
          || (r = get_caps (x, caps, "ambient", "process.capabilities", &c->caps.ambient)) < 0)
        return r;
    }
  return parse_rlimits (x, json_object_get (proc, "rlimits"), c);
}

static int
parse_resources (struct ctx *x, json_t *res, struct brig_container *c)
{
  json_t *mem, *pids, *cpu, *devs;
  int64_t v;
  bool present;
  int r;

  c->limits = (struct brig_limits){ BRIG_UNLIMITED, BRIG_UNLIMITED, BRIG_UNLIMITED, 0, 0 };
  if (res == NULL || json_is_null (res))
    return 0;
  if (!json_is_object (res))
    return bad (x, "linux.resources", "expected an object");
  mem = json_object_get (res, "memory");
  if (mem && json_is_object (mem))
    {
      if ((r = get_int (x, mem, "limit", "linux.resources.memory", -1, INT64_MAX, &v, &present))
          < 0)
        return r;
      if (present && v > 0)
        c->limits.memory = v;
      if ((r = get_int (x, mem, "swap", "linux.resources.memory", -1, INT64_MAX, &v, &present)) < 0)
        return r;
      if (present && v > 0)
        c->limits.memory_swap = v;
    }
  pids = json_object_get (res, "pids");
  if (pids && json_is_object (pids))
    {
      if ((r = get_int (x, pids, "limit", "linux.resources.pids", -1, INT64_MAX, &v, &present)) < 0)
        return r;
      if (present && v > 0)
        c->limits.pids = v;
    }
  cpu = json_object_get (res, "cpu");
  if (cpu && json_is_object (cpu))
    {
      int64_t quota = 0, period = 0;
      if ((r = get_int (x, cpu, "quota", "linux.resources.cpu", -1, INT64_MAX, &quota, NULL)) < 0
          || (r = get_int (x, cpu, "period", "linux.resources.cpu", 0, 1000000, &period, NULL)) < 0)
        return r;
      if (quota > 0)
        {
          c->limits.cpu_quota = (uint64_t)quota;
          c->limits.cpu_period = period ? (uint64_t)period : 100000;
        }
    }
  devs = json_object_get (res, "devices");
  if (devs && !json_is_null (devs))
    {
      size_t i;
      json_t *d;
      if (!json_is_array (devs))
        return bad (x, "linux.resources.devices", "expected an array");
      json_array_foreach (devs, i, d)
      {
        _cleanup_free_ char *p = xasprintf ("linux.resources.devices[%zu]", i);
        _cleanup_free_ char *type = NULL, *access = NULL;
        struct brig_device_rule rule
            = { json_is_true (json_object_get (d, "allow")), 'a', -1, -1, "rwm" };
        bool have;
        if (!json_is_object (d))
          return bad (x, p, "expected an object");
        if ((r = get_str (x, d, "type", p, &type)) < 0
            || (r = get_str (x, d, "access", p, &access)) < 0
            || (r = get_int (x, d, "major", p, -1, INT32_MAX, &rule.major, &have)) < 0
            || (r = get_int (x, d, "minor", p, -1, INT32_MAX, &rule.minor, &have)) < 0)
          return r;
        if (json_object_get (d, "major") == NULL)
          rule.major = -1;
        if (json_object_get (d, "minor") == NULL)
          rule.minor = -1;
        if (type && (strlen (type) != 1 || !strchr ("acb", type[0])))
          return bad (x, p, "`type` must be a, c or b");
        if (type)
          rule.type = type[0];
        if (access)
          {
            if (strlen (access) > 3 || strspn (access, "rwm") != strlen (access) || !*access)
              return bad (x, p, "`access` must be letters of rwm");
            snprintf (rule.access, sizeof rule.access, "%s", access);
          }
        c->devices = xreallocarray (c->devices, c->ndevices + 1, sizeof *c->devices);
        c->devices[c->ndevices++] = rule;
      }
    }
  return 0;
}

static const char *const hook_kinds[BRIG_HOOK_KINDS] = {
  [BRIG_HOOK_PRESTART] = "prestart",
  [BRIG_HOOK_CREATE_RUNTIME] = "createRuntime",
  [BRIG_HOOK_CREATE_CONTAINER] = "createContainer",
  [BRIG_HOOK_START_CONTAINER] = "startContainer",
  [BRIG_HOOK_POSTSTART] = "poststart",
  [BRIG_HOOK_POSTSTOP] = "poststop",
};

static int
parse_hooks (struct ctx *x, json_t *hooks, struct brig_container *c)
{
  const char *key;
  json_t *v;

  if (hooks == NULL || json_is_null (hooks))
    return 0;
  if (!json_is_object (hooks))
    return bad (x, "hooks", "expected an object");
  json_object_foreach (hooks, key, v)
  {
    _cleanup_free_ char *p = xasprintf ("hooks.%s", key);
    size_t k, i;
    json_t *h;

    for (k = 0; k < BRIG_HOOK_KINDS; k++)
      if (strcmp (key, hook_kinds[k]) == 0)
        break;
    if (k == BRIG_HOOK_KINDS)
      return brig_error (x->err, 0,
                         "%s: %s: unknown hook: expected prestart, createRuntime, "
                         "createContainer, startContainer, poststart or poststop",
                         x->file, p);
    if (!json_is_array (v))
      return bad (x, p, "expected an array of hooks");
    json_array_foreach (v, i, h)
    {
      _cleanup_free_ char *ph = xasprintf ("%s[%zu]", p, i);
      _cleanup_free_ char *pa = xasprintf ("%s.args", ph);
      _cleanup_free_ char *pe = xasprintf ("%s.env", ph);
      struct brig_hook hook = { 0 };
      int64_t timeout = 0;
      int r;

      if (!json_is_object (h))
        return bad (x, ph, "expected an object");
      if ((r = get_str (x, h, "path", ph, &hook.path)) < 0
          || (r = get_strv (x, json_object_get (h, "args"), pa, &hook.args)) < 0
          || (r = get_strv (x, json_object_get (h, "env"), pe, &hook.env)) < 0
          || (r = get_int (x, h, "timeout", ph, 1, 86400, &timeout, NULL)) < 0
          || ((hook.path == NULL || hook.path[0] != '/')
              && (r = bad (x, ph, "`path` must be an absolute path")) < 0))
        {
          free (hook.path);
          strv_free (hook.args);
          strv_free (hook.env);
          return r;
        }
      hook.timeout = (int)timeout;
      c->hooks[k] = xreallocarray (c->hooks[k], c->nhooks[k] + 1, sizeof (struct brig_hook));
      c->hooks[k][c->nhooks[k]++] = hook;
    }
  }
  return 0;
}

/* linux.personality: the spec defines the domains LINUX and LINUX32 and
 * no flags yet. */
static int
parse_personality (struct ctx *x, json_t *p, struct brig_container *c)
{
  json_t *domain, *flags;
  const char *d;

  if (p == NULL || json_is_null (p))
    return 0;
  if (!json_is_object (p))
    return bad (x, "linux.personality", "expected an object with a `domain`");
  domain = json_object_get (p, "domain");
  d = json_is_string (domain) ? json_string_value (domain) : "";
  if (strcmp (d, "LINUX") == 0)
    c->personality = PER_LINUX;
  else if (strcmp (d, "LINUX32") == 0)
    c->personality = PER_LINUX32;
  else
    return bad (x, "linux.personality.domain", "expected \"LINUX\" or \"LINUX32\"");
  flags = json_object_get (p, "flags");
  if (flags && !json_is_null (flags) && !(json_is_array (flags) && json_array_size (flags) == 0))
    return bad (x, "linux.personality.flags",
                "expected an empty array (the runtime spec defines no flags)");
  c->has_personality = true;
  return 0;
}

/* A path of linux.devices: absolute, without `.` or `..` components, not
 * `/` itself.  Normalized in place ("/dev//fuse/" -> "/dev/fuse"). */
static bool
device_path_ok (char *p)
{
  if (p[0] != '/')
    return false;
  normalize_path (p);
  if (strcmp (p, "/") == 0)
    return false;
  for (const char *c = p; c; c = strchr (c + 1, '/'))
    if (strncmp (c, "/./", 3) == 0 || strcmp (c, "/.") == 0 || strncmp (c, "/../", 4) == 0
        || strcmp (c, "/..") == 0)
      return false;
  return true;
}

/* linux.devices: the nodes to make.  Numbers are limited to what mknod(2)
 * takes (12-bit major, 20-bit minor).  fileMode is stat's st_mode as the
 * engines send it: Docker and containerd without the file type bits,
 * Podman with them (020666), which must then be those of `type`; brig
 * keeps the permission bits (0777). */
static int
parse_devices (struct ctx *x, json_t *devs, struct brig_container *c)
{
  size_t i;
  json_t *d;

  if (devs == NULL || json_is_null (devs))
    return 0;
  if (!json_is_array (devs))
    return bad (x, "linux.devices", "expected an array of device objects");
  json_array_foreach (devs, i, d)
  {
    _cleanup_free_ char *p = xasprintf ("linux.devices[%zu]", i);
    _cleanup_free_ char *type = NULL;
    struct brig_device_node n = { .mode = 0666 };
    int64_t major = 0, minor = 0, mode = 0666, uid = 0, gid = 0;
    bool has_major, has_minor;
    int r;

    if (!json_is_object (d))
      return bad (x, p, "expected an object with `path` and `type`");
    if ((r = get_str (x, d, "type", p, &type)) < 0 || (r = get_str (x, d, "path", p, &n.path)) < 0
        || (r = get_int (x, d, "major", p, 0, 4095, &major, &has_major)) < 0
        || (r = get_int (x, d, "minor", p, 0, 1048575, &minor, &has_minor)) < 0
        || (r = get_int (x, d, "fileMode", p, 0, 0177777, &mode, NULL)) < 0
        || (r = get_int (x, d, "uid", p, 0, UINT32_MAX - 1, &uid, NULL)) < 0
        || (r = get_int (x, d, "gid", p, 0, UINT32_MAX - 1, &gid, NULL)) < 0)
      goto fail;
    if (n.path == NULL || !device_path_ok (n.path))
      {
        r = bad (x, p, "`path` must be an absolute path without `.` or `..` (\"/dev/fuse\")");
        goto fail;
      }
    if (type == NULL || strlen (type) != 1 || !strchr ("cubp", type[0]))
      {
        r = bad (x, p, "`type` must be c, u (character), b (block) or p (FIFO)");
        goto fail;
      }
    n.type = type[0];
    if ((mode & S_IFMT) != 0
        && (mode & S_IFMT)
               != (n.type == 'p'   ? S_IFIFO
                   : n.type == 'b' ? S_IFBLK
                                   : S_IFCHR))
      {
        r = bad (x, p, "the file type bits of `fileMode` are not those of `type`");
        goto fail;
      }
    if (n.type != 'p' && (!has_major || !has_minor))
      {
        r = bad (x, p, "`major` and `minor` are required for a c, u or b device");
        goto fail;
      }
    for (size_t k = 0; k < c->nnodes; k++)
      if (strcmp (c->nodes[k].path, n.path) == 0)
        {
          _cleanup_free_ char *w
              = xasprintf ("`%s` is already listed in linux.devices[%zu]", n.path, k);
          r = bad (x, p, w);
          goto fail;
        }
    if (n.type != 'p')
      {
        n.major = major;
        n.minor = minor;
      }
    n.mode = (unsigned)mode & 0777;
    n.uid = (uid_t)uid;
    n.gid = (gid_t)gid;
    c->nodes = xreallocarray (c->nodes, c->nnodes + 1, sizeof *c->nodes);
    c->nodes[c->nnodes++] = n;
    continue;
  fail:
    brig_device_node_release (&n);
    return r;
  }
  return 0;
}

static int
parse_linux (struct ctx *x, json_t *lx, struct brig_container *c)
{
  json_t *sysctl, *seccomp;
  const char *key;
  json_t *v;
  int r;

  c->namespaces = 0;
  c->limits = (struct brig_limits){ BRIG_UNLIMITED, BRIG_UNLIMITED, BRIG_UNLIMITED, 0, 0 };
  if (lx == NULL || json_is_null (lx))
    return 0;
  if (!json_is_object (lx))
    return bad (x, "linux", "expected an object");
  if ((r = parse_namespaces (x, json_object_get (lx, "namespaces"), c)) < 0
      || (r = parse_idmaps (x, json_object_get (lx, "uidMappings"), "linux.uidMappings", c->uidmap,
                            &c->nuidmap))
             < 0
      || (r = parse_idmaps (x, json_object_get (lx, "gidMappings"), "linux.gidMappings", c->gidmap,
                            &c->ngidmap))
             < 0
      || (r = parse_resources (x, json_object_get (lx, "resources"), c)) < 0
      || (r = get_str (x, lx, "cgroupsPath", "linux", &c->cgroups_path)) < 0
      || (r = get_strv (x, json_object_get (lx, "maskedPaths"), "linux.maskedPaths",
                        &c->masked_paths))
             < 0
      || (r = get_strv (x, json_object_get (lx, "readonlyPaths"), "linux.readonlyPaths",
                        &c->readonly_paths))
             < 0)
    return r;
  if ((c->namespaces & BRIG_NS_USER) && (c->nuidmap == 0 || c->ngidmap == 0))
    return bad (x, "linux.uidMappings", "a user namespace needs uid and gid mappings");
  sysctl = json_object_get (lx, "sysctl");
  if (sysctl && !json_is_null (sysctl))
    {
      if (!json_is_object (sysctl))
        return bad (x, "linux.sysctl", "expected an object of strings");
      json_object_foreach (sysctl, key, v)
      {
        if (!json_is_string (v) || strchr (key, '=') || strstr (key, ".."))
          {
            _cleanup_free_ char *p = xasprintf ("linux.sysctl.%s", key);
            return bad (x, p, "expected a string value and a name without `=` or `..`");
          }
        strv_push (&c->sysctl, xasprintf ("%s=%s", key, json_string_value (v)));
      }
    }
  seccomp = json_object_get (lx, "seccomp");
  if (seccomp && !json_is_null (seccomp))
    {
      _cleanup_free_ char *name = xasprintf ("%s: linux.seccomp", x->file);
      if ((r = brig_parse_seccomp_value (seccomp, name, &c->seccomp, x->err)) < 0)
        return r;
    }
  if ((r = parse_devices (x, json_object_get (lx, "devices"), c)) < 0
      || (r = parse_personality (x, json_object_get (lx, "personality"), c)) < 0)
    return r;
  if (json_object_get (lx, "intelRdt"))
    return unsupported (x, "linux.intelRdt", "Intel RDT");
  /* The root is a private clone of the image: nothing of the host's
   * propagates into it, which is what (r)slave promises at most; each bind
   * mount has its own propagation.  Docker sends rslave when a volume is
   * rslave or rshared. */
  v = json_object_get (lx, "rootfsPropagation");
  if (v && !json_is_null (v) && !json_is_string (v))
    return bad (x, "linux.rootfsPropagation", "expected a string");
  if (v && json_is_string (v) && strcmp (json_string_value (v), "private") != 0
      && strcmp (json_string_value (v), "rprivate") != 0
      && strcmp (json_string_value (v), "slave") != 0
      && strcmp (json_string_value (v), "rslave") != 0)
    return unsupported (x, "linux.rootfsPropagation",
                        "a propagation other than private or slave for the root");
  return 0;
}

int
brig_parse_oci_config (const char *buf, size_t len, const char *filename, const char *bundle,
                       struct brig_container **ret, struct brig_err *err)
{
  struct ctx x = { filename, err, NULL, NULL };
  json_error_t jerr;
  json_t *root = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  struct brig_container *c = NULL;
  json_t *rootfs, *version, *ann;
  _cleanup_free_ char *path = NULL;
  int r = -EINVAL;

  if (root == NULL)
    return brig_error (err, 0, "%s:%d:%d: %s", filename, jerr.line, jerr.column, jerr.text);
  if (!json_is_object (root))
    {
      bad (&x, "(top)", "expected a JSON object");
      goto out;
    }
  c = xcalloc (1, sizeof *c);
  c->umask = -1;
  c->readonly_rootfs = false;
  version = json_object_get (root, "ociVersion");
  if (!json_is_string (version) || !str_has_prefix (json_string_value (version), "1."))
    {
      bad (&x, "ociVersion", "expected a version 1.x of the runtime spec");
      goto out;
    }
  rootfs = json_object_get (root, "root");
  if (!json_is_object (rootfs) || get_str (&x, rootfs, "path", "root", &path) < 0 || path == NULL)
    {
      if (!err->msg)
        bad (&x, "root.path", "the root filesystem's path is required");
      goto out;
    }
  c->rootfs = path[0] == '/' ? xstrdup (path) : xasprintf ("%s/%s", bundle, path);
  if (get_bool (&x, rootfs, "readonly", "root", &c->readonly_rootfs) < 0
      || get_str (&x, root, "hostname", "(top)", &c->hostname) < 0
      || parse_process (&x, json_object_get (root, "process"), c) < 0
      || parse_mounts (&x, json_object_get (root, "mounts"), c) < 0
      || parse_linux (&x, json_object_get (root, "linux"), c) < 0
      || parse_hooks (&x, json_object_get (root, "hooks"), c) < 0)
    goto out;
  for (size_t i = 0; i < c->nmounts; i++)
    if (c->mounts[i].idmap && c->mounts[i].uidmap == NULL && !(c->namespaces & BRIG_NS_USER))
      {
        _cleanup_free_ char *p = xasprintf ("mounts (destination %s)", c->mounts[i].dest);
        bad (&x, p, "idmap without uidMappings and gidMappings needs a user namespace");
        goto out;
      }
  ann = json_object_get (root, "annotations");
  if (ann && json_is_object (ann))
    {
      const char *key;
      json_t *v;
      json_object_foreach (ann, key, v) if (json_is_string (v))
          strv_push (&c->annotations, xasprintf ("%s=%s", key, json_string_value (v)));
    }
  c->unsupported = steal_pointer (&x.unsupported);
  c->warnings = steal_pointer (&x.warnings);
  *ret = steal_pointer (&c);
  r = 0;
out:
  free (x.unsupported);
  strv_free (x.warnings);
  brig_container_free (c);
  json_decref (root);
  return r;
}

int
brig_parse_oci_process (const char *buf, size_t len, const char *filename, struct brig_container *c,
                        struct brig_err *err)
{
  struct ctx x = { filename, err, NULL, NULL };
  json_error_t jerr;
  json_t *root = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr);
  int r;

  if (root == NULL)
    return brig_error (err, 0, "%s:%d:%d: %s", filename, jerr.line, jerr.column, jerr.text);
  strv_free (c->argv);
  c->argv = NULL;
  free (c->cwd);
  c->cwd = NULL;
  free (c->groups);
  c->groups = NULL;
  c->ngroups = 0;
  c->nrlimits = 0;
  c->uid = 0;
  c->gid = 0;
  c->no_new_privs = false;
  c->terminal = false;
  r = parse_process (&x, root, c);
  json_decref (root);
  if (r == 0 && x.unsupported)
    r = brig_error (err, 0, "%s", x.unsupported);
  free (x.unsupported);
  for (size_t i = 0; x.warnings && x.warnings[i]; i++)
    strv_push (&c->warnings, x.warnings[i]);
  free (x.warnings);
  return r;
}
