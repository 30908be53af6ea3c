/* The rules, as data.  Each reads only the model; each that can, also
 * writes the fix into the model. */
#include "model/caps.h"
#include "policy/policy.h"
#include "util/cleanup.h"

#include <string.h>
#include <sys/mount.h>

#define CAP(c) (UINT64_C (1) << (c))

/* S = S + SEP + X (S may be NULL). */
static uint64_t
all_caps (const struct brig_container *c)
{
  return c->caps.bounding | c->caps.effective | c->caps.permitted | c->caps.inheritable
         | c->caps.ambient;
}

/* --privileged gives every capability. */
static bool
check_privileged (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if ((all_caps (c) & BRIG_CAPS_ALL) != BRIG_CAPS_ALL && !(all_caps (c) & CAP (21)))
    return false;
  *d = xstrdup ((all_caps (c) & BRIG_CAPS_ALL) == BRIG_CAPS_ALL
                    ? "every capability is granted (docker run --privileged)"
                    : "CAP_SYS_ADMIN is granted");
  return true;
}

static bool
check_extra_caps (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  uint64_t extra = all_caps (c) & ~p->allowed_caps;
  if (!extra)
    return false;
  *d = brig_caps_format (extra);
  return true;
}

static void
harden_extra_caps (struct brig_container *c, const struct brig_policy *p)
{
  c->caps.bounding &= p->allowed_caps;
  c->caps.effective &= p->allowed_caps;
  c->caps.permitted &= p->allowed_caps;
  c->caps.inheritable &= p->allowed_caps;
  c->caps.ambient &= p->allowed_caps;
}

/* CVE-2022-29162: inheritable capabilities given by accident. */
static bool
check_inheritable (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (!(c->caps.inheritable | c->caps.ambient))
    return false;
  *d = brig_caps_format (c->caps.inheritable | c->caps.ambient);
  return true;
}

static void
harden_inheritable (struct brig_container *c, const struct brig_policy *p)
{
  (void)p;
  c->caps.inheritable = c->caps.ambient = 0;
}

static bool
check_nnp (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (c->no_new_privs)
    return false;
  *d = xstrdup ("process.noNewPrivileges is false");
  return true;
}

static void
harden_nnp (struct brig_container *c, const struct brig_policy *p)
{
  (void)p;
  c->no_new_privs = true;
}

static bool
check_seccomp (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (c->seccomp && c->seccomp->default_action != BRIG_SCMP_ALLOW)
    return false;
  *d = xstrdup (c->seccomp ? "the seccomp profile allows every syscall by default"
                           : "no seccomp profile (seccomp=unconfined)");
  return true;
}

static void
harden_seccomp (struct brig_container *c, const struct brig_policy *p)
{
  (void)p;
  brig_seccomp_free (c->seccomp);
  c->seccomp = brig_seccomp_default ();
}

static const struct
{
  unsigned bit;
  const char *name;
} host_ns[] = {
  { BRIG_NS_PID, "pid" }, { BRIG_NS_NET, "network" }, { BRIG_NS_IPC, "ipc" },
  { BRIG_NS_UTS, "uts" }, { BRIG_NS_MNT, "mount" },
};

static bool
check_host_ns (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  char *s = NULL;
  (void)p;
  /* Not made, or joined by a path that names the host's (/proc/1/ns/net). */
  for (size_t i = 0; i < ARRAY_SIZE (host_ns); i++)
    if (!(c->namespaces & host_ns[i].bit) || (c->ns_host & host_ns[i].bit))
      str_append (&s, ", ", host_ns[i].name);
  if (s == NULL)
    return false;
  *d = xasprintf ("shares the host's %s namespace", s);
  free (s);
  return true;
}

const char *const brig_engine_sockets[] = { "/var/run/docker.sock",
                                            "/run/docker.sock",
                                            "/run/containerd/containerd.sock",
                                            "/var/run/containerd/containerd.sock",
                                            "/run/podman/podman.sock",
                                            "/var/run/podman/podman.sock",
                                            "/var/run/crio/crio.sock",
                                            "/run/crio/crio.sock",
                                            NULL };

