/* brig ps's /proc reader (proc.h): find containers, read what holds. */
#include "host/proc.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mem.h"
#include "util/mountinfo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROC_FILE_MAX (4u << 20)
#define CAP_AUDIT_READ_BIT 37

struct minfo_list
{
  char *buf;
  struct brig_mountinfo *v;
  size_t n;
};

static void
minfo_list_release (struct minfo_list *l)
{
  free (l->buf);
  free (l->v);
  memset (l, 0, sizeof *l);
}

static int
minfo_read (const char *path, struct minfo_list *l, struct brig_err *err)
{
  int r = brig_read_file (path, PROC_FILE_MAX, &l->buf, NULL, err);
  if (r < 0)
    return r;
  for (char *p = l->buf, *line; (line = strsep (&p, "\n")) != NULL;)
    {
      struct brig_mountinfo m;
      if (line[0] && brig_mountinfo_parse (line, &m))
        {
          l->v = xreallocarray (l->v, l->n + 1, sizeof *l->v);
          l->v[l->n++] = m;
        }
    }
  return 0;
}

/* --- the host ------------------------------------------------------------ */

static const char *status_value (const char *buf, const char *key);
static uint64_t status_hex (const char *buf, const char *key);

enum cg_ctrl
{
  CG_MEMORY,
  CG_PIDS,
  CG_CPU,
  CG_DEVICES,
  CG_COUNT
};
static const char *const cg_names[CG_COUNT] = { "memory", "pids", "cpu", "devices" };

struct host
{
  const char *proc;
  ino_t ns[BRIG_OBS_NS_COUNT];
  bool ns_known[BRIG_OBS_NS_COUNT];
  int ref_pid;
  struct minfo_list mounts; /* the host's */
  char *v1[CG_COUNT];       /* where each v1 hierarchy is mounted, or NULL */
  char *v2;                 /* the cgroup2 mount, or NULL */
  uint64_t all_caps;        /* every capability the kernel has; 0 unknown */
};

static int
ns_inode (const char *proc, int pid, enum brig_obs_ns ns, ino_t *ret)
{
  char path[128];
  struct stat st;
  snprintf (path, sizeof path, "%s/%d/ns/%s", proc, pid, brig_obs_ns_name (ns));
  if (stat (path, &st) < 0)
    return -errno;
  *ret = st.st_ino;
  return 0;
}

static int
host_init (struct host *h, const char *proc, struct brig_err *err)
{
  char path[128];
  int r;

  h->proc = proc;
  h->ref_pid = 1;
  {
    _cleanup_free_ char *last = NULL;
    struct brig_err ignore = { 0 };
    snprintf (path, sizeof path, "%s/sys/kernel/cap_last_cap", proc);
    if (brig_read_file (path, 64, &last, NULL, &ignore) < 0)
      brig_err_release (&ignore);
    else if (atoi (last) > 0 && atoi (last) < 63)
      h->all_caps = (UINT64_C (1) << (atoi (last) + 1)) - 1;
  }
  if (ns_inode (proc, 1, BRIG_OBS_NS_PID, &h->ns[BRIG_OBS_NS_PID]) < 0)
    h->ref_pid = getpid (); /* /proc/1 hidden: brig's own namespaces stand in */
  for (int i = 0; i < BRIG_OBS_NS_COUNT; i++)
    h->ns_known[i] = ns_inode (proc, h->ref_pid, i, &h->ns[i]) == 0;
  {
    /* A host whose root lacks some capabilities (a VM that keeps
       CAP_SYS_RESOURCE) can give no container more than it holds. */
    _cleanup_free_ char *st = NULL;
    struct brig_err ignore = { 0 };
    snprintf (path, sizeof path, "%s/%d/status", proc, h->ref_pid);
    if (brig_read_file (path, PROC_FILE_MAX, &st, NULL, &ignore) < 0)
      brig_err_release (&ignore);
    else if (status_value (st, "CapBnd:"))
      h->all_caps &= status_hex (st, "CapBnd:");
  }
  snprintf (path, sizeof path, "%s/%d/mountinfo", proc, h->ref_pid);
  r = minfo_read (path, &h->mounts, err);
  if (r < 0 && h->ref_pid == 1)
    {
      brig_err_release (err);
      snprintf (path, sizeof path, "%s/self/mountinfo", proc);
      r = minfo_read (path, &h->mounts, err);
    }
  if (r < 0)
    return brig_err_wrap (err, "the host's mounts");
  for (size_t i = 0; i < h->mounts.n; i++)
    {
      const struct brig_mountinfo *m = &h->mounts.v[i];
      if (strcmp (m->fstype, "cgroup2") == 0 && h->v2 == NULL)
        h->v2 = xstrdup (m->target);
      else if (strcmp (m->fstype, "cgroup") == 0)
        for (int c = 0; c < CG_COUNT; c++)
          if (h->v1[c] == NULL && brig_word_in_list (m->super, cg_names[c]))
            h->v1[c] = xstrdup (m->target);
    }
  return 0;
}

