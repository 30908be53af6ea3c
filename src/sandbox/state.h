#ifndef BRIG_SANDBOX_STATE_H
#define BRIG_SANDBOX_STATE_H

#include <sys/types.h>

#include "model/container.h"
#include "util/err.h"

/* Take NAME for container ID, or fail naming the container that holds it.
 * The claim lasts while *RET_FD (locked) stays open; unlink *RET_PATH
 * before closing it. */
int brig_state_claim_name (const char *dir, const char *name, const char *id, int *ret_fd,
                           char **ret_path, struct brig_err *err);

/* The file that records container ID in DIR. */
char *brig_state_path (const char *dir, const char *id);

/* The PID 1 of the running container whose id begins with REF (4 digits
 * or more) or whose --name is REF, from the records in DIR. */
int brig_state_find (const char *dir, const char *ref, pid_t *ret_pid, struct brig_err *err);

/* The network namespace of running container REF (as brig_state_find),
 * open: refused when its pid is no longer the container's (the start time
 * the record holds) or when the namespace is the host's (PID 1's) or
 * brig's own.  Returns the descriptor. */
int brig_state_peer_netns (const char *dir, const char *ref, struct brig_err *err);

/* Write the record of a running container to brig_state_path (). */
int brig_state_write (const char *dir, const struct brig_container *c, pid_t pid, pid_t brig_pid,
                      const char *cgroup_mode, struct brig_err *err);

/* The running containers recorded in DIR whose state lists the named
 * VOLUME, as "ID12 (NAME)": NULL-terminated, or NULL for none. */
char **brig_state_volume_users (const char *dir, const char *volume);

/* The state of a container made by the OCI runtime verbs, kept in
 * ROOT/ID/state.json beside ROOT/ID/exec.fifo (present until `start`). */
struct brig_oci_state
{
  char *id;
  pid_t pid;
  unsigned long long start_time; /* of pid, from /proc/PID/stat: guards against reuse */
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339 */
  char *cgroups_path;
  char **annotations; /* "key=value" */
  /* The poststart and poststop hooks of the config as it was at create
   * (start and delete run them without reading the bundle again). */
  struct brig_hook *poststart, *poststop;
  size_t npoststart, npoststop;
};

enum brig_oci_status
{
  BRIG_OCI_CREATING,
  BRIG_OCI_CREATED,
  BRIG_OCI_RUNNING,
  BRIG_OCI_PAUSED,
  BRIG_OCI_STOPPED,
};

const char *brig_oci_status_name (enum brig_oci_status s);

/* {"key": "value", ...} from "key=value" strings. */
typedef struct json_t json_t;
json_t *brig_annotations_json (char *const *kv);

int brig_oci_state_write (const char *dir, const struct brig_oci_state *st, struct brig_err *err);
/* -ENOENT (err set) when there is no such container. */
int brig_oci_state_read (const char *dir, struct brig_oci_state *ret, struct brig_err *err);
void brig_oci_state_release (struct brig_oci_state *st);

/* What the kernel says of the recorded process: running (or paused),
 * created (still waiting on its exec FIFO in DIR), or stopped. */
enum brig_oci_status brig_oci_state_status (const char *dir, const struct brig_oci_state *st);

/* The start time of PID from /proc/PID/stat, 0 if it is gone. */
unsigned long long brig_proc_start_time (pid_t pid);

/* Send SIG to PID only if it is still the process that started at
 * START_TIME (0: unknown, not checked): the pidfd pins it, so a reused
 * pid is never signalled.
 * 0, -ESRCH when it is gone, or -errno. */
int brig_proc_signal (pid_t pid, unsigned long long start_time, int sig);

/* Send a pidfd of PID (if still the process that started at START_TIME;
 * 0: unchecked) to the unix socket at SOCKET_PATH (runc's --pidfd-socket:
 * SCM_RIGHTS, "pidfd" as the payload). */
int brig_proc_send_pidfd (pid_t pid, unsigned long long start_time, const char *socket_path,
                          struct brig_err *err);

/* Wait up to TIMEOUT_MS for PID (if still the process that started at
 * START_TIME) to exit: 0 once it has (a zombie counts), -ETIMEDOUT. */
int brig_proc_wait_exit (pid_t pid, unsigned long long start_time, int timeout_ms);

#endif
