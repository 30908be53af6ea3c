/* One handler per command; each returns the process exit status. */
#ifndef BRIG_CMD_CMD_H
#define BRIG_CMD_CMD_H

#include <stdbool.h>

#include "policy/policy.h"

int cmd_audit (int argc, char **argv);
int cmd_host (int argc, char **argv);
int cmd_probe (int argc, char **argv);
int cmd_ps (int argc, char **argv);
int cmd_run (int argc, char **argv);
int cmd_version (int argc, char **argv);
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

#endif
