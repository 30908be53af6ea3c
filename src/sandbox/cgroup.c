/* Cgroups for limits and device rules: v1, v2 and hybrid hosts.
 *
 * v2 (unified): one directory /sys/fs/cgroup/brig/<id> with memory.max,
 * memory.swap.max, pids.max and cpu.max; the controllers are enabled in the
 * parents' cgroup.subtree_control.  The device rules are an eBPF program
 * attached to that directory (devices_bpf.c).
 * v1 and hybrid (v1 controllers beside an empty v2 tree): a directory
 * brig/<id> in the memory, pids, cpu, freezer, devices and cpuacct
 * hierarchies, wherever /proc/self/mountinfo says they are mounted.
 *
 * A limit that was asked for and cannot be applied is an error, never a
 * silent skip.  Unprivileged users get no cgroup and a warning saying so. */
#include "sandbox/internal.h"
#include "sandbox/sandbox.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/mountinfo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

enum ctrl
{
  CTRL_MEMORY,
  CTRL_PIDS,
  CTRL_CPU,
  CTRL_FREEZER, /* v1 only: pause and resume (v2 has cgroup.freeze) */
  CTRL_DEVICES, /* v1 only: the device rules (v2: an eBPF program) */
  CTRL_CPUACCT, /* v1 only: CPU usage (v2: cpu.stat) */
  N_CTRL,
};
static const char *const ctrl_names[]
    = { "memory", "pids", "cpu", "freezer", "devices", "cpuacct" };
_Static_assert(ARRAY_SIZE (ctrl_names) == N_CTRL, "one name per controller");

struct brig_cgroup
{
  const char *mode;       /* "v1", "v2", "hybrid" */
  char *v2;               /* v2: the container's directory */
  char *v1[N_CTRL];       /* v1: the container's directory in each hierarchy */
  char *v1_mount[N_CTRL]; /* v1: where each hierarchy is mounted */
  bool v1_dedup[N_CTRL];  /* v1: same hierarchy as an earlier controller */
};

static bool
is_v2 (const char *path)
{
  struct statfs fs;
  return statfs (path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* Find where each v1 controller is mounted (super options name it). */
static void
find_v1_mounts (char *mounts[N_CTRL])
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return;
  while (getline (&line, &cap, f) > 0)
    {
      struct brig_mountinfo m;

      line[strcspn (line, "\n")] = '\0';
      if (!brig_mountinfo_parse (line, &m) || strcmp (m.fstype, "cgroup") != 0)
        continue;
      for (int c = 0; c < N_CTRL; c++)
        if (mounts[c] == NULL && brig_word_in_list (m.super, ctrl_names[c]))
          mounts[c] = xstrdup (m.target);
    }
}

static int
write_value (const char *dir, const char *file, const char *value, struct brig_err *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", dir, file);
  return brig_write_file_at (AT_FDCWD, path, value, err);
}

static bool
file_exists (const char *dir, const char *file)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
}

static int
make_dir (const char *path, struct brig_err *err)
{
  if (mkdir (path, 0755) < 0 && errno != EEXIST)
    return brig_error (err, errno, "create cgroup `%s`", path);
  return 0;
}

static bool
wants (const struct brig_limits *l, enum ctrl c)
{
  switch (c)
    {
    case CTRL_MEMORY:
      return l->memory != BRIG_UNLIMITED;
    case CTRL_PIDS:
      return l->pids != BRIG_UNLIMITED;
    case CTRL_CPU:
      return l->cpu_quota != 0;
    default:
      return false;
    }
}

static int
setup_v2 (struct brig_cgroup *cg, const char *rel, const struct brig_limits *l,
          struct brig_err *err)
{
  _cleanup_free_ char *parent = xasprintf (CGROUP_ROOT "/%s", rel);
  _cleanup_free_ char *avail = NULL;
  char buf[64];
  int r;

