/* The host rules (BRIG-Vnnn) as data: the checks, then the table, each
 * row naming its check (struct brig_audit_rule.check_host).  A finding
 * points at the file that shows it (/proc/self/status:LINE:1), or at a
 * pseudo-path for what no file holds (host:cpuid, host:kernel,
 * host:docker-api). */
#include "policy/host.h"
#include "model/caps.h"
#include "util/cleanup.h"

#include <string.h>

static const struct brig_loc nowhere = { 0, 0, 0, 0 };

static void
check_shared_kernel (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                     struct brig_findings *f)
{
  const struct brig_host_virt *v = &h->virt;
  (void)today;
  if (strcmp (v->container, "none") == 0)
    return;
  brig_findings_add (f, r, v->container_src.file, v->container_src.loc,
                     "this host is a %s container (%s): its kernel is shared with every other "
                     "tenant of the machine below%s%s",
                     v->container, v->container_why, strcmp (v->vm, "none") ? ", itself a " : "",
                     strcmp (v->vm, "none") ? v->vm : "");
}

static void
check_userns (const struct brig_host *h, int today, const struct brig_audit_rule *r,
              struct brig_findings *f)
{
  const struct brig_host_kernel *k = &h->kernel;
  (void)today;
  if (k->max_user_namespaces == 0)
    brig_findings_add (f, r, k->userns_src.file, k->userns_src.loc,
                       "user.max_user_namespaces is 0: no container can have a user namespace; "
                       "root in every container is root on the host");
}

static void
check_seccomp (const struct brig_host *h, int today, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  const struct brig_host_kernel *k = &h->kernel;
  (void)today;
  if (!k->seccomp_field)
    brig_findings_add (f, r, k->seccomp_src.file, k->seccomp_src.loc,
                       "the kernel has no seccomp (no Seccomp: in /proc/self/status): every "
                       "syscall of the kernel is open to every container");
  else if (!k->seccomp_filter)
    brig_findings_add (f, r, k->seccomp_src.file, k->seccomp_src.loc,
                       "the kernel has seccomp but no filters "
                       "(/proc/sys/kernel/seccomp/actions_avail is missing): container profiles "
                       "cannot be applied");
}

static void
check_cgroup (const struct brig_host *h, int today, const struct brig_audit_rule *r,
              struct brig_findings *f)
{
  (void)today;
  if (h->kernel.cgroup == BRIG_CGROUP_V1 || h->kernel.cgroup == BRIG_CGROUP_HYBRID)
    brig_findings_add (f, r, "/sys/fs/cgroup", nowhere,
                       "cgroup %s: the controllers are version 1's, which rootless engines cannot "
                       "use and which lack v2's memory.high, io and PSI",
                       h->kernel.cgroup == BRIG_CGROUP_V1 ? "v1" : "hybrid (v1 controllers)");
}

static bool
kernel_at_least (const struct brig_host_kernel *k, int major, int minor)
{
  return k->major > major || (k->major == major && k->minor >= minor);
}

static void
check_idmap (const struct brig_host *h, int today, const struct brig_audit_rule *r,
             struct brig_findings *f)
{
  const struct brig_host_kernel *k = &h->kernel;
  (void)today;
  if (k->major && !kernel_at_least (k, 5, 12))
    brig_findings_add (f, r, "/proc/sys/kernel/osrelease", (struct brig_loc){ 1, 1, 0, 0 },
                       "kernel %s has no idmapped mounts (5.12 and later): an image must be "
                       "copied and chowned for each user namespace, or its files show as nobody",
                       k->release);
}

static void
check_landlock (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                struct brig_findings *f)
{
  const struct brig_host_kernel *k = &h->kernel;
  (void)today;
  if (k->landlock_abi == 0)
    brig_findings_add (f, r, "host:kernel", nowhere, "no landlock: %s", k->landlock_why);
}

/* The kernel series kernel.org maintains as longterm and the end of life
 * its releases page gives (YYYYMMDD), as of November 2025; a series older
 * than the newest here and not in it had only months of updates. */
static const struct
{
  int major, minor, eol;
} longterm[] = {
  { 4, 14, 20240110 }, { 4, 19, 20241205 }, { 5, 4, 20251203 },
  { 5, 10, 20261201 }, { 5, 15, 20261201 }, { 6, 1, 20271201 },
  { 6, 6, 20261201 },  { 6, 12, 20261201 }, { 6, 18, 20271201 },
};

