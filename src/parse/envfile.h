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

/* Compose's .env (and include's env_file): NAME=VALUE lines, `#` comments,
 * blank lines, an `export ` before the name; a VALUE in single quotes is
 * taken as written, in double quotes with \n, \t, \", \\ and \$ escaped,
 * unquoted up to a ` #` comment and trimmed; ${NAME} in an unquoted or
 * double-quoted value is interpolated (brig_env_interpolate) with the
 * entries above it.  Lenient, as an audit must be: a line that is none of
 * these is skipped.  Each entry is put in *ENV as "NAME=VALUE": *ENV
 * (sorted, or NULL) is kept sorted, an entry replaced by a later one of
 * the same name. */
void brig_parse_dotenv (const char *buf, size_t len, char ***env);

/* Sort ENV ("NAME=VALUE" entries) by name, keeping only the last entry of
 * each name: the form brig_env_interpolate reads. */
void brig_env_sort (char **env);

/* The value of NAME (LEN bytes) in ENV (sorted by brig_env_sort), or NULL. */
const char *brig_env_get (char *const *env, const char *name, size_t len);

/* S with Compose's interpolation done from ENV (sorted, or NULL): $$ is $;
 * $NAME and ${NAME} are NAME's value; ${NAME:-WORD} WORD when NAME is
 * unset or empty, ${NAME-WORD} when unset; ${NAME:+WORD} WORD when NAME is
 * set and not empty, else nothing, ${NAME+WORD} when set; ${NAME:?MSG} and
 * ${NAME?MSG} NAME's value.  WORD is interpolated too.  A variable that
 * has no value (and no default) keeps its text, ${NAME} as written.
 * Returns a new string, or NULL when S has no $ or the result would grow
 * past 1 MiB (S is then taken as it is). */
char *brig_env_interpolate (const char *s, char *const *env);

/* S as it reads when the environment sets no variable (brig_env_interpolate
 * with no ENV: ${NAME:-WORD} is WORD, ${NAME:+WORD} nothing), or NULL when
 * S has no $, or a variable is left without a value ($NAME, ${NAME},
 * ${NAME:?MSG}, a form Compose does not know), or it would grow past
 * 1 MiB. */
char *brig_env_defaults (const char *s);

#endif
