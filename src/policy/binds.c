/* The host paths no container may have bound unless the policy says so
 * (BRIG-C003: the host's / and the engines' sockets; BRIG-C015: its kernel
 * and configuration directories), and the nosuid, nodev of every bind
 * (BRIG-C016).  The gate's rules call these; brig audit's rules share the
 * lists, so both say the same of a path. */
#include "policy/policy.h"
#include "util/cleanup.h"

#include <string.h>
#include <sys/mount.h>

const char *const brig_sensitive_host_dirs[] = { "/proc", "/sys", "/dev", "/boot", "/etc", NULL };

/* The kernel's own filesystems: a bind that brings one along (mounted at
 * or below its source) gives what a bind of /proc, /sys or /dev would. */
static const char *const kernel_fs[]
    = { "proc",        "sysfs",   "devtmpfs", "devpts",    "cgroup",   "cgroup2",
        "securityfs",  "debugfs", "tracefs",  "bpf",       "configfs", "efivarfs",
        "binfmt_misc", "pstore",  "fusectl",  "hugetlbfs", "mqueue",   "nsfs" };

static const char *const socket_names[]
    = { "/docker.sock", "/containerd.sock", "/podman.sock", "/crio.sock" };

bool
brig_engine_socket_name (const char *path)
{
  for (size_t i = 0; i < ARRAY_SIZE (socket_names); i++)
    if (str_has_suffix (path, socket_names[i]))
      return true;
  return false;
}

/* Is PATH DIR or below it?  "/" holds everything. */
static bool
at_or_below (const char *path, const char *dir)
{
  size_t n = strcmp (dir, "/") == 0 ? 0 : strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

char *
brig_path_lexical (const char *path)
{
  _cleanup_free_ char *copy = xstrdup (path);
  char *out = xmalloc (strlen (path) + 2), *o = copy;
  size_t len = 0;

  for (char *w; (w = strsep (&o, "/"));)
    {
      if (*w == '\0' || strcmp (w, ".") == 0)
        continue;
      if (strcmp (w, "..") == 0)
        {
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
          continue;
        }
      out[len++] = '/';
      memcpy (out + len, w, strlen (w));
      len += strlen (w);
    }
  if (len == 0)
    out[len++] = '/';
  out[len] = '\0';
  return out;
}

const char *
brig_host_path_refusal (const char *path, bool *ret_c003)
{
  _cleanup_free_ char *p = brig_path_lexical (path);

  *ret_c003 = true;
  if (strcmp (p, "/") == 0)
    return "the host's /";
  if (brig_engine_socket_name (p))
    return "an engine's API socket (root on the host)";
  for (const char *const *s = brig_engine_sockets; *s; s++)
    if (at_or_below (*s, p))
      return "a directory that holds an engine's API socket (root on the host)";
  *ret_c003 = false;
  for (const char *const *d = brig_sensitive_host_dirs; *d; d++)
    if (at_or_below (p, *d))
      return "a kernel or configuration directory of the host";
  return NULL;
}

bool
brig_policy_allows_host_path (const struct brig_policy *p, const char *path)
{
  for (size_t i = 0; p && p->allowed_host_paths && p->allowed_host_paths[i]; i++)
    if (at_or_below (path, p->allowed_host_paths[i]))
      return true;
  return false;
}

/* The first reason a bind M breaks BRIG-C003 (C003 true) or BRIG-C015
 * (false), as an allocated detail, or NULL. */
static char *
bind_refusal (const struct brig_mount *m, bool c003)
{
  bool is003;
  const char *why;

  if ((why = brig_host_path_refusal (m->source, &is003)) && is003 == c003)
    return xasprintf ("%s is %s, mounted at %s", m->source, why, m->dest);
  /* A link named as an engine's socket is judged by its name too; for
   * BRIG-C015 what counts is where the name leads: /etc/localtime, a link
   * to /usr/share/zoneinfo, binds no file of /etc. */
  for (size_t i = 0; c003 && m->source_via && m->source_via[i]; i++)
    if ((why = brig_host_path_refusal (m->source_via[i], &is003)) && is003 == c003)
      return xasprintf ("%s (through %s) is %s, mounted at %s", m->source, m->source_via[i], why,
                        m->dest);
  for (size_t i = 0; m->source_holds && m->source_holds[i]; i++)
    {
      const char *h = m->source_holds[i], *sp = strchr (h, ' ');
      size_t kind = sp ? (size_t)(sp - h) : 0;

      if (sp == NULL)
        continue;
      if (c003 && kind == 6 && strncmp (h, "socket", 6) == 0 && brig_engine_socket_name (sp + 1))
        return xasprintf ("%s holds %s, an engine's API socket (root on the host), mounted at %s",
                          m->source, sp + 1, m->dest);
      if (!c003)
        for (size_t k = 0; k < ARRAY_SIZE (kernel_fs); k++)
          if (strlen (kernel_fs[k]) == kind && strncmp (h, kernel_fs[k], kind) == 0)
            return xasprintf ("%s holds the host's %s filesystem at %s, mounted at %s", m->source,
                              kernel_fs[k], sp + 1, m->dest);
    }
  return NULL;
}

static bool
check_binds (const struct brig_container *c, const struct brig_policy *p, char **d, bool c003)
{
  char *s = NULL;

  for (size_t i = 0; i < c->nmounts; i++)
    {
      const struct brig_mount *m = &c->mounts[i];
      _cleanup_free_ char *why = NULL;

      if (strcmp (m->type, "bind") != 0 || m->source == NULL
          || brig_policy_allows_host_path (p, m->source))
        continue;
      if ((why = bind_refusal (m, c003)))
        str_append (&s, "; ", why);
    }
  *d = s;
  return s != NULL;
}

bool
brig_check_host_binds (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  return check_binds (c, p, d, true);
}

bool
brig_check_sensitive_binds (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  return check_binds (c, p, d, false);
}

/* Is M a bind C016 judges?  Not one into the container's /dev: that is
 * how rootless engines pass a device (--device), which nodev would make
 * unusable; devices are BRIG-C014's and the device cgroup's. */
static bool
hardened_bind (const struct brig_mount *m)
{
  return strcmp (m->type, "bind") == 0
         && !(strncmp (m->dest, "/dev", 4) == 0 && (m->dest[4] == '/' || m->dest[4] == '\0'));
}

/* The flags a bind must have under P. */
static unsigned long
required_flags (const struct brig_policy *p)
{
  return (p->allow_bind_suid ? 0 : MS_NOSUID) | (p->allow_bind_dev ? 0 : MS_NODEV);
}

bool
brig_check_bind_flags (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  unsigned long need = required_flags (p);
  char *s = NULL;

  for (size_t i = 0; i < c->nmounts; i++)
    {
      const struct brig_mount *m = &c->mounts[i];
      unsigned long miss = need & ~m->flags;

      if (!hardened_bind (m) || miss == 0)
        continue;
      {
        _cleanup_free_ char *one
            = xasprintf ("%s on %s without %s", m->source ? m->source : "?", m->dest,
                         miss == (MS_NOSUID | MS_NODEV) ? "nosuid,nodev"
                         : miss == MS_NOSUID            ? "nosuid"
                                                        : "nodev");
        str_append (&s, ", ", one);
      }
    }
  *d = s;
  return s != NULL;
}

void
brig_harden_bind_flags (struct brig_container *c, const struct brig_policy *p)
{
  unsigned long need = required_flags (p);

  for (size_t i = 0; i < c->nmounts; i++)
    if (hardened_bind (&c->mounts[i]))
      c->mounts[i].flags |= need;
}
