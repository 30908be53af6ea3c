/* Docker's API on its unix socket: one HTTP/1.0 GET (the daemon closes
 * the connection after the body: no chunking), for brig host and brig ps. */
#ifndef BRIG_HOST_DOCKERAPI_H
#define BRIG_HOST_DOCKERAPI_H

#include <jansson.h>

#include "util/err.h"

/* GET PATH ("/containers/json") on the daemon at SOCK: the body of a 200
 * answer, parsed; NULL and ERR otherwise.  Bounded in time (5 s each way)
 * and size (16 MiB). */
json_t *brig_docker_api_get (const char *sock, const char *path, struct brig_err *err);

#endif
