/* Seccomp profiles in Docker's format (defaultAction, syscalls with
 * includes/excludes) and in the OCI runtime spec's linux.seccomp form. */
#ifndef BRIG_PARSE_SECCOMP_JSON_H
#define BRIG_PARSE_SECCOMP_JSON_H

#include <stddef.h>

#include "model/seccomp.h"
#include "util/err.h"

/* Parse a profile.  Errors name FILENAME and the line:col of a syntax error,
 * or the JSON path of the offending value ("syscalls[3].action"). */
int brig_parse_seccomp_json (const char *buf, size_t len, const char *filename,
                             struct brig_seccomp **ret, struct brig_err *err);

/* The same, from a JSON value already parsed (linux.seccomp of a
 * config.json); FILE names it in errors. */
typedef struct json_t json_t;
int brig_parse_seccomp_value (json_t *root, const char *file, struct brig_seccomp **ret,
                              struct brig_err *err);

#endif
