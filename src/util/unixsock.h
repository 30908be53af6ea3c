/* Unix sockets by path, and descriptors passed over them (SCM_RIGHTS): the
 * console socket, the seccomp agent and the pidfd socket all speak it. */
#ifndef BRIG_UTIL_UNIXSOCK_H
#define BRIG_UTIL_UNIXSOCK_H

#include <stddef.h>

#include "util/err.h"

/* A connected SOCK_STREAM socket (close-on-exec) to PATH; errors say
 * "connect to the WHAT `PATH`". */
int brig_unix_connect (const char *path, const char *what, struct brig_err *err);

/* Send FD on SOCK with LEN bytes of PAYLOAD (at least one: SCM_RIGHTS
 * needs data to ride on).  -errno on failure. */
int brig_send_fd (int sock, const void *payload, size_t len, int fd);

#endif