  r = brig_read_file (CGROUP_ROOT "/cgroup.controllers", 4096, &avail, NULL, err);
  if (r < 0)
    return r;
  for (int c = 0; c < N_CTRL; c++)
    {
      _cleanup_free_ char *plus = xasprintf ("+%s", ctrl_names[c]);
      bool present = false;
      _cleanup_free_ char *copy = xstrdup (avail);
      char *o = copy;

      for (char *tok; (tok = strsep (&o, " \n"));)
        if (strcmp (tok, ctrl_names[c]) == 0)
          present = true;
      if (!present)
        {
          if (wants (l, (enum ctrl)c))
            return brig_error (err, 0,
                               "cgroup v2: the %s controller is not available in " CGROUP_ROOT
                               " (cgroup.controllers: %.*s), so the %s limit "
                               "cannot be applied",
                               ctrl_names[c], (int)strcspn (avail, "\n"), avail, ctrl_names[c]);
          continue;
        }
      /* Enabled in every ancestor of the leaf, from the root down. */
      r = write_value (CGROUP_ROOT, "cgroup.subtree_control", plus, err);
      for (char *slash = strchr (parent + strlen (CGROUP_ROOT) + 1, '/'); r == 0 && slash;
           slash = strchr (slash + 1, '/'))
        {
          *slash = '\0';
          r = make_dir (parent, err);
          if (r == 0)
            r = write_value (parent, "cgroup.subtree_control", plus, err);
          *slash = '/';
        }
      if (r < 0)
        return brig_err_wrap (err, "cgroup v2: enable the %s controller", ctrl_names[c]);
    }
  *strrchr (parent, '/') = '\0';
  if ((r = brig_mkdir_p (parent, 0755, err)) < 0)
    return r;
  cg->v2 = xasprintf (CGROUP_ROOT "/%s", rel);
  if (mkdir (cg->v2, 0755) < 0)
    {
      r = brig_error (err, errno, "create cgroup `%s`", cg->v2);
      free (cg->v2);
      cg->v2 = NULL;
      return r;
    }
  if (l->memory != BRIG_UNLIMITED)
    {
      snprintf (buf, sizeof buf, "%" PRId64, l->memory);
      if ((r = write_value (cg->v2, "memory.max", buf, err)) < 0)
        return r;
      if (l->memory_swap != BRIG_UNLIMITED)
        {
          if (!file_exists (cg->v2, "memory.swap.max"))
            {
              if (l->memory_swap > l->memory)
                return brig_error (err, 0,
                                   "cgroup v2: swap accounting is off, so "
                                   "--memory-swap cannot be applied");
            }
          else
            {
              snprintf (buf, sizeof buf, "%" PRId64, l->memory_swap - l->memory);
              if ((r = write_value (cg->v2, "memory.swap.max", buf, err)) < 0)
                return r;
            }
        }
    }
  if (l->pids != BRIG_UNLIMITED)
    {
      snprintf (buf, sizeof buf, "%" PRId64, l->pids);
      if ((r = write_value (cg->v2, "pids.max", buf, err)) < 0)
        return r;
    }
  if (l->cpu_quota)
    {
      snprintf (buf, sizeof buf, "%" PRIu64 " %" PRIu64, l->cpu_quota, l->cpu_period);
      if ((r = write_value (cg->v2, "cpu.max", buf, err)) < 0)
        return r;
    }
  return 0;
}

static int
setup_v1 (struct brig_cgroup *cg, const char *rel, const struct brig_limits *l,
          struct brig_err *err)
{
  char buf[64];
  int r;

