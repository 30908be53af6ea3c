/* The sandbox: executes a container model.  It prints nothing and knows no
 * file format; what it cannot do it returns as an error.
 *
 * Given a model from brig_container_new_hardened() untouched, it builds:
 * new user, mount, pid, uts, ipc, net (loopback only) and cgroup namespaces;
 * container root mapped to an unprivileged host range; the image mounted
 * read-only (idmapped where the kernel allows); fresh /proc with masked and
 * read-only paths, read-only /sys, a minimal /dev; tmpfs on /tmp and /run;
 * memory, swap and pids limits in a cgroup; no capabilities in any set;
 * no_new_privs; the default seccomp profile; a new session; no file
 * descriptor but 0-2.
 *
 * Lifecycle: create (the process waits, set up, before exec), start (exec),
 * wait (forwarding signals), destroy (kill what is left, remove the cgroup
 * and the state file).  If brig itself is killed, a cleaner process does
 * what destroy would have done. */
#ifndef BRIG_SANDBOX_SANDBOX_H
#define BRIG_SANDBOX_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "model/container.h"
#include "util/err.h"

struct brig_sandbox;

struct brig_sandbox_opts
{
  /* Called in the cleaner process when brig died before the container
   * ended (after the container was killed and its cgroup removed). */
  void (*on_abandon) (void *data);
  void *data;
  /* Detached (the OCI runtime's create): the container outlives brig and
   * waits to exec until this FIFO, made by the caller, is opened for
   * reading (`start`).  There is no cleaner and no state file of the
   * sandbox's own: the caller keeps the state and deletes the container. */
  const char *exec_fifo;
  /* The process wants a terminal: a connected socket (the engine's
   * --console-socket) to send the pty master to, or -1. */
  int console_socket;
  /* Or: give it a terminal that brig itself relays to its own stdio
   * (brig run -t; runtime run with process.terminal and no socket). */
  bool relay_terminal;
  /* The OCI runtime's part, called with DATA.  STATE returns, allocated,
   * what runs inside the container is given once PID is known: the OCI
   * state as createContainer hooks read it (WHAT "creating") and as
   * startContainer hooks read it ("created"), and the message for a
   * seccomp agent ("listener", linux.seccomp.listenerPath).  NULL: "{}".
   * HOOKS runs the prestart and createRuntime hooks on the host, when the
   * container's namespaces exist and before its root is entered. */
  char *(*state) (void *data, pid_t pid, const char *what);
  int (*hooks) (void *data, pid_t pid, struct brig_err *err);
};

/* Where a container that failed to start was: a message and, for exec
 * failures, the errno of execve (so the caller can answer 126 or 127). */
struct brig_exit
{
  int status;      /* wait(2) status */
  bool oom_killed; /* the memory cgroup killed something */
};

int brig_sandbox_create (const struct brig_container *c, const struct brig_sandbox_opts *opts,
                         struct brig_sandbox **ret, struct brig_err *err);

/* The container's PID 1, as the host sees it. */
pid_t brig_sandbox_pid (const struct brig_sandbox *sb);

/* The container's user (BRIG_NS_USER) or network (BRIG_NS_NET) namespace,
 * for whoever serves its network: an open descriptor owned by the sandbox
 * when the container publishes ports or has a private or bridged network,
 * else -1. */
int brig_sandbox_net_fd (const struct brig_sandbox *sb, enum brig_ns which);

/* Things that work but not as asked (rootless limits, ...): a NULL-terminated
 * list owned by the sandbox. */
char *const *brig_sandbox_warnings (const struct brig_sandbox *sb);

/* "v1", "v2", "hybrid" or "none": how limits were applied. */
const char *brig_sandbox_cgroup_mode (const struct brig_sandbox *sb);

/* Let the container exec its command.  On failure *ret_exec_errno is the
 * errno of execve when that was what failed (ENOENT: not found), else 0. */
int brig_sandbox_start (struct brig_sandbox *sb, int *ret_exec_errno, struct brig_err *err);

/* Wait for PID 1 to end, forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGUSR1, SIGUSR2 and SIGWINCH to it. */
int brig_sandbox_wait (struct brig_sandbox *sb, struct brig_exit *ret, struct brig_err *err);