static void
check_kernel_age (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  const struct brig_host_kernel *k = &h->kernel;
  const size_t last = ARRAY_SIZE (longterm) - 1;
  struct brig_loc at = { 1, 1, 0, 0 };

  if (k->major == 0 || kernel_at_least (k, longterm[last].major, longterm[last].minor + 1))
    return;
  for (size_t i = 0; i < ARRAY_SIZE (longterm); i++)
    if (longterm[i].major == k->major && longterm[i].minor == k->minor)
      {
        if (longterm[i].eol < today)
          brig_findings_add (f, r, "/proc/sys/kernel/osrelease", at,
                             "kernel %s: the %d.%d longterm series reached its upstream end of "
                             "life on %04d-%02d-%02d (a distribution may still patch its own "
                             "build: check its vendor's support)",
                             k->release, k->major, k->minor, longterm[i].eol / 10000,
                             longterm[i].eol / 100 % 100, longterm[i].eol % 100);
        return;
      }
  brig_findings_add (f, r, "/proc/sys/kernel/osrelease", at,
                     "kernel %s: %d.%d is not a longterm series and is older than %d.%d, so "
                     "upstream no longer fixes it (a distribution may still patch its own build)",
                     k->release, k->major, k->minor, longterm[last].major, longterm[last].minor);
}

/* Docker: the socket, the group, the daemon's and its containers' own
 * view through the API. */

static void
check_socket (const struct brig_host *h, int today, const struct brig_audit_rule *r,
              struct brig_findings *f)
{
  const struct brig_host_docker *d = &h->docker;
  (void)today;
  if (!d->socket_found)
    return;
  if (d->sock_mode & 0006)
    brig_findings_add (f, r, d->socket, nowhere,
                       "the Docker socket's mode is %04o: every user of this host can reach the "
                       "API, which is root on the host",
                       d->sock_mode);
  else if (d->sock_uid != 0 || (d->sock_gid != 0 && strcmp (d->sock_group, "docker") != 0))
    brig_findings_add (f, r, d->socket, nowhere,
                       "the Docker socket belongs to %u:%s (mode %04o), not root:docker: "
                       "whoever that is holds an API that is root on the host",
                       d->sock_uid, d->sock_group, d->sock_mode);
}

static void
check_docker_group (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  const struct brig_host_docker *d = &h->docker;
  _cleanup_free_ char *who = NULL;
  (void)today;
  if (!d->installed || d->docker_group == NULL)
    return;
  for (size_t i = 0; d->docker_group[i]; i++)
    {
      char *w = xasprintf ("%s%s%s", who ? who : "", who ? ", " : "", d->docker_group[i]);
      free (who);
      who = w;
    }
  brig_findings_add (f, r, d->group_src.file, d->group_src.loc,
                     "in the docker group: %s; each can start a privileged container, that is "
                     "be root on this host, without a password",
                     who);
}

static void
check_api_seccomp (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  (void)today;
  if (h->docker.api && !h->docker.api_seccomp)
    brig_findings_add (f, r, "host:docker-api", nowhere,
                       "the running daemon (%s) reports no seccomp in its SecurityOptions: "
                       "its containers run with every syscall open",
                       h->docker.version ? h->docker.version : "Docker");
}

static void
check_api_userns (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  (void)today;
  if (h->docker.api && !h->docker.api_userns && !h->docker.api_rootless)
    brig_findings_add (f, r, "host:docker-api", nowhere,
                       "the running daemon (%s) is neither rootless nor remapping users "
                       "(no name=userns or name=rootless in its SecurityOptions): root in its "
                       "containers is root on the host",
                       h->docker.version ? h->docker.version : "Docker");
}

/* Docker's containers, then Podman's. */
#define EACH_CONTAINER(h, c)                                                                       \
  for (int k_ = 0; k_ < 2; k_++)                                                                   \
    for (const struct brig_host_container *c                                                       \
         = k_ ? (h)->engines.podman_containers : (h)->docker.containers,                           \
         *e_ = c + (k_ ? (h)->engines.npodman_containers : (h)->docker.ncontainers);               \
         c < e_; c++)

