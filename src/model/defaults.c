/* The hardened defaults, and how a container departs from them. */
#include "model/caps.h"
#include "model/container.h"
#include "util/cleanup.h"

#include <string.h>
#include <strings.h>
#include <sys/mount.h>

/* Paths masked with an empty, read-only object (the OCI and Docker lists,
 * plus the side channels Docker added). */
const char *const brig_default_masked_paths[] = {
  "/proc/acpi",
  "/proc/asound",
  "/proc/interrupts",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/sys/devices/virtual/powercap",
  "/sys/firmware",
  NULL,
};

const char *const brig_default_readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

const struct brig_default_node brig_default_nodes[] = {
  { "null", 1, 3 },    { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 },
  { "urandom", 1, 9 }, { "tty", 5, 0 },  { NULL, 0, 0 },
};

bool
brig_device_node_is_default (const struct brig_device_node *n)
{
  if (n->type != 'c' && n->type != 'u')
    return false;
  for (size_t i = 0; brig_default_nodes[i].name; i++)
    if (n->major == brig_default_nodes[i].major && n->minor == brig_default_nodes[i].minor)
      return true;
  return false;
}

void
brig_device_node_release (struct brig_device_node *n)
{
  free (n->path);
  memset (n, 0, sizeof *n);
}

static void
add_mount (struct brig_container *c, const char *dest, const char *type, unsigned long flags,
           const char *const *data)
{
  struct brig_mount m
      = { xstrdup (dest), xstrdup (type), xstrdup (type), flags, strv_copy ((char *const *)data) };
  brig_container_set_mount (c, &m);
}

