/* The host rules (BRIG-Vnnn), one per check, as data: the table, then the
 * checks in the same order (a parallel array: struct brig_audit_rule has
 * no check over the host model).  A finding points at the file that shows
 * it (/proc/self/status:LINE:1), or at a pseudo-path for what no file
 * holds (host:cpuid, host:kernel, host:docker-api). */
#include "policy/host.h"
#include "util/cleanup.h"

#include <string.h>

typedef void host_check (const struct brig_host *h, int today, const struct brig_audit_rule *r,
                         struct brig_findings *f);

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

#define R(id, title, sev, control, why, fix, refs)                                                 \
  {                                                                                                \
    id, title, sev, control, BRIG_PSS_NONE, NULL, 0, why, fix, refs, NULL, NULL, NULL, NULL        \
  }

static const struct brig_audit_rule rules[] = {
  R ("BRIG-V001", "host on a shared kernel", BRIG_SEV_HIGH, "virtualisation",
     "A container host that is itself a container (OpenVZ, LXC, Docker, Podman, WSL) shares its "
     "kernel with the other tenants of the machine: one kernel exploit in any of them reaches "
     "every container here, and no setting on this host can change that.  Bare metal and "
     "virtual machines (KVM, Xen, VMware, Hyper-V...) have a kernel of their own and are not "
     "findings.",
     "Run containers on a virtual machine or on bare metal, not inside another container.",
     "brig hardening guide: hosts on real virtualisation rather than a shared kernel"),
  R ("BRIG-V002", "user namespaces disabled", BRIG_SEV_MEDIUM, "user.max_user_namespaces",
     "Without user namespaces no container can map its root to an unprivileged host user: "
     "root in a container is root on the host, and brig run cannot start at all.",
     "sysctl -w user.max_user_namespaces=15000 (and in /etc/sysctl.d/).",
     "CIS Docker 2.9 (userns-remap needs them)"),
  R ("BRIG-V003", "no seccomp filters", BRIG_SEV_HIGH, "seccomp",
     "Without seccomp filters (CONFIG_SECCOMP_FILTER) no engine can narrow the syscalls a "
     "container may make: Docker's default profile, brig's and every other silently do "
     "nothing.",
     "Boot a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER (every distribution "
     "kernel is).",
     "CIS Docker 5.22"),
  R ("BRIG-V004", "cgroup v1 controllers", BRIG_SEV_LOW, "cgroup",
     "On cgroup v1 (or hybrid, v1 controllers with an empty v2 tree) limits cannot be delegated "
     "to rootless engines, and v2's memory.high, io limits and pressure stall information are "
     "missing.",
     "Boot with systemd.unified_cgroup_hierarchy=1 (the default of current distributions).",
     "Docker and Podman rootless documentation (cgroup v2 for limits)"),
  R ("BRIG-V005", "no idmapped mounts", BRIG_SEV_LOW, "kernel",
     "Idmapped mounts (Linux 5.12) let an image's files be owned by a container's mapped root "
     "without copying them: without them, engines chown a copy per user namespace or give up "
     "user namespaces.",
     "Run a kernel of 5.12 or later.", "brig run: the idmapped read-only root"),
  R ("BRIG-V006", "no landlock", BRIG_SEV_LOW, "lsm",
     "Landlock lets unprivileged programs (a runtime, a container's own process) confine their "
     "file access further; without it that layer is missing.",
     "Run a kernel of 5.13 or later with landlock in its lsm= list (CONFIG_LSM).",
     "kernel documentation: userspace-api/landlock"),
  R ("BRIG-V007", "kernel past its end of life", BRIG_SEV_MEDIUM, "kernel",
     "A kernel series upstream no longer maintains gets no fixes from kernel.org: container "
     "escapes found later stay open unless the distribution patches its own build.",
     "Upgrade to a maintained longterm kernel (kernel.org/category/releases.html) or to your "
     "distribution's supported one.",
     "CIS Docker 1.2.1 (host hardening); kernel.org releases"),
};

static host_check *const checks[] = {
  check_shared_kernel, check_userns,   check_seccomp,    check_cgroup,
  check_idmap,         check_landlock, check_kernel_age,
};

_Static_assert(ARRAY_SIZE (rules) == ARRAY_SIZE (checks), "a check per host rule");

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
    checks[i](h, today, &rules[i], f);
}