  find_v1_mounts (cg->v1_mount);
  for (int c = 0; c < N_CTRL; c++)
    {
      _cleanup_free_ char *parent = NULL;

      if (cg->v1_mount[c] == NULL)
        {
          if (wants (l, (enum ctrl)c))
            return brig_error (err, 0,
                               "cgroup v1: the %s controller is not mounted, so "
                               "the %s limit cannot be applied",
                               ctrl_names[c], ctrl_names[c]);
          continue;
        }
      for (int d = 0; d < c; d++)
        if (cg->v1_mount[d] && strcmp (cg->v1_mount[d], cg->v1_mount[c]) == 0)
          cg->v1_dedup[c] = true;
      cg->v1[c] = xasprintf ("%s/%s", cg->v1_mount[c], rel);
      if (cg->v1_dedup[c])
        continue;
      parent = xstrdup (cg->v1[c]);
      *strrchr (parent, '/') = '\0';
      if ((r = brig_mkdir_p (parent, 0755, err)) < 0)
        return r;
      if (mkdir (cg->v1[c], 0755) < 0)
        {
          r = brig_error (err, errno, "create cgroup `%s`", cg->v1[c]);
          free (cg->v1[c]);
          cg->v1[c] = NULL;
          return r;
        }
    }
  if (l->memory != BRIG_UNLIMITED)
    {
      snprintf (buf, sizeof buf, "%" PRId64, l->memory);
      if ((r = write_value (cg->v1[CTRL_MEMORY], "memory.limit_in_bytes", buf, err)) < 0)
        return r;
      if (l->memory_swap != BRIG_UNLIMITED)
        {
          if (!file_exists (cg->v1[CTRL_MEMORY], "memory.memsw.limit_in_bytes"))
            {
              if (l->memory_swap > l->memory)
                return brig_error (err, 0,
                                   "cgroup v1: swap accounting is off "
                                   "(swapaccount=0), so --memory-swap cannot be "
                                   "applied");
            }
          else
            {
              snprintf (buf, sizeof buf, "%" PRId64, l->memory_swap);
              r = write_value (cg->v1[CTRL_MEMORY], "memory.memsw.limit_in_bytes", buf, err);
              if (r < 0)
                return r;
            }
        }
    }
  if (l->pids != BRIG_UNLIMITED)
    {
      snprintf (buf, sizeof buf, "%" PRId64, l->pids);
      if ((r = write_value (cg->v1[CTRL_PIDS], "pids.max", buf, err)) < 0)
        return r;
    }
  if (l->cpu_quota)
    {
      snprintf (buf, sizeof buf, "%" PRIu64, l->cpu_period);
      if ((r = write_value (cg->v1[CTRL_CPU], "cpu.cfs_period_us", buf, err)) < 0)
        return r;
      snprintf (buf, sizeof buf, "%" PRIu64, l->cpu_quota);
      if ((r = write_value (cg->v1[CTRL_CPU], "cpu.cfs_quota_us", buf, err)) < 0)
        return r;
    }
  return 0;
}

char *
brig_cgroup_rel_path (const char *cgroups_path, const char *id, struct brig_err *err)
{
  const char *p = cgroups_path;

  if (p == NULL || *p == '\0')
    return xasprintf ("brig/%s", id);
  while (*p == '/')
    p++;
  if (strchr (p, ':'))
    {
      brig_error (err, 0,
                  "cgroupsPath `%s`: systemd slices (slice:prefix:name) are not supported; "
                  "use a cgroupfs path such as /docker/ID",
                  cgroups_path);
      return NULL;
    }
  if (*p == '\0' || strstr (p, "..") || p[strlen (p) - 1] == '/')
    {
      brig_error (err, 0, "cgroupsPath `%s`: expected a path such as /docker/ID, without `..`",
                  cgroups_path);
      return NULL;
    }
  return xstrdup (p);
}

/* The device nodes the sandbox itself makes (and devpts) stay usable
 * whatever the rules say, as runc allows its default devices: a config
 * that omits ptmx must still get a working terminal. */
static const struct brig_device_rule own_devices[] = {
  { true, 'c', 1, 3, "rwm" }, { true, 'c', 1, 5, "rwm" },    { true, 'c', 1, 7, "rwm" },
  { true, 'c', 1, 8, "rwm" }, { true, 'c', 1, 9, "rwm" },    { true, 'c', 5, 0, "rwm" },
  { true, 'c', 5, 2, "rwm" }, { true, 'c', 136, -1, "rwm" },
};

static int
write_device_rule (const char *dir, const struct brig_device_rule *rule, struct brig_err *err)
{
  char line[64], major[24] = "*", minor[24] = "*";

  if (rule->type == 'a')
    return write_value (dir, rule->allow ? "devices.allow" : "devices.deny", "a", err);
  if (rule->major >= 0)
    snprintf (major, sizeof major, "%lld", (long long)rule->major);
  if (rule->minor >= 0)
    snprintf (minor, sizeof minor, "%lld", (long long)rule->minor);
  snprintf (line, sizeof line, "%c %s:%s %s", rule->type, major, minor, rule->access);
  return write_value (dir, rule->allow ? "devices.allow" : "devices.deny", line, err);
}