struct brig_container *
brig_container_new_hardened (void)
{
  static const char *const dev[] = { "mode=755", "size=65536", NULL };
  static const char *const pts[] = { "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  static const char *const shm[] = { "mode=1777", "size=67108864", NULL };
  static const char *const tmp[] = { "mode=1777", "size=67108864", NULL };
  static const char *const run[] = { "mode=755", "size=67108864", NULL };
  const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  struct brig_container *c = xcalloc (1, sizeof *c);

  c->readonly_rootfs = true;
  c->no_new_privs = true;
  c->seccomp = brig_seccomp_default ();
  c->namespaces = BRIG_NS_ALL;
  c->uidmap[0] = (struct brig_idmap){ 0, BRIG_DEFAULT_USERNS_BASE, BRIG_DEFAULT_USERNS_SIZE };
  c->nuidmap = 1;
  c->gidmap[0] = c->uidmap[0];
  c->ngidmap = 1;
  c->umask = -1;
  c->limits.memory = BRIG_DEFAULT_MEMORY;
  c->limits.memory_swap = BRIG_DEFAULT_MEMORY; /* no swap on top */
  c->limits.pids = BRIG_DEFAULT_PIDS;
  c->cwd = xstrdup ("/");
  add_mount (c, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  /* /dev: filled with the default devices, then read-only. */
  add_mount (c, "/dev", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NOEXEC, dev);
  add_mount (c, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, pts);
  add_mount (c, "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm);
  add_mount (c, "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  add_mount (c, "/sys", "sysfs", ro, NULL);
  add_mount (c, "/sys/fs/cgroup", "cgroup", ro, NULL);
  add_mount (c, "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmp);
  add_mount (c, "/run", "tmpfs", MS_NOSUID | MS_NODEV, run);
  c->masked_paths = strv_copy ((char *const *)brig_default_masked_paths);
  c->readonly_paths = strv_copy ((char *const *)brig_default_readonly_paths);
  brig_container_default_devices (c);
  brig_container_setenv (c, "PATH=" BRIG_DEFAULT_PATH);
  return c;
}

void
brig_container_default_devices (struct brig_container *c)
{
  static const struct brig_device_rule rules[] = {
    { true, 'c', 1, 3, "rwm" },    /* null */
    { true, 'c', 1, 5, "rwm" },    /* zero */
    { true, 'c', 1, 7, "rwm" },    /* full */
    { true, 'c', 1, 8, "rwm" },    /* random */
    { true, 'c', 1, 9, "rwm" },    /* urandom */
    { true, 'c', 5, 0, "rwm" },    /* tty */
    { true, 'c', 5, 2, "rwm" },    /* ptmx */
    { true, 'c', 136, -1, "rwm" }, /* pts */
  };
  free (c->devices);
  c->devices = xmalloc (sizeof rules);
  memcpy (c->devices, rules, sizeof rules);
  c->ndevices = ARRAY_SIZE (rules);
}

struct brig_device_rule *
brig_container_cgroup_devices (const struct brig_container *c, size_t *ret_n)
{
  struct brig_device_rule *r;
  size_t n = 0;

  *ret_n = 0;
  if (c->ndevices == 0)
    return NULL;
  r = xreallocarray (NULL, c->ndevices + c->nnodes, sizeof *r);
  memcpy (r, c->devices, c->ndevices * sizeof *r);
  n = c->ndevices;
  for (size_t i = 0; i < c->nnodes; i++)
    if (c->nodes[i].type != 'p')
      r[n++] = (struct brig_device_rule){ true, c->nodes[i].type == 'b' ? 'b' : 'c',
                                          c->nodes[i].major, c->nodes[i].minor, "rwm" };
  *ret_n = n;
  return r;
}

void
brig_container_free (struct brig_container *c)
{
  if (c == NULL)
    return;
  free (c->id);
  free (c->name);
  free (c->hostname);
  free (c->image);
  free (c->rootfs);
  strv_free (c->argv);
  strv_free (c->env);
  free (c->cwd);
  free (c->image_user);
  free (c->groups);
  brig_seccomp_free (c->seccomp);
  free (c->rlimits);
  for (size_t i = 0; i < c->nmounts; i++)
    brig_mount_release (&c->mounts[i]);
  free (c->mounts);
  strv_free (c->masked_paths);
  strv_free (c->readonly_paths);
  strv_free (c->sysctl);
  for (size_t i = 0; i < ARRAY_SIZE (c->ns_path); i++)
    free (c->ns_path[i]);
  free (c->cgroups_path);
  free (c->apparmor_profile);
  free (c->selinux_label);
  for (size_t k = 0; k < BRIG_HOOK_KINDS; k++)
    {
      brig_hooks_free (c->hooks[k], c->nhooks[k]);
    }
  strv_free (c->annotations);
  free (c->devices);
  for (size_t i = 0; i < c->nnodes; i++)
    brig_device_node_release (&c->nodes[i]);
  free (c->nodes);
  free (c->unsupported);
  strv_free (c->warnings);
  free (c->net_peer);
  free (c->ports);
  strv_free (c->dns);
  strv_free (c->dns_search);
  strv_free (c->dns_options);
  strv_free (c->extra_hosts);
  for (size_t i = 0; i < c->ngen_files; i++)
    {
      free (c->gen_files[i].dest);
      free (c->gen_files[i].text);
    }
  free (c->gen_files);
  free (c);
}

bool
brig_idmap_contains (const struct brig_idmap *maps, size_t n, uint32_t id)
{
  for (size_t i = 0; i < n; i++)
    if (id >= maps[i].inside && id - maps[i].inside < maps[i].count)
      return true;
  return false;
}

struct brig_capsets
brig_capsets_uniform (uint64_t set, bool root)
{
  return (struct brig_capsets){ set, set, set, root ? 0 : set, root ? 0 : set };
}

void
brig_hooks_free (struct brig_hook *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].path);
      strv_free (h[i].args);
      strv_free (h[i].env);
    }
  free (h);
}

void
brig_mount_release (struct brig_mount *m)
{
  free (m->dest);
  free (m->type);
  free (m->source);
  strv_free (m->data);
  free (m->uidmap);
  free (m->gidmap);
  strv_free (m->source_via);
  strv_free (m->source_holds);
  free (m->volume);
  memset (m, 0, sizeof *m);
}

void
brig_container_set_mount (struct brig_container *c, struct brig_mount *m)
{
  for (size_t i = 0; i < c->nmounts; i++)
    if (strcmp (c->mounts[i].dest, m->dest) == 0)
      {
        brig_mount_release (&c->mounts[i]);
        c->mounts[i] = *m;
        return;
      }
  c->mounts = xreallocarray (c->mounts, c->nmounts + 1, sizeof *c->mounts);
  c->mounts[c->nmounts++] = *m;
}

void
brig_container_add_mount_early (struct brig_container *c, struct brig_mount *m)
{
  size_t n = strlen (m->dest), at = c->nmounts;

  if (brig_container_mount_at (c, m->dest))
    {
      brig_container_set_mount (c, m);
      return;
    }
  for (size_t i = 0; i < c->nmounts; i++)
    if (strncmp (c->mounts[i].dest, m->dest, n) == 0 && c->mounts[i].dest[n] == '/')
      {
        at = i;
        break;
      }
  c->mounts = xreallocarray (c->mounts, c->nmounts + 1, sizeof *c->mounts);
  memmove (&c->mounts[at + 1], &c->mounts[at], (c->nmounts - at) * sizeof *c->mounts);
  c->mounts[at] = *m;
  c->nmounts++;
}

const struct brig_mount *
brig_container_mount_at (const struct brig_container *c, const char *dest)
{
  for (size_t i = 0; i < c->nmounts; i++)
    if (strcmp (c->mounts[i].dest, dest) == 0)
      return &c->mounts[i];
  return NULL;
}

void
brig_container_set_rlimit (struct brig_container *c, const struct brig_rlimit *r)
{
  for (size_t i = 0; i < c->nrlimits; i++)
    if (c->rlimits[i].resource == r->resource)
      {
        c->rlimits[i] = *r;
        return;
      }
  c->rlimits = xreallocarray (c->rlimits, c->nrlimits + 1, sizeof *c->rlimits);
  c->rlimits[c->nrlimits++] = *r;
}

void
brig_container_setenv (struct brig_container *c, const char *kv)
{
  const char *eq = strchr (kv, '=');
  size_t n = eq ? (size_t)(eq - kv) : strlen (kv);

  for (size_t i = 0; c->env && c->env[i]; i++)
    if (strncmp (c->env[i], kv, n) == 0 && c->env[i][n] == '=')
      {
        free (c->env[i]);
        c->env[i] = xstrdup (kv);
        return;
      }
  strv_push (&c->env, xstrdup (kv));
}

static void
relax (struct brig_relaxation **r, size_t *n, const char *kind, char *detail)
{
  *r = xreallocarray (*r, *n + 1, sizeof **r);
  (*r)[(*n)++] = (struct brig_relaxation){ kind, detail };
}

struct brig_relaxation *
brig_container_relaxations (const struct brig_container *c, size_t *ret_n)
{
  struct brig_relaxation *r = NULL;
  size_t n = 0;

  if (c->caps.bounding | c->caps.effective | c->caps.permitted | c->caps.inheritable
      | c->caps.ambient)
    relax (&r, &n, "cap-add",
           brig_caps_format (c->caps.bounding | c->caps.effective | c->caps.permitted
                             | c->caps.inheritable | c->caps.ambient));
  if (!c->no_new_privs)
    relax (&r, &n, "no-new-privileges", xstrdup ("off"));
  if (c->seccomp == NULL)
    relax (&r, &n, "seccomp", xstrdup ("unconfined"));
  else if (strcmp (c->seccomp->source, "builtin:default") != 0)
    relax (&r, &n, "seccomp", xasprintf ("custom profile %s", c->seccomp->source));
  if (!c->readonly_rootfs)
    relax (&r, &n, "rw-rootfs", xstrdup ("root filesystem writable"));
  if (c->limits.memory == BRIG_UNLIMITED)
    relax (&r, &n, "memory", xstrdup ("unlimited"));
  if (c->limits.memory_swap == BRIG_UNLIMITED)
    relax (&r, &n, "memory-swap", xstrdup ("unlimited"));
  if (c->limits.pids == BRIG_UNLIMITED)
    relax (&r, &n, "pids-limit", xstrdup ("unlimited"));
  if ((c->namespaces & BRIG_NS_ALL) != BRIG_NS_ALL)
    relax (&r, &n, "namespaces", xasprintf ("0x%x", c->namespaces));
  for (size_t i = 0; i < c->nmounts; i++)
    if (strcmp (c->mounts[i].type, "tmpfs") == 0 && strcmp (c->mounts[i].dest, "/dev") != 0
        && (!(c->mounts[i].flags & MS_NOSUID) || !(c->mounts[i].flags & MS_NODEV)))
      relax (&r, &n, "tmpfs", xasprintf ("%s without nosuid,nodev", c->mounts[i].dest));
  for (size_t i = 0; i < c->nmounts; i++)
    {
      const struct brig_mount *m = &c->mounts[i];
      char *what = NULL;

      if (strcmp (m->type, "bind") != 0)
        continue;
      if (!(m->flags & MS_RDONLY))
        str_append (&what, ",", "writable");
      if (!(m->flags & MS_NOSUID))
        str_append (&what, ",", "suid");
      if (!(m->flags & MS_NODEV))
        str_append (&what, ",", "dev");
      if (what)
        {
          relax (&r, &n, "volume",
                 xasprintf ("%s on %s: %s",
                            m->volume   ? m->volume
                            : m->source ? m->source
                                        : "?",
                            m->dest, what));
          free (what);
        }
    }
  if (c->netmode != BRIG_NET_NONE)
    relax (&r, &n, "network", xstrdup (brig_netmode_name (c->netmode)));
  for (size_t i = 0; i < c->nports; i++)
    if (brig_port_is_exposed (&c->ports[i]))
      relax (&r, &n, "publish", brig_port_format (&c->ports[i]));
  *ret_n = n;
  return r;
}

void
brig_relaxations_free (struct brig_relaxation *r, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (r[i].detail);
  free (r);
}

static const char *const netmode_names[] = {
  [BRIG_NET_NONE] = "none", [BRIG_NET_PRIVATE] = "private",     [BRIG_NET_BRIDGE] = "bridge",
  [BRIG_NET_HOST] = "host", [BRIG_NET_CONTAINER] = "container",
};

const char *
brig_netmode_name (enum brig_netmode m)
{
  return netmode_names[m];
}

char *
brig_port_format (const struct brig_port *p)
{
  bool v6 = strchr (p->host_ip, ':') != NULL;
  return xasprintf ("%s%s%s%s%u:%u/%s", v6 ? "[" : "", p->host_ip, v6 ? "]" : "",
                    p->host_ip[0] ? ":" : "", (unsigned)p->host_port, (unsigned)p->container_port,
                    p->udp ? "udp" : "tcp");
}

bool
brig_port_is_exposed (const struct brig_port *p)
{
  return p->host_ip[0] != '\0' && !str_has_prefix (p->host_ip, "127.")
         && strcmp (p->host_ip, "::1") != 0;
}

bool
brig_user_is_root (const char *u)
{
  size_t n = u ? strcspn (u, ":") : 0;
  bool zero = true;

  for (size_t i = 0; i < n; i++)
    zero &= u[i] == '0';
  return zero || (n == 4 && strncmp (u, "root", 4) == 0)
         || (n == 22 && strncasecmp (u, "ContainerAdministrator", 22) == 0);
}
