/* A container's root filesystem from an image of the store.
 *
 * With overlayfs (root on the host, the kernel has it): each layer is
 * unpacked once per id mapping into ROOT/layers/<diff_id hex>-<mapping>
 * and shared by every image and container that uses it; the root is an
 * overlay of those lower layers, with a per-container upper directory only
 * when the root is writable.  Otherwise (unprivileged, or no overlayfs) the
 * layers are applied in order into one flat directory: cached per image
 * and mapping when read-only, made afresh for each writable container.
 *
 * Files are owned by the mapped ids (unpack.h), so the root needs no
 * idmapped mount.  A container holds ROOT/containers/ID/hold locked for
 * as long as it runs, so that brig gc keeps what it uses.  The directory
 * of a read-only container that ends is kept as ROOT/spare, with its base
 * layer (the mount points), for the next container to rename into place:
 * a second start makes no directory on the store's file system. */
#ifndef BRIG_IMAGE_ROOTFS_H
#define BRIG_IMAGE_ROOTFS_H

#include <stdbool.h>
#include <stdint.h>

#include "image/store.h"

struct brig_rootfs_opts
{
  const char *id; /* the container's */
  bool writable;
  bool keep_setid;
  bool squash; /* unprivileged: every file the caller's */
  /* The kernel's part, from the caller (src/sandbox/overlay.h: image/
   * decides, sandbox/ mounts): mount an overlay of the layers, and detach
   * it.  MOUNT_OVERLAY NULL: the flat root. */
  int (*mount_overlay) (int layers_dir, const char *opts, const char *target, bool writable,
                        bool suid, struct brig_err *err);
  void (*detach) (const char *target);
  uint32_t uid_base, gid_base, id_count;
  /* Directories the container mounts on or starts in (absolute): a
   * read-only overlay cannot have them made later, so they are made in
   * its lowest layer, where the image's own layers hide them if they
   * have them. */
  char *const *mount_points;
  /* Files the container mounts on (a bind of a file, brig's /etc/hosts...):
   * made empty in the same layer, their directories too. */
  char *const *mount_files;
};

struct brig_rootfs
{
  char *path;  /* the root directory to give the sandbox */
  char *mount; /* the host mount of the overlay, detached once cloned */
  void (*detach) (const char *target);
  char *dir; /* ROOT/containers/ID, removed at the end */
  int hold;
  bool overlay;
  bool reusable; /* read-only: its directory can serve the next container */
  int store_dir; /* a copy of the store's directory fd */
  uint64_t devices_dropped, setid_cleared;
};

/* A brig_rootfs that holds nothing (brig_rootfs_release may be called). */
#define BRIG_ROOTFS_INIT                                                                           \
  {                                                                                                \
    .hold = -1, .store_dir = -1                                                                    \
  }

int brig_rootfs_prepare (struct brig_store *s, const struct brig_stored_image *img,
                         const struct brig_rootfs_opts *o, struct brig_rootfs *ret,
                         struct brig_err *err);
/* What the image has at PATH in the root R made: 1 a directory, 0
 * nothing (or not a directory), -1 a symbolic link on the way. */
int brig_rootfs_image_dir (const struct brig_rootfs *r, const char *path);

/* A directory for the container's anonymous volume N (of an image's
 * VOLUME), ROOT/containers/ID/volumes/N: owned by UID:GID (the
 * container's root), 0755, removed with the container, which then never
 * serves the next as the spare.  *RET_SOURCE: its path. */
int brig_rootfs_add_volume (struct brig_rootfs *r, size_t n, uint32_t uid, uint32_t gid,
                            char **ret_source, struct brig_err *err);

/* The sandbox has its own clone of the root: the host's mount can go. */
void brig_rootfs_detach (struct brig_rootfs *r);
/* After the container: its mount, upper directory and hold, gone. */
void brig_rootfs_release (struct brig_rootfs *r);

#endif