static void
host_release (struct host *h)
{
  minfo_list_release (&h->mounts);
  for (int c = 0; c < CG_COUNT; c++)
    free (h->v1[c]);
  free (h->v2);
}

/* --- cgroup paths ---------------------------------------------------------- */

/* The engine and id a cgroup path names; false when none. */
static bool
cgroup_engine (const char *path, char **ret_engine, char **ret_id)
{
  static const struct
  {
    const char *prefix, *engine;
  } comps[] = {
    { "docker-", "docker" },    { "libpod-", "podman" },   { "cri-containerd-", "containerd" },
    { "crio-", "cri-o" },       { "lxc.payload.", "lxc" }, { "lxc.monitor.", NULL },
    { "libpod-conmon-", NULL },
  };
  static const struct
  {
    const char *dir, *engine;
  } dirs[] = {
    { "docker", "docker" }, { "brig", "brig" }, { "lxc", "lxc" }, { "libpod_parent", "podman" }
  };
  _cleanup_free_ char *copy = xstrdup (path);
  const char *engine = NULL, *id = NULL;
  char *prev = NULL;

  for (char *p = copy, *c; (c = strsep (&p, "/")) != NULL;)
    {
      if (c[0] == '\0')
        continue;
      bool named = false;
      for (size_t i = ARRAY_SIZE (comps); i-- > 0 && !named;)
        if (str_has_prefix (c, comps[i].prefix))
          {
            if (comps[i].engine == NULL)
              return false; /* the engine's monitor, not the container */
            engine = comps[i].engine;
            id = c + strlen (comps[i].prefix);
            named = true;
          }
      for (size_t i = 0; prev && !named && i < ARRAY_SIZE (dirs); i++)
        if (strcmp (prev, dirs[i].dir) == 0)
          {
            engine = dirs[i].engine;
            id = c;
          }
      prev = c;
    }
  if (engine == NULL)
    return false;
  if (strcmp (engine, "podman") == 0 && str_has_prefix (id, "conmon"))
    return false;
  *ret_engine = xstrdup (engine);
  *ret_id = xstrndup (id, str_has_suffix (id, ".scope") ? strlen (id) - 6 : strlen (id));
  return true;
}

/* The path of PID's cgroup in hierarchy CTRL (NULL: the v2 one, "0::"). */
static char *
cgroup_path (const char *buf, const char *ctrl)
{
  _cleanup_free_ char *copy = xstrdup (buf);
  for (char *p = copy, *line; (line = strsep (&p, "\n")) != NULL;)
    {
      char *id = strsep (&line, ":"), *ctrls = strsep (&line, ":");
      if (id == NULL || ctrls == NULL || line == NULL)
        continue;
      if (ctrl == NULL ? strcmp (id, "0") == 0 && ctrls[0] == '\0'
                       : brig_word_in_list (ctrls, ctrl))
        return xstrdup (line);
    }
  return NULL;
}

/* The engine and id any of BUF's hierarchies names. */
static bool
cgroup_buf_engine (const char *buf, char **ret_engine, char **ret_id)
{
  _cleanup_free_ char *copy = xstrdup (buf);
  for (char *p = copy, *line; (line = strsep (&p, "\n")) != NULL;)
    {
      char *path = strrchr (line, ':');
      if (path && cgroup_engine (path + 1, ret_engine, ret_id))
        return true;
    }
  return false;
}

