/* docker run --env-file: one VAR=VALUE per line, `#` comments, blank lines;
 * a line with only VAR takes the value from the caller's environment. */
#ifndef BRIG_PARSE_ENVFILE_H
#define BRIG_PARSE_ENVFILE_H

#include <stddef.h>

#include "util/err.h"

/* Append each entry to *env as "VAR=VALUE", or "VAR" when the line names
 * only a variable (the caller resolves it).  Errors name FILENAME:LINE:COL. */
int brig_parse_envfile (const char *buf, size_t len, const char *filename, char ***env,
                        struct brig_err *err);

/* A valid variable name: not empty, no '=', no whitespace, no NUL. */
int brig_env_name_valid (const char *name, size_t len);

#endif