static void
check_privileged (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  if (c->privileged)
    brig_findings_add (f, r, c->where, nowhere,
                       "container %s (%s) runs privileged: every capability, every device, no "
                       "seccomp or AppArmor",
                       c->name, c->image ? c->image : "?");
}

static void
check_engine_bind (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  for (size_t i = 0; c->binds && c->binds[i]; i++)
    {
      _cleanup_free_ char *norm = NULL;
      const char *what = brig_bind_gives_host (c->binds[i], &norm);
      /* The daemon's own socket, whatever its name. */
      if (what == NULL && h->docker.socket && strcmp (norm, h->docker.socket) == 0)
        what = norm;
      if (what)
        brig_findings_add (f, r, c->where, nowhere, "container %s has %s bound in: %s", c->name,
                           c->binds[i],
                           strcmp (what, "/") == 0 ? "the host's whole filesystem"
                                                   : "an engine's API, which is root on the host");
    }
}

static void
check_host_ns (const struct brig_host *h, int today, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  if (c->host_network || c->host_pid)
    brig_findings_add (f, r, c->where, nowhere, "container %s shares the host's %s%s%s", c->name,
                       c->host_network ? "network" : "",
                       c->host_network && c->host_pid ? " and " : "",
                       c->host_pid ? "processes (--pid host)" : " (--network host)");
}

static void
check_open_ports (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  for (size_t i = 0; c->open_ports && c->open_ports[i]; i++)
    if (c->nat)
      brig_findings_add (f, r, c->where, nowhere,
                         "container %s publishes %s on every address of the host; %s's NAT "
                         "rules let it past UFW and firewalld",
                         c->name, c->open_ports[i], c->engine ? c->engine : "Docker");
    else
      brig_findings_add (f, r, c->where, nowhere,
                         "container %s publishes %s on every address of the host", c->name,
                         c->open_ports[i]);
}

static void
check_cap_add (const struct brig_host *h, int today, const struct brig_audit_rule *r,
               struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  for (size_t i = 0; c->cap_add && c->cap_add[i]; i++)
    brig_findings_add (f, r, c->where, nowhere, "container %s was given %s", c->name,
                       c->cap_add[i]);
}

static void
check_unconfined (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  if (c->seccomp_unconfined && !c->privileged)
    brig_findings_add (f, r, c->where, nowhere,
                       "container %s runs with seccomp=unconfined: every syscall is open to it",
                       c->name);
}

/* The packet filter. */

static void
check_docker_user (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  const struct brig_host_firewall *fw = &h->firewall;
  (void)today;
  if (fw->read && fw->docker_user_line && fw->docker_user_rules == 0)
    brig_findings_add (f, r, fw->source, (struct brig_loc){ fw->docker_user_line, 1, 0, 0 },
                       "the DOCKER-USER chain has no rule: nothing but Docker's own rules stands "
                       "between every network and the published ports");
}

static void
check_icc_rules (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  const struct brig_host_firewall *fw = &h->firewall;
  (void)today;
  if (fw->read && fw->icc_accept_line && !fw->icc_drop_line)
    brig_findings_add (f, r, fw->source, (struct brig_loc){ fw->icc_accept_line, 1, 0, 0 },
                       "traffic from docker0 to docker0 is accepted: containers on the default "
                       "bridge reach each other's ports");
}

static void
check_firewall_bypass (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  const struct brig_host_firewall *fw = &h->firewall;
  const char *which = fw->ufw ? "UFW" : "firewalld";
  bool any = false;
  (void)today;
  if (!fw->ufw && !fw->firewalld)
    return;
  EACH_CONTAINER (h, c)
  for (size_t i = 0; c->nat && c->open_ports && c->open_ports[i]; i++)
    {
      any = true;
      brig_findings_add (f, r, c->where, nowhere,
                         "%s is on (%s) but container %s publishes %s: %s's NAT rules come "
                         "before %s's, which never see that traffic",
                         which, fw->firewall_file, c->name, c->open_ports[i],
                         c->engine ? c->engine : "Docker", which);
    }
  if (!any && fw->read && fw->dnat_open_line)
    brig_findings_add (f, r, fw->source, (struct brig_loc){ fw->dnat_open_line, 1, 0, 0 },
                       "%s is on (%s) but Docker forwards %s from every address: its NAT rules "
                       "come before %s's, which never see that traffic",
                       which, fw->firewall_file, fw->dnat_open, which);
}

