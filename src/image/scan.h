/* Reading an image of the store for brig audit --image: its config, and
 * the files of its final root filesystem that the rules ask about, from
 * the layers streamed through the store's verified reads (each layer's
 * digest and diff_id checked, as at load), never unpacked to disk.
 *
 * Layers are read bottom first; an entry replaces what a lower layer had
 * at its path, a whiteout (.wh.NAME) removes NAME and what is below it,
 * an opaque marker (.wh..wh..opq) what lower layers put in its directory,
 * so a setuid file a later layer deleted is not reported.  Kept: files
 * with setuid or setgid bits, files and directories anyone may write
 * (directories without the sticky bit), and the paths WATCH says yes to. */
#ifndef BRIG_IMAGE_SCAN_H
#define BRIG_IMAGE_SCAN_H

#include <stdbool.h>

#include "image/load.h"
#include "image/store.h"
#include "model/imagescan.h"

/* The most files a scan keeps (a hostile layer of a million setuid files
 * is an error, not a report of a million lines). */
#define BRIG_SCAN_MAX_FILES 100000

struct brig_scan_opts
{
  bool (*watch) (const char *path); /* an absolute, clean path */
  const struct brig_load_opts *bounds;
};

/* IMG's config and files into RET (its NAME, REF, PINNED and TAGS are the
 * caller's to fill). */
int brig_image_scan (struct brig_store *s, const struct brig_stored_image *img,
                     const struct brig_scan_opts *o, struct brig_image_scan *ret,
                     struct brig_err *err);

/* The same over LAYERS (N tar readers, bottom first): RET's files only.
 * Pure (tests, fuzzing); at most O->bounds->max_entries entries in all. */
int brig_scan_tars (struct brig_tar *layers, size_t n, const struct brig_scan_opts *o,
                    struct brig_image_scan *ret, struct brig_err *err);

#endif
