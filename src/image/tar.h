/* A tar reader: ustar, POSIX pax extended headers (path, linkpath, size,
 * uid, gid, mtime, SCHILY.xattr.*) and GNU long names (L, K) and base-256
 * numbers.  Pure: it pulls bytes through a read callback and never touches
 * a file system; what an entry means for a root filesystem is unpack.c's
 * business.
 *
 * Every header is checked (checksum, magic, octal fields); extension
 * headers are bounded (BRIG_TAR_MAX_EXT), so a crafted archive cannot make
 * the reader allocate without limit.  Entries of types the reader does not
 * know (sparse files, multi-volume parts) are an error, not skipped. */
#ifndef BRIG_IMAGE_TAR_H
#define BRIG_IMAGE_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define BRIG_TAR_MAX_EXT (1u << 20) /* a pax or GNU long-name header */
#define BRIG_TAR_MAX_PATH 4096

/* Read up to N bytes into BUF; *GOT 0 at the end of the input. */
typedef int (*brig_tar_read_fn) (void *ctx, void *buf, size_t n, size_t *got, struct brig_err *err);

enum brig_tar_type
{
  BRIG_TAR_FILE,
  BRIG_TAR_HARDLINK,
  BRIG_TAR_SYMLINK,
  BRIG_TAR_CHAR,
  BRIG_TAR_BLOCK,
  BRIG_TAR_DIR,
  BRIG_TAR_FIFO,
};

struct brig_tar_xattr
{
  char *name;
  char *value;
  size_t len;
};

struct brig_tar_entry
{
  char *path;     /* as written: may be absolute or hold `..`; never empty */
  char *linkname; /* HARDLINK, SYMLINK; else NULL */
  enum brig_tar_type type;
  uint32_t mode; /* the permission bits, 07777 */
  uint64_t uid, gid;
  uint64_t size; /* bytes of data (FILE only; 0 for the others) */
  int64_t mtime;
  uint32_t devmajor, devminor;
  struct brig_tar_xattr *xattrs;
  size_t nxattrs;
};

struct brig_tar
{
  brig_tar_read_fn read;
  void *ctx;
  const char *name; /* for errors: "layer sha256:..." */
  uint64_t remain;  /* data of the current entry not yet read */
  uint64_t pad;     /* padding after it */
  uint64_t offset;  /* bytes consumed */
  bool done;
};

void brig_tar_init (struct brig_tar *t, brig_tar_read_fn fn, void *ctx, const char *name);
/* The next entry into *E (freed by brig_tar_entry_release, also on error).
 * 1: an entry; 0: the end of the archive; <0: an error naming the archive
 * and the offset.  The rest of the previous entry's data is skipped. */
int brig_tar_next (struct brig_tar *t, struct brig_tar_entry *e, struct brig_err *err);
/* Read the current entry's data; *GOT 0 at its end.  A short archive is
 * an error ("truncated"), never a silently short file. */
int brig_tar_read (struct brig_tar *t, void *buf, size_t n, size_t *got, struct brig_err *err);
void brig_tar_entry_release (struct brig_tar_entry *e);

/* A tar reader over a buffer in memory (fuzzing, tests, small members). */
struct brig_tar_mem
{
  const unsigned char *data;
  size_t len, pos;
};
int brig_tar_mem_read (void *ctx, void *buf, size_t n, size_t *got, struct brig_err *err);

/* PATH (an entry's name or a link's target) without empty and `.`
 * components, joined by `/` ("" for the root; allocated); NULL when a
 * component is `..`: nothing in a layer may name a place above it. */
char *brig_tar_clean_path (const char *path);

#endif