static void
check_limits (const struct brig_host *h, int today, const struct brig_audit_rule *r,
              struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  if (c->memory <= 0 || c->pids_limit <= 0)
    brig_findings_add (
        f, r, c->where, nowhere,
        "container %s runs without a %s%s%s limit: it can take the host's %s", c->name,
        c->memory <= 0 ? "memory" : "", c->memory <= 0 && c->pids_limit <= 0 ? " or " : "",
        c->pids_limit <= 0 ? "pids" : "", c->memory <= 0 ? "memory" : "process table");
}

static void
check_rw_rootfs (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                 struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  if (!c->readonly_rootfs)
    brig_findings_add (f, r, c->where, nowhere,
                       "container %s has a writable root filesystem: whoever takes it can "
                       "change its programs",
                       c->name);
}

static void
check_nnp (const struct brig_host *h, int today, const struct brig_audit_rule *r,
           struct brig_findings *f)
{
  (void)today;
  EACH_CONTAINER (h, c)
  if (!c->no_new_privileges && !c->privileged)
    brig_findings_add (f, r, c->where, nowhere,
                       "container %s has no no-new-privileges in its SecurityOpt: setuid "
                       "programs in it raise privileges (unless the daemon's default, "
                       "daemon.json's no-new-privileges, applies: BRIG-H013)",
                       c->name);
}

/* Podman's containers.conf and containerd's config.toml. */

static bool
set_to (const struct brig_host_setting *x, const char *v)
{
  return x->value && strcmp (x->value, v) == 0;
}

static void
check_podman_seccomp (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                      struct brig_findings *f)
{
  const struct brig_host_setting *x = &h->engines.seccomp_profile;
  (void)today;
  if (set_to (x, "unconfined"))
    brig_findings_add (f, r, x->file, x->loc,
                       "seccomp_profile is \"unconfined\": Podman's containers get no syscall "
                       "filter unless each asks for one");
}

static void
check_podman_apparmor (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                       struct brig_findings *f)
{
  const struct brig_host_setting *x = &h->engines.apparmor_profile;
  (void)today;
  if (set_to (x, "unconfined"))
    brig_findings_add (f, r, x->file, x->loc,
                       "apparmor_profile is \"unconfined\": Podman's containers run without "
                       "AppArmor");
}

static void
check_podman_label (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                    struct brig_findings *f)
{
  const struct brig_host_setting *x = &h->engines.label;
  (void)today;
  if (set_to (x, "false"))
    brig_findings_add (f, r, x->file, x->loc,
                       "label is false: Podman's containers are not separated by SELinux labels");
}

static void
check_podman_caps (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                   struct brig_findings *f)
{
  const struct brig_host_setting *x = &h->engines.default_capabilities;
  (void)today;
  if (x->value == NULL)
    return;
  for (const char *p = x->value; (p = strchr (p, '"'));)
    {
      const char *end = strchr (p + 1, '"');
      _cleanup_free_ char *name = NULL;
      size_t n;
      int cap;
      if (end == NULL)
        break;
      p++;
      if (strncmp (p, "CAP_", 4) == 0)
        p += 4;
      n = (size_t)(end - p);
      name = xstrndup (p, n);
      cap = brig_cap_from_name (name);
      if (cap < 0 || !(brig_engine_default_caps ("podman") & (UINT64_C (1) << cap)))
        brig_findings_add (f, r, x->file, x->loc,
                           "default_capabilities has %.*s, beyond Podman's own default set: "
                           "every container gets it",
                           (int)n, p);
      p = end + 1;
    }
}

static void
check_podman_userns (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                     struct brig_findings *f)
{
  const struct brig_host_engines *e = &h->engines;
  const struct brig_host_setting *x = &e->userns;
  (void)today;
  if (!e->podman)
    return;
  if (x->value == NULL)
    brig_findings_add (f, r, e->podman_file, nowhere,
                       "no userns in [containers] (Podman's default is host): root in a rootful "
                       "Podman container is root on the host");
  else if (strcmp (x->value, "host") == 0 || x->value[0] == '\0')
    brig_findings_add (f, r, x->file, x->loc,
                       "userns is \"%s\": root in a rootful Podman container is root on the host",
                       x->value);
}