static bool
check_readonly_root (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (c->readonly_rootfs)
    return false;
  *d = xstrdup ("the root filesystem is writable");
  return true;
}

static void
add_tmpfs (struct brig_container *c, const char *dest, const char *mode)
{
  struct brig_mount m
      = { xstrdup (dest), xstrdup ("tmpfs"), xstrdup ("tmpfs"), MS_NOSUID | MS_NODEV, NULL };
  if (brig_container_mount_at (c, dest))
    {
      brig_mount_release (&m);
      return;
    }
  strv_push (&m.data, xstrdup (mode));
  strv_push (&m.data, xstrdup ("size=67108864"));
  brig_container_add_mount_early (c, &m);
}

static void
harden_readonly_root (struct brig_container *c, const struct brig_policy *p)
{
  (void)p;
  c->readonly_rootfs = true;
  /* Scratch space where programs expect to write. */
  add_tmpfs (c, "/tmp", "mode=1777");
  add_tmpfs (c, "/run", "mode=755");
}

static bool
check_masks (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  char *s = NULL;
  (void)p;
  for (size_t i = 0; brig_default_masked_paths[i]; i++)
    if (!strv_contains (c->masked_paths, brig_default_masked_paths[i]))
      str_append (&s, " ", brig_default_masked_paths[i]);
  for (size_t i = 0; brig_default_readonly_paths[i]; i++)
    if (!strv_contains (c->readonly_paths, brig_default_readonly_paths[i]))
      str_append (&s, " ", brig_default_readonly_paths[i]);
  if (s == NULL)
    return false;
  *d = xasprintf ("not masked or read-only: %s", s);
  free (s);
  return true;
}

static void
harden_masks (struct brig_container *c, const struct brig_policy *p)
{
  (void)p;
  for (size_t i = 0; brig_default_masked_paths[i]; i++)
    if (!strv_contains (c->masked_paths, brig_default_masked_paths[i]))
      strv_push (&c->masked_paths, xstrdup (brig_default_masked_paths[i]));
  for (size_t i = 0; brig_default_readonly_paths[i]; i++)
    if (!strv_contains (c->readonly_paths, brig_default_readonly_paths[i]))
      strv_push (&c->readonly_paths, xstrdup (brig_default_readonly_paths[i]));
}

static bool
check_limits (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  bool mem = c->limits.memory == BRIG_UNLIMITED || c->limits.memory > p->max_memory;
  bool pids = c->limits.pids == BRIG_UNLIMITED || c->limits.pids > p->max_pids;
  if (!mem && !pids)
    return false;
  *d = xasprintf ("%s%s%s", mem ? "memory unlimited or above the policy's cap" : "",
                  mem && pids ? "; " : "", pids ? "pids unlimited or above the policy's cap" : "");
  return true;
}

static void
harden_limits (struct brig_container *c, const struct brig_policy *p)
{
  if (c->limits.memory == BRIG_UNLIMITED || c->limits.memory > p->max_memory)
    {
      c->limits.memory = p->max_memory;
      if (c->limits.memory_swap == BRIG_UNLIMITED || c->limits.memory_swap > p->max_memory)
        c->limits.memory_swap = p->max_memory;
    }
  if (c->limits.pids == BRIG_UNLIMITED || c->limits.pids > p->max_pids)
    c->limits.pids = p->max_pids;
}

static bool
check_userns (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if ((c->namespaces & BRIG_NS_USER) && !(c->ns_host & BRIG_NS_USER))
    return false;
  *d = xstrdup ((c->ns_host & BRIG_NS_USER)
                    ? "the host's user namespace is joined: container root is host root"
                    : "no user namespace: container root is host root");
  return true;
}

static bool
check_devices (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (c->ndevices == 0)
    {
      *d = xstrdup ("no device cgroup rules: every device is allowed");
      return true;
    }
  for (size_t i = 0; i < c->ndevices; i++)
    if (c->devices[i].allow && c->devices[i].type == 'a')
      {
        *d = xstrdup ("a device cgroup rule allows every device");
        return true;
      }
  return false;
}

