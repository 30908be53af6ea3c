/* The container model: what every door reads into and every consumer reads
 * from.  `brig run` flags, an OCI config.json, a compose service or a pod
 * template all become a struct brig_container; the sandbox executes it and
 * the policy judges it. */
#ifndef BRIG_MODEL_CONTAINER_H
#define BRIG_MODEL_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/seccomp.h"

#define BRIG_UNLIMITED (-1)

enum brig_ns
{
  BRIG_NS_USER = 1 << 0,
  BRIG_NS_MNT = 1 << 1,
  BRIG_NS_PID = 1 << 2,
  BRIG_NS_UTS = 1 << 3,
  BRIG_NS_IPC = 1 << 4,
  BRIG_NS_NET = 1 << 5,
  BRIG_NS_CGROUP = 1 << 6,
};
#define BRIG_NS_ALL 0x7f

struct brig_idmap
{
  uint32_t inside;
  uint32_t outside;
  uint32_t count;
};
#define BRIG_MAX_IDMAPS 16

/* Is container id ID mapped by one of the N ranges? */
bool brig_idmap_contains (const struct brig_idmap *maps, size_t n, uint32_t id);

/* A mount, as the OCI runtime spec and docker run describe them.  TYPE is
 * the filesystem type ("tmpfs", "proc", "sysfs", "devpts", "mqueue", ...),
 * "bind" for a bind mount of SOURCE (recursive with MS_REC), or "cgroup"
 * for the container's own cgroups, shown as the host's layout (v1 or v2).
 * A tmpfs on /dev is filled with the default devices and links; with
 * MS_RDONLY it is made read-only after that. */
struct brig_mount
{
  char *dest; /* absolute path in the container */
  char *type;
  char *source;        /* bind: the host path; otherwise informational */
  unsigned long flags; /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC */
  char **data;         /* filesystem options: "size=65536", "mode=755", "newinstance" */
  /* bind: MS_PRIVATE (0 too), MS_SLAVE, MS_SHARED or MS_UNBINDABLE, on
   * the whole tree with PROPAGATION_REC. */
  unsigned long propagation;
  bool propagation_rec;
  /* tmpfs: start with a copy of what the image has at DEST (OCI
   * "tmpcopyup", which Podman sends for --read-only's /tmp, /run...). */
  bool copyup;
  /* bind: idmapped (OCI "idmap", or "ridmap" for the whole tree) with
   * these ranges (on-disk id -> id seen), or with the container's own user
   * namespace when there are none. */
  bool idmap;
  bool idmap_rec;
  struct brig_idmap *uidmap, *gidmap; /* BRIG_MAX_IDMAPS each, or NULL */
  size_t nuidmap, ngidmap;
  /* bind (brig run's -v and --mount): SOURCE is the host path resolved, with
   * no symlink left in it, and is opened without following one, so that
   * what the policy judged is what is mounted.  SOURCE_VIA lists the paths
   * the name given went through (itself, each symlink on the way and where
   * it pointed), SOURCE_HOLDS the engine sockets the host has at or below
   * SOURCE: both for the policy (BRIG-C003, BRIG-C015).  VOLUME names the
   * named volume it is, or is NULL. */
  bool source_resolved;
  char **source_via;
  char **source_holds;
  char *volume;
};

/* The five capability sets of the process, as masks of CAP_* bits. */
struct brig_capsets
{
  uint64_t bounding;
  uint64_t effective;
  uint64_t permitted;
  uint64_t inheritable;
  uint64_t ambient;
};

/* SET in bounding, effective and permitted; for a non-root user also in
 * inheritable and ambient, the only way it survives exec. */
struct brig_capsets brig_capsets_uniform (uint64_t set, bool root);

/* A rule of the device cgroup: allow or deny TYPE ('a' all, 'c', 'b')
 * MAJOR:MINOR (-1 for any) for ACCESS ("rwm").  Applied in order, after
 * denying everything. */
struct brig_device_rule
{
  bool allow;
  char type;
  int64_t major;
  int64_t minor;
  char access[4];
};

/* A device node the container asks for (OCI linux.devices).  TYPE is 'c'
 * (character), 'u' (character, unbuffered: the same node to the kernel), 'b'
 * (block) or 'p' (FIFO, no numbers).  Where brig makes the node (no user
 * namespace; a FIFO always) it has MODE, UID and GID; in a user namespace,
 * where mknod is not permitted, the host's node at PATH is bound instead and
 * keeps the host's mode and owner. */
struct brig_device_node
{
  char *path;    /* absolute, without `.` or `..` components */
  char type;     /* 'c', 'u', 'b' or 'p' */
  int64_t major; /* 0..4095, 0 for a FIFO */
  int64_t minor; /* 0..1048575, 0 for a FIFO */
  unsigned mode; /* permission bits (0777), 0666 when not given */
  uid_t uid;     /* owner in the container, 0 when not given */
  gid_t gid;
};

