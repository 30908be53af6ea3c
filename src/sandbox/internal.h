/* Shared between the files of src/sandbox; not for other modules. */
#ifndef BRIG_SANDBOX_INTERNAL_H
#define BRIG_SANDBOX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/container.h"
#include "util/err.h"

#include <linux/openat2.h>

/* --- seccomp.c --- */
struct brig_bpf
{
  void *insns; /* struct sock_filter[] */
  size_t len;  /* bytes */
};

/* Resolve P's conditions for a container holding CAPS and compile it to BPF,
 * through the cache in CACHE_DIR (NULL: no cache). */
int brig_seccomp_compile (const struct brig_seccomp *p, uint64_t caps, const char *cache_dir,
                          struct brig_bpf *ret, struct brig_err *err);
/* Install a compiled filter on the calling thread (no_new_privs or
 * CAP_SYS_ADMIN required).  With RET_LISTENER, the filter's SCMP_ACT_NOTIFY
 * listener descriptor is returned there. */
int brig_seccomp_install (const struct brig_bpf *bpf, int *ret_listener, struct brig_err *err);
/* Connect to the seccomp agent's socket PATH (before the container is made:
 * the path is the host's). */
int brig_seccomp_listener_connect (const char *path, struct brig_err *err);
/* Install the filter; when *AGENT is a socket connected to the seccomp
 * agent, with a listener whose descriptor is sent there with MSG (the OCI
 * container process state, SCM_RIGHTS), then *AGENT is closed. */
int brig_seccomp_load (const struct brig_bpf *bpf, int *agent, const char *msg,
                       struct brig_err *err);
void brig_bpf_release (struct brig_bpf *bpf);

/* --- devices_bpf.c --- */
struct bpf_insn;
/* The device rules as a BPF_PROG_TYPE_CGROUP_DEVICE program. */
struct brig_devprog
{
  struct bpf_insn *insns;
  size_t n; /* instructions */
};

/* Compile RULES (applied in order after denying every device, with the
 * meaning the v1 devices controller gives them: see devices_bpf.c) into a
 * program that returns 1 to allow a device access and 0 to refuse it.
 * Pure: touches no kernel.  No rules: a program that refuses everything. */
int brig_devprog_build (const struct brig_device_rule *rules, size_t n, struct brig_devprog *ret,
                        struct brig_err *err);
void brig_devprog_release (struct brig_devprog *p);
/* Load P and attach it to the cgroup v2 directory CGROUP_FD
 * (BPF_F_ALLOW_MULTI: the parents' programs still apply).  No descriptor
 * stays open: the program lives as long as the cgroup. */
int brig_devprog_attach (const struct brig_devprog *p, int cgroup_fd, struct brig_err *err);

/* --- cgroup.c --- */
struct brig_cgroup;

/* Make the container's cgroup and write its limits.  Unprivileged callers
 * get *ret == NULL and a warning that says the limits do not apply. */
/* The cgroup's path below each hierarchy's root: CGROUPS_PATH without its
 * leading `/`, or brig/ID; NULL (err set) for one brig cannot use. */
char *brig_cgroup_rel_path (const char *cgroups_path, const char *id, struct brig_err *err);
int brig_cgroup_create (const char *rel, const struct brig_limits *l,
                        const struct brig_device_rule *devices, size_t ndevices, bool rootless,
                        struct brig_cgroup **ret, char ***warnings, struct brig_err *err);
int brig_cgroup_attach (struct brig_cgroup *cg, pid_t pid, struct brig_err *err);
/* The controllers' mount points to show inside (v1) or NULL for v2. */
char **brig_cgroup_v1_controllers (const struct brig_cgroup *cg);
bool brig_cgroup_is_v2 (const struct brig_cgroup *cg);
const char *brig_cgroup_mode (const struct brig_cgroup *cg);
/* How many processes the memory controller killed. */
long brig_cgroup_oom_kills (const struct brig_cgroup *cg);
/* Kill every process left in it and remove it; safe on NULL. */
void brig_cgroup_destroy (struct brig_cgroup *cg);
void brig_cgroup_free (struct brig_cgroup *cg);
/* Kill what is left in the cgroup REL of every hierarchy and remove it. */
int brig_cgroup_remove_rel (const char *rel, struct brig_err *err);