/* A number from a cgroup file: "max" and the v1 "unlimited" are -1. */
static long long
cg_number (const char *dir, const char *rel, const char *file, bool *ret_found)
{
  _cleanup_free_ char *path = xasprintf ("%s%s/%s", dir, rel, file), *buf = NULL;
  struct brig_err err = { 0 };
  long long v;

  if (brig_read_file (path, 4096, &buf, NULL, &err) < 0)
    {
      brig_err_release (&err);
      return -1;
    }
  *ret_found = true;
  if (strncmp (buf, "max", 3) == 0)
    return -1;
  v = strtoll (buf, NULL, 10);
  /* v1 writes "no limit" as the largest page multiple. */
  return v < 0 || v >= (1LL << 60) ? -1 : v;
}

/* v1's devices.list in DIR REL: 1 when it allows every device ("a *:*
 * rwm", --privileged), 0 when it lists some, -1 unread. */
static int
cg_all_devices (const char *dir, const char *rel)
{
  _cleanup_free_ char *path = xasprintf ("%s%s/devices.list", dir, rel), *buf = NULL;
  struct brig_err err = { 0 };

  if (brig_read_file (path, 1 << 20, &buf, NULL, &err) < 0)
    {
      brig_err_release (&err);
      return -1;
    }
  for (char *p = buf, *line; (line = strsep (&p, "\n")) != NULL;)
    if (strcmp (line, "a *:* rwm") == 0)
      return 1;
  return 0;
}

static void
read_limits (const struct host *h, const char *cg, struct brig_observed *o)
{
  _cleanup_free_ char *v2 = cgroup_path (cg, NULL);
  bool found;

  o->mem_limit = o->pids_limit = o->cpu_quota = -1;
  o->cpu_period = 0;
  o->all_devices = -1; /* v2 says it in an eBPF program brig does not read */
  for (int c = 0; c < CG_COUNT; c++)
    {
      _cleanup_free_ char *rel = h->v1[c] ? cgroup_path (cg, cg_names[c]) : NULL;
      found = false;
      if (rel && c == CG_MEMORY)
        o->mem_limit = cg_number (h->v1[c], rel, "memory.limit_in_bytes", &found);
      else if (rel && c == CG_PIDS)
        o->pids_limit = cg_number (h->v1[c], rel, "pids.max", &found);
      else if (rel && c == CG_CPU)
        {
          o->cpu_quota = cg_number (h->v1[c], rel, "cpu.cfs_quota_us", &found);
          o->cpu_period = cg_number (h->v1[c], rel, "cpu.cfs_period_us", &found);
        }
      else if (rel && c == CG_DEVICES)
        o->all_devices = cg_all_devices (h->v1[c], rel);
      if (c == CG_DEVICES || found || h->v2 == NULL || v2 == NULL)
        continue;
      if (c == CG_MEMORY)
        o->mem_limit = cg_number (h->v2, v2, "memory.max", &found);
      else if (c == CG_PIDS)
        o->pids_limit = cg_number (h->v2, v2, "pids.max", &found);
      else
        {
          _cleanup_free_ char *path = xasprintf ("%s%s/cpu.max", h->v2, v2), *buf = NULL;
          struct brig_err err = { 0 };
          long long q, p;
          if (brig_read_file (path, 4096, &buf, NULL, &err) < 0)
            brig_err_release (&err);
          else if (sscanf (buf, "%lld %lld", &q, &p) == 2)
            o->cpu_quota = q, o->cpu_period = p;
          else if (sscanf (buf, "max %lld", &p) == 1)
            o->cpu_period = p;
        }
    }
  if (o->cpu_quota < 0)
    o->cpu_period = 0;
}

/* --- one process --------------------------------------------------------- */