/* The character devices every container gets in its /dev (a tmpfs), each
 * bound from the host's checked node: the OCI default devices but
 * /dev/console and /dev/ptmx (a link to pts/ptmx).  NAME is below /dev;
 * the list ends with a NULL name. */
struct brig_default_node
{
  const char *name;
  unsigned major, minor;
};
extern const struct brig_default_node brig_default_nodes[];

/* Is N one of brig_default_nodes (a character device with its numbers, at
 * any path)? */
bool brig_device_node_is_default (const struct brig_device_node *n);
void brig_device_node_release (struct brig_device_node *n);

/* OCI lifecycle hooks, run by the runtime on the host. */
enum brig_hook_kind
{
  BRIG_HOOK_PRESTART,
  BRIG_HOOK_CREATE_RUNTIME,
  BRIG_HOOK_CREATE_CONTAINER,
  BRIG_HOOK_START_CONTAINER,
  BRIG_HOOK_POSTSTART,
  BRIG_HOOK_POSTSTOP,
  BRIG_HOOK_KINDS,
};

struct brig_hook
{
  char *path;
  char **args;
  char **env;
  int timeout; /* seconds, 0: none */
};

struct brig_rlimit
{
  int resource; /* RLIMIT_* */
  uint64_t soft;
  uint64_t hard;
};

struct brig_limits
{
  int64_t memory;      /* bytes, BRIG_UNLIMITED for none */
  int64_t memory_swap; /* memory + swap, bytes; BRIG_UNLIMITED for none */
  int64_t pids;        /* BRIG_UNLIMITED for none */
  uint64_t cpu_quota;  /* microseconds per period; 0 = no limit */
  uint64_t cpu_period; /* microseconds */
};

/* A port published on the host (brig run -p): connections to HOST_IP:
 * HOST_PORT (UDP datagrams with UDP) are relayed to CONTAINER_PORT on the
 * container's loopback by a forwarder in userspace, never by NAT rules. */
struct brig_port
{
  char host_ip[48]; /* numeric address; "" for loopback only: 127.0.0.1 and ::1 */
  uint16_t host_port;
  uint16_t container_port;
  bool udp;
};

/* "[IP:]HOST:CONTAINER/PROTO" as docker ps shows it, allocated. */
char *brig_port_format (const struct brig_port *p);
/* Is P reachable from other hosts (bound to an address other than loopback)? */
bool brig_port_is_exposed (const struct brig_port *p);

/* How the container reaches the network (brig run --network). */
enum brig_netmode
{
  BRIG_NET_NONE,      /* its own namespace, loopback only (the default) */
  BRIG_NET_PRIVATE,   /* its own namespace, outbound through a user-mode stack */
  BRIG_NET_BRIDGE,    /* its own namespace, a veth into a bridge brig made */
  BRIG_NET_HOST,      /* the host's namespace (BRIG-C002) */
  BRIG_NET_CONTAINER, /* another container's namespace (BRIG-C017) */
};
const char *brig_netmode_name (enum brig_netmode m);

struct brig_container
{
  char *id;   /* 64 hex digits */
  char *name; /* --name, or NULL */
  char *hostname;

  char *image;  /* as the user named it: "busybox", "./rootfs" */
  char *rootfs; /* absolute path of the root filesystem directory */
  bool readonly_rootfs;
  /* The root's files are already owned by the user namespace's host ids
   * (an image unpacked for this mapping): it is not idmapped. */
  bool rootfs_shifted;
  /* The root is mounted without nosuid: the policy keeps the image's
   * setuid bits (keep_image_setid).  Otherwise always nosuid. */
  bool rootfs_suid;

  char **argv; /* what runs as PID 1 (or under --init) */
  char **env;
  char *cwd;

  uid_t uid;
  /* brig run IMAGE: the image config's User ("" when unset), for
   * BRIG-C018; NULL for a directory or a bundle. */
  char *image_user;
  gid_t gid;
  gid_t *groups; /* supplementary groups */
  size_t ngroups;

  struct brig_capsets caps;
  bool no_new_privs;
  struct brig_seccomp *seccomp; /* NULL: unconfined */

  unsigned namespaces; /* enum brig_ns bits */
  bool rootless;       /* run by an unprivileged user: one id mapped, no cgroups */
  struct brig_idmap uidmap[BRIG_MAX_IDMAPS]; /* container ids -> host ids */
  size_t nuidmap;
  struct brig_idmap gidmap[BRIG_MAX_IDMAPS];
  size_t ngidmap;

  struct brig_limits limits;
  struct brig_rlimit *rlimits;
  size_t nrlimits;

  struct brig_mount *mounts; /* in the order they are made */
  size_t nmounts;
  char **masked_paths;
  char **readonly_paths;

  bool init; /* a reaper as PID 1 that forwards signals */