static void
check_containerd_apparmor (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                           struct brig_findings *f)
{
  const struct brig_host_setting *x = &h->engines.disable_apparmor;
  (void)today;
  if (set_to (x, "true"))
    brig_findings_add (f, r, x->file, x->loc,
                       "disable_apparmor is true: containerd's CRI runs every pod without "
                       "AppArmor, whatever the pod asks");
}

static void
check_file_modes (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                  struct brig_findings *f)
{
  const struct brig_host_files *fs = &h->files;
  (void)today;
  for (size_t i = 0; i < fs->nowned; i++)
    {
      const struct brig_host_file *x = &fs->owned[i];
      if (x->uid != 0 || x->gid != 0)
        brig_findings_add (f, r, x->path, nowhere,
                           "%s belongs to %u:%u, not root:root (CIS Docker %s): its owner can "
                           "change how Docker runs every container",
                           x->path, x->uid, x->gid, x->cis);
      if (x->mode & ~x->max_mode)
        brig_findings_add (f, r, x->path, nowhere,
                           "%s has mode %04o, more than %04o (CIS Docker %s): whoever else may "
                           "write or read it can change or read how Docker runs",
                           x->path, x->mode, x->max_mode, x->cis);
    }
}

static void
check_audit_watches (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                     struct brig_findings *f)
{
  const struct brig_host_files *fs = &h->files;
  _cleanup_free_ char *all = NULL;
  (void)today;
  for (size_t i = 0; i < fs->nwatch; i++)
    if (fs->audit_rules && !fs->watch[i].watched)
      brig_findings_add (f, r, fs->audit_source, nowhere,
                         "%s is not watched by auditd (CIS Docker %s): a change to it leaves no "
                         "record",
                         fs->watch[i].path, fs->watch[i].cis);
    else if (!fs->audit_rules)
      {
        char *a = xasprintf ("%s%s%s", all ? all : "", all ? ", " : "", fs->watch[i].path);
        free (all);
        all = a;
      }
  /* No rules at all: one finding, not one per file. */
  if (all)
    brig_findings_add (f, r, fs->audit_source, nowhere,
                       "no audit rules (no /etc/audit/audit.rules or rules.d/*.rules): none of "
                       "Docker's files is watched (CIS Docker 1.1.3-1.1.18): %s",
                       all);
}

#define R(id_, title_, sev, control_, why_, fix_, refs_, check)                                    \
  {                                                                                                \
    .id = id_, .title = title_, .severity = sev, .control = control_, .level = BRIG_PSS_NONE,      \
    .why = why_, .fix = fix_, .refs = refs_, .check_host = check                                   \
  }