/* v1: deny every device, then apply the rules in order, then allow the
 * sandbox's own nodes. */
static int
apply_devices (const char *dir, const struct brig_device_rule *rules, size_t n,
               struct brig_err *err)
{
  int r;

  if ((r = write_value (dir, "devices.deny", "a", err)) < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    if ((r = write_device_rule (dir, &rules[i], err)) < 0)
      return r;
  for (size_t i = 0; i < ARRAY_SIZE (own_devices); i++)
    if ((r = write_device_rule (dir, &own_devices[i], err)) < 0)
      return r;
  return 0;
}

/* v2: the same rules, then the sandbox's own nodes, as an eBPF program
 * attached to the cgroup DIR. */
static int
apply_devices_v2 (const char *dir, const struct brig_device_rule *rules, size_t n,
                  struct brig_err *err)
{
  _cleanup_free_ struct brig_device_rule *all
      = xreallocarray (NULL, n + ARRAY_SIZE (own_devices), sizeof *all);
  _cleanup_close_ int fd = -1;
  struct brig_devprog prog;
  int r;

  memcpy (all, rules, n * sizeof *all);
  memcpy (all + n, own_devices, sizeof own_devices);
  if ((r = brig_devprog_build (all, n + ARRAY_SIZE (own_devices), &prog, err)) < 0)
    return brig_err_wrap (err, "cgroup v2: the device rules");
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    r = brig_error (err, errno, "open cgroup `%s`", dir);
  else
    r = brig_devprog_attach (&prog, fd, err);
  brig_devprog_release (&prog);
  if (r < 0)
    return brig_err_wrap (err, "cgroup v2: the device rules");
  return 0;
}

int
brig_cgroup_create (const char *rel, const struct brig_limits *l,
                    const struct brig_device_rule *devices, size_t ndevices, bool rootless,
                    struct brig_cgroup **ret, char ***warnings, struct brig_err *err)
{
  struct brig_cgroup *cg;
  int r;

  *ret = NULL;
  if (rootless)
    {
      if (wants (l, CTRL_MEMORY) || wants (l, CTRL_PIDS) || wants (l, CTRL_CPU))
        strv_push (warnings, xstrdup ("rootless: no cgroup is delegated to this user, so the "
                                      "memory, swap, pids and cpu limits are NOT applied"));
      return 0;
    }
  cg = xcalloc (1, sizeof *cg);
  if (is_v2 (CGROUP_ROOT))
    {
      cg->mode = "v2";
      r = setup_v2 (cg, rel, l, err);
      if (r == 0 && ndevices)
        r = apply_devices_v2 (cg->v2, devices, ndevices, err);
    }
  else
    {
      cg->mode = is_v2 (CGROUP_ROOT "/unified") ? "hybrid" : "v1";
      r = setup_v1 (cg, rel, l, err);
      if (r == 0 && ndevices)
        {
          if (cg->v1[CTRL_DEVICES] == NULL)
            r = brig_error (err, 0,
                            "cgroup v1: the devices controller is not mounted, so the "
                            "device rules cannot be applied");
          else
            r = apply_devices (cg->v1[CTRL_DEVICES], devices, ndevices, err);
        }
    }
  if (r < 0)
    {
      brig_cgroup_destroy (cg);
      return r;
    }
  *ret = cg;
  return 0;
}

int
brig_cgroup_attach (struct brig_cgroup *cg, pid_t pid, struct brig_err *err)
{
  char buf[32];
  int r;

  if (cg == NULL)
    return 0;
  snprintf (buf, sizeof buf, "%d", (int)pid);
  if (cg->v2)
    return write_value (cg->v2, "cgroup.procs", buf, err);
  for (int c = 0; c < N_CTRL; c++)
    if (cg->v1[c] && !cg->v1_dedup[c]
        && (r = write_value (cg->v1[c], "cgroup.procs", buf, err)) < 0)
      return r;
  return 0;
}

char **
brig_cgroup_v1_controllers (const struct brig_cgroup *cg)
{
  char **v = NULL;

  if (cg == NULL || cg->v2)
    return NULL;
  for (int c = 0; c < N_CTRL; c++)
    if (cg->v1_mount[c] && !cg->v1_dedup[c])
      strv_push (&v, xstrdup (strrchr (cg->v1_mount[c], '/') + 1));
  return v;
}

bool
brig_cgroup_is_v2 (const struct brig_cgroup *cg)
{
  return cg && cg->v2;
}

const char *
brig_cgroup_mode (const struct brig_cgroup *cg)
{
  return cg ? cg->mode : "none";
}

static long
read_counter (const char *dir, const char *file, const char *key)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", dir, file);
  _cleanup_free_ char *buf = NULL;
  struct brig_err err = { 0 };
  size_t klen = strlen (key);

