/* Compose files (version 2, version 3 and the Compose Specification) ->
 * workloads (model/workload.h): one per service, with Docker's settings in
 * its DOCKER part. */
#ifndef BRIG_PARSE_COMPOSE_H
#define BRIG_PARSE_COMPOSE_H

#include <stdbool.h>

#include "model/workload.h"
#include "parse/yaml.h"
#include "util/err.h"

/* Is NAME (a file's name, without its directory) one Compose looks for:
 * compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml,
 * and their .override or other variants (docker-compose.prod.yml)? */
bool brig_compose_name (const char *name);

/* Does Y's first document have a top-level `services` mapping and no
 * Kubernetes apiVersion and kind? */
bool brig_compose_detect (const struct brig_yaml *y);

/* How the parser reaches the file an `extends: {file: PATH}` names: LOAD
 * reads PATH (as written, relative to FROM, the file that names it) and
 * returns its YAML and the name to report it by, both kept alive by CTX
 * until the workloads are freed.  A file that is not there (-ENOENT: it
 * often is not, in a repository that keeps it elsewhere) is told to WARN
 * and the service is judged on its own settings; other errors stop.  With
 * no loader, such an extends is an error. */
struct brig_compose_loader
{
  int (*load) (void *ctx, const char *from, const char *path, const struct brig_yaml **ret_y,
               const char **ret_name, struct brig_err *err);
  void (*warn) (void *ctx, const char *message);
  void *ctx;
  /* The variables ${NAME} reads (Compose's .env), "NAME=VALUE" sorted by
   * brig_env_sort; NULL: none (defaults still apply).  Every value the rules
   * read is interpolated (brig_env_interpolate): a variable without a value
   * keeps its text, and the value its node's place. */
  char *const *env;
};

/* Every service of the compose file Y (read from FILE) as a workload of
 * kind "service", named by its key.  `extends` (same file or another) is
 * followed and merged as Compose merges it: the service's own values win,
 * lists add up; values from another file are located at the `extends` key.
 * `network_mode`, `pid` and `ipc` of "service:X" where X shares the host's
 * read "service:X -> host".  A value of the wrong shape is an error at its
 * line and column. */
int brig_parse_compose (const struct brig_yaml *y, const char *file,
                        const struct brig_compose_loader *loader, struct brig_workload **ret,
                        size_t *ret_n, struct brig_err *err);

/* One entry of the top-level `include:`: a path ("other.yaml"), or
 * {path: PATH or [PATH...], project_directory: DIR, env_file: FILE or
 * [FILE...]}.  Paths as written (interpolated with ENV), relative to the
 * including file's directory. */
struct brig_compose_include
{
  char **paths;
  char *project_directory; /* NULL when not given */
  char **env_files;        /* NULL when not given */
  struct brig_loc loc;     /* the entry */
};

/* The `include:` entries of Y (read from FILE), interpolated with ENV
 * (sorted, or NULL), into *RET (*RET_N).  A value of the wrong shape is an
 * error at its line and column. */
int brig_compose_includes (const struct brig_yaml *y, const char *file, char *const *env,
                           struct brig_compose_include **ret, size_t *ret_n, struct brig_err *err);
void brig_compose_includes_free (struct brig_compose_include *v, size_t n);

#endif
