/* Importing images into the store: `docker save` / `podman save` archives
 * (Docker's manifest.json format, or an OCI layout in a tar), and OCI
 * image layouts in a directory (what `skopeo copy ... oci:DIR` writes).
 * An archive may itself be gzip- or zstd-compressed.  Every blob is copied
 * through a digest check; every layer is decompressed and read as tar
 * once (its diff_id checked against the config), bounded by MAX_LAYER.
 * An index with several platforms gives the host's.  Any failure removes
 * the blobs this import wrote and leaves the store's tags as they were. */
#ifndef BRIG_IMAGE_LOAD_H
#define BRIG_IMAGE_LOAD_H

#include <stdint.h>

#include "image/store.h"
#include "image/tar.h"

struct brig_loaded
{
  char digest[BRIG_DIGEST_LEN]; /* the manifest's */
  char **names;                 /* the tags it was given, normalised */
};

struct brig_load_opts
{
  uint64_t max_layer;   /* decompressed bytes of one layer */
  uint64_t max_entries; /* entries of one layer */
  const char *tag;      /* also tag every image loaded with this (or NULL) */
};

/* PATH: an archive (IS_DIR false) or an OCI layout directory. */
int brig_image_load (struct brig_store *s, const char *path, bool is_dir,
                     const struct brig_load_opts *o, struct brig_loaded **ret, size_t *ret_n,
                     struct brig_err *err);
void brig_loaded_free (struct brig_loaded *v, size_t n);

/* Read layer LAYER of the store through its digest and as tar, checking
 * its diff_id DIFF_ID, within the bounds of O. */
int brig_layer_verify (struct brig_store *s, const char *layer, const char *diff_id,
                       const struct brig_load_opts *o, struct brig_err *err);

/* The same read, calling FN (or nothing, when NULL) with each entry as it
 * comes; a negative return from FN ends the read with that error.  Every
 * entry is read to its end, so the digest is checked whatever FN does. */
typedef int (*brig_layer_entry_fn) (void *ctx, const struct brig_tar_entry *e,
                                    struct brig_err *err);
int brig_layer_walk (struct brig_store *s, const char *layer, const char *diff_id,
                     const struct brig_load_opts *o, brig_layer_entry_fn fn, void *ctx,
                     struct brig_err *err);

#endif