  if (brig_read_file (path, 65536, &buf, NULL, &err) < 0)
    {
      brig_err_release (&err);
      return 0;
    }
  for (char *line = buf; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
        return strtol (line + klen + 1, NULL, 10);
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}

long
brig_cgroup_oom_kills (const struct brig_cgroup *cg)
{
  if (cg == NULL)
    return 0;
  if (cg->v2)
    return read_counter (cg->v2, "memory.events", "oom_kill");
  if (cg->v1[CTRL_MEMORY])
    return read_counter (cg->v1[CTRL_MEMORY], "memory.oom_control", "oom_kill");
  return 0;
}

/* SIGKILL every process listed in DIR/cgroup.procs; returns how many. */
static int
kill_all (const char *dir)
{
  _cleanup_free_ char *path = xasprintf ("%s/cgroup.procs", dir);
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  int pid, n = 0;

  if (f == NULL)
    return 0;
  while (fscanf (f, "%d", &pid) == 1)
    if (pid > 0 && kill (pid, SIGKILL) == 0)
      n++;
  return n;
}

/* rmdir, retrying while the last processes are still being reaped. */
/* 0 when DIR is gone, else -errno (EBUSY: something in it would not die). */
static int
remove_dir (const char *dir)
{
  struct timespec ts = { 0, 1000000 }; /* 1 ms */

  if (file_exists (dir, "cgroup.kill"))
    {
      struct brig_err err = { 0 };
      write_value (dir, "cgroup.kill", "1", &err);
      brig_err_release (&err);
    }
  for (int i = 0; i < 2000; i++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        return -errno;
      kill_all (dir);
      nanosleep (&ts, NULL);
    }
  return -EBUSY;
}

void
brig_cgroup_destroy (struct brig_cgroup *cg)
{
  if (cg == NULL)
    return;
  if (cg->v2)
    remove_dir (cg->v2);
  for (int c = 0; c < N_CTRL; c++)
    if (cg->v1[c] && !cg->v1_dedup[c])
      remove_dir (cg->v1[c]);
  brig_cgroup_free (cg);
}

/* Every existing directory REL in the hierarchies, deduplicated; returns
 * how many (at most N_CTRL + 1). */
static size_t
dirs_of (const char *rel, char *dirs[N_CTRL + 1])
{
  char *mounts[N_CTRL] = { NULL };
  size_t n = 0;

  if (is_v2 (CGROUP_ROOT))
    {
      dirs[n++] = xasprintf (CGROUP_ROOT "/%s", rel);
      return n;
    }
  find_v1_mounts (mounts);
  for (int c = 0; c < N_CTRL; c++)
    {
      bool dup = false;
      for (int d = 0; d < c; d++)
        dup |= mounts[d] && mounts[c] && strcmp (mounts[d], mounts[c]) == 0;
      if (mounts[c] && !dup)
        dirs[n++] = xasprintf ("%s/%s", mounts[c], rel);
    }
  for (int c = 0; c < N_CTRL; c++)
    free (mounts[c]);
  return n;
}

int
brig_cgroup_join (const char *rel, pid_t pid, struct brig_err *err)
{
  char *dirs[N_CTRL + 1];
  size_t n = dirs_of (rel, dirs);
  char buf[32];
  int r = 0;

  snprintf (buf, sizeof buf, "%d", (int)pid);
  for (size_t i = 0; i < n; i++)
    {
      if (r == 0)
        r = write_value (dirs[i], "cgroup.procs", buf, err);
      free (dirs[i]);
    }
  return r;
}

int
brig_cgroup_remove_rel (const char *rel, struct brig_err *err)
{
  char *dirs[N_CTRL + 1];
  size_t n = dirs_of (rel, dirs);
  int r = 0, e;

  for (size_t i = 0; i < n; i++)
    {
      if ((e = remove_dir (dirs[i])) < 0 && r == 0)
        r = brig_error (err, -e,
                        "remove cgroup `%s` (a process in it would not die: is it "
                        "frozen elsewhere?)",
                        dirs[i]);
      free (dirs[i]);
    }
  return r;
}

int
brig_cgroup_remove (const char *cgroups_path, const char *id, struct brig_err *err)
{
  _cleanup_free_ char *rel = brig_cgroup_rel_path (cgroups_path, id, err);

  if (rel == NULL)
    return -EINVAL;
  return brig_cgroup_remove_rel (rel, err);
}

int
brig_cgroup_signal_all (const char *cgroups_path, const char *id, int sig, struct brig_err *err)
{
  _cleanup_free_ char *rel = brig_cgroup_rel_path (cgroups_path, id, err);
  char *dirs[N_CTRL + 1];
  size_t n;
  int r = 0;

  if (rel == NULL)
    return -EINVAL;
  n = dirs_of (rel, dirs);
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *path = xasprintf ("%s/cgroup.procs", dirs[i]);
      _cleanup_fclose_ FILE *f = i == 0 ? fopen (path, "re") : NULL;
      int pid;

      if (i == 0 && f == NULL)
        r = brig_error (err, errno, "open `%s`", path);
      while (f && fscanf (f, "%d", &pid) == 1)
        if (pid > 0)
          kill (pid, sig);
      free (dirs[i]);
    }
  return r;
}