  /* What an OCI config.json may also say. */
  bool terminal; /* the process wants a terminal (console socket) */
  int umask;     /* -1: inherit */
  bool has_oom_score_adj;
  int oom_score_adj;
  bool has_personality;
  unsigned long personality; /* PER_LINUX or PER_LINUX32 (linux.personality.domain) */
  char **sysctl;             /* "net.ipv4.ip_forward=1" */
  char *ns_path[7];   /* join this namespace instead of making one; index = bit of enum brig_ns */
  unsigned ns_host;   /* enum brig_ns bits: the path given is the host's own namespace */
  char *cgroups_path; /* where to put the cgroup; NULL: brig/<id> */
  char *apparmor_profile;
  char *selinux_label;
  struct brig_hook *hooks[BRIG_HOOK_KINDS];
  size_t nhooks[BRIG_HOOK_KINDS];
  char **annotations;               /* "key=value" */
  unsigned preserve_fds;            /* descriptors 3..3+N-1 stay open in the container */
  struct brig_device_rule *devices; /* NULL with ndevices 0: no device rules (all allowed) */
  size_t ndevices;
  struct brig_device_node *nodes; /* device nodes to make (linux.devices) */
  size_t nnodes;
  char *unsupported; /* why brig cannot run this container as described, or NULL */
  char **warnings;   /* what the parser left out and said so (to log), or NULL */
  bool create_cwd;   /* make a missing working directory (OCI runtimes do) */

  /* brig run's networking. */
  enum brig_netmode netmode;
  char *net_peer; /* BRIG_NET_CONTAINER: the container joined, as named */
  struct brig_port *ports;
  size_t nports;
  char **dns;         /* --dns: name servers for /etc/resolv.conf, or NULL */
  char **dns_search;  /* --dns-search domains, or NULL */
  char **dns_options; /* --dns-option, or NULL */
  char **extra_hosts; /* --add-host: "ADDRESS NAME" lines for /etc/hosts */
  /* Files brig writes for the container (/etc/hosts, /etc/hostname,
   * /etc/resolv.conf): each made in a tmpfs of its own inside the
   * container's mount namespace and bound read-only, nosuid, nodev, noexec
   * at DEST after the other mounts.  Nothing is written on the host. */
  struct brig_gen_file
  {
    char *dest, *text;
  } * gen_files;
  size_t ngen_files;
};

/* A container with the hardened defaults (model/defaults.c); id, image,
 * rootfs and argv are left for the caller. */
struct brig_container *brig_container_new_hardened (void);
void brig_container_free (struct brig_container *c);

/* Is the user U (a USER, --user or config User: NAME|UID[:GROUP]) root:
 * `root`, a uid of zeros, or Windows' ContainerAdministrator?  An empty
 * or unset user is the image's default, root, too. */
bool brig_user_is_root (const char *u);

/* The default masked and read-only paths (NULL-terminated). */
extern const char *const brig_default_masked_paths[];
extern const char *const brig_default_readonly_paths[];

/* Default values, also shown in --help. */
#define BRIG_DEFAULT_MEMORY (INT64_C (512) << 20)
#define BRIG_DEFAULT_PIDS 1024
#define BRIG_DEFAULT_USERNS_BASE 100000u
#define BRIG_DEFAULT_USERNS_SIZE 65536u
#define BRIG_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Add a mount, replacing one at the same destination (takes ownership of
 * m's strings). */
void brig_container_set_mount (struct brig_container *c, struct brig_mount *m);
void brig_mount_release (struct brig_mount *m);
/* Free N hooks and the array. */
void brig_hooks_free (struct brig_hook *h, size_t n);
/* Add M before the first mount below its destination (a tmpfs on /run
 * before a bind on /run/.containerenv), or at the end; replaces a mount at
 * the same destination. */
void brig_container_add_mount_early (struct brig_container *c, struct brig_mount *m);
/* The mount at DEST, or NULL. */
const struct brig_mount *brig_container_mount_at (const struct brig_container *c, const char *dest);
/* The default device rules: deny all but the nodes brig makes (null, zero,
 * full, random, urandom, tty, ptmx, pts). */
void brig_container_default_devices (struct brig_container *c);
/* The device cgroup rules to apply to C: its rules, then an allow of
 * "rwm" for each device node it is given (not FIFOs), as runc does, so
 * that a node made in the container can be used.  NULL with *ret_n 0 when
 * C has no rules (every device allowed).  Free with free(). */
struct brig_device_rule *brig_container_cgroup_devices (const struct brig_container *c,
                                                        size_t *ret_n);

/* Set or replace an rlimit. */
void brig_container_set_rlimit (struct brig_container *c, const struct brig_rlimit *r);
/* Set NAME=VALUE in the environment, replacing an earlier NAME. */
void brig_container_setenv (struct brig_container *c, const char *kv);

/* A relaxation is a way in which a container is weaker than the hardened
 * default.  Each has a kind ("cap-add", "seccomp", ...) and a detail. */
struct brig_relaxation
{
  const char *kind;
  char *detail;
};

/* The container's relaxations; *ret_n of them.  Free with
 * brig_relaxations_free. */
struct brig_relaxation *brig_container_relaxations (const struct brig_container *c, size_t *ret_n);
void brig_relaxations_free (struct brig_relaxation *r, size_t n);

#endif
