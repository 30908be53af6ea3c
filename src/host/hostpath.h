/* What a host path is before brig binds it into a container: where it
 * really leads, and what lies at or below it.  The policy judges these
 * (BRIG-C003, BRIG-C015); this file only reads the host. */
#ifndef BRIG_HOST_HOSTPATH_H
#define BRIG_HOST_HOSTPATH_H

#include "util/err.h"

/* Resolve the absolute PATH as the kernel would, component by component:
 * *RET_REAL is the path with no symlink, `.` or `..` left (what realpath(3)
 * gives); *RET_VIA every path the resolution went through: PATH, then for
 * each symlink met the link itself and the path it turned the rest into.
 * -ENOENT (err naming the missing component) when it does not exist. */
int brig_host_path_resolve (const char *path, char **ret_real, char ***ret_via,
                            struct brig_err *err);

/* What is at or below the resolved path DIR, as "KIND PATH" strings: each
 * unix socket the host listens on (/proc/net/unix, brig's network
 * namespace) as "socket RESOLVED-PATH", and each filesystem mounted there
 * (/proc/self/mountinfo) as "FSTYPE MOUNTPOINT".  NULL-terminated, NULL
 * for none. */
char **brig_host_path_holds (const char *dir);

#endif