void
brig_cgroup_free (struct brig_cgroup *cg)
{
  if (cg == NULL)
    return;
  free (cg->v2);
  for (int c = 0; c < N_CTRL; c++)
    {
      free (cg->v1[c]);
      free (cg->v1_mount[c]);
    }
  free (cg);
}

/* The directory of REL in the hierarchy that freezes: v2, or v1's freezer. */
static char *
freezer_dir (const char *rel)
{
  char *mounts[N_CTRL] = { NULL };
  char *dir = NULL;

  if (is_v2 (CGROUP_ROOT))
    return xasprintf (CGROUP_ROOT "/%s", rel);
  find_v1_mounts (mounts);
  if (mounts[CTRL_FREEZER])
    dir = xasprintf ("%s/%s", mounts[CTRL_FREEZER], rel);
  for (int c = 0; c < N_CTRL; c++)
    free (mounts[c]);
  return dir;
}

int
brig_cgroup_freeze (const char *cgroups_path, const char *id, bool freeze, struct brig_err *err)
{
  _cleanup_free_ char *rel = brig_cgroup_rel_path (cgroups_path, id, err);
  _cleanup_free_ char *dir = rel ? freezer_dir (rel) : NULL;
  bool v2 = is_v2 (CGROUP_ROOT);
  struct timespec ts = { 0, 1000000 };
  int r;

  if (rel == NULL)
    return -EINVAL;
  if (dir == NULL)
    return brig_error (err, 0,
                       "cgroup v1: the freezer controller is not mounted, so the "
                       "container cannot be paused");
  r = v2 ? write_value (dir, "cgroup.freeze", freeze ? "1" : "0", err)
         : write_value (dir, "freezer.state", freeze ? "FROZEN" : "THAWED", err);
  if (r < 0)
    return r;
  /* Freezing takes effect when every task has stopped: wait for it. */
  for (int i = 0; i < 5000; i++)
    {
      if (brig_cgroup_frozen (cgroups_path, id) == freeze)
        return 0;
      nanosleep (&ts, NULL);
    }
  return brig_error (err, ETIMEDOUT, "%s the container's cgroup `%s`", freeze ? "freeze" : "thaw",
                     dir);
}

