/* One handler per command; each returns the process exit status. */
#ifndef BRIG_CMD_CMD_H
#define BRIG_CMD_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/policy.h"

int cmd_audit (int argc, char **argv);
int cmd_gc (int argc, char **argv);
int cmd_images (int argc, char **argv);
int cmd_inspect (int argc, char **argv);
int cmd_load (int argc, char **argv);
int cmd_pull (int argc, char **argv);
int cmd_rmi (int argc, char **argv);
int cmd_tag (int argc, char **argv);
int cmd_host (int argc, char **argv);
int cmd_probe (int argc, char **argv);
int cmd_ps (int argc, char **argv);
int cmd_run (int argc, char **argv);
int cmd_version (int argc, char **argv);
int cmd_volume (int argc, char **argv);
int cmd_runtime (int argc, char **argv);

/* Print "brig: MSG" (and release the error) and return STATUS. */
struct brig_err;
int brig_fail (int status, struct brig_err *err);

/* The options the commands that report findings share (audit, host, ps):
 * --format text|json|sarif into *JSON and *SARIF; a severity name (low,
 * medium, high, critical) into *RET, and for --fail-on (NEVER non-NULL)
 * "never" too. */
int brig_format_arg (const char *arg, bool *json, bool *sarif, struct brig_err *err);
int brig_severity_arg (const char *arg, enum brig_severity *ret, bool *never, struct brig_err *err);

/* An engine's API socket as --docker-host and --podman-host take it (and
 * $DOCKER_HOST, $CONTAINER_HOST): unix:///PATH or /PATH, a local socket;
 * *RET is PATH (inside ARG). */
int brig_socket_arg (const char *arg, const char **ret, struct brig_err *err);

/* The socket environment variable NAME names, or NULL when it is unset or
 * not a local socket (tcp://, ssh://: not spoken here). */
const char *brig_socket_env (const char *name);

/* And how they end: R sorted and written to F as text (coloured on a
 * terminal without NO_COLOR), JSON or SARIF (paths relative to ROOT, or
 * as they are for NULL); the exit status, 2 when R has errors, 1 when a
 * finding not suppressed is at least FAIL_ON severe (never: NEVER), else
 * 0. */
struct brig_audit_report;
int brig_report_finish (FILE *f, struct brig_audit_report *r, bool json, bool sarif,
                        const char *root, enum brig_severity fail_on, bool never);

/* The policy: the file BRIG_POLICY names; without it, BRIG_DEFAULT_POLICY
 * if there is one, else the built-in policy (the hardened setup). */
#define BRIG_DEFAULT_POLICY "/etc/brig/policy.json"
int brig_load_policy (struct brig_policy **ret, struct brig_err *err);

/* The image store's directory: <state dir>/images (allocated). */
char *brig_store_root (void);
/* --max-layer-size of load and pull: a size, at least 4k. */
int brig_max_layer_arg (const char *arg, uint64_t *ret, struct brig_err *err);

/* Today as YYYYMMDD, in local time (0 when unknown). */
int brig_today (void);

#endif