/* The value of KEY ("CapEff:") in a status file, or NULL. */
static const char *
status_value (const char *buf, const char *key)
{
  size_t n = strlen (key);
  for (const char *p = buf; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    if (strncmp (p, key, n) == 0)
      {
        p += n;
        while (*p == ' ' || *p == '\t')
          p++;
        return p;
      }
  return NULL;
}

static long
status_long (const char *buf, const char *key, long dflt)
{
  const char *v = status_value (buf, key);
  return v ? strtol (v, NULL, 10) : dflt;
}

static uint64_t
status_hex (const char *buf, const char *key)
{
  const char *v = status_value (buf, key);
  return v ? strtoull (v, NULL, 16) : 0;
}

/* The host path a mount of the container shows: the host's mount of the
 * same device whose root holds the mount's root; NULL when none. */
static char *
host_path_of (const struct host *h, const struct brig_mountinfo *m)
{
  const struct brig_mountinfo *best = NULL;
  size_t best_len = 0;

  for (size_t i = 0; i < h->mounts.n; i++)
    {
      const struct brig_mountinfo *hm = &h->mounts.v[i];
      size_t l = strlen (hm->root);
      if (strcmp (hm->majmin, m->majmin) != 0)
        continue;
      if (strcmp (hm->root, "/") == 0)
        l = 0;
      else if (strncmp (m->root, hm->root, l) != 0 || (m->root[l] != '/' && m->root[l] != '\0'))
        continue;
      if (best == NULL || l > best_len)
        best = hm, best_len = l;
    }
  if (best == NULL)
    return NULL;
  const char *rest = m->root + best_len;
  if (strcmp (best->target, "/") == 0)
    return xstrdup (rest[0] ? rest : "/");
  return xasprintf ("%s%s", best->target, strcmp (rest, "/") == 0 ? "" : rest);
}

static void
add_mount (struct brig_observed *o, const char *target, char *host_path, const char *what, bool ro)
{
  /* Mounted over an earlier one: only the top one shows. */
  for (size_t i = 0; i < o->nmounts; i++)
    if (strcmp (o->mounts[i].target, target) == 0)
      {
        free (o->mounts[i].target);
        free (o->mounts[i].host_path);
        free (o->mounts[i].what);
        o->mounts[i] = o->mounts[--o->nmounts];
        break;
      }
  o->mounts = xreallocarray (o->mounts, o->nmounts + 1, sizeof *o->mounts);
  o->mounts[o->nmounts++] = (struct brig_obs_mount){ .target = xstrdup (target),
                                                     .host_path = host_path,
                                                     .what = what ? xstrdup (what) : NULL,
                                                     .read_only = ro };
}

static bool
engine_socket (const char *path)
{
  static const char *const names[]
      = { "/docker.sock", "/containerd.sock", "/podman.sock", "/crio.sock" };
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    if (str_has_suffix (path, names[i]))
      return true;
  return false;
}

static void
read_mounts (const struct host *h, int pid, struct brig_observed *o)
{
  char path[128];
  struct minfo_list l = { 0 };
  struct brig_err err = { 0 };
  bool proc_rw = false, proc_sys_ro = false, have_proc = false;

  o->read_only_root = -1;
  snprintf (path, sizeof path, "%s/%d/mountinfo", h->proc, pid);
  if (minfo_read (path, &l, &err) < 0)
    {
      brig_err_release (&err);
      return;
    }
  for (size_t i = 0; i < l.n; i++)
    {
      const struct brig_mountinfo *m = &l.v[i];
      bool ro = brig_word_in_list (m->opts, "ro");
      if (strcmp (m->target, "/") == 0)
        {
          o->read_only_root = ro; /* the last one is on top */
          continue;
        }
      if (strcmp (m->fstype, "proc") == 0 && strcmp (m->target, "/proc") == 0)
        have_proc = true, proc_rw = !ro;
      else if (strcmp (m->target, "/proc/sys") == 0)
        proc_sys_ro = ro;
      else if (strcmp (m->fstype, "sysfs") == 0 && strcmp (m->target, "/sys") == 0 && !ro)
        add_mount (o, m->target, NULL, "/sys writable", false);
      if (strcmp (m->fstype, "proc") == 0 || strcmp (m->fstype, "sysfs") == 0
          || strcmp (m->fstype, "cgroup") == 0 || strcmp (m->fstype, "cgroup2") == 0)
        continue; /* its own cgroup, which the limits say */
      char *hp = host_path_of (h, m);
      struct stat st;
      if (hp == NULL)
        continue;
      /* Device nodes bound in (/dev/null over masked paths, --device) are
         the device rules' business, not a host directory. */
      if (stat (hp, &st) == 0 && (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode)))
        {
          free (hp);
          continue;
        }
      if (strcmp (hp, "/") == 0)
        add_mount (o, m->target, hp, "host /", ro);
      else if (engine_socket (hp) || engine_socket (m->target))
        add_mount (o, m->target, hp, "engine socket", ro);
      else
        add_mount (o, m->target, hp, NULL, ro);
    }
  if (have_proc && proc_rw && !proc_sys_ro)
    add_mount (o, "/proc/sys", NULL, "/proc/sys writable", false);
  minfo_list_release (&l);
}