/* Kill whatever is left, remove the cgroup and the state, free. */
void brig_sandbox_destroy (struct brig_sandbox *sb);

/* exec: a new process in the running container whose PID 1 is PID (and
 * began at START_TIME, against pid reuse).  C describes the process (argv,
 * env, cwd, user, capabilities, no_new_privs, seccomp, rlimits) and the
 * container (cgroups_path, id).  Without DETACH, waits for it, forwarding
 * signals. */
struct brig_exec_opts
{
  bool detach;
  int console_socket; /* -1: none */
  void (*on_started) (void *data, pid_t pid);
  /* The message for the seccomp agent (linux.seccomp.listenerPath) about
   * the process PID, allocated. */
  char *(*listener_msg) (void *data, pid_t pid);
  void *data;
};

struct brig_exec_result
{
  pid_t pid;      /* the process, as brig sees it */
  int status;     /* its exit status, 128+N if killed by N (not detached) */
  int exec_errno; /* when execve failed: its errno (ENOENT: not found) */
};

int brig_sandbox_exec (const struct brig_container *c, pid_t pid, unsigned long long start_time,
                       const struct brig_exec_opts *o, struct brig_exec_result *ret,
                       struct brig_err *err);

/* Run the hooks of KIND of C in order, each with STATE (the OCI state,
 * JSON) on stdin, within its timeout.  The first failure is returned. */
int brig_hooks_run (const struct brig_container *c, enum brig_hook_kind kind, const char *state,
                    struct brig_err *err);
/* The same for the N hooks H (of KIND, for messages). */
int brig_hooks_run_list (const struct brig_hook *h, size_t n, enum brig_hook_kind kind,
                         const char *state, struct brig_err *err);

/* Detached: forget the container without touching it (brig exits, the
 * container waits for `start`).  Frees SB. */
void brig_sandbox_release (struct brig_sandbox *sb);

/* The cgroup directory of container ID under CGROUPS_PATH (NULL:
 * brig/ID), in every hierarchy: kill what is left in it and remove it. */
int brig_cgroup_remove (const char *cgroups_path, const char *id, struct brig_err *err);

/* Pause (freeze) or resume (thaw) every process of container ID, and wait
 * until it is done. */
int brig_cgroup_freeze (const char *cgroups_path, const char *id, bool freeze,
                        struct brig_err *err);
bool brig_cgroup_frozen (const char *cgroups_path, const char *id);

/* New limits for a running container (update); unset ones stay. */
int brig_cgroup_update (const char *cgroups_path, const char *id, const struct brig_limits *l,
                        struct brig_err *err);

/* What the cgroups say of container ID (-1: unknown or unlimited). */
struct brig_cgroup_stats
{
  unsigned long long cpu_ns;
  long long memory, memory_limit, memory_max;
  long long pids, pids_limit;
  long oom_kills;
};
int brig_cgroup_stats (const char *cgroups_path, const char *id, struct brig_cgroup_stats *ret,
                       struct brig_err *err);

/* The pids in the cgroup of container ID (allocated). */
int brig_cgroup_pids (const char *cgroups_path, const char *id, pid_t **ret, size_t *ret_n,
                      struct brig_err *err);

/* Signal every process in the cgroup of container ID (kill --all). */
int brig_cgroup_signal_all (const char *cgroups_path, const char *id, int sig,
                            struct brig_err *err);

/* The signals that brig_sandbox_wait forwards are blocked from create
 * until destroy; callers need do nothing about them. */

/* Directories: runtime state (/run/brig, or per user), persistent state
 * (/var/lib/brig, or per user), and the compiled-profile cache. */
char *brig_runtime_dir (void);
char *brig_state_dir (void);
char *brig_cache_dir (void);

/* Read a file of the image: PATH resolved inside ROOTFS as if ROOTFS were
 * `/` (symlinks cannot leave it).  -ENOENT if it does not exist. */
int brig_rootfs_read_file (const char *rootfs, const char *path, size_t max, char **ret_buf,
                           size_t *ret_len, struct brig_err *err);

/* True when running as root in the initial user namespace. */
bool brig_is_host_root (void);

/* The namespaces C joins by path that are the host's own (those of PID 1,
 * or of brig itself), as enum brig_ns bits: for the policy to judge. */
unsigned brig_ns_host_mask (const struct brig_container *c);

#endif
