/* Whole-file reads and writes, with errors that name the path. */
#ifndef BRIG_UTIL_FILEIO_H
#define BRIG_UTIL_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Read at most MAX bytes of the file at DIRFD/PATH (AT_FDCWD for a plain
 * path); NUL-terminates the buffer.  A larger file is an error. */
int brig_read_file_at (int dirfd, const char *path, size_t max, char **ret_buf, size_t *ret_len,
                       struct brig_err *err);
int brig_read_file (const char *path, size_t max, char **ret_buf, size_t *ret_len,
                    struct brig_err *err);
/* Read all of FD (from its current offset). */
int brig_read_fd (int fd, const char *name, size_t max, char **ret_buf, size_t *ret_len,
                  struct brig_err *err);

/* Write DATA to an existing file (cgroup and /proc files): one write(2). */
int brig_write_file_at (int dirfd, const char *path, const char *data, struct brig_err *err);

/* Write all of LEN bytes, retrying on EINTR and short writes. */
int brig_write_all (int fd, const void *buf, size_t len);

/* Replace the file at PATH (a symlink: the file it names) with LEN bytes
 * of DATA, atomically: written beside it, synced, renamed over it, with
 * its mode and owner.  A failure leaves the old file as it was. */
int brig_replace_file (const char *path, const char *data, size_t len, struct brig_err *err);

/* Remove the tree NAME under DIR, or everything in the directory FD,
 * never following a symbolic link (a link is removed, not what it names),
 * and adding the sizes of the files removed to *RET_BYTES (may be NULL).
 * A directory its owner made unwritable (0500) is opened up first, as rm
 * -rf would need root for.  Goes on past a failure; returns the first
 * (-errno), or 0.  A NAME already gone is no error. */
int brig_remove_tree_at (int dir, const char *name, uint64_t *ret_bytes);
int brig_empty_dir (int fd, uint64_t *ret_bytes);

/* openat2(2) of PATH under DIRFD with open FLAGS and RESOLVE flags,
 * asked again while it says EINTR or EAGAIN (a rename or mount raced
 * the resolution).  -1 and errno as openat2. */
int brig_openat2 (int dirfd, const char *path, int flags, uint64_t resolve);

/* Create DIR and its parents with MODE (existing ones are fine). */
int brig_mkdir_p (const char *dir, int mode, struct brig_err *err);

#endif