/* --- mounts.c (runs in the container process) --- */
/* Build the container's filesystem on the detached tree ROOT_FD (the
 * host's tree is still what absolute paths name).  BIND_FDS[i] is the detached tree for
 * c->mounts[i] when that is a bind mount.  CGROUP_V1 names the v1 hierarchies to show
 * ("cpu,cpuacct"), or CGROUP_V2 says to show the cgroup2 hierarchy. */
int brig_mounts_setup (const struct brig_container *c, int root_fd, const int *bind_fds,
                       char *const *cgroup_v1, bool cgroup_v2, struct brig_err *err);
/* Then make ROOT_FD the root: pivot_root, and detach the host's tree. */
int brig_mounts_pivot (int root_fd, struct brig_err *err);

/* Open the source of each bind mount of C as a detached tree (-1 for the
 * other mounts); *ret_fds has c->nmounts entries. */
int brig_mounts_open_binds (const struct brig_container *c, int **ret_fds, struct brig_err *err);
void brig_mounts_close_binds (int *fds, size_t n);
/* Idmap the detached bind trees FDS that C's mounts want idmapped: with
 * their own ranges, or with the user namespace of the container process
 * PID (brig's side, before the container attaches them). */
int brig_mounts_idmap_binds (const struct brig_container *c, const int *fds, pid_t pid,
                             struct brig_err *err);
/* The host's device nodes that containers get must be what they claim and
 * belong to root (checked in the host's view, before any namespace). */
int brig_mounts_check_host_devices (struct brig_err *err);

/* --- caps.c (runs in the container process) --- */
/* Drop to c's user and exactly c->caps: the bounding set first, then the
 * ids, then effective, permitted and inheritable, then ambient. */
int brig_caps_apply (const struct brig_container *c, struct brig_err *err);
/* Set linux.personality when the model has one (before the filter, which
 * allows only the ABI variants). */
int brig_personality_apply (const struct brig_container *c, struct brig_err *err);

/* --- lsm.c --- */
/* An AppArmor profile or SELinux label C asks for, on a host without that
 * module, is an error (checked by brig before anything is made). */
int brig_lsm_check (const struct brig_container *c, struct brig_err *err);
/* In the process, before no_new_privs: the profile and label its execve
 * enters. */
int brig_lsm_apply (const struct brig_container *c, struct brig_err *err);

/* --- userns.c --- */
int brig_userns_write_maps (pid_t pid, const struct brig_container *c, struct brig_err *err);
/* A user namespace with these ranges, for idmapped mounts: a descriptor. */
int brig_userns_open_mapped (const struct brig_idmap *uid, size_t nuid,
                             const struct brig_idmap *gid, size_t ngid, struct brig_err *err);

/* --- process.c --- */
/* Give the process a terminal: see the comment at its definition. */
int brig_terminal_setup (int console, struct brig_err *err);
/* Wait for CHILD, forwarding terminal signals to TARGET (a second
 * INT/TERM/HUP kills it); 0 or -errno. */
int brig_forward_until_exit (pid_t child, pid_t target, int *ret_status);

/* --- cgroup.c --- */
/* Move PID into the cgroup REL of every hierarchy (best effort per
 * hierarchy: the first failure is reported). */
int brig_cgroup_join (const char *rel, pid_t pid, struct brig_err *err);

/* --- util --- (brig_openat2: util/fileio.h) */

/* Is FD (an open namespace) this process's own user namespace?  Then the
 * helpers that join a container's namespaces need not enter it. */
bool brig_ns_is_own_userns (int fd);
/* FD is the host's network namespace (PID 1's) or brig's own. */
bool brig_ns_is_host_netns (int fd);
/* When NAME in the directory DIR (DIR_PATH in the root, "" for the root
 * itself) is a symbolic link, the path it names, to be resolved in the
 * root again (a relative target joined to DIR_PATH); else NULL.  A mount
 * point that is a dangling link of the image is made where the link
 * points, as runc and crun do, at most BRIG_MAX_LINKS links deep. */
char *brig_link_in_root (int dir, const char *dir_path, const char *name);
#define BRIG_MAX_LINKS 40

#endif
