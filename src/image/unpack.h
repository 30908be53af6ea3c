/* Unpacking a layer into a directory, safely against a hostile image.
 * This is the file of the image layer that touches the kernel: every path
 * is walked from the root's file descriptor with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV), never as a host path string.
 *
 * What a layer cannot do here:
 *   - reach outside the root: `..` in a path or a hard link's target is an
 *     error; absolute paths are taken relative to the root; a symbolic
 *     link (to anywhere) is created as it is but never followed out of
 *     the root, also when a later entry is written "through" it;
 *   - make devices: character and block devices are dropped (counted);
 *   - keep setuid/setgid bits or file capabilities (security.capability),
 *     unless KEEP_SETID; other extended attributes than user.* are
 *     dropped (a layer must not forge trusted.overlay.* for overlayfs);
 *   - own files outside the user namespace: owners are shifted by the
 *     mapping (an id past its size is an error), or squashed to one id;
 *   - grow without bound: at most MAX_BYTES of file data and MAX_ENTRIES
 *     entries (the stream bounds the decompressed size as well).
 * Whiteouts (.wh.NAME) and opaque directories (.wh..wh..opq) become
 * overlayfs's (a 0:0 character device, trusted.overlay.opaque=y) when
 * OVERLAY, else they are applied: NAME, or what lower layers put in the
 * directory, is removed. */
#ifndef BRIG_IMAGE_UNPACK_H
#define BRIG_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "image/tar.h"
#include "util/err.h"

struct brig_unpack_opts
{
  bool overlay;
  bool keep_setid;
  bool squash; /* every owner becomes UID_BASE:GID_BASE */
  bool chown;  /* false: leave files to the unpacking user (rootless) */
  uint32_t uid_base, gid_base, id_count;
  uint64_t max_bytes, max_entries;
};

struct brig_unpack_stats
{
  uint64_t entries, bytes;
  uint64_t devices_dropped, setid_cleared, xattrs_dropped, whiteouts;
};

/* Unpack the archive T into the directory ROOT (an fd). */
int brig_unpack_layer (int root, struct brig_tar *t, const struct brig_unpack_opts *o,
                       struct brig_unpack_stats *st, struct brig_err *err);

/* Make the directory PATH (absolute, inside the directory ROOT) and its
 * missing parents, owned by UID:GID, mode 0755; the same walk as entries
 * take, so PATH cannot leave ROOT.  WHAT names it in errors. */
int brig_unpack_mkdirs (int root, const char *path, const char *what, uint32_t uid, uint32_t gid,
                        struct brig_err *err);

#endif