/* A container whose cgroup names no engine (ctr puts it at
 * /NAMESPACE/ID): its parent says, a containerd shim (-namespace NS -id
 * ID), Podman's conmon or lxc-start. */
static void
engine_from_parent (const struct host *h, int ppid, struct brig_observed *o)
{
  static const struct
  {
    const char *comm, *engine;
  } parents[]
      = { { "containerd-shim", "containerd" }, { "conmon", "podman" }, { "lxc-start", "lxc" } };
  char path[128];
  _cleanup_free_ char *comm = NULL, *cmd = NULL;
  struct brig_err err = { 0 };
  size_t len;

  snprintf (path, sizeof path, "%s/%d/comm", h->proc, ppid);
  if (ppid <= 0 || brig_read_file (path, 4096, &comm, NULL, &err) < 0)
    {
      brig_err_release (&err);
      return;
    }
  for (size_t i = 0; i < ARRAY_SIZE (parents); i++)
    if (str_has_prefix (comm, parents[i].comm))
      {
        free (o->engine);
        o->engine = xstrdup (parents[i].engine);
        break;
      }
  bool shim = str_has_prefix (comm, "containerd-shim"), conmon = str_has_prefix (comm, "conmon");
  if (!shim && !conmon)
    return;
  snprintf (path, sizeof path, "%s/%d/cmdline", h->proc, ppid);
  if (brig_read_file (path, 65536, &cmd, &len, &err) < 0)
    {
      brig_err_release (&err);
      return;
    }
  const char *ns = NULL, *id = NULL, *name = NULL;
  for (const char *a = cmd; a < cmd + len; a += strlen (a) + 1)
    {
      const char *next = a + strlen (a) + 1;
      if (next >= cmd + len)
        break;
      if (shim && strcmp (a, "-namespace") == 0)
        ns = next;
      else if (shim && strcmp (a, "-id") == 0)
        id = next;
      else if (conmon && (strcmp (a, "-n") == 0 || strcmp (a, "--name") == 0))
        name = next;
    }
  if (name)
    {
      free (o->name);
      o->name = xstrdup (name);
    }
  if (id)
    {
      free (o->id);
      o->id = xstrdup (id);
      free (o->name);
      o->name = ns ? xasprintf ("%s/%s", ns, id) : xstrdup (id);
    }
}

