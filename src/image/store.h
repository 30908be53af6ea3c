/* The local image store: a content-addressed directory under brig's state
 * directory (docs/images.md).
 *
 *   ROOT/blobs/sha256/HEX   manifests, configs and layers, named by the
 *                           SHA-256 of their content
 *   ROOT/refs.json          the images held (manifest digests) and the tags
 *                           naming them
 *   ROOT/layers/KEY/        layers unpacked for one id mapping (unpack.c)
 *   ROOT/flat/KEY/          whole root filesystems, where overlayfs is not
 *                           available
 *   ROOT/containers/ID/     a running container's hold on its image, and
 *                           its writable upper directory
 *   ROOT/tmp/               files being written
 *
 * Every write goes to ROOT/tmp, is hashed while written, synced, checked
 * against the digest it must have and only then renamed into place; every
 * read of a blob is hashed again and checked.  A failure leaves nothing
 * half-written.  ROOT/lock serialises writers (flock). */
#ifndef BRIG_IMAGE_STORE_H
#define BRIG_IMAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/digest.h"
#include "image/manifest.h"
#include "util/err.h"

struct brig_store
{
  char *root;
  int dir;  /* ROOT, O_PATH */
  int lock; /* ROOT/lock, or -1 */
};

struct brig_tag
{
  char *name;   /* normalised: "busybox:latest", "localhost/x:1" */
  char *digest; /* the manifest's */
};

struct brig_refs
{
  char **images; /* manifest digests of the images held */
  struct brig_tag *tags;
  size_t ntags;
  /* Repository digests that are not the manifest's: the index a pull
   * resolved ("registry:5000/app@sha256:..."), so that the image runs by
   * the digest it was pulled by (docker's RepoDigests). */
  struct brig_tag *digests;
  size_t ndigests;
};

/* Open (and create) the store at ROOT.  EXCLUSIVE: a writer's lock,
 * else a reader's; held until brig_store_close. */
int brig_store_open (const char *root, bool exclusive, struct brig_store *ret,
                     struct brig_err *err);
void brig_store_close (struct brig_store *s);

/* Copy LEN bytes of FD at OFF into a blob.  WANT (or NULL) is the digest
 * the content must have; *RET_NEW says whether the blob is new (the caller
 * removes new blobs when its whole import fails). */
int brig_store_put_fd (struct brig_store *s, int fd, uint64_t off, uint64_t len, const char *want,
                       const char *name, char ret_digest[BRIG_DIGEST_LEN], bool *ret_new,
                       struct brig_err *err);
int brig_store_put_buf (struct brig_store *s, const char *data, size_t len,
                        char ret_digest[BRIG_DIGEST_LEN], bool *ret_new, struct brig_err *err);
/* A blob written piece by piece (a download): hashed as it is written
 * to ROOT/tmp; commit checks it against WANT (or NULL), syncs it and
 * renames it into place; abort (or a failed commit) removes it. */
struct brig_blob_writer
{
  struct brig_store *s;
  char *tmp;
  int fd;
  struct brig_sha256 hash;
  uint64_t size; /* bytes written so far */
};
int brig_blob_writer_open (struct brig_store *s, struct brig_blob_writer *w, struct brig_err *err);
int brig_blob_writer_write (struct brig_blob_writer *w, const void *data, size_t len,
                            struct brig_err *err);
/* NAME names the blob in the error when its digest is not WANT. */
int brig_blob_writer_commit (struct brig_blob_writer *w, const char *want, const char *name,
                             char ret_digest[BRIG_DIGEST_LEN], bool *ret_new, struct brig_err *err);
void brig_blob_writer_abort (struct brig_blob_writer *w);
bool brig_store_has (struct brig_store *s, const char *digest);
/* An open blob (O_RDONLY) and its size; the caller verifies as it reads. */
int brig_store_open_blob (struct brig_store *s, const char *digest, int *ret_fd, uint64_t *ret_size,
                          struct brig_err *err);
/* A whole small blob (at most MAX bytes), verified against its digest. */
int brig_store_read_blob (struct brig_store *s, const char *digest, size_t max, char **ret_buf,
                          size_t *ret_len, struct brig_err *err);
int brig_store_remove_blob (struct brig_store *s, const char *digest);

int brig_store_read_refs (struct brig_store *s, struct brig_refs *ret, struct brig_err *err);
/* refs.json's text BUF (of the file PATH): entries that are no digest are
 * left out. */
int brig_refs_parse (const char *buf, size_t len, const char *path, struct brig_refs *ret,
                     struct brig_err *err);
/* Replace refs.json atomically. */
int brig_store_write_refs (struct brig_store *s, const struct brig_refs *refs,
                           struct brig_err *err);
void brig_refs_release (struct brig_refs *r);
/* Point tag NAME at DIGEST (adding the image if need be). */
void brig_refs_tag (struct brig_refs *r, const char *name, const char *digest);
/* Drop tag NAME; false if there was none. */
bool brig_refs_untag (struct brig_refs *r, const char *name);
/* Record that REPO@INDEX (an index's digest) names image DIGEST. */
void brig_refs_add_digest (struct brig_refs *r, const char *repo, const char *index,
                           const char *digest);
/* Drop image DIGEST (which may be one of R's own strings), its tags and
 * repository digests. */
void brig_refs_drop_image (struct brig_refs *r, const char *digest);

/* An image of the store, read and verified. */
struct brig_stored_image
{
  char digest[BRIG_DIGEST_LEN]; /* the manifest's */
  struct brig_manifest manifest;
  struct brig_image_config config;
  char *config_json;
};
int brig_store_load_image (struct brig_store *s, const char *digest, struct brig_stored_image *ret,
                           struct brig_err *err);
void brig_stored_image_release (struct brig_stored_image *img);

/* Find the image REF names: NAME[:TAG][@DIGEST] (DIGEST the manifest's,
 * or an index's a pull recorded), a manifest or config digest, or a
 * prefix (at least 4 hex digits) of an image id (the config digest).  *RET_DIGEST: the manifest
 * digest; *RET_NAME (or NULL): the tag matched, else NULL. */
int brig_store_resolve (struct brig_store *s, const struct brig_refs *refs, const char *ref,
                        char ret_digest[BRIG_DIGEST_LEN], char **ret_name, struct brig_err *err);
/* REF as a tag: "busybox" -> "busybox:latest", docker.io/library/ removed;
 * NULL (and an error) when it is not a valid name. */
char *brig_ref_normalize (const char *ref, struct brig_err *err);
/* The repository of REF, normalised as brig_ref_normalize does, without
 * its tag: "docker.io/library/busybox:1" -> "busybox". */
char *brig_ref_repository (const char *ref, struct brig_err *err);

/* ROOT/spare: the directory the last read-only container left for the
 * next (image/rootfs.c); brig gc removes it. */
#define BRIG_STORE_SPARE "spare"

struct brig_gc_stats
{
  size_t blobs, layers, flats, containers;
  uint64_t bytes;
};
/* Remove blobs no image reaches, unpacked layers and flat roots no image
 * uses, and what containers that ended without cleaning up left.  Needs
 * the writer's lock. */
int brig_store_gc (struct brig_store *s, struct brig_gc_stats *ret, struct brig_err *err);

#endif