static void
harden_devices (struct brig_container *c, const struct brig_policy *p)
{
  (void)p;
  brig_container_default_devices (c);
}

bool
brig_policy_allows_node (const struct brig_policy *p, const struct brig_device_node *n)
{
  char type = n->type == 'u' ? 'c' : n->type;

  /* A FIFO reaches no driver; the default devices every container has. */
  if (type == 'p' || brig_device_node_is_default (n))
    return true;
  for (size_t i = 0; i < p->nallowed_devices; i++)
    {
      const struct brig_device_allow *a = &p->allowed_devices[i];
      if (a->type == type && (a->major < 0 || a->major == n->major)
          && (a->minor < 0 || a->minor == n->minor)
          && (a->path == NULL || strcmp (a->path, n->path) == 0))
        return true;
    }
  return false;
}

static bool
check_device_nodes (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  char *s = NULL;

  for (size_t i = 0; i < c->nnodes; i++)
    if (!brig_policy_allows_node (p, &c->nodes[i]))
      {
        const struct brig_device_node *n = &c->nodes[i];
        _cleanup_free_ char *one = xasprintf (
            "%s (%s device %lld:%lld, allowed by \"%c %lld:%lld\")", n->path,
            n->type == 'b' ? "block" : "character", (long long)n->major, (long long)n->minor,
            n->type == 'b' ? 'b' : 'c', (long long)n->major, (long long)n->minor);
        str_append (&s, ", ", one);
      }
  if (s == NULL)
    return false;
  *d = xasprintf ("device nodes not in the policy's allowed_devices: %s", s);
  free (s);
  return true;
}

static void
harden_device_nodes (struct brig_container *c, const struct brig_policy *p)
{
  size_t k = 0;

  for (size_t i = 0; i < c->nnodes; i++)
    if (brig_policy_allows_node (p, &c->nodes[i]))
      c->nodes[k++] = c->nodes[i];
    else
      brig_device_node_release (&c->nodes[i]);
  c->nnodes = k;
}

static bool
check_cgroupns (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (c->namespaces & BRIG_NS_CGROUP)
    return false;
  *d = xstrdup ("shares the host's cgroup namespace: the host's cgroup tree is visible");
  return true;
}

static void
harden_cgroupns (struct brig_container *c, const struct brig_policy *p)
{
  (void)p;
  c->namespaces |= BRIG_NS_CGROUP;
}

/* brig run --network container:ID: another container's network. */
static bool
check_image_user (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (c->image_user == NULL || c->uid != 0 || !brig_user_is_root (c->image_user))
    return false;
  if (c->image_user[0])
    *d = xasprintf ("image %s runs as root (its User is `%s`)", c->image, c->image_user);
  else
    *d = xasprintf ("image %s runs as root (no User set)", c->image);
  return true;
}

static bool
check_peer_net (const struct brig_container *c, const struct brig_policy *p, char **d)
{
  (void)p;
  if (c->netmode != BRIG_NET_CONTAINER)
    return false;
  *d = xasprintf ("joins the network namespace of container %s", c->net_peer);
  return true;
}

