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

#endif
