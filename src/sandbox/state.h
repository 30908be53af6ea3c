#ifndef BRIG_SANDBOX_STATE_H
#define BRIG_SANDBOX_STATE_H

#include <sys/types.h>

#include "model/container.h"
#include "util/err.h"

/* Take NAME for container ID, or fail naming the container that holds it. */
int brig_state_claim_name (const char *dir, const char *name, const char *id, char **ret_path,
                           struct brig_err *err);

/* The file that records container ID in DIR. */
char *brig_state_path (const char *dir, const char *id);

/* Write the record of a running container to brig_state_path (). */
int brig_state_write (const char *dir, const struct brig_container *c, pid_t pid, pid_t brig_pid,
                      const char *cgroup_mode, struct brig_err *err);

#endif
