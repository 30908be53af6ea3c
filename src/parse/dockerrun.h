/* `docker run`, `docker create` and `podman run` lines in shell scripts and
 * Makefiles -> workloads (model/workload.h), one per command, with
 * Docker's settings in its DOCKER part. */
#ifndef BRIG_PARSE_DOCKERRUN_H
#define BRIG_PARSE_DOCKERRUN_H

#include <stdbool.h>
#include <stddef.h>

#include "model/workload.h"
#include "util/err.h"

/* Is NAME (without its directory) a shell script or a Makefile by its
 * name: *.sh, *.bash, Makefile, makefile, GNUmakefile, *.mk? */
bool brig_dockerrun_name (const char *name);
/* Is NAME a Makefile (where $$ is $ and each line is its own command)? */
bool brig_dockerrun_make (const char *name);
/* Does BUF start with the #! line of a shell (sh, bash, dash, zsh, ksh,
 * ash, mksh; directly or through env)? */
bool brig_dockerrun_shebang (const char *buf, size_t len);

/* One word of a command line, its quotes removed and its variables left as
 * written ($VAR, ${VAR}, $(cmd) and `cmd` are opaque text), or the end of
 * a command (TEXT NULL: a newline, ;, &, |, &&, ||, ( or )). */
struct brig_shword
{
  char *text;
  int line, col, end_line, end_col;
};

/* The words of BUF (LEN bytes of FILE): a shell script, or with MAKE a
 * Makefile.  Backslash-newline continues a line; comments, redirections
 * and here-documents are left out.  A quote left open at the end of a
 * script is an error at the quote's line and column (in a Makefile a line
 * ends it). */
int brig_shell_words (const char *buf, size_t len, const char *file, bool make,
                      struct brig_shword **ret, size_t *ret_n, struct brig_err *err);
void brig_shwords_free (struct brig_shword *w, size_t n);

/* Every docker/podman/nerdctl run or create command of BUF as a workload
 * of kind "docker run" ("podman run", "docker create"...), named by its
 * --name or its image; each setting located at its flag.  A command whose
 * engine is a variable named like one ($(DOCKER), ${PODMAN}) counts.  An
 * exec command is one too, of kind "docker exec", DOCKER.EXEC set, named
 * by its container (its --privileged and --user are what rules read). */
int brig_parse_dockerrun (const char *buf, size_t len, const char *file, bool make,
                          struct brig_workload **ret, size_t *ret_n, struct brig_err *err);

#endif
