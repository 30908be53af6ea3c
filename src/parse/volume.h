/* brig run's -v/--volume and --mount, read into a mount of the model.
 *
 *   -v SOURCE:TARGET[:OPTIONS]
 *   --mount type=bind|volume|tmpfs,source=SOURCE,target=TARGET[,OPTION...]
 *
 * SOURCE is an absolute host path (a bind) or a volume name (a named
 * volume); TARGET an absolute path in the container.  Every mount is
 * read-only unless `rw` (or readonly=false) is given, and nosuid and nodev
 * unless `suid` or `dev` is (which the policy judges: BRIG-C016).  Pure:
 * nothing here looks at the host; the caller resolves the source. */
#ifndef BRIG_PARSE_VOLUME_H
#define BRIG_PARSE_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#include "model/container.h"
#include "util/err.h"

/* A volume name: a letter or digit, then letters, digits, `_`, `.` or `-`,
 * at most BRIG_VOLUME_NAME_MAX characters. */
#define BRIG_VOLUME_NAME_MAX 128
bool brig_volume_name_valid (const char *name);

/* -v SOURCE:TARGET[:OPTIONS], OPTIONS a comma list of ro, rw, nosuid,
 * suid, nodev, dev, noexec, exec.  *RET is a "bind" mount whose source is
 * the absolute path as given (not yet resolved), or, for a named volume, a
 * "bind" with VOLUME set and no source; or a "tmpfs" (--mount only).
 * Release it with brig_mount_release. */
int brig_parse_volume (const char *arg, struct brig_mount *ret, struct brig_err *err);

/* --mount KEY=VALUE,...: type (bind, volume, tmpfs; default volume),
 * source/src, target/destination/dst, readonly/ro[=true|false], rw, the
 * flags of -v, tmpfs-size, tmpfs-mode. */
int brig_parse_mount (const char *arg, struct brig_mount *ret, struct brig_err *err);

#endif