static const struct brig_audit_rule rules[] = {
  R ("BRIG-V001", "host on a shared kernel", BRIG_SEV_HIGH, "virtualisation",
     "A container host that is itself a container (OpenVZ, LXC, Docker, Podman, WSL) shares its "
     "kernel with the other tenants of the machine: one kernel exploit in any of them reaches "
     "every container here, and no setting on this host can change that.  Bare metal and "
     "virtual machines (KVM, Xen, VMware, Hyper-V...) have a kernel of their own and are not "
     "findings.",
     "Run containers on a virtual machine or on bare metal, not inside another container.",
     "brig hardening guide: hosts on real virtualisation rather than a shared kernel",
     check_shared_kernel),
  R ("BRIG-V002", "user namespaces disabled", BRIG_SEV_MEDIUM, "user.max_user_namespaces",
     "Without user namespaces no container can map its root to an unprivileged host user: "
     "root in a container is root on the host, and brig run cannot start at all.",
     "sysctl -w user.max_user_namespaces=15000 (and in /etc/sysctl.d/).",
     "CIS Docker 2.9 (userns-remap needs them)", check_userns),
  R ("BRIG-V003", "no seccomp filters", BRIG_SEV_HIGH, "seccomp",
     "Without seccomp filters (CONFIG_SECCOMP_FILTER) no engine can narrow the syscalls a "
     "container may make: Docker's default profile, brig's and every other silently do "
     "nothing.",
     "Boot a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER (every distribution "
     "kernel is).",
     "CIS Docker 5.22", check_seccomp),
  R ("BRIG-V004", "cgroup v1 controllers", BRIG_SEV_LOW, "cgroup",
     "On cgroup v1 (or hybrid, v1 controllers with an empty v2 tree) limits cannot be delegated "
     "to rootless engines, and v2's memory.high, io limits and pressure stall information are "
     "missing.",
     "Boot with systemd.unified_cgroup_hierarchy=1 (the default of current distributions).",
     "Docker and Podman rootless documentation (cgroup v2 for limits)", check_cgroup),
  R ("BRIG-V005", "no idmapped mounts", BRIG_SEV_LOW, "kernel",
     "Idmapped mounts (Linux 5.12) let an image's files be owned by a container's mapped root "
     "without copying them: without them, engines chown a copy per user namespace or give up "
     "user namespaces.",
     "Run a kernel of 5.12 or later.", "brig run: the idmapped read-only root", check_idmap),
  R ("BRIG-V006", "no landlock", BRIG_SEV_LOW, "lsm",
     "Landlock lets unprivileged programs (a runtime, a container's own process) confine their "
     "file access further; without it that layer is missing.",
     "Run a kernel of 5.13 or later with landlock in its lsm= list (CONFIG_LSM).",
     "kernel documentation: userspace-api/landlock", check_landlock),
  R ("BRIG-V007", "kernel past its end of life", BRIG_SEV_MEDIUM, "kernel",
     "A kernel series upstream no longer maintains gets no fixes from kernel.org: container "
     "escapes found later stay open unless the distribution patches its own build.",
     "Upgrade to a maintained longterm kernel (kernel.org/category/releases.html) or to your "
     "distribution's supported one.",
     "CIS Docker Benchmark 1.2.1 (host hardening); kernel.org releases", check_kernel_age),
  R ("BRIG-V010", "Docker socket open beyond root:docker", BRIG_SEV_CRITICAL, "docker.sock",
     "The Docker API is root on the host: a socket others can write, or owned by a user or group "
     "other than root and docker, hands that to them.",
     "chown root:docker /var/run/docker.sock; chmod 660 (docker.socket's SocketMode=0660, "
     "SocketGroup=docker).",
     "CIS Docker 3.15, 3.16; docker-bench-security 3.15, 3.16", check_socket),
  R ("BRIG-V011", "users in the docker group", BRIG_SEV_MEDIUM, "docker group",
     "A member of the docker group can run docker run --privileged -v /:/host: root on the host "
     "without sudo, a password or a log line.",
     "Keep the group empty (gpasswd -d USER docker) and give the API through sudo, or run "
     "Docker rootless per user.",
     "CIS Docker Benchmark 1.1.2; docker-bench-security 1.1.2", check_docker_group),
  R ("BRIG-V012", "daemon without seccomp", BRIG_SEV_HIGH, "SecurityOptions",
     "The running daemon reports no seccomp: whatever daemon.json says, its containers get no "
     "syscall filter.",
     "Run a dockerd built with seccomp on a kernel that has it; remove \"seccomp-profile\": "
     "\"unconfined\".",
     "CIS Docker 2.17, 5.22; brig audit: BRIG-H016 (the file)", check_api_seccomp),
  R ("BRIG-V013", "daemon without user namespaces", BRIG_SEV_MEDIUM, "SecurityOptions",
     "The running daemon neither remaps users nor runs rootless: uid 0 in its containers is uid "
     "0 on the host, one escape from owning it.",
     "\"userns-remap\": \"default\" in daemon.json and restart dockerd, or run Docker rootless.",
     "CIS Docker 2.9; brig audit: BRIG-H008 (the file)", check_api_userns),
  R ("BRIG-V014", "privileged container running", BRIG_SEV_CRITICAL, "Privileged",
     "A privileged container has every capability and every device of the host: it is root on "
     "the host.",
     "Recreate it without --privileged, with the one capability or device it needs.",
     "CIS Docker 5.5; brig run: BRIG-C001", check_privileged),
  R ("BRIG-V015", "engine socket or / bound into a container", BRIG_SEV_CRITICAL, "Mounts",
     "A container with the engine's socket (or the host's root) bound in controls the host.",
     "Recreate it without the bind; give it a narrow proxy of the API if it must have one.",
     "CIS Docker 5.32; brig audit: BRIG-C003", check_engine_bind),
  R ("BRIG-V016", "container in the host's namespaces", BRIG_SEV_HIGH, "NetworkMode",
     "--network host gives a container every interface and port of the host, its loopback "
     "services included; --pid host lets it see and signal every process.",
     "Recreate it on its own network (publish the ports it serves) and its own pid namespace.",
     "CIS Docker 5.10, 5.16; brig run: BRIG-C002", check_host_ns),
  R ("BRIG-V017", "port published on every address", BRIG_SEV_MEDIUM, "PortBindings",
     "A port Docker publishes on 0.0.0.0 is reachable from every network the host is on, and "
     "Docker's own iptables rules come before UFW's and firewalld's: they do not stop it.",
     "Publish on one address (-p 127.0.0.1:8080:80), or filter in the DOCKER-USER chain.",
     "CIS Docker 5.14; brig audit: BRIG-R004", check_open_ports),
  R ("BRIG-V018", "capability added to a container", BRIG_SEV_MEDIUM, "CapAdd",
     "Each capability added widens what a root process in the container can do to the kernel "
     "and the host.",
     "Recreate it with --cap-drop ALL and only the capabilities it cannot run without.",
     "CIS Docker 5.4; brig run: BRIG-C005", check_cap_add),
  R ("BRIG-V019", "container without seccomp", BRIG_SEV_HIGH, "SecurityOpt",
     "seccomp=unconfined leaves every syscall of the kernel open to the container.",
     "Recreate it without --security-opt seccomp=unconfined.",
     "CIS Docker 5.22; brig run: BRIG-C004", check_unconfined),
  R ("BRIG-V020", "DOCKER-USER filters nothing", BRIG_SEV_LOW, "DOCKER-USER",
     "DOCKER-USER is the one chain Docker leaves to the administrator, evaluated before its own "
     "forwarding rules: empty, every network the host is on reaches every published port.",
     "Add rules to DOCKER-USER: iptables -I DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP "
     "(the sources that may reach the containers), saved with the host's firewall.",
     "Docker documentation: packet filtering and firewalls (DOCKER-USER)", check_docker_user),
  R ("BRIG-V021", "inter-container traffic accepted", BRIG_SEV_MEDIUM, "FORWARD",
     "The kernel's rules let containers on the default bridge reach each other's every port: "
     "one compromised container scans and attacks its neighbours.",
     "\"icc\": false in daemon.json (Docker then writes a DROP for docker0 to docker0), and "
     "user-defined networks for the containers that must talk.",
     "CIS Docker 2.2; brig audit: BRIG-H001 (the file)", check_icc_rules),
  R ("BRIG-V022", "published port bypasses the host firewall", BRIG_SEV_HIGH, "iptables",
     "Docker's DNAT happens in PREROUTING, before UFW's or firewalld's INPUT rules: a port "
     "published on every address is open to the world whatever the host firewall says.",
     "Publish on 127.0.0.1 (-p 127.0.0.1:8080:80) behind a proxy, or filter in DOCKER-USER "
     "(ufw-docker or firewalld's docker zone).",
     "Docker documentation: Docker and ufw; CIS Docker 5.14", check_firewall_bypass),
  R ("BRIG-V023", "container without memory or pids limit", BRIG_SEV_MEDIUM, "Memory",
     "A running container without a memory or pids limit can exhaust the host's memory or "
     "process table: a leak or a fork bomb in one takes down every other.",
     "Recreate it with --memory and --pids-limit (brig run's defaults: 512m, 1024).",
     "CIS Docker 5.11, 5.29; brig run: BRIG-C010", check_limits),
  R ("BRIG-V024", "container root filesystem writable", BRIG_SEV_LOW, "ReadonlyRootfs",
     "A writable root filesystem lets whoever takes the container change its programs and "
     "keep a foothold.",
     "Recreate it with --read-only and a tmpfs where it writes (--tmpfs /tmp).",
     "CIS Docker 5.13; brig run: BRIG-C008", check_rw_rootfs),
  R ("BRIG-V025", "container may gain privileges", BRIG_SEV_MEDIUM, "SecurityOpt",
     "Without no-new-privileges, setuid and file-capability programs in the container raise "
     "the privileges of whoever runs them.",
     "Recreate it with --security-opt no-new-privileges, or set the daemon's default "
     "(\"no-new-privileges\": true).",
     "CIS Docker 5.26; brig run: BRIG-C007", check_nnp),
  R ("BRIG-V030", "Podman's default seccomp off", BRIG_SEV_HIGH, "seccomp_profile",
     "containers.conf's seccomp_profile applies to every Podman container that names none; "
     "unconfined leaves every syscall open to them.",
     "Remove seccomp_profile (Podman's default profile applies), or name a profile file.",
     "CIS Docker 5.22 (the same advice for Podman); brig audit: BRIG-H016 (Docker)",
     check_podman_seccomp),
  R ("BRIG-V031", "Podman's default AppArmor off", BRIG_SEV_MEDIUM, "apparmor_profile",
     "apparmor_profile = \"unconfined\" runs every Podman container without the AppArmor "
     "profile that stops writes to /proc and /sys and mounts.",
     "Remove apparmor_profile (containers-default applies).",
     "CIS Docker 5.2 (the same advice for Podman)", check_podman_apparmor),
  R ("BRIG-V032", "Podman's SELinux separation off", BRIG_SEV_MEDIUM, "label",
     "label = false runs Podman's containers without their SELinux labels: on an SELinux host, "
     "the wall between containers and the host's files is gone.",
     "Remove label = false (true is the default).", "CIS Docker 5.3 (the same advice for Podman)",
     check_podman_label),
  R ("BRIG-V033", "Podman's default capabilities widened", BRIG_SEV_MEDIUM, "default_capabilities",
     "A capability in containers.conf's default_capabilities is given to every Podman "
     "container that does not drop it.",
     "Keep default_capabilities to Podman's own list (or fewer); add a capability to the one "
     "container that needs it (--cap-add).",
     "CIS Docker 5.4 (the same advice for Podman)", check_podman_caps),
  R ("BRIG-V034", "Podman without user namespaces by default", BRIG_SEV_MEDIUM, "userns",
     "Rootful Podman runs containers in the host's user namespace unless told otherwise: uid 0 "
     "in them is uid 0 on the host.",
     "userns = \"auto\" in [containers] (Podman picks a free range from /etc/subuid for each "
     "container), or run Podman rootless.",
     "CIS Docker 2.9 (the same advice for Podman); brig audit: BRIG-H008 (Docker)",
     check_podman_userns),
  R ("BRIG-V035", "containerd's AppArmor off", BRIG_SEV_MEDIUM, "disable_apparmor",
     "disable_apparmor = true in containerd's CRI plugin runs every pod without AppArmor, "
     "whatever its securityContext asks.",
     "Remove disable_apparmor (false is the default) where the host has AppArmor.",
     "Kubernetes Pod Security Standards: appArmorProfile", check_containerd_apparmor),
  R ("BRIG-V040", "Docker file not root's or too open", BRIG_SEV_MEDIUM, "owner and mode",
     "Docker's unit files, /etc/docker, daemon.json and its TLS and registry certificates, "
     "/etc/default/docker and containerd's socket decide how every container runs: a user who "
     "owns or may write one of them (or read a TLS key) can make the daemon run anything as "
     "root.",
     "chown root:root FILE; chmod it to the mode the message names or less (644 for unit and "
     "config files, 755 for /etc/docker, 444 for certificates, 400 for keys, 660 for "
     "containerd.sock).",
     "CIS Docker 3.1-3.14, 3.17-3.24; docker-bench-security 3.1-3.14, 3.17-3.24", check_file_modes),
  R ("BRIG-V041", "Docker file not watched by auditd", BRIG_SEV_LOW, "audit rules",
     "Without an audit rule on dockerd, containerd, runc, their unit files, /etc/docker and "
     "/var/lib/docker, a change to the daemon, its configuration or its state leaves no "
     "record to investigate.",
     "Add a watch per file to /etc/audit/rules.d/docker.rules, e.g. `-w /usr/bin/dockerd -k "
     "docker`, and load it with augenrules --load.",
     "CIS Docker 1.1.3-1.1.18; docker-bench-security 1.1.3-1.1.18", check_audit_watches),
};

const struct brig_audit_rule *
brig_host_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

void
brig_audit_host (const struct brig_host *h, int today, struct brig_findings *f)
{
  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    rules[i].check_host (h, today, &rules[i], f);
}