static int
observe (const struct host *h, int pid, struct brig_observed *o, struct brig_err *err)
{
  char path[128];
  _cleanup_free_ char *st = NULL, *cg = NULL, *map = NULL, *comm = NULL;
  int r;

  o->pid = pid;
  snprintf (path, sizeof path, "%s/%d/status", h->proc, pid);
  r = brig_read_file (path, PROC_FILE_MAX, &st, NULL, err);
  if (r < 0)
    return r;
  const char *name = status_value (st, "Name:");
  o->comm = xstrndup (name ? name : "", name ? strcspn (name, "\n") : 0);
  const char *uid = status_value (st, "Uid:");
  o->uid = -1;
  if (uid)
    {
      char *e;
      strtol (uid, &e, 10);
      o->uid = strtol (e, NULL, 10); /* the second field: effective */
    }
  o->cap_eff = status_hex (st, "CapEff:");
  o->cap_bnd = status_hex (st, "CapBnd:");
  /* --privileged gives what the engine's capability list knows: one that
     predates Linux 5.8 (Docker 20.10's runc) stops at CAP_AUDIT_READ (37),
     without PERFMON, BPF and CHECKPOINT_RESTORE, which are not needed to be
     privileged: CAP_SYS_ADMIN holds what they split off. */
  uint64_t priv = h->all_caps & ((UINT64_C (1) << (CAP_AUDIT_READ_BIT + 1)) - 1);
  o->all_caps = priv && (o->cap_eff & priv) == priv;
  o->seccomp = (int)status_long (st, "Seccomp:", -1);
  o->seccomp_filters = (int)status_long (st, "Seccomp_filters:", -1);
  o->no_new_privs = (int)status_long (st, "NoNewPrivs:", -1);

  for (int i = 0; i < BRIG_OBS_NS_COUNT; i++)
    {
      ino_t ino;
      o->shares[i] = h->ns_known[i] && ns_inode (h->proc, pid, i, &ino) == 0 && ino == h->ns[i];
    }
  o->userns = !o->shares[BRIG_OBS_NS_USER];
  o->root_uid = 0;
  snprintf (path, sizeof path, "%s/%d/uid_map", h->proc, pid);
  if (brig_read_file (path, 65536, &map, NULL, err) < 0)
    brig_err_release (err);
  else
    {
      _cleanup_free_ char *joined = NULL;
      o->root_uid = -1;
      for (char *p = map, *line; (line = strsep (&p, "\n")) != NULL;)
        {
          long in, out, count;
          if (sscanf (line, "%ld %ld %ld", &in, &out, &count) != 3)
            continue;
          if (in == 0)
            o->root_uid = out;
          char *n = xasprintf ("%s%s%ld %ld %ld", joined ? joined : "", joined ? ", " : "", in, out,
                               count);
          free (joined);
          joined = n;
        }
      o->uid_map = joined ? steal_pointer (&joined) : xstrdup ("");
    }

  snprintf (path, sizeof path, "%s/%d/cgroup", h->proc, pid);
  if (brig_read_file (path, PROC_FILE_MAX, &cg, NULL, err) < 0)
    brig_err_release (err);
  else
    {
      if (!cgroup_buf_engine (cg, &o->engine, &o->id))
        {
          o->engine = xstrdup ("unknown");
          o->id = xstrdup ("");
        }
      o->cgroup = cgroup_path (cg, "memory");
      if (o->cgroup == NULL)
        o->cgroup = cgroup_path (cg, NULL);
      read_limits (h, cg, o);
    }
  if (o->engine == NULL)
    {
      o->engine = xstrdup ("unknown");
      o->id = xstrdup ("");
      o->mem_limit = o->pids_limit = o->cpu_quota = -1;
      o->all_devices = -1;
    }
  if (strcmp (o->engine, "unknown") == 0 || strcmp (o->engine, "podman") == 0)
    engine_from_parent (h, (int)status_long (st, "PPid:", 0), o);
  if (o->cgroup == NULL)
    o->cgroup = xstrdup ("");
  /* LXC has no API: the name is its cgroup's, lxc.payload.NAME. */
  if (o->name == NULL && strcmp (o->engine, "lxc") == 0)
    o->name = xstrdup (o->id);
  if (o->name == NULL)
    o->name = xstrdup ("");
  o->image = xstrdup ("");
  read_mounts (h, pid, o);
  o->nprocs = 1;
  return 0;
}

int
brig_proc_observe (const char *proc, int pid, struct brig_observed *ret, struct brig_err *err)
{
  struct host h = { 0 };
  int r = host_init (&h, proc ? proc : "/proc", err);
  if (r == 0)
    r = observe (&h, pid, ret, err);
  host_release (&h);
  return r;
}

/* --- the scan ------------------------------------------------------------ */

struct cand
{
  int pid, ppid;
  bool nspid1;  /* numbered 1 in its own pid namespace */
  ino_t pidns;  /* 0 when it is the host's */
  char *cg_key; /* "engine/id" for one in the host's pid namespace */
};

static int
cand_cmp (const void *a, const void *b)
{
  const struct cand *x = a, *y = b;
  if (x->pidns != y->pidns)
    return x->pidns < y->pidns ? -1 : 1;
  int c = strcmp (x->cg_key ? x->cg_key : "", y->cg_key ? y->cg_key : "");
  if (c)
    return c;
  return x->pid - y->pid;
}

static bool
same_group (const struct cand *x, const struct cand *y)
{
  return x->pidns == y->pidns
         && strcmp (x->cg_key ? x->cg_key : "", y->cg_key ? y->cg_key : "") == 0;
}

