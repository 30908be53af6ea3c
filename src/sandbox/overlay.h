/* The kernel's part of an image's root (image/rootfs.c decides what to
 * stack; these mount and unmount it): an overlay of read-only lower
 * layers, with an upper directory when the root is writable. */
#ifndef BRIG_SANDBOX_OVERLAY_H
#define BRIG_SANDBOX_OVERLAY_H

#include <stdbool.h>

#include "util/err.h"

/* Does the kernel have overlayfs (/proc/filesystems)? */
bool brig_overlay_available (void);

/* Mount at TARGET the overlay whose options OPTS name directories
 * relative to LAYERS_DIR (an fd: many layers fit in the page the options
 * are given in that way), read-only unless WRITABLE, nodev, and nosuid
 * unless SUID.  -errno and ERR on failure. */
int brig_overlay_mount (int layers_dir, const char *opts, const char *target, bool writable,
                        bool suid, struct brig_err *err);

/* Detach the mount at TARGET (lazily: a sandbox that cloned it keeps its
 * copy). */
void brig_overlay_detach (const char *target);

#endif