bool
brig_cgroup_frozen (const char *cgroups_path, const char *id)
{
  struct brig_err err = { 0 };
  _cleanup_free_ char *rel = brig_cgroup_rel_path (cgroups_path, id, &err);
  _cleanup_free_ char *dir = rel ? freezer_dir (rel) : NULL;
  _cleanup_free_ char *path = NULL, *buf = NULL;
  bool r = false;

  if (dir == NULL)
    goto out;
  if (is_v2 (CGROUP_ROOT))
    {
      r = read_counter (dir, "cgroup.events", "frozen") == 1;
      goto out;
    }
  path = xasprintf ("%s/freezer.state", dir);
  if (brig_read_file (path, 64, &buf, NULL, &err) == 0)
    r = str_has_prefix (buf, "FROZEN");
out:
  brig_err_release (&err);
  return r;
}

int
brig_cgroup_pids (const char *cgroups_path, const char *id, pid_t **ret, size_t *ret_n,
                  struct brig_err *err)
{
  _cleanup_free_ char *rel = brig_cgroup_rel_path (cgroups_path, id, err);
  char *dirs[N_CTRL + 1];
  _cleanup_free_ char *path = NULL;
  _cleanup_fclose_ FILE *f = NULL;
  size_t n;
  int pid;

  *ret = NULL;
  *ret_n = 0;
  if (rel == NULL)
    return -EINVAL;
  n = dirs_of (rel, dirs);
  if (n > 0)
    path = xasprintf ("%s/cgroup.procs", dirs[0]);
  for (size_t i = 0; i < n; i++)
    free (dirs[i]);
  if (path == NULL || (f = fopen (path, "re")) == NULL)
    return brig_error (err, errno ? errno : ENOENT, "the container's cgroup `%s`",
                       path ? path : rel);
  while (fscanf (f, "%d", &pid) == 1)
    {
      *ret = xreallocarray (*ret, *ret_n + 1, sizeof (pid_t));
      (*ret)[(*ret_n)++] = pid;
    }
  return 0;
}

/* Write new limits into an existing cgroup.  Only the limits that are set
 * (not BRIG_UNLIMITED / 0) are written; memory before swap on v1, where
 * memsw must stay at or above memory. */
int
brig_cgroup_update (const char *cgroups_path, const char *id, const struct brig_limits *l,
                    struct brig_err *err)
{
  _cleanup_free_ char *rel = brig_cgroup_rel_path (cgroups_path, id, err);
  char *mounts[N_CTRL] = { NULL };
  char buf[64];
  int r = 0;

  if (rel == NULL)
    return -EINVAL;
  if (is_v2 (CGROUP_ROOT))
    {
      _cleanup_free_ char *dir = xasprintf (CGROUP_ROOT "/%s", rel);
      if (l->memory > 0)
        {
          snprintf (buf, sizeof buf, "%" PRId64, l->memory);
          r = write_value (dir, "memory.max", buf, err);
        }
      if (r == 0 && l->memory > 0 && l->memory_swap > 0 && file_exists (dir, "memory.swap.max"))
        {
          snprintf (buf, sizeof buf, "%" PRId64, l->memory_swap - l->memory);
          r = write_value (dir, "memory.swap.max", buf, err);
        }
      if (r == 0 && l->pids > 0)
        {
          snprintf (buf, sizeof buf, "%" PRId64, l->pids);
          r = write_value (dir, "pids.max", buf, err);
        }
      if (r == 0 && l->cpu_quota)
        {
          snprintf (buf, sizeof buf, "%" PRIu64 " %" PRIu64, l->cpu_quota, l->cpu_period);
          r = write_value (dir, "cpu.max", buf, err);
        }
      return r;
    }
  find_v1_mounts (mounts);
  if (l->memory > 0 && mounts[CTRL_MEMORY])
    {
      _cleanup_free_ char *dir = xasprintf ("%s/%s", mounts[CTRL_MEMORY], rel);
      bool memsw = file_exists (dir, "memory.memsw.limit_in_bytes");
      int64_t swap = l->memory_swap > 0 ? l->memory_swap : l->memory;
      char sw[64];
      snprintf (buf, sizeof buf, "%" PRId64, l->memory);
      snprintf (sw, sizeof sw, "%" PRId64, swap);
      /* Raising: memsw first; lowering: memory first. */
      if (memsw)
        {
          r = write_value (dir, "memory.memsw.limit_in_bytes", sw, err);
          if (r < 0)
            {
              brig_err_release (err);
              r = write_value (dir, "memory.limit_in_bytes", buf, err);
              if (r == 0)
                r = write_value (dir, "memory.memsw.limit_in_bytes", sw, err);
            }
          else
            r = write_value (dir, "memory.limit_in_bytes", buf, err);
        }
      else
        r = write_value (dir, "memory.limit_in_bytes", buf, err);
    }
  if (r == 0 && l->pids > 0 && mounts[CTRL_PIDS])
    {
      _cleanup_free_ char *dir = xasprintf ("%s/%s", mounts[CTRL_PIDS], rel);
      snprintf (buf, sizeof buf, "%" PRId64, l->pids);
      r = write_value (dir, "pids.max", buf, err);
    }
  if (r == 0 && l->cpu_quota && mounts[CTRL_CPU])
    {
      _cleanup_free_ char *dir = xasprintf ("%s/%s", mounts[CTRL_CPU], rel);
      snprintf (buf, sizeof buf, "%" PRIu64, l->cpu_period);
      r = write_value (dir, "cpu.cfs_period_us", buf, err);
      snprintf (buf, sizeof buf, "%" PRIu64, l->cpu_quota);
      if (r == 0)
        r = write_value (dir, "cpu.cfs_quota_us", buf, err);
    }
  for (int c = 0; c < N_CTRL; c++)
    free (mounts[c]);
  return r;
}