static bool
in_group (const struct cand *g, size_t n, int pid)
{
  for (size_t i = 0; i < n; i++)
    if (g[i].pid == pid)
      return true;
  return false;
}

int
brig_proc_scan (const char *proc, struct brig_observed_list *ret, struct brig_err *err)
{
  struct host h = { 0 };
  struct cand *c = NULL;
  size_t nc = 0;
  DIR *d;
  struct dirent *e;
  int r;

  proc = proc ? proc : "/proc";
  memset (ret, 0, sizeof *ret);
  r = host_init (&h, proc, err);
  if (r < 0)
    goto out;
  ret->host_ref_pid = h.ref_pid;
  d = opendir (proc);
  if (d == NULL)
    {
      r = brig_error (err, errno, "open `%s`", proc);
      goto out;
    }
  while ((e = readdir (d)) != NULL)
    {
      char path[128], *end;
      long pid = strtol (e->d_name, &end, 10);
      _cleanup_free_ char *cg = NULL, *st = NULL, *engine = NULL, *id = NULL;
      struct brig_err ignore = { 0 };
      ino_t pidns;

      if (*end || pid <= 0 || pid == h.ref_pid || pid == getpid ())
        continue;
      if (ns_inode (proc, (int)pid, BRIG_OBS_NS_PID, &pidns) < 0)
        continue; /* gone, or a kernel thread */
      snprintf (path, sizeof path, "%s/%ld/cgroup", proc, pid);
      if (brig_read_file (path, PROC_FILE_MAX, &cg, NULL, &ignore) < 0)
        {
          brig_err_release (&ignore);
          continue;
        }
      bool named = cgroup_buf_engine (cg, &engine, &id);
      bool own_pidns = h.ns_known[BRIG_OBS_NS_PID] && pidns != h.ns[BRIG_OBS_NS_PID];
      if (!own_pidns && !named)
        continue;
      snprintf (path, sizeof path, "%s/%ld/status", proc, pid);
      if (brig_read_file (path, PROC_FILE_MAX, &st, NULL, &ignore) < 0)
        {
          brig_err_release (&ignore);
          continue;
        }
      const char *nspid = status_value (st, "NSpid:");
      bool one = false;
      if (nspid)
        {
          const char *last = nspid;
          size_t len = strcspn (nspid, "\n");
          for (size_t i = 0; i < len; i++)
            if (nspid[i] == '\t' || nspid[i] == ' ')
              last = nspid + i + 1;
          one = strtol (last, NULL, 10) == 1 && last != nspid;
        }
      c = xreallocarray (c, nc + 1, sizeof *c);
      c[nc++] = (struct cand){ .pid = (int)pid,
                               .ppid = (int)status_long (st, "PPid:", 0),
                               .nspid1 = one,
                               .pidns = own_pidns ? pidns : 0,
                               .cg_key = own_pidns ? NULL : xasprintf ("%s/%s", engine, id) };
    }
  closedir (d);
  if (nc)
    qsort (c, nc, sizeof *c, cand_cmp);
  for (size_t i = 0; i < nc;)
    {
      size_t j = i + 1, init = SIZE_MAX;
      while (j < nc && same_group (&c[i], &c[j]))
        j++;
      for (size_t k = i; k < j && init == SIZE_MAX; k++)
        if (c[k].nspid1)
          init = k;
      for (size_t k = i; k < j && init == SIZE_MAX; k++)
        if (!in_group (c + i, j - i, c[k].ppid))
          init = k;
      if (init == SIZE_MAX)
        init = i;
      struct brig_observed o = { 0 };
      struct brig_err ignore = { 0 };
      if (observe (&h, c[init].pid, &o, &ignore) == 0)
        {
          o.nprocs = j - i;
          ret->v = xreallocarray (ret->v, ret->n + 1, sizeof *ret->v);
          ret->v[ret->n++] = o;
        }
      else
        {
          brig_err_release (&ignore);
          brig_observed_release (&o);
        }
      i = j;
    }
  r = 0;
out:
  for (size_t i = 0; i < nc; i++)
    free (c[i].cg_key);
  free (c);
  host_release (&h);
  return r;
}
