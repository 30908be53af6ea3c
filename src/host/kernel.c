/* The kernel's facts brig host judges, from /proc and /sys: its release,
 * user namespaces and their limit, seccomp, and the cgroup hierarchy. */
#include "host/machine.h"
#include "util/cleanup.h"

#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

static bool
read_long (const char *root, const char *path, long *ret)
{
  _cleanup_free_ char *full = xasprintf ("%s%s", root, path);
  _cleanup_fclose_ FILE *f = fopen (full, "re");
  return f && fscanf (f, "%ld", ret) == 1;
}

/* The line of /proc/self/status that starts with KEY: its number, or 0. */
static int
status_line (const char *root, const char *key)
{
  _cleanup_free_ char *full = xasprintf ("%s/proc/self/status", root);
  _cleanup_fclose_ FILE *f = fopen (full, "re");
  char buf[256];
  int n = 0;

  while (f && fgets (buf, sizeof buf, f))
    {
      n++;
      if (strncmp (buf, key, strlen (key)) == 0)
        return n;
    }
  return 0;
}

static enum brig_cgroup_mode
cgroup_mode (const char *root)
{
  _cleanup_free_ char *top = xasprintf ("%s/sys/fs/cgroup", root);
  _cleanup_free_ char *uni = xasprintf ("%s/sys/fs/cgroup/unified", root);
  struct statfs s;

  if (statfs (top, &s) < 0)
    return BRIG_CGROUP_UNKNOWN;
  if (s.f_type == CGROUP2_SUPER_MAGIC)
    return BRIG_CGROUP_V2;
  if (s.f_type != TMPFS_MAGIC)
    return BRIG_CGROUP_UNKNOWN;
  if (statfs (uni, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
    return BRIG_CGROUP_HYBRID;
  return BRIG_CGROUP_V1;
}

void
brig_host_read_kernel (const struct brig_host_paths *p, struct brig_host_kernel *k)
{
  _cleanup_free_ char *rel = xasprintf ("%s/proc/sys/kernel/osrelease", p->root);
  _cleanup_fclose_ FILE *f = fopen (rel, "re");
  long v;
  int line;

  memset (k, 0, sizeof *k);
  k->landlock_abi = -1;
  if (f && fgets (k->release, sizeof k->release, f))
    k->release[strcspn (k->release, "\n")] = '\0';
  if (sscanf (k->release, "%d.%d.%d", &k->major, &k->minor, &k->patch) < 2)
    k->major = k->minor = 0;

  k->max_user_namespaces = read_long (p->root, "/proc/sys/user/max_user_namespaces", &v) ? v : -1;
  k->unprivileged_userns_clone
      = read_long (p->root, "/proc/sys/kernel/unprivileged_userns_clone", &v) ? (int)v : -1;
  snprintf (k->userns_src.file, sizeof k->userns_src.file, "/proc/sys/user/max_user_namespaces");
  k->userns_src.loc = (struct brig_loc){ 1, 1, 0, 0 };

  line = status_line (p->root, "Seccomp:");
  k->seccomp_field = line > 0;
  /* actions_avail is there when the kernel has CONFIG_SECCOMP_FILTER. */
  {
    _cleanup_free_ char *aa = xasprintf ("%s/proc/sys/kernel/seccomp/actions_avail", p->root);
    _cleanup_fclose_ FILE *a = fopen (aa, "re");
    char buf[256] = "";
    k->seccomp_filter = a && fgets (buf, sizeof buf, a) && strstr (buf, "errno");
  }
  if (line)
    {
      snprintf (k->seccomp_src.file, sizeof k->seccomp_src.file, "/proc/self/status");
      k->seccomp_src.loc = (struct brig_loc){ line, 1, 0, 0 };
    }
  else
    snprintf (k->seccomp_src.file, sizeof k->seccomp_src.file, "host:kernel");
  k->cgroup = cgroup_mode (p->root);
}