static const struct brig_rule rules[] = {
  { "BRIG-C001", "privileged container", BRIG_SEV_CRITICAL, BRIG_ACT_ENFORCE,
    "Every capability, or CAP_SYS_ADMIN alone, lets a process in the container take over the host.",
    "Drop --privileged and CAP_SYS_ADMIN; add back only the capabilities the program needs.",
    "CIS Docker 5.5, 5.4; Pod Security Standards baseline: privileged, capabilities",
    check_privileged, NULL },
  { "BRIG-C002", "host namespace shared", BRIG_SEV_HIGH, BRIG_ACT_ENFORCE,
    "Sharing the host's pid, network, ipc, uts or mount namespace shows the container the host's "
    "processes, network or IPC.",
    "Remove --pid=host, --network=host, --ipc=host, --uts=host (hostPID, hostNetwork, hostIPC).",
    "CIS Docker 5.10, 5.16, 5.17, 5.21; Pod Security Standards baseline: host namespaces",
    check_host_ns, NULL },
  { "BRIG-C003", "host root or engine socket mounted", BRIG_SEV_CRITICAL, BRIG_ACT_ENFORCE,
    "A bind of / or of the Docker, containerd, Podman or CRI-O socket gives the container the "
    "host.",
    "Remove the bind mount; give the container an API proxy that allows only what it needs.",
    "CIS Docker 5.6, 5.32; Pod Security Standards baseline: hostPath volumes",
    brig_check_host_binds, NULL },
  { "BRIG-C004", "seccomp unconfined", BRIG_SEV_HIGH, BRIG_ACT_ENFORCE,
    "Without a seccomp filter every syscall of the kernel is reachable from the container.",
    "Remove seccomp=unconfined (with ctr, pass --seccomp); use the default profile, or a custom "
    "one that denies by default.",
    "CIS Docker 5.22; Pod Security Standards restricted: seccomp", check_seccomp, harden_seccomp },
  { "BRIG-C005", "capabilities outside the allow-list", BRIG_SEV_MEDIUM, BRIG_ACT_HARDEN,
    "Each capability widens what root in the container can do to the kernel and the host.",
    "--cap-drop ALL and --cap-add only what the program needs.",
    "CIS Docker 5.4; Pod Security Standards restricted: capabilities", check_extra_caps,
    harden_extra_caps },
  { "BRIG-C006", "inheritable or ambient capabilities", BRIG_SEV_HIGH, BRIG_ACT_HARDEN,
    "Inheritable and ambient capabilities pass to programs exec'd by unprivileged users "
    "(CVE-2022-29162).",
    "Leave process.capabilities.inheritable and ambient empty.", "CVE-2022-29162",
    check_inheritable, harden_inheritable },
  { "BRIG-C007", "privilege escalation allowed", BRIG_SEV_HIGH, BRIG_ACT_HARDEN,
    "Without no_new_privs, setuid binaries and file capabilities raise privileges inside.",
    "--security-opt no-new-privileges (allowPrivilegeEscalation: false).",
    "CIS Docker 5.26; Pod Security Standards restricted: allowPrivilegeEscalation", check_nnp,
    harden_nnp },
  { "BRIG-C008", "writable root filesystem", BRIG_SEV_MEDIUM, BRIG_ACT_HARDEN,
    "A writable root lets an intruder change the programs the container runs.",
    "--read-only with a tmpfs for /tmp and /run (readOnlyRootFilesystem: true).", "CIS Docker 5.13",
    check_readonly_root, harden_readonly_root },
  { "BRIG-C009", "kernel interfaces not masked", BRIG_SEV_MEDIUM, BRIG_ACT_HARDEN,
    "/proc/kcore, /proc/keys, /proc/sys and the like leak kernel state or let it be changed.",
    "Keep the runtime's default masked and read-only paths (procMount: Default).",
    "Pod Security Standards baseline: /proc mount type", check_masks, harden_masks },
  { "BRIG-C010", "no memory or pids limit", BRIG_SEV_MEDIUM, BRIG_ACT_HARDEN,
    "Without limits one container (a fork bomb, a leak) takes the host down.",
    "--memory and --pids-limit (resources.limits.memory).", "CIS Docker 5.11, 5.29", check_limits,
    harden_limits },
  { "BRIG-C011", "no user namespace", BRIG_SEV_MEDIUM, BRIG_ACT_AUDIT,
    "Without a user namespace, root in the container is root on the host.",
    "Enable userns-remap in Docker, or run with --userns (hostUsers: false).",
    "CIS Docker 2.9; Pod Security Standards: hostUsers", check_userns, NULL },
  { "BRIG-C012", "every device allowed", BRIG_SEV_HIGH, BRIG_ACT_HARDEN,
    "A device cgroup that allows every device lets a process with a node (or CAP_MKNOD) reach "
    "the host's disks and memory.",
    "Do not pass --device-cgroup-rule='a *:* rwm' or --privileged; list the devices needed.",
    "CIS Docker 5.18", check_devices, harden_devices },
  { "BRIG-C013", "host cgroup namespace", BRIG_SEV_LOW, BRIG_ACT_HARDEN,
    "In the host's cgroup namespace the container sees the host's cgroup tree and paths.",
    "--cgroupns private (Docker's default on cgroup v2).", "CIS Docker 5.x (namespaces)",
    check_cgroupns, harden_cgroupns },
  { "BRIG-C014", "device node outside the allow-list", BRIG_SEV_HIGH, BRIG_ACT_ENFORCE,
    "A device node is a door into a kernel driver: a block device is the raw disk, past every "
    "file permission, and character devices such as /dev/mem, /dev/kmsg or /dev/kvm reach the "
    "host's memory, log or hypervisor.",
    "Give the container only the devices it needs (--device), and list each in the policy's "
    "\"allowed_devices\" as \"TYPE MAJOR:MINOR\" (\"c 10:229\" for /dev/fuse).",
    "CIS Docker 5.18 (host devices not exposed directly)", check_device_nodes,
    harden_device_nodes },
  { "BRIG-C015", "sensitive host directory mounted", BRIG_SEV_HIGH, BRIG_ACT_ENFORCE,
    "A bind of the host's /proc, /sys, /dev, /boot or /etc (through a symlink or a parent "
    "directory too), or of a directory that holds a kernel filesystem, shows the container the "
    "host's processes, kernel settings, devices, boot files or secrets; written, it changes them.",
    "Bind only the files the program needs, from a directory of their own; or list the path in "
    "the policy's \"allowed_host_paths\".",
    "CIS Docker 5.6 (sensitive host system directories not mounted); Pod Security Standards "
    "baseline: hostPath volumes",
    brig_check_sensitive_binds, NULL },
  { "BRIG-C016", "bind mount allows setuid files or device nodes", BRIG_SEV_MEDIUM, BRIG_ACT_HARDEN,
    "Without nosuid a setuid file on the host path raises privileges inside the container; "
    "without nodev a device node there opens a kernel driver.",
    "Mount binds nosuid,nodev (brig run does unless asked for suid or dev); the policy's "
    "\"allowed_bind_options\" can allow \"suid\" and \"dev\".",
    "CIS Docker 5.6; minijail's bind defaults (nosuid, nodev)", brig_check_bind_flags,
    brig_harden_bind_flags },
  { "BRIG-C017", "another container's network joined", BRIG_SEV_MEDIUM, BRIG_ACT_ENFORCE,
    "A container in another's network namespace reaches every port that one listens on, its "
    "loopback services included, and shares its addresses and firewall.",
    "Publish the port the other container needs (-p) instead of --network container:ID.",
    "brig run's networking: a container reaches another's ports only where published",
    check_peer_net, NULL },
  { "BRIG-C018", "image runs as root", BRIG_SEV_MEDIUM, BRIG_ACT_AUDIT,
    "An image whose User is root or unset runs its program as root: in a user namespace that "
    "root is unprivileged on the host, but it owns everything in the container and is one "
    "kernel bug away from the host's root.",
    "Build the image with a non-root USER, or run it with -u UID[:GID]; \"BRIG-C018\": "
    "\"enforce\" in the policy (or brig run --strict) refuses such images.",
    "CIS Docker 4.1 (a user for the container); Pod Security Standards restricted: runAsNonRoot",
    check_image_user, NULL },
};

const struct brig_rule *
brig_rules (size_t *ret_n)
{
  *ret_n = ARRAY_SIZE (rules);
  return rules;
}

const struct brig_rule *
brig_rule_find (const char *id, size_t *ret_index)
{
  for (size_t i = 0; i < ARRAY_SIZE (rules); i++)
    if (strcmp (rules[i].id, id) == 0)
      {
        if (ret_index)
          *ret_index = i;
        return &rules[i];
      }
  return NULL;
}