static long long
read_number (const char *dir, const char *file)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", dir, file);
  _cleanup_free_ char *buf = NULL;
  struct brig_err err = { 0 };
  long long v = -1;

  if (brig_read_file (path, 256, &buf, NULL, &err) == 0)
    v = strcmp (buf, "max\n") == 0 ? -1 : strtoll (buf, NULL, 10);
  brig_err_release (&err);
  return v;
}

int
brig_cgroup_stats (const char *cgroups_path, const char *id, struct brig_cgroup_stats *ret,
                   struct brig_err *err)
{
  _cleanup_free_ char *rel = brig_cgroup_rel_path (cgroups_path, id, err);
  char *mounts[N_CTRL] = { NULL };

  memset (ret, 0, sizeof *ret);
  if (rel == NULL)
    return -EINVAL;
  if (is_v2 (CGROUP_ROOT))
    {
      _cleanup_free_ char *dir = xasprintf (CGROUP_ROOT "/%s", rel);
      ret->cpu_ns = (unsigned long long)read_counter (dir, "cpu.stat", "usage_usec") * 1000;
      ret->memory = read_number (dir, "memory.current");
      ret->memory_limit = read_number (dir, "memory.max");
      ret->memory_max = read_number (dir, "memory.peak");
      ret->pids = read_number (dir, "pids.current");
      ret->pids_limit = read_number (dir, "pids.max");
      ret->oom_kills = read_counter (dir, "memory.events", "oom_kill");
      return 0;
    }
  find_v1_mounts (mounts);
  if (mounts[CTRL_CPUACCT])
    {
      _cleanup_free_ char *dir = xasprintf ("%s/%s", mounts[CTRL_CPUACCT], rel);
      ret->cpu_ns = (unsigned long long)read_number (dir, "cpuacct.usage");
    }
  if (mounts[CTRL_MEMORY])
    {
      _cleanup_free_ char *dir = xasprintf ("%s/%s", mounts[CTRL_MEMORY], rel);
      ret->memory = read_number (dir, "memory.usage_in_bytes");
      ret->memory_limit = read_number (dir, "memory.limit_in_bytes");
      ret->memory_max = read_number (dir, "memory.max_usage_in_bytes");
      ret->oom_kills = read_counter (dir, "memory.oom_control", "oom_kill");
    }
  if (mounts[CTRL_PIDS])
    {
      _cleanup_free_ char *dir = xasprintf ("%s/%s", mounts[CTRL_PIDS], rel);
      ret->pids = read_number (dir, "pids.current");
      ret->pids_limit = read_number (dir, "pids.max");
    }
  for (int c = 0; c < N_CTRL; c++)
    free (mounts[c]);
  return 0;
}
